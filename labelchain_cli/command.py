"""The command class every subcommand uses: core and AWS exceptions become one line and the CLI's exit codes.

This is the one place errors are translated: commands raise core errors, botocore errors or the
:mod:`.errors` classes, and never format an AWS error themselves.

- core usage errors (:data:`USAGE_ERRORS`): exit 2, ``error: <command>: <ErrorName>: <message>``;
- other core errors (``ManifestInvalid``...): exit 1, same line;
- ``ParamValidationError`` (a value botocore refuses): exit 2,
  ``error: <Operation> failed: ParamValidationError: <first problem>``;
- ``ClientError``: exit 3, ``error: <Operation> failed: <Code>: <message>``;
- no region, no credentials, no connection, any other botocore error: exit 3,
  ``error: <Operation> failed: <Exception>: <message>; <hint>``.

Messages are cut to their first line; ``--verbose`` prints the traceback (with the full message) first.
Anything else (a bug) keeps its traceback.
"""

from __future__ import annotations

from typing import Any

import click
from botocore.exceptions import (
    BotoCoreError,
    ClientError,
    NoCredentialsError,
    NoRegionError,
    ParamValidationError,
)
from botocore.exceptions import ConnectionError as BotoConnectionError
from labelchain_fn.core.errors import (
    InputInvalid,
    LabelChainError,
    ManifestNotFound,
    SourceBucketNotAllowed,
    UnknownChain,
    WarmStartModelInvalid,
)

from .aws import Aws
from .errors import (
    AwsResourceError,
    CliError,
    CommandFailed,
    InvalidRequest,
    NoObjectsMatched,
    aws_error_line,
    first_line,
)
from .output import is_verbose

#: Core errors meaning the operator asked for something wrong (exit 2), not that the data is wrong (exit 1).
USAGE_ERRORS = (
    InputInvalid,
    UnknownChain,
    WarmStartModelInvalid,
    SourceBucketNotAllowed,
    ManifestNotFound,
    NoObjectsMatched,
)
_CREDENTIALS_HINT = "configure credentials (aws configure, AWS_PROFILE) or pass --profile"
_CONNECTION_HINT = "check --endpoint-url (AWS_ENDPOINT_URL), --region and the network"


def _botocore_error(err: BotoCoreError, what: str) -> CliError:
    if isinstance(err, ParamValidationError):
        return InvalidRequest(aws_error_line(what, err))
    if isinstance(err, NoCredentialsError):
        return AwsResourceError(aws_error_line(what, err, _CREDENTIALS_HINT))
    if isinstance(err, BotoConnectionError):
        return AwsResourceError(aws_error_line(what, err, _CONNECTION_HINT))
    return AwsResourceError(aws_error_line(what, err))


def cli_error(err: Exception, ctx: click.Context) -> CliError | None:
    """The :class:`~.errors.CliError` that reports ``err`` raised by the command of ``ctx``; ``None`` for
    what click reports itself (its usage errors) and for bugs, which keep their traceback."""
    if isinstance(err, CliError):
        return err
    command = ctx.info_name or "labelchain"
    if isinstance(err, LabelChainError):
        error = InvalidRequest if isinstance(err, USAGE_ERRORS) else CommandFailed
        return error(f"{command}: {err.name}: {first_line(str(err))}")
    if isinstance(err, ClientError):
        return AwsResourceError(aws_error_line(f"{err.operation_name} failed", err))
    if isinstance(err, NoRegionError):
        # Raised when a client is created, before any operation: the newest operation is not this one.
        return AwsResourceError(f"{command}: NoRegionError: no AWS region: pass --region or set AWS_REGION")
    if isinstance(err, BotoCoreError):
        aws = ctx.find_object(Aws)
        operation = aws.last_operation if aws is not None else None
        return _botocore_error(err, f"{operation} failed" if operation else command)
    return None


class LabelChainCommand(click.Command):
    """A command whose errors print one line and map to exit codes (see :func:`cli_error`)."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except Exception as err:
            error = cli_error(err, ctx)
            if error is None:
                raise
            error.verbose = is_verbose(ctx)
            if error is err:
                raise
            raise error from err

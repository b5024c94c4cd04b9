"""Exit codes of the CLI, the exceptions that carry them, and the one line each error prints.

0 success; 1 the job or the command failed; 2 usage error (click's own ``UsageError`` exit code);
3 AWS or resource error (no credentials, no stack, missing table, throttled...).

Every error a command raises prints one line on stderr, ``error: <what failed>: <ErrorCode>: <message>``
(:mod:`.command` translates them); with ``--verbose`` the traceback of its cause (which holds AWS's full
message) comes first. Mistyped options are click's usage errors: the usage, then ``Error: <message>``.
"""

from __future__ import annotations

import traceback
from typing import IO, Any

import click
from botocore.exceptions import ClientError, ParamValidationError
from labelchain_fn.core.errors import LabelChainError

EXIT_OK = 0
EXIT_FAILED = 1
EXIT_USAGE = 2
EXIT_AWS = 3
#: What :func:`first_line` appends when it dropped lines (``--verbose`` prints them in the traceback).
MORE = " [more with --verbose]"


class CliError(click.ClickException):
    """An error shown as one line ``error: <message>``; ``verbose`` (set by the command class from
    ``--verbose``) adds the traceback of the exception it was raised from."""

    exit_code = EXIT_FAILED
    verbose = False

    def show(self, file: IO[Any] | None = None) -> None:
        cause, message = self.__cause__, self.format_message()
        if self.verbose and cause is not None:
            click.echo("".join(traceback.format_exception(cause)).rstrip(), file=file, err=file is None)
            message = message.replace(MORE, "")
        click.echo(f"error: {message}", file=file, err=file is None)


class CommandFailed(CliError):
    """The command ran but its subject failed (a job failed, a manifest is invalid)."""

    exit_code = EXIT_FAILED


class InvalidRequest(CliError):
    """A check before any side effect refused what the operator asked for (an unknown chain, a manifest
    that does not exist...): a usage error of one line, without click's usage text."""

    exit_code = EXIT_USAGE


class AwsResourceError(CliError):
    """AWS could not be reached, refused the call, or a resource of the stack is missing."""

    exit_code = EXIT_AWS


class NoObjectsMatched(LabelChainError):
    """``prepare --source``: no object under the prefix has one of the suffixes taken (the CLI's own named
    error; the pipeline never lists a prefix)."""


def first_line(text: str) -> str:
    """The first non-blank line of ``text``, trimmed, with a pointer to ``--verbose`` when more followed."""
    lines = [line.strip() for line in text.strip().splitlines() if line.strip()]
    if not lines:
        return ""
    return lines[0] + (MORE if len(lines) > 1 else "")


def aws_error_parts(err: Exception) -> tuple[str, str]:
    """``(error code, message)`` of a botocore exception: the service's ``Error.Code`` and ``Message``
    for a ``ClientError`` (the HTTP status when the answer had no body, as for HeadObject), the report of a
    ``ParamValidationError`` without its ``Parameter validation failed:`` header, else the class name and
    the text; the message is its first line."""
    if isinstance(err, ClientError):
        error = err.response.get("Error", {})
        status = err.response.get("ResponseMetadata", {}).get("HTTPStatusCode")
        code = str(error.get("Code") or status or "ClientError")
        return code, first_line(str(error.get("Message") or err))
    if isinstance(err, ParamValidationError):
        return type(err).__name__, first_line(str(err.kwargs.get("report") or err))
    return type(err).__name__, first_line(str(err))


def aws_error_line(what: str, err: Exception, hint: str = "") -> str:
    """``<what>: <ErrorCode>: <message>[; hint]``, the text of an :class:`AwsResourceError`."""
    code, message = aws_error_parts(err)
    return f"{what}: {code}" + (f": {message}" if message else "") + (f"; {hint}" if hint else "")

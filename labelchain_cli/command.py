"""The command class every subcommand uses: core and AWS exceptions become the CLI's exit codes."""

from __future__ import annotations

from typing import Any

import click
from botocore.exceptions import BotoCoreError, ClientError, NoCredentialsError, NoRegionError
from labelchain_fn.core.errors import InputInvalid, LabelChainError, UnknownChain, WarmStartModelInvalid

from .errors import AwsResourceError, CommandFailed

#: Core errors meaning the operator typed something wrong (exit 2), not that the data is wrong (exit 1).
USAGE_ERRORS = (InputInvalid, UnknownChain, WarmStartModelInvalid)


class LabelChainCommand(click.Command):
    """A command whose errors map to exit codes (see :mod:`.errors`); usage errors show its own usage."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except USAGE_ERRORS as err:
            raise click.UsageError(str(err), ctx) from err
        except LabelChainError as err:
            raise CommandFailed(f"{err.name}: {err}") from err
        except NoRegionError as err:
            raise AwsResourceError("no AWS region: pass --region or set AWS_REGION") from err
        except NoCredentialsError as err:
            raise AwsResourceError("no AWS credentials: configure a profile or pass --profile") from err
        except ClientError as err:
            error = err.response.get("Error", {})
            operation = getattr(err, "operation_name", "AWS call")
            raise AwsResourceError(
                f"{operation} failed: {error.get('Code')}: {error.get('Message')}"
            ) from err
        except BotoCoreError as err:
            raise AwsResourceError(str(err)) from err

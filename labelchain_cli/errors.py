"""Exit codes of the CLI and the exceptions that carry them.

0 success; 1 the job or the command failed; 2 usage error (click's own ``UsageError`` exit code);
3 AWS or resource error (no credentials, no stack, missing table, throttled...).
"""

from __future__ import annotations

import click

EXIT_OK = 0
EXIT_FAILED = 1
EXIT_USAGE = 2
EXIT_AWS = 3


class CommandFailed(click.ClickException):
    """The command ran but its subject failed (a job failed, a manifest is invalid)."""

    exit_code = EXIT_FAILED


class AwsResourceError(click.ClickException):
    """AWS could not be reached, refused the call, or a resource of the stack is missing."""

    exit_code = EXIT_AWS

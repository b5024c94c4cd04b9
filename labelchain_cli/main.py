"""The ``labelchain`` command: global AWS options, then one subcommand per operator task."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import click

from . import __version__
from .aws import DEFAULT_STACK_NAME, Aws, AwsOptions
from .commands.demo import demo
from .commands.doctor import doctor
from .commands.prepare import prepare
from .commands.report import report
from .commands.start import start
from .commands.status import status
from .commands.watch import watch
from .output import VERBOSE_KEY


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, "--version", prog_name="labelchain")
@click.option(
    "--stack-name",
    default=DEFAULT_STACK_NAME,
    show_default=True,
    envvar="LABELCHAIN_STACK_NAME",
    help="CloudFormation stack whose outputs name the resources.",
)
@click.option(
    "--endpoint-url",
    envvar="AWS_ENDPOINT_URL",
    help="Endpoint of every AWS call, e.g. the local sandbox (default: AWS).",
)
@click.option("--region", envvar="AWS_REGION", help="AWS region (default: the boto3 default session's).")
@click.option("--profile", envvar="AWS_PROFILE", help="AWS named profile (default: the default session's).")
@click.option("--table", envvar="LABELCHAIN_TABLE", help="Jobs table (default: stack output JobTableName).")
@click.option(
    "--state-machine-arn",
    envvar="LABELCHAIN_STATE_MACHINE_ARN",
    help="State machine (default: stack output StateMachineArn).",
)
@click.option(
    "--input-bucket",
    envvar="LABELCHAIN_INPUT_BUCKET",
    help="Upload bucket (default: stack output InputBucketName).",
)
@click.option(
    "-v",
    "--verbose",
    is_flag=True,
    envvar="LABELCHAIN_VERBOSE",
    help="On an error, also print its traceback and AWS's full message; note the checks skipped.",
)
@click.pass_context
def cli(ctx: click.Context, verbose: bool, **options: Any) -> None:
    """Operate labelchain: chained Ground Truth labeling jobs with warm-started auto-labeling.

    Exit codes: 0 ok, 1 job or command failed, 2 usage error, 3 AWS or resource error.
    """
    # Tests pass pre-built clients as ``obj`` ({service: client}); real runs build them lazily.
    clients: Mapping[str, Any] = ctx.obj if isinstance(ctx.obj, Mapping) else {}
    ctx.meta[VERBOSE_KEY] = verbose
    ctx.obj = Aws(AwsOptions(**options), clients)


for command in (prepare, start, status, watch, report, demo, doctor):
    cli.add_command(command)


def main() -> None:
    """Console-script entry point ``labelchain``."""
    cli(prog_name="labelchain")

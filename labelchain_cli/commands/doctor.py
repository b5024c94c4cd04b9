"""``labelchain doctor``: a preflight of the account, the configuration and, once deployed, the stack."""

from __future__ import annotations

from pathlib import Path

import click
from click.core import ParameterSource

from stacks.context import PROJECT_ROOT

from ..aws import Aws
from ..command import LabelChainCommand
from ..doctor.report import exit_code, render
from ..doctor.run import DoctorSettings, run_checks
from ..output import console, print_json


def default_cdk_json() -> Path:
    """``cdk.json`` in the current folder, else the project's own."""
    here = Path("cdk.json")
    return here if here.is_file() else PROJECT_ROOT / "cdk.json"


@click.command(cls=LabelChainCommand)
@click.option(
    "--cdk-json",
    type=click.Path(dir_okay=False, path_type=Path),
    help="The cdk.json holding the labelchain configuration (default: ./cdk.json, else the project's).",
)
@click.option("--json", "as_json", is_flag=True, help="Print a list of {check, status, detail, fix} as JSON.")
@click.pass_context
def doctor(ctx: click.Context, cdk_json: Path | None, as_json: bool) -> None:
    """Check an AWS account (or the sandbox) before and after a deploy: configuration, credentials, region,
    CDK bootstrap, Ground Truth access, workteams, Powertools layer, stack, S3 CORS, SNS subscriptions and
    the labeling-job quota.

    Exit 0 when no check failed (warnings and skipped checks allowed), 1 when one did.
    """
    aws: Aws = ctx.obj
    # The stack is the configuration's stackName unless --stack-name or LABELCHAIN_STACK_NAME names one.
    source = ctx.parent.get_parameter_source("stack_name") if ctx.parent else None
    explicit = source not in (None, ParameterSource.DEFAULT)
    settings = DoctorSettings(
        cdk_json=cdk_json or default_cdk_json(),
        stack_name=aws.options.stack_name if explicit else None,
        input_bucket=aws.options.input_bucket,
    )
    results = run_checks(aws.client, settings)
    if as_json:
        print_json([result.to_dict() for result in results])
    else:
        render(results, console())
    ctx.exit(exit_code(results))

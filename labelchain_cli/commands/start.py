"""``labelchain start``: start the workflow for a manifest with the console input of docs/design.md."""

from __future__ import annotations

import json
import re
import uuid
from datetime import UTC, datetime
from typing import Any

import click
from labelchain_fn.core.inputs import parse_execution_input
from labelchain_fn.core.warm_start import classify_policy

from ..aws import Aws
from ..command import LabelChainCommand
from ..output import print_json
from ..preflight import check_start

#: StartExecution ``name``: 1-80 characters of letters, digits, ``-`` and ``_``.
_NAME_UNSAFE = re.compile(r"[^A-Za-z0-9_-]")


def execution_name(chain: str, now: datetime | None = None) -> str:
    """A unique, readable execution name ``<chain>-<utc time>-<8 hex>`` (at most 80 characters).

    An explicit name also makes the execution easy to find in the console next to the ones uploads start.
    """
    at = (now or datetime.now(UTC)).strftime("%Y%m%dT%H%M%SZ")
    stem = _NAME_UNSAFE.sub("-", chain)[: 80 - len(at) - 10]
    return f"{stem}-{at}-{uuid.uuid4().hex[:8]}"


def console_input(chain: str, manifest: str, warm_start: str | None, control: bool | None) -> dict[str, Any]:
    """The execution input ``{"chain", "manifest", "warmStart"?, "control"?}``, checked with the core's
    own parser and warm-start rules so a typo fails here (exit 2) instead of inside the workflow.

    Raises
    ------
    InputInvalid, WarmStartModelInvalid
    """
    data: dict[str, Any] = {"chain": chain, "manifest": manifest}
    if warm_start is not None:
        classify_policy(warm_start)
        data["warmStart"] = warm_start
    if control is not None:
        data["control"] = control
    parse_execution_input(data)
    return data


@click.command(cls=LabelChainCommand)
@click.option("--chain", required=True, help="Chain the manifest belongs to.")
@click.option("--manifest", required=True, metavar="S3_URI", help="The batch manifest, s3://bucket/key.")
@click.option(
    "--warm-start",
    metavar="POLICY",
    help="latest | none | <model ARN> | <labeling job name> (default: the chain's policy).",
)
@click.option(
    "--control/--no-control",
    default=None,
    help="Also run a cold control job and compare (default: the chain's setting).",
)
@click.option("--name", "name", help="Execution name (default: <chain>-<utc time>-<random>).")
@click.option("--json", "as_json", is_flag=True, help="Print {executionArn, startDate, input} as JSON.")
@click.pass_obj
def start(
    aws: Aws,
    chain: str,
    manifest: str,
    warm_start: str | None,
    control: bool | None,
    name: str | None,
    as_json: bool,
) -> None:
    """Start the labeling workflow for one manifest and print the execution ARN.

    Before anything is started, the checks the workflow's first step makes come first, with its error
    names (exit 2): the chain is configured (UnknownChain), the manifest's bucket is the input bucket or an
    allowed source bucket (SourceBucketNotAllowed), and the manifest exists (ManifestNotFound).
    """
    data = console_input(chain, manifest, warm_start, control)
    check_start(aws, chain, manifest)
    response = aws.client("stepfunctions").start_execution(
        stateMachineArn=aws.state_machine_arn,
        name=name or execution_name(chain),
        input=json.dumps(data),
    )
    arn = str(response["executionArn"])
    if as_json:
        print_json({"executionArn": arn, "startDate": str(response.get("startDate", "")), "input": data})
    else:
        # Bare ARN on stdout so scripts can capture it: ARN=$(labelchain start ...).
        click.echo(arn)

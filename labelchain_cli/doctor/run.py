"""The order of the doctor's checks and what each needs; the configuration comes from ``cdk.json``.

The configuration is read and validated by the CDK app's own functions (:mod:`stacks.context`,
``parse_pipeline_config``), so the doctor reports exactly what ``cdk synth`` would. Checks that need what
an earlier one could not provide are skipped, never failed twice: everything on AWS needs credentials and a
region; the workteam and quota checks need a valid configuration; the stack's input bucket and topic need
a deployed stack.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Any

from botocore.exceptions import BotoCoreError, ClientError
from labelchain_fn.core.config import ChainConfig, ConfigError, PipelineConfig

from stacks.context import cdk_json_context, pipeline_config_from_context

from ..aws import DEFAULT_STACK_NAME, STACK_OUTPUTS
from .checks import (
    Identity,
    check_bootstrap,
    check_credentials,
    check_ground_truth,
    check_powertools,
    check_quota,
    check_workteam,
    describe_stack,
    failure_of,
    guard,
)
from .report import CheckResult, failed, passed, skipped
from .rules import DEFAULT_QUALIFIER, jobs_at_once, region_result
from .stack_checks import check_cors, check_subscriptions
from .stack_rules import stack_result

#: ``ClientFactory("s3")`` returns the client of a service (``Aws.client`` in the CLI, injected in tests).
ClientFactory = Callable[[str], Any]
QUALIFIER_KEY = "@aws-cdk/core:bootstrapQualifier"


@dataclass(frozen=True)
class DoctorSettings:
    """What to check.

    Attributes
    ----------
    cdk_json : the ``cdk.json`` whose ``labelchain`` context (or ``labelchain:configFile``) configures.
    stack_name : the stack to look for; default ``None`` = the configuration's ``stackName``.
    input_bucket : the input bucket; default ``None`` = the stack output ``InputBucketName``.
    """

    cdk_json: Path
    stack_name: str | None = None
    input_bucket: str | None = None


def load_config(cdk_json: Path) -> tuple[PipelineConfig | None, Mapping[str, Any], CheckResult]:
    """``(config, context, result)``; ``config`` is ``None`` when ``cdk.json`` is unreadable or invalid."""
    try:
        context = cdk_json_context(cdk_json)
    except (OSError, ValueError) as err:
        fix = "run labelchain doctor in the project folder, or pass --cdk-json PATH"
        return None, {}, failed("config", f"cannot read {cdk_json}: {err}", fix)
    try:
        config = pipeline_config_from_context(context, base_dir=cdk_json.parent)
    except ConfigError as err:
        detail = f"{cdk_json.name}: {len(err.problems)} problem(s): {'; '.join(err.problems)}"
        return None, context, failed("config", detail, "correct those keys (npx cdk synth reports the same)")
    chains = ", ".join(config.chains)
    detail = f"{cdk_json.name}: chains {chains}; region {config.region}; stack {config.stack_name}"
    return config, context, passed("config", detail)


def session_region(client: ClientFactory) -> str | None:
    """The region every call goes to (a regional client's; STS would say ``aws-global``)."""
    try:
        region = client("cloudformation").meta.region_name
    except BotoCoreError:  # NoRegionError, or a profile that does not exist (the credentials check says so)
        return None
    return str(region) if region else None


def run_checks(client: ClientFactory, settings: DoctorSettings) -> list[CheckResult]:
    """Every check, in the order of the report."""
    config, context, config_check = load_config(settings.cdk_json)
    region = session_region(client)
    try:
        identity_check, identity = check_credentials(client("sts"))
    except (ClientError, BotoCoreError) as err:
        identity_check, identity = failure_of("credentials", err), None
    results = [config_check, identity_check, region_result(region, config.region if config else None)]
    chains = list(config.chains.values()) if config else []
    sources = list(config.allowed_source_buckets) if config else []
    if identity is None or region is None:
        why = "needs working credentials" if identity is None else "needs a region"
        names = ["cdk-bootstrap", "ground-truth-access", *[f"workteam:{c.name}" for c in chains]]
        names += ["powertools-layer", "stack", *[f"cors:{b}" for b in sources]]
        names += [
            f"cors:{settings.input_bucket or 'input-bucket'}",
            "sns-subscriptions",
            "labeling-job-quota",
        ]
        return results + [skipped(name, why) for name in names]
    qualifier = str(context.get(QUALIFIER_KEY, DEFAULT_QUALIFIER))
    results += _account_checks(client, identity, region, chains, qualifier)
    if config is None:
        results.append(skipped("workteam", "needs a valid configuration"))
    results += _after_deploy(client, settings, config, sources)
    if config is None:
        results.append(skipped("labeling-job-quota", "needs a valid configuration"))
    else:
        needed = jobs_at_once(chains)
        results.append(guard("labeling-job-quota", lambda: check_quota(client("service-quotas"), needed)))
    return results


def _account_checks(
    client: ClientFactory, identity: Identity, region: str, chains: list[ChainConfig], qualifier: str
) -> list[CheckResult]:
    """Bootstrap, Ground Truth access, the chains' workteams and the Powertools layer."""
    account = identity.account

    def bootstrap() -> CheckResult:
        cloudformation, ssm = client("cloudformation"), client("ssm")
        return check_bootstrap(cloudformation, ssm, account=account, region=region, qualifier=qualifier)

    def workteam(chain: ChainConfig) -> CheckResult:
        return check_workteam(client("sagemaker"), chain, account=account, region=region)

    plan: list[tuple[str, Callable[[], CheckResult]]] = [
        ("cdk-bootstrap", bootstrap),
        ("ground-truth-access", lambda: check_ground_truth(client("sagemaker"), identity.arn)),
        *[(f"workteam:{chain.name}", partial(workteam, chain)) for chain in chains],
        ("powertools-layer", lambda: check_powertools(client("ssm"), region)),
    ]
    return [guard(check, run) for check, run in plan]


def _after_deploy(
    client: ClientFactory, settings: DoctorSettings, config: PipelineConfig | None, sources: list[str]
) -> list[CheckResult]:
    """The stack's status, the CORS of the source and input buckets, the topic's subscriptions."""
    stack_name = settings.stack_name or (config.stack_name if config else DEFAULT_STACK_NAME)
    outputs: dict[str, str] = {}

    def stack() -> CheckResult:
        status, found = describe_stack(client("cloudformation"), stack_name)
        outputs.update(found)
        return stack_result(stack_name, status)

    def cors(bucket: str, managed: bool) -> CheckResult:
        return check_cors(client("s3"), bucket, managed=managed)

    results = [guard("stack", stack)]
    results += [guard(f"cors:{bucket}", partial(cors, bucket, False)) for bucket in sources]
    # An explicit --input-bucket is the operator's own bucket; the stack output one is the stack's.
    input_bucket = settings.input_bucket or outputs.get(STACK_OUTPUTS["input_bucket"])
    if input_bucket:
        managed = settings.input_bucket is None
        results.append(guard(f"cors:{input_bucket}", partial(cors, input_bucket, managed)))
    else:
        results.append(skipped("cors:input-bucket", "after deploy: the stack's input bucket"))
    topic_arn = outputs.get(STACK_OUTPUTS["topic_arn"])
    if topic_arn:
        emails = config.notification_emails if config else ()
        results.append(
            guard("sns-subscriptions", lambda: check_subscriptions(client("sns"), topic_arn, emails))
        )
    else:
        results.append(skipped("sns-subscriptions", "after deploy: the stack's topic"))
    return results

"""Typed pipeline configuration, validated once.

The CDK app reads the ``labelchain`` object of ``cdk.json`` context (or the JSON file that
``labelchain:configFile`` names) and calls :func:`parse_pipeline_config`. Every problem is collected and
raised together as one :class:`ConfigError` whose lines name the key, what was expected and what was
received, so a wrong value fails ``cdk synth`` before anything is deployed. Unknown keys are problems
too: a misspelt key would otherwise silently fall back to its default.

The same dataclasses (:mod:`labelchain_fn.core.config_model`, re-exported here) travel to the Lambdas:
:meth:`ChainConfig.to_dict` is stored in an SSM parameter per deployment and read back with
:func:`chain_from_dict`.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from .config_fields import (
    check_label_attribute,
    check_labels,
    check_warm_start,
    parse_pricing,
    parse_workforce,
)
from .config_model import (
    CHAIN_KEYS,
    CHAIN_NAME_PATTERN,
    CONTENT_CLASSIFIERS,
    DEFAULT_FEE_TIERS,
    DEFAULT_TITLE,
    EMAIL_PATTERN,
    KEYWORD_PATTERN,
    KMS_ARN_PATTERN,
    PIPELINE_KEYS,
    S3_URI_PATTERN,
    ChainConfig,
    ConfigError,
    PipelineConfig,
    Pricing,
    Workforce,
    chain_from_dict,
)
from .config_reader import Reader, check_keys
from .task_types import SUPPORTED_REGIONS, spec_for

BUCKET_NAME_PATTERN = re.compile(r"[a-z0-9][a-z0-9.\-]{1,61}[a-z0-9]")

__all__ = [
    "DEFAULT_FEE_TIERS",
    "ChainConfig",
    "ConfigError",
    "PipelineConfig",
    "Pricing",
    "Workforce",
    "chain_from_dict",
    "parse_chain",
    "parse_chains",
    "parse_pipeline_config",
]


def parse_chain(name: str, raw: Any, problems: list[str]) -> ChainConfig | None:
    """Parse one chain; append problems and return ``None`` if it cannot be built at all."""
    path = f"labelchain.chains.{name}"
    if not isinstance(name, str) or not CHAIN_NAME_PATTERN.fullmatch(name):
        problems.append(
            f"{path}: expected a chain name of lower-case letters, digits and single hyphens "
            f"(at most 24 characters); received {name!r}"
        )
    if not isinstance(raw, Mapping):
        problems.append(f"{path}: expected an object; received {raw!r}")
        return None
    r = Reader(raw, path, problems)
    check_keys(r, CHAIN_KEYS)
    try:
        spec = spec_for(raw.get("taskType"))  # type: ignore[arg-type]
    except ValueError as err:
        problems.append(f"{path}.taskType: {err} (only these task types can auto-label and warm-start)")
        return None
    workforce = parse_workforce(r, spec)
    lifetime_max = 43_200 if workforce.kind == "public" else 2_592_000
    classifiers = r.str_list(
        "contentClassifiers",
        ("FreeOfPersonallyIdentifiableInformation",),
        what=f"a list drawn from {', '.join(CONTENT_CLASSIFIERS)}",
    )
    if any(c not in CONTENT_CLASSIFIERS for c in classifiers):
        r.fail("contentClassifiers", f"a list drawn from {', '.join(CONTENT_CLASSIFIERS)}", list(classifiers))
    elif workforce.kind == "public" and "FreeOfPersonallyIdentifiableInformation" not in classifiers:
        r.fail(
            "contentClassifiers",
            "FreeOfPersonallyIdentifiableInformation with the public workforce",
            list(classifiers),
        )
    ui = r.str_("uiTemplateS3Uri", None, S3_URI_PATTERN, 1024, "an s3:// URI of a Liquid/HTML template")
    chain = ChainConfig(
        name=name,
        task_type=spec.task_type,
        labels=check_labels(r, spec),
        label_attribute_name=check_label_attribute(r, spec),
        task_title=r.str_(
            "taskTitle", DEFAULT_TITLE[spec.task_type], max_len=128, what="a string of 1 to 128 characters"
        ),
        task_description=r.str_(
            "taskDescription",
            DEFAULT_TITLE[spec.task_type],
            max_len=255,
            what="a string of 1 to 255 characters",
        ),
        task_keywords=r.str_list(
            "taskKeywords",
            ("images",) if spec.source_key == "source-ref" else ("text",),
            KEYWORD_PATTERN,
            "1 to 5 keywords of letters, digits and single spaces",
        ),
        workforce=workforce,
        workers_per_object=r.int_("workersPerObject", spec.default_workers_per_object, 1, 9),
        task_time_limit_seconds=r.int_("taskTimeLimitSeconds", 300, 30, 28_800),
        task_availability_lifetime_seconds=r.int_(
            "taskAvailabilityLifetimeSeconds", min(21_600, lifetime_max), 60, lifetime_max
        ),
        max_concurrent_task_count=r.int_("maxConcurrentTaskCount", 1000, 1, 5000),
        max_human_labeled_object_count=r.int_("maxHumanLabeledObjectCount", None, 1),
        max_percentage_of_input_dataset_labeled=r.int_("maxPercentageOfInputDatasetLabeled", None, 1, 100),
        auto_labeling=r.bool_("autoLabeling", True),
        warm_start=check_warm_start(r),
        control=r.bool_("control", False),
        ui_template_s3_uri=ui,
        content_classifiers=classifiers,
        pricing=parse_pricing(r),
    )
    if not 1 <= len(chain.task_keywords) <= 5 or any(len(k) > 30 for k in chain.task_keywords):
        r.fail("taskKeywords", "1 to 5 keywords of at most 30 characters", list(chain.task_keywords))
    return chain


def parse_chains(raw: Any, problems: list[str]) -> dict[str, ChainConfig]:
    """Parse the ``chains`` object (also used by the Lambdas on the stored parameter)."""
    if not isinstance(raw, Mapping) or not raw:
        problems.append(f"labelchain.chains: expected an object with at least one chain; received {raw!r}")
        return {}
    chains = {name: parse_chain(name, value, problems) for name, value in raw.items()}
    return {name: chain for name, chain in chains.items() if chain is not None}


def parse_pipeline_config(raw: Any) -> PipelineConfig:
    """Validate the ``labelchain`` context object; raise :class:`ConfigError` listing every problem."""
    problems: list[str] = []
    if not isinstance(raw, Mapping):
        raise ConfigError([f"labelchain: expected an object; received {raw!r}"])
    r = Reader(raw, "labelchain", problems)
    check_keys(r, PIPELINE_KEYS)
    region = r.str_("region", "us-east-1", what=f"one of {', '.join(SUPPORTED_REGIONS)}")
    if region not in SUPPORTED_REGIONS:
        r.fail(
            "region", f"one of {', '.join(SUPPORTED_REGIONS)} (Ground Truth's built-in task Lambdas)", region
        )
    removal = r.str_("removalPolicy", "retain", what='"retain" or "destroy"')
    if removal not in ("retain", "destroy"):
        r.fail("removalPolicy", '"retain" or "destroy"', removal)
    config = PipelineConfig(
        chains=parse_chains(raw.get("chains"), problems),
        region=region,
        stack_name=r.str_(
            "stackName",
            "LabelChain",
            re.compile(r"^[A-Za-z][A-Za-z0-9-]{0,127}$"),
            what="a CloudFormation stack name",
        ),
        job_name_prefix=r.str_(
            "jobNamePrefix",
            "lc",
            re.compile(r"^[a-z][a-z0-9]{0,7}$"),
            what="1 to 8 lower-case letters or digits, starting with a letter",
        ),
        notification_emails=r.str_list("notificationEmails", (), EMAIL_PATTERN, "a list of e-mail addresses"),
        kms_key_arn=r.str_("kmsKeyArn", None, KMS_ARN_PATTERN, what="a KMS key ARN"),
        monitor_interval_minutes=r.int_("monitorIntervalMinutes", 15, 1, 1440),
        stalled_after_minutes=r.int_("stalledAfterMinutes", 720, 5),
        record_ttl_days=r.int_("recordTtlDays", 365, 1),
        allowed_source_buckets=r.str_list(
            "allowedSourceBuckets", (), BUCKET_NAME_PATTERN, what="a list of S3 bucket names"
        ),
        removal_policy=removal,
    )
    if problems:
        raise ConfigError(problems)
    return config

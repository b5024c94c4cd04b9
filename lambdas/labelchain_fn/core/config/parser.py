"""Parsing the ``labelchain`` object: every key read with the rule book's default and bounds.

Every problem is collected and raised together as one :class:`~.model.ConfigError` whose lines name the
key, what was expected and what was received. Unknown keys are problems too: a misspelt key would
otherwise silently fall back to its default.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from typing import Any

from .. import limits as gt
from ..task_types import SUPPORTED_REGIONS, spec_for
from . import chain_fields as c
from . import fields as p
from .checks import check_label_attribute, check_labels, check_warm_start, parse_pricing, parse_workforce
from .defaults import DEFAULT_KEYWORDS, DEFAULT_TITLE
from .model import (
    BUCKET_NAME_PATTERN,
    CHAIN_NAME_PATTERN,
    EMAIL_PATTERN,
    JOB_NAME_PREFIX_PATTERN,
    KMS_ARN_PATTERN,
    S3_URI_PATTERN,
    STACK_NAME_PATTERN,
    ChainConfig,
    ConfigError,
    PipelineConfig,
)
from .reader import Reader, check_keys

_KEYWORDS = f"1 to {gt.TASK_KEYWORDS_MAX} keywords"


def _classifiers(r: Reader, public: bool) -> tuple[str, ...]:
    """``contentClassifiers``: drawn from the known ones; the PII one with the public workforce."""
    drawn_from = f"a list drawn from {', '.join(gt.CONTENT_CLASSIFIERS)}"
    classifiers = r.str_list(c.CONTENT_CLASSIFIERS.name, c.CONTENT_CLASSIFIERS.default, what=drawn_from)
    if any(classifier not in gt.CONTENT_CLASSIFIERS for classifier in classifiers):
        r.fail(c.CONTENT_CLASSIFIERS.name, drawn_from, list(classifiers))
    elif public and gt.PII_CLASSIFIER not in classifiers:
        r.fail(
            c.CONTENT_CLASSIFIERS.name, f"{gt.PII_CLASSIFIER} with the public workforce", list(classifiers)
        )
    return classifiers


def parse_chain(name: str, raw: Any, problems: list[str]) -> ChainConfig | None:
    """Parse one chain; append problems and return ``None`` if it cannot be built at all."""
    path = f"labelchain.chains.{name}"
    if not isinstance(name, str) or not CHAIN_NAME_PATTERN.fullmatch(name):
        problems.append(
            f"{path}: expected a chain name of lower-case letters, digits and single hyphens "
            f"(at most {p.CHAIN_NAME_MAX_LENGTH} characters); received {name!r}"
        )
    if not isinstance(raw, Mapping):
        problems.append(f"{path}: expected an object; received {raw!r}")
        return None
    r = Reader(raw, path, problems)
    check_keys(r, p.CHAIN_KEYS)
    try:
        spec = spec_for(raw.get(c.TASK_TYPE.name))  # type: ignore[arg-type]
    except ValueError as err:
        problems.append(f"{path}.taskType: {err} (only these task types can auto-label and warm-start)")
        return None
    workforce = parse_workforce(r, spec)
    lifetime = c.TASK_AVAILABILITY_LIFETIME_SECONDS
    lifetime_max = gt.task_availability_max_seconds(workforce.kind == "public")
    classifiers = _classifiers(r, workforce.kind == "public")
    ui = r.str_(
        c.UI_TEMPLATE_S3_URI.name,
        c.UI_TEMPLATE_S3_URI.default,
        S3_URI_PATTERN,
        gt.S3_URI_MAX_LENGTH,
        "an s3:// URI of a Liquid/HTML template",
    )
    title, description = c.TASK_TITLE, c.TASK_DESCRIPTION
    chain = ChainConfig(
        name=name,
        task_type=spec.task_type,
        labels=check_labels(r, spec),
        label_attribute_name=check_label_attribute(r, spec),
        task_title=r.str_(
            title.name,
            DEFAULT_TITLE[spec.task_type],
            max_len=title.hi,
            what=f"a string of 1 to {title.hi} characters",
        ),
        task_description=r.str_(
            description.name,
            DEFAULT_TITLE[spec.task_type],
            max_len=description.hi,
            what=f"a string of 1 to {description.hi} characters",
        ),
        task_keywords=r.str_list(
            c.TASK_KEYWORDS.name,
            DEFAULT_KEYWORDS[spec.source_key],
            gt.KEYWORD_PATTERN,
            f"{_KEYWORDS} of letters, digits and single spaces",
        ),
        workforce=workforce,
        workers_per_object=r.integer(replace(c.WORKERS_PER_OBJECT, default=spec.default_workers_per_object)),
        task_time_limit_seconds=r.integer(c.TASK_TIME_LIMIT_SECONDS),
        task_availability_lifetime_seconds=r.integer(
            replace(lifetime, default=min(lifetime.default, lifetime_max), hi=lifetime_max)
        ),
        max_concurrent_task_count=r.integer(c.MAX_CONCURRENT_TASK_COUNT),
        max_human_labeled_object_count=r.integer(c.MAX_HUMAN_LABELED_OBJECT_COUNT),
        max_percentage_of_input_dataset_labeled=r.integer(c.MAX_PERCENTAGE_OF_INPUT_DATASET_LABELED),
        auto_labeling=r.boolean(c.AUTO_LABELING),
        warm_start=check_warm_start(r),
        control=r.boolean(c.CONTROL),
        ui_template_s3_uri=ui,
        content_classifiers=classifiers,
        pricing=parse_pricing(r),
    )
    if not gt.task_keywords_ok(chain.task_keywords):  # the pattern was checked when reading them
        what = f"{_KEYWORDS} of at most {gt.TASK_KEYWORD_MAX_LENGTH} characters"
        r.fail(c.TASK_KEYWORDS.name, what, list(chain.task_keywords))
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
    check_keys(r, p.PIPELINE_KEYS)
    region = r.str_(p.REGION.name, p.REGION.default, what=f"one of {', '.join(SUPPORTED_REGIONS)}")
    if region not in SUPPORTED_REGIONS:
        r.fail(
            p.REGION.name,
            f"one of {', '.join(SUPPORTED_REGIONS)} (Ground Truth's built-in task Lambdas)",
            region,
        )
    policies = " or ".join(f'"{policy}"' for policy in p.REMOVAL_POLICIES)
    removal = r.str_(p.REMOVAL_POLICY.name, p.REMOVAL_POLICY.default, what=policies)
    if removal not in p.REMOVAL_POLICIES:
        r.fail(p.REMOVAL_POLICY.name, policies, removal)
    config = PipelineConfig(
        chains=parse_chains(raw.get(p.CHAINS.name), problems),
        region=region,
        stack_name=r.str_(
            p.STACK_NAME.name, p.STACK_NAME.default, STACK_NAME_PATTERN, what="a CloudFormation stack name"
        ),
        job_name_prefix=r.str_(
            p.JOB_NAME_PREFIX.name,
            p.JOB_NAME_PREFIX.default,
            JOB_NAME_PREFIX_PATTERN,
            what=f"1 to {p.JOB_NAME_PREFIX_MAX_LENGTH} lower-case letters or digits, starting with a letter",
        ),
        notification_emails=r.str_list(
            p.NOTIFICATION_EMAILS.name,
            p.NOTIFICATION_EMAILS.default,
            EMAIL_PATTERN,
            "a list of e-mail addresses",
        ),
        kms_key_arn=r.str_(p.KMS_KEY_ARN.name, p.KMS_KEY_ARN.default, KMS_ARN_PATTERN, what="a KMS key ARN"),
        monitor_interval_minutes=r.integer(p.MONITOR_INTERVAL_MINUTES),
        stalled_after_minutes=r.integer(p.STALLED_AFTER_MINUTES),
        record_ttl_days=r.integer(p.RECORD_TTL_DAYS),
        allowed_source_buckets=r.str_list(
            p.ALLOWED_SOURCE_BUCKETS.name,
            p.ALLOWED_SOURCE_BUCKETS.default,
            BUCKET_NAME_PATTERN,
            what="a list of S3 bucket names",
        ),
        removal_policy=removal,
    )
    if problems:
        raise ConfigError(problems)
    return config

"""The rule book of the configuration: every key with its type, default, bounds, API members and meaning.

This module holds the deployment keys (``labelchain.*``) and the key lists; :mod:`.chain_fields` holds
the chain keys (``labelchain.chains.<name>.*``), :mod:`.defaults` the defaults that depend on the task
type. The parser (:mod:`.parser`), the dataclass defaults (:mod:`.model`), the Lambda settings' numeric
defaults and the README's two configuration tables all come from here; Ground Truth's own limits come
from :mod:`labelchain_fn.core.limits`. ``tests/unit/core/test_core_config_rule_book.py`` compares the
README's tables with :func:`~.field.readme_table` of :data:`PIPELINE_FIELDS` and :data:`CHAIN_FIELDS`
(print those to update the README after changing a key).
"""

from __future__ import annotations

from typing import Any

from ..task_types import SUPPORTED_REGIONS
from .chain_fields import CHAIN_FIELDS
from .field import REQUIRED, Field, integer, span, text

#: Chain names: lower-case letters, digits and single hyphens; the job name must still fit around them.
CHAIN_NAME_MAX_LENGTH = 24
JOB_NAME_PREFIX_MAX_LENGTH = 8
REMOVAL_POLICIES = ("retain", "destroy")

CHAINS = Field(
    "chains",
    "object",
    None,
    f"chain name (lower-case letters, digits, single hyphens, ≤ {CHAIN_NAME_MAX_LENGTH}) → chain settings "
    "below",
    default_text=REQUIRED,
)
REGION = text(
    "region",
    "us-east-1",
    f"one of the {len(SUPPORTED_REGIONS)} regions with Ground Truth's built-in task Lambdas: "
    + ", ".join(SUPPORTED_REGIONS),
)
STACK_NAME = text("stackName", "LabelChain", "CloudFormation stack name")
JOB_NAME_PREFIX = text(
    "jobNamePrefix",
    "lc",
    f"{span(1, JOB_NAME_PREFIX_MAX_LENGTH)} lower-case letters/digits; every labeling job is "
    "`<prefix>-<chain>-<seq>-<hash>`, IAM is scoped to `labeling-job/<prefix>-*`",
    api=("LabelingJobName",),
)
NOTIFICATION_EMAILS: Field[tuple[str, ...]] = Field(
    "notificationEmails", "list of strings", (), "e-mail subscriptions to the notification topic"
)
KMS_KEY_ARN: Field[str | None] = text(
    "kmsKeyArn",
    None,
    "customer-managed key for buckets, table, job output and auto-labeling volumes",
    api=("OutputConfig.KmsKeyId", "LabelingJobAlgorithmsConfig.LabelingJobResourceConfig.VolumeKmsKeyId"),
)
MONITOR_INTERVAL_MINUTES = integer(
    "monitorIntervalMinutes",
    15,
    1,
    1440,
    "how often the monitor snapshots progress and reconciles missed events",
)
STALLED_AFTER_MINUTES = integer(
    "stalledAfterMinutes", 720, 5, None, "alert when a job's counters have not moved for this long"
)
RECORD_TTL_DAYS = integer(
    "recordTtlDays",
    365,
    1,
    None,
    "TTL of upload-claim and progress-snapshot items (job records never expire)",
)
ALLOWED_SOURCE_BUCKETS: Field[tuple[str, ...]] = Field(
    "allowedSourceBuckets",
    "list of strings",
    (),
    "extra buckets manifest objects may point at (the input bucket is always allowed; give those buckets "
    "the CORS rule yourself)",
)
REMOVAL_POLICY = Field(
    "removalPolicy",
    " \\| ".join(f"`{policy}`" for policy in REMOVAL_POLICIES),
    REMOVAL_POLICIES[0],
    "what `cdk destroy` does with the buckets, the table, the log groups and the notification topic's KMS "
    "key (see [Destroy](#destroy-and-what-retain-leaves-behind))",
)

#: The keys of ``labelchain``, in the README's order.
PIPELINE_FIELDS: tuple[Field[Any], ...] = (
    CHAINS,
    REGION,
    STACK_NAME,
    JOB_NAME_PREFIX,
    NOTIFICATION_EMAILS,
    KMS_KEY_ARN,
    MONITOR_INTERVAL_MINUTES,
    STALLED_AFTER_MINUTES,
    RECORD_TTL_DAYS,
    ALLOWED_SOURCE_BUCKETS,
    REMOVAL_POLICY,
)

#: The keys each configuration object accepts (camelCase, as written in cdk.json).
PIPELINE_KEYS = tuple(field.key for field in PIPELINE_FIELDS)
CHAIN_KEYS = tuple(dict.fromkeys(field.key.split(".")[0] for field in CHAIN_FIELDS))
PRICING_KEYS = tuple(field.name for field in CHAIN_FIELDS if field.key.startswith("pricing."))
WORKFORCE_KEYS = ("type", "taskPriceUsd", "workteamArn")

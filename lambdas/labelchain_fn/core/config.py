"""Typed pipeline configuration, validated once.

The CDK app reads the ``labelchain`` object of ``cdk.json`` context (or the JSON file that
``labelchain:configFile`` names) and calls :func:`parse_pipeline_config`. Every problem is collected and
raised together as one :class:`ConfigError` whose lines name the key, what was expected and what was
received, so a wrong value fails ``cdk synth`` before anything is deployed.

The same dataclasses travel to the Lambdas: :meth:`ChainConfig.to_dict` is stored in an SSM parameter per
deployment and read back with :func:`parse_chains`.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from .task_types import SUPPORTED_REGIONS, TaskType, TaskTypeSpec, spec_for

NAME_PATTERN = re.compile(r"^[a-zA-Z0-9](-*[a-zA-Z0-9]){0,126}$")
CHAIN_NAME_PATTERN = re.compile(r"^[a-z0-9](-?[a-z0-9]){0,23}$")
KEYWORD_PATTERN = re.compile(r"^[A-Za-z0-9]+( [A-Za-z0-9]+)*$")
WORKTEAM_ARN_PATTERN = re.compile(r"^arn:aws[a-z\-]*:sagemaker:[a-z0-9\-]+:\d{12}:workteam/(private|vendor)-crowd/.+")
MODEL_ARN_PATTERN = re.compile(r"^arn:aws[a-z\-]*:sagemaker:[a-z0-9\-]*:[0-9]{12}:model/.+")
KMS_ARN_PATTERN = re.compile(r"^arn:aws[a-z\-]*:kms:[a-z0-9\-]+:\d{12}:key/[A-Za-z0-9\-]+$")
EMAIL_PATTERN = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
S3_URI_PATTERN = re.compile(r"^s3://[a-z0-9][a-z0-9.\-]{1,61}[a-z0-9]/.+")
CONTENT_CLASSIFIERS = ("FreeOfPersonallyIdentifiableInformation", "FreeOfAdultContent")

#: Default per-object fee tiers: (objects up to, USD per object). ``None`` = no upper bound.
DEFAULT_FEE_TIERS: tuple[tuple[int | None, Decimal], ...] = (
    (50_000, Decimal("0.08")),
    (1_000_000, Decimal("0.04")),
    (None, Decimal("0.02")),
)

_DEFAULT_LABEL_ATTRIBUTE = {
    TaskType.IMAGE_CLASSIFICATION: "label",
    TaskType.BOUNDING_BOX: "bounding-box",
    TaskType.SEMANTIC_SEGMENTATION: "segmentation-ref",
    TaskType.TEXT_CLASSIFICATION: "label",
}
_DEFAULT_TITLE = {
    TaskType.IMAGE_CLASSIFICATION: "Classify the image",
    TaskType.BOUNDING_BOX: "Draw a box around each object",
    TaskType.SEMANTIC_SEGMENTATION: "Paint each object",
    TaskType.TEXT_CLASSIFICATION: "Classify the text",
}


class ConfigError(ValueError):
    """One or more configuration values are wrong; ``problems`` lists them (key: expected; received)."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = problems
        super().__init__("invalid labelchain configuration:\n  " + "\n  ".join(problems))


@dataclass(frozen=True)
class Workforce:
    """Who labels. ``kind`` is ``public`` (Mechanical Turk, needs ``task_price_usd``), ``private`` or
    ``vendor`` (both need ``workteam_arn``)."""

    kind: str
    workteam_arn: str | None = None
    task_price_usd: Decimal | None = None


@dataclass(frozen=True)
class Pricing:
    """Inputs of the cost estimate. Defaults: the published tier-1 fee of $0.08 per object, then $0.04
    and $0.02 (configurable because tiers count per account and month); no auto-labeling compute."""

    fee_tiers: tuple[tuple[int | None, Decimal], ...] = DEFAULT_FEE_TIERS
    auto_labeling_compute_usd_per_hour: Decimal = Decimal("0")


@dataclass(frozen=True)
class ChainConfig:
    """One labeling chain: every job of the chain shares these settings (and its label file)."""

    name: str
    task_type: TaskType
    labels: tuple[str, ...]
    label_attribute_name: str
    task_title: str
    task_description: str
    task_keywords: tuple[str, ...]
    workforce: Workforce
    workers_per_object: int
    task_time_limit_seconds: int = 300
    task_availability_lifetime_seconds: int = 21_600
    max_concurrent_task_count: int = 1000
    max_human_labeled_object_count: int | None = None
    max_percentage_of_input_dataset_labeled: int | None = None
    auto_labeling: bool = True
    warm_start: str = "latest"
    control: bool = False
    ui_template_s3_uri: str | None = None
    content_classifiers: tuple[str, ...] = ("FreeOfPersonallyIdentifiableInformation",)
    pricing: Pricing = field(default_factory=Pricing)

    @property
    def spec(self) -> TaskTypeSpec:
        return spec_for(self.task_type)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form (Decimals as strings), the inverse of :func:`parse_chain`."""
        return _jsonable(asdict(self))


@dataclass(frozen=True)
class PipelineConfig:
    """The whole deployment. Defaults: region ``us-east-1``, stack ``LabelChain``, job-name prefix ``lc``,
    monitor every 15 minutes, stalled-job alert after 720 minutes without progress, records kept 365 days,
    buckets and table retained on stack deletion."""

    chains: Mapping[str, ChainConfig]
    region: str = "us-east-1"
    stack_name: str = "LabelChain"
    job_name_prefix: str = "lc"
    notification_emails: tuple[str, ...] = ()
    kms_key_arn: str | None = None
    monitor_interval_minutes: int = 15
    stalled_after_minutes: int = 720
    record_ttl_days: int = 365
    allowed_source_buckets: tuple[str, ...] = ()
    removal_policy: str = "retain"


def _jsonable(value: Any) -> Any:
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, dict):
        return {k: _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_jsonable(v) for v in value]
    return value


class _Reader:
    """Reads typed values from a mapping, recording problems instead of raising at the first one."""

    def __init__(self, data: Mapping[str, Any], path: str, problems: list[str]) -> None:
        self.data, self.path, self.problems = data, path, problems

    def fail(self, key: str, expected: str, received: Any) -> None:
        self.problems.append(f"{self.path}.{key}: expected {expected}; received {received!r}")

    def int_(self, key: str, default: int | None, lo: int, hi: int | None = None) -> Any:
        value = self.data.get(key, default)
        if value is None:
            return None
        bounds = f"from {lo} to {hi}" if hi is not None else f">= {lo}"
        if isinstance(value, bool) or not isinstance(value, int) or value < lo or (hi and value > hi):
            self.fail(key, f"an integer {bounds}", value)
            return default
        return value

    def bool_(self, key: str, default: bool) -> bool:
        value = self.data.get(key, default)
        if not isinstance(value, bool):
            self.fail(key, "true or false", value)
            return default
        return value

    def str_(self, key: str, default: str | None, pattern: re.Pattern[str] | None = None,
             max_len: int | None = None, what: str = "a string") -> Any:
        value = self.data.get(key, default)
        if value is None:
            return None
        if (not isinstance(value, str) or not value or (max_len and len(value) > max_len)
                or (pattern and not pattern.match(value))):
            self.fail(key, what, value)
            return default
        return value

    def str_list(self, key: str, default: tuple[str, ...], item_pattern: re.Pattern[str] | None = None,
                 what: str = "a list of strings") -> tuple[str, ...]:
        value = self.data.get(key, list(default))
        if not isinstance(value, list) or not all(isinstance(v, str) and v for v in value) or (
            item_pattern and not all(item_pattern.match(v) for v in value)
        ):
            self.fail(key, what, value)
            return default
        return tuple(value)

    def decimal(self, key: str, value: Any) -> Decimal | None:
        try:
            if isinstance(value, bool):
                raise InvalidOperation
            return Decimal(str(value))
        except (InvalidOperation, ValueError):
            self.fail(key, "a number", value)
            return None


def _parse_workforce(r: _Reader, spec: TaskTypeSpec) -> Workforce:
    raw = r.data.get("workforce", {"type": "public", "taskPriceUsd": "0.036"})
    w = _Reader(raw if isinstance(raw, Mapping) else {}, f"{r.path}.workforce", r.problems)
    if not isinstance(raw, Mapping):
        r.fail("workforce", 'an object {"type": "public"|"private"|"vendor", ...}', raw)
        return Workforce("public")
    kind = raw.get("type")
    if kind == "public":
        price = w.decimal("taskPriceUsd", raw.get("taskPriceUsd"))
        if price is not None and price not in spec.allowed_task_prices_usd:
            allowed = ", ".join(str(p) for p in sorted(spec.allowed_task_prices_usd))
            w.fail("taskPriceUsd", f"one of {allowed} for {spec.task_type.value}", raw.get("taskPriceUsd"))
        return Workforce("public", task_price_usd=price)
    if kind in ("private", "vendor"):
        arn = w.str_("workteamArn", None, WORKTEAM_ARN_PATTERN, what=f"a {kind}-crowd workteam ARN")
        if arn is None and "workteamArn" not in raw:
            w.fail("workteamArn", f"a {kind}-crowd workteam ARN", None)
        elif arn and f"{kind}-crowd" not in arn:
            w.fail("workteamArn", f"a {kind}-crowd workteam ARN", arn)
        return Workforce(kind, workteam_arn=arn)
    w.fail("type", '"public", "private" or "vendor"', kind)
    return Workforce("public")


def _parse_pricing(r: _Reader) -> Pricing:
    raw = r.data.get("pricing", {})
    p = _Reader(raw if isinstance(raw, Mapping) else {}, f"{r.path}.pricing", r.problems)
    if not isinstance(raw, Mapping):
        r.fail("pricing", "an object", raw)
        return Pricing()
    tiers: tuple[tuple[int | None, Decimal], ...] = DEFAULT_FEE_TIERS
    if "feeTiers" in raw:
        value = raw["feeTiers"]
        parsed: list[tuple[int | None, Decimal]] = []
        ok = isinstance(value, list) and value and all(isinstance(t, Mapping) for t in value)
        for t in value if ok else []:
            usd = p.decimal("feeTiers[].usd", t.get("usd"))
            up_to = t.get("upTo")
            if usd is None or usd < 0 or not (up_to is None or (isinstance(up_to, int) and up_to > 0)):
                ok = False
                break
            parsed.append((up_to, usd))
        bounds = [u for u, _ in parsed]
        if not ok or bounds[-1] is not None or any(
            b is None or (i and b <= bounds[i - 1]) for i, b in enumerate(bounds[:-1])  # type: ignore[operator]
        ):
            p.fail("feeTiers", 'a list of {"upTo": int, "usd": number}, increasing, last "upTo": null', value)
        else:
            tiers = tuple(parsed)
    compute = p.decimal("autoLabelingComputeUsdPerHour", raw.get("autoLabelingComputeUsdPerHour", "0"))
    return Pricing(tiers, compute if compute is not None and compute >= 0 else Decimal("0"))


def _check_labels(r: _Reader, spec: TaskTypeSpec) -> tuple[str, ...]:
    labels = r.str_list("labels", (), what="a list of non-empty strings")
    count = f"from {spec.min_labels} to {spec.max_labels}" if spec.max_labels else f"at least {spec.min_labels}"
    if len(labels) < spec.min_labels or (spec.max_labels and len(labels) > spec.max_labels):
        r.fail("labels", f"{count} labels for {spec.task_type.value}", list(labels))
    elif len(set(labels)) != len(labels) or any(len(label) > 256 for label in labels):
        r.fail("labels", "unique labels of at most 256 characters", list(labels))
    return labels


def _check_label_attribute(r: _Reader, spec: TaskTypeSpec) -> str:
    name = r.str_("labelAttributeName", _DEFAULT_LABEL_ATTRIBUTE[spec.task_type], NAME_PATTERN, 127,
                  "a name of letters, digits and hyphens (at most 127)")
    if name.endswith("-metadata") or name in ("source", "source-ref"):
        r.fail("labelAttributeName", 'a name not ending in "-metadata" and not "source"/"source-ref"', name)
    elif spec.label_attribute_must_end_with_ref and not name.endswith("-ref"):
        r.fail("labelAttributeName", f'a name ending in "-ref" for {spec.task_type.value}', name)
    elif not spec.label_attribute_must_end_with_ref and name.endswith("-ref"):
        r.fail("labelAttributeName", f'a name not ending in "-ref" for {spec.task_type.value}', name)
    return name


def _check_warm_start(r: _Reader) -> str:
    policy = r.str_("warmStart", "latest", what='"latest", "none", a model ARN or a job name')
    return policy


def parse_chain(name: str, raw: Any, problems: list[str]) -> ChainConfig | None:
    """Parse one chain; append problems and return ``None`` if it cannot be built at all."""
    path = f"labelchain.chains.{name}"
    if not CHAIN_NAME_PATTERN.match(name):
        problems.append(f"{path}: expected a chain name of lower-case letters, digits and single hyphens "
                        f"(at most 24 characters); received {name!r}")
    if not isinstance(raw, Mapping):
        problems.append(f"{path}: expected an object; received {raw!r}")
        return None
    r = _Reader(raw, path, problems)
    try:
        spec = spec_for(raw.get("taskType"))  # type: ignore[arg-type]
    except ValueError as err:
        problems.append(f"{path}.taskType: {err} (only these task types can auto-label and warm-start)")
        return None
    workforce = _parse_workforce(r, spec)
    lifetime_max = 43_200 if workforce.kind == "public" else 2_592_000
    classifiers = r.str_list("contentClassifiers", ("FreeOfPersonallyIdentifiableInformation",),
                             what=f"a list drawn from {', '.join(CONTENT_CLASSIFIERS)}")
    if any(c not in CONTENT_CLASSIFIERS for c in classifiers):
        r.fail("contentClassifiers", f"a list drawn from {', '.join(CONTENT_CLASSIFIERS)}", list(classifiers))
    if workforce.kind == "public" and "FreeOfPersonallyIdentifiableInformation" not in classifiers:
        r.fail("contentClassifiers", "FreeOfPersonallyIdentifiableInformation with the public workforce",
               list(classifiers))
    ui = r.str_("uiTemplateS3Uri", None, S3_URI_PATTERN, 1024, "an s3:// URI of a Liquid/HTML template")
    chain = ChainConfig(
        name=name,
        task_type=spec.task_type,
        labels=_check_labels(r, spec),
        label_attribute_name=_check_label_attribute(r, spec),
        task_title=r.str_("taskTitle", _DEFAULT_TITLE[spec.task_type], max_len=128,
                          what="a string of 1 to 128 characters"),
        task_description=r.str_("taskDescription", _DEFAULT_TITLE[spec.task_type], max_len=255,
                                what="a string of 1 to 255 characters"),
        task_keywords=r.str_list("taskKeywords", ("images",) if spec.source_key == "source-ref" else ("text",),
                                 KEYWORD_PATTERN, "1 to 5 keywords of letters, digits and spaces"),
        workforce=workforce,
        workers_per_object=r.int_("workersPerObject", spec.default_workers_per_object, 1, 9),
        task_time_limit_seconds=r.int_("taskTimeLimitSeconds", 300, 30, 28_800),
        task_availability_lifetime_seconds=r.int_(
            "taskAvailabilityLifetimeSeconds", min(21_600, lifetime_max), 60, lifetime_max),
        max_concurrent_task_count=r.int_("maxConcurrentTaskCount", 1000, 1, 5000),
        max_human_labeled_object_count=r.int_("maxHumanLabeledObjectCount", None, 1),
        max_percentage_of_input_dataset_labeled=r.int_("maxPercentageOfInputDatasetLabeled", None, 1, 100),
        auto_labeling=r.bool_("autoLabeling", True),
        warm_start=_check_warm_start(r),
        control=r.bool_("control", False),
        ui_template_s3_uri=ui,
        content_classifiers=classifiers,
        pricing=_parse_pricing(r),
    )
    if not 1 <= len(chain.task_keywords) <= 5 or any(len(k) > 30 for k in chain.task_keywords):
        r.fail("taskKeywords", "1 to 5 keywords of at most 30 characters", list(chain.task_keywords))
    if workforce.kind == "public" and workforce.task_price_usd is None and "workforce" in raw:
        r.fail("workforce.taskPriceUsd", "a price for the public workforce", None)
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
    r = _Reader(raw, "labelchain", problems)
    region = r.str_("region", "us-east-1", what=f"one of {', '.join(SUPPORTED_REGIONS)}")
    if region not in SUPPORTED_REGIONS:
        r.fail("region", f"one of {', '.join(SUPPORTED_REGIONS)} (Ground Truth's built-in task Lambdas)",
               region)
    removal = r.str_("removalPolicy", "retain", what='"retain" or "destroy"')
    if removal not in ("retain", "destroy"):
        r.fail("removalPolicy", '"retain" or "destroy"', removal)
    config = PipelineConfig(
        chains=parse_chains(raw.get("chains"), problems),
        region=region,
        stack_name=r.str_("stackName", "LabelChain", re.compile(r"^[A-Za-z][A-Za-z0-9-]{0,127}$"),
                          what="a CloudFormation stack name"),
        job_name_prefix=r.str_("jobNamePrefix", "lc", re.compile(r"^[a-z][a-z0-9]{0,7}$"),
                               what="1 to 8 lower-case letters or digits, starting with a letter"),
        notification_emails=r.str_list("notificationEmails", (), EMAIL_PATTERN, "a list of e-mail addresses"),
        kms_key_arn=r.str_("kmsKeyArn", None, KMS_ARN_PATTERN, what="a KMS key ARN"),
        monitor_interval_minutes=r.int_("monitorIntervalMinutes", 15, 1, 1440),
        stalled_after_minutes=r.int_("stalledAfterMinutes", 720, 5),
        record_ttl_days=r.int_("recordTtlDays", 365, 1),
        allowed_source_buckets=r.str_list("allowedSourceBuckets", (), what="a list of S3 bucket names"),
        removal_policy=removal,
    )
    if problems:
        raise ConfigError(problems)
    return config


def chain_from_dict(data: Mapping[str, Any]) -> ChainConfig:
    """Rebuild a :class:`ChainConfig` from :meth:`ChainConfig.to_dict` output (trusted: validated at synth)."""
    wf = data["workforce"]
    pricing = data.get("pricing") or {}
    tiers = tuple(
        (t[0], Decimal(str(t[1]))) for t in pricing.get("fee_tiers", [])
    ) or DEFAULT_FEE_TIERS
    fields = {k: v for k, v in data.items() if k not in ("workforce", "pricing")}
    for key in ("labels", "task_keywords", "content_classifiers"):
        fields[key] = tuple(fields[key])
    fields["task_type"] = TaskType(fields["task_type"])
    return ChainConfig(
        **fields,
        workforce=Workforce(
            wf["kind"], wf.get("workteam_arn"),
            Decimal(str(wf["task_price_usd"])) if wf.get("task_price_usd") is not None else None,
        ),
        pricing=Pricing(tiers, Decimal(str(pricing.get("auto_labeling_compute_usd_per_hour", "0")))),
    )

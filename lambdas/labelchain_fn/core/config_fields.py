"""The checks of the nested configuration values: workforce, pricing, labels, label attribute, warm start.

Each appends its problems to the :class:`~labelchain_fn.core.config_reader.Reader` and returns a usable
value (a default after a problem), so one wrong value is reported once, without follow-on problems.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal, InvalidOperation
from itertools import pairwise
from typing import Any

from .config_model import (
    DEFAULT_FEE_TIERS,
    DEFAULT_LABEL_ATTRIBUTE,
    NAME_PATTERN,
    PRICING_KEYS,
    WORKFORCE_KEYS,
    WORKTEAM_ARN_PATTERN,
    Pricing,
    Workforce,
)
from .config_reader import Reader, check_keys
from .errors import LabelChainError
from .task_types import TaskTypeSpec
from .warm_start import classify_policy


def default_price(spec: TaskTypeSpec) -> Decimal:
    """The default MTurk task price: $0.036 where the task type allows it, else its lowest price
    (semantic segmentation: $0.840)."""
    return (
        Decimal("0.036")
        if Decimal("0.036") in spec.allowed_task_prices_usd
        else min(spec.allowed_task_prices_usd)
    )


def parse_workforce(r: Reader, spec: TaskTypeSpec) -> Workforce:
    """``workforce``: ``{"type": "public", "taskPriceUsd"}`` (default: public at :func:`default_price`) or
    ``{"type": "private"|"vendor", "workteamArn"}``."""
    # A placeholder returned after a reported problem, so that no follow-on problem is reported for it.
    placeholder = Workforce("public", task_price_usd=default_price(spec))
    raw = r.data.get("workforce", {"type": "public", "taskPriceUsd": str(default_price(spec))})
    w = Reader(raw if isinstance(raw, Mapping) else {}, f"{r.path}.workforce", r.problems)
    if not isinstance(raw, Mapping):
        r.fail("workforce", 'an object {"type": "public"|"private"|"vendor", ...}', raw)
        return placeholder
    check_keys(w, WORKFORCE_KEYS)
    kind = raw.get("type")
    if kind == "public":
        if raw.get("taskPriceUsd") is None:
            w.fail("taskPriceUsd", "a price for the public workforce", None)
            return placeholder
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
    return placeholder


def _fee_tiers(value: Any) -> tuple[tuple[int | None, Decimal], ...] | None:
    """Parsed ``feeTiers``, or ``None`` unless the bounds increase and only the last one is null."""
    if not isinstance(value, list) or not value or not all(isinstance(t, Mapping) for t in value):
        return None
    tiers: list[tuple[int | None, Decimal]] = []
    for tier in value:
        up_to, usd = tier.get("upTo"), tier.get("usd")
        try:
            rate = Decimal(str(usd))
        except (InvalidOperation, ValueError):
            return None
        if isinstance(usd, bool) or not rate.is_finite() or rate < 0:
            return None
        if up_to is not None and (isinstance(up_to, bool) or not isinstance(up_to, int) or up_to <= 0):
            return None
        tiers.append((up_to, rate))
    bounds = [up_to for up_to, _ in tiers]
    if bounds[-1] is not None or None in bounds[:-1]:
        return None
    limits = [b for b in bounds[:-1] if b is not None]
    if any(later <= earlier for earlier, later in pairwise(limits)):
        return None
    return tuple(tiers)


def parse_pricing(r: Reader) -> Pricing:
    """``pricing``: ``feeTiers`` (default: $0.08 / $0.04 / $0.02 tiers) and
    ``autoLabelingComputeUsdPerHour`` (default 0)."""
    raw = r.data.get("pricing", {})
    p = Reader(raw if isinstance(raw, Mapping) else {}, f"{r.path}.pricing", r.problems)
    if not isinstance(raw, Mapping):
        r.fail("pricing", "an object", raw)
        return Pricing()
    check_keys(p, PRICING_KEYS)
    tiers = DEFAULT_FEE_TIERS
    if "feeTiers" in raw:
        parsed = _fee_tiers(raw["feeTiers"])
        if parsed is None:
            what = 'a list of {"upTo": int, "usd": number}, increasing, last "upTo": null'
            p.fail("feeTiers", what, raw["feeTiers"])
        else:
            tiers = parsed
    compute = p.decimal("autoLabelingComputeUsdPerHour", raw.get("autoLabelingComputeUsdPerHour", "0"))
    if compute is not None and compute < 0:
        p.fail("autoLabelingComputeUsdPerHour", "a number >= 0", raw.get("autoLabelingComputeUsdPerHour"))
    return Pricing(tiers, compute if compute is not None and compute >= 0 else Decimal("0"))


def check_labels(r: Reader, spec: TaskTypeSpec) -> tuple[str, ...]:
    """``labels``: unique, at most 256 characters each, as many as the task type allows."""
    reported = len(r.problems)
    labels = r.str_list("labels", (), what="a list of non-empty strings")
    if len(r.problems) > reported:
        return labels
    count = (
        f"from {spec.min_labels} to {spec.max_labels}" if spec.max_labels else f"at least {spec.min_labels}"
    )
    if len(labels) < spec.min_labels or (spec.max_labels and len(labels) > spec.max_labels):
        r.fail("labels", f"{count} labels for {spec.task_type.value}", list(labels))
    elif len(set(labels)) != len(labels) or any(len(label) > 256 for label in labels):
        r.fail("labels", "unique labels of at most 256 characters", list(labels))
    return labels


def check_label_attribute(r: Reader, spec: TaskTypeSpec) -> str:
    """``labelAttributeName`` (default per task type): the API name pattern and the ``-metadata`` and
    ``-ref`` rules."""
    name = r.str_(
        "labelAttributeName",
        DEFAULT_LABEL_ATTRIBUTE[spec.task_type],
        NAME_PATTERN,
        127,
        "a name of letters, digits and hyphens (at most 127)",
    )
    if name.endswith("-metadata") or name in ("source", "source-ref"):
        r.fail("labelAttributeName", 'a name not ending in "-metadata" and not "source"/"source-ref"', name)
    elif spec.label_attribute_must_end_with_ref and not name.endswith("-ref"):
        r.fail("labelAttributeName", f'a name ending in "-ref" for {spec.task_type.value}', name)
    elif not spec.label_attribute_must_end_with_ref and name.endswith("-ref"):
        r.fail("labelAttributeName", f'a name not ending in "-ref" for {spec.task_type.value}', name)
    return name


def check_warm_start(r: Reader) -> str:
    """``warmStart`` (default ``latest``): a policy :func:`~labelchain_fn.core.warm_start.classify_policy`
    accepts, so a typo fails at synth rather than in every execution."""
    what = '"latest", "none", a SageMaker model ARN or a labeling-job name'
    policy: str = r.str_("warmStart", "latest", what=what)
    try:
        classify_policy(policy)
    except LabelChainError:
        r.fail("warmStart", what, policy)
        return "latest"
    return policy

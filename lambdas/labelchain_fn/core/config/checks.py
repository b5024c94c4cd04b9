"""The checks of the nested configuration values: workforce, pricing, labels, label attribute, warm start.

Each appends its problems to the :class:`~.reader.Reader` and returns a usable value (the rule book's
default after a problem), so one wrong value is reported once, without follow-on problems.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal, InvalidOperation
from itertools import pairwise
from typing import Any

from .. import limits as gt
from ..errors import LabelChainError
from ..task_types import TaskTypeSpec
from ..warm_start import classify_policy
from . import chain_fields as c
from .defaults import DEFAULT_LABEL_ATTRIBUTE, default_price
from .fields import PRICING_KEYS, WORKFORCE_KEYS
from .model import WORKTEAM_ARN_PATTERN, Pricing, Workforce
from .reader import Reader, check_keys


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
    """``pricing``: ``feeTiers`` and ``autoLabelingComputeUsdPerHour`` (defaults: the rule book's)."""
    raw = r.data.get("pricing", {})
    p = Reader(raw if isinstance(raw, Mapping) else {}, f"{r.path}.pricing", r.problems)
    if not isinstance(raw, Mapping):
        r.fail("pricing", "an object", raw)
        return Pricing()
    check_keys(p, PRICING_KEYS)
    tiers = c.FEE_TIERS.default
    if "feeTiers" in raw:
        parsed = _fee_tiers(raw["feeTiers"])
        if parsed is None:
            what = 'a list of {"upTo": int, "usd": number}, increasing, last "upTo": null'
            p.fail("feeTiers", what, raw["feeTiers"])
        else:
            tiers = parsed
    field = c.AUTO_LABELING_COMPUTE_USD_PER_HOUR
    compute = p.decimal(field.name, raw.get(field.name, field.default))
    if compute is not None and compute < 0:
        p.fail(field.name, "a number >= 0", raw.get(field.name))
    return Pricing(tiers, compute if compute is not None and compute >= 0 else field.default)


def check_labels(r: Reader, spec: TaskTypeSpec) -> tuple[str, ...]:
    """``labels``: unique, each within Ground Truth's length limit, as many as the task type allows."""
    reported = len(r.problems)
    labels = r.str_list("labels", (), what="a list of non-empty strings")
    if len(r.problems) > reported:
        return labels
    count = (
        f"from {spec.min_labels} to {spec.max_labels}" if spec.max_labels else f"at least {spec.min_labels}"
    )
    if len(labels) < spec.min_labels or (spec.max_labels and len(labels) > spec.max_labels):
        r.fail("labels", f"{count} labels for {spec.task_type.value}", list(labels))
    elif len(set(labels)) != len(labels) or any(len(label) > gt.LABEL_MAX_LENGTH for label in labels):
        r.fail("labels", f"unique labels of at most {gt.LABEL_MAX_LENGTH} characters", list(labels))
    return labels


def check_label_attribute(r: Reader, spec: TaskTypeSpec) -> str:
    """``labelAttributeName`` (default per task type): the API name pattern and the ``-metadata`` and
    ``-ref`` rules."""
    field = c.LABEL_ATTRIBUTE_NAME
    name: str = r.str_(
        field.name,
        DEFAULT_LABEL_ATTRIBUTE[spec.task_type],
        gt.NAME_PATTERN,
        field.hi,
        f"a name of letters, digits and hyphens (at most {field.hi})",
    )
    problem = gt.label_attribute_problem(name, spec)
    if problem:
        r.fail(field.name, problem, name)
    return name


def check_warm_start(r: Reader) -> str:
    """``warmStart``: a policy :func:`~labelchain_fn.core.warm_start.classify_policy` accepts, so a typo
    fails at synth rather than in every execution."""
    what = '"latest", "none", a SageMaker model ARN or a labeling-job name'
    field = c.WARM_START
    policy: str = r.str_(field.name, field.default, what=what)
    try:
        classify_policy(policy)
    except LabelChainError:
        r.fail(field.name, what, policy)
        return field.default
    return policy

"""Cost estimate of one labeling job (ground-truth.md §9).

Per-object fee for every labeled object (human or machine), plus the Mechanical Turk price times the
workers per human-labeled object, plus optional auto-labeling compute. Fee tiers count per account and
month, so charging a single job from tier 1 gives an upper bound.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from .items import Cost

#: Precision every amount is kept at (a hundredth of a cent), so sums of displayed cents stay exact.
AMOUNT_QUANTUM = Decimal("0.0001")
PERCENT_QUANTUM = Decimal("0.1")


def _q(value: Decimal) -> Decimal:
    return value.quantize(AMOUNT_QUANTUM, rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class CostEstimate:
    """Estimated USD cost of a job; every amount is a ``Decimal`` quantized to 0.0001."""

    fee_usd: Decimal
    workforce_usd: Decimal
    compute_usd: Decimal
    total_usd: Decimal

    def to_record(self) -> Cost:
        """The job record's ``cost`` map."""
        return Cost(
            fee_usd=self.fee_usd,
            workforce_usd=self.workforce_usd,
            compute_usd=self.compute_usd,
            total_usd=self.total_usd,
        )

    def to_dict(self) -> dict[str, Decimal]:
        """``{"feeUsd", "workforceUsd", "computeUsd", "totalUsd"}`` with the Decimal amounts."""
        item: dict[str, Decimal] = self.to_record().to_item()
        return item


def tiered_fee(objects: int, fee_tiers: Sequence[tuple[int | None, Decimal]]) -> Decimal:
    """Charge ``objects`` through ``fee_tiers`` in order.

    Parameters
    ----------
    objects : how many objects were labeled.
    fee_tiers : ``(up_to, usd_per_object)`` pairs; ``up_to`` is the cumulative bound of the tier and
        ``None`` means unbounded. Objects beyond the last bounded tier are charged at its rate.
    """
    fee, charged = Decimal(0), 0
    rate = Decimal(0)
    for up_to, rate in fee_tiers:
        in_tier = objects - charged if up_to is None else max(0, min(objects, up_to) - charged)
        fee += in_tier * rate
        charged += in_tier
        if charged >= objects:
            break
    if charged < objects:
        fee += (objects - charged) * rate
    return fee


def estimate_cost(
    *,
    human_labeled: int,
    machine_labeled: int,
    workers_per_object: int,
    task_price_usd: Decimal | None,
    fee_tiers: Sequence[tuple[int | None, Decimal]],
    compute_usd_per_hour: Decimal = Decimal(0),
    elapsed_seconds: int = 0,
) -> CostEstimate:
    """Estimate a job's cost.

    Parameters
    ----------
    human_labeled, machine_labeled : ``LabelCounters.HumanLabeled`` / ``MachineLabeled``.
    workers_per_object : ``NumberOfHumanWorkersPerDataObject`` of the job.
    task_price_usd : the public-workforce price per task; ``None`` for private/vendor teams (no
        workforce cost: they are paid outside Ground Truth).
    fee_tiers : see :func:`tiered_fee`.
    compute_usd_per_hour : auto-labeling compute price (default 0: not estimated).
    elapsed_seconds : job duration charged for compute (default 0).
    """
    fee = _q(tiered_fee(human_labeled + machine_labeled, fee_tiers))
    workforce = _q(human_labeled * workers_per_object * (task_price_usd or Decimal(0)))
    compute = _q(Decimal(compute_usd_per_hour) * Decimal(elapsed_seconds) / Decimal(3600))
    return CostEstimate(fee, workforce, compute, _q(fee + workforce + compute))


def machine_percent(human_labeled: int, machine_labeled: int) -> Decimal:
    """Share of machine labels, ``100 * M / (H + M)`` to 1 decimal (half up); 0 when nothing is labeled."""
    labeled = human_labeled + machine_labeled
    if labeled <= 0:
        return Decimal("0.0")
    return (Decimal(100 * machine_labeled) / Decimal(labeled)).quantize(
        PERCENT_QUANTUM, rounding=ROUND_HALF_UP
    )

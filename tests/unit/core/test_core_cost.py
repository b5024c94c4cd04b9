"""Cost estimate: the blog's three jobs, tiers, private workforce and compute."""

from __future__ import annotations

from decimal import Decimal

import pytest
from labelchain_fn.core.config import DEFAULT_FEE_TIERS
from labelchain_fn.core.cost import CostEstimate, estimate_cost, machine_percent, tiered_fee

TIER_1 = ((None, Decimal("0.08")),)
CENT = Decimal("0.01")


def _total(human: int, machine: int, workers: int, tiers=TIER_1, price: Decimal | None = Decimal("0.036")):
    return estimate_cost(
        human_labeled=human,
        machine_labeled=machine,
        workers_per_object=workers,
        task_price_usd=price,
        fee_tiers=tiers,
    )


@pytest.mark.parametrize(
    ("human", "machine", "workers", "total"),
    [
        (651, 599, 5, "217.18"),
        (260, 990, 5, "146.80"),
        (498, 752, 5, "189.64"),
        (651, 599, 3, "170.31"),
        (260, 990, 3, "128.08"),
        (498, 752, 3, "153.78"),
    ],
)
def test_reproduces_the_blog_jobs(human, machine, workers, total):
    # GIVEN the counts of the blog's jobs, $0.036 per task and the $0.08 fee
    estimate = _total(human, machine, workers)
    # WHEN rounded to cents  THEN the published (5 workers) and corrected (3 workers) totals
    assert estimate.total_usd.quantize(CENT) == Decimal(total)
    assert estimate.fee_usd == Decimal("100.0000")
    assert estimate.workforce_usd == Decimal(human * workers) * Decimal("0.036")
    assert estimate.compute_usd == Decimal("0.0000")


def test_amounts_are_decimals_quantized_to_a_hundredth_of_a_cent():
    # GIVEN a 3-worker job  WHEN estimated  THEN the unrounded 0.308 stays at 4 decimals
    estimate = _total(651, 599, 3)
    assert estimate == CostEstimate(
        Decimal("100.0000"), Decimal("70.3080"), Decimal("0.0000"), Decimal("170.3080")
    )
    assert estimate.to_dict() == {
        "feeUsd": Decimal("100.0000"),
        "workforceUsd": Decimal("70.3080"),
        "computeUsd": Decimal("0.0000"),
        "totalUsd": Decimal("170.3080"),
    }
    assert all(value.as_tuple().exponent == -4 for value in estimate.to_dict().values())


def test_fee_crosses_tiers_in_order():
    # GIVEN the default tiers (50,000 at $0.08, up to 1,000,000 at $0.04, then $0.02)
    # WHEN 1,500,000 objects are charged  THEN 4,000 + 38,000 + 10,000
    assert tiered_fee(1_500_000, DEFAULT_FEE_TIERS) == Decimal("52000.00")
    assert tiered_fee(50_000, DEFAULT_FEE_TIERS) == Decimal("4000.00")
    assert tiered_fee(50_001, DEFAULT_FEE_TIERS) == Decimal("4000.04")
    assert tiered_fee(0, DEFAULT_FEE_TIERS) == Decimal(0)
    estimate = estimate_cost(
        human_labeled=20_000,
        machine_labeled=40_000,
        workers_per_object=1,
        task_price_usd=None,
        fee_tiers=DEFAULT_FEE_TIERS,
    )
    assert estimate.fee_usd == Decimal("4400.0000")


def test_objects_beyond_the_last_bounded_tier_pay_its_rate():
    # GIVEN tiers that all have an upper bound  WHEN more objects are charged  THEN the last rate continues
    assert tiered_fee(30, ((10, Decimal("1")), (20, Decimal("0.5")))) == Decimal("20.0")


def test_private_workforce_costs_only_the_fee():
    # GIVEN a private team (no task price)  WHEN estimated  THEN no workforce cost
    estimate = _total(651, 599, 3, price=None)
    assert (estimate.workforce_usd, estimate.total_usd) == (Decimal("0.0000"), Decimal("100.0000"))


def test_compute_is_per_hour_of_elapsed_time():
    # GIVEN $1.50 per hour for 90 minutes  WHEN estimated  THEN $2.25 of compute added
    estimate = estimate_cost(
        human_labeled=0,
        machine_labeled=0,
        workers_per_object=3,
        task_price_usd=Decimal("0.036"),
        fee_tiers=TIER_1,
        compute_usd_per_hour=Decimal("1.50"),
        elapsed_seconds=5400,
    )
    assert estimate == CostEstimate(Decimal(0), Decimal(0), Decimal("2.2500"), Decimal("2.2500"))
    # AND an hour and one second rounds to the hundredth of a cent
    partial = estimate_cost(
        human_labeled=0,
        machine_labeled=0,
        workers_per_object=3,
        task_price_usd=None,
        fee_tiers=TIER_1,
        compute_usd_per_hour=Decimal("3.60"),
        elapsed_seconds=3601,
    )
    assert partial.compute_usd == Decimal("3.6010")


@pytest.mark.parametrize(
    ("human", "machine", "percent"),
    [
        (651, 599, "47.9"),
        (260, 990, "79.2"),
        (498, 752, "60.2"),
        (0, 0, "0.0"),
        (0, 10, "100.0"),
        (2, 1, "33.3"),
        (1, 2, "66.7"),
        (7, 1, "12.5"),
        (15, 1, "6.3"),
        (79, 1, "1.3"),
    ],
)
def test_machine_percent(human, machine, percent):
    # GIVEN counts  WHEN the machine share is computed  THEN one decimal, half up, 0 when nothing labeled
    assert machine_percent(human, machine) == Decimal(percent)
    assert str(machine_percent(human, machine)) == percent

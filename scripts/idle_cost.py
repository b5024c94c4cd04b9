#!/usr/bin/env python3
"""What the deployed stack costs per month while idle (no uploads), read from the synthesized template.

Idle, only the schedule works: every ``rate(...)`` rule that targets a Lambda function invokes it, and each
run costs a Lambda request and GB-seconds, log ingestion and storage, an X-Ray trace (tracing ``Active``),
the DynamoDB queries it makes, and keeps the custom metrics it emits alive. On top come the resources
billed by the month: alarms, dashboards, customer-managed KMS keys and advanced SSM parameters. Buckets,
table, state machine and topic cost nothing while they are empty and unused; they are listed with
quantity 0 so that the table shows they were counted.

Every count comes from the template (:mod:`scripts.idle_usage`). What the template cannot say about a run
(how long it takes, how many log bytes and which metrics it writes, which indexes it queries) is stated in
:data:`scripts.idle_assumptions.IDLE_RUNS` and :data:`scripts.idle_assumptions.ASSUMPTIONS`;
``tests/unit/lambdas/test_handler_monitor_idle.py`` checks it against the real monitor handler. Prices:
:data:`scripts.idle_prices.PRICE_TABLES` (us-east-1 list prices). Rendering: :mod:`scripts.idle_report`.

Usage: ``python -m scripts.idle_cost [--template cdk.out/LabelChain.template.json] [--region us-east-1]
[--duration-seconds 1] [--json]``. The template defaults to the only ``cdk.out/*.template.json``.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Mapping
from decimal import Decimal
from pathlib import Path
from typing import Any

from scripts.idle_assumptions import ASSUMPTIONS, DEFAULT_DURATION_SECONDS
from scripts.idle_prices import HOURS_PER_MONTH, PRICES_READ_ON, price_table
from scripts.idle_report import CostLine, IdleCost, render_table
from scripts.idle_usage import rotated_keys, usage_rows
from scripts.smoke_cost import describe, smoke_job_cost

ROOT = Path(__file__).resolve().parent.parent


def idle_cost(
    template: Mapping[str, Any],
    *,
    region: str = "us-east-1",
    duration_seconds: Decimal = DEFAULT_DURATION_SECONDS,
) -> IdleCost:
    """Price one idle month of the stack in ``template`` (a synthesized CloudFormation template dict).

    Parameters
    ----------
    template : the template, e.g. ``json.load`` of ``cdk.out/LabelChain.template.json``.
    region : the price table (default and only: ``us-east-1``).
    duration_seconds : billed duration of one scheduled run (default 1 s).

    Raises
    ------
    ValueError
        When the region has no price table, a schedule is not a ``rate(...)``, a scheduled handler has no
        :data:`~scripts.idle_assumptions.IDLE_RUNS` entry, or its table is not on-demand or lacks the index
        it queries.
    """
    # The region is checked first, so that a bad --region is reported before any template problem.
    prices = price_table(region)
    resources = template.get("Resources", {})
    rows = usage_rows(resources, Decimal(duration_seconds))
    lines = tuple(CostLine(item, quantity, key, prices[key]) for item, quantity, key in rows)
    # Free allowances are shared per pool (e.g. log ingestion and storage), so spend them row by row.
    allowance: dict[str, Decimal] = {}
    free_tier = []
    for line in lines:
        pool = line.price.pool or line.price_key
        left = allowance.setdefault(pool, line.price.free_per_month)
        covered = min(left, line.quantity)
        allowance[pool] = left - covered
        free_tier.append((line.quantity - covered) * line.price.usd)
    assumptions = tuple(text.format(duration=duration_seconds) for text in ASSUMPTIONS)
    rotated = rotated_keys(resources)
    if rotated:
        assumptions += (
            f"{rotated} KMS key(s) rotate yearly: each costs $2/month in its second year, $3 from its third.",
        )
    return IdleCost(region, lines, tuple(free_tier), assumptions)


def _default_template() -> Path:
    candidates = sorted((ROOT / "cdk.out").glob("*.template.json"))
    if len(candidates) != 1:
        raise SystemExit(
            f"idle_cost: expected one cdk.out/*.template.json (run `make synth`); found {len(candidates)}"
        )
    return candidates[0]


def _seconds(text: str) -> Decimal:
    try:
        value = Decimal(text)
    except ArithmeticError:
        value = Decimal(-1)
    if not value.is_finite() or value <= 0:
        raise argparse.ArgumentTypeError(f"expected a positive number of seconds; received {text!r}")
    return value


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--template", type=Path, help="synthesized template (default: the one in cdk.out)")
    parser.add_argument("--region", default="us-east-1", help="price table (default and only: us-east-1)")
    parser.add_argument(
        "--duration-seconds", type=_seconds, default=DEFAULT_DURATION_SECONDS, help="billed s per run (1)"
    )
    parser.add_argument("--json", action="store_true", help="print JSON instead of tables")
    args = parser.parse_args(argv)
    path: Path = args.template or _default_template()
    try:
        cost = idle_cost(
            json.loads(path.read_text(encoding="utf-8")),
            region=args.region,
            duration_seconds=args.duration_seconds,
        )
    except ValueError as err:
        print(f"idle_cost: {err}", file=sys.stderr)
        return 2
    smoke = smoke_job_cost()
    if args.json:
        print(json.dumps({"template": str(path), **cost.to_dict(), "smokeJob": smoke.to_dict()}, indent=2))
        return 0
    print(f"Idle month of {path.name}: {cost.region} list prices of {PRICES_READ_ON}, {HOURS_PER_MONTH} h")
    print()
    print(render_table(cost))
    print("\nAssumptions:")
    print("\n".join(f"  - {text}" for text in cost.assumptions))
    print()
    print(describe(smoke))
    return 0


if __name__ == "__main__":
    sys.exit(main())

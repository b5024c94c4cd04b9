#!/usr/bin/env python3
"""What a first smoke job costs: a tiny private-workforce batch, priced by the pipeline's own estimate.

The chain is validated with the same rules as ``cdk.json`` (:func:`labelchain_fn.core.config.parse_chain`)
and priced with :func:`labelchain_fn.core.cost.estimate_cost`, the function RecordJob uses, at the chain's
fee tiers (default: the published tier-1 fee of $0.08 per labeled object, ground-truth.md §9). A private
work team is paid outside Ground Truth, so the estimate has no workforce price; a batch this small cannot
auto-label (Ground Truth needs 1,250 objects), so every object is labeled by a person and charged the
per-object fee. The estimate is an upper bound: Ground Truth's free tier (500 objects a month in an
account's first two months of use) is not applied.

Usage: ``python -m scripts.smoke_cost [--objects 10] [--json]``.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from labelchain_fn.core.config import ChainConfig, ConfigError, parse_chain
from labelchain_fn.core.cost import CostEstimate, estimate_cost
from labelchain_fn.core.limits import MIN_AUTO_LABELING_OBJECTS

SMOKE_CHAIN_NAME = "smoke"
#: The ``labelchain.chains.smoke`` entry the deploy guide suggests (the account in the ARN is a placeholder).
SMOKE_CHAIN: Mapping[str, Any] = {
    "taskType": "BoundingBox",
    "labels": ["Bird"],
    "workforce": {
        "type": "private",
        "workteamArn": "arn:aws:sagemaker:us-east-1:111122223333:workteam/private-crowd/smoke",
    },
    "workersPerObject": 1,
    "autoLabeling": False,
}
DEFAULT_OBJECTS = 10


@dataclass(frozen=True)
class SmokeJob:
    """A smoke job's size, its validated chain and its cost estimate."""

    objects: int
    chain: ChainConfig
    cost: CostEstimate

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready summary: objects, task type, workforce, workers per object, fee tiers and the cost."""
        return {
            "objects": self.objects,
            "taskType": self.chain.task_type.value,
            "workforce": self.chain.workforce.kind,
            "workersPerObject": self.chain.workers_per_object,
            "autoLabeling": self.chain.auto_labeling,
            "feeTiers": [{"upTo": up_to, "usd": float(usd)} for up_to, usd in self.chain.pricing.fee_tiers],
            "cost": {key: float(value) for key, value in self.cost.to_dict().items()},
        }


def smoke_job_cost(objects: int = DEFAULT_OBJECTS, chain: Mapping[str, Any] | None = None) -> SmokeJob:
    """Price a smoke job of ``objects`` objects on ``chain`` (default :data:`SMOKE_CHAIN`).

    Raises
    ------
    ConfigError
        When the chain breaks a configuration rule (each problem names the key).
    ValueError
        When ``objects`` is below 1, or the chain auto-labels and ``objects`` is below 1,250 (the job
        would be refused before it started).
    """
    if objects < 1:
        raise ValueError(f"expected at least 1 object; received {objects}")
    problems: list[str] = []
    config = parse_chain(SMOKE_CHAIN_NAME, dict(chain or SMOKE_CHAIN), problems)
    if problems or config is None:
        raise ConfigError(problems or [f"labelchain.chains.{SMOKE_CHAIN_NAME}: not a chain"])
    if config.auto_labeling and objects < MIN_AUTO_LABELING_OBJECTS:
        raise ValueError(
            f"a chain with autoLabeling needs at least {MIN_AUTO_LABELING_OBJECTS} objects; "
            f"received {objects}"
        )
    # Without auto-labeling every object is human-labeled; the private team has no per-task price (None).
    cost = estimate_cost(
        human_labeled=objects,
        machine_labeled=0,
        workers_per_object=config.workers_per_object,
        task_price_usd=config.workforce.task_price_usd,
        fee_tiers=config.pricing.fee_tiers,
    )
    return SmokeJob(objects, config, cost)


def describe(job: SmokeJob) -> str:
    """One paragraph for the terminal: the job, the fee, the workforce price and the total."""
    rate = job.chain.pricing.fee_tiers[0][1]
    price = job.chain.workforce.task_price_usd
    workforce = (
        f"{job.chain.workforce.kind} work team: no per-task price"
        if price is None
        else f"{job.chain.workers_per_object} workers x ${price} per human-labeled object"
    )
    return (
        f"First smoke job: {job.objects} objects, {job.chain.task_type.value}, auto-labeling "
        f"{'on' if job.chain.auto_labeling else 'off'}, {job.chain.workers_per_object} worker(s) per object\n"
        f"  Ground Truth fee  ${job.cost.fee_usd:.2f} ({job.objects} labeled objects; tier 1: ${rate} each)\n"
        f"  Workforce         ${job.cost.workforce_usd:.2f} ({workforce})\n"
        f"  Total             ${job.cost.total_usd:.2f} (labelchain_fn.core.cost.estimate_cost; "
        "Ground Truth's free tier not applied; Lambda, Step Functions and DynamoDB for one job: under $0.01)"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--objects", type=int, default=DEFAULT_OBJECTS, help="default: 10")
    parser.add_argument("--json", action="store_true", help="print JSON instead of text")
    args = parser.parse_args(argv)
    job = smoke_job_cost(args.objects)
    print(json.dumps(job.to_dict(), indent=2) if args.json else describe(job))
    return 0


if __name__ == "__main__":
    sys.exit(main())

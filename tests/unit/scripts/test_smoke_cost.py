"""scripts/smoke_cost.py: the first smoke job, priced with the pipeline's own cost estimate."""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any

import pytest
from labelchain_fn.core.config import ConfigError
from labelchain_fn.core.cost import estimate_cost

from scripts.smoke_cost import SMOKE_CHAIN, main, smoke_job_cost


def test_a_private_smoke_job_costs_only_the_per_object_fee() -> None:
    # GIVEN the suggested smoke chain: bounding box, private team, no auto-labeling
    # WHEN ten objects are priced
    job = smoke_job_cost(10)
    # THEN every object is human-labeled at the tier-1 fee and the private team adds nothing
    assert job.cost.fee_usd == Decimal("0.80")
    assert job.cost.workforce_usd == Decimal("0")
    assert job.cost.total_usd == Decimal("0.80")
    # AND it is exactly what RecordJob would estimate for 10 human labels on that chain
    assert job.cost == estimate_cost(
        human_labeled=10,
        machine_labeled=0,
        workers_per_object=1,
        task_price_usd=None,
        fee_tiers=job.chain.pricing.fee_tiers,
    )


def test_the_same_batch_on_mechanical_turk_adds_the_task_price_per_worker() -> None:
    # GIVEN the smoke chain on the public workforce at $0.036 per task with 3 workers
    chain = {**SMOKE_CHAIN, "workforce": {"type": "public", "taskPriceUsd": "0.036"}, "workersPerObject": 3}
    # WHEN ten objects are priced
    job = smoke_job_cost(10, chain)
    # THEN 10 x 3 x $0.036 is added to the fee
    assert job.cost.workforce_usd == Decimal("1.08")
    assert job.cost.total_usd == Decimal("1.88")


def test_fails_when_a_small_batch_asks_for_auto_labeling() -> None:
    # GIVEN the smoke chain with auto-labeling on
    chain = {**SMOKE_CHAIN, "autoLabeling": True}
    # WHEN/THEN ten objects are refused, as Prepare would refuse the manifest
    with pytest.raises(ValueError, match="needs at least 1250 objects; received 10"):
        smoke_job_cost(10, chain)


def test_fails_when_the_chain_breaks_a_configuration_rule() -> None:
    # GIVEN a private workforce without a work team
    chain = {**SMOKE_CHAIN, "workforce": {"type": "private"}}
    # WHEN/THEN the configuration error names the key
    with pytest.raises(ConfigError) as raised:
        smoke_job_cost(10, chain)
    assert any("labelchain.chains.smoke.workforce.workteamArn" in p for p in raised.value.problems)


def test_fails_when_there_is_nothing_to_label() -> None:
    # GIVEN/WHEN/THEN a job needs at least one object
    with pytest.raises(ValueError, match="expected at least 1 object; received 0"):
        smoke_job_cost(0)


def test_main_prints_the_cost_as_text_and_as_json(capsys: Any) -> None:
    # GIVEN/WHEN the script runs twice
    assert main([]) == 0
    text = capsys.readouterr().out
    assert main(["--objects", "20", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    # THEN the text names the fee and the total, and the JSON carries the estimate
    assert "Ground Truth fee  $0.80" in text and "Total             $0.80" in text
    assert data["objects"] == 20 and data["workforce"] == "private"
    assert data["cost"] == {"feeUsd": 1.6, "workforceUsd": 0.0, "computeUsd": 0.0, "totalUsd": 1.6}

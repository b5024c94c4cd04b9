"""scripts/idle_cost.py on the real synthesized template (the session's ``cdk.json`` synth, no CLI)."""

from __future__ import annotations

from decimal import Decimal

from stack_synth import Synth, default_context

from scripts.idle_assumptions import IDLE_RUNS, MONITOR_HANDLER
from scripts.idle_cost import idle_cost


def quantities(default_synth: Synth) -> dict[str, Decimal]:
    found: dict[str, Decimal] = {}
    for line in idle_cost(default_synth.json).lines:
        found[line.price_key] = found.get(line.price_key, Decimal(0)) + line.quantity
    return found


def test_the_monitor_runs_on_the_configured_interval_with_its_memory_and_architecture(
    default_synth: Synth,
) -> None:
    # GIVEN the stack of cdk.json (monitorIntervalMinutes) and its monitor function
    interval = default_context()["labelchain"]["monitorIntervalMinutes"]
    monitor = default_synth.function("monitor")["Properties"]
    # WHEN its idle month is priced
    found = quantities(default_synth)
    # THEN it runs once per interval of a 730-hour month, for 1 s at its memory, on its architecture
    runs = Decimal(730 * 60) / interval
    assert found["lambda.request"] == runs
    arch = monitor["Architectures"][0]
    assert found[f"lambda.{arch}.gb_second"] == runs * Decimal(monitor["MemorySize"]) / 1024
    # AND traced, one empty query of the active index per run
    assert monitor["TracingConfig"]["Mode"] == "Active"
    assert found["xray.trace"] == runs
    assert found["dynamodb.read_request_unit"] == runs / 2


def test_monthly_resources_match_the_template(default_synth: Synth) -> None:
    # GIVEN the synthesized resources
    count = {
        t: len(default_synth.resources(t)) for t in ("AWS::CloudWatch::Alarm", "AWS::CloudWatch::Dashboard")
    }
    keys = len(default_synth.resources("AWS::KMS::Key"))
    # WHEN the idle month is priced
    found = quantities(default_synth)
    # THEN every alarm (one metric each), dashboard and key is a row, and the monitor's metrics are counted
    assert found["cloudwatch.alarm_metric"] == count["AWS::CloudWatch::Alarm"] > 0
    assert found["cloudwatch.dashboard"] == count["AWS::CloudWatch::Dashboard"] > 0
    assert found["kms.key"] == keys
    assert found["cloudwatch.custom_metric"] == len(IDLE_RUNS[MONITOR_HANDLER].metrics)


def test_the_monitors_logs_are_kept_for_the_retention_of_its_log_group(default_synth: Synth) -> None:
    # GIVEN the monitor's log group in the template
    group_id = default_synth.function("monitor")["Properties"]["LoggingConfig"]["LogGroup"]["Ref"]
    retention = default_synth.json["Resources"][group_id]["Properties"]["RetentionInDays"]
    # WHEN the idle month is priced
    cost = idle_cost(default_synth.json)
    # THEN storage holds that many days of ingestion
    (ingestion,) = [line for line in cost.lines if line.price_key == "logs.ingestion"]
    (storage,) = [line for line in cost.lines if line.price_key == "logs.storage"]
    assert storage.quantity == ingestion.quantity * retention / (Decimal(730) / 24)
    assert f"{retention}-day retention" in storage.item


def test_the_idle_month_of_the_default_stack_is_a_few_dollars(default_synth: Synth) -> None:
    # GIVEN the stack of cdk.json
    # WHEN its idle month is priced
    cost = idle_cost(default_synth.json)
    # THEN the total adds the rows, and stays a few dollars (dashboard, alarms, metrics, key)
    assert cost.total_usd == sum((line.monthly_usd for line in cost.lines), Decimal(0))
    assert Decimal(1) < cost.total_usd < Decimal(10)
    assert Decimal(0) < cost.total_with_free_tier_usd < cost.total_usd

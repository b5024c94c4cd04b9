"""scripts/idle_cost.py on small hand-written templates: every row counted from the template, priced once."""

from __future__ import annotations

import copy
import json
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from scripts.idle_assumptions import IDLE_RUNS, MONITOR_HANDLER
from scripts.idle_cost import idle_cost, main
from scripts.idle_prices import PRICE_TABLES
from scripts.idle_usage import runs_per_month

PRICES = PRICE_TABLES["us-east-1"]
MONITOR = IDLE_RUNS[MONITOR_HANDLER]


def usd(key: str) -> Decimal:
    return PRICES[key].usd


def small_template() -> dict[str, Any]:
    """A monitor on ``rate(1 hour)`` (1 GB, arm64, traced, 30-day logs, on-demand table with the ``active``
    index), a plain and a two-metric 10-second alarm, four dashboards, two keys (one rotated), an advanced
    parameter, a bucket, and a disabled schedule that must not count."""
    return {
        "Resources": {
            "Schedule": {
                "Type": "AWS::Events::Rule",
                "Properties": {
                    "ScheduleExpression": "rate(1 hour)",
                    "State": "ENABLED",
                    "Targets": [{"Arn": {"Fn::GetAtt": ["Monitor", "Arn"]}, "Id": "Target0"}],
                },
            },
            "Disabled": {
                "Type": "AWS::Events::Rule",
                "Properties": {
                    "ScheduleExpression": "rate(1 minute)",
                    "State": "DISABLED",
                    "Targets": [{"Arn": {"Fn::GetAtt": ["Monitor", "Arn"]}, "Id": "Target0"}],
                },
            },
            "Monitor": {
                "Type": "AWS::Lambda::Function",
                "Properties": {
                    "Handler": MONITOR_HANDLER,
                    "MemorySize": 1024,
                    "Architectures": ["arm64"],
                    "TracingConfig": {"Mode": "Active"},
                    "LoggingConfig": {"LogGroup": {"Ref": "MonitorLogs"}},
                    "Environment": {
                        "Variables": {
                            "TABLE_NAME": {"Ref": "Table"},
                            "POWERTOOLS_METRICS_NAMESPACE": "Ns",
                            "POWERTOOLS_SERVICE_NAME": "svc",
                        }
                    },
                },
            },
            "MonitorLogs": {"Type": "AWS::Logs::LogGroup", "Properties": {"RetentionInDays": 30}},
            "Table": {
                "Type": "AWS::DynamoDB::Table",
                "Properties": {
                    "BillingMode": "PAY_PER_REQUEST",
                    "GlobalSecondaryIndexes": [{"IndexName": "active"}],
                },
            },
            "Plain": {
                "Type": "AWS::CloudWatch::Alarm",
                "Properties": {"MetricName": "Errors", "Period": 300},
            },
            "Fast": {
                "Type": "AWS::CloudWatch::Alarm",
                "Properties": {
                    "Metrics": [
                        {"Id": "a", "MetricStat": {"Period": 10}},
                        {"Id": "b", "MetricStat": {"Period": 10}},
                        {"Id": "sum", "Expression": "a + b"},
                    ]
                },
            },
            **{f"Board{i}": {"Type": "AWS::CloudWatch::Dashboard", "Properties": {}} for i in range(4)},
            "Key": {"Type": "AWS::KMS::Key", "Properties": {"EnableKeyRotation": True}},
            "OtherKey": {"Type": "AWS::KMS::Key", "Properties": {}},
            "Parameter": {"Type": "AWS::SSM::Parameter", "Properties": {"Tier": "Advanced"}},
            "Bucket": {"Type": "AWS::S3::Bucket", "Properties": {}},
        }
    }


def quantities(template: dict[str, Any], **kwargs: Any) -> dict[str, Decimal]:
    """Price key -> summed quantity of the rows priced with it."""
    found: dict[str, Decimal] = {}
    for line in idle_cost(template, **kwargs).lines:
        found[line.price_key] = found.get(line.price_key, Decimal(0)) + line.quantity
    return found


def test_a_scheduled_monitor_is_priced_per_run_from_its_schedule_memory_and_architecture() -> None:
    # GIVEN a monitor on rate(1 hour) with 1,024 MB on arm64
    # WHEN the idle month is priced with 2 s per run
    found = quantities(small_template(), duration_seconds=Decimal(2))
    # THEN it runs 730 times (one month of 730 hours) for 730 x 2 s x 1 GB, on the arm64 price
    assert found["lambda.request"] == 730
    assert found["lambda.arm64.gb_second"] == 1460
    assert "lambda.x86_64.gb_second" not in found
    # AND each run is one free scheduled event, one trace and one empty query of the active index
    assert found["events.scheduled_event"] == 730
    assert found["xray.trace"] == 730
    assert found["dynamodb.read_request_unit"] == Decimal("365")


def test_logs_are_priced_per_run_and_kept_for_the_retention_of_the_functions_log_group() -> None:
    # GIVEN the monitor logs to a group kept 30 days
    # WHEN the idle month is priced
    found = quantities(small_template())
    # THEN ingestion is 730 runs of the monitor's bytes, and storage holds 30 days of it
    ingested = Decimal(730 * MONITOR.log_bytes) / Decimal(10**9)
    assert found["logs.ingestion"] == ingested
    assert found["logs.storage"] == ingested * 30 / (Decimal(730) / 24)


def test_a_log_group_without_retention_is_stored_for_a_year() -> None:
    # GIVEN the monitor logs to Lambda's default group (no LoggingConfig: never expires)
    template = small_template()
    del template["Resources"]["Monitor"]["Properties"]["LoggingConfig"]
    # WHEN the idle month is priced
    cost = idle_cost(template)
    # THEN storage is a year of ingestion, and the row says so
    (storage,) = [line for line in cost.lines if line.price_key == "logs.storage"]
    assert storage.quantity == Decimal(730 * MONITOR.log_bytes) / Decimal(10**9) * 365 / (Decimal(730) / 24)
    assert "never expires" in storage.item


def test_the_monitors_metrics_are_counted_once_per_name_with_the_functions_namespace_and_service() -> None:
    # GIVEN the monitor's POWERTOOLS namespace "Ns" and service "svc"
    # WHEN the idle month is priced
    cost = idle_cost(small_template())
    # THEN each metric the monitor emits on an idle run is one custom metric, named in the row
    (metrics,) = [line for line in cost.lines if line.price_key == "cloudwatch.custom_metric"]
    assert metrics.quantity == len(set(MONITOR.metrics))
    assert metrics.item.startswith("Custom metrics: Ns {service=svc}: ")
    assert all(name in metrics.item for name in MONITOR.metrics)


def test_monthly_resources_are_counted_from_the_template() -> None:
    # GIVEN a plain alarm, a two-metric 10-second alarm, four dashboards, two keys, an advanced parameter
    # WHEN the idle month is priced
    found = quantities(small_template())
    # THEN every metric an alarm reads counts, at the high-resolution price under 60 seconds
    assert found["cloudwatch.alarm_metric"] == 1
    assert found["cloudwatch.alarm_metric.high_resolution"] == 2
    assert found["cloudwatch.dashboard"] == 4
    assert found["kms.key"] == 2
    assert found["ssm.parameter.advanced"] == 1
    assert found["ssm.parameter.standard"] == 0
    # AND the idle bucket is listed at zero
    assert found["s3.storage"] == 0


def test_the_total_is_the_sum_of_the_rows_and_the_free_tier_column_uses_each_allowance_once() -> None:
    # GIVEN the small template
    # WHEN the idle month is priced
    cost = idle_cost(small_template())
    # THEN the list total adds every row
    assert cost.total_usd == sum((line.quantity * line.price.usd for line in cost.lines), Decimal(0))
    # AND with the free tier only what exceeds it is paid: the 4th dashboard, the high-resolution alarm
    # metrics (no free tier), both keys, the advanced parameter and the reads (no free tier)
    expected = (
        usd("cloudwatch.dashboard")
        + 2 * usd("cloudwatch.alarm_metric.high_resolution")
        + 2 * usd("kms.key")
        + usd("ssm.parameter.advanced")
        + 365 * usd("dynamodb.read_request_unit")
    )
    assert cost.total_with_free_tier_usd == expected


def test_a_rotated_key_is_noted_in_the_assumptions() -> None:
    # GIVEN one of the two keys rotates yearly
    # WHEN the idle month is priced
    cost = idle_cost(small_template())
    # THEN the assumptions say what rotation adds later
    assert any(text.startswith("1 KMS key(s) rotate yearly") for text in cost.assumptions)


@pytest.mark.parametrize(
    ("expression", "runs"),
    [
        ("rate(1 minute)", Decimal(43_800)),
        ("rate(15 minutes)", Decimal(2_920)),
        ("rate(2 hours)", Decimal(365)),
        ("rate(1 day)", Decimal(730) / 24),
    ],
)
def test_runs_per_month_follow_the_rate(expression: str, runs: Decimal) -> None:
    # GIVEN/WHEN/THEN a 730-hour month divided by the rate
    assert runs_per_month(expression) == runs


def test_fails_when_the_schedule_is_a_cron_expression() -> None:
    # GIVEN/WHEN/THEN cron schedules are refused rather than guessed
    with pytest.raises(ValueError, match=r"expected rate\(N minutes\|hours\|days\); received 'cron"):
        runs_per_month("cron(0 12 * * ? *)")


def test_fails_when_a_scheduled_handler_has_no_idle_assumptions() -> None:
    # GIVEN the schedule targets another handler
    template = small_template()
    template["Resources"]["Monitor"]["Properties"]["Handler"] = "other.handler"
    # WHEN/THEN the script refuses to guess what it does
    with pytest.raises(ValueError, match=r"no idle assumptions for scheduled handler 'other\.handler'"):
        idle_cost(template)


def test_fails_when_the_monitors_table_is_provisioned_or_lacks_the_index() -> None:
    # GIVEN a provisioned table, then an on-demand table without the active index
    provisioned = small_template()
    provisioned["Resources"]["Table"]["Properties"]["BillingMode"] = "PROVISIONED"
    no_index = copy.deepcopy(small_template())
    no_index["Resources"]["Table"]["Properties"]["GlobalSecondaryIndexes"] = []
    # WHEN/THEN each is refused with what was expected
    with pytest.raises(ValueError, match="is not on-demand"):
        idle_cost(provisioned)
    with pytest.raises(ValueError, match="has no global secondary index 'active'"):
        idle_cost(no_index)


def test_fails_when_the_region_has_no_price_table() -> None:
    # GIVEN/WHEN/THEN only us-east-1 prices are kept
    with pytest.raises(ValueError, match="no price table for 'eu-west-1'; expected one of us-east-1"):
        idle_cost(small_template(), region="eu-west-1")


def test_a_template_without_a_schedule_costs_only_its_monthly_resources() -> None:
    # GIVEN a template with one dashboard and nothing scheduled
    template = {"Resources": {"Board": {"Type": "AWS::CloudWatch::Dashboard", "Properties": {}}}}
    # WHEN the idle month is priced
    cost = idle_cost(template)
    # THEN the dashboard is the whole bill
    assert cost.total_usd == usd("cloudwatch.dashboard")


def test_main_prints_the_table_the_assumptions_and_the_smoke_job(tmp_path: Path, capsys: Any) -> None:
    # GIVEN the small template on disk
    path = tmp_path / "Small.template.json"
    path.write_text(json.dumps(small_template()), encoding="utf-8")
    # WHEN the script runs
    assert main(["--template", str(path)]) == 0
    out = capsys.readouterr().out
    # THEN it prints the rows, the total, the assumptions and the smoke job
    total = idle_cost(small_template()).total_usd
    assert "Lambda requests: monitor (rate(1 hour))" in out
    assert any(line.startswith("Total") and f"{total:.2f}" in line for line in out.splitlines())
    assert "Assumptions:" in out and "First smoke job: 10 objects" in out


def test_main_prints_json(tmp_path: Path, capsys: Any) -> None:
    # GIVEN the small template on disk
    path = tmp_path / "Small.template.json"
    path.write_text(json.dumps(small_template()), encoding="utf-8")
    # WHEN the script runs with --json
    assert main(["--template", str(path), "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    # THEN the rows add up to the total, and the smoke job is included
    assert data["totalUsd"] == pytest.approx(sum(row["monthlyUsd"] for row in data["lines"]), abs=1e-5)
    assert data["region"] == "us-east-1" and data["hoursPerMonth"] == 730
    assert data["smokeJob"]["cost"]["totalUsd"] == 0.8


def test_main_exits_2_for_a_region_without_prices(tmp_path: Path, capsys: Any) -> None:
    # GIVEN the small template on disk
    path = tmp_path / "Small.template.json"
    path.write_text(json.dumps(small_template()), encoding="utf-8")
    # WHEN/THEN an unknown region is a usage error, explained on stderr
    assert main(["--template", str(path), "--region", "eu-west-1"]) == 2
    assert "no price table for 'eu-west-1'" in capsys.readouterr().err


def test_main_refuses_a_duration_that_is_not_positive(capsys: Any) -> None:
    # GIVEN/WHEN/THEN argparse reports the bad value
    with pytest.raises(SystemExit):
        main(["--duration-seconds", "abc"])
    assert "expected a positive number of seconds; received 'abc'" in capsys.readouterr().err

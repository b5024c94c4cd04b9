"""Metric values of a recorded job: one completion or failure count, then share, cost and duration."""

from __future__ import annotations

import pytest
from labelchain_fn.core.metrics import MetricDatum, count, recorded_job_metrics


def test_completed_job_reports_its_figures() -> None:
    # GIVEN the summary of a completed job
    summary = {
        "status": "COMPLETED",
        "machinePercent": 47.9,
        "cost": {"totalUsd": 170.308},
        "elapsedSeconds": 3600,
    }
    # WHEN its metrics are derived THEN it counts as completed, with its share, cost and duration
    assert recorded_job_metrics(summary) == [
        MetricDatum("JobsCompleted", "Count", 1.0),
        MetricDatum("MachineLabeledPercent", "Percent", 47.9),
        MetricDatum("EstimatedCostUsd", "None", 170.308),
        MetricDatum("JobDurationSeconds", "Seconds", 3600.0),
    ]


@pytest.mark.parametrize("status", ["FAILED", "STOPPED"])
def test_failed_or_stopped_job_counts_as_failed(status: str) -> None:
    names = [datum.name for datum in recorded_job_metrics({"status": status})]
    assert names == ["JobsFailed", "MachineLabeledPercent", "EstimatedCostUsd", "JobDurationSeconds"]


def test_missing_figures_report_zero() -> None:
    values = {d.name: d.value for d in recorded_job_metrics({"status": "COMPLETED", "cost": {}})}
    assert values["EstimatedCostUsd"] == 0.0 and values["MachineLabeledPercent"] == 0.0


def test_count_defaults_to_one() -> None:
    assert count("JobsStarted") == MetricDatum("JobsStarted", "Count", 1.0)
    assert count("JobsFailed", 2).value == 2.0

"""Notification texts: SNS-safe subjects, plain-text bodies with the job figures, and console links."""

from __future__ import annotations

from typing import Any

import pytest
from labelchain_fn.core.message_format import (
    MAX_SUBJECT,
    execution_url,
    fit_subject,
    format_duration,
    format_percent,
    format_usd,
    labeling_job_url,
)
from labelchain_fn.core.messages import (
    comparison_message,
    execution_failed_message,
    job_recorded_message,
    job_stalled_message,
    job_stopped_message,
)

REGION = "eu-west-1"
EXECUTION = f"arn:aws:states:{REGION}:123456789012:execution:LabelingWorkflow:run-1"
INITIAL = f"arn:aws:sagemaker:{REGION}:123456789012:model/lc-birds-0001-model"
FINAL = f"arn:aws:sagemaker:{REGION}:123456789012:model/lc-birds-0002-model"
JOB_URL = (
    "https://eu-west-1.console.aws.amazon.com/sagemaker/groundtruth?region=eu-west-1"
    "#/labeling-jobs/details/lc-birds-0002-abcd1234"
)
EXECUTION_URL = (
    "https://eu-west-1.console.aws.amazon.com/states/home?region=eu-west-1"
    f"#/v2/executions/details/{EXECUTION}"
)


def summary(**overrides: Any) -> dict[str, Any]:
    """A RecordJob summary of the blog's job 2 at 3 workers."""
    return {
        "labelingJobName": "lc-birds-0002-abcd1234",
        "chain": "birds",
        "sequence": 2,
        "role": "main",
        "status": "COMPLETED",
        "counters": {"HumanLabeled": 651, "MachineLabeled": 599, "TotalLabeled": 1250},
        "machinePercent": 47.9,
        "cost": {"feeUsd": 100.0, "workforceUsd": 70.308, "computeUsd": 0.0, "totalUsd": 170.308},
        "elapsedSeconds": 3725,
        "initialModelArn": INITIAL,
        "finalModelArn": FINAL,
        "headAdvanced": True,
        **overrides,
    }


def test_console_links_follow_the_console_url_schemes() -> None:
    assert labeling_job_url(REGION, "lc-birds-0002-abcd1234") == JOB_URL
    assert execution_url(REGION, EXECUTION) == EXECUTION_URL


@pytest.mark.parametrize(
    ("seconds", "text"),
    [(45, "45 s"), (725, "12 min 5 s"), (3725, "1 h 02 min"), (187_200, "2 d 4 h"), (None, "n/a")],
)
def test_durations_read_like_people_write_them(seconds: Any, text: str) -> None:
    assert format_duration(seconds) == text


def test_amounts_and_shares_are_rounded_for_reading() -> None:
    assert (format_usd(170.308), format_usd("1234.567"), format_usd(None)) == ("$170.31", "$1,234.57", "n/a")
    assert (format_percent(47.94), format_percent("x")) == ("47.9%", "n/a")


def test_subject_is_one_ascii_line_of_at_most_100_characters() -> None:
    # GIVEN a subject with a line break, non-ASCII text and far too many characters
    subject = fit_subject("labelchain:\n" + "é" * 150)
    # THEN it is one ASCII line cut to the SNS limit
    assert len(subject) == MAX_SUBJECT and subject.endswith("...") and subject.isascii()
    assert "\n" not in subject and subject.startswith("labelchain: ??")


def test_recorded_job_message_names_the_figures_models_and_links() -> None:
    # GIVEN a completed, warm-started main job that moved the chain head
    message = job_recorded_message(summary(), region=REGION, execution_arn=EXECUTION)
    # THEN the subject names job, status, machine share and cost
    assert message.subject == "labelchain: lc-birds-0002-abcd1234 Completed (47.9% machine-labeled, $170.31)"
    # AND the body lists every figure an operator needs, one per line
    lines = message.body.splitlines()
    for expected in (
        "Job:                   lc-birds-0002-abcd1234 (chain birds, job 2, main)",
        "Status:                Completed",
        "Human-labeled:         651",
        "Machine-labeled:       599",
        "Machine-labeled share: 47.9%",
        "Estimated cost:        $170.31 (labeling fee $100.00, workers $70.31, compute $0.00)",
        "Elapsed:               1 h 02 min",
        f"Initial model:         {INITIAL}",
        f"Final model:           {FINAL}",
        "Chain head:            moved to this job's final model",
        f"  Labeling job lc-birds-0002-abcd1234: {JOB_URL}",
        f"  Execution: {EXECUTION_URL}",
    ):
        assert expected in lines


def test_recorded_cold_job_without_a_model_or_execution() -> None:
    # GIVEN a cold-started job that trained no model, recorded without a known execution
    job = summary(initialModelArn=None, finalModelArn=None, headAdvanced=False, status="STOPPED")
    message = job_recorded_message(job, region=REGION, execution_arn=None)
    # THEN the body says so and links only the labeling job
    assert "Stopped" in message.subject
    assert "Initial model:         none (cold start)" in message.body
    assert (
        "Final model:           none" in message.body and "Chain head:            unchanged" in message.body
    )
    assert "Execution:" not in message.body.split("In the AWS console:")[1]


def test_subject_of_a_long_job_name_still_fits() -> None:
    job = summary(labelingJobName="lc-" + "a" * 60)
    assert len(job_recorded_message(job, region=REGION, execution_arn=EXECUTION).subject) <= MAX_SUBJECT


def test_failure_message_names_error_cause_jobs_and_links() -> None:
    # GIVEN RecordFailure closed and stopped the warm-started job of an execution
    job: dict[str, Any] = {
        "labelingJobName": "lc-birds-0002-abcd1234",
        "role": "main",
        "status": "FAILED",
        "warmStart": {"initialModelArn": INITIAL},
    }
    message = execution_failed_message(
        chain="birds",
        error="LabelingJobFailed",
        cause="not enough workers",
        execution_arn=EXECUTION,
        jobs=[job],
        stopped=["lc-birds-0002-abcd1234"],
        region=REGION,
    )
    # THEN subject and body name the chain, error, cause, job status and links
    assert message.subject == "labelchain: birds failed: LabelingJobFailed (lc-birds-0002-abcd1234)"
    lines = message.body.splitlines()
    assert "Cause:     not enough workers" in lines
    assert "  Status:        FAILED (labeling job stopped)" in lines
    assert f"  Initial model: {INITIAL}" in lines
    assert (
        f"  Execution: {EXECUTION_URL}" in lines
        and f"  Labeling job lc-birds-0002-abcd1234: {JOB_URL}" in lines
    )


def test_failure_before_any_job_has_no_job_section() -> None:
    message = execution_failed_message(
        chain=None, error="InputInvalid", cause="", execution_arn="", jobs=[], stopped=[], region=REGION
    )
    assert message.subject == "labelchain: execution failed: InputInvalid"
    assert "Labeling job" not in message.body and "Cause:     not given" in message.body


def test_comparison_message_puts_warm_and_control_side_by_side() -> None:
    # GIVEN the comparison of the warm-started job 2 and its cold control
    control = summary(
        labelingJobName="lc-birds-0002c-abcd1234", role="control", machinePercent=60.2, initialModelArn=None
    )
    comparison = {
        "chain": "birds",
        "warm": summary(machinePercent=79.2),
        "control": control,
        "machinePercentDelta": 19.0,
        "costSavingPercent": 16.7,
        "elapsedRatio": 0.5,
    }
    message = comparison_message(comparison, region=REGION, execution_arn=EXECUTION)
    # THEN the subject gives the gain and the saving; the body both jobs' figures and links
    assert (
        message.subject
        == "labelchain: birds warm start vs control: +19.0 points machine-labeled, 16.7% cheaper"
    )
    body = message.body
    assert "Cost saving:           16.7% of the control's cost" in body
    assert "Elapsed:               0.5x the control's time" in body
    warm_part, control_part = body.split("Control job (cold start) lc-birds-0002c-abcd1234:")
    assert "Machine-labeled share: 79.2%" in warm_part and f"Initial model:         {INITIAL}" in warm_part
    assert "Machine-labeled share: 60.2%" in control_part and "none (cold start)" in control_part
    assert body.count("https://") == 3


def test_comparison_without_a_control_cost_says_so() -> None:
    comparison = {"chain": "birds", "warm": summary(), "control": summary(), "machinePercentDelta": 0.0}
    message = comparison_message(comparison, region=REGION, execution_arn=None)
    assert message.subject.endswith("+0.0 points machine-labeled, cost n/a")
    assert "Cost saving:           n/a" in message.body


def test_comparison_message_of_a_failed_control_compares_nothing() -> None:
    # GIVEN the warm-started job 2 completed and its control job failed (CompareJobs' controlFailed item)
    control = summary(
        labelingJobName="lc-birds-0002c-abcd1234",
        role="control",
        status="IN_PROGRESS",
        counters={},
        machinePercent=0,
        cost={},
        elapsedSeconds=0,
        initialModelArn=None,
        finalModelArn=None,
        headAdvanced=False,
    )
    comparison = {
        "chain": "birds",
        "warm": summary(),
        "control": control,
        "controlFailed": True,
        "controlError": "States.Timeout",
    }
    # WHEN the message is built
    message = comparison_message(comparison, region=REGION, execution_arn=EXECUTION)
    # THEN subject and body say the control failed and why, with no comparison figures
    assert message.subject == "labelchain: birds control job failed (States.Timeout); no comparison"
    body = message.body
    assert body.startswith(
        "The cold control job of chain birds failed (States.Timeout); the warm-started job is recorded."
    )
    assert "Cost saving" not in body and "points" not in body and "x the control's time" not in body
    # AND both jobs' figures and console links are still given
    assert "Warm-started job lc-birds-0002-abcd1234:" in body
    assert "Control job (cold start) lc-birds-0002c-abcd1234:" in body
    assert "Machine-labeled share: 47.9%" in body and body.count("https://") == 3


def test_stall_and_stop_messages_give_progress_and_links() -> None:
    # GIVEN a running job of chain birds whose counters stopped moving
    job = {
        "labelingJobName": "lc-birds-0003-abcd1234",
        "chain": "birds",
        "executionArn": EXECUTION,
        "lastProgressAt": "2026-03-02T14:00:00+00:00",
        "warmStart": {"initialModelArn": FINAL},
    }
    counters = {"HumanLabeled": 30, "MachineLabeled": 10, "Unlabeled": 1210}
    stalled = job_stalled_message(job, counters=counters, stalled_after_minutes=720, region=REGION)
    # THEN the alert names the job, the last progress and the share so far
    assert stalled.subject == "labelchain: lc-birds-0003-abcd1234 has stalled"
    assert "Last progress:         2026-03-02T14:00:00+00:00 (alert after 720 min without progress)" in (
        stalled.body.splitlines()
    )
    assert "Machine-labeled share: 25.0%" in stalled.body and "Unlabeled:             1,210" in stalled.body
    assert f"Initial model:         {FINAL}" in stalled.body and EXECUTION_URL in stalled.body
    # AND the stop notice says why the job was stopped
    stopped = job_stopped_message(job, execution_status="ABORTED", counters=counters, region=REGION)
    assert stopped.subject == "labelchain: stopped lc-birds-0003-abcd1234"
    assert "Stopping (the execution is ABORTED)" in stopped.body and EXECUTION_URL in stopped.body

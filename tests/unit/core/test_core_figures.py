"""Job figures from a DescribeLabelingJob response."""

from __future__ import annotations

import copy
import json
from datetime import UTC, datetime, timedelta, timezone
from decimal import Decimal
from typing import Any

import pytest
from core_builders import PRIVATE_TEAM
from labelchain_fn.core.cost import CostEstimate
from labelchain_fn.core.figures import JobFigures, figures_from_description, job_status
from labelchain_fn.core.manifest import OutputStats

ACS = "ACS-BoundingBox"
MODEL = "arn:aws:sagemaker:us-east-1:123456789012:model/lc-birds-0002-abcdef12-final"
OUTPUT = "s3://lc-output/jobs/birds/lc-birds-0002-abcdef12/manifests/output/output.manifest"

DESCRIPTION: dict[str, Any] = {
    "LabelingJobStatus": "Completed",
    "LabelCounters": {
        "TotalLabeled": 1250,
        "HumanLabeled": 260,
        "MachineLabeled": 990,
        "FailedNonRetryableError": 0,
        "Unlabeled": 0,
    },
    "CreationTime": datetime(2026, 3, 2, 9, 0, 0, tzinfo=UTC),
    "LastModifiedTime": datetime(2026, 3, 2, 13, 30, 15, 900_000, tzinfo=UTC),
    "JobReferenceCode": "abc123",
    "LabelingJobName": "lc-birds-0002-abcdef12",
    "LabelingJobArn": "arn:aws:sagemaker:us-east-1:123456789012:labeling-job/lc-birds-0002-abcdef12",
    "LabelAttributeName": "category",
    "InputConfig": {"DataSource": {"S3DataSource": {"ManifestS3Uri": "s3://lc-artifacts/m.manifest"}}},
    "OutputConfig": {"S3OutputPath": "s3://lc-output/jobs/birds/"},
    "RoleArn": "arn:aws:iam::123456789012:role/gt",
    "HumanTaskConfig": {
        "WorkteamArn": "arn:aws:sagemaker:us-east-1:394669845002:workteam/public-crowd/default",
        "UiConfig": {"UiTemplateS3Uri": "s3://lc-artifacts/t.html"},
        "PreHumanTaskLambdaArn": "arn:aws:lambda:us-east-1:432418664414:function:PRE-BoundingBox",
        "TaskTitle": "Boxes",
        "TaskDescription": "Boxes",
        "NumberOfHumanWorkersPerDataObject": 5,
        "TaskTimeLimitInSeconds": 300,
        "AnnotationConsolidationConfig": {
            "AnnotationConsolidationLambdaArn": f"arn:aws:lambda:us-east-1:432418664414:function:{ACS}"
        },
        "PublicWorkforceTaskPrice": {"AmountInUsd": {"Dollars": 0, "Cents": 3, "TenthFractionsOfACent": 6}},
    },
    "LabelingJobAlgorithmsConfig": {
        "LabelingJobAlgorithmSpecificationArn": (
            "arn:aws:sagemaker:us-east-1:027400017018:labeling-job-algorithm-specification/object-detection"
        )
    },
    "LabelingJobOutput": {"OutputDatasetS3Uri": OUTPUT, "FinalActiveLearningModelArn": MODEL},
    "ResponseMetadata": {"HTTPStatusCode": 200},
}


def test_figures_of_a_completed_job(make_chain):
    # GIVEN the blog's warm-started job 2, described with tz-aware datetimes (5 workers in the job itself)
    figures = figures_from_description(DESCRIPTION, make_chain())
    # THEN counters, share, cost from the job's own workers and price, duration and outputs
    assert figures == JobFigures(
        status="Completed",
        counters={
            "TotalLabeled": 1250,
            "HumanLabeled": 260,
            "MachineLabeled": 990,
            "FailedNonRetryableError": 0,
            "Unlabeled": 0,
        },
        machine_percent=Decimal("79.2"),
        cost=CostEstimate(Decimal("100.0000"), Decimal("46.8000"), Decimal("0.0000"), Decimal("146.8000")),
        elapsed_seconds=4 * 3600 + 30 * 60 + 15,
        final_model_arn=MODEL,
        output_manifest_s3_uri=OUTPUT,
        failure_reason=None,
        creation_time="2026-03-02T09:00:00+00:00",
        last_modified_time="2026-03-02T13:30:15.900000+00:00",
    )


def test_iso_string_times_and_other_offsets_are_normalised_to_utc(make_chain):
    # GIVEN times as ISO strings (one with "Z", one with a +02:00 offset)
    description = {
        **DESCRIPTION,
        "CreationTime": "2026-03-02T09:00:00Z",
        "LastModifiedTime": datetime(2026, 3, 2, 12, 0, tzinfo=timezone(timedelta(hours=2))),
    }
    # WHEN read  THEN elapsed time is computed in UTC and times are UTC ISO strings
    figures = figures_from_description(description, make_chain())
    assert (figures.elapsed_seconds, figures.creation_time, figures.last_modified_time) == (
        3600,
        "2026-03-02T09:00:00+00:00",
        "2026-03-02T10:00:00+00:00",
    )


def test_naive_times_are_taken_as_utc(make_chain):
    description = {
        **DESCRIPTION,
        "CreationTime": "2026-03-02T09:00:00",
        "LastModifiedTime": "2026-03-02T09:00:42",
    }
    figures = figures_from_description(description, make_chain())
    assert (figures.elapsed_seconds, figures.creation_time) == (42, "2026-03-02T09:00:00+00:00")


def test_failed_job_without_output_and_with_missing_counters(make_chain):
    # GIVEN a job that failed early: no LabelingJobOutput, sparse LabelCounters, a FailureReason
    description = copy.deepcopy(DESCRIPTION)
    del description["LabelingJobOutput"]
    description.update(
        LabelingJobStatus="Failed",
        FailureReason="ClientError: manifest unreadable",
        LabelCounters={"Unlabeled": 1250},
    )
    # WHEN read  THEN missing counters are 0, no model, no output, the reason kept, cost zero
    figures = figures_from_description(description, make_chain())
    assert figures.counters == {
        "TotalLabeled": 0,
        "HumanLabeled": 0,
        "MachineLabeled": 0,
        "FailedNonRetryableError": 0,
        "Unlabeled": 1250,
    }
    assert (figures.final_model_arn, figures.output_manifest_s3_uri) == (None, None)
    assert figures.failure_reason == "ClientError: manifest unreadable"
    assert figures.machine_percent == Decimal("0.0") and figures.cost.total_usd == Decimal(0)
    item = figures.to_item()
    assert item["status"] == "FAILED" and item["failureReason"] == "ClientError: manifest unreadable"
    assert "finalModelArn" not in item and "outputManifestS3Uri" not in item


def test_output_without_final_model_is_read_with_get(make_chain):
    description = {**DESCRIPTION, "LabelingJobOutput": {"OutputDatasetS3Uri": OUTPUT}}
    figures = figures_from_description(description, make_chain())
    assert (figures.final_model_arn, figures.output_manifest_s3_uri) == (None, OUTPUT)


def test_falls_back_to_chain_workers_and_price_without_human_task_config(make_chain):
    # GIVEN a description without HumanTaskConfig  WHEN read  THEN the chain's 3 workers and $0.036
    description = {k: v for k, v in DESCRIPTION.items() if k != "HumanTaskConfig"}
    assert figures_from_description(description, make_chain()).cost.total_usd.quantize(
        Decimal("0.01")
    ) == Decimal("128.08")


def test_public_job_without_price_in_description_uses_chain_price(make_chain):
    description = copy.deepcopy(DESCRIPTION)
    del description["HumanTaskConfig"]["PublicWorkforceTaskPrice"]
    assert figures_from_description(description, make_chain()).cost.workforce_usd == Decimal("46.8000")


def test_private_team_job_has_no_workforce_cost(make_chain):
    # GIVEN a private-team job  WHEN read  THEN only the per-object fee
    description = copy.deepcopy(DESCRIPTION)
    description["HumanTaskConfig"]["WorkteamArn"] = PRIVATE_TEAM
    del description["HumanTaskConfig"]["PublicWorkforceTaskPrice"]
    chain = make_chain(workforce={"type": "private", "workteamArn": PRIVATE_TEAM})
    assert figures_from_description(description, chain).cost == CostEstimate(
        Decimal("100.0000"), Decimal("0.0000"), Decimal("0.0000"), Decimal("100.0000")
    )


def test_compute_is_charged_only_for_auto_labeling_jobs(make_chain):
    # GIVEN $0.36 per hour of compute and a 4.5-hour job
    chain = make_chain(pricing={"autoLabelingComputeUsdPerHour": "0.36"})
    # WHEN read  THEN compute is charged with auto-labeling, not without
    assert figures_from_description(DESCRIPTION, chain).cost.compute_usd == Decimal("1.6215")
    manual = {k: v for k, v in DESCRIPTION.items() if k != "LabelingJobAlgorithmsConfig"}
    assert figures_from_description(manual, chain).cost.compute_usd == Decimal(0)


def test_output_stats_fill_missing_counters_and_flag_mismatches(make_chain):
    # GIVEN output-manifest counts that disagree with LabelCounters  WHEN read  THEN counters win, flagged
    figures = figures_from_description(DESCRIPTION, make_chain(), OutputStats(300, 950, 0, 1250))
    assert figures.counters["HumanLabeled"] == 260 and figures.output_mismatch
    assert figures.to_item()["outputMismatch"] is True
    # AND when they agree there is no flag
    agreed = figures_from_description(DESCRIPTION, make_chain(), OutputStats(260, 990, 0, 1250))
    assert not agreed.output_mismatch and "outputMismatch" not in agreed.to_item()
    # AND without LabelCounters children the output counts are used
    sparse = {**DESCRIPTION, "LabelCounters": {}}
    filled = figures_from_description(sparse, make_chain(), OutputStats(260, 990, 3, 1253))
    assert (
        filled.counters["HumanLabeled"],
        filled.counters["MachineLabeled"],
        filled.counters["TotalLabeled"],
    ) == (260, 990, 1250)


def test_to_item_is_dynamodb_ready(make_chain):
    # GIVEN figures  WHEN turned into attributes  THEN Decimals, ints, strs, bools, dicts; no float, no None
    item = figures_from_description(DESCRIPTION, make_chain()).to_item()
    assert item["status"] == "COMPLETED" and item["labelingJobStatus"] == "Completed"
    assert item["cost"] == {
        "feeUsd": Decimal("100.0000"),
        "workforceUsd": Decimal("46.8000"),
        "computeUsd": Decimal("0.0000"),
        "totalUsd": Decimal("146.8000"),
    }

    def walk(value: Any) -> None:
        assert value is not None and not isinstance(value, float)
        if isinstance(value, dict):
            for child in value.values():
                walk(child)

    walk(item)
    json.dumps(item, default=str)


@pytest.mark.parametrize(
    ("status", "record"),
    [
        ("Initializing", "IN_PROGRESS"),
        ("InProgress", "IN_PROGRESS"),
        ("Stopping", "IN_PROGRESS"),
        ("Completed", "COMPLETED"),
        ("Failed", "FAILED"),
        ("Stopped", "STOPPED"),
    ],
)
def test_job_status_maps_ground_truth_statuses(status, record):
    assert job_status(status) == record

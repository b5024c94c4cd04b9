"""Lifecycle of simulated labeling jobs over simulated time: statuses, counters, times, stop, list."""

from __future__ import annotations

from datetime import timedelta

import boto3
import pytest
from botocore.exceptions import ClientError

import sandbox.groundtruth as gt

REGION = "us-east-1"


@pytest.fixture
def sagemaker(gt_aws):
    return boto3.client("sagemaker", region_name=REGION)


def test_job_runs_in_progress_then_completes_with_counters_growing(
    gt_aws, sagemaker, make_inputs, make_request, finish
):
    # GIVEN a 1,250-object auto-labeling job
    sagemaker.create_labeling_job(**make_request("grow", make_inputs(1250)))
    seen = []
    # WHEN simulated time passes hour by hour
    for _ in range(6):
        description = sagemaker.describe_labeling_job(LabelingJobName="grow")
        seen.append((description["LabelingJobStatus"], description["LabelCounters"]))
        gt.advance(1.0)
    final = finish(sagemaker, "grow", gt_aws)
    # THEN the job is InProgress while human and machine counters grow, then Completed with everything labeled
    assert all(status == "InProgress" for status, _ in seen)
    human = [counters["HumanLabeled"] for _, counters in seen]
    machine = [counters["MachineLabeled"] for _, counters in seen]
    assert human == sorted(human) and human[0] < human[-1]
    assert machine[0] == 0 and machine[-1] > 0
    counters = final["LabelCounters"]
    assert final["LabelingJobStatus"] == "Completed"
    assert counters["TotalLabeled"] == counters["HumanLabeled"] + counters["MachineLabeled"] == 1250
    assert counters["Unlabeled"] == 0


def test_creation_and_last_modified_times_are_simulated(gt_aws, sagemaker, make_inputs, make_request, finish):
    # GIVEN a frozen clock at a known moment
    created_at = gt_aws.now()
    sagemaker.create_labeling_job(**make_request("times", make_inputs(1250)))
    final = finish(sagemaker, "times", gt_aws, step_hours=2.0)
    # THEN CreationTime is that moment and LastModifiedTime - CreationTime is the simulated duration (hours)
    assert abs((final["CreationTime"] - created_at).total_seconds()) < 0.01
    elapsed = final["LastModifiedTime"] - final["CreationTime"]
    assert timedelta(hours=3) < elapsed < timedelta(hours=12)


def test_a_job_without_auto_labeling_is_labeled_by_humans_only(
    gt_aws, sagemaker, make_inputs, make_request, finish
):
    sagemaker.create_labeling_job(**make_request("humans", make_inputs(300), auto=False))
    final = finish(sagemaker, "humans", gt_aws)
    assert final["LabelCounters"]["HumanLabeled"] == 300 and final["LabelCounters"]["MachineLabeled"] == 0
    assert "FinalActiveLearningModelArn" not in final["LabelingJobOutput"]


def test_auto_labeling_needs_1250_objects_and_gives_no_model_below(
    gt_aws, sagemaker, make_inputs, make_request, finish
):
    # GIVEN auto-labeling requested on 1,249 objects
    sagemaker.create_labeling_job(**make_request("small", make_inputs(1249)))
    final = finish(sagemaker, "small", gt_aws)
    # THEN no machine labels and no final model
    assert final["LabelCounters"]["MachineLabeled"] == 0
    assert "FinalActiveLearningModelArn" not in final["LabelingJobOutput"]


def test_final_model_is_registered_and_describable(gt_aws, sagemaker, make_inputs, make_request, finish):
    sagemaker.create_labeling_job(**make_request("model", make_inputs(1250)))
    model_arn = finish(sagemaker, "model", gt_aws)["LabelingJobOutput"]["FinalActiveLearningModelArn"]
    model = sagemaker.describe_model(ModelName=model_arn.split("/")[-1])
    assert model["ModelArn"] == model_arn
    assert "object-detection" in model["PrimaryContainer"]["Image"]


def test_stop_goes_through_stopping_to_stopped_and_keeps_partial_results(
    gt_aws, sagemaker, make_inputs, make_request
):
    # GIVEN a job that has run for three simulated hours (one model trained)
    sagemaker.create_labeling_job(**make_request("stopme", make_inputs(1250)))
    gt.advance(3.0)
    # WHEN it is stopped
    sagemaker.stop_labeling_job(LabelingJobName="stopme")
    stopping = sagemaker.describe_labeling_job(LabelingJobName="stopme")
    gt.advance(1.0)
    stopped = sagemaker.describe_labeling_job(LabelingJobName="stopme")
    # THEN it is Stopping, then Stopped with the counters of the stop time, an output and a model
    assert stopping["LabelingJobStatus"] == "Stopping"
    assert stopped["LabelingJobStatus"] == "Stopped"
    assert stopped["LabelCounters"] == stopping["LabelCounters"]
    assert 0 < stopped["LabelCounters"]["TotalLabeled"] < 1250
    assert stopped["LabelingJobOutput"]["FinalActiveLearningModelArn"]


def test_rejects_stopping_a_completed_job(gt_aws, sagemaker, make_inputs, make_request, finish):
    sagemaker.create_labeling_job(**make_request("done", make_inputs(20), auto=False))
    finish(sagemaker, "done", gt_aws)
    with pytest.raises(ClientError, match="Completed and cannot be stopped"):
        sagemaker.stop_labeling_job(LabelingJobName="done")


def test_fails_when_describing_an_unknown_job(gt_aws, sagemaker):
    with pytest.raises(sagemaker.exceptions.ResourceNotFound):
        sagemaker.describe_labeling_job(LabelingJobName="nope")
    with pytest.raises(sagemaker.exceptions.ResourceNotFound):
        sagemaker.stop_labeling_job(LabelingJobName="nope")


def test_describe_finds_a_job_case_insensitively(gt_aws, sagemaker, make_inputs, make_request):
    sagemaker.create_labeling_job(**make_request("MixedCase", make_inputs(10)))
    assert sagemaker.describe_labeling_job(LabelingJobName="mixedcase")["LabelingJobName"] == "MixedCase"


@pytest.mark.parametrize(
    ("broken", "reason"),
    [
        ("manifest", "Unable to read s3://input-bucket/missing.manifest"),
        ("labels", "Unable to read s3://input-bucket/missing-labels.json"),
        ("classifier", "FreeOfPersonallyIdentifiableInformation"),
        ("output", "does not exist"),
    ],
)
def test_a_job_with_unusable_inputs_fails_with_a_reason(
    gt_aws, sagemaker, make_inputs, make_request, broken, reason
):
    request = make_request("broken", make_inputs(10))
    if broken == "manifest":
        request["InputConfig"]["DataSource"]["S3DataSource"]["ManifestS3Uri"] = (
            "s3://input-bucket/missing.manifest"
        )
    elif broken == "labels":
        request["LabelCategoryConfigS3Uri"] = "s3://input-bucket/missing-labels.json"
    elif broken == "classifier":
        request["InputConfig"]["DataAttributes"]["ContentClassifiers"] = []
    else:
        request["OutputConfig"]["S3OutputPath"] = "s3://no-such-output-bucket/jobs/"
    sagemaker.create_labeling_job(**request)
    description = sagemaker.describe_labeling_job(LabelingJobName="broken")
    assert description["LabelingJobStatus"] == "Failed"
    assert reason in description["FailureReason"]
    assert "LabelingJobOutput" not in description


def test_stopping_condition_on_human_labels_stops_the_job(
    gt_aws, sagemaker, make_inputs, make_request, finish
):
    request = make_request(
        "capped", make_inputs(500), auto=False, StoppingConditions={"MaxHumanLabeledObjectCount": 120}
    )
    sagemaker.create_labeling_job(**request)
    final = finish(sagemaker, "capped", gt_aws)
    assert final["LabelingJobStatus"] == "Stopped"
    assert final["LabelCounters"]["HumanLabeled"] == 120


def test_list_filters_sorts_and_paginates(gt_aws, sagemaker, make_inputs, make_request, finish):
    # GIVEN three jobs created an hour apart, the first finished
    manifest = make_inputs(20)
    for name in ("list-a", "list-b", "other-c"):
        sagemaker.create_labeling_job(**make_request(name, manifest, auto=False))
        gt.advance(1.0)
    finish(sagemaker, "list-a", gt_aws)
    # WHEN listing with a name filter, a status filter and a page size of one
    first = sagemaker.list_labeling_jobs(
        NameContains="LIST", SortBy="Name", SortOrder="Ascending", MaxResults=1
    )
    second = sagemaker.list_labeling_jobs(
        NameContains="LIST", SortBy="Name", SortOrder="Ascending", MaxResults=1, NextToken=first["NextToken"]
    )
    completed = sagemaker.list_labeling_jobs(StatusEquals="Completed")["LabelingJobSummaryList"]
    newest = sagemaker.list_labeling_jobs()["LabelingJobSummaryList"][0]
    # THEN pages, filters and the default newest-first order hold
    assert [
        j["LabelingJobName"] for j in first["LabelingJobSummaryList"] + second["LabelingJobSummaryList"]
    ] == ["list-a", "list-b"]
    assert "NextToken" not in second
    assert {j["LabelingJobName"] for j in completed} == {"list-a", "list-b", "other-c"}
    assert newest["LabelingJobName"] == "other-c"
    assert newest["WorkteamArn"].endswith("public-crowd/default")
    # AND time filters compare against simulated creation times
    second_created = next(j for j in completed if j["LabelingJobName"] == "list-b")["CreationTime"]
    after = sagemaker.list_labeling_jobs(CreationTimeAfter=second_created)["LabelingJobSummaryList"]
    before = sagemaker.list_labeling_jobs(CreationTimeBefore=second_created)["LabelingJobSummaryList"]
    assert [j["LabelingJobName"] for j in after] == ["other-c"]
    assert [j["LabelingJobName"] for j in before] == ["list-a"]


def test_jobs_are_cleared_by_a_moto_reset(gt_aws, sagemaker, make_inputs, make_request):
    from moto.moto_api import _internal as moto_api

    sagemaker.create_labeling_job(**make_request("gone", make_inputs(10)))
    moto_api.moto_api_backend.reset()
    assert boto3.client("sagemaker", region_name=REGION).list_labeling_jobs()["LabelingJobSummaryList"] == []

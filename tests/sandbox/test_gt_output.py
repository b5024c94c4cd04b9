"""Output manifests of simulated jobs in the Ground Truth layout, for the four auto-labeling task types."""

from __future__ import annotations

import json

import boto3
import pytest

REGION = "us-east-1"


def _output_lines(description) -> list[dict]:
    uri = description["LabelingJobOutput"]["OutputDatasetS3Uri"]
    bucket, key = uri[len("s3://") :].split("/", 1)
    body = boto3.client("s3", region_name=REGION).get_object(Bucket=bucket, Key=key)["Body"].read().decode()
    return [json.loads(line) for line in body.splitlines()]


@pytest.mark.parametrize(
    ("task", "output_type"),
    [
        ("BoundingBox", "groundtruth/object-detection"),
        ("ImageClassification", "groundtruth/image-classification"),
        ("TextClassification", "groundtruth/text-classification"),
        ("SemanticSegmentation", "groundtruth/semantic-segmentation"),
    ],
)
def test_output_manifest_follows_the_layout_of_each_task_type(
    gt_aws, make_inputs, make_request, finish, task, output_type
):
    # GIVEN a 1,250-object auto-labeling job of the task type
    sagemaker = boto3.client("sagemaker", region_name=REGION)
    manifest = make_inputs(1250, text=task == "TextClassification")
    request = make_request("out-job", manifest, task=task)
    attribute = request["LabelAttributeName"]
    sagemaker.create_labeling_job(**request)
    # WHEN it completes
    final = finish(sagemaker, "out-job", gt_aws)
    lines = _output_lines(final)
    # THEN the manifest sits at <S3OutputPath>/<job>/manifests/output/output.manifest, one line per object
    assert (
        final["LabelingJobOutput"]["OutputDatasetS3Uri"]
        == "s3://output-bucket/jobs/out-job/manifests/output/output.manifest"
    )
    assert len(lines) == 1250
    # AND each line keeps its input keys and adds <LAN> and <LAN>-metadata of the task type
    source_key = "source" if task == "TextClassification" else "source-ref"
    assert all(source_key in line and attribute in line for line in lines)
    metadata = [line[f"{attribute}-metadata"] for line in lines]
    assert {m["type"] for m in metadata} == {output_type}
    assert {m["job-name"] for m in metadata} == {"labeling-job/out-job"}
    # AND human-annotated follows the human/machine split of LabelCounters
    humans = sum(1 for m in metadata if m["human-annotated"] == "yes")
    assert humans == final["LabelCounters"]["HumanLabeled"]
    assert len(lines) - humans == final["LabelCounters"]["MachineLabeled"]
    assert all(len(m["creation-date"]) == 26 and "T" in m["creation-date"] for m in metadata)
    _assert_task_specific(task, lines, attribute)


def _assert_task_specific(task: str, lines: list[dict], attribute: str) -> None:
    sample, metadata = lines[0][attribute], lines[0][f"{attribute}-metadata"]
    if task in ("ImageClassification", "TextClassification"):
        assert isinstance(sample, int) and metadata["class-name"] in ("Bird", "Not a bird")
        assert 0 <= metadata["confidence"] <= 1
    elif task == "BoundingBox":
        assert set(sample) == {"image_size", "annotations"} and sample["annotations"]
        assert set(sample["annotations"][0]) == {"class_id", "left", "top", "width", "height"}
        assert len(metadata["objects"]) == len(sample["annotations"])
        assert metadata["class-map"] == {"0": "Bird", "1": "Not a bird"}
    else:
        assert sample.startswith(
            "s3://output-bucket/jobs/out-job/annotations/consolidated-annotation/output/"
        )
        bucket, key = sample[len("s3://") :].split("/", 1)
        mask = boto3.client("s3", region_name=REGION).get_object(Bucket=bucket, Key=key)["Body"].read()
        assert mask.startswith(b"\x89PNG")
        assert metadata["internal-color-map"]["0"]["class-name"] == "BACKGROUND"


def test_machine_labels_are_confident_and_single_worker_human_labels_have_zero_confidence(
    gt_aws, make_inputs, make_request, finish
):
    sagemaker = boto3.client("sagemaker", region_name=REGION)
    request = make_request("one-worker", make_inputs(1250), task="ImageClassification")
    request["HumanTaskConfig"]["NumberOfHumanWorkersPerDataObject"] = 1
    sagemaker.create_labeling_job(**request)
    metadata = [line["category-metadata"] for line in _output_lines(finish(sagemaker, "one-worker", gt_aws))]
    assert {m["confidence"] for m in metadata if m["human-annotated"] == "yes"} == {0.0}
    assert min(m["confidence"] for m in metadata if m["human-annotated"] == "no") >= 0.8

"""DynamoDB layout helpers: keys, job items, summaries, comparisons and failures."""

from __future__ import annotations

import hashlib
import json
from decimal import Decimal
from typing import Any

import pytest
from labelchain_fn.core import records
from labelchain_fn.core.warm_start import WarmStart

NOW = "2026-03-02T09:00:00+00:00"
MODEL = "arn:aws:sagemaker:us-east-1:123456789012:model/m1"


def test_keys_follow_the_design_layout():
    # GIVEN each item kind  WHEN its key is built  THEN pk/sk as in docs/design.md
    digest = hashlib.sha256(b"in-bucket/incoming/birds/b1.manifest/v1").hexdigest()
    assert records.chain_head_key("birds") == {"pk": "CHAIN#birds", "sk": "HEAD"}
    assert records.job_key("lc-birds-0001-aa") == {"pk": "JOB#lc-birds-0001-aa", "sk": "JOB"}
    assert records.upload_key("in-bucket", "incoming/birds/b1.manifest", "v1") == {
        "pk": f"UPLOAD#{digest}",
        "sk": "UPLOAD",
    }
    assert records.snapshot_key("j", NOW) == {"pk": "JOB#j", "sk": f"SNAP#{NOW}"}
    assert records.model_key(MODEL) == {"pk": f"MODEL#{MODEL}", "sk": "MODEL"}
    assert records.comparison_key("j") == {"pk": "JOB#j", "sk": "COMPARISON"}
    assert records.failure_key("exec-1") == {"pk": "FAILURE#exec-1", "sk": "FAILURE"}


def test_upload_keys_differ_per_identity():
    assert records.upload_key("b", "k", "v1") != records.upload_key("b", "k", "v2")
    assert records.upload_key("b", "k", "") != records.upload_key("b", "k", "etag")


def _job_item(**overrides: Any) -> dict[str, Any]:
    kwargs: dict[str, Any] = {
        "chain": "birds",
        "sequence": 2,
        "role": "main",
        "labeling_job_name": "lc-birds-0002-abcdef12",
        "request": {"LabelingJobName": "lc-birds-0002-abcdef12", "HumanTaskConfig": {"TaskTitle": "été"}},
        "manifest_s3_uri": "s3://lc-artifacts/manifests/birds/lc-birds-0002-abcdef12.manifest",
        "source": {
            "bucket": "in-bucket",
            "key": "incoming/birds/b2.manifest",
            "versionId": "v2",
            "etag": None,
        },
        "object_count": 1250,
        "warm_start": WarmStart("latest", MODEL, "latest model of chain birds"),
        "execution_arn": "arn:aws:states:us-east-1:123456789012:execution:LabelChain:e2",
        "now": NOW,
    }
    return records.new_job_item(**{**kwargs, **overrides})


def test_new_job_item_is_pending_and_listed_by_sequence():
    # GIVEN a prepared job  WHEN its item is built
    item = _job_item()
    # THEN keys, status, GSI keys, warm start and the request as JSON text
    assert item == {
        "pk": "JOB#lc-birds-0002-abcdef12",
        "sk": "JOB",
        "chain": "birds",
        "sequence": 2,
        "role": "main",
        "status": "PENDING",
        "labelingJobName": "lc-birds-0002-abcdef12",
        "manifestS3Uri": "s3://lc-artifacts/manifests/birds/lc-birds-0002-abcdef12.manifest",
        "sourceManifest": {"bucket": "in-bucket", "key": "incoming/birds/b2.manifest", "versionId": "v2"},
        "objectCount": 1250,
        "warmStart": {"policy": "latest", "initialModelArn": MODEL, "reason": "latest model of chain birds"},
        "request": item["request"],
        "executionArn": "arn:aws:states:us-east-1:123456789012:execution:LabelChain:e2",
        "callbackSent": False,
        # in the reconciler's active index from the start (a StartJob may die before storing its token)
        "activePk": records.ACTIVE,
        "createdAt": NOW,
        "updatedAt": NOW,
        "gsi1pk": "CHAIN#birds",
        "gsi1sk": "JOB#00000002#main",
    }
    assert json.loads(item["request"]) == {
        "HumanTaskConfig": {"TaskTitle": "été"},
        "LabelingJobName": "lc-birds-0002-abcdef12",
    }


def test_control_job_sorts_next_to_its_main_job():
    main, control = _job_item()["gsi1sk"], _job_item(role="control")["gsi1sk"]
    assert (main, control) == ("JOB#00000002#main", "JOB#00000002#control")
    assert _job_item(sequence=10)["gsi1sk"] > _job_item(sequence=9)["gsi1sk"]


def test_rejects_unknown_role():
    with pytest.raises(ValueError, match="role"):
        _job_item(role="shadow")


def test_model_item_records_task_type_and_labels():
    item = records.model_item(
        arn=MODEL, chain="birds", task_type="BoundingBox", labeling_job_name="j", sequence=1, labels=("Bird",)
    )
    assert item == {
        "pk": f"MODEL#{MODEL}",
        "sk": "MODEL",
        "chain": "birds",
        "taskType": "BoundingBox",
        "labelingJobName": "j",
        "sequence": 1,
        "labels": ["Bird"],
    }


def _recorded(name: str, sequence: int, human: int, machine: int, total: str, elapsed: int) -> dict[str, Any]:
    """A JOB item after RecordJob, as DynamoDB returns it (numbers are Decimals)."""
    return {
        **_job_item(labeling_job_name=name, sequence=sequence),
        "status": "COMPLETED",
        "counters": {
            "HumanLabeled": Decimal(human),
            "MachineLabeled": Decimal(machine),
            "TotalLabeled": Decimal(human + machine),
            "Unlabeled": Decimal(0),
            "FailedNonRetryableError": Decimal(0),
        },
        "machinePercent": Decimal(machine * 100) / Decimal(human + machine),
        "cost": {
            "feeUsd": Decimal("100.0000"),
            "workforceUsd": Decimal(total) - 100,
            "computeUsd": Decimal("0.0000"),
            "totalUsd": Decimal(total),
        },
        "elapsedSeconds": Decimal(elapsed),
        "finalModelArn": f"{MODEL}-{name}",
    }


def test_job_summary_is_json_safe():
    # GIVEN a recorded job item with Decimals  WHEN summarised
    summary = records.job_summary(
        _recorded("lc-birds-0002-abcdef12", 2, 260, 990, "146.8000", 3600), head_advanced=True
    )
    # THEN ints and floats only, and the documented keys
    assert summary == {
        "labelingJobName": "lc-birds-0002-abcdef12",
        "chain": "birds",
        "sequence": 2,
        "role": "main",
        "status": "COMPLETED",
        "counters": {
            "HumanLabeled": 260,
            "MachineLabeled": 990,
            "TotalLabeled": 1250,
            "Unlabeled": 0,
            "FailedNonRetryableError": 0,
        },
        "machinePercent": 79.2,
        "cost": {"feeUsd": 100, "workforceUsd": 46.8, "computeUsd": 0, "totalUsd": 146.8},
        "elapsedSeconds": 3600,
        "initialModelArn": MODEL,
        "finalModelArn": f"{MODEL}-lc-birds-0002-abcdef12",
        "headAdvanced": True,
    }
    assert json.loads(json.dumps(summary)) == summary


def test_job_summary_of_a_bare_item_has_defaults():
    summary = records.job_summary(
        {"labelingJobName": "j", "status": "PENDING", "warmStart": {"policy": "none"}}
    )
    assert summary["counters"] == {} and summary["cost"] == {} and summary["machinePercent"] == 0
    assert summary["initialModelArn"] is None and summary["headAdvanced"] is False
    json.dumps(summary)


def test_comparison_of_the_blog_jobs():
    # GIVEN the blog's warm job 2 ($146.80, 79.2 %) and its cold control ($189.64, 60.2 %), as summaries
    main = records.job_summary(_recorded("lc-birds-0002-abcdef12", 2, 260, 990, "146.80", 3600))
    control = records.job_summary(_recorded("lc-birds-0002c-abcdef12", 2, 498, 752, "189.64", 7000))
    # WHEN compared
    item = records.comparison_item(main, control, chain="birds", now=NOW)
    # THEN the warm job is 22.6 % cheaper, 19 points more automated and took about half the time
    assert item["costSavingPercent"] == Decimal("22.6")
    assert item["machinePercentDelta"] == Decimal("19.0")
    assert str(item["elapsedRatio"]) == "0.51"
    assert {k: item[k] for k in ("pk", "sk", "chain", "createdAt", "gsi1pk", "gsi1sk")} == {
        "pk": "JOB#lc-birds-0002-abcdef12",
        "sk": "COMPARISON",
        "chain": "birds",
        "createdAt": NOW,
        "gsi1pk": "CHAIN#birds",
        "gsi1sk": "COMPARISON#00000002",
    }
    # AND the embedded figures are DynamoDB-ready (no floats)
    assert item["warm"]["machinePercent"] == Decimal("79.2") and item["control"]["cost"][
        "totalUsd"
    ] == Decimal("189.64")
    assert records.from_dynamo(item)["costSavingPercent"] == 22.6


def test_comparison_leaves_out_ratios_over_zero():
    # GIVEN a control that cost nothing and took no time  WHEN compared  THEN no division by zero
    main = {
        "labelingJobName": "m",
        "sequence": 1,
        "status": "COMPLETED",
        "machinePercent": 10,
        "cost": {"totalUsd": 5},
        "elapsedSeconds": 9,
    }
    control = {
        "labelingJobName": "c",
        "sequence": 1,
        "status": "COMPLETED",
        "machinePercent": 0,
        "cost": {},
        "elapsedSeconds": 0,
    }
    item = records.comparison_item(main, control, chain="birds", now=NOW)
    assert "costSavingPercent" not in item and "elapsedRatio" not in item
    assert item["machinePercentDelta"] == Decimal("10.0") and "controlFailed" not in item


@pytest.mark.parametrize(
    ("control_status", "error", "expected_error"),
    [
        ("IN_PROGRESS", "States.Timeout", "States.Timeout"),
        ("STOPPED", None, "control job STOPPED"),
        ("FAILED", "LabelingJobFailed", "LabelingJobFailed"),
    ],
    ids=["stopped-while-running", "stopped-without-error", "failed"],
)
def test_comparison_with_a_failed_control_compares_nothing(
    control_status: str, error: str | None, expected_error: str
) -> None:
    # GIVEN the warm job 2 completed, and the control's branch failed (its summary carries the error)
    main = records.job_summary(_recorded("lc-birds-0002-abcdef12", 2, 260, 990, "146.80", 3600))
    control = {
        **records.job_summary(_job_item(labeling_job_name="lc-birds-0002c-abcdef12", role="control")),
        "status": control_status,
        **({"error": error, "cause": "the control's cause"} if error else {}),
    }
    # WHEN compared
    item = records.comparison_item(main, control, chain="birds", now=NOW)
    # THEN the item says the control failed and why, keeps both summaries, and carries no deltas
    assert item["controlFailed"] is True and item["controlError"] == expected_error
    assert not {"machinePercentDelta", "costSavingPercent", "elapsedRatio"} & set(item)
    assert item["warm"]["labelingJobName"] == "lc-birds-0002-abcdef12"
    assert item["control"]["status"] == control_status
    assert {k: item[k] for k in ("pk", "sk", "chain", "gsi1pk", "gsi1sk")} == {
        "pk": "JOB#lc-birds-0002-abcdef12",
        "sk": "COMPARISON",
        "chain": "birds",
        "gsi1pk": "CHAIN#birds",
        "gsi1sk": "COMPARISON#00000002",
    }
    # AND it stays JSON-safe once read back
    assert json.loads(json.dumps(records.from_dynamo(item)))["controlFailed"] is True


def test_failure_item_stores_input_as_json_and_is_listed_per_chain():
    # GIVEN a failed execution of chain birds
    item = records.failure_item(
        execution_name="e1",
        chain="birds",
        error="ManifestInvalid",
        cause="line 3: not JSON",
        input={"chain": "birds", "manifest": "s3://b/k", "n": 1.5},
        labeling_job_name=None,
        now=NOW,
    )
    # THEN keys, error, cause, JSON input and GSI keys; no job name
    assert item == {
        "pk": "FAILURE#e1",
        "sk": "FAILURE",
        "chain": "birds",
        "error": "ManifestInvalid",
        "cause": "line 3: not JSON",
        "input": '{"chain": "birds", "manifest": "s3://b/k", "n": 1.5}',
        "createdAt": NOW,
        "gsi1pk": "CHAIN#birds",
        "gsi1sk": f"FAILURE#{NOW}",
    }


def test_failure_item_without_chain_and_with_huge_cause():
    item = records.failure_item(
        execution_name="e2",
        chain=None,
        error="InputInvalid",
        cause="x" * 100_000,
        input="raw",
        labeling_job_name="lc-birds-0001-aa",
        now=NOW,
    )
    assert "gsi1pk" not in item and "chain" not in item
    assert len(item["cause"]) == records.MAX_FAILURE_TEXT and item["labelingJobName"] == "lc-birds-0001-aa"


def test_to_dynamo_and_from_dynamo_convert_recursively():
    value = {"a": 1.5, "b": [0.1, {"c": 2.0}], "d": (3, "s"), "e": True, "f": None}
    stored = records.to_dynamo(value)
    assert stored == {
        "a": Decimal("1.5"),
        "b": [Decimal("0.1"), {"c": Decimal("2.0")}],
        "d": [3, "s"],
        "e": True,
        "f": None,
    }
    assert records.from_dynamo(stored) == {
        "a": 1.5,
        "b": [0.1, {"c": 2}],
        "d": [3, "s"],
        "e": True,
        "f": None,
    }
    assert records.from_dynamo({Decimal("1")}) == [1]
    assert isinstance(records.from_dynamo(Decimal("7")), int) and isinstance(
        records.from_dynamo(Decimal("7.5")), float
    )

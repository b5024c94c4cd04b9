"""Typed records of the jobs table: each item kind round-trips through ``to_item``/``from_item``, reads
items written before a field existed, and keeps DynamoDB's Decimals (JSON numbers are read as Decimals)."""

from __future__ import annotations

from decimal import Decimal

import pytest
from labelchain_fn.core import records
from labelchain_fn.core.items import (
    ChainHead,
    ComparisonRecord,
    Cost,
    FailureRecord,
    JobRecord,
    JobSummary,
    ModelRecord,
    Record,
    Snapshot,
    UploadRecord,
    WarmStartItem,
)

NOW = "2026-03-02T09:00:00+00:00"
MODEL = "arn:aws:sagemaker:us-east-1:123456789012:model/m1"
NAME = "lc-birds-0002-abcdef12"

SETTLED_JOB = JobRecord(
    chain="birds",
    sequence=2,
    role="main",
    status="COMPLETED",
    labeling_job_name=NAME,
    warm_start=WarmStartItem(policy="latest", reason="latest model of chain birds", initial_model_arn=MODEL),
    execution_arn="arn:aws:states:us-east-1:123456789012:execution:LabelChain:e2",
    counters={"HumanLabeled": 260, "MachineLabeled": 990},
    machine_percent=Decimal("79.2"),
    cost=Cost(fee_usd=Decimal("100.0000"), total_usd=Decimal("128.0800")),
    elapsed_seconds=9000,
    final_model_arn=MODEL + "-2",
    created_at=NOW,
)

RECORDS: list[Record] = [
    SETTLED_JOB,
    ChainHead(chain="birds", last_sequence=3, head_sequence=2, head_job_name=NAME, head_model_arn=MODEL),
    ModelRecord(
        arn=MODEL, chain="birds", task_type="BoundingBox", labeling_job_name=NAME, sequence=2, labels=["Bird"]
    ),
    Snapshot(labeling_job_name=NAME, counters={"HumanLabeled": 5}, status="InProgress", at=NOW, expires_at=1),
    UploadRecord(
        bucket="in", key_name="incoming/birds/b.manifest", version_id="v1", execution_arn="e", sequence=4
    ),
    FailureRecord(execution_name="exec-1", chain="birds", error="E", cause="C", input="{}", created_at=NOW),
    ComparisonRecord(
        chain="birds", warm={"labelingJobName": NAME, "sequence": 2}, machine_percent_delta=Decimal("19")
    ),
]


@pytest.mark.parametrize("record", RECORDS, ids=lambda record: type(record).__name__)
def test_every_record_round_trips_through_its_item(record: Record) -> None:
    # GIVEN a record  WHEN it is written as an item and read back
    item = record.to_item()
    again = type(record).from_item(item)

    # THEN it is the same record, and the same item
    assert again == record
    assert again.to_item() == item


def test_job_item_keeps_the_design_layout() -> None:
    # GIVEN a settled job  WHEN it is written
    item = SETTLED_JOB.to_item()

    # THEN the attribute names are those of docs/design.md, with its key and gsi1 listing
    assert item["pk"] == f"JOB#{NAME}" and item["sk"] == "JOB"
    assert item["gsi1pk"] == "CHAIN#birds" and item["gsi1sk"] == "JOB#00000002#main"
    assert item["machinePercent"] == Decimal("79.2")
    assert item["cost"] == {"feeUsd": Decimal("100.0000"), "totalUsd": Decimal("128.0800")}
    assert item["warmStart"] == {
        "policy": "latest",
        "reason": "latest model of chain birds",
        "initialModelArn": MODEL,
    }
    assert item["elapsedSeconds"] == 9000 and item["finalModelArn"] == MODEL + "-2"
    assert "taskToken" not in item and "error" not in item  # None is never written


def test_a_job_item_written_before_the_figures_existed_reads_with_defaults() -> None:
    # GIVEN a PENDING job item as Prepare wrote it (no figures, no token)
    item = {
        "pk": f"JOB#{NAME}",
        "sk": "JOB",
        "labelingJobName": NAME,
        "chain": "birds",
        "sequence": Decimal(1),
    }

    # WHEN it is read
    job = JobRecord.from_item(item)

    # THEN the missing attributes are None, and its summary has the summary's defaults
    assert job.counters is None and job.cost is None and job.machine_percent is None
    assert job.warm_start is None and job.initial_model_arn is None
    assert job.sequence == 1 and isinstance(job.sequence, int)
    summary = JobSummary.of_job(job)
    assert summary.machine_percent == Decimal(0) and summary.elapsed_seconds == 0
    assert summary.counters == {} and summary.cost == Cost()


def test_decimals_stay_decimals_and_json_numbers_become_decimals() -> None:
    # GIVEN a job item from DynamoDB (Decimals) and a summary from a JSON payload (ints and floats)
    stored = {
        "labelingJobName": NAME,
        "machinePercent": Decimal("47.9"),
        "cost": {"totalUsd": Decimal("1.5")},
    }
    payload = {
        "labelingJobName": NAME,
        "machinePercent": 47.9,
        "cost": {"totalUsd": 1.5},
        "counters": {"X": 2},
    }

    # WHEN both are read
    job, summary = JobRecord.from_item(stored), JobSummary.from_item(payload)

    # THEN every amount is the exact Decimal of its text (0.1 stays 0.1), counters are ints
    assert job.machine_percent == Decimal("47.9") and summary.machine_percent == Decimal("47.9")
    assert job.cost == Cost(total_usd=Decimal("1.5")) and summary.cost.total_usd == Decimal("1.5")
    assert summary.counters == {"X": 2}
    assert isinstance(JobRecord.from_item({**stored, "sequence": Decimal("3")}).sequence, int)


def test_job_summary_writes_every_key_and_matches_records_job_summary() -> None:
    # GIVEN a settled job item  WHEN it is summarised
    summary = JobSummary.of_job(SETTLED_JOB, head_advanced=True).to_item()

    # THEN every key of the RecordJob output is there (None included), as records.job_summary gives it
    assert list(summary) == [
        "labelingJobName",
        "chain",
        "sequence",
        "role",
        "status",
        "counters",
        "machinePercent",
        "cost",
        "elapsedSeconds",
        "initialModelArn",
        "finalModelArn",
        "headAdvanced",
    ]
    assert records.from_dynamo(summary) == records.job_summary(SETTLED_JOB.to_item(), head_advanced=True)
    assert JobSummary.of_job(JobRecord(labeling_job_name=NAME)).to_item()["initialModelArn"] is None


def test_key_only_fields_are_read_back_from_the_key() -> None:
    # GIVEN items whose name lives only in pk  WHEN they are read  THEN the name is recovered
    assert ChainHead.from_item({"pk": "CHAIN#birds", "sk": "HEAD"}).chain == "birds"
    assert ModelRecord.from_item({"pk": f"MODEL#{MODEL}", "sk": "MODEL"}).arn == MODEL
    assert Snapshot.from_item({"pk": f"JOB#{NAME}", "sk": f"SNAP#{NOW}", "at": NOW}).labeling_job_name == NAME
    assert FailureRecord.from_item({"pk": "FAILURE#exec-1", "sk": "FAILURE"}).execution_name == "exec-1"


def test_upload_claim_names_its_object_like_prepare() -> None:
    # GIVEN a claim of an object without version ID  WHEN its key and source are built
    claim = UploadRecord(bucket="in", key_name="k", etag="e1", key_spelling="form-decoded", status="CLAIMED")

    # THEN the key hashes the ETag, and the job's sourceManifest leaves out what is unknown
    assert claim.key() == records.upload_key("in", "k", "e1")
    assert claim.source_manifest() == {
        "bucket": "in",
        "key": "k",
        "etag": "e1",
        "keySpelling": "form-decoded",
    }
    assert UploadRecord.from_item({}).identity == ""


def test_attribute_names_are_reachable_for_update_expressions() -> None:
    # GIVEN the record classes  WHEN a store asks for attribute names  THEN it gets the stored ones
    assert ChainHead.HEAD_SEQUENCE == ChainHead.name("head_sequence") == "headSequence"
    assert JobRecord.name("active_pk") == "activePk"
    assert JobRecord.attributes(labeling_job_arn="arn", error=None) == {"labelingJobArn": "arn"}
    assert Cost.from_item({}).to_item() == {}


def test_comparison_lists_by_the_main_jobs_sequence_and_reads_its_summaries() -> None:
    # GIVEN a comparison of two JSON summaries
    item = records.comparison_item(
        {"labelingJobName": "w", "sequence": 7, "status": "COMPLETED", "machinePercent": 80.0},
        {"labelingJobName": "c", "sequence": 7, "status": "COMPLETED", "machinePercent": 60.5},
        chain="birds",
        now=NOW,
    )

    # WHEN it is read back  THEN its summaries are typed and its delta is a Decimal
    comparison = ComparisonRecord.from_item(item)
    assert item["gsi1sk"] == "COMPARISON#00000007" and item["pk"] == "JOB#w"
    assert comparison.warm_summary.labeling_job_name == "w"
    assert comparison.control_summary.machine_percent == Decimal("60.5")
    assert comparison.machine_percent_delta == Decimal("19.5")

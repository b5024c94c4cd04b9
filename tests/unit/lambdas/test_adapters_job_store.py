"""JobStore against moto DynamoDB: every conditional write of docs/design.md holds."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from decimal import Decimal
from typing import Any

import pytest
from labelchain_fn.adapters.job_store import JobStore
from labelchain_fn.core import records
from labelchain_fn.core.warm_start import WarmStart
from lambda_fakes import EXECUTION_ARN, MODEL_ARN, OTHER_EXECUTION_ARN
from moto.dynamodb.models import DynamoDBBackend

NOW = "2026-03-02T14:00:00+00:00"
LATER = "2026-03-02T15:00:00+00:00"


def _upload(execution_arn: str) -> dict[str, object]:
    return {
        **records.upload_key("b", "incoming/birds/x.manifest", "v1"),
        "bucket": "b",
        "executionArn": execution_arn,
        "status": "CLAIMED",
        "createdAt": NOW,
        "expiresAt": 1,
    }


def _job(name: str = "lc-birds-0001-abcd1234", sequence: int = 1, role: str = "main") -> dict[str, object]:
    return records.new_job_item(
        chain="birds",
        sequence=sequence,
        role=role,
        labeling_job_name=name,
        request={"LabelingJobName": name},
        manifest_s3_uri="s3://a/m",
        source={"bucket": "b", "key": "k"},
        object_count=1250,
        warm_start=WarmStart("latest", None, "chain birds has no model yet"),
        execution_arn=EXECUTION_ARN,
        now=NOW,
    )


def test_claim_upload_is_owned_by_the_first_execution_only(store: JobStore) -> None:
    # GIVEN an upload claimed by execution 1
    first = store.claim_upload(_upload(EXECUTION_ARN))
    # WHEN execution 2 claims it, and execution 1 claims it again (a retried Prepare)
    other = store.claim_upload(_upload(OTHER_EXECUTION_ARN))
    store.record_upload_sequence(records.upload_key("b", "incoming/birds/x.manifest", "v1"), 7)
    again = store.claim_upload({**_upload(EXECUTION_ARN), "createdAt": LATER})
    # THEN only execution 1 owns it, and re-entry keeps the earlier sequence and creation time
    assert first.owned and not other.owned and again.owned
    assert other.item["executionArn"] == EXECUTION_ARN
    assert again.item["sequence"] == 7 and again.item["createdAt"] == NOW


def test_record_upload_sequence_keeps_the_first_value(store: JobStore) -> None:
    # GIVEN a claim with a sequence
    key = records.upload_key("b", "k", "v")
    store.claim_upload({**key, "executionArn": EXECUTION_ARN})
    assert store.record_upload_sequence(key, 3) == 3
    # WHEN another sequence is recorded THEN the first stays
    assert store.record_upload_sequence(key, 4) == 3


def test_reserve_sequence_is_unique_under_concurrency(
    store: JobStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    # GIVEN DynamoDB's per-item atomic updates (moto applies updates without a lock, so threads could
    # interleave inside moto itself; the lock restores what the service guarantees)
    lock = threading.Lock()
    original = DynamoDBBackend.update_item

    def atomic_update_item(self: DynamoDBBackend, *args: Any, **kwargs: Any) -> Any:
        with lock:
            return original(self, *args, **kwargs)

    monkeypatch.setattr(DynamoDBBackend, "update_item", atomic_update_item)
    # AND 10 concurrent Prepare invocations of one chain
    with ThreadPoolExecutor(max_workers=10) as pool:
        # WHEN each reserves a sequence number
        numbers = list(pool.map(lambda _: store.reserve_sequence("birds"), range(10)))
    # THEN the numbers are 1..10, each once, and other chains count separately
    assert sorted(numbers) == list(range(1, 11))
    assert store.reserve_sequence("cats") == 1


def test_put_job_writes_a_name_once(store: JobStore) -> None:
    # GIVEN a job item
    assert store.put_job(_job())
    # WHEN the same name is written again THEN it is refused and the first item stays
    assert not store.put_job({**_job(), "objectCount": 99})
    item = store.get_job("lc-birds-0001-abcd1234")
    assert item is not None and item["objectCount"] == 1250 and item["status"] == "PENDING"


def test_mark_in_progress_makes_the_job_active_and_resets_the_callback(store: JobStore) -> None:
    # GIVEN a pending job
    store.put_job(_job())
    # WHEN the token is stored
    assert store.mark_in_progress("lc-birds-0001-abcd1234", "token-1", EXECUTION_ARN, "arn:job", NOW)
    # THEN the job is active, in progress and waiting for one callback
    active = list(store.list_active_jobs())
    assert [a["labelingJobName"] for a in active] == ["lc-birds-0001-abcd1234"]
    assert active[0]["status"] == "IN_PROGRESS" and active[0]["callbackSent"] is False
    assert active[0]["taskToken"] == "token-1" and active[0]["labelingJobArn"] == "arn:job"


def test_fails_when_marking_a_missing_or_terminal_job_in_progress(store: JobStore) -> None:
    # GIVEN no item, then a completed one
    assert not store.mark_in_progress("lc-none-0001-00000000", "t", EXECUTION_ARN, "arn", NOW)
    store.put_job(_job())
    store.record_figures("lc-birds-0001-abcd1234", "COMPLETED", {}, NOW)
    # WHEN/THEN a completed job cannot start again
    assert not store.mark_in_progress("lc-birds-0001-abcd1234", "t", EXECUTION_ARN, "arn", NOW)


def test_callback_is_claimed_once_per_token(store: JobStore) -> None:
    # GIVEN an in-progress job with token 1
    store.put_job(_job())
    store.mark_in_progress("lc-birds-0001-abcd1234", "token-1", EXECUTION_ARN, "arn", NOW)
    # WHEN two paths claim the callback, and one with a stale token
    assert not store.mark_callback_sent("lc-birds-0001-abcd1234", "token-0", NOW)
    assert store.mark_callback_sent("lc-birds-0001-abcd1234", "token-1", NOW)
    assert not store.mark_callback_sent("lc-birds-0001-abcd1234", "token-1", NOW)
    # THEN after a failed send is undone, it can be claimed again
    store.clear_callback_sent("lc-birds-0001-abcd1234")
    assert store.mark_callback_sent("lc-birds-0001-abcd1234", "token-1", NOW)


def test_advance_head_only_moves_forward(store: JobStore) -> None:
    # GIVEN the head at sequence 2
    assert store.advance_head("birds", 2, "job-2", MODEL_ARN + "-2", NOW)
    # WHEN an older job finishes later, and job 2 is recorded again
    older = store.advance_head("birds", 1, "job-1", MODEL_ARN + "-1", LATER)
    again = store.advance_head("birds", 2, "job-2", MODEL_ARN + "-2", LATER)
    newer = store.advance_head("birds", 3, "job-3", MODEL_ARN + "-3", LATER)
    # THEN the older job does not move it back; the retry is accepted; the newer job moves it
    assert (older, again, newer) == (False, True, True)
    head = store.get_head("birds")
    assert head is not None and head["headSequence"] == 3 and head["headModelArn"] == MODEL_ARN + "-3"


def test_record_figures_leaves_the_active_index(store: JobStore) -> None:
    # GIVEN an active job
    store.put_job(_job())
    store.mark_in_progress("lc-birds-0001-abcd1234", "t", EXECUTION_ARN, "arn", NOW)
    # WHEN its figures are recorded
    item = store.record_figures(
        "lc-birds-0001-abcd1234",
        "COMPLETED",
        {"machinePercent": Decimal("47.9"), "counters": {"HumanLabeled": 651}},
        LATER,
    )
    # THEN the stored item carries them and is no longer active
    assert item["status"] == "COMPLETED" and item["machinePercent"] == Decimal("47.9")
    assert item["counters"]["HumanLabeled"] == 651 and "activePk" not in item
    assert list(store.list_active_jobs()) == []


def test_mark_failed_does_not_overwrite_an_ended_job(store: JobStore) -> None:
    # GIVEN a completed job and a pending one
    store.put_job(_job())
    store.record_figures("lc-birds-0001-abcd1234", "COMPLETED", {}, NOW)
    store.put_job(_job("lc-birds-0002-abcd1234", 2))
    # WHEN both are marked failed
    # THEN only the pending one changes
    assert not store.mark_failed("lc-birds-0001-abcd1234", "X", "y", LATER)
    assert store.mark_failed("lc-birds-0002-abcd1234", "ManifestInvalid", "line 3", LATER)
    failed = store.get_job("lc-birds-0002-abcd1234")
    assert failed is not None and (failed["status"], failed["error"], failed["cause"]) == (
        "FAILED",
        "ManifestInvalid",
        "line 3",
    )


def test_last_snapshot_is_the_newest(store: JobStore) -> None:
    # GIVEN a job with two snapshots
    store.put_job(_job())
    for at, human in ((NOW, 1), (LATER, 2)):
        store.put_snapshot(
            {**records.snapshot_key("lc-birds-0001-abcd1234", at), "counters": {"HumanLabeled": human}}
        )
    # WHEN/THEN the newest one is returned, and none for an unknown job
    snapshot = store.last_snapshot("lc-birds-0001-abcd1234")
    assert snapshot is not None and snapshot["counters"]["HumanLabeled"] == 2
    assert store.last_snapshot("lc-other-0001-00000000") is None


def test_list_chain_jobs_in_sequence_order(store: JobStore) -> None:
    # GIVEN jobs 2, 1 and the control of 1, plus a comparison on the same index
    store.put_job(_job("lc-birds-0002-aaaaaaaa", 2))
    store.put_job(_job("lc-birds-0001c-aaaaaaaa", 1, "control"))
    store.put_job(_job("lc-birds-0001-aaaaaaaa", 1))
    store.put_comparison(
        {**records.comparison_key("x"), "gsi1pk": "CHAIN#birds", "gsi1sk": "COMPARISON#00000001"}
    )
    # WHEN/THEN only jobs are listed, by sequence then role
    names = [j["labelingJobName"] for j in store.list_chain_jobs("birds")]
    assert names == ["lc-birds-0001c-aaaaaaaa", "lc-birds-0001-aaaaaaaa", "lc-birds-0002-aaaaaaaa"]

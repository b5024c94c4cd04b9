"""JobStore against moto DynamoDB: every conditional write of docs/design.md holds."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from decimal import Decimal
from typing import Any

import pytest
from labelchain_fn.adapters import job_uploads
from labelchain_fn.adapters.dynamo import ConditionFailed, TransactionConflict
from labelchain_fn.adapters.job_store import JobStore
from labelchain_fn.core import records
from labelchain_fn.core.warm_start import WarmStart
from lambda_fakes import EXECUTION_ARN, MODEL_ARN, OTHER_EXECUTION_ARN
from moto.dynamodb.models import DynamoDBBackend

NOW = "2026-03-02T14:00:00+00:00"
LATER = "2026-03-02T15:00:00+00:00"
NAME = "lc-birds-0001-abcd1234"
UPLOAD_KEY = records.upload_key("b", "incoming/birds/x.manifest", "v1")
THIRD_EXECUTION_ARN = EXECUTION_ARN.replace("run-1", "run-3")


def _upload(execution_arn: str) -> dict[str, object]:
    return {
        **UPLOAD_KEY,
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
    # GIVEN an upload claimed by execution 1, with its sequence number reserved
    first = store.claim_upload(_upload(EXECUTION_ARN))
    assert store.reserve_upload_sequence(UPLOAD_KEY, "birds", EXECUTION_ARN) == 1
    # WHEN execution 2 claims it, and execution 1 claims it again (a retried Prepare)
    other = store.claim_upload(_upload(OTHER_EXECUTION_ARN))
    again = store.claim_upload({**_upload(EXECUTION_ARN), "createdAt": LATER})
    # THEN only execution 1 owns it, and re-entry keeps the earlier sequence and creation time
    assert first.owned and not other.owned and again.owned
    assert other.item["executionArn"] == EXECUTION_ARN
    assert again.item["sequence"] == 1 and again.item["createdAt"] == NOW


def test_reserve_upload_sequence_keeps_the_first_value(store: JobStore) -> None:
    # GIVEN a claim whose sequence was reserved
    store.claim_upload(_upload(EXECUTION_ARN))
    assert store.reserve_upload_sequence(UPLOAD_KEY, "birds", EXECUTION_ARN) == 1
    # WHEN it is reserved again (a retried Prepare)
    again = store.reserve_upload_sequence(UPLOAD_KEY, "birds", EXECUTION_ARN)
    # THEN the claim keeps its number and the chain's counter does not move
    head = store.get_head("birds")
    assert again == 1 and head is not None and head["lastSequence"] == 1
    claim = store.get_upload(UPLOAD_KEY)
    assert claim is not None and claim["sequence"] == 1


def test_reserve_upload_sequence_uses_no_number_for_a_claim_it_does_not_hold(
    store: JobStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    # GIVEN chain birds at sequence 1, and an upload claimed by execution 1 only
    store.claim_upload({**_upload(EXECUTION_ARN), **records.upload_key("b", "k", "v0")})
    store.reserve_upload_sequence(records.upload_key("b", "k", "v0"), "birds", EXECUTION_ARN)
    store.claim_upload(_upload(EXECUTION_ARN))
    monkeypatch.setattr(job_uploads, "SEQUENCE_ATTEMPTS", 2)
    monkeypatch.setattr(job_uploads.time, "sleep", lambda _: None)
    # WHEN execution 2 tries to reserve a number on it
    # THEN the transaction never applies: no number is used up and the claim carries none
    with pytest.raises(TransactionConflict, match="birds"):
        store.reserve_upload_sequence(UPLOAD_KEY, "birds", OTHER_EXECUTION_ARN)
    head, claim = store.get_head("birds"), store.get_upload(UPLOAD_KEY)
    assert head is not None and head["lastSequence"] == 1
    assert claim is not None and "sequence" not in claim
    # AND the holder's reservation still gets the next number, without a gap
    assert store.reserve_upload_sequence(UPLOAD_KEY, "birds", EXECUTION_ARN) == 2


def test_reserve_upload_sequence_is_gap_free_and_unique_under_concurrency(
    store: JobStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    # GIVEN DynamoDB's atomic items and serializable transactions (moto applies writes without a lock and
    # restores a whole-table copy when a transaction is cancelled, so threads could interleave inside moto
    # itself; the lock restores what the service guarantees)
    lock = threading.RLock()
    for operation in ("update_item", "put_item", "get_item", "transact_write_items"):
        original = getattr(DynamoDBBackend, operation)

        def atomic(self: DynamoDBBackend, *args: Any, _original: Any = original, **kwargs: Any) -> Any:
            with lock:
                return _original(self, *args, **kwargs)

        monkeypatch.setattr(DynamoDBBackend, operation, atomic)
    # AND 10 uploads of one chain, each claimed by its own execution
    keys = [records.upload_key("b", f"incoming/birds/{i}.manifest", "v1") for i in range(10)]
    executions = [EXECUTION_ARN.replace("run-1", f"run-{i}") for i in range(10)]
    for key, execution in zip(keys, executions, strict=True):
        assert store.claim_upload({**_upload(execution), **key}).owned
    # WHEN their 10 Prepare invocations reserve a sequence number concurrently
    with ThreadPoolExecutor(max_workers=10) as pool:
        numbers = list(
            pool.map(lambda i: store.reserve_upload_sequence(keys[i], "birds", executions[i]), range(10))
        )
    # THEN the numbers are 1..10, each once, the counter is at 10 and each claim carries its own number
    assert sorted(numbers) == list(range(1, 11))
    head = store.get_head("birds")
    assert head is not None and head["lastSequence"] == 10
    for key, number in zip(keys, numbers, strict=True):
        claim = store.get_upload(key)
        assert claim is not None and claim["sequence"] == number
    # AND another chain counts separately
    cats = records.upload_key("b", "incoming/cats/x.manifest", "v1")
    store.claim_upload({**_upload(EXECUTION_ARN), **cats})
    assert store.reserve_upload_sequence(cats, "cats", EXECUTION_ARN) == 1


def test_a_released_claim_can_be_claimed_by_another_execution(store: JobStore) -> None:
    # GIVEN execution 1 claimed an upload and then released it with the error that ended it
    store.claim_upload(_upload(EXECUTION_ARN))
    # WHEN another execution tries to release it THEN it is refused
    assert not store.release_upload(UPLOAD_KEY, OTHER_EXECUTION_ARN, "X", "y")
    assert store.release_upload(UPLOAD_KEY, EXECUTION_ARN, "ManifestInvalid", "line 3")
    released = store.get_upload(UPLOAD_KEY)
    assert released is not None and (released["status"], released["error"], released["cause"]) == (
        "RELEASED",
        "ManifestInvalid",
        "line 3",
    )
    # WHEN execution 2 claims the upload
    taken = store.claim_upload(_upload(OTHER_EXECUTION_ARN))
    # THEN it owns it, and the earlier error is gone
    assert taken.owned and taken.item["executionArn"] == OTHER_EXECUTION_ARN
    assert taken.item["status"] == "CLAIMED" and "error" not in taken.item and "cause" not in taken.item


def test_claim_upload_takes_over_only_from_the_named_holder(store: JobStore) -> None:
    # GIVEN an upload held by execution 1 (not released)
    store.claim_upload(_upload(EXECUTION_ARN))
    # WHEN execution 2 takes it over naming another holder, then naming execution 1
    wrong = store.claim_upload(_upload(OTHER_EXECUTION_ARN), take_over_from=THIRD_EXECUTION_ARN)
    right = store.claim_upload(_upload(OTHER_EXECUTION_ARN), take_over_from=EXECUTION_ARN)
    # THEN only the take-over from the real holder applies
    assert not wrong.owned and wrong.item["executionArn"] == EXECUTION_ARN
    assert right.owned and right.item["executionArn"] == OTHER_EXECUTION_ARN


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
    assert store.record_figures("lc-birds-0001-abcd1234", "COMPLETED", {}, NOW).first
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


def test_a_pending_job_is_active_from_the_start(store: JobStore) -> None:
    # GIVEN a job Prepare wrote, whose StartJob has not stored a token yet
    store.put_job(_job())
    # WHEN/THEN the reconciler finds it (a StartJob may die after creating the job)
    assert [(a["labelingJobName"], a["status"]) for a in store.list_active_jobs()] == [(NAME, "PENDING")]


def test_record_figures_leaves_the_active_index(store: JobStore) -> None:
    # GIVEN an active job
    store.put_job(_job())
    store.mark_in_progress(NAME, "t", EXECUTION_ARN, "arn", NOW)
    # WHEN its figures are recorded
    settled = store.record_figures(
        NAME,
        "COMPLETED",
        {"machinePercent": Decimal("47.9"), "counters": {"HumanLabeled": 651}},
        LATER,
    )
    # THEN this call settled it, and the stored item carries them and is no longer active
    item = settled.item
    assert settled.first is True
    assert item["status"] == "COMPLETED" and item["machinePercent"] == Decimal("47.9")
    assert item["counters"]["HumanLabeled"] == 651 and "activePk" not in item
    assert item["completedAt"] == LATER
    assert list(store.list_active_jobs()) == []


def test_record_figures_settles_a_job_once(store: JobStore) -> None:
    # GIVEN a job RecordJob settled as COMPLETED
    store.put_job(_job())
    store.mark_in_progress(NAME, "t", EXECUTION_ARN, "arn", NOW)
    first = store.record_figures(NAME, "COMPLETED", {"machinePercent": Decimal("47.9")}, NOW)
    # WHEN the monitor (or a retry) settles it again, with other figures
    second = store.record_figures(NAME, "STOPPED", {"machinePercent": Decimal(0)}, LATER)
    # THEN only the first call counts, and the second gets the stored item unchanged
    assert (first.first, second.first) == (True, False)
    assert second.item == first.item
    stored = store.get_job(NAME)
    assert stored is not None and (stored["status"], stored["machinePercent"], stored["completedAt"]) == (
        "COMPLETED",
        Decimal("47.9"),
        NOW,
    )


def test_record_figures_of_a_missing_job_fails(store: JobStore) -> None:
    with pytest.raises(ConditionFailed):
        store.record_figures("lc-none-0001-00000000", "COMPLETED", {}, NOW)


def test_mark_notified_remembers_the_notification(store: JobStore) -> None:
    # GIVEN a settled job  WHEN its notification is marked sent  THEN the time is stored
    store.put_job(_job())
    store.record_figures(NAME, "COMPLETED", {}, NOW)
    store.mark_notified(NAME, LATER)
    stored = store.get_job(NAME)
    assert stored is not None and stored["notifiedAt"] == LATER


def test_close_unstarted_closes_an_active_record_without_a_labeling_job(store: JobStore) -> None:
    # GIVEN a pending job whose labeling job was never created
    store.put_job(_job())
    # WHEN its execution's failure closes it
    assert store.close_unstarted(NAME, "ManifestInvalid", "line 3", LATER)
    # THEN it is FAILED with the error and out of the active index
    closed = store.get_job(NAME)
    assert closed is not None and (closed["status"], closed["error"], closed["cause"]) == (
        "FAILED",
        "ManifestInvalid",
        "line 3",
    )
    assert "activePk" not in closed and list(store.list_active_jobs()) == []
    # AND closing it again changes nothing
    assert not store.close_unstarted(NAME, "Other", "z", LATER)
    again = store.get_job(NAME)
    assert again is not None and again["error"] == "ManifestInvalid"


def test_close_unstarted_leaves_created_settled_and_missing_jobs_alone(store: JobStore) -> None:
    # GIVEN a job StartJob created (its ARN is stored), one already settled, and no record at all
    store.put_job(_job())
    store.mark_in_progress(NAME, "t", EXECUTION_ARN, "arn:job", NOW)
    store.put_job(_job("lc-birds-0002-abcd1234", 2))
    store.record_figures("lc-birds-0002-abcd1234", "COMPLETED", {}, NOW)
    # WHEN each is closed as unstarted
    # THEN none changes: a created job is settled from Ground Truth's truth, never closed by guess
    assert not store.close_unstarted(NAME, "X", "y", LATER)
    assert not store.close_unstarted("lc-birds-0002-abcd1234", "X", "y", LATER)
    assert not store.close_unstarted("lc-none-0001-00000000", "X", "y", LATER)
    running, settled = store.get_job(NAME), store.get_job("lc-birds-0002-abcd1234")
    assert running is not None and running["status"] == "IN_PROGRESS" and "error" not in running
    assert settled is not None and settled["status"] == "COMPLETED" and "error" not in settled


def test_reactivate_reopens_a_record_closed_without_ground_truth(store: JobStore) -> None:
    # GIVEN a record closed as unstarted while its StartJob was still creating the job
    store.put_job(_job())
    store.close_unstarted(NAME, "States.BranchFailed", "cancelled", NOW)
    # WHEN StartJob hands it back with the ARN of the job it created
    assert store.reactivate(NAME, "arn:job", LATER)
    # THEN the reconciler sees it again, with the job's ARN
    [active] = store.list_active_jobs()
    assert active["labelingJobName"] == NAME and active["labelingJobArn"] == "arn:job"


def test_reactivate_never_reopens_a_job_ground_truth_status_was_recorded_on(store: JobStore) -> None:
    # GIVEN a job settled from Ground Truth's status, and no record at all
    store.put_job(_job())
    store.record_figures(NAME, "COMPLETED", {"labelingJobStatus": "Completed"}, NOW)
    # WHEN/THEN neither is reactivated
    assert not store.reactivate(NAME, "arn:job", LATER)
    assert not store.reactivate("lc-none-0001-00000000", "arn:job", LATER)
    assert list(store.list_active_jobs()) == [] and store.get_job("lc-none-0001-00000000") is None


def test_note_failure_keeps_the_status_and_the_active_index(store: JobStore) -> None:
    # GIVEN a running job
    store.put_job(_job())
    store.mark_in_progress(NAME, "t", EXECUTION_ARN, "arn:job", NOW)
    # WHEN its execution's failure is noted
    store.note_failure(NAME, "States.Timeout", "timed out", LATER)
    # THEN the error is stored, but the status waits for Ground Truth's word
    [active] = store.list_active_jobs()
    assert (active["status"], active["error"], active["cause"]) == (
        "IN_PROGRESS",
        "States.Timeout",
        "timed out",
    )
    # AND a missing record is not created
    with pytest.raises(ConditionFailed):
        store.note_failure("lc-none-0001-00000000", "X", "y", LATER)


def test_put_job_takes_over_only_a_record_whose_job_was_never_created(store: JobStore) -> None:
    # GIVEN execution 1's record of job 1 (never created) and of job 2 (created: its ARN is stored)
    store.put_job(_job())
    store.put_job(_job("lc-birds-0002-abcd1234", 2))
    store.mark_in_progress("lc-birds-0002-abcd1234", "t", EXECUTION_ARN, "arn:job2", NOW)
    retry = {**_job(), "executionArn": OTHER_EXECUTION_ARN, "createdAt": LATER}
    retry2 = {**_job("lc-birds-0002-abcd1234", 2), "executionArn": OTHER_EXECUTION_ARN}
    # WHEN execution 2 writes the same names, naming another owner, then execution 1
    assert not store.put_job(retry, take_over_from=THIRD_EXECUTION_ARN)
    assert store.put_job(retry, take_over_from=EXECUTION_ARN)
    assert not store.put_job(retry2, take_over_from=EXECUTION_ARN)
    # THEN only the record of the job that was never created now belongs to execution 2
    first, second = store.get_job(NAME), store.get_job("lc-birds-0002-abcd1234")
    assert first is not None and (first["executionArn"], first["createdAt"]) == (OTHER_EXECUTION_ARN, LATER)
    assert second is not None and second["executionArn"] == EXECUTION_ARN


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

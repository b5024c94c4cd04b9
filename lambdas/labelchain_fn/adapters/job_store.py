"""The jobs table (docs/design.md, "DynamoDB"): every read and write the handlers make.

Each guarantee of the design is a conditional write here: the upload claim, the job item written once,
the callback sent once, the head that only moves forward. Items are built by the pure
:mod:`labelchain_fn.core.records` helpers; this module only stores and fetches them.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from labelchain_fn.adapters.dynamo import ConditionFailed, Table
from labelchain_fn.adapters.job_progress import ProgressRecords
from labelchain_fn.adapters.job_uploads import UploadClaim, UploadRecords
from labelchain_fn.core import records
from labelchain_fn.core.items import ChainHead, JobRecord
from labelchain_fn.core.record_keys import ACTIVE

__all__ = ["ACTIVE", "TERMINAL_STATUSES", "JobStore", "Settled", "UploadClaim"]

TERMINAL_STATUSES = ("COMPLETED", "FAILED", "STOPPED")
_J = JobRecord.name
_STATUS = {"#status": _J("status")}
_UPDATED_AT, _ACTIVE_PK, _JOB_ARN = _J("updated_at"), _J("active_pk"), _J("labeling_job_arn")
_SENT, _SENT_AT, _TOKEN = _J("callback_sent"), _J("callback_sent_at"), _J("task_token")
_ERROR_CAUSE = {"#error": JobRecord.name("error"), "#cause": JobRecord.name("cause")}


@dataclass(frozen=True)
class Settled:
    """Result of :meth:`JobStore.record_figures`: the stored job item, and whether this call settled it."""

    item: dict[str, Any]
    first: bool


class JobStore(UploadRecords, ProgressRecords):
    """Typed access to the jobs table: job items, chain head, models, comparisons and failures here;
    upload claims in :class:`UploadRecords`, listings and snapshots in :class:`ProgressRecords`.

    Parameters
    ----------
    table_name : the table (``TABLE_NAME``).
    client : boto3 DynamoDB client; default the shared client.
    """

    def __init__(self, table_name: str, client: Any | None = None) -> None:
        self.table = Table(table_name, client)

    # Chain head and models -------------------------------------------------------------------------
    def get_head(self, chain: str) -> dict[str, Any] | None:
        """The ``CHAIN#<chain>``/``HEAD`` item, or ``None``."""
        return self.table.get(records.chain_head_key(chain))

    def advance_head(
        self, chain: str, sequence: int, labeling_job_name: str, model_arn: str, now: str
    ) -> bool:
        """Move the head to this job's model if it is newer; True when the head now names this job.

        Re-running for the job that already is the head succeeds (Step Functions may retry RecordJob).
        """
        try:
            seq, name = ChainHead.HEAD_SEQUENCE, ChainHead.HEAD_JOB_NAME
            self.table.update(
                records.chain_head_key(chain),
                f"SET {seq} = :seq, {name} = :name, {ChainHead.HEAD_MODEL_ARN} = :arn, {_UPDATED_AT} = :now",
                condition=f"attribute_not_exists({seq}) OR {seq} < :seq OR ({seq} = :seq AND {name} = :name)",
                values={":seq": sequence, ":name": labeling_job_name, ":arn": model_arn, ":now": now},
            )
            return True
        except ConditionFailed:
            return False

    def put_model(self, item: Mapping[str, Any]) -> None:
        """Store a ``MODEL#`` item (overwrites: the same model is always described the same way)."""
        self.table.put(item)

    def get_model(self, model_arn: str) -> dict[str, Any] | None:
        """The ``MODEL#<arn>`` item, or ``None`` for a model this pipeline did not produce."""
        return self.table.get(records.model_key(model_arn))

    # Jobs --------------------------------------------------------------------------------------------
    def put_job(self, item: Mapping[str, Any], take_over_from: str | None = None) -> bool:
        """Write a new job item (``attribute_not_exists(pk)``); False if the name is already recorded.

        ``take_over_from`` (default ``None``) also replaces the record of that execution when its labeling
        job was never created (no ``labelingJobArn``): the retry of a released upload."""
        condition, values = "attribute_not_exists(pk)", None
        if take_over_from:
            condition += f" OR ({_J('execution_arn')} = :owner AND attribute_not_exists({_JOB_ARN}))"
            values = {":owner": take_over_from}
        try:
            self.table.put(item, condition, values=values)
            return True
        except ConditionFailed:
            return False

    def get_job(self, labeling_job_name: str) -> dict[str, Any] | None:
        """The job item, or ``None``."""
        return self.table.get(records.job_key(labeling_job_name))

    def mark_in_progress(
        self, labeling_job_name: str, task_token: str, execution_arn: str, job_arn: str, now: str
    ) -> bool:
        """Store the task token and make the job active; False if the item is missing or terminal.

        A new token resets ``callbackSent``: the callback belongs to the token, and a retried StartJob
        waits on the new one.
        """
        try:
            self.table.update(
                records.job_key(labeling_job_name),
                f"SET #status = :ip, {_TOKEN} = :t, {_J('execution_arn')} = :e, {_JOB_ARN} = :arn, "
                f"{_ACTIVE_PK} = :active, {_SENT} = :false, {_UPDATED_AT} = :now",
                condition="attribute_exists(pk) AND #status IN (:pending, :ip)",
                names=_STATUS,
                values={
                    ":ip": "IN_PROGRESS",
                    ":pending": "PENDING",
                    ":t": task_token,
                    ":e": execution_arn,
                    ":arn": job_arn,
                    ":active": ACTIVE,
                    ":false": False,
                    ":now": now,
                },
            )
            return True
        except ConditionFailed:
            return False

    def mark_callback_sent(self, labeling_job_name: str, task_token: str, now: str) -> bool:
        """Claim the right to send the callback for ``task_token``; False if it was sent already."""
        try:
            self.table.update(
                records.job_key(labeling_job_name),
                f"SET {_SENT} = :true, {_SENT_AT} = :now",
                condition=f"(attribute_not_exists({_SENT}) OR {_SENT} = :false) AND {_TOKEN} = :t",
                values={":true": True, ":false": False, ":now": now, ":t": task_token},
            )
            return True
        except ConditionFailed:
            return False

    def clear_callback_sent(self, labeling_job_name: str) -> None:
        """Undo :meth:`mark_callback_sent` after a send failed, so a retry can send again."""
        self.table.update(
            records.job_key(labeling_job_name),
            f"SET {_SENT} = :false REMOVE {_SENT_AT}",
            values={":false": False},
        )

    def record_figures(
        self, labeling_job_name: str, status: str, figures: Mapping[str, Any], now: str
    ) -> Settled:
        """Store a job's final figures and Ground Truth status and leave the ``active`` index, once.

        The write is conditional on the record still being active, so of RecordJob, a retry of it, the
        monitor and RecordFailure exactly one settles the job (``first``); the others get the stored item.
        """
        attrs = {k: v for k, v in figures.items() if k not in ("pk", "sk", JobRecord.name("status"))}
        sets = ", ".join(f"#f{i} = :f{i}" for i in range(len(attrs)))
        names = {**_STATUS, **{f"#f{i}": k for i, k in enumerate(attrs)}}
        values = {":s": status, ":now": now, **{f":f{i}": v for i, v in enumerate(attrs.values())}}
        expression = f"SET #status = :s, {_UPDATED_AT} = :now, {_J('completed_at')} = :now" + (
            f", {sets}" if sets else ""
        )
        try:
            item = self.table.update(
                records.job_key(labeling_job_name),
                expression + f" REMOVE {_ACTIVE_PK}",
                condition=f"attribute_exists({_ACTIVE_PK})",
                names=names,
                values=values,
                return_values="ALL_NEW",
            )
            return Settled(item, True)
        except ConditionFailed:
            stored = self.get_job(labeling_job_name)
            if stored is None:
                raise
            return Settled(stored, False)

    def mark_notified(self, labeling_job_name: str, now: str) -> None:
        """Remember that the job's final notification went out (a retry does not send it again)."""
        self.table.update(
            records.job_key(labeling_job_name), f"SET {_J('notified_at')} = :now", values={":now": now}
        )

    def mark_counted(self, labeling_job_name: str, now: str) -> None:
        """Remember that the settled job's per-chain metrics went out (nobody counts it again)."""
        self.table.update(
            records.job_key(labeling_job_name), f"SET {_J('counted_at')} = :now", values={":now": now}
        )

    def note_failure(self, labeling_job_name: str, error: str, cause: str, now: str) -> None:
        """Store the error that ended the job's execution, without deciding the job's status (Ground
        Truth's status is recorded when the job ends; the record stays in the ``active`` index)."""
        self.table.update(
            records.job_key(labeling_job_name),
            f"SET #error = :error, #cause = :cause, {_UPDATED_AT} = :now",
            condition="attribute_exists(pk)",
            names=_ERROR_CAUSE,
            values={":error": error, ":cause": cause, ":now": now},
        )

    def close_unstarted(self, labeling_job_name: str, error: str, cause: str, now: str) -> bool:
        """Close a record whose labeling job Ground Truth does not have (it was never created) as FAILED
        with the execution's ``error``/``cause``; False if it is missing or already settled."""
        try:
            self.table.update(
                records.job_key(labeling_job_name),
                f"SET #status = :s, #error = :error, #cause = :cause, {_UPDATED_AT} = :now "
                f"REMOVE {_ACTIVE_PK}",
                condition=f"attribute_exists({_ACTIVE_PK}) AND attribute_not_exists({_JOB_ARN})",
                names={**_STATUS, **_ERROR_CAUSE},
                values={":s": "FAILED", ":error": error, ":cause": cause, ":now": now},
            )
            return True
        except ConditionFailed:
            return False

    def reactivate(self, labeling_job_name: str, job_arn: str, now: str) -> bool:
        """Put a record closed without Ground Truth's word (:meth:`close_unstarted`) back in the ``active``
        index with the ARN of a labeling job that exists after all (a StartJob still running when its
        execution closed the record), so the reconciler settles it; False for a record Ground Truth's
        status was already recorded on (``labelingJobStatus``), which is never reopened."""
        try:
            self.table.update(
                records.job_key(labeling_job_name),
                f"SET {_ACTIVE_PK} = :active, {_JOB_ARN} = :arn, {_UPDATED_AT} = :now",
                condition=f"attribute_exists(pk) AND attribute_not_exists({_J('labeling_job_status')})",
                values={":active": ACTIVE, ":arn": job_arn, ":now": now},
            )
            return True
        except ConditionFailed:
            return False

    # Comparisons and failures ----------------------------------------------------------------------
    def put_comparison(self, item: Mapping[str, Any]) -> None:
        """Store a ``COMPARISON`` item (overwrites on retry)."""
        self.table.put(item)

    def put_failure(self, item: Mapping[str, Any]) -> None:
        """Store a ``FAILURE#`` item (overwrites on retry)."""
        self.table.put(item)

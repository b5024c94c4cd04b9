"""The jobs table (docs/design.md, "DynamoDB"): every read and write the handlers make.

Each guarantee of the design is a conditional write here: the upload claim, the job item written once,
the callback sent once, the head that only moves forward. Items are built by the pure
:mod:`labelchain_fn.core.records` helpers; this module only stores and fetches them.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from labelchain_fn.adapters.dynamo import ConditionFailed, Table
from labelchain_fn.adapters.job_progress import ACTIVE, ProgressRecords
from labelchain_fn.adapters.job_uploads import UploadClaim, UploadRecords
from labelchain_fn.core import records

__all__ = ["ACTIVE", "TERMINAL_STATUSES", "JobStore", "UploadClaim"]

TERMINAL_STATUSES = ("COMPLETED", "FAILED", "STOPPED")
_STATUS = {"#status": "status"}


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
            self.table.update(
                records.chain_head_key(chain),
                "SET headSequence = :seq, headJobName = :name, headModelArn = :arn, updatedAt = :now",
                condition="attribute_not_exists(headSequence) OR headSequence < :seq"
                " OR (headSequence = :seq AND headJobName = :name)",
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
    def put_job(self, item: Mapping[str, Any]) -> bool:
        """Write a new job item (``attribute_not_exists(pk)``); False if the name is already recorded."""
        try:
            self.table.put(item, "attribute_not_exists(pk)")
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
                "SET #status = :ip, taskToken = :t, executionArn = :e, labelingJobArn = :arn, "
                "activePk = :active, callbackSent = :false, updatedAt = :now",
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
                "SET callbackSent = :true, callbackSentAt = :now",
                condition="(attribute_not_exists(callbackSent) OR callbackSent = :false) AND taskToken = :t",
                values={":true": True, ":false": False, ":now": now, ":t": task_token},
            )
            return True
        except ConditionFailed:
            return False

    def clear_callback_sent(self, labeling_job_name: str) -> None:
        """Undo :meth:`mark_callback_sent` after a send failed, so a retry can send again."""
        self.table.update(
            records.job_key(labeling_job_name),
            "SET callbackSent = :false REMOVE callbackSentAt",
            values={":false": False},
        )

    def record_figures(
        self, labeling_job_name: str, status: str, figures: Mapping[str, Any], now: str
    ) -> dict[str, Any]:
        """Store the final figures and status, leave the ``active`` index; return the whole item."""
        attrs = {k: v for k, v in figures.items() if k not in ("pk", "sk", "status")}
        sets = ", ".join(f"#f{i} = :f{i}" for i in range(len(attrs)))
        names = {**_STATUS, **{f"#f{i}": k for i, k in enumerate(attrs)}}
        values = {":s": status, ":now": now, **{f":f{i}": v for i, v in enumerate(attrs.values())}}
        expression = "SET #status = :s, updatedAt = :now, completedAt = :now" + (f", {sets}" if sets else "")
        return self.table.update(
            records.job_key(labeling_job_name),
            expression + " REMOVE activePk",
            condition="attribute_exists(pk)",
            names=names,
            values=values,
            return_values="ALL_NEW",
        )

    def mark_failed(
        self, labeling_job_name: str, error: str, cause: str, now: str, status: str = "FAILED"
    ) -> bool:
        """Record ``error``/``cause`` on a job that has not ended yet; False if it is missing or terminal."""
        try:
            self.table.update(
                records.job_key(labeling_job_name),
                "SET #status = :s, #error = :error, #cause = :cause, updatedAt = :now REMOVE activePk",
                condition="attribute_exists(pk) AND NOT #status IN (:c, :f, :st)",
                names={**_STATUS, "#error": "error", "#cause": "cause"},
                values={
                    ":s": status,
                    ":error": error,
                    ":cause": cause,
                    ":now": now,
                    ":c": "COMPLETED",
                    ":f": "FAILED",
                    ":st": "STOPPED",
                },
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

"""Upload claims and sequence numbers of the jobs table (part of :class:`~.job_store.JobStore`).

A claim (``UPLOAD#``) says which execution owns one uploaded manifest version. Its ``status``:
``CLAIMED`` (Prepare owns it), ``PREPARED`` (the job items exist) or ``RELEASED`` (the owning execution
failed before any labeling job was created: ``error``/``cause`` say why, and a retry may take it over).
"""

from __future__ import annotations

import random
import time
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from labelchain_fn.adapters.dynamo import ConditionFailed, Table, TransactionConflict
from labelchain_fn.core import records
from labelchain_fn.core.items import ChainHead, UploadRecord

_STATUS = {"#status": UploadRecord.name("status")}
_SEQUENCE, _EXECUTION = UploadRecord.name("sequence"), UploadRecord.name("execution_arn")
_CAUSE = UploadRecord.name("cause")
_LAST = ChainHead.LAST_SEQUENCE
CLAIMED, PREPARED, RELEASED = "CLAIMED", "PREPARED", "RELEASED"
#: Optimistic attempts at reserving a sequence number under contention (each one a consistent read and
#: a two-item transaction); ten uploads racing on one chain need at most ten.
SEQUENCE_ATTEMPTS = 50


@dataclass(frozen=True)
class UploadClaim:
    """Result of :meth:`UploadRecords.claim_upload`: ``owned`` is False when another execution holds the
    claim; ``item`` is the stored claim either way (it carries ``sequence`` once one was reserved)."""

    owned: bool
    item: dict[str, Any]


class UploadRecords:
    """The ``UPLOAD#`` items (one claim per uploaded manifest version) and the chain sequence counter."""

    table: Table

    def claim_upload(self, item: Mapping[str, Any], take_over_from: str | None = None) -> UploadClaim:
        """Claim an upload for ``item["executionArn"]``: when nobody holds it, when this execution already
        does (a retried Prepare keeps ``createdAt`` and ``sequence``), when the claim was ``RELEASED``, or
        when ``take_over_from`` names the holder (its execution ended before creating a labeling job).
        """
        key = {"pk": item["pk"], "sk": item["sk"]}
        attrs = {k: v for k, v in item.items() if k not in key and k != _SEQUENCE}
        keep = (UploadRecord.name("created_at"), UploadRecord.name("expires_at"))
        sets = [
            f"#a{i} = " + (f"if_not_exists(#a{i}, :a{i})" if k in keep else f":a{i}")
            for i, k in enumerate(attrs)
        ]
        names = {f"#a{i}": k for i, k in enumerate(attrs)} | {
            "#rs": UploadRecord.name("status"),
            "#err": UploadRecord.name("error"),
        }
        values: dict[str, Any] = {f":a{i}": v for i, v in enumerate(attrs.values())}
        values[":released"] = RELEASED
        me = list(attrs).index(_EXECUTION)
        condition = f"attribute_not_exists(pk) OR #a{me} = :a{me} OR #rs = :released"
        if take_over_from:
            condition += f" OR #a{me} = :owner"
            values[":owner"] = take_over_from
        try:
            stored = self.table.update(
                key,
                "SET " + ", ".join(sets) + f" REMOVE #err, {_CAUSE}",
                condition=condition,
                names=names,
                values=values,
                return_values="ALL_NEW",
            )
            return UploadClaim(True, stored)
        except ConditionFailed:
            return UploadClaim(False, self.table.get(key) or dict(item))

    def reserve_upload_sequence(self, key: Mapping[str, str], chain: str, execution_arn: str) -> int:
        """The claim's sequence number: the stored one, or the chain's next (``lastSequence + 1``).

        The counter and the claim are written in one transaction, so a crash never uses up a number
        without the claim that carries it (sequences stay gap-free); concurrent uploads retry on conflict.
        """
        head_key = records.chain_head_key(chain)
        for attempt in range(SEQUENCE_ATTEMPTS):
            claim = UploadRecord.from_item(self.table.get(key) or {})
            if claim.sequence is not None:
                return claim.sequence
            last = ChainHead.from_item(self.table.get(head_key) or {}).last_sequence or 0
            try:
                self.table.transact_update(
                    [
                        (
                            head_key,
                            f"SET {_LAST} = :next",
                            f"attribute_not_exists({_LAST}) OR {_LAST} = :last",
                            {":next": last + 1, ":last": last},
                        ),
                        (
                            dict(key),
                            "SET #seq = :next",
                            f"attribute_not_exists(#seq) AND {_EXECUTION} = :me",
                            {":next": last + 1, ":me": execution_arn},
                        ),
                    ],
                    names={"#seq": _SEQUENCE},
                )
                return last + 1
            except TransactionConflict:
                time.sleep(random.uniform(0, 0.02 * (attempt + 1)))
        raise TransactionConflict(f"could not reserve a sequence number of chain {chain}")

    def mark_upload(self, key: Mapping[str, str], status: str) -> None:
        """Set the claim's ``status`` (``PREPARED`` once the job items exist)."""
        self.table.update(key, "SET #status = :s", names=_STATUS, values={":s": status})

    def release_upload(self, key: Mapping[str, str], execution_arn: str, error: str, cause: str) -> bool:
        """Mark the claim ``RELEASED`` with the error that ended ``execution_arn`` before any labeling job
        existed (a retry may take it over); False when another execution holds it or it is gone."""
        try:
            self.table.update(
                key,
                f"SET #status = :s, #error = :error, {_CAUSE} = :cause",
                condition=f"{_EXECUTION} = :me",
                names={**_STATUS, "#error": UploadRecord.name("error")},
                values={":s": RELEASED, ":error": error, ":cause": cause, ":me": execution_arn},
            )
            return True
        except ConditionFailed:
            return False

    def get_upload(self, key: Mapping[str, str]) -> dict[str, Any] | None:
        """The claim, or ``None``."""
        return self.table.get(key)

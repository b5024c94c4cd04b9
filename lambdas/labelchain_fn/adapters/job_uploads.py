"""Upload claims and sequence numbers of the jobs table (part of :class:`~.job_store.JobStore`)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from labelchain_fn.adapters.dynamo import ConditionFailed, Table
from labelchain_fn.core import records

_STATUS = {"#status": "status"}


@dataclass(frozen=True)
class UploadClaim:
    """Result of :meth:`UploadRecords.claim_upload`: ``owned`` is False when another execution holds the
    claim; ``item`` is the stored claim either way (it carries ``sequence`` once one was reserved)."""

    owned: bool
    item: dict[str, Any]


class UploadRecords:
    """The ``UPLOAD#`` items (one claim per uploaded manifest version) and the chain sequence counter."""

    table: Table

    def claim_upload(self, item: Mapping[str, Any]) -> UploadClaim:
        """Claim an upload for ``item["executionArn"]`` (``attribute_not_exists(pk) OR executionArn = :me``).

        Re-entry by the same execution keeps what an earlier attempt stored (``createdAt``, ``sequence``).
        """
        key = {"pk": item["pk"], "sk": item["sk"]}
        attrs = {k: v for k, v in item.items() if k not in key and k != "sequence"}
        keep = ("createdAt", "expiresAt")
        sets = [
            f"#a{i} = " + (f"if_not_exists(#a{i}, :a{i})" if k in keep else f":a{i}")
            for i, k in enumerate(attrs)
        ]
        names = {f"#a{i}": k for i, k in enumerate(attrs)}
        values: dict[str, Any] = {f":a{i}": v for i, v in enumerate(attrs.values())}
        me = list(attrs).index("executionArn")
        try:
            stored = self.table.update(
                key,
                "SET " + ", ".join(sets),
                condition=f"attribute_not_exists(pk) OR #a{me} = :a{me}",
                names=names,
                values=values,
                return_values="ALL_NEW",
            )
            return UploadClaim(True, stored)
        except ConditionFailed:
            return UploadClaim(False, self.table.get(key) or dict(item))

    def record_upload_sequence(self, key: Mapping[str, str], sequence: int) -> int:
        """Store ``sequence`` on the claim unless one is stored already; return the stored one."""
        stored = self.table.update(
            key,
            "SET #seq = if_not_exists(#seq, :seq)",
            names={"#seq": "sequence"},
            values={":seq": sequence},
            return_values="ALL_NEW",
        )
        return int(stored["sequence"])

    def mark_upload(self, key: Mapping[str, str], status: str) -> None:
        """Set the claim's ``status`` (``PREPARED`` once the job items exist)."""
        self.table.update(key, "SET #status = :s", names=_STATUS, values={":s": status})

    def reserve_sequence(self, chain: str) -> int:
        """Next sequence number of ``chain`` (atomic ``ADD lastSequence 1``), unique under concurrency."""
        stored = self.table.update(
            records.chain_head_key(chain),
            "ADD lastSequence :one",
            values={":one": 1},
            return_values="UPDATED_NEW",
        )
        return int(stored["lastSequence"])

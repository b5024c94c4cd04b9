"""Active-job listing and progress snapshots of the jobs table (part of :class:`~.job_store.JobStore`)."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from labelchain_fn.adapters.dynamo import Table
from labelchain_fn.core import records
from labelchain_fn.core.items import JobRecord
from labelchain_fn.core.record_keys import ACTIVE

ACTIVE_INDEX = "active"
_ACTIVE_PK, _STALLED_ALERTED_AT = JobRecord.name("active_pk"), JobRecord.name("stalled_alerted_at")
CHAIN_INDEX = "gsi1"


class ProgressRecords:
    """Listings (``active`` and ``gsi1`` indexes) and the monitor's snapshots and stall marks."""

    table: Table

    def list_active_jobs(self) -> Iterator[dict[str, Any]]:
        """Job items in the sparse ``active`` index, oldest first (read back whole from the table)."""
        for entry in self.table.query(f"{_ACTIVE_PK} = :a", values={":a": ACTIVE}, index=ACTIVE_INDEX):
            item = self.table.get({"pk": entry["pk"], "sk": entry["sk"]})
            if item is not None and JobRecord.from_item(item).active_pk == ACTIVE:
                yield item

    def list_chain_jobs(self, chain: str) -> list[dict[str, Any]]:
        """Job items of ``chain`` in sequence order (``gsi1``)."""
        return list(
            self.table.query(
                "gsi1pk = :pk AND begins_with(gsi1sk, :job)",
                index=CHAIN_INDEX,
                values={":pk": records.chain_head_key(chain)["pk"], ":job": "JOB#"},
            )
        )

    def put_snapshot(self, item: Mapping[str, Any]) -> None:
        """Store a progress snapshot (``SNAP#<time>``)."""
        self.table.put(item)

    def last_snapshot(self, labeling_job_name: str) -> dict[str, Any] | None:
        """The newest snapshot of the job, or ``None``."""
        prefix = records.snapshot_key(labeling_job_name, "")["sk"]
        newest = self.table.query(
            "pk = :pk AND begins_with(sk, :snap)",
            forward=False,
            limit=1,
            values={":pk": records.job_key(labeling_job_name)["pk"], ":snap": prefix},
        )
        return next(newest, None)

    def note_progress(self, labeling_job_name: str, at: str) -> None:
        """The counters moved at ``at``: remember it and re-arm the stalled alert."""
        self.table.update(
            records.job_key(labeling_job_name),
            f"SET {JobRecord.name('last_progress_at')} = :at REMOVE {_STALLED_ALERTED_AT}",
            condition="attribute_exists(pk)",
            values={":at": at},
        )

    def mark_stalled_alerted(self, labeling_job_name: str, at: str) -> None:
        """Remember that this stall was reported (one alert per stall)."""
        self.table.update(
            records.job_key(labeling_job_name),
            f"SET {_STALLED_ALERTED_AT} = :at",
            condition="attribute_exists(pk)",
            values={":at": at},
        )

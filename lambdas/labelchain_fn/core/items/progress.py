# ruff: noqa: RUF009  (attr() returns a dataclasses.field, made once per class)
"""The monitor's progress snapshots (``JOB#<name>``/``SNAP#<at>``) and the upload claims
(``UPLOAD#<digest>``/``UPLOAD``, one per uploaded manifest version)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import Any

from ..record_keys import snapshot_key, upload_key
from .base import Record, attr
from .job import JobRecord, counters_of

_JOB = JobRecord.name


@dataclass(frozen=True, kw_only=True)
class Snapshot(Record):
    """A job's counters and status as the monitor saw them ``at`` (kept ``expiresAt``, a TTL)."""

    labeling_job_name: str = ""  # in the key only (read back from ``pk``)
    counters: dict[str, int] = attr(_JOB("counters"), counters_of, factory=dict)
    status: str | None = attr(_JOB("status"))
    at: str = attr("at", default="")
    expires_at: int | None = attr("expiresAt", int)

    def key(self) -> dict[str, str]:
        return snapshot_key(self.labeling_job_name, self.at)

    @classmethod
    def from_item(cls, item: Mapping[str, Any]) -> Snapshot:
        name = str(item.get("pk", "")).removeprefix(snapshot_key("", "")["pk"])
        return replace(super().from_item(item), labeling_job_name=name)


@dataclass(frozen=True, kw_only=True)
class UploadRecord(Record):
    """The claim of one uploaded manifest version: the object, the execution that owns it, its
    ``status`` (``CLAIMED``/``PREPARED``/``RELEASED``), the reserved ``sequence`` and a release's
    ``error``/``cause``. The key hashes bucket, key and identity (version ID, else ETag)."""

    bucket: str = attr("bucket", default="")
    key_name: str = attr("key", default="")
    version_id: str | None = attr("versionId")
    etag: str | None = attr("etag")
    key_spelling: str | None = attr("keySpelling")
    execution_arn: str | None = attr(_JOB("execution_arn"))
    chain: str | None = attr(_JOB("chain"))
    status: str | None = attr(_JOB("status"))
    created_at: str | None = attr(_JOB("created_at"))
    expires_at: int | None = attr(Snapshot.name("expires_at"), int)
    sequence: int | None = attr(_JOB("sequence"), int)
    error: str | None = attr(_JOB("error"))
    cause: str | None = attr(_JOB("cause"))

    @property
    def identity(self) -> str:
        """What tells versions of the object apart: the version ID, else the ETag (``""`` for neither)."""
        return self.version_id or self.etag or ""

    def key(self) -> dict[str, str]:
        return upload_key(self.bucket, self.key_name, self.identity)

    def source_manifest(self) -> dict[str, Any]:
        """The object as a JOB item's ``sourceManifest``: bucket, key, version, ETag, key spelling."""
        fields = ("bucket", "key_name", "version_id", "etag", "key_spelling")
        return UploadRecord.attributes(**{name: getattr(self, name) for name in fields})

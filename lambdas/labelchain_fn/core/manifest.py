"""Input-manifest validation and output-manifest counting, both streaming.

Ground Truth fails a job late (after humans were paid) on some manifest errors and silently labels
duplicates twice, so the pipeline checks every line before creating the job. Memory stays flat whatever
the file size: lines are processed one at a time and only a 16-byte digest per object is kept to find
duplicates.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from .errors import ManifestInvalid, ManifestTooLarge, ManifestTooSmall, SourceBucketNotAllowed
from .inputs import S3_URI
from .limits import MIN_AUTO_LABELING_OBJECTS

_BOM = b"\xef\xbb\xbf"

#: Largest manifest Prepare reads (the object's size, checked before its body is read) and writes (the
#: normalised manifest spooled to ``/tmp``); Prepare passes it as ``ManifestRules.max_bytes``. Why 256 MiB:
#: Ground Truth takes at most 100,000 objects per manifest, so it leaves ~2.6 KB per object, far above a
#: ``source-ref`` line (~60-200 bytes) or a line carrying earlier labels (~0.5-2 KB). Measured on the
#: validator (read in 64 KiB chunks, split, validated, spooled; Python 3.11 on an x86 VM, per CPU second),
#: the costliest bytes are blank lines (7 MiB/CPU-s: each costs a Python iteration) and token-dense JSON
#: such as long number arrays (15 MiB/CPU-s); plain lines run at 60-130 MiB/CPU-s. Prepare (1,024 MB:
#: ~0.58 vCPU; arm64 assumed 2x slower) then needs ~125 s for 256 MiB of blank lines, ~60 s for 256 MiB of
#: number arrays and ~15 s for ordinary lines, plus the S3 transfer: within the 300 s timeout with a margin
#: of 2x for the adversarial case and 4x or more for any real manifest. The function's ephemeral storage
#: is derived from it (``stacks/job_functions.py``).
MAX_MANIFEST_BYTES = 256 * 2**20


def size_text(size: int) -> str:
    """``"268,435,456 bytes (256 MiB)"``; the MiB (one decimal unless whole) only from 1 MiB on."""
    if size < 2**20:
        return f"{size:,} bytes"
    mib = size / 2**20
    return f"{size:,} bytes ({mib:,.0f} MiB)" if mib.is_integer() else f"{size:,} bytes ({mib:,.1f} MiB)"


@dataclass(frozen=True)
class ManifestRules:
    """What a manifest line must look like.

    Attributes
    ----------
    source_key : ``"source-ref"`` (S3 object) or ``"source"`` (inline text), from the task type.
    allowed_buckets : buckets a ``source-ref`` may point to (an empty set allows none).
    min_objects : fewest objects accepted (default 0; 1,250 with automated data labeling).
    max_objects : most objects accepted (default 100,000, the Ground Truth input quota).
    max_line_bytes : longest accepted line in bytes, without its line break (default 100,000).
    max_bytes : largest manifest in bytes, or ``None`` (default: no limit, as for the CLI, which validates
        whole datasets). Prepare passes :data:`MAX_MANIFEST_BYTES` and applies it twice: to the object's
        size before reading it (:meth:`labelchain_fn.adapters.objects.Objects.iter_lines`) and here, to the
        normalised lines written: normalising can grow a line (``1e15`` is written out as
        ``1000000000000000.0``, up to ~4x), so an input within the limit alone does not bound the file
        Prepare spools to ``/tmp``.
    """

    source_key: str
    allowed_buckets: frozenset[str]
    min_objects: int = 0
    max_objects: int = 100_000
    max_line_bytes: int = 100_000
    max_bytes: int | None = None


@dataclass(frozen=True)
class ManifestStats:
    """Result of a validated manifest: object count, buckets referenced, raw bytes read."""

    object_count: int
    source_buckets: frozenset[str]
    bytes_read: int


def _reject_constant(name: str) -> Any:
    # NaN/Infinity are accepted by json.loads but are not JSON; re-encoding them would write an invalid line.
    raise ValueError(f"{name} is not valid JSON")


class ManifestValidator:
    """Validate and normalise a manifest line by line.

    Usage: iterate :meth:`normalized_lines` (writing each yielded line out), then call :meth:`finish`.
    Line numbers in messages are 1-based physical lines, blank lines included, so they match an editor.
    """

    def __init__(self, rules: ManifestRules) -> None:
        self.rules = rules
        self._seen: dict[bytes, int] = {}
        self._buckets: set[str] = set()
        self._count = 0
        self._bytes = 0
        self._written = 0

    def normalized_lines(self, raw: Iterable[bytes]) -> Iterator[bytes]:
        """Yield each valid line as compact UTF-8 JSON plus ``b"\\n"``.

        Parameters
        ----------
        raw : the manifest's lines, one per item, with or without their line break (``\\n`` or ``\\r\\n``).
            A UTF-8 BOM on line 1 is dropped; blank lines are skipped.

        Raises
        ------
        ManifestInvalid
            ``"line N: <reason>"`` at the first bad line.
        SourceBucketNotAllowed
            When a ``source-ref`` points to a bucket outside ``allowed_buckets``.
        ManifestTooLarge
            When the normalised lines exceed ``max_bytes``.
        """
        for number, line in enumerate(raw, start=1):
            self._bytes += len(line)
            if number == 1 and line.startswith(_BOM):
                line = line[len(_BOM) :]
            line = line.rstrip(b"\r\n")
            if len(line) > self.rules.max_line_bytes:
                raise ManifestInvalid(f"line {number}: longer than {self.rules.max_line_bytes} bytes")
            if not line.strip():
                continue
            yield self._check(number, line)

    def _check(self, number: int, line: bytes) -> bytes:
        try:
            record = json.loads(line.decode("utf-8"), parse_constant=_reject_constant)
        except UnicodeDecodeError:
            raise ManifestInvalid(f"line {number}: not UTF-8 text") from None
        except ValueError as err:
            raise ManifestInvalid(f"line {number}: not JSON ({err})") from None
        if not isinstance(record, dict):
            raise ManifestInvalid(f"line {number}: not a JSON object")
        key = self.rules.source_key
        other = "source" if key == "source-ref" else "source-ref"
        if key not in record:
            raise ManifestInvalid(f"line {number}: missing {key!r}")
        if other in record:
            raise ManifestInvalid(f"line {number}: has both 'source' and 'source-ref'")
        value = record[key]
        if not isinstance(value, str) or not value:
            raise ManifestInvalid(f"line {number}: {key!r} is not a non-empty string")
        if key == "source-ref":
            match = S3_URI.fullmatch(value)
            if not match:
                raise ManifestInvalid(f"line {number}: 'source-ref' is not an s3://bucket/key URI")
            bucket = match.group(1)
            if bucket not in self.rules.allowed_buckets:
                raise SourceBucketNotAllowed(f"line {number}: bucket {bucket!r} is not allowed")
            self._buckets.add(bucket)
        digest = hashlib.blake2b(value.encode("utf-8"), digest_size=16).digest()
        first = self._seen.setdefault(digest, number)
        if first != number:
            raise ManifestInvalid(f"line {number}: duplicate of line {first}")
        self._count += 1
        if self._count > self.rules.max_objects:
            raise ManifestInvalid(f"line {number}: more than {self.rules.max_objects} objects")
        normalized = json.dumps(record, ensure_ascii=False, separators=(",", ":")).encode("utf-8") + b"\n"
        self._written += len(normalized)
        limit = self.rules.max_bytes
        if limit is not None and self._written > limit:
            raise ManifestTooLarge(
                f"line {number}: the normalised manifest exceeds {size_text(limit)}, the largest manifest "
                "Prepare writes (numbers in exponent notation are written out in full)"
            )
        return normalized

    def finish(self) -> ManifestStats:
        """Stats of the lines read so far.

        Raises
        ------
        ManifestTooSmall
            When no object was read (``"empty manifest"``) or fewer than ``min_objects``.
        """
        if self._count == 0:
            raise ManifestTooSmall("empty manifest")
        if self._count < self.rules.min_objects:
            raise ManifestTooSmall(
                f"{self._count} objects; at least {self.rules.min_objects} are needed "
                f"(automated data labeling needs {MIN_AUTO_LABELING_OBJECTS})"
            )
        return ManifestStats(self._count, frozenset(self._buckets), self._bytes)


def split_lines(chunks: Iterable[bytes], max_line_bytes: int = 100_000) -> Iterator[bytes]:
    """Re-cut arbitrary byte chunks (e.g. ``StreamingBody.iter_chunks()``) into lines without line breaks.

    Unlike botocore's ``iter_lines``, a line that never ends cannot grow the buffer without bound: once a
    pending line exceeds ``max_line_bytes`` (default 100,000) plus 2 bytes for ``\\r\\n``, it is yielded as is
    so that :meth:`ManifestValidator.normalized_lines` rejects it with its line number.
    """
    pending, skipping = b"", False
    limit = max_line_bytes + 2
    for chunk in chunks:
        if skipping:
            # Drop the rest of an over-long line (already yielded, truncated) up to its line break.
            if b"\n" not in chunk:
                continue
            chunk, skipping = chunk.split(b"\n", 1)[1], False
        pending += chunk
        *lines, pending = pending.split(b"\n")
        yield from lines
        if len(pending) > limit:
            yield pending
            pending, skipping = b"", True
    if pending and not skipping:
        yield pending


@dataclass(frozen=True)
class OutputStats:
    """Counts from an output manifest: human-labeled, machine-labeled, failed and total objects."""

    human_labeled: int
    machine_labeled: int
    failed: int
    total: int


def count_output_manifest(lines: Iterable[bytes], label_attribute_name: str) -> OutputStats:
    """Count how each object of an output manifest was labeled.

    An object counts as human-labeled when ``<LAN>-metadata.human-annotated`` is ``"yes"`` (or absent while
    a label is present), machine-labeled when it is ``"no"``, and failed when the line has no ``<LAN>``, has
    ``failure-reason`` in its metadata, or is not a JSON object. Blank lines are skipped.
    """
    human = machine = failed = 0
    meta_key = f"{label_attribute_name}-metadata"
    for number, raw in enumerate(lines, start=1):
        line = (raw[len(_BOM) :] if number == 1 and raw.startswith(_BOM) else raw).strip()
        if not line:
            continue
        try:
            record = json.loads(line)
        except ValueError:
            record = None
        meta = record.get(meta_key) if isinstance(record, dict) else None
        meta = meta if isinstance(meta, dict) else {}
        if not isinstance(record, dict) or label_attribute_name not in record or "failure-reason" in meta:
            failed += 1
        elif meta.get("human-annotated") == "no":
            machine += 1
        else:
            human += 1
    return OutputStats(human, machine, failed, human + machine + failed)

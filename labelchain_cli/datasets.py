"""Split a dataset into batch manifests (pure: listings come in as lines, manifests go out as bytes).

Every line goes through the pipeline's own :class:`~labelchain_fn.core.manifest.ManifestValidator`, over the
whole dataset at once, so a duplicate is caught even when its two copies would land in different batches.
"""

from __future__ import annotations

import csv
import json
import random
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import TypeVar

from labelchain_fn.core.errors import InputInvalid, ManifestInvalid, ManifestTooSmall
from labelchain_fn.core.inputs import S3_URI
from labelchain_fn.core.limits import MIN_AUTO_LABELING_OBJECTS
from labelchain_fn.core.manifest import ManifestRules, ManifestValidator

#: Object suffixes taken from an S3 prefix by default: the image formats Ground Truth's image tasks accept.
IMAGE_SUFFIXES = (".jpg", ".jpeg", ".png")
SOURCE_KEYS = ("source-ref", "source")
#: Most objects one labeling job accepts (Ground Truth input quota).
MAX_BATCH_OBJECTS = 100_000
T = TypeVar("T")


@dataclass(frozen=True)
class Batch:
    """One manifest to write: its file name (``<name>-<i>.manifest``) and its JSON lines."""

    file_name: str
    lines: list[bytes]

    @property
    def body(self) -> bytes:
        return b"".join(self.lines)


def s3_listing_lines(
    bucket: str, keys: Iterable[str], suffixes: Sequence[str] = IMAGE_SUFFIXES
) -> list[bytes]:
    """Manifest lines ``{"source-ref": "s3://bucket/key"}`` of the keys ending with one of ``suffixes``
    (case-insensitive; default :data:`IMAGE_SUFFIXES`); "folder" keys ending with ``/`` are skipped."""
    wanted = tuple(s.lower() for s in suffixes)
    return [
        json.dumps({"source-ref": f"s3://{bucket}/{key}"}).encode() + b"\n"
        for key in keys
        if not key.endswith("/") and key.lower().endswith(wanted)
    ]


def listing_lines(text: str, file_name: str = "") -> list[bytes]:
    """Manifest lines of a listing file: CSV with a ``source-ref`` or ``source`` header column, or JSON lines.

    The format is CSV when ``file_name`` ends with ``.csv``, JSON lines when the first non-blank character
    is ``{``, else CSV. CSV keeps only the source column; JSON lines are kept whole. Line numbers of later
    errors match the file: a CSV header becomes a blank line, which the validator skips.

    Raises
    ------
    InputInvalid
        When a CSV file has neither source column.
    """
    stripped = text.lstrip("\ufeff")
    if not file_name.lower().endswith(".csv") and stripped.lstrip().startswith("{"):
        return [line.encode() for line in stripped.splitlines()]
    reader = csv.DictReader(stripped.splitlines())
    columns = [c.strip() for c in reader.fieldnames or []]
    key = next((k for k in SOURCE_KEYS if k in columns), None)
    if key is None:
        raise InputInvalid(
            f"listing: expected a CSV header with a 'source-ref' or 'source' column; got {columns}"
        )
    lines = [b""]
    for row in reader:
        value = (row.get(key) or "").strip()
        lines.append(json.dumps({key: value}).encode() if value else b"")
    return lines


def _survey(lines: Sequence[bytes]) -> tuple[str, frozenset[str]]:
    """The source key (the first parsable object decides; the validator holds every other line to it) and
    the buckets the ``source-ref`` URIs name."""
    key: str | None = None
    buckets: set[str] = set()
    for line in lines:
        try:
            record = json.loads(line)
        except ValueError:
            continue  # the validator reports it with its line number
        if not isinstance(record, dict):
            continue
        if key is None:
            key = "source" if "source" in record and "source-ref" not in record else "source-ref"
        match = S3_URI.fullmatch(str(record.get("source-ref", "")))
        if match:
            buckets.add(match.group(1))
    return key or "source-ref", frozenset(buckets)


def validate_lines(lines: Sequence[bytes]) -> list[bytes]:
    """The normalized lines of the whole dataset (compact JSON, one object each, blank lines dropped).

    Which buckets the pipeline may read is a deployment setting the Prepare step enforces; here every
    bucket named is accepted and only the lines themselves are checked.

    Raises
    ------
    ManifestInvalid
        ``line N: <reason>`` for a bad line or a duplicate object.
    ManifestTooSmall
        When the dataset is empty.
    """
    key, buckets = _survey(lines)
    validator = ManifestValidator(ManifestRules(key, buckets, max_objects=10**9))
    normalized = list(validator.normalized_lines(lines))
    validator.finish()
    return normalized


def split_batches(
    items: Sequence[T], *, batch_size: int | None = None, batches: int | None = None
) -> list[list[T]]:
    """Cut ``items`` into batches of ``batch_size`` (the last one may be smaller) or into ``batches``
    batches whose sizes differ by at most one (the first ones take the extra items)."""
    if (batch_size is None) == (batches is None):
        raise InputInvalid("give exactly one of --batch-size and --batches")
    if batch_size is not None:
        if batch_size < 1:
            raise InputInvalid(f"--batch-size: expected at least 1; received {batch_size}")
        return [list(items[i : i + batch_size]) for i in range(0, len(items), batch_size)]
    assert batches is not None
    if batches < 1:
        raise InputInvalid(f"--batches: expected at least 1; received {batches}")
    count = min(batches, len(items))
    size, extra = divmod(len(items), count) if count else (0, 0)
    result, start = [], 0
    for index in range(count):
        end = start + size + (1 if index < extra else 0)
        result.append(list(items[start:end]))
        start = end
    return result


def plan_batches(
    lines: Sequence[bytes],
    *,
    name: str,
    batch_size: int | None = None,
    batches: int | None = None,
    shuffle: bool = False,
    seed: int | None = None,
    min_objects: int = MIN_AUTO_LABELING_OBJECTS,
) -> list[Batch]:
    """Validate, optionally shuffle (``random.Random(seed)``), and split the dataset into named batches.

    Parameters
    ----------
    name : file names are ``<name>-<i>.manifest``, ``i`` from 1, zero-padded to 3 digits so they sort.
    min_objects : fewest objects per batch (default 1,250, what automated data labeling needs; 0 = any).

    Raises
    ------
    ManifestInvalid, ManifestTooSmall, InputInvalid
    """
    normalized = validate_lines(lines)
    if shuffle:
        random.Random(seed).shuffle(normalized)
    parts = split_batches(normalized, batch_size=batch_size, batches=batches)
    width = max(3, len(str(len(parts))))
    planned = [Batch(f"{name}-{i:0{width}d}.manifest", part) for i, part in enumerate(parts, start=1)]
    for batch in planned:
        if len(batch.lines) < min_objects:
            raise ManifestTooSmall(
                f"{batch.file_name}: {len(batch.lines)} objects; each batch needs at least {min_objects} "
                f"(automated data labeling needs {MIN_AUTO_LABELING_OBJECTS}; lower it with --min-objects)"
            )
        if len(batch.lines) > MAX_BATCH_OBJECTS:
            raise ManifestInvalid(f"{batch.file_name}: more than {MAX_BATCH_OBJECTS} objects in one job")
    return planned

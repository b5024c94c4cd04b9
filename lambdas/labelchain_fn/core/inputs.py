"""Execution input: an S3 "Object Created" event or a console request, reduced to one ``BatchRequest``."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import unquote_plus

from .errors import InputInvalid

S3_URI = re.compile(r"s3://([a-z0-9][a-z0-9.\-]{1,61}[a-z0-9])/(.+)", re.DOTALL)
#: Upload keys that start a job: ``incoming/<chain>/<anything>.manifest``.
INCOMING_KEY = re.compile(r"incoming/([^/]+)/(.+\.manifest)", re.DOTALL)
CONSOLE_FIELDS = ("chain", "manifest", "warmStart", "control")


@dataclass(frozen=True)
class BatchRequest:
    """One manifest to label, whatever started the execution.

    Attributes
    ----------
    chain : the chain name (not yet checked against the configuration).
    bucket, key : the manifest object.
    version_id, etag : the uploaded version, when known (events carry them; console input does not).
    warm_start : a warm-start policy overriding the chain's (console only), else ``None``.
    control : whether to run a cold control job too (console only), else ``None`` (chain default).
    source : ``"event"`` or ``"console"``.
    key_spellings : the spellings of the key to try, in order: the key as delivered, then (events only,
        when it differs) its form-decoded spelling. Default: ``(key,)``.
    """

    chain: str
    bucket: str
    key: str
    version_id: str | None
    etag: str | None
    warm_start: str | None
    control: bool | None
    source: str
    key_spellings: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        if not self.key_spellings:
            object.__setattr__(self, "key_spellings", (self.key,))

    @property
    def identity(self) -> str:
        """The version ID, else the ETag, else ``""``: what tells two uploads of one key apart."""
        return self.version_id or self.etag or ""


def parse_s3_uri(uri: str) -> tuple[str, str]:
    """Split ``s3://bucket/key`` into ``(bucket, key)``; raise ``InputInvalid`` for anything else."""
    match = S3_URI.fullmatch(uri) if isinstance(uri, str) else None
    if not match:
        raise InputInvalid(f"expected an s3://bucket/key URI; received {uri!r}")
    return match.group(1), match.group(2)


def _invalid(field: str, expected: str, received: Any) -> InputInvalid:
    return InputInvalid(f"{field}: expected {expected}; received {received!r}")


def _incoming_chain(key: str) -> str | None:
    match = INCOMING_KEY.fullmatch(key)
    return match.group(1) if match else None


def _optional_str(data: Mapping[str, Any], field: str, path: str) -> str | None:
    value = data.get(field)
    if value is not None and (not isinstance(value, str) or not value):
        raise _invalid(f"{path}{field}", "a non-empty string", value)
    return value


def _parse_event(data: Mapping[str, Any]) -> BatchRequest:
    detail_type = data.get("detail-type", "Object Created")
    if detail_type != "Object Created":
        raise _invalid("detail-type", '"Object Created"', detail_type)
    detail = data.get("detail")
    if not isinstance(detail, Mapping):
        raise _invalid("detail", "an object", detail)
    bucket = detail.get("bucket")
    name = bucket.get("name") if isinstance(bucket, Mapping) else None
    if not isinstance(name, str) or not name:
        raise _invalid("detail.bucket.name", "a bucket name", name)
    obj = detail.get("object")
    raw_key = obj.get("key") if isinstance(obj, Mapping) else None
    if not isinstance(obj, Mapping) or not isinstance(raw_key, str) or not raw_key:
        raise _invalid("detail.object.key", "an object key", raw_key)
    # AWS does not document how EventBridge spells the key. Captures from real accounts show it as is
    # ("a b+c.png"), unlike S3's notification format, which form-encodes it ("a+b%2Bc.png"). Read it as
    # delivered; the form-decoded spelling is the fallback Prepare tries only if no such object exists.
    spellings = tuple(dict.fromkeys((raw_key, unquote_plus(raw_key))))
    chain = next((c for c in map(_incoming_chain, spellings) if c is not None), None)
    if chain is None:
        raise _invalid("detail.object.key", "a key like incoming/<chain>/<name>.manifest", raw_key)
    return BatchRequest(
        chain=chain,
        bucket=name,
        key=raw_key,
        key_spellings=spellings,
        version_id=_optional_str(obj, "version-id", "detail.object."),
        etag=_optional_str(obj, "etag", "detail.object."),
        warm_start=None,
        control=None,
        source="event",
    )


def _parse_console(data: Mapping[str, Any]) -> BatchRequest:
    unknown = sorted(str(k) for k in data if k not in CONSOLE_FIELDS)
    if unknown:
        raise _invalid(", ".join(unknown), f"only the fields {', '.join(CONSOLE_FIELDS)}", unknown)
    chain = data.get("chain")
    if not isinstance(chain, str) or not chain:
        raise _invalid("chain", "a chain name", chain)
    manifest = data.get("manifest")
    if not isinstance(manifest, str):
        raise _invalid("manifest", "an s3://bucket/key URI", manifest)
    try:
        bucket, key = parse_s3_uri(manifest)
    except InputInvalid:
        raise _invalid("manifest", "an s3://bucket/key URI", manifest) from None
    control = data.get("control")
    if control is not None and not isinstance(control, bool):
        raise _invalid("control", "true or false", control)
    return BatchRequest(
        chain=chain,
        bucket=bucket,
        key=key,
        version_id=None,
        etag=None,
        warm_start=_optional_str(data, "warmStart", ""),
        control=control,
        source="console",
    )


def parse_execution_input(data: Mapping[str, Any]) -> BatchRequest:
    """Read the execution input.

    Parameters
    ----------
    data : either the EventBridge S3 "Object Created" event (``source == "aws.s3"``; the chain is the
        path segment after ``incoming/``) or the console input ``{"chain", "manifest", "warmStart"?,
        "control"?}``.

    Raises
    ------
    InputInvalid
        Naming the field, what was expected and what was received.
    """
    if not isinstance(data, Mapping):
        raise _invalid("input", "an object", data)
    if data.get("source") == "aws.s3":
        return _parse_event(data)
    if "chain" in data or "manifest" in data:
        return _parse_console(data)
    raise InputInvalid(
        'input: expected an S3 "Object Created" event or {"chain", "manifest", "warmStart"?, "control"?}; '
        f"received keys {sorted(str(k) for k in data)}"
    )

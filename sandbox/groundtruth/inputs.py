"""Reading a job's inputs from moto's S3: the input manifest and the label category file."""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import urlparse

from moto.s3.models import s3_backends


class InputError(Exception):
    """An input the service cannot use; the job fails with this text as ``FailureReason``."""


def split_s3_uri(uri: str) -> tuple[str, str]:
    """``(bucket, key)`` of an ``s3://`` or ``https://`` (virtual-hosted or path-style) URI."""
    parsed = urlparse(uri)
    if parsed.scheme == "s3":
        return parsed.netloc, parsed.path.lstrip("/")
    host, path = parsed.netloc, parsed.path.lstrip("/")
    if host.startswith("s3.") or host.startswith("s3-") or host == "s3.amazonaws.com":
        bucket, _, key = path.partition("/")
        return bucket, key
    return host.split(".s3", 1)[0], path


def read_object(account_id: str, uri: str) -> bytes:
    """The bytes of an object; :class:`InputError` when the bucket or key does not exist."""
    bucket, key = split_s3_uri(uri)
    backend = s3_backends[account_id]["aws"]
    try:
        obj = backend.get_object(bucket, key)
    except Exception as error:  # moto raises MissingBucket for an unknown bucket
        raise InputError(f"ClientError: Unable to read {uri}: {type(error).__name__}") from error
    if obj is None:
        raise InputError(f"ClientError: Unable to read {uri}: NoSuchKey")
    return bytes(obj.value)


def bucket_exists(account_id: str, uri: str) -> bool:
    """Whether the bucket of ``uri`` exists."""
    bucket, _ = split_s3_uri(uri)
    try:
        s3_backends[account_id]["aws"].get_bucket(bucket)
    except Exception:
        return False
    return True


def read_manifest(account_id: str, uri: str) -> list[dict[str, Any]]:
    """The input manifest's objects (JSON Lines with ``source-ref`` or ``source``)."""
    lines: list[dict[str, Any]] = []
    for number, raw in enumerate(read_object(account_id, uri).decode("utf-8").splitlines(), start=1):
        if not raw.strip():
            continue
        try:
            line = json.loads(raw)
        except ValueError as error:
            raise InputError(
                f"ClientError: Input manifest line {number} is not valid JSON: {error}"
            ) from error
        if not isinstance(line, dict) or not ({"source-ref", "source"} & set(line)):
            raise InputError(f"ClientError: Input manifest line {number} has no 'source-ref' or 'source'.")
        lines.append(line)
    if not lines:
        raise InputError("ClientError: The input manifest contains no data objects.")
    return lines


def read_labels(account_id: str, uri: str | None) -> list[str]:
    """The label names of a label category configuration file (``{"labels": [{"label": ...}]}``)."""
    if not uri:
        return ["label"]
    try:
        document = json.loads(read_object(account_id, uri))
        labels = [str(entry["label"]) for entry in document["labels"]]
    except InputError:
        raise
    except (ValueError, KeyError, TypeError) as error:
        raise InputError(f"ClientError: Label category configuration {uri} is invalid: {error!r}") from error
    if not labels:
        raise InputError(f"ClientError: Label category configuration {uri} lists no labels.")
    return labels

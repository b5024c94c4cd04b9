"""The bad-input catalog: each case names the input, the error the pipeline must fail with by name, and a
fragment of the cause that tells the operator what to fix."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from reliability_stack import ACCOUNT, BATCH, manifest_lines

KEY = "incoming/birds/batch-0001.manifest"
Body = Callable[[str], bytes]  # input bucket name -> manifest bytes


def _good(bucket: str, count: int = BATCH) -> list[str]:
    return manifest_lines(count, bucket)


def _with_line(index: int, line: str | bytes) -> Body:
    """A full batch whose line ``index`` (0-based) is replaced by ``line``."""

    def body(bucket: str) -> bytes:
        lines: list[bytes] = [text.encode() for text in _good(bucket)]
        lines[index] = line if isinstance(line, bytes) else line.encode()
        return b"\n".join(lines)

    return body


def _lines(build: Callable[[str], list[str]]) -> Body:
    return lambda bucket: "\n".join(build(bucket)).encode()


@dataclass(frozen=True)
class BadUpload:
    """A manifest uploaded under ``key`` that must fail the execution with ``error``."""

    id: str
    body: Body
    error: str
    cause: str
    key: str = KEY


BAD_UPLOADS = [
    BadUpload(
        "malformed-json-line",
        _with_line(4, '{"source-ref": "s3://x/y.jpg"'),
        "ManifestInvalid",
        "line 5: not JSON",
    ),
    BadUpload(
        "non-object-line",
        _with_line(0, '["s3://bucket/a.jpg"]'),
        "ManifestInvalid",
        "line 1: not a JSON object",
    ),
    BadUpload(
        "missing-source-ref",
        _with_line(9, '{"source": "hello"}'),
        "ManifestInvalid",
        "line 10: missing 'source-ref'",
    ),
    BadUpload(
        "non-s3-uri",
        _with_line(2, '{"source-ref": "https://example.com/a.jpg"}'),
        "ManifestInvalid",
        "line 3: 'source-ref' is not an s3://bucket/key URI",
    ),
    BadUpload(
        "source-ref-not-a-string",
        _with_line(3, '{"source-ref": 42}'),
        "ManifestInvalid",
        "line 4: 'source-ref' is not",
    ),
    BadUpload(
        "both-source-and-source-ref",
        _with_line(0, '{"source-ref": "s3://shared-images/a.jpg", "source": "x"}'),
        "ManifestInvalid",
        "line 1: has both",
    ),
    BadUpload(
        "nan-is-not-json",
        _with_line(6, '{"source-ref": "s3://shared-images/n.jpg", "w": NaN}'),
        "ManifestInvalid",
        "line 7: not JSON",
    ),
    BadUpload(
        "not-utf8",
        _with_line(1, b'{"source-ref": "s3://shared-images/\xff.jpg"}'),
        "ManifestInvalid",
        "line 2: not UTF-8",
    ),
    BadUpload(
        "foreign-bucket-uri",
        _with_line(7, '{"source-ref": "s3://someone-elses-bucket/a.jpg"}'),
        "SourceBucketNotAllowed",
        "line 8: bucket 'someone-elses-bucket' is not allowed",
    ),
    BadUpload("empty-manifest", lambda bucket: b"", "ManifestTooSmall", "empty manifest"),
    BadUpload("blank-lines-only", lambda bucket: b"\n\r\n  \n", "ManifestTooSmall", "empty manifest"),
    BadUpload(
        "oversized-line",
        _with_line(11, json.dumps({"source-ref": "s3://shared-images/a.jpg", "pad": "x" * 100_001})),
        "ManifestInvalid",
        "line 12: longer than 100000 bytes",
    ),
    BadUpload(
        "fewer-than-1250-objects-with-auto-labeling",
        _lines(lambda bucket: _good(bucket, BATCH - 1)),
        "ManifestTooSmall",
        "1249 objects; at least 1250",
    ),
    BadUpload(
        "duplicate-lines",
        _lines(lambda bucket: [*_good(bucket), _good(bucket)[17]]),
        "ManifestInvalid",
        f"line {BATCH + 1}: duplicate of line 18",
    ),
    BadUpload(
        "unknown-chain",
        _lines(_good),
        "UnknownChain",
        "chain 'ducks' is not configured",
        "incoming/ducks/b.manifest",
    ),
    BadUpload(
        "key-without-chain-folder",
        _lines(_good),
        "InputInvalid",
        "incoming/<chain>/<name>.manifest",
        "incoming/b.manifest",
    ),
]


@dataclass(frozen=True)
class BadConsoleInput:
    """A console input (``{manifest}``: a valid manifest's URI) that must fail with ``error``."""

    id: str
    payload: dict[str, Any]
    error: str
    cause: str


def _console(**fields: Any) -> dict[str, Any]:
    return {"chain": "birds", "manifest": "{manifest}", **fields}


OTHER_REGION_MODEL = f"arn:aws:sagemaker:eu-west-1:{ACCOUNT}:model/lc-birds-0001-abcdef12-al-1"
OTHER_ACCOUNT_MODEL = "arn:aws:sagemaker:us-east-1:210987654321:model/lc-birds-0001-abcdef12-al-1"
MISSING_MODEL = f"arn:aws:sagemaker:us-east-1:{ACCOUNT}:model/never-created"

BAD_CONSOLE_INPUTS = [
    BadConsoleInput(
        "missing-manifest", {"chain": "birds"}, "InputInvalid", "manifest: expected an s3://bucket/key URI"
    ),
    BadConsoleInput(
        "missing-chain", {"manifest": "{manifest}"}, "InputInvalid", "chain: expected a chain name"
    ),
    BadConsoleInput("chain-not-a-string", _console(chain=7), "InputInvalid", "chain: expected a chain name"),
    BadConsoleInput(
        "manifest-not-an-s3-uri",
        _console(manifest="https://example.com/m.manifest"),
        "InputInvalid",
        "manifest: expected",
    ),
    BadConsoleInput(
        "manifest-not-a-string", _console(manifest=["s3://a/b"]), "InputInvalid", "manifest: expected"
    ),
    BadConsoleInput(
        "control-not-a-boolean", _console(control="yes"), "InputInvalid", "control: expected true or false"
    ),
    BadConsoleInput(
        "warm-start-not-a-string",
        _console(warmStart=5),
        "InputInvalid",
        "warmStart: expected a non-empty string",
    ),
    BadConsoleInput(
        "unknown-field", _console(warmstart="none"), "InputInvalid", "only the fields chain, manifest"
    ),
    BadConsoleInput(
        "unknown-chain", _console(chain="ducks"), "UnknownChain", "chain 'ducks' is not configured"
    ),
    BadConsoleInput(
        "unknown-warm-start-job",
        _console(warmStart="lc-birds-0099-deadbeef"),
        "WarmStartJobNotFound",
        "job lc-birds-0099-deadbeef not found",
    ),
    BadConsoleInput(
        "model-arn-of-another-region",
        _console(warmStart=OTHER_REGION_MODEL),
        "WarmStartModelInvalid",
        "is in region 'eu-west-1'",
    ),
    BadConsoleInput(
        "model-arn-of-another-account",
        _console(warmStart=OTHER_ACCOUNT_MODEL),
        "WarmStartModelInvalid",
        "is in account 210987654321",
    ),
    BadConsoleInput(
        "model-arn-that-does-not-exist",
        _console(warmStart=MISSING_MODEL),
        "WarmStartModelInvalid",
        "does not exist",
    ),
    BadConsoleInput(
        "malformed-model-arn",
        _console(warmStart="arn:aws:s3:::not-a-model"),
        "WarmStartModelInvalid",
        "expected a SageMaker model ARN",
    ),
    BadConsoleInput(
        "manifest-that-does-not-exist",
        _console(manifest="s3://{input}/manual/missing.manifest"),
        "ManifestNotFound",
        "does not exist",
    ),
    BadConsoleInput(
        "manifest-in-a-foreign-bucket",
        _console(manifest="s3://someone-elses-bucket/m.manifest"),
        "SourceBucketNotAllowed",
        "'someone-elses-bucket' is not allowed",
    ),
]

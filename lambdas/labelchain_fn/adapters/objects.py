"""S3 objects: manifests read as a stream of lines, artifacts written, memory kept flat.

A manifest may hold 100,000 lines; nothing here holds a whole file in memory: reads go chunk by chunk and
the normalised manifest is spooled to a temporary file before it is uploaded. Prepare reads an upload with
``max_object_bytes`` (:data:`~labelchain_fn.core.manifest.MAX_MANIFEST_BYTES`): a larger object is refused
from its size before its body is read, so a huge upload fails by name instead of filling ``/tmp`` or
running into the function's timeout.
"""

from __future__ import annotations

import tempfile
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from typing import IO, Any

from botocore.exceptions import ClientError

from labelchain_fn.adapters import clients
from labelchain_fn.core.errors import ManifestNotFound, ManifestTooLarge
from labelchain_fn.core.manifest import size_text, split_lines

CHUNK_BYTES = 64 * 1024
_NOT_FOUND = ("NoSuchKey", "NoSuchVersion", "NoSuchBucket", "404", "NotFound")


def _not_found(err: ClientError, bucket: str, key: str, version_id: str | None) -> ManifestNotFound | None:
    code = str(err.response.get("Error", {}).get("Code", ""))
    # A malformed version ID is as absent as a deleted one.
    if code in _NOT_FOUND or (code == "InvalidArgument" and version_id):
        version = f" (version {version_id})" if version_id else ""
        return ManifestNotFound(f"s3://{bucket}/{key}{version} does not exist: {code}")
    return None


class Objects:
    """S3 reads and writes on one client.

    Parameters
    ----------
    client : boto3 S3 client; default the shared client.
    """

    def __init__(self, client: Any | None = None) -> None:
        self.client = client or clients.client("s3")

    def head(self, bucket: str, key: str, version_id: str | None = None) -> dict[str, Any]:
        """``{"versionId", "etag", "contentLength"}`` of an object (``versionId`` is ``None`` when the bucket
        is not versioned; ``etag`` without quotes). Raises ``ManifestNotFound``."""
        args = {"Bucket": bucket, "Key": key, **({"VersionId": version_id} if version_id else {})}
        try:
            response = self.client.head_object(**args)
        except ClientError as err:
            missing = _not_found(err, bucket, key, version_id)
            if missing is None:
                raise
            raise missing from err
        version = response.get("VersionId")
        return {
            "versionId": version if version and version != "null" else None,
            "etag": str(response.get("ETag", "")).strip('"') or None,
            "contentLength": int(response.get("ContentLength", 0)),
        }

    def locate(self, bucket: str, spellings: Sequence[str], version_id: str | None, etag: str | None) -> str:
        """The first of ``spellings`` (one key, spelled as delivered, then form-decoded) naming the uploaded
        object: version ``version_id`` when given (unambiguous), else an object whose ETag is ``etag``
        (when given). A single spelling is returned without a call. Raises ``ManifestNotFound`` naming
        every spelling tried."""
        if len(spellings) == 1:
            return spellings[0]
        for key in spellings:
            try:
                head = self.head(bucket, key, version_id)
            except ManifestNotFound:
                continue
            if version_id or not etag or head["etag"] == etag:
                return key
        version = f" (version {version_id})" if version_id else ""
        tried = " or ".join(f"s3://{bucket}/{key}" for key in spellings)
        raise ManifestNotFound(f"{tried}{version} does not exist (the key as delivered, then form-decoded)")

    def iter_lines(
        self,
        bucket: str,
        key: str,
        version_id: str | None = None,
        max_line_bytes: int = 100_000,
        max_object_bytes: int | None = None,
    ) -> Iterator[bytes]:
        """Stream the lines of an object (without line breaks), ``CHUNK_BYTES`` at a time.

        Parameters
        ----------
        version_id : default ``None`` (the current version).
        max_line_bytes : default 100,000; a longer line is cut there instead of buffered whole
            (see :func:`labelchain_fn.core.manifest.split_lines`).
        max_object_bytes : default ``None`` (no limit: Record reads output manifests, larger than the
            inputs, through here). A larger object is refused from GetObject's ``ContentLength``, before
            any of its body is read (no extra HeadObject call).

        Raises
        ------
        ManifestNotFound
            When the object or the version does not exist (raised by the first ``next()``).
        ManifestTooLarge
            When the object is larger than ``max_object_bytes`` (raised by the first ``next()``); the
            message names the object, its size and the limit.
        """
        args = {"Bucket": bucket, "Key": key, **({"VersionId": version_id} if version_id else {})}
        try:
            response = self.client.get_object(**args)
        except ClientError as err:
            missing = _not_found(err, bucket, key, version_id)
            if missing is None:
                raise
            raise missing from err
        body = response["Body"]
        limit, size = max_object_bytes, response.get("ContentLength")
        if limit is not None and size is not None and int(size) > limit:
            body.close()  # nothing read: the connection is dropped instead of drained
            version = f" (version {version_id})" if version_id else ""
            raise ManifestTooLarge(
                f"s3://{bucket}/{key}{version} is {int(size):,} bytes; the largest manifest Prepare reads "
                f"is {size_text(limit)}"
            )
        try:
            yield from split_lines(body.iter_chunks(CHUNK_BYTES), max_line_bytes)
        finally:
            body.close()

    def put_bytes(self, bucket: str, key: str, data: bytes, content_type: str) -> str:
        """Write a small object; returns its ``s3://`` URI."""
        self.client.put_object(Bucket=bucket, Key=key, Body=data, ContentType=content_type)
        return f"s3://{bucket}/{key}"

    def upload_file(self, fileobj: IO[bytes], bucket: str, key: str, content_type: str) -> str:
        """Upload a file object with the managed (multipart) transfer; returns its ``s3://`` URI."""
        fileobj.seek(0)
        self.client.upload_fileobj(fileobj, bucket, key, ExtraArgs={"ContentType": content_type})
        return f"s3://{bucket}/{key}"


@contextmanager
def spool(lines: Iterable[bytes]) -> Iterator[IO[bytes]]:
    """Write ``lines`` to an anonymous temporary file and yield it rewound; the file is gone afterwards.

    The file lives on the Lambda's ``/tmp`` rather than in memory, so a large manifest costs disk, not RAM.
    """
    with tempfile.TemporaryFile() as handle:
        for line in lines:
            handle.write(line)
        handle.seek(0)
        yield handle

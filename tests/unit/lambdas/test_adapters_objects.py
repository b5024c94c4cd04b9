"""Objects against moto S3: streamed reads, versions, missing objects, the size limit, spooled uploads."""

from __future__ import annotations

import io

import boto3
import pytest
from botocore.response import StreamingBody
from botocore.stub import Stubber
from labelchain_fn.adapters.objects import Objects, spool
from labelchain_fn.core.errors import ManifestNotFound, ManifestTooLarge
from lambda_fakes import ARTIFACTS_BUCKET, INPUT_BUCKET, AwsClients

KEY = "incoming/birds/batch.manifest"


def test_iter_lines_reads_the_requested_version(aws: AwsClients, buckets: None, objects: Objects) -> None:
    # GIVEN two versions of a manifest
    v1 = aws.s3.put_object(Bucket=INPUT_BUCKET, Key=KEY, Body=b"a\r\nb\n")["VersionId"]
    aws.s3.put_object(Bucket=INPUT_BUCKET, Key=KEY, Body=b"c\n")
    # WHEN each is read
    # THEN lines come without line breaks, from the version asked for (default: the current one)
    assert list(objects.iter_lines(INPUT_BUCKET, KEY, v1)) == [b"a\r", b"b"]
    assert list(objects.iter_lines(INPUT_BUCKET, KEY)) == [b"c"]


def test_iter_lines_cuts_a_line_that_never_ends(aws: AwsClients, buckets: None, objects: Objects) -> None:
    # GIVEN a 300 kB object without a line break
    aws.s3.put_object(Bucket=INPUT_BUCKET, Key=KEY, Body=b"x" * 300_000)
    # WHEN it is read with a 1,000-byte line limit
    lines = list(objects.iter_lines(INPUT_BUCKET, KEY, max_line_bytes=1000))
    # THEN one over-long line is yielded (for the validator to reject), not the whole object
    assert len(lines) == 1 and 1000 < len(lines[0]) < 300_000


class CountingStream(io.BytesIO):
    """A response body that counts the bytes read from it and remembers whether it was closed."""

    def __init__(self, data: bytes) -> None:
        super().__init__(data)
        self.bytes_read = 0
        self.closed_by_reader = False

    def read(self, size: int | None = -1) -> bytes:
        data = super().read(size)
        self.bytes_read += len(data)
        return data

    def close(self) -> None:
        self.closed_by_reader = True
        super().close()


def test_a_manifest_over_the_limit_is_refused_before_its_body_is_read(
    boto_session: boto3.session.Session,
) -> None:
    # GIVEN GetObject answering with a 2,001-byte object, and a limit of 2,000 bytes
    raw = CountingStream(b"x\n" * 1000 + b"y")
    client = boto_session.client("s3")
    with Stubber(client) as s3:
        s3.add_response(
            "get_object",
            {"Body": StreamingBody(raw, 2001), "ContentLength": 2001},
            {"Bucket": INPUT_BUCKET, "Key": KEY, "VersionId": "v1"},
        )
        # WHEN its lines are read
        # THEN ManifestTooLarge names the object, its size and the limit
        with pytest.raises(ManifestTooLarge) as raised:
            next(Objects(client).iter_lines(INPUT_BUCKET, KEY, "v1", max_object_bytes=2000))
    assert str(raised.value) == (
        f"s3://{INPUT_BUCKET}/{KEY} (version v1) is 2,001 bytes; "
        "the largest manifest Prepare reads is 2,000 bytes"
    )
    # AND not one byte of the body was read; the stream was closed
    assert raw.bytes_read == 0 and raw.closed_by_reader


def test_a_manifest_at_the_limit_is_read_and_without_a_limit_any_size_is(
    aws: AwsClients, buckets: None, objects: Objects
) -> None:
    # GIVEN a 1,000-byte object
    aws.s3.put_object(Bucket=INPUT_BUCKET, Key=KEY, Body=b"a" * 999 + b"\n")
    # WHEN it is read with a limit of exactly 1,000 bytes, or with no limit (Record's output manifests)
    # THEN its lines come through; one byte less refuses it
    assert list(objects.iter_lines(INPUT_BUCKET, KEY, max_object_bytes=1000)) == [b"a" * 999]
    assert list(objects.iter_lines(INPUT_BUCKET, KEY)) == [b"a" * 999]
    with pytest.raises(
        ManifestTooLarge, match="is 1,000 bytes; the largest manifest Prepare reads is 999 bytes"
    ):
        list(objects.iter_lines(INPUT_BUCKET, KEY, max_object_bytes=999))


@pytest.mark.parametrize("version_id", [None, "3HL4kqtJlcpXroDTDmJ.rmSpXd3dIbrHY"])
def test_fails_when_the_manifest_does_not_exist(
    aws: AwsClients, buckets: None, objects: Objects, version_id: str | None
) -> None:
    # GIVEN a missing key, or an existing key with an unknown version
    if version_id:
        aws.s3.put_object(Bucket=INPUT_BUCKET, Key=KEY, Body=b"a\n")
    # WHEN/THEN reading raises ManifestNotFound naming the object
    with pytest.raises(ManifestNotFound, match=KEY):
        list(objects.iter_lines(INPUT_BUCKET, KEY, version_id))


def test_head_returns_version_and_etag(aws: AwsClients, buckets: None, objects: Objects) -> None:
    # GIVEN an object in a versioned and in an unversioned bucket
    version = aws.s3.put_object(Bucket=INPUT_BUCKET, Key=KEY, Body=b"a\n")["VersionId"]
    aws.s3.put_object(Bucket=ARTIFACTS_BUCKET, Key=KEY, Body=b"a\n")
    # WHEN/THEN head reports the version (None when unversioned) and the unquoted ETag
    assert objects.head(INPUT_BUCKET, KEY)["versionId"] == version
    plain = objects.head(ARTIFACTS_BUCKET, KEY)
    assert plain["versionId"] is None and plain["etag"] and '"' not in plain["etag"]
    with pytest.raises(ManifestNotFound):
        objects.head(INPUT_BUCKET, "incoming/birds/missing.manifest")


RAW = "incoming/birds/a+b c.manifest"  # as EventBridge delivers it
DECODED = "incoming/birds/a b c.manifest"  # its form-decoded spelling


def test_locate_prefers_the_key_as_delivered(aws: AwsClients, buckets: None, objects: Objects) -> None:
    # GIVEN objects under both spellings of one key
    version = aws.s3.put_object(Bucket=INPUT_BUCKET, Key=RAW, Body=b"a\n")["VersionId"]
    aws.s3.put_object(Bucket=INPUT_BUCKET, Key=DECODED, Body=b"b\n")
    # WHEN/THEN the delivered spelling wins; a single spelling is returned without asking S3
    assert objects.locate(INPUT_BUCKET, (RAW, DECODED), version, None) == RAW
    with Stubber(objects.client) as stub:
        assert objects.locate(INPUT_BUCKET, (RAW,), None, None) == RAW
        stub.assert_no_pending_responses()


def test_locate_falls_back_to_the_decoded_spelling_of_that_version(
    aws: AwsClients, buckets: None, objects: Objects
) -> None:
    # GIVEN only the decoded spelling exists, at a known version
    version = aws.s3.put_object(Bucket=INPUT_BUCKET, Key=DECODED, Body=b"a\n")["VersionId"]
    # WHEN/THEN it is found by that spelling
    assert objects.locate(INPUT_BUCKET, (RAW, DECODED), version, None) == DECODED


def test_locate_skips_an_unversioned_object_whose_etag_is_another(
    aws: AwsClients, buckets: None, objects: Objects
) -> None:
    # GIVEN an unversioned bucket holding both spellings; the event's ETag is the decoded object's
    aws.s3.put_object(Bucket=ARTIFACTS_BUCKET, Key=RAW, Body=b"other\n")
    etag = aws.s3.put_object(Bucket=ARTIFACTS_BUCKET, Key=DECODED, Body=b"mine\n")["ETag"].strip('"')
    # WHEN/THEN the object with the event's ETag is the one
    assert objects.locate(ARTIFACTS_BUCKET, (RAW, DECODED), None, etag) == DECODED


def test_locate_names_every_spelling_when_none_exists(
    aws: AwsClients, buckets: None, objects: Objects
) -> None:
    # GIVEN neither spelling exists  WHEN/THEN ManifestNotFound names both and the version
    with pytest.raises(ManifestNotFound, match=r"a\+b c\.manifest or s3://.*a b c\.manifest \(version v9\)"):
        objects.locate(INPUT_BUCKET, (RAW, DECODED), "v9", None)


def test_spooled_lines_upload_unchanged(aws: AwsClients, buckets: None, objects: Objects) -> None:
    # GIVEN 10,000 lines spooled to a temporary file
    lines = [f'{{"source": "text {i}"}}\n'.encode() for i in range(10_000)]
    with spool(iter(lines)) as handle:
        # WHEN the file is uploaded
        uri = objects.upload_file(
            handle, ARTIFACTS_BUCKET, "manifests/birds/x.manifest", "application/x-ndjson"
        )
    # THEN the object holds exactly those lines
    body = aws.s3.get_object(Bucket=ARTIFACTS_BUCKET, Key="manifests/birds/x.manifest")["Body"].read()
    assert uri == f"s3://{ARTIFACTS_BUCKET}/manifests/birds/x.manifest" and body == b"".join(lines)

"""``labelchain prepare``: datasets from S3 or a listing, split, written locally or uploaded."""

from __future__ import annotations

import json
from pathlib import Path

from cli_fixtures import Moto, Run
from lambda_fakes import IMAGES_BUCKET, INPUT_BUCKET


def _put_images(moto: Moto, count: int) -> None:
    for i in range(count):
        moto.s3.put_object(Bucket=IMAGES_BUCKET, Key=f"birds/img-{i:04d}.jpg", Body=b"x")
    moto.s3.put_object(Bucket=IMAGES_BUCKET, Key="birds/notes.txt", Body=b"not an image")


def _manifest(body: bytes) -> list[dict[str, str]]:
    return [json.loads(line) for line in body.splitlines()]


def test_prepare_splits_an_s3_prefix_into_local_manifests(run: Run, moto: Moto, tmp_path: Path) -> None:
    # GIVEN 25 images and a text file under s3://lc-images/birds/
    _put_images(moto, 25)
    # WHEN the prefix is split into 3 batches written locally
    result = run(
        "prepare",
        "--source",
        f"s3://{IMAGES_BUCKET}/birds/",
        "--batches",
        "3",
        "--min-objects",
        "0",
        "--out",
        str(tmp_path),
        "--json",
    )
    # THEN three manifests named after the prefix hold the 25 images (not the text file) in key order
    assert result.exit_code == 0, result.output
    written = json.loads(result.stdout)
    assert written["objects"] == 25
    assert [m["objects"] for m in written["manifests"]] == [9, 8, 8]
    files = sorted(tmp_path.iterdir())
    assert [f.name for f in files] == ["birds-001.manifest", "birds-002.manifest", "birds-003.manifest"]
    lines = [line for f in files for line in _manifest(f.read_bytes())]
    assert lines == [{"source-ref": f"s3://{IMAGES_BUCKET}/birds/img-{i:04d}.jpg"} for i in range(25)]


def test_prepare_uploads_a_shuffled_listing_to_the_input_bucket(run: Run, moto: Moto, tmp_path: Path) -> None:
    # GIVEN a CSV listing of 2,600 images
    listing = tmp_path / "dataset.csv"
    rows = "".join(f"{i},s3://{IMAGES_BUCKET}/birds/img-{i:05d}.jpg\n" for i in range(2600))
    listing.write_text("id,source-ref\n" + rows)
    # WHEN it is shuffled and uploaded in batches of 1,300 for chain "birds" (input bucket from the stack)
    args = ("prepare", "--listing", str(listing), "--batch-size", "1300", "--shuffle", "--seed", "3")
    result = run(*args, "--upload", "--chain", "birds", "--name", "spring")
    # THEN two manifests land under incoming/birds/, shuffled, together holding every object once
    assert result.exit_code == 0, result.output
    keys = [o["Key"] for o in moto.s3.list_objects_v2(Bucket=INPUT_BUCKET)["Contents"]]
    assert keys == ["incoming/birds/spring-001.manifest", "incoming/birds/spring-002.manifest"]
    bodies = [moto.s3.get_object(Bucket=INPUT_BUCKET, Key=k)["Body"].read() for k in keys]
    sources = [line["source-ref"] for body in bodies for line in _manifest(body)]
    assert [len(_manifest(body)) for body in bodies] == [1300, 1300]
    assert sorted(sources) == [f"s3://{IMAGES_BUCKET}/birds/img-{i:05d}.jpg" for i in range(2600)]
    assert sources[:5] != sorted(sources)[:5]
    assert f"s3://{INPUT_BUCKET}/incoming/birds/spring-001.manifest" in result.stdout


def test_fails_when_the_listing_has_a_duplicate(run: Run, moto: Moto, tmp_path: Path) -> None:
    # GIVEN a JSON-lines listing whose third line repeats the first
    listing = tmp_path / "dataset.jsonl"
    listing.write_text(
        '{"source-ref": "s3://a-bucket/1.jpg"}\n{"source-ref": "s3://a-bucket/2.jpg"}\n'
        '{"source-ref": "s3://a-bucket/1.jpg"}\n'
    )
    # WHEN it is prepared
    result = run(
        "prepare", "--listing", str(listing), "--batches", "1", "--min-objects", "0", "--out", str(tmp_path)
    )
    # THEN the command fails (exit 1) naming the line, and writes nothing
    assert result.exit_code == 1
    assert "ManifestInvalid: line 3: duplicate of line 1" in result.stderr
    assert not list(tmp_path.glob("*.manifest"))


def test_fails_when_batches_are_below_the_auto_labeling_minimum(run: Run, moto: Moto, tmp_path: Path) -> None:
    # GIVEN 25 images and the default minimum of 1,250 objects per batch
    _put_images(moto, 25)
    # WHEN the prefix is prepared
    result = run(
        "prepare", "--source", f"s3://{IMAGES_BUCKET}/birds/", "--batches", "1", "--out", str(tmp_path)
    )
    # THEN it fails with exit 1 and points at --min-objects
    assert result.exit_code == 1
    assert "ManifestTooSmall" in result.stderr and "--min-objects" in result.stderr


def test_rejects_conflicting_or_missing_options(run: Run, moto: Moto, tmp_path: Path) -> None:
    # GIVEN/WHEN options that cannot go together, or a missing one THEN each is a usage error (exit 2)
    source = f"s3://{IMAGES_BUCKET}/birds/"
    for args, message in (
        (("--batches", "1", "--out", str(tmp_path)), "exactly one of --source and --listing"),
        (("--source", source, "--out", str(tmp_path)), "exactly one of --batch-size and --batches"),
        (("--source", source, "--batches", "1"), "exactly one of --out DIR and --upload"),
        (("--source", source, "--batches", "1", "--upload"), "--upload needs --chain"),
        (
            ("--source", "http://x/y", "--batches", "1", "--out", str(tmp_path)),
            "expected s3://bucket/prefix/",
        ),
        (
            ("--source", "s3://x/", "--batches", "1", "--out", str(tmp_path)),
            "expected s3://bucket/prefix/ (a valid bucket name); received 's3://x/'",
        ),
    ):
        result = run("prepare", *args)
        assert result.exit_code == 2, args
        assert message in result.stderr


def test_rejects_an_upload_for_an_unconfigured_chain(run: Run, moto: Moto) -> None:
    # GIVEN images and a chain name the deployment does not know
    _put_images(moto, 3)
    # WHEN they are uploaded for it
    split = ("--source", f"s3://{IMAGES_BUCKET}/birds/", "--batches", "1", "--min-objects", "0")
    result = run("prepare", *split, "--upload", "--chain", "brids")
    # THEN nothing is uploaded and the usage error names the configured chains
    assert result.exit_code == 2
    assert "configured chains: birds" in result.stderr
    assert "Contents" not in moto.s3.list_objects_v2(Bucket=INPUT_BUCKET)


def test_rejects_a_prefix_that_matches_no_objects(run: Run, moto: Moto, tmp_path: Path) -> None:
    # GIVEN a prefix with no object under it (a typo: "bird/" for "birds/")
    _put_images(moto, 3)
    # WHEN it is prepared
    split = ("--batches", "1", "--min-objects", "0", "--out", str(tmp_path))
    result = run("prepare", "--source", f"s3://{IMAGES_BUCKET}/bird/", *split)
    # THEN it is a one-line usage error saying that nothing matched (not that a manifest is too small)
    assert result.exit_code == 2
    assert result.stderr.splitlines() == [
        f"error: prepare: NoObjectsMatched: no objects matched the prefix s3://{IMAGES_BUCKET}/bird/: "
        "there is no object under it (check the bucket and the prefix)"
    ]
    assert not list(tmp_path.glob("*.manifest"))


def test_rejects_a_prefix_whose_objects_have_none_of_the_suffixes(
    run: Run, moto: Moto, tmp_path: Path
) -> None:
    # GIVEN three .jpg images and a text file under the prefix
    _put_images(moto, 3)
    # WHEN only .png objects are asked for
    split = ("--batches", "1", "--min-objects", "0", "--out", str(tmp_path))
    result = run("prepare", "--source", f"s3://{IMAGES_BUCKET}/birds/", "--suffix", ".png", *split)
    # THEN the error says objects exist but none has the suffix, and points at --suffix
    assert result.exit_code == 2
    assert "NoObjectsMatched" in result.stderr
    assert "4 objects under it, none ending with .png (--suffix)" in result.stderr

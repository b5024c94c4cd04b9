"""Input-manifest validation (streaming) and output-manifest counting."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import replace

import pytest
from labelchain_fn.core.errors import (
    ManifestInvalid,
    ManifestTooLarge,
    ManifestTooSmall,
    SourceBucketNotAllowed,
)
from labelchain_fn.core.manifest import (
    MAX_MANIFEST_BYTES,
    ManifestRules,
    ManifestStats,
    ManifestValidator,
    OutputStats,
    count_output_manifest,
    size_text,
    split_lines,
)

IMAGES = ManifestRules(source_key="source-ref", allowed_buckets=frozenset({"in-bucket", "images-bucket"}))
TEXT = ManifestRules(source_key="source", allowed_buckets=frozenset())


def _ref(i: int, bucket: str = "in-bucket") -> bytes:
    return json.dumps({"source-ref": f"s3://{bucket}/images/{i:06d}.jpg"}).encode() + b"\n"


def _validate(rules: ManifestRules, lines: list[bytes]) -> tuple[list[bytes], ManifestStats]:
    validator = ManifestValidator(rules)
    out = list(validator.normalized_lines(lines))
    return out, validator.finish()


def test_valid_manifest_is_normalized_to_compact_json_lines():
    # GIVEN lines with spaces, extra attributes and non-ASCII text
    lines = [
        b'{ "source-ref" : "s3://in-bucket/a.jpg", "meta": {"caption": "\\u00e9t\\u00e9"} }\n',
        b'{"source-ref":"s3://images-bucket/b.jpg"}\n',
    ]
    # WHEN validated
    out, stats = _validate(IMAGES, lines)
    # THEN each line is compact UTF-8 JSON ending in \n, and the stats count objects and buckets
    assert out == [
        '{"source-ref":"s3://in-bucket/a.jpg","meta":{"caption":"été"}}\n'.encode(),
        b'{"source-ref":"s3://images-bucket/b.jpg"}\n',
    ]
    assert stats == ManifestStats(2, frozenset({"in-bucket", "images-bucket"}), sum(len(x) for x in lines))


def test_the_normalised_manifest_is_bounded_even_when_normalising_grows_it():
    # GIVEN lines whose numbers in exponent notation are written out in full (1e15 -> 1000000000000000.0)
    line = b'{"source-ref":"s3://in-bucket/%d.jpg","v":[1e15,1e15,1e15,1e15]}\n'
    lines = [line % i for i in range(3)]
    grown = len(_validate(IMAGES, lines[:1])[0][0])
    assert grown > 1.5 * len(lines[0])
    # WHEN validated with room for two normalised lines but not three (the input would fit three)
    rules = replace(IMAGES, max_bytes=2 * grown + 1)
    assert sum(map(len, lines)) < 2 * grown + 1
    validator = ManifestValidator(rules)
    out = []
    # THEN ManifestTooLarge names the line that crosses the limit, after the lines that fit
    with pytest.raises(ManifestTooLarge, match=r"^line 3: the normalised manifest exceeds \d"):
        out.extend(validator.normalized_lines(lines))
    assert len(out) == 2


def test_size_is_unlimited_unless_the_rules_say_so():
    # GIVEN rules without max_bytes (the CLI validates whole datasets)  WHEN a large manifest is validated
    lines = [_ref(i) for i in range(2000)]
    # THEN no size limit applies
    assert _validate(IMAGES, lines)[1].object_count == 2000 and IMAGES.max_bytes is None


def test_the_prepare_limit_is_256_mib_and_named_in_bytes_and_mib():
    # GIVEN the largest manifest Prepare reads  WHEN described  THEN in bytes, and in MiB from 1 MiB on
    assert MAX_MANIFEST_BYTES == 256 * 2**20
    assert size_text(MAX_MANIFEST_BYTES) == "268,435,456 bytes (256 MiB)"
    assert size_text(1000) == "1,000 bytes" and size_text(3 * 2**20 + 2**19) == "3,670,016 bytes (3.5 MiB)"


def test_bom_crlf_and_blank_lines_are_tolerated_and_counted_in_line_numbers():
    # GIVEN a Windows-edited manifest: BOM, CRLF, blank lines, a bad line 5
    lines = [
        b"\xef\xbb\xbf" + _ref(1).rstrip() + b"\r\n",
        b"\r\n",
        b"   \n",
        _ref(2).rstrip() + b"\r\n",
        b"{bad\r\n",
    ]
    validator = ManifestValidator(IMAGES)
    out = []
    # WHEN validated  THEN the good lines come out clean and the error names physical line 5
    with pytest.raises(ManifestInvalid, match=r"^line 5: not JSON"):
        out.extend(validator.normalized_lines(lines))
    assert out == [_ref(1).replace(b" ", b""), _ref(2).replace(b" ", b"")]


def test_lines_without_line_breaks_are_accepted():
    # GIVEN lines as botocore's iter_lines yields them (no \n)  WHEN validated  THEN accepted
    out, stats = _validate(IMAGES, [_ref(1).rstrip(), _ref(2).rstrip()])
    assert stats.object_count == 2 and all(line.endswith(b"\n") for line in out)


def test_text_manifest_uses_inline_source():
    # GIVEN a text-classification manifest  WHEN validated  THEN "source" lines are accepted, no buckets
    out, stats = _validate(TEXT, [b'{"source": "Great product"}\n', b'{"source": "Awful"}\n'])
    assert out == [b'{"source":"Great product"}\n', b'{"source":"Awful"}\n']
    assert stats.object_count == 2 and stats.source_buckets == frozenset()


@pytest.mark.parametrize(
    ("rules", "lines", "message"),
    [
        (IMAGES, [_ref(1), b"not json\n"], "line 2: not JSON"),
        (IMAGES, [b'{"source-ref": NaN}\n'], "line 1: not JSON"),
        (IMAGES, [b"\xff\xfe{}\n"], "line 1: not UTF-8"),
        (IMAGES, [b'["s3://in-bucket/a.jpg"]\n'], "line 1: not a JSON object"),
        (IMAGES, [b'"s3://in-bucket/a.jpg"\n'], "line 1: not a JSON object"),
        (IMAGES, [b'{"source": "s3://in-bucket/a.jpg"}\n'], "line 1: missing 'source-ref'"),
        (TEXT, [b'{"source-ref": "s3://in-bucket/a.txt"}\n'], "line 1: missing 'source'"),
        (TEXT, [b'{"source": "x", "source-ref": "s3://in-bucket/a.txt"}\n'], "line 1: has both"),
        (IMAGES, [b'{"source-ref": 5}\n'], "line 1: 'source-ref' is not a non-empty string"),
        (TEXT, [b'{"source": ""}\n'], "line 1: 'source' is not a non-empty string"),
        (
            IMAGES,
            [b'{"source-ref": "https://in-bucket/a.jpg"}\n'],
            "line 1: 'source-ref' is not an s3://bucket/key",
        ),
        (IMAGES, [b'{"source-ref": "s3://in-bucket/"}\n'], "line 1: 'source-ref' is not an s3://bucket/key"),
        (IMAGES, [b'{"source-ref": "/tmp/a.jpg"}\n'], "line 1: 'source-ref' is not an s3://bucket/key"),
        (IMAGES, [_ref(1), b"\n", _ref(1)], "line 3: duplicate of line 1"),
        (TEXT, [b'{"source": "same"}\n', b'{"source": "same", "id": 2}\n'], "line 2: duplicate of line 1"),
    ],
)
def test_rejects_bad_line_with_number_and_reason(rules, lines, message):
    # GIVEN a manifest with one bad line  WHEN validated  THEN ManifestInvalid "line N: <reason>"
    with pytest.raises(ManifestInvalid, match=f"^{message}"):
        _validate(rules, lines)


def test_rejects_object_in_foreign_bucket():
    # GIVEN a line pointing at a bucket the pipeline may not read  WHEN validated  THEN SourceBucketNotAllowed
    with pytest.raises(SourceBucketNotAllowed, match=r"line 2: bucket 'someone-elses' is not allowed"):
        _validate(IMAGES, [_ref(1), _ref(2, bucket="someone-elses")])


def test_rejects_oversized_line_before_parsing_it():
    # GIVEN a line one byte over the limit (the line break does not count)
    rules = ManifestRules("source-ref", frozenset({"in-bucket"}), max_line_bytes=60)
    ok = b'{"source-ref":"s3://in-bucket/' + b"a" * (60 - 36) + b'.jpg"}'
    assert len(ok) == 60
    # WHEN validated  THEN 60 bytes pass and 61 bytes fail with the line number
    assert _validate(rules, [ok + b"\r\n"])[1].object_count == 1
    with pytest.raises(ManifestInvalid, match="line 1: longer than 60 bytes"):
        _validate(rules, [ok[:-2] + b'a"}'])


def test_rejects_more_than_max_objects():
    # GIVEN max_objects=3 and four objects  WHEN validated  THEN the fourth line fails
    rules = ManifestRules("source-ref", frozenset({"in-bucket"}), max_objects=3)
    with pytest.raises(ManifestInvalid, match="line 4: more than 3 objects"):
        _validate(rules, [_ref(i) for i in range(4)])
    assert _validate(rules, [_ref(i) for i in range(3)])[1].object_count == 3


@pytest.mark.parametrize("lines", [[], [b"\n", b"  \r\n"], [b"\xef\xbb\xbf\n"]])
def test_fails_when_manifest_is_empty(lines):
    # GIVEN no object at all  WHEN finished  THEN ManifestTooSmall "empty manifest"
    with pytest.raises(ManifestTooSmall, match="empty manifest"):
        _validate(IMAGES, lines)


def test_fails_when_fewer_than_min_objects():
    # GIVEN auto-labeling's 1,250 minimum and 1,249 objects  WHEN finished  THEN ManifestTooSmall with counts
    rules = ManifestRules("source-ref", frozenset({"in-bucket"}), min_objects=1250)
    with pytest.raises(ManifestTooSmall, match="1249 objects; at least 1250"):
        _validate(rules, [_ref(i) for i in range(1249)])
    assert _validate(rules, [_ref(i) for i in range(1250)])[1].object_count == 1250


def test_streams_100k_lines_from_a_generator_without_holding_them():
    # GIVEN a generator of 100,000 lines (the Ground Truth maximum) that counts what it has produced
    produced = 0

    def lines() -> Iterator[bytes]:
        nonlocal produced
        for i in range(100_000):
            produced += 1
            yield b'{"source-ref":"s3://in-bucket/images/%06d.jpg","batch":"b1"}\n' % i

    validator = ManifestValidator(ManifestRules("source-ref", frozenset({"in-bucket"}), min_objects=1250))
    # WHEN validated lazily, consuming each output line immediately
    written = ahead = 0
    for consumed, line in enumerate(validator.normalized_lines(lines()), start=1):
        ahead = max(ahead, produced - consumed)
        written += len(line)
    stats = validator.finish()
    # THEN every object is counted, and the validator never read more than the line it yields (streaming)
    assert stats.object_count == 100_000 and stats.bytes_read == written
    assert ahead == 0


def test_split_lines_recuts_chunks_into_lines():
    # GIVEN a manifest body delivered in arbitrary chunks
    body = b"".join(_ref(i) for i in range(50)) + b'{"source-ref":"s3://in-bucket/last.jpg"}'
    chunks = [body[i : i + 7] for i in range(0, len(body), 7)]
    # WHEN re-cut  THEN the lines are exactly those of the body (last one without a line break)
    assert list(split_lines(chunks)) == body.split(b"\n")
    assert _validate(IMAGES, list(split_lines(iter(chunks))))[1].object_count == 51


def test_split_lines_bounds_a_line_that_never_ends():
    # GIVEN a 1 MB line in small chunks followed by a good line, and a 100-byte limit
    chunks = [b"x" * 1000 for _ in range(1000)] + [b"\n" + _ref(1)]
    # WHEN re-cut  THEN the long line comes out truncated (bounded), then the next line intact
    lines = list(split_lines(chunks, max_line_bytes=100))
    assert len(lines[0]) <= 1102 and lines[1:] == [_ref(1).rstrip(b"\n")]
    # AND the validator rejects the long line with its number
    with pytest.raises(ManifestInvalid, match="line 1: longer than 100 bytes"):
        _validate(ManifestRules("source-ref", frozenset({"in-bucket"}), max_line_bytes=100), lines)


# Output manifests ---------------------------------------------------------------------------------------

BOX_HUMAN = (
    b'{"source-ref":"s3://in-bucket/a.jpg","category":{"image_size":[{"width":1024,"height":683,"depth":3}],'
    b'"annotations":[{"class_id":0,"left":312,"top":141,"width":208,"height":177}]},"category-metadata":'
    b'{"objects":[{"confidence":0.86}],"class-map":{"0":"Bird"},"type":"groundtruth/object-detection",'
    b'"human-annotated":"yes","creation-date":"2026-03-02T14:05:27.318402","job-name":"labeling-job/x"}}\n'
)
BOX_MACHINE = BOX_HUMAN.replace(b'"human-annotated":"yes"', b'"human-annotated":"no"')
BOX_FAILED = (
    b'{"source-ref":"s3://in-bucket/c.jpg","category-metadata":{"failure-reason":"ClientError: timeout",'
    b'"type":"groundtruth/object-detection"}}\n'
)


def _classification(lan: str, task: str, human: str, label: object = 1) -> bytes:
    meta = {
        "class-name": "Not a bird",
        "confidence": 0.93,
        "type": f"groundtruth/{task}",
        "job-name": "labeling-job/x",
        "human-annotated": human,
        "creation-date": "2026-03-02T15:41:09.902114",
    }
    return json.dumps({"source-ref": "s3://in-bucket/a.jpg", lan: label, f"{lan}-metadata": meta}).encode()


@pytest.mark.parametrize(
    ("lan", "lines", "expected"),
    [
        ("category", [BOX_HUMAN, BOX_MACHINE, BOX_MACHINE, BOX_FAILED, b"\n"], OutputStats(1, 2, 1, 4)),
        (
            "label",
            [_classification("label", "image-classification", h) for h in ("yes", "no", "no", "no")],
            OutputStats(1, 3, 0, 4),
        ),
        (
            "label",
            [
                _classification("label", "text-classification", "yes", "1").replace(b"source-ref", b"source"),
                b'{"source":"no label"}',
            ],
            OutputStats(1, 0, 1, 2),
        ),
        (
            "segmentation-ref",
            [
                _classification("segmentation-ref", "semantic-segmentation", h, "s3://out/m.png")
                for h in ("yes", "no")
            ]
            + [b"\xef\xbb\xbfnot json"],
            OutputStats(1, 1, 1, 3),
        ),
    ],
    ids=["BoundingBox", "ImageClassification", "TextClassification", "SemanticSegmentation"],
)
def test_count_output_manifest_per_task_type(lan, lines, expected):
    # GIVEN an output manifest of a task type  WHEN counted  THEN human, machine and failed objects
    assert count_output_manifest(lines, lan) == expected


def test_count_output_manifest_of_another_label_attribute_counts_all_as_failed():
    # GIVEN lines labeled under "category"  WHEN counted for "label"  THEN none of them carries that label
    assert count_output_manifest([BOX_HUMAN, BOX_MACHINE], "label") == OutputStats(0, 0, 2, 2)

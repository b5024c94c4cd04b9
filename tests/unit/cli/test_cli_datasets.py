"""Pure dataset splitting: listings, validation with the pipeline's manifest rules, batches."""

from __future__ import annotations

import itertools
import json

import pytest
from labelchain_fn.core.errors import InputInvalid, ManifestInvalid, ManifestTooSmall

from labelchain_cli.datasets import (
    listing_lines,
    plan_batches,
    s3_listing_lines,
    split_batches,
    validate_lines,
)


def _uris(count: int) -> list[bytes]:
    # Compact JSON, as the validator writes it back.
    return [
        json.dumps({"source-ref": f"s3://imgs/a/{i:05d}.jpg"}, separators=(",", ":")).encode()
        for i in range(count)
    ]


def test_split_by_batch_size_keeps_the_remainder_last() -> None:
    # GIVEN 10 items WHEN cut by 4 THEN the batches are 4, 4 and 2 in order
    assert split_batches(list(range(10)), batch_size=4) == [[0, 1, 2, 3], [4, 5, 6, 7], [8, 9]]


def test_split_into_batches_spreads_the_extra_items_first() -> None:
    # GIVEN 11 items WHEN cut into 3 batches THEN sizes differ by at most one, order is kept
    batches = split_batches(list(range(11)), batches=3)
    assert [len(b) for b in batches] == [4, 4, 3]
    assert list(itertools.chain(*batches)) == list(range(11))


def test_rejects_both_or_neither_batch_option() -> None:
    # GIVEN/WHEN both or neither of batch_size and batches THEN the input is refused
    with pytest.raises(InputInvalid):
        split_batches([1], batch_size=1, batches=1)
    with pytest.raises(InputInvalid):
        split_batches([1])


def test_s3_listing_keeps_image_suffixes_only() -> None:
    # GIVEN keys of images, a folder marker and a text file
    keys = ["a/1.JPG", "a/2.png", "a/", "a/readme.txt", "a/3.jpeg"]
    # WHEN turned into manifest lines THEN only the images remain, as source-ref URIs
    lines = [json.loads(line) for line in s3_listing_lines("imgs", keys)]
    assert lines == [{"source-ref": f"s3://imgs/a/{n}"} for n in ("1.JPG", "2.png", "3.jpeg")]


def test_csv_listing_uses_the_source_column_and_keeps_file_line_numbers() -> None:
    # GIVEN a CSV whose second data row (file line 3) is not an S3 URI
    text = "id,source-ref\n1,s3://imgs/a.jpg\n2,not-a-uri\n"
    # WHEN validated THEN the error names line 3 of the file
    with pytest.raises(ManifestInvalid, match="line 3: 'source-ref' is not an s3://bucket/key URI"):
        validate_lines(listing_lines(text, "data.csv"))


def test_json_lines_listing_keeps_whole_objects_and_text_sources() -> None:
    # GIVEN JSON lines of inline text with extra attributes and a blank line
    text = '{"source": "a good bird", "id": 1}\n\n{"source": "a bad bird", "id": 2}\n'
    # WHEN validated THEN both objects are kept whole, compact, blank line dropped
    assert validate_lines(listing_lines(text, "texts.jsonl")) == [
        b'{"source":"a good bird","id":1}\n',
        b'{"source":"a bad bird","id":2}\n',
    ]


def test_rejects_a_csv_without_a_source_column() -> None:
    with pytest.raises(InputInvalid, match="'source-ref' or 'source'"):
        listing_lines("id,path\n1,x\n", "data.csv")


def test_rejects_a_duplicate_across_future_batches() -> None:
    # GIVEN 6 objects whose last repeats the first (they would land in different batches)
    lines = [*_uris(5), _uris(1)[0]]
    # WHEN planned THEN the duplicate is reported with both line numbers
    with pytest.raises(ManifestInvalid, match="line 6: duplicate of line 1"):
        plan_batches(lines, name="b", batch_size=3, min_objects=0)


def test_plan_names_batches_and_shuffles_reproducibly() -> None:
    # GIVEN 7 objects, shuffled with seed 7, in 3 batches
    first = plan_batches(_uris(7), name="birds", batches=3, shuffle=True, seed=7, min_objects=0)
    again = plan_batches(_uris(7), name="birds", batches=3, shuffle=True, seed=7, min_objects=0)
    # THEN names are zero-padded, the same seed gives the same order, and every object appears once
    assert [b.file_name for b in first] == ["birds-001.manifest", "birds-002.manifest", "birds-003.manifest"]
    assert [b.lines for b in first] == [b.lines for b in again]
    assert sorted(line for b in first for line in b.lines) == sorted(line + b"\n" for line in _uris(7))
    assert [line for b in first for line in b.lines] != [line + b"\n" for line in _uris(7)]


def test_fails_when_a_batch_is_below_the_auto_labeling_minimum() -> None:
    # GIVEN 2,600 objects cut by 1,300 (the last batch has 0 left over) and by 2,000 (600 left over)
    assert [len(b.lines) for b in plan_batches(_uris(2600), name="b", batch_size=1300)] == [1300, 1300]
    # WHEN the remainder is below 1,250 THEN the batch is named in the error
    with pytest.raises(ManifestTooSmall, match=r"b-002\.manifest: 600 objects"):
        plan_batches(_uris(2600), name="b", batch_size=2000)

"""Job names: deterministic, unique per upload, always valid for CreateLabelingJob."""

from __future__ import annotations

import hashlib
import itertools
import random
import re
import string

import pytest
from labelchain_fn.core.errors import InputInvalid, LabelingJobRequestInvalid
from labelchain_fn.core.naming import batch_hash, is_valid_name, job_name_from_arn, labeling_job_name

API_PATTERN = re.compile(r"^[a-zA-Z0-9](-*[a-zA-Z0-9]){0,62}$")


def _chain_names(count: int) -> list[str]:
    """Chain names as config allows them (lower-case, digits, single hyphens, <= 24) plus odd ones."""
    rng = random.Random(7)
    names = ["a", "birds", "bird-boxes", "x" * 24, "a-b-c-d-e-f-g-h-i-j-k-l", "0", "9lives"]
    alphabet = string.ascii_lowercase + string.digits
    while len(names) < count:
        parts = [
            "".join(rng.choice(alphabet) for _ in range(rng.randint(1, 6))) for _ in range(rng.randint(1, 4))
        ]
        name = "-".join(parts)[:24].strip("-")
        if name not in names:
            names.append(name)
    return names


def test_batch_hash_is_first_8_hex_of_sha256():
    # GIVEN an upload  WHEN hashed  THEN it is the documented prefix of sha256("bucket/key/version")
    expected = hashlib.sha256(b"in-bucket/incoming/birds/b1.manifest/v1").hexdigest()[:8]
    assert batch_hash("in-bucket", "incoming/birds/b1.manifest", "v1") == expected
    assert re.fullmatch(r"[0-9a-f]{8}", expected)


def test_batch_hash_differs_per_version_and_is_stable():
    # GIVEN the same key uploaded twice  WHEN hashed  THEN versions differ and repeats are equal
    first = batch_hash("b", "incoming/c/x.manifest", "v1")
    assert first == batch_hash("b", "incoming/c/x.manifest", "v1")
    assert first != batch_hash("b", "incoming/c/x.manifest", "v2")
    assert first != batch_hash("b", "incoming/c/y.manifest", "v1")


def test_main_and_control_names_follow_the_documented_shape():
    # GIVEN a chain, sequence and hash  WHEN named  THEN main and control names differ only by "c"
    assert labeling_job_name("lc", "birds", 1, "abcdef12") == "lc-birds-0001-abcdef12"
    assert labeling_job_name("lc", "birds", 1, "abcdef12", role="control") == "lc-birds-0001c-abcdef12"
    assert labeling_job_name("lc", "birds", 12345, "abcdef12") == "lc-birds-12345-abcdef12"


def test_names_are_lower_case():
    # GIVEN mixed-case parts  WHEN named  THEN the name is lower-case (names collide case-insensitively)
    assert labeling_job_name("LC", "Birds", 7, "ABCDEF12") == "lc-birds-0007-abcdef12"


@pytest.mark.parametrize("role", ["main", "control"])
def test_property_names_are_valid_unique_and_keep_sequence_and_hash(role):
    # GIVEN many chain names, sequences and hashes
    chains = _chain_names(300)
    sequences = [0, 1, 9, 10, 999, 1000, 9999, 10_000, 123_456_789]
    seen: set[str] = set()
    for chain, sequence in itertools.product(chains, sequences):
        digest = batch_hash("bucket", f"incoming/{chain}/{sequence}.manifest", "v")
        # WHEN named
        name = labeling_job_name("lc", chain, sequence, digest, role=role)
        # THEN the API pattern holds, the tail is intact, and no two inputs share a name
        assert API_PATTERN.match(name) and len(name) <= 63, name
        assert is_valid_name(name)
        suffix = "c" if role == "control" else ""
        assert name.endswith(f"-{sequence:04d}{suffix}-{digest}")
        assert name.startswith("lc-")
        assert name not in seen
        seen.add(name)


def test_long_chain_is_truncated_but_never_the_sequence_or_hash():
    # GIVEN a chain name far beyond the room left
    chain = "very-long-chain-name-" * 5
    # WHEN named
    name = labeling_job_name("prefix12", chain, 42, "deadbeef", role="control")
    # THEN it is exactly 63 characters (or fewer after dropping a trailing hyphen) and keeps its tail
    assert len(name) <= 63 and API_PATTERN.match(name)
    assert name.endswith("-0042c-deadbeef")
    assert name.startswith("prefix12-very-long-chain")
    assert "--0042" not in name


def test_truncation_drops_a_trailing_hyphen_of_the_cut_chain():
    # GIVEN a chain whose cut point falls right after a hyphen
    tail = "-0001-abcdef12"
    room = 63 - len("lc-") - len(tail)
    chain = "a" * (room - 1) + "-bbbb"
    # WHEN named  THEN the hyphen at the cut is dropped
    name = labeling_job_name("lc", chain, 1, "abcdef12")
    assert name == "lc-" + "a" * (room - 1) + tail


@pytest.mark.parametrize(
    ("prefix", "chain", "sequence", "digest", "role", "match"),
    [
        ("lc", "birds", -1, "abcdef12", "main", "sequence"),
        ("lc", "birds", True, "abcdef12", "main", "sequence"),
        ("lc", "birds", 1, "abcdef12", "shadow", "role"),
        ("lc", "bad_chain", 1, "abcdef12", "main", "LabelingJobName"),
        ("l.c", "birds", 1, "abcdef12", "main", "LabelingJobName"),
        ("-", "birds", 1, "abcdef12", "main", "LabelingJobName"),
        ("lc", "birds", 1, "abc_def", "main", "LabelingJobName"),
        ("x" * 60, "birds", 1, "abcdef12", "main", "LabelingJobName"),
        ("lc", "", 1, "abcdef12", "main", "LabelingJobName"),
    ],
)
def test_rejects_parts_that_cannot_make_a_valid_name(prefix, chain, sequence, digest, role, match):
    # GIVEN a part that breaks the name rules  WHEN named  THEN LabelingJobRequestInvalid names the problem
    with pytest.raises(LabelingJobRequestInvalid, match=match):
        labeling_job_name(prefix, chain, sequence, digest, role=role)


@pytest.mark.parametrize(
    ("name", "valid"),
    [
        ("a", True),
        ("lc-birds-0001-abcdef12", True),
        ("a--b", True),
        ("A1", True),
        ("x" * 63, True),
        ("x" * 64, False),
        ("", False),
        ("-a", False),
        ("a-", False),
        ("a_b", False),
        ("a.b", False),
        ("a b", False),
        ("é", False),
    ],
)
def test_is_valid_name(name, valid):
    # GIVEN a candidate name  WHEN checked  THEN it follows the API pattern and 63-character limit
    assert is_valid_name(name) is valid


def test_is_valid_name_honours_max_len():
    # GIVEN a 100-character label attribute name  WHEN checked with max_len=127  THEN it is valid
    assert is_valid_name("a" * 100, max_len=127)
    assert not is_valid_name("a" * 128, max_len=127)


def test_job_name_from_arn():
    # GIVEN a labeling-job ARN  WHEN parsed  THEN the text after labeling-job/ is the name
    arn = "arn:aws:sagemaker:us-east-1:123456789012:labeling-job/lc-birds-0001-abcdef12"
    assert job_name_from_arn(arn) == "lc-birds-0001-abcdef12"


@pytest.mark.parametrize(
    "arn", ["arn:aws:sagemaker:us-east-1:123456789012:training-job/x", "", "labeling-job/", None]
)
def test_rejects_arn_that_is_not_a_labeling_job(arn):
    # GIVEN something that is not a labeling-job ARN  WHEN parsed  THEN InputInvalid
    with pytest.raises(InputInvalid):
        job_name_from_arn(arn)

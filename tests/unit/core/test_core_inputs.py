"""Execution input: S3 "Object Created" events and console requests."""

from __future__ import annotations

import copy
from typing import Any

import pytest
from labelchain_fn.core.errors import InputInvalid
from labelchain_fn.core.inputs import BatchRequest, parse_execution_input, parse_s3_uri

EVENT: dict[str, Any] = {
    "version": "0",
    "id": "17793124-05d4-b198-2fde-7ededc63b103",
    "detail-type": "Object Created",
    "source": "aws.s3",
    "account": "123456789012",
    "time": "2026-03-02T14:05:27Z",
    "region": "us-east-1",
    "resources": ["arn:aws:s3:::labelchain-input"],
    "detail": {
        "version": "0",
        "bucket": {"name": "labelchain-input"},
        "object": {
            "key": "incoming/birds/batch 2+(1).manifest",
            "size": 5,
            "etag": "b1946ac92492d2347c6235b4d2611184",
            "version-id": "IYV3p45BT0ac8hjHg1houSdS1a.Mro8e",
            "sequencer": "00617F08299329D189",
        },
        "request-id": "N4N7GDK58NMKJ12R",
        "requester": "123456789012",
        "reason": "PutObject",
    },
}


def _event(**object_fields: Any) -> dict[str, Any]:
    event = copy.deepcopy(EVENT)
    event["detail"]["object"].update(object_fields)
    return event


def test_event_becomes_a_batch_request_with_the_key_as_delivered_then_decoded():
    # GIVEN an EventBridge S3 event whose key holds a space and a "+" (EventBridge sends keys as is)
    request = parse_execution_input(EVENT)
    # THEN the key is the delivered one, the form-decoded spelling the fallback, the version the identity
    assert request == BatchRequest(
        chain="birds",
        bucket="labelchain-input",
        key="incoming/birds/batch 2+(1).manifest",
        version_id="IYV3p45BT0ac8hjHg1houSdS1a.Mro8e",
        etag="b1946ac92492d2347c6235b4d2611184",
        warm_start=None,
        control=None,
        source="event",
        key_spellings=("incoming/birds/batch 2+(1).manifest", "incoming/birds/batch 2 (1).manifest"),
    )
    assert request.identity == "IYV3p45BT0ac8hjHg1houSdS1a.Mro8e"


@pytest.mark.parametrize(
    ("key", "spellings"),
    [
        pytest.param("incoming/birds/plain-1.manifest", ("incoming/birds/plain-1.manifest",), id="plain"),
        pytest.param(
            "incoming/birds/%2B%20%%%.manifest",
            ("incoming/birds/%2B%20%%%.manifest", "incoming/birds/+ %%%.manifest"),
            id="percent-sequences",
        ),
        pytest.param(
            "incoming%2Fbirds%2Fa+b.manifest",
            ("incoming%2Fbirds%2Fa+b.manifest", "incoming/birds/a b.manifest"),
            id="notification-spelling-chain-from-the-decoded-key",
        ),
        pytest.param("incoming/birds/é:=.manifest", ("incoming/birds/é:=.manifest",), id="unicode-colon"),
    ],
)
def test_an_event_key_is_tried_as_delivered_first(key: str, spellings: tuple[str, ...]) -> None:
    # GIVEN an event key  WHEN parsed  THEN the spellings to try are the key, then its decoded form if other
    request = parse_execution_input(_event(key=key))
    assert request.key_spellings == spellings and request.key == key and request.chain == "birds"


def test_a_console_request_has_one_spelling():
    # GIVEN a console input with a "+" in the key  WHEN parsed  THEN the key is taken literally, once
    request = parse_execution_input(
        {"chain": "birds", "manifest": "s3://labelchain-input/manual/a+b.manifest"}
    )
    assert request.key_spellings == ("manual/a+b.manifest",)


def test_event_without_version_uses_etag_then_empty_identity():
    # GIVEN an unversioned upload  WHEN parsed  THEN the ETag is the identity; without it, ""
    event = copy.deepcopy(EVENT)
    del event["detail"]["object"]["version-id"]
    assert parse_execution_input(event).identity == "b1946ac92492d2347c6235b4d2611184"
    del event["detail"]["object"]["etag"]
    assert parse_execution_input(event).identity == ""


def test_event_with_nested_path_keeps_first_segment_as_chain():
    # GIVEN a manifest in a sub-folder of the chain  WHEN parsed  THEN the chain is the first segment
    request = parse_execution_input(_event(key="incoming/birds/2026/03/b1.manifest"))
    assert (request.chain, request.key) == ("birds", "incoming/birds/2026/03/b1.manifest")


@pytest.mark.parametrize(
    "key",
    [
        "incoming/b1.manifest",
        "incoming//b1.manifest",
        "incoming/birds/b1.json",
        "outgoing/birds/b1.manifest",
        "incoming/birds/.manifest",
        "x/incoming/birds/b1.manifest",
    ],
)
def test_rejects_event_key_outside_incoming_chain_folder(key):
    # GIVEN an upload whose key is not incoming/<chain>/<name>.manifest  WHEN parsed  THEN InputInvalid
    with pytest.raises(InputInvalid, match=r"detail\.object\.key"):
        parse_execution_input(_event(key=key))


@pytest.mark.parametrize(
    ("mutate", "field"),
    [
        (lambda e: e.update({"detail-type": "Object Deleted"}), "detail-type"),
        (lambda e: e.update({"detail": "oops"}), "detail"),
        (lambda e: e["detail"].pop("bucket"), "detail.bucket.name"),
        (lambda e: e["detail"]["bucket"].update({"name": ""}), "detail.bucket.name"),
        (lambda e: e["detail"].pop("object"), "detail.object.key"),
        (lambda e: e["detail"]["object"].update({"key": 5}), "detail.object.key"),
        (lambda e: e["detail"]["object"].update({"version-id": 3}), "detail.object.version-id"),
        (lambda e: e["detail"]["object"].update({"etag": ""}), "detail.object.etag"),
    ],
)
def test_rejects_malformed_event(mutate, field):
    # GIVEN an S3 event with one wrong field  WHEN parsed  THEN InputInvalid names the field
    event = copy.deepcopy(EVENT)
    mutate(event)
    with pytest.raises(InputInvalid, match=field):
        parse_execution_input(event)


def test_console_input_with_all_fields():
    # GIVEN a console request  WHEN parsed  THEN every field is kept and there is no version yet
    request = parse_execution_input(
        {
            "chain": "birds",
            "manifest": "s3://my-bucket/batches/b 2.manifest",
            "warmStart": "none",
            "control": True,
        }
    )
    assert request == BatchRequest(
        "birds", "my-bucket", "batches/b 2.manifest", None, None, "none", True, "console"
    )
    assert request.identity == ""


def test_console_input_minimal():
    # GIVEN only chain and manifest  WHEN parsed  THEN warm start and control defer to the chain
    request = parse_execution_input({"chain": "birds", "manifest": "s3://my-bucket/b.manifest"})
    assert (request.warm_start, request.control, request.source) == (None, None, "console")


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"manifest": "s3://my-bucket/b.manifest"}, "chain: expected a chain name; received None"),
        ({"chain": 3, "manifest": "s3://my-bucket/b.manifest"}, "chain: expected a chain name; received 3"),
        ({"chain": "birds"}, "manifest: expected an s3://bucket/key URI; received None"),
        (
            {"chain": "birds", "manifest": "https://x/y"},
            "manifest: expected an s3://bucket/key URI; received 'https",
        ),
        ({"chain": "birds", "manifest": "s3://my-bucket/"}, "manifest: expected an s3://bucket/key URI"),
        (
            {"chain": "birds", "manifest": "s3://bkt/k", "control": "yes"},
            "control: expected true or false; received 'yes'",
        ),
        (
            {"chain": "birds", "manifest": "s3://bkt/k", "warmStart": 1},
            "warmStart: expected a non-empty string; received 1",
        ),
        (
            {"chain": "birds", "manifest": "s3://bkt/k", "warmstart": "none"},
            "warmstart: expected only the fields",
        ),
    ],
)
def test_rejects_wrong_console_fields_naming_field_expected_and_received(data, message):
    # GIVEN a console request with a wrong field  WHEN parsed  THEN the message names field/expected/received
    with pytest.raises(InputInvalid) as raised:
        parse_execution_input(data)
    assert message in str(raised.value)


@pytest.mark.parametrize("data", [{}, {"foo": 1}, {"source": "aws.sagemaker"}, [], "s3://b/k", None])
def test_rejects_unknown_input_shapes(data):
    # GIVEN neither an S3 event nor a console request  WHEN parsed  THEN InputInvalid
    with pytest.raises(InputInvalid, match="input"):
        parse_execution_input(data)


@pytest.mark.parametrize(
    ("uri", "expected"),
    [
        ("s3://my-bucket/key.manifest", ("my-bucket", "key.manifest")),
        ("s3://my.bucket-1/a/b/c d.manifest", ("my.bucket-1", "a/b/c d.manifest")),
    ],
)
def test_parse_s3_uri(uri, expected):
    # GIVEN an S3 URI  WHEN split  THEN bucket and key
    assert parse_s3_uri(uri) == expected


@pytest.mark.parametrize(
    "uri",
    ["https://my-bucket/key", "s3://my-bucket", "s3://my-bucket/", "s3://MyBucket/key", "s3:/b/k", "", 5],
)
def test_rejects_non_s3_uri(uri):
    # GIVEN something that is not s3://bucket/key  WHEN split  THEN InputInvalid
    with pytest.raises(InputInvalid):
        parse_s3_uri(uri)

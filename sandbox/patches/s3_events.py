"""Give S3 → EventBridge events the shape AWS documents.

moto 5.2.5 builds ``Object Created`` events with ``eTag`` (AWS: ``etag``), ``version-id: "null"`` for
unversioned buckets (AWS omits it), ``reason: "ObjectCreated"`` (AWS: the API, e.g. ``PutObject``) and a
fixed sequencer; the sandbox sends the AWS shape. The key goes out as is: AWS does not document its
spelling in EventBridge events, and captures from real accounts (keys such as ``test+b.png``,
``%2B%20%%%.png``, ``ARTISTS K to O.png``) show it unencoded — unlike S3's notification format
(SQS/SNS/Lambda), which form-encodes it. Delivering the notification spelling here would let a handler that
decodes keys pass in the sandbox and fail in AWS. Delivery still goes through each rule's
``send_to_targets`` (see :mod:`sandbox.patches.events_targets`).
"""

from __future__ import annotations

import copy
import itertools
import logging
import uuid
from typing import Any, cast

import moto.s3.notifications as s3_notifications
from moto.core.utils import unix_time

from ._base import AttributePatch, PatchSet

LOG = logging.getLogger(__name__)
_sequencer = itertools.count(0x617F08299329D189)
#: ``s3:ObjectCreated:<suffix>`` → the ``reason`` AWS reports.
_REASONS = {"Put": "PutObject", "Post": "PostObject", "Copy": "CopyObject"}


def object_event(account_id: str, bucket: Any, event_name: str, key: Any) -> dict[str, Any]:
    """The EventBridge event for one S3 notification (``time`` as epoch seconds, like moto's own)."""
    from moto.events.utils import _BASE_EVENT_MESSAGE

    event: dict[str, Any] = copy.deepcopy(cast(dict[str, Any], _BASE_EVENT_MESSAGE))
    suffix = event_name.split(":")[-1]
    obj: dict[str, Any] = {
        "key": key.name,
        "size": key.size,
        "etag": key.etag.replace('"', ""),
    }
    if key.version_id and key.version_id != "null":
        obj["version-id"] = key.version_id
    obj["sequencer"] = f"{next(_sequencer):016X}"
    event.update(
        {
            "id": str(uuid.uuid4()),
            "detail-type": s3_notifications._detail_type(event_name),
            "source": "aws.s3",
            "account": account_id,
            "time": unix_time(),
            "region": bucket.region_name,
            "resources": [bucket.arn],
            "detail": {
                "version": "0",
                "bucket": {"name": bucket.name},
                "object": obj,
                "request-id": uuid.uuid4().hex[:16].upper(),
                "requester": account_id,
                "source-ip-address": "127.0.0.1",
                "reason": _REASONS.get(suffix, suffix),
            },
        }
    )
    return event


def _send_event_bridge_message(account_id: str, bucket: Any, event_name: str, key: Any) -> None:
    from moto.events.models import events_backends

    try:
        event = object_event(account_id, bucket, event_name, key)
        backend = events_backends[account_id][bucket.region_name]
        for event_bus in list(backend.event_buses.values()):
            for rule in list(event_bus.rules.values()):
                rule.send_to_targets(cast(Any, copy.deepcopy(event)), transform_input=False)
    except Exception:  # S3 never fails the upload because of a notification (moto's contract too)
        LOG.exception("S3 EventBridge notification for %s failed", bucket.name)


PATCH = PatchSet(
    __name__,
    AttributePatch(
        s3_notifications, "_send_event_bridge_message", lambda _original: _send_event_bridge_message
    ),
)

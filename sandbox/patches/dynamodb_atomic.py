"""Make moto's DynamoDB writes atomic, as DynamoDB's conditional writes are.

moto evaluates a ``ConditionExpression`` and then writes, with no lock between the two. The moto server
handles requests on several threads, so two concurrent ``PutItem ... attribute_not_exists(pk)`` calls can
both succeed, and two ``UpdateItem ADD lastSequence :one`` calls can return the same number: the pipeline's
upload claim and sequence reservation would then see races DynamoDB never produces. One process-wide lock
around the write operations restores DynamoDB's per-item atomicity (reads are not serialized).
"""

from __future__ import annotations

import functools
import threading
from collections.abc import Callable
from typing import Any

from moto.dynamodb.models import DynamoDBBackend

from ._base import AttributePatch, PatchSet

_WRITES = ("put_item", "update_item", "delete_item", "transact_write_items")
_LOCK = threading.RLock()


def _build(original: Callable[..., Any]) -> Callable[..., Any]:
    @functools.wraps(original)
    def serialized(self: DynamoDBBackend, *args: Any, **kwargs: Any) -> Any:
        with _LOCK:
            return original(self, *args, **kwargs)

    serialized.__sandbox_patch__ = True  # type: ignore[attr-defined]
    return serialized


PATCH = PatchSet(__name__, *(AttributePatch(DynamoDBBackend, name, _build) for name in _WRITES))

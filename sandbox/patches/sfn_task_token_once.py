"""A task token answers once, as in AWS.

moto 5.2.5 keeps every callback endpoint in its pool after the task resumed, so a second
``SendTaskSuccess``/``SendTaskFailure`` for the same token succeeds silently. AWS refuses a callback for a
task that already closed (``TaskTimedOut``: "Provided task does not exist anymore"), and the pipeline
relies on that: the monitor resends a callback whose sender may have died, trusting Step Functions to
refuse it when the task has already resumed. Without this patch the sandbox would accept the resend and
agree with a double callback that AWS never delivers.
"""

from __future__ import annotations

from typing import Any

from moto.core.exceptions import AWSError
from moto.stepfunctions.parser.asl.eval.callback.callback import CallbackPoolManager

from ._base import AttributePatch, PatchSet


class TaskTimedOut(AWSError):
    """AWS's answer to a callback for a task that already closed (moto's own ``TaskTimedOut`` cannot be
    raised: it lacks the message its error renderer needs)."""

    TYPE = "TaskTimedOut"
    STATUS = 400


def _build(original: Any) -> Any:
    def notify(self: CallbackPoolManager, callback_id: str, outcome: Any) -> bool:
        endpoint = self.get(callback_id)
        if endpoint is not None and endpoint.get_outcome() is not None:
            raise TaskTimedOut("Task Timed Out: 'Provided task does not exist anymore'")
        return bool(original(self, callback_id, outcome))

    return notify


PATCH = PatchSet(__name__, AttributePatch(CallbackPoolManager, "notify", _build))

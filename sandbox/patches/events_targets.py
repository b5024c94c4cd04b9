"""Deliver EventBridge events to Step Functions and Lambda targets.

moto 5.2.5's ``Rule.send_to_targets`` raises ``NotImplementedError: Expr not defined for <class
'moto.events.models.Rule'>`` for ``states`` and ``lambda`` targets (and the S3 path swallows it, so an upload
never starts a state machine). The wrapper handles those two target types the way EventBridge does:

* the target input is ``Input`` (verbatim), else ``InputPath`` applied to the event, else the
  ``InputTransformer`` output, else the whole event (with an ISO-8601 ``time``);
* ``states`` targets get ``StartExecution`` with a generated name;
* ``lambda`` targets are invoked asynchronously.

Other targets go to moto's method one by one (with ``Input``/``InputPath`` applied, which moto ignores), so
one failing target no longer blocks the rest. Disabled
rules and schedule-only rules (no pattern) never match events, as in AWS.
"""

from __future__ import annotations

import copy
import json
import logging
import threading
import uuid
from collections import deque
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any, cast

from moto.events.models import EventPattern, Rule
from moto.events.utils import EventTemplateParser
from moto.utilities.arns import parse_arn

from ._base import AttributePatch, PatchSet

LOG = logging.getLogger(__name__)

#: The most recent deliveries (rule ARN, target ARN, input JSON, outcome), newest last, for diagnostics.
deliveries: deque[dict[str, str]] = deque(maxlen=500)
_lock = threading.Lock()


def aws_event(event: dict[str, Any]) -> dict[str, Any]:
    """The event as EventBridge hands it to targets: no moto bookkeeping, ``time`` as ISO-8601."""
    shaped = {key: value for key, value in event.items() if key != "ingestion-time"}
    if isinstance(shaped.get("time"), int | float):
        shaped["time"] = datetime.fromtimestamp(shaped["time"], UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    return shaped


def target_input(target: dict[str, Any], event: dict[str, Any]) -> str:
    """The JSON text a target receives for ``event``."""
    if "Input" in target:
        return str(target["Input"])
    shaped = aws_event(event)
    if "InputPath" in target:
        from jsonpath_ng.ext import parse  # a moto dependency

        matches = parse(target["InputPath"]).find(shaped)
        return json.dumps(matches[0].value if matches else None)
    if "InputTransformer" in target:
        transformer = target["InputTransformer"]
        with_time = {**shaped, "ingestion-time": event.get("ingestion-time", 0)}
        return json.dumps(
            EventTemplateParser.parse(
                input_template=transformer.get("InputTemplate"),
                input_paths_map=transformer.get("InputPathsMap", {}),
                event=cast(Any, with_time),
            )
        )
    return json.dumps(shaped)


def _record(rule: Rule, target: dict[str, Any], body: str, outcome: str) -> None:
    with _lock:
        deliveries.append({"rule": rule.arn, "target": target["Arn"], "input": body, "outcome": outcome})


def _start_execution(target_arn: str, body: str) -> str:
    from moto.stepfunctions.responses import get_backend

    arn = parse_arn(target_arn)
    execution = get_backend(arn.account, arn.region).start_execution(
        state_machine_arn=target_arn, name=str(uuid.uuid4()), execution_input=body
    )
    return str(execution.execution_arn)


def _invoke_function(target_arn: str, body: str) -> threading.Thread:
    from moto.awslambda.utils import get_backend

    from .lambda_invoke import invoke_in_background

    arn = parse_arn(target_arn)
    function = get_backend(arn.account, arn.region).get_function(target_arn)
    return invoke_in_background(function, body)


def deliver(
    rule: Rule,
    event: dict[str, Any],
    original: Callable[..., Any] | None = None,
    transform_input: bool = True,
) -> list[threading.Thread]:
    """Send ``event`` to every target of ``rule`` (no pattern check: callers decide that).

    ``original`` is moto's method, used for the target types moto supports itself. Returns the threads of
    the asynchronous Lambda invocations (so a caller can wait for them or avoid piling them up).
    """
    invocations: list[threading.Thread] = []
    for target in list(rule.targets):
        service = parse_arn(target["Arn"]).service
        body = target_input(target, event)
        try:
            if service == "states":
                outcome = _start_execution(target["Arn"], body)
            elif service == "lambda":
                invocations.append(_invoke_function(target["Arn"], body))
                outcome = "invoked"
            elif original is not None:
                single = copy.copy(rule)
                single.targets = [target]
                single.event_pattern = EventPattern.load(None)  # matched already; the input may differ
                replaced = json.loads(body) if ("Input" in target or "InputPath" in target) else None
                if isinstance(replaced, dict):  # moto's own targets ignore Input/InputPath
                    original(single, replaced, False)
                else:
                    original(single, event, transform_input)
                outcome = "delivered"
            else:
                outcome = "unsupported"
        except Exception as error:  # EventBridge retries/dead-letters; it never fails the publisher
            LOG.exception("delivery of %s to %s failed", rule.arn, target["Arn"])
            outcome = f"failed: {error!r}"
        _record(rule, target, body, outcome)
    return invocations


def _build(original: Callable[..., Any]) -> Callable[..., Any]:
    def send_to_targets(self: Rule, original_event: dict[str, Any], transform_input: bool = True) -> None:
        if self.state != "ENABLED":
            return
        if self.scheduled_expression and not self.event_pattern.get_pattern():
            return  # a schedule-only rule matches no event
        if not self.event_pattern.matches_event(cast(Any, original_event)):
            return
        deliver(self, original_event, original, transform_input)

    return send_to_targets


_SEND = AttributePatch(Rule, "send_to_targets", _build)
PATCH = PatchSet(__name__, _SEND)


def original_send_to_targets() -> Callable[..., Any] | None:
    """moto's own method while the patch is installed (for delivering to its supported targets)."""
    return _SEND.original if _SEND.installed else None

"""Give unnamed executions a UUID name, as AWS does.

Without ``name`` moto's parser backend names the execution ``None`` (ARN ending ``:None``): a second start
returns the first execution or fails with ``ExecutionAlreadyExists``, and ``list_executions`` breaks.
EventBridge starts executions without a name, so the sandbox needs this.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any

from moto.stepfunctions.parser.models import StepFunctionsParserBackend

from ._base import AttributePatch, PatchSet


def _build(original: Callable[..., Any]) -> Callable[..., Any]:
    def start_execution(
        self: StepFunctionsParserBackend,
        state_machine_arn: str,
        name: str | None = None,
        execution_input: str | None = None,
        trace_header: str | None = None,
    ) -> Any:
        return original(self, state_machine_arn, name or str(uuid.uuid4()), execution_input, trace_header)

    start_execution.__sandbox_patch__ = True  # type: ignore[attr-defined]
    return start_execution


PATCH = PatchSet(__name__, AttributePatch(StepFunctionsParserBackend, "start_execution", _build))

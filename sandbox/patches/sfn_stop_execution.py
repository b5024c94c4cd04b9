"""``StopExecution`` ends an execution that waits for a callback, as ``ABORTED``.

In moto 5.2.5, ``StopExecution`` marks the program stopped, but a Task waiting for its task token
(``.waitForTaskToken``) keeps waiting, so the execution stays ``RUNNING``; when the task finally ends with
an error, that error replaces the stop and the execution ends ``FAILED``. In AWS the execution is
``ABORTED`` at once (an ``ExecutionAborted`` event) and no other state runs. The patch wakes the waiting
callbacks on stop and ignores ``Environment.set_error`` once the program is stopped.
"""

from __future__ import annotations

from typing import Any

from moto.stepfunctions.parser.asl.eval.environment import Environment
from moto.stepfunctions.parser.asl.eval.program_state import ProgramStopped
from moto.stepfunctions.parser.backend.execution import Execution

from ._base import AttributePatch, PatchSet


def _build(original: Any) -> Any:
    def set_error(self: Environment, error: Any) -> None:
        if isinstance(self.program_state(), ProgramStopped):
            return  # an aborted execution stays aborted, whatever its interrupted state raises
        original(self, error)

    return set_error


def _build_stop(original: Any) -> Any:
    def stop(self: Execution, stop_date: Any, error: str | None, cause: str | None) -> None:
        original(self, stop_date=stop_date, error=error, cause=cause)
        env = self.exec_worker.env if self.exec_worker else None
        pool = vars(env.callback_pool_manager).get("_pool", {}) if env else {}
        for endpoint in list(pool.values()):
            endpoint.interrupt_all()  # the waiting task returns; the stopped program then ends ABORTED

    return stop


PATCH = PatchSet(
    __name__,
    AttributePatch(Environment, "set_error", _build),
    AttributePatch(Execution, "stop", _build_stop),
)

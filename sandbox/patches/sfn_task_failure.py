"""Keep ``cause`` on ``SendTaskFailure``.

moto 5.2.5's ``StepFunctionResponse.send_task_failure`` reads only ``error`` and drops ``cause``, so a
``Catch`` with ``ResultPath`` sees ``Cause: null`` where AWS passes the text on. The backend already
accepts ``cause``; only the response method is replaced.
"""

from __future__ import annotations

from typing import Any

from moto.core.responses import EmptyResult
from moto.stepfunctions.parser.models import StepFunctionsParserBackend
from moto.stepfunctions.responses import StepFunctionResponse

from ._base import AttributePatch, PatchSet


def _build(_original: Any) -> Any:
    def send_task_failure(self: StepFunctionResponse) -> EmptyResult:
        backend = self.stepfunction_backend
        token, error = self._get_param("taskToken"), self._get_param("error")
        if isinstance(backend, StepFunctionsParserBackend):
            backend.send_task_failure(token, error=error, cause=self._get_param("cause"))
        else:  # the non-executing backend has no cause parameter (and ignores the call anyway)
            backend.send_task_failure(token, error=error)
        return EmptyResult()

    return send_task_failure


PATCH = PatchSet(__name__, AttributePatch(StepFunctionResponse, "send_task_failure", _build))

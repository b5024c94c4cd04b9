"""Turn Step Functions execution on for the whole process.

moto 5.2.5 defaults ``default_user_config["stepfunctions"]["execute_state_machine"]`` to ``False``: the
definition is ignored and executions stay ``RUNNING``. Setting it at start-up (instead of POSTing
``/moto-api/config`` after every reset) makes ``moto.stepfunctions.responses.get_backend`` pick the
executing parser backend in server mode and survives ``/moto-api/reset``.
"""

from __future__ import annotations

from typing import Any

from moto.core.config import default_user_config

from ._base import ItemPatch, PatchSet


def _executing(original: dict[str, Any] | None) -> dict[str, Any]:
    return {**(original or {}), "execute_state_machine": True}


PATCH = PatchSet(__name__, ItemPatch(default_user_config, "stepfunctions", _executing, must_exist=False))

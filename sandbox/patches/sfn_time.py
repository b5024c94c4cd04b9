"""Compress Step Functions ``Wait`` states and ``Retry`` back-off by a factor.

moto's interpreter really sleeps: ``Wait: 3600`` blocks for an hour and a ``Retry`` with
``IntervalSeconds: 30`` sleeps 30 s. Both are scaled here by the *time scale* (real seconds per declared
second): ``0`` means no sleep, ``1`` is real time, ``1/3600`` turns an hour into a second.

``time.sleep`` is never patched globally: the ``Wait`` method is replaced, and the retrier module gets its
own ``time`` object whose ``sleep`` scales.
"""

from __future__ import annotations

import os
import threading
import time
from types import ModuleType
from typing import Any

import moto.stepfunctions.parser.asl.component.common.retry.retrier_decl as retrier_decl
from moto.stepfunctions.parser.asl.component.state.wait.wait_function.wait_function import WaitFunction

from ._base import AttributePatch, PatchSet

#: Environment variable read when no scale was set in-process.
TIME_SCALE_ENV = "SANDBOX_TIME_SCALE"

_lock = threading.Lock()
_scale: float | None = None


def set_time_scale(scale: float | None) -> None:
    """Set the real seconds per declared second (``None`` = fall back to ``$SANDBOX_TIME_SCALE`` or 1)."""
    if scale is not None and scale < 0:
        raise ValueError(f"time scale must be >= 0; received {scale}")
    global _scale
    with _lock:
        _scale = scale


def time_scale() -> float:
    """The scale in force: the in-process setting, else ``$SANDBOX_TIME_SCALE``, else 1 (real time)."""
    if _scale is not None:
        return _scale
    return float(os.environ.get(TIME_SCALE_ENV, "1"))


def scaled(seconds: float) -> float:
    """Real seconds for ``seconds`` declared ones."""
    return max(0.0, float(seconds) * time_scale())


def _wait_interval(self: WaitFunction, env: Any, wait_seconds: float) -> None:
    # Waiting on the program-state event (as moto does) keeps StopExecution able to interrupt the Wait.
    real = scaled(wait_seconds)
    if real > 0:
        env.program_state_event.wait(real)


class _ScaledTime:
    """Stand-in for the ``time`` module inside the retrier: ``sleep`` scales, the rest delegates."""

    def __init__(self, real: ModuleType) -> None:
        self._real = real

    def sleep(self, seconds: float) -> None:
        real = scaled(seconds)
        if real > 0:
            self._real.sleep(real)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._real, name)


#: Scales ``Wait`` and ``Retry`` sleeps by :func:`time_scale`; uninstalling forgets the in-process scale.
PATCH = PatchSet(
    __name__,
    AttributePatch(WaitFunction, "_wait_interval", lambda _original: _wait_interval),
    AttributePatch(retrier_decl, "time", lambda _original: _ScaledTime(time)),
    on_uninstall=lambda: set_time_scale(None),
)

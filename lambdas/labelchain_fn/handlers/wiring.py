"""The entry-point wiring every handler shares: the Powertools decorators, the settings the function
declares (:mod:`labelchain_fn.functions`), and the clients, store and clock of one invocation.

A handler's ``handler()`` says only what differs: which of these its function takes (:meth:`Wiring.using`)
and what it counts. Each client is made on first use, so a handler builds (and reads the settings of) only
what it uses.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import cached_property
from typing import Any

from labelchain_fn.adapters.callbacks import Callbacks
from labelchain_fn.adapters.job_store import JobStore
from labelchain_fn.adapters.labeling import LabelingJobs
from labelchain_fn.adapters.notifier import Notifier
from labelchain_fn.adapters.objects import Objects
from labelchain_fn.adapters.settings import Settings, get_settings, load_chains
from labelchain_fn.core.config import ChainConfig
from labelchain_fn.handlers.shared import (
    emit_notifications_failed,
    logger,
    metrics,
    now_iso,
    surfaces_transient_errors,
    tracer,
)

Handler = Callable[[dict[str, Any], Any], dict[str, Any]]
#: What the handlers that settle or close jobs take (RecordJob, RecordFailure).
SETTLES = ("chains", "store", "labeling", "objects", "notifier", "now", "region")


def entry_point(*, log_event: bool | None = None, flush_metrics: bool = True) -> Callable[[Handler], Handler]:
    """The decorators of a Lambda entry point, outermost first: the Lambda context in the logs (and the
    event with ``log_event``), tracing, the invocation's metrics (``flush_metrics``, default true; off for
    a handler that prints its metrics as it goes) and :func:`surfaces_transient_errors`."""

    def decorate(handler: Handler) -> Handler:
        wrapped = surfaces_transient_errors(handler)
        if flush_metrics:
            wrapped = metrics.log_metrics(wrapped)
        wrapped = tracer.capture_lambda_handler(wrapped)
        decorated: Handler = logger.inject_lambda_context(wrapped, log_event=log_event)
        return decorated

    return decorate


class Wiring:
    """The settings (``required``: the variables the function declares, its ``REQUIRED``) and, made on
    first use, what a handler passes on: ``chains``, ``store``, ``labeling``, ``objects``, ``callbacks``,
    ``notifier``, ``now`` (the invocation's ISO time) and ``region``."""

    def __init__(self, required: tuple[str, ...]) -> None:
        self.settings: Settings = get_settings().require(*required)

    @cached_property
    def chains(self) -> dict[str, ChainConfig]:
        return load_chains()

    @cached_property
    def store(self) -> JobStore:
        return JobStore(self.settings.table_name)

    @cached_property
    def labeling(self) -> LabelingJobs:
        return LabelingJobs()

    @cached_property
    def objects(self) -> Objects:
        return Objects()

    @cached_property
    def callbacks(self) -> Callbacks:
        return Callbacks()

    @cached_property
    def notifier(self) -> Notifier:
        return Notifier(self.settings.topic_arn)

    @cached_property
    def now(self) -> str:
        return now_iso()

    @property
    def region(self) -> str:
        return self.settings.region

    def using(self, *names: str) -> dict[str, Any]:
        """The keyword arguments ``names`` of a handler's function, made in that order."""
        return {name: getattr(self, name) for name in names}

    def notifications_failed(self) -> int:
        """How many notifications of this invocation failed (0 when nothing was published)."""
        return self.notifier.failed if "notifier" in self.__dict__ else 0

    def emit_notifications_failed(self) -> None:
        """Print this invocation's ``NotificationsFailed`` (pipeline-wide)."""
        emit_notifications_failed(self.notifications_failed())

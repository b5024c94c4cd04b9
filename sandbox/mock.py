"""The sandbox in ``mock_aws`` (decorator) mode, for fast workflow tests without a server.

>>> with mock_sandbox(handlers={"prepare": prepare_handler}) as box:   # doctest: +SKIP
...     ...                                   # boto3 clients talk to moto in this process
...     box.advance(hours=4)                  # simulated Ground Truth jobs finish, schedules fire

Every patch the registry (:data:`sandbox.patches.REGISTRY`) marks in-process is installed: Step
Functions execution (with UUID names, scaled sleeps, ``cause`` on task failure, final stops, JSONata),
EventBridge delivery to Step Functions and Lambda, AWS-shaped S3 events, CloudFormation fixes, in-process
Lambda handlers; and the simulated Ground Truth on a frozen clock. All of it is removed again on exit. Do
not run a :class:`~sandbox.server.Sandbox` in the same process at the same time.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import datetime

from moto import mock_aws

from . import groundtruth
from .clock import SimClock
from .lambda_runtime.inprocess import Handler, InProcessRunner
from .patches import install_all, lambda_invoke, uninstall_all
from .scheduler import Scheduler


@dataclass
class MockSandbox:
    """What :func:`mock_sandbox` yields: the handler registry, the frozen clock and its scheduler."""

    registry: InProcessRunner
    clock: SimClock
    scheduler: Scheduler

    def register(self, function_name: str, handler: Handler) -> None:
        """Run ``handler`` when the function named ``function_name`` is invoked."""
        self.registry.register(function_name, handler)

    def advance(self, hours: float) -> datetime:
        """Move simulated time forward; finish due labeling jobs and fire due schedules."""
        moment = groundtruth.advance(hours)
        self.scheduler.tick(moment)
        return moment


@contextlib.contextmanager
def mock_sandbox(
    *,
    handlers: Mapping[str, Handler] | None = None,
    resolve_handlers: bool = False,
    seed: int = 0,
    start: datetime | None = None,
    time_scale: float = 0.0,
) -> Iterator[MockSandbox]:
    """``mock_aws`` with the in-process sandbox (see the module docstring).

    Parameters
    ----------
    handlers : in-process Lambda handlers by function name (more can be registered later).
    resolve_handlers : run the configured ``Handler`` of functions without a registration (default false).
    seed : seed of the simulated Ground Truth (default 0).
    start : simulated start time (default: now); the clock is frozen and moves with ``advance``.
    time_scale : scale of Step Functions ``Wait``/``Retry`` sleeps (default 0: no sleeping).
    """
    clock = SimClock(None, start=start)
    install_all(time_scale=time_scale, lambda_mode="inprocess", scope="in_process")
    groundtruth.install()
    groundtruth.configure(clock=clock, seed=seed)
    lambda_invoke.registry.resolve_handlers = resolve_handlers
    try:
        with (
            mock_aws(config={"stepfunctions": {"execute_state_machine": True}}),
            lambda_invoke.registry.registered(handlers or {}),
        ):
            yield MockSandbox(lambda_invoke.registry, clock, Scheduler(clock, min_real_seconds=0.0))
    finally:
        lambda_invoke.registry.clear()
        lambda_invoke.registry.resolve_handlers = False
        groundtruth.uninstall()
        groundtruth.reset_config()
        uninstall_all(scope="in_process")
        lambda_invoke.configure(mode="subprocess")

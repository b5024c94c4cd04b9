"""Settings of a sandbox, from keyword arguments or ``SANDBOX_*`` environment variables."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from .clock import DEFAULT_MS_PER_SIMULATED_HOUR


@dataclass(frozen=True)
class SandboxSettings:
    """How a :class:`~sandbox.server.Sandbox` runs.

    Attributes
    ----------
    region : region of clients and deployments (default ``us-east-1``).
    port : loopback port; 0 (default) picks a free one.
    ms_per_simulated_hour : speed of simulated time (default 1000: a 4-hour labeling job takes 4 s).
    time_scale : real seconds per declared second for Step Functions ``Wait``/``Retry``; default ``None``
        follows the simulated clock (``ms_per_simulated_hour / 3_600_000``); 0 means no sleep.
    seed : seed of the simulated Ground Truth (default 0).
    lambda_mode : ``subprocess`` (default: the deployed code zip runs in a child process) or ``inprocess``.
    cold_starts : in ``subprocess`` mode, start a fresh process for every invocation; default false: a
        function's execution environment (process) is kept and reused while its code and configuration
        are unchanged, as Lambda's warm environments are.
    code_cache : where code zips are extracted (default: a folder under the temp directory).
    tick_seconds : real seconds between background ticks of Ground Truth and the scheduler (default 0.05).
    schedule_min_real_seconds : least real time between two firings of one scheduled rule (default 2).
    """

    region: str = "us-east-1"
    port: int = 0
    ms_per_simulated_hour: float = DEFAULT_MS_PER_SIMULATED_HOUR
    time_scale: float | None = None
    seed: int = 0
    lambda_mode: Literal["subprocess", "inprocess"] = "subprocess"
    cold_starts: bool = False
    code_cache: Path | None = None
    tick_seconds: float = 0.05
    schedule_min_real_seconds: float = 2.0

    @property
    def effective_time_scale(self) -> float:
        """The Wait/Retry scale in force."""
        return self.ms_per_simulated_hour / 3_600_000.0 if self.time_scale is None else self.time_scale

    @classmethod
    def from_env(cls, **overrides: object) -> SandboxSettings:
        """Read ``SANDBOX_REGION``, ``SANDBOX_PORT``, ``SANDBOX_MS_PER_SIM_HOUR``, ``SANDBOX_TIME_SCALE``,
        ``SANDBOX_SEED``, ``SANDBOX_LAMBDA_MODE``, ``SANDBOX_COLD_STARTS`` (``1``/``true``) and
        ``SANDBOX_CODE_CACHE``; ``overrides`` win."""
        env = os.environ
        values: dict[str, object] = {}
        if "SANDBOX_REGION" in env:
            values["region"] = env["SANDBOX_REGION"]
        if "SANDBOX_PORT" in env:
            values["port"] = int(env["SANDBOX_PORT"])
        if "SANDBOX_MS_PER_SIM_HOUR" in env:
            values["ms_per_simulated_hour"] = float(env["SANDBOX_MS_PER_SIM_HOUR"])
        if "SANDBOX_TIME_SCALE" in env:
            values["time_scale"] = float(env["SANDBOX_TIME_SCALE"])
        if "SANDBOX_SEED" in env:
            values["seed"] = int(env["SANDBOX_SEED"])
        if "SANDBOX_LAMBDA_MODE" in env:
            values["lambda_mode"] = env["SANDBOX_LAMBDA_MODE"]
        if "SANDBOX_COLD_STARTS" in env:
            values["cold_starts"] = env["SANDBOX_COLD_STARTS"].strip().lower() in ("1", "true", "yes")
        if "SANDBOX_CODE_CACHE" in env:
            values["code_cache"] = Path(env["SANDBOX_CODE_CACHE"])
        values.update({k: v for k, v in overrides.items() if v is not None})
        return cls(**values)  # type: ignore[arg-type]

"""Simulated time shared by the simulated Ground Truth and the EventBridge scheduler.

A :class:`SimClock` maps real elapsed time to simulated time at a fixed speed ("1 simulated hour =
N real milliseconds"), so a four-hour labeling job finishes in seconds. Simulated time starts at the real
current time and then runs ahead of the wall clock. ``advance`` jumps forward (tests, the control API);
a *frozen* clock (``ms_per_simulated_hour=None``) moves only through ``advance``.
"""

from __future__ import annotations

import threading
import time
from datetime import UTC, datetime, timedelta

#: Default speed: one simulated hour per real second.
DEFAULT_MS_PER_SIMULATED_HOUR = 1000.0


class SimClock:
    """Thread-safe simulated clock.

    Parameters
    ----------
    ms_per_simulated_hour : real milliseconds per simulated hour (default 1000: a 4-hour job takes 4 s);
        ``None`` freezes the clock so that only :meth:`advance` moves it.
    start : simulated time at creation; default the real current time (UTC).
    """

    def __init__(
        self,
        ms_per_simulated_hour: float | None = DEFAULT_MS_PER_SIMULATED_HOUR,
        start: datetime | None = None,
    ) -> None:
        self._lock = threading.Lock()
        self._anchor_real = time.monotonic()
        self._anchor_sim = start or datetime.now(UTC)
        self._ms_per_hour = self._checked(ms_per_simulated_hour)

    @staticmethod
    def _checked(ms_per_hour: float | None) -> float | None:
        if ms_per_hour is not None and ms_per_hour <= 0:
            raise ValueError(f"ms_per_simulated_hour must be > 0 or None (frozen); received {ms_per_hour}")
        return ms_per_hour

    @property
    def ms_per_simulated_hour(self) -> float | None:
        """Real milliseconds per simulated hour (``None`` when frozen)."""
        return self._ms_per_hour

    @property
    def speed(self) -> float:
        """Simulated seconds per real second (0 when frozen)."""
        return 0.0 if self._ms_per_hour is None else 3_600_000.0 / self._ms_per_hour

    def now(self) -> datetime:
        """The current simulated time (timezone-aware UTC)."""
        with self._lock:
            elapsed = (time.monotonic() - self._anchor_real) * self.speed
            return self._anchor_sim + timedelta(seconds=elapsed)

    def _reanchor(self) -> None:
        # Caller holds the lock: fold elapsed simulated time into the anchor.
        real_now = time.monotonic()
        self._anchor_sim += timedelta(seconds=(real_now - self._anchor_real) * self.speed)
        self._anchor_real = real_now

    def advance(self, *, seconds: float = 0.0, hours: float = 0.0) -> datetime:
        """Jump forward by ``seconds`` + ``hours`` of simulated time; returns the new time."""
        delta = seconds + hours * 3600.0
        if delta < 0:
            raise ValueError(f"a clock only moves forward; received {delta} s")
        with self._lock:
            self._reanchor()
            self._anchor_sim += timedelta(seconds=delta)
            return self._anchor_sim

    def set_speed(self, ms_per_simulated_hour: float | None) -> None:
        """Change the speed from now on (``None`` freezes)."""
        with self._lock:
            self._reanchor()
            self._ms_per_hour = self._checked(ms_per_simulated_hour)

    def real_seconds(self, simulated_seconds: float) -> float:
        """Real seconds that ``simulated_seconds`` take at the current speed (``inf`` when frozen)."""
        return float("inf") if self.speed == 0 else simulated_seconds / self.speed

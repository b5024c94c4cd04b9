"""EventBridge scheduled rules, fired in simulated time.

moto stores ``ScheduleExpression`` rules but never fires them. :class:`Scheduler` does, on every
:meth:`tick`: a ``rate(...)`` rule fires one period after the scheduler first sees it, then every period of
simulated time. Simulated time can run far faster than a target can work (``rate(15 minutes)`` at one
simulated hour per second would be four invocations a second), so firings are compressed: missed periods
are coalesced into one event, a rule never fires while its previous Lambda invocation still runs, and at
most once per ``min_real_seconds`` of real time. ``cron(...)`` expressions are skipped with a warning.
"""

from __future__ import annotations

import logging
import re
import threading
import time
import uuid
from datetime import datetime, timedelta
from typing import Any

from moto.events.models import Rule, events_backends

from .clock import SimClock
from .patches import events_targets

LOG = logging.getLogger(__name__)
_RATE = re.compile(r"rate\((\d+)\s+(minute|minutes|hour|hours|day|days)\)")
_UNIT_SECONDS = {"minute": 60, "hour": 3600, "day": 86400}


def rate_period(expression: str) -> timedelta | None:
    """The period of a ``rate(...)`` expression, or ``None`` for anything else."""
    match = _RATE.fullmatch(expression.strip())
    if not match:
        return None
    return timedelta(seconds=int(match.group(1)) * _UNIT_SECONDS[match.group(2).rstrip("s")])


def scheduled_event(rule: Rule, at: datetime) -> dict[str, Any]:
    """The ``Scheduled Event`` EventBridge sends for ``rule`` at ``at`` (moto's internal form)."""
    return {
        "version": "0",
        "id": str(uuid.uuid4()),
        "detail-type": "Scheduled Event",
        "source": "aws.events",
        "account": rule.account_id,
        "time": at.timestamp(),
        "region": rule.region_name,
        "resources": [rule.arn],
        "detail": {},
        "ingestion-time": at.timestamp(),
    }


class Scheduler:
    """Fires scheduled rules of every account and region against a :class:`SimClock`.

    Parameters
    ----------
    clock : simulated time.
    min_real_seconds : least real time between two firings of one rule (default 2 s).
    """

    def __init__(self, clock: SimClock, min_real_seconds: float = 2.0) -> None:
        self.clock = clock
        self.min_real_seconds = min_real_seconds
        self._next: dict[str, datetime] = {}
        self._last_real: dict[str, float] = {}
        self._inflight: dict[str, list[threading.Thread]] = {}
        self._warned: set[str] = set()
        self._lock = threading.Lock()

    def reset(self) -> None:
        """Forget every rule's next firing time."""
        with self._lock:
            self._next.clear()
            self._last_real.clear()
            self._inflight.clear()

    def drain(self, timeout: float) -> bool:
        """Wait up to ``timeout`` seconds for the scheduled invocations still running (so none outlives the
        server it calls); returns whether all of them ended."""
        deadline = time.monotonic() + timeout
        with self._lock:
            threads = [thread for threads in self._inflight.values() for thread in threads]
        for thread in threads:
            thread.join(max(0.0, deadline - time.monotonic()))
        return not any(thread.is_alive() for thread in threads)

    def _busy(self, rule: Rule) -> bool:
        running = any(thread.is_alive() for thread in self._inflight.get(rule.arn, []))
        recent = time.monotonic() - self._last_real.get(rule.arn, float("-inf")) < self.min_real_seconds
        return running or recent

    def _rules(self) -> list[Rule]:
        rules = []
        for regions in list(events_backends.values()):
            for backend in list(regions.values()):
                for bus in list(backend.event_buses.values()):
                    rules += [
                        r for r in list(bus.rules.values()) if r.scheduled_expression and r.state == "ENABLED"
                    ]
        return rules

    def tick(self, now: datetime | None = None) -> int:
        """Fire every rule that is due at ``now`` (default: the clock's time); returns how many fired."""
        moment = now or self.clock.now()
        fired = 0
        with self._lock:
            for rule in self._rules():
                period = rate_period(rule.scheduled_expression or "")
                if period is None:
                    if rule.arn not in self._warned:
                        LOG.warning("schedule %r of %s is not supported", rule.scheduled_expression, rule.arn)
                        self._warned.add(rule.arn)
                    continue
                due = self._next.setdefault(rule.arn, moment + period)
                if moment < due or self._busy(rule):
                    continue
                while due <= moment:
                    due += period
                self._next[rule.arn] = due
                self._last_real[rule.arn] = time.monotonic()
                self._inflight[rule.arn] = events_targets.deliver(
                    rule, scheduled_event(rule, moment), events_targets.original_send_to_targets()
                )
                fired += 1
        return fired

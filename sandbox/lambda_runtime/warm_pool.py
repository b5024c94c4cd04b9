"""Warm execution environments: which one serves an invocation, and when one stops.

Lambda keeps an execution environment after an invocation and reuses it for the next one of the same
function version and configuration, so module state (clients, caches, settings) survives; it runs
concurrent invocations in separate environments and drops the environments of a configuration that an
update replaced. The pool does the same:

* an environment is keyed by the function ARN and everything that shapes it: code and layer digests,
  handler, runtime, memory, timeout and environment variables (:func:`config_key`); an invocation takes an
  idle environment of its key or starts a new one (a cold start), so concurrent invocations never share one;
* when a function's key changes (``UpdateFunctionConfiguration``/``Code``, a CloudFormation update), its
  idle environments of the old key are stopped and busy ones are stopped when they finish;
* at most ``max_idle`` idle environments are kept per key (the rest stop), so a burst of concurrency does
  not leave a process per invocation behind;
* an environment that timed out, crashed or failed to import its handler is never reused (Lambda resets
  the runtime after a timeout or a crash; an init failure is retried by the next invocation).

Each environment is a :class:`~sandbox.lambda_runtime.worker.Worker`: the process and its request/answer
protocol.
"""

from __future__ import annotations

import hashlib
import json
import threading
from collections import Counter, deque
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from .invocation import Invocation
from .worker import Worker

#: How many recent invocations :meth:`WarmPool.stats` lists.
HISTORY = 500


def config_key(invocation: Invocation, extra: dict[str, str] | None = None) -> str:
    """The digest of everything that makes two invocations share an environment (see the module docstring)."""
    shape = {
        "function": invocation.function_arn,
        "version": invocation.version,
        "handler": invocation.handler,
        "runtime": invocation.runtime,
        "region": invocation.region,
        "timeout": invocation.timeout_seconds,
        "memory": invocation.memory_mb,
        "environment": invocation.environment,
        "code": hashlib.sha256(invocation.code).hexdigest(),
        "layers": [hashlib.sha256(layer).hexdigest() for layer in invocation.layers],
        "extra": extra or {},
    }
    return hashlib.sha256(json.dumps(shape, sort_keys=True).encode()).hexdigest()


@dataclass
class WarmPool:
    """The environments of every function; thread-safe (see the module docstring)."""

    max_idle: int = 2
    _idle: dict[str, list[Worker]] = field(default_factory=dict)
    _busy: set[int] = field(default_factory=set)
    _workers: dict[int, Worker] = field(default_factory=dict)
    _current: dict[str, str] = field(default_factory=dict)  # function ARN -> its current key
    _cold: Counter[str] = field(default_factory=Counter)
    _warm: Counter[str] = field(default_factory=Counter)
    _history: deque[dict[str, Any]] = field(default_factory=lambda: deque(maxlen=HISTORY))
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def acquire(self, invocation: Invocation, key: str, start: Callable[[], Worker]) -> tuple[Worker, bool]:
        """An idle environment of ``key`` (warm) or a new one from ``start()`` (cold)."""
        stale: list[Worker] = []
        worker: Worker | None = None
        with self._lock:
            if self._current.get(invocation.function_arn) != key:
                self._current[invocation.function_arn] = key
                for other, idle in list(self._idle.items()):
                    if other != key and idle and idle[0].function_arn == invocation.function_arn:
                        stale += self._idle.pop(other)
            idle = self._idle.get(key, [])
            while idle and worker is None:
                candidate = idle.pop()
                if candidate.alive:
                    worker = candidate
                else:
                    stale.append(candidate)
            warm = worker is not None
        for old in stale:
            self._forget(old)
        if worker is None:
            worker = start()
        with self._lock:
            worker.busy = True
            self._workers[worker.process.pid] = worker
            (self._warm if warm else self._cold)[invocation.function_name] += 1
            self._history.append(
                {
                    "function": invocation.function_name,
                    "requestId": invocation.request_id,
                    "pid": worker.process.pid,
                    "configKey": key[:16],
                    "warm": warm,
                    "workerStartedAt": datetime.fromtimestamp(worker.started_at, UTC).isoformat(),
                    "at": datetime.now(UTC).isoformat(),
                }
            )
        return worker, warm

    def release(self, worker: Worker) -> None:
        """Back to the idle list, unless it died, its key is no longer current or enough are idle."""
        with self._lock:
            worker.busy = False
            idle = self._idle.setdefault(worker.key, [])
            keep = (
                worker.alive
                and self._current.get(worker.function_arn) == worker.key
                and len(idle) < self.max_idle
            )
            if keep:
                idle.append(worker)
        if not keep:
            self._forget(worker)

    def _forget(self, worker: Worker) -> None:
        worker.stop()
        with self._lock:
            self._workers.pop(worker.process.pid, None)

    def record_cold(self, invocation: Invocation) -> None:
        """Count a one-off process (``cold_starts`` mode) in the statistics."""
        with self._lock:
            self._cold[invocation.function_name] += 1
            self._history.append(
                {
                    "function": invocation.function_name,
                    "requestId": invocation.request_id,
                    "pid": None,
                    "configKey": None,
                    "warm": False,
                    "workerStartedAt": None,
                    "at": datetime.now(UTC).isoformat(),
                }
            )

    def close(self) -> None:
        """Stop every idle environment; busy ones stop when their invocation ends."""
        with self._lock:
            idle = [worker for workers in self._idle.values() for worker in workers]
            self._idle.clear()
            self._current.clear()
        for worker in idle:
            self._forget(worker)

    def stats(self) -> dict[str, Any]:
        """Per function: cold and warm starts and its live environments; the recent invocations."""
        with self._lock:
            names = set(self._cold) | set(self._warm) | {w.function_name for w in self._workers.values()}
            functions = {
                name: {
                    "coldStarts": self._cold[name],
                    "warmStarts": self._warm[name],
                    "environments": [w.view() for w in self._workers.values() if w.function_name == name],
                }
                for name in sorted(names)
            }
            return {"functions": functions, "invocations": list(self._history)}

"""Call sites and fault injection: every boto3 call a handler makes, and every Lambda invocation itself.

A *call site* is ``(handler, service, operation, ordinal)``: the ``ordinal``-th call of that operation within
one invocation of that handler (``record: dynamodb.UpdateItem#2``), or ``(handler, "invoke")`` for the
invocation itself. :class:`Injector` is installed for one run in one process:

* every deployed function's handler is wrapped (:meth:`Injector.bind`), so each invocation carries a context
  (a :class:`contextvars.ContextVar`, copied into the thread pools boto3's S3 transfers use) that numbers
  its calls;
* ``botocore.client.BaseClient._make_api_call`` is patched, as ``tests/reliability/test_iam_contract.py``
  does, to see every call made inside an invocation: it records the site and, at the first time the run
  reaches a site that has a fault, injects it;
* ``sys.stdout`` is captured (the handlers' EMF metric documents), except what an invocation prints after
  it died: a dead container prints nothing;
* ``InProcessRunner.run`` is wrapped to know when no Lambda invocation is running (the driver advances
  simulated time only then).

Fault kinds (one :class:`Fault` = site + kind, injected at the first hit of the site):

* ``transient`` — the call raises the service's throttling or 5xx ``ClientError`` without being performed
  (one transient error beyond the SDK's retries); for an invocation: the Lambda service refuses it before
  the handler runs (``Lambda.ServiceException`` / ``Lambda.TooManyRequestsException``);
* ``crash`` — the call is performed, then the Lambda dies (``SimulatedCrash`` -> ``Lambda.Unknown``); for
  an invocation: the handler runs to completion, then the container dies before answering;
* ``timeout`` — as ``crash``, reported as a timeout (``SimulatedTimeout`` -> ``Sandbox.Timedout``).
"""

from __future__ import annotations

import concurrent.futures
import contextlib
import contextvars
import io
import re
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

import botocore.client
from botocore.exceptions import ClientError

from sandbox.harness import Deployed, Handler
from sandbox.lambda_runtime.inprocess import InProcessRunner
from sandbox.lambda_runtime.invocation import (
    Invocation,
    InvocationResult,
    SimulatedCrash,
    SimulatedServiceError,
    SimulatedTimeout,
)

KINDS = ("transient", "crash", "timeout")
INVOKE = "invoke"

#: Per service: the throttling answer (variant 0) and a server-side 5xx answer (variant 1).
TRANSIENT_ERRORS: dict[str, tuple[tuple[str, int], tuple[str, int]]] = {
    "dynamodb": (("ProvisionedThroughputExceededException", 400), ("InternalServerError", 500)),
    "s3": (("SlowDown", 503), ("InternalError", 500)),
    "sagemaker": (("ThrottlingException", 400), ("InternalFailure", 500)),
    "stepfunctions": (("ThrottlingException", 400), ("InternalServerError", 500)),
    "sns": (("Throttled", 400), ("InternalError", 500)),
    "ssm": (("ThrottlingException", 400), ("InternalServerError", 500)),
}
DEFAULT_TRANSIENT = (("ThrottlingException", 400), ("InternalFailure", 500))
#: The Lambda service errors an invocation can fail with before its handler runs.
LAMBDA_SERVICE_ERRORS = ("Lambda.ServiceException", "Lambda.TooManyRequestsException")

_SITE = re.compile(
    r"^(?P<handler>[a-z_]+): (?:(?P<service>[a-z0-9-]+)\.(?P<operation>\w+)#(?P<n>\d+)|invoke)$"
)


@dataclass(frozen=True, order=True)
class Site:
    """One call site: ``handler: service.Operation#n``, or ``handler: invoke`` (``service`` empty)."""

    handler: str
    service: str = ""
    operation: str = INVOKE
    ordinal: int = 0

    @property
    def is_invoke(self) -> bool:
        return not self.service

    def __str__(self) -> str:
        if self.is_invoke:
            return f"{self.handler}: {INVOKE}"
        return f"{self.handler}: {self.service}.{self.operation}#{self.ordinal}"

    @classmethod
    def parse(cls, text: str) -> Site:
        """The site written as :meth:`__str__` writes it."""
        match = _SITE.match(text.strip())
        if not match:
            raise ValueError(
                f"not a call site: {text!r} (expected 'handler: service.Operation#n' or 'handler: invoke')"
            )
        if match["service"] is None:
            return cls(match["handler"])
        return cls(match["handler"], match["service"], match["operation"], int(match["n"]))


@dataclass(frozen=True)
class Fault:
    """A fault ``kind`` at ``site``; ``variant`` (0/1) picks the throttling or the 5xx/other service error."""

    site: Site
    kind: str
    variant: int = 0

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise ValueError(f"fault kind must be one of {', '.join(KINDS)}; received {self.kind!r}")

    def __str__(self) -> str:
        if self.kind == "transient" and self.variant % 2:
            return f"{self.site} -> transient ({'TooManyRequests' if self.site.is_invoke else '5xx'})"
        return f"{self.site} -> {self.kind}"

    def transient_error(self, client: Any) -> ClientError:
        """The ``ClientError`` (the client's modeled subclass when there is one) a transient fault raises."""
        code, status = (TRANSIENT_ERRORS.get(self.site.service) or DEFAULT_TRANSIENT)[self.variant % 2]
        response: dict[str, Any] = {
            "Error": {"Code": code, "Message": f"Simulated {code} (fault sweep)"},
            "ResponseMetadata": {"HTTPStatusCode": status, "HTTPHeaders": {}, "RetryAttempts": 4},
        }
        error_class = client.exceptions.from_code(code)
        return error_class(response, self.site.operation)

    def death(self) -> BaseException:
        """What ends the invocation for a ``crash``/``timeout`` fault."""
        if self.kind == "timeout":
            return SimulatedTimeout(f"timed out after {self.site}")
        return SimulatedCrash(f"died after {self.site}")

    def service_error(self) -> SimulatedServiceError:
        return SimulatedServiceError(LAMBDA_SERVICE_ERRORS[self.variant % 2])


@dataclass
class _Invocation:
    """One running invocation: its handler, its thread, its call counts and, once killed, the fault."""

    handler: str
    thread: threading.Thread
    counts: Counter[tuple[str, str]] = field(default_factory=Counter)
    dead: Fault | None = None


class _DeadInvocationError(RuntimeError):
    """Raised in a helper thread (an S3 transfer) of an invocation that died; the handler thread then ends."""


_CURRENT: contextvars.ContextVar[_Invocation | None] = contextvars.ContextVar(
    "fault_sweep_invocation", default=None
)


class _Capture(io.TextIOBase):
    """``sys.stdout`` during a run: keeps what is printed, except by an invocation that died."""

    def __init__(self) -> None:
        super().__init__()
        self.chunks: list[str] = []
        self._lock = threading.Lock()

    def writable(self) -> bool:
        return True

    def write(self, text: str) -> int:
        current = _CURRENT.get()
        if current is None or current.dead is None:
            with self._lock:
                self.chunks.append(text)
        return len(text)

    def text(self) -> str:
        with self._lock:
            return "".join(self.chunks)


@dataclass
class Injector:
    """Records call sites and injects ``faults`` (each at the first time the run reaches its site)."""

    faults: Sequence[Fault] = ()
    sites: set[Site] = field(default_factory=set)
    fired: list[Fault] = field(default_factory=list)
    created: Counter[str] = field(default_factory=Counter)  # successful CreateLabelingJob calls per job name
    invocations: Counter[str] = field(default_factory=Counter)
    stdout: _Capture = field(default_factory=_Capture)
    _pending: dict[Site, Fault] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)
    _inflight: int = 0
    _activity: int = 0  # bumped by every sign of life
    _last_activity: float = field(default_factory=time.monotonic)
    _restore: list[Callable[[], None]] = field(default_factory=list)
    _driver: threading.Thread = field(default_factory=threading.current_thread)
    armed: bool = True  # while false (a scenario's fault-free setup) no site is recorded and nothing injected

    def __post_init__(self) -> None:
        for fault in self.faults:
            if fault.site in self._pending:
                raise ValueError(f"two faults at one site: {fault.site}")
            self._pending[fault.site] = fault

    # --- installation ------------------------------------------------------------------------------
    def install(self) -> None:
        """Patch botocore, the thread pools, the runner and ``sys.stdout`` (undo with :meth:`uninstall`)."""
        import sys

        real_call = botocore.client.BaseClient._make_api_call
        real_submit = concurrent.futures.ThreadPoolExecutor.submit
        real_run = InProcessRunner.run
        injector = self

        def make_api_call(client: Any, operation: str, params: dict[str, Any]) -> Any:
            return injector._call(client, operation, params, real_call)

        def submit(executor: Any, fn: Callable[..., Any], /, *args: Any, **kwargs: Any) -> Any:
            if _CURRENT.get() is None:
                return real_submit(executor, fn, *args, **kwargs)
            return real_submit(executor, contextvars.copy_context().run, fn, *args, **kwargs)

        def run(runner: InProcessRunner, invocation: Invocation, event_json: str) -> InvocationResult:
            injector._enter()
            try:
                return real_run(runner, invocation, event_json)
            finally:
                injector._leave()

        saved_stdout = sys.stdout
        botocore.client.BaseClient._make_api_call = make_api_call
        concurrent.futures.ThreadPoolExecutor.submit = submit  # type: ignore[method-assign]
        InProcessRunner.run = run  # type: ignore[method-assign,assignment]
        sys.stdout = self.stdout

        def restore() -> None:
            botocore.client.BaseClient._make_api_call = real_call
            concurrent.futures.ThreadPoolExecutor.submit = real_submit  # type: ignore[method-assign]
            InProcessRunner.run = real_run  # type: ignore[method-assign]
            sys.stdout = saved_stdout

        self._restore.append(restore)

    def uninstall(self) -> None:
        while self._restore:
            self._restore.pop()()

    @contextlib.contextmanager
    def disarmed(self) -> Iterator[None]:
        """Neither record sites nor inject faults inside the block (a scenario's setup)."""
        self.armed = False
        try:
            yield
        finally:
            self.armed = True

    def bind(self, deployed: Deployed) -> None:
        """Wrap every deployed function's handler (a fresh container per call, as before)."""
        for name in deployed.functions:
            deployed.wrap(name, self._wrapper(name))

    # --- activity ----------------------------------------------------------------------------------
    def touch(self) -> None:
        """Note activity now (the driver calls it after it acted)."""
        with self._lock:
            self._activity += 1
            self._last_activity = time.monotonic()

    def _enter(self) -> None:
        with self._lock:
            self._inflight += 1
            self._activity += 1
            self._last_activity = time.monotonic()

    def _leave(self) -> None:
        with self._lock:
            self._inflight -= 1
            self._activity += 1
            self._last_activity = time.monotonic()

    @property
    def activity(self) -> int:
        """A counter of every sign of life (invocations, AWS calls from any thread but the driver's)."""
        with self._lock:
            return self._activity

    def idle_for(self) -> float:
        """Seconds since the last activity; 0 while an invocation runs or an async one is about to."""
        with self._lock:
            if self._inflight:
                return 0.0
            since = time.monotonic() - self._last_activity
        if any(t.name.startswith("lambda-async-") and t.is_alive() for t in threading.enumerate()):
            return 0.0
        return since

    def wait_quiet(
        self, quiet: float, timeout: float = 120.0, *, unless_idle_since: int | None = None
    ) -> None:
        """Return once nothing ran for ``quiet`` seconds (no invocation, no AWS call from any thread).

        With ``unless_idle_since`` (an :attr:`activity` value read before the driver acted) return at once
        when nothing at all happened since then and nothing runs: what the driver did triggered nothing
        (everything it can trigger starts synchronously: a Lambda invocation or an execution's first call).
        """
        if unless_idle_since is not None and self.activity == unless_idle_since and self.idle_for() > 0:
            return
        deadline = time.monotonic() + timeout
        while (since := self.idle_for()) < quiet:
            if time.monotonic() > deadline:
                raise TimeoutError(f"the sandbox did not become quiet within {timeout} s")
            time.sleep(max(0.002, min(quiet - since, 0.01)))

    # --- the hooks ---------------------------------------------------------------------------------
    def _take(self, site: Site) -> Fault | None:
        """Record that the run reached ``site``; the fault to inject there (only the first time)."""
        with self._lock:
            self.sites.add(site)
            self._activity += 1
            self._last_activity = time.monotonic()
            fault = self._pending.pop(site, None)
            if fault is not None:
                self.fired.append(fault)
            return fault

    def _wrapper(self, handler_name: str) -> Callable[[Handler], Handler]:
        injector = self

        def wrap(real: Handler) -> Handler:
            def call(event: Any, context: Any) -> Any:
                if not injector.armed:
                    return real(event, context)
                current = _Invocation(handler_name, threading.current_thread())
                token = _CURRENT.set(current)
                try:
                    with injector._lock:
                        injector.invocations[handler_name] += 1
                    fault = injector._take(Site(handler_name))
                    if fault is not None and fault.kind == "transient":
                        raise fault.service_error()
                    try:
                        result = real(event, context)
                    except BaseException as error:
                        if current.dead is not None:  # a call-site fault killed it: no other ending
                            raise current.dead.death() from None
                        if fault is not None:  # it ended (with an error), then the container died
                            raise fault.death() from error
                        raise
                    if current.dead is not None:
                        raise current.dead.death()
                    if fault is not None:  # it ran to completion, then the container died before answering
                        raise fault.death()
                    return result
                finally:
                    _CURRENT.reset(token)

            return call

        return wrap

    def _call(self, client: Any, operation: str, params: dict[str, Any], real: Callable[..., Any]) -> Any:
        current = _CURRENT.get()
        if current is None:  # not a handler's call: moto's Step Functions working is activity, the driver not
            if threading.current_thread() is not self._driver:
                self.touch()
            return self._count_created(operation, params, real(client, operation, params))
        on_handler_thread = threading.current_thread() is current.thread
        if current.dead is not None:  # a dead container makes no more calls
            if on_handler_thread:
                raise current.dead.death()
            raise _DeadInvocationError(f"the invocation died at {current.dead.site}")
        service = client.meta.service_model.service_name
        with self._lock:
            current.counts[(service, operation)] += 1
            ordinal = current.counts[(service, operation)]
        fault = self._take(Site(current.handler, service, operation, ordinal))
        if fault is not None and fault.kind == "transient":
            raise fault.transient_error(client)
        try:
            response = real(client, operation, params)
        except Exception:
            if fault is not None:
                current.dead = fault
                raise self._death(fault, on_handler_thread) from None
            raise
        self._count_created(operation, params, response)
        if fault is not None:
            current.dead = fault
            raise self._death(fault, on_handler_thread)
        return response

    def _count_created(self, operation: str, params: dict[str, Any], response: Any) -> Any:
        """Count a successful CreateLabelingJob (by job name); returns ``response``."""
        if operation == "CreateLabelingJob":
            with self._lock:
                self.created[str(params.get("LabelingJobName"))] += 1
        return response

    @staticmethod
    def _death(fault: Fault, on_handler_thread: bool) -> BaseException:
        return (
            fault.death()
            if on_handler_thread
            else _DeadInvocationError(f"the invocation died at {fault.site}")
        )


@dataclass
class Installed:
    """Context helper: ``with installed(injector): ...``."""

    injector: Injector

    def __enter__(self) -> Injector:
        self.injector.install()
        return self.injector

    def __exit__(self, *exc: object) -> None:
        self.injector.uninstall()


def installed(injector: Injector) -> Installed:
    return Installed(injector)


def sorted_sites(sites: Iterator[Site] | set[Site] | Sequence[Site]) -> list[Site]:
    """Sites in a stable order: by handler, invocations first, then service, operation, ordinal."""
    return sorted(set(sites), key=lambda s: (s.handler, not s.is_invoke, s.service, s.operation, s.ordinal))

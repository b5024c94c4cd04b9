"""What every handler shares: the Powertools utilities, the clock and small context helpers.

The Powertools objects read ``POWERTOOLS_SERVICE_NAME`` and ``POWERTOOLS_METRICS_NAMESPACE`` from the
environment; tracing turns itself off outside Lambda.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable
from datetime import UTC, datetime
from typing import Any, TypeVar

from aws_lambda_powertools import Logger, Metrics, Tracer
from aws_lambda_powertools.metrics import EphemeralMetrics, MetricUnit, single_metric
from botocore.exceptions import ClientError, HTTPClientError
from botocore.exceptions import ConnectionError as BotocoreConnectionError

from labelchain_fn.core.errors import TransientAwsError
from labelchain_fn.core.metrics import CHAIN_DIMENSION, NOTIFICATIONS_FAILED, MetricDatum, count
from labelchain_fn.core.times import parse_time
from labelchain_fn.core.transient import is_transient

logger = Logger()
tracer = Tracer()
metrics = Metrics()

__all__ = [
    "CHAIN_DIMENSION",
    "account_of",
    "add_metrics",
    "emit_chain_metrics",
    "emit_notifications_failed",
    "expires_at",
    "logger",
    "metrics",
    "now_iso",
    "surfaces_transient_errors",
    "tracer",
]

F = TypeVar("F", bound=Callable[..., Any])


def transient_error(err: Exception) -> TransientAwsError | None:
    """The :class:`TransientAwsError` for a throttling/5xx ``ClientError`` or a connection failure,
    naming the service, operation and code; ``None`` for anything permanent."""
    if isinstance(err, HTTPClientError | BotocoreConnectionError):
        return TransientAwsError(f"{type(err).__name__}: {err}")
    if not isinstance(err, ClientError):
        return None
    error = err.response.get("Error", {})
    status = err.response.get("ResponseMetadata", {}).get("HTTPStatusCode")
    code = str(error.get("Code", ""))
    if not is_transient(code, int(status) if status is not None else None):
        return None
    return TransientAwsError(f"{err.operation_name}: {code} ({status}): {error.get('Message', '')}")


def surfaces_transient_errors(handler: F) -> F:
    """Re-raise a transient AWS failure that outlasted the SDK's retries as ``TransientAwsError``, the one
    name every workflow state retries with backoff (docs/design.md, "Retries"); other errors pass as they are.
    Apply it closest to the handler function, under the Powertools decorators."""

    @functools.wraps(handler)
    def wrapped(*args: Any, **kwargs: Any) -> Any:
        try:
            return handler(*args, **kwargs)
        except (ClientError, HTTPClientError, BotocoreConnectionError) as err:
            transient = transient_error(err)
            if transient is None:
                raise
            raise transient from err

    return wrapped  # type: ignore[return-value]


def add_metrics(data: Iterable[MetricDatum], *, chain: str | None = None) -> None:
    """Add ``data`` to this invocation's metrics (flushed by ``@metrics.log_metrics``), under the
    ``chain`` dimension when a chain is given (default: pipeline-wide). Call it once per invocation: the
    dimension applies to every metric of the flush."""
    if chain:
        metrics.add_dimension(name=CHAIN_DIMENSION, value=chain)
    for datum in data:
        metrics.add_metric(name=datum.name, unit=datum.unit, value=datum.value)


def emit_chain_metrics(chain: str, data: Iterable[MetricDatum]) -> None:
    """Print ``data`` now, as one metric document with its own ``chain`` dimension (not at the end of the
    invocation: for handlers that serve several chains, and for counts that must be out before a write
    remembers they are)."""
    document = EphemeralMetrics()
    document.add_dimension(name=CHAIN_DIMENSION, value=chain)
    for datum in data:
        document.add_metric(name=datum.name, unit=MetricUnit(datum.unit), value=datum.value)
    document.flush_metrics()


def emit_notifications_failed(failed: int) -> None:
    """Print ``NotificationsFailed`` now, pipeline-wide (``service`` dimension only), whatever the chain."""
    datum = count(NOTIFICATIONS_FAILED, failed)
    # single_metric prints its document when the block exits; nothing is added to it.
    with single_metric(name=datum.name, unit=MetricUnit(datum.unit), value=datum.value):
        pass


def now_iso() -> str:
    """The current time as an ISO-8601 string in UTC (microseconds keep snapshot keys distinct)."""
    return datetime.now(UTC).isoformat()


def expires_at(now: str, days: int) -> int:
    """TTL value (epoch seconds) ``days`` after ISO time ``now``."""
    return int(parse_time(now).timestamp()) + days * 86_400


def account_of(context: Any) -> str | None:
    """The account ID from the Lambda context's function ARN (no STS call), or ``None``."""
    arn = str(getattr(context, "invoked_function_arn", "") or "")
    parts = arn.split(":")
    return parts[4] if len(parts) > 4 and parts[4].isdigit() else None

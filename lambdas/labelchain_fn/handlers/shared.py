"""What every handler shares: the Powertools utilities, the clock and small context helpers.

The Powertools objects read ``POWERTOOLS_SERVICE_NAME`` and ``POWERTOOLS_METRICS_NAMESPACE`` from the
environment; tracing turns itself off outside Lambda.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime
from typing import Any

from aws_lambda_powertools import Logger, Metrics, Tracer
from aws_lambda_powertools.metrics import MetricUnit, single_metric

from labelchain_fn.core.metrics import CHAIN_DIMENSION, NOTIFICATIONS_FAILED, MetricDatum, count
from labelchain_fn.core.times import parse_time

logger = Logger()
tracer = Tracer()
metrics = Metrics()

__all__ = [
    "CHAIN_DIMENSION",
    "account_of",
    "add_metrics",
    "emit_chain_metric",
    "emit_notifications_failed",
    "expires_at",
    "logger",
    "metrics",
    "now_iso",
    "tracer",
]


def add_metrics(data: Iterable[MetricDatum], *, chain: str | None = None) -> None:
    """Add ``data`` to this invocation's metrics (flushed by ``@metrics.log_metrics``), under the
    ``chain`` dimension when a chain is given (default: pipeline-wide). Call it once per invocation: the
    dimension applies to every metric of the flush."""
    if chain:
        metrics.add_dimension(name=CHAIN_DIMENSION, value=chain)
    for datum in data:
        metrics.add_metric(name=datum.name, unit=datum.unit, value=datum.value)


def emit_chain_metric(chain: str, datum: MetricDatum) -> None:
    """Print one metric now with its own ``chain`` dimension (for handlers that serve several chains)."""
    with single_metric(name=datum.name, unit=MetricUnit(datum.unit), value=datum.value) as metric:
        metric.add_dimension(name=CHAIN_DIMENSION, value=chain)


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

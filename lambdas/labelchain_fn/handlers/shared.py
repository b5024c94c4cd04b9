"""What every handler shares: the Powertools utilities, the clock and small context helpers.

The Powertools objects read ``POWERTOOLS_SERVICE_NAME`` and ``POWERTOOLS_METRICS_NAMESPACE`` from the
environment; tracing turns itself off outside Lambda.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from aws_lambda_powertools import Logger, Metrics, Tracer

from labelchain_fn.core.times import parse_time

logger = Logger()
tracer = Tracer()
metrics = Metrics()

#: Metric dimension naming the chain (docs/design.md).
CHAIN_DIMENSION = "chain"


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

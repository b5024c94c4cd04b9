"""The list prices the idle month is priced at: one table per region, each price with its unit, source page
and always-free allowance.

Only ``us-east-1`` has a table (:data:`PRICE_TABLES`), read from the AWS pricing pages on
:data:`PRICES_READ_ON`. Prices change: check the pages before relying on a figure.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

HOURS_PER_MONTH = Decimal(730)  # the month AWS's pricing pages and calculator use


@dataclass(frozen=True)
class Price:
    """A list price per ``unit``; ``free_per_month`` is the account's always-free monthly allowance, shared
    by every price of the same ``pool`` (default: the price alone) and by everything else in the account."""

    usd: Decimal
    unit: str
    free_per_month: Decimal = Decimal(0)
    pool: str | None = None


def _p(usd: str, unit: str, free: int = 0, pool: str | None = None) -> Price:
    # Prices as strings: a float literal would not give the exact Decimal of the pricing page.
    return Price(Decimal(usd), unit, Decimal(free), pool)


PRICES_READ_ON = "2026-12-06"
# us-east-1 list prices (first usage tier) of the AWS pricing pages named below, as checked on 2026-12-06
# (PRICES_READ_ON). Prices change: check the pages before relying on a figure.
PRICE_TABLES: dict[str, dict[str, Price]] = {
    "us-east-1": {
        # https://aws.amazon.com/lambda/pricing/ (free: 1M requests, 400,000 GB-s on either architecture)
        "lambda.request": _p("0.0000002", "request", 1_000_000),
        "lambda.arm64.gb_second": _p("0.0000133334", "GB-s", 400_000, "lambda.gb_second"),
        "lambda.x86_64.gb_second": _p("0.0000166667", "GB-s", 400_000, "lambda.gb_second"),
        # https://aws.amazon.com/cloudwatch/pricing/ (free: 10 metrics, 10 standard alarm metrics,
        # 3 dashboards, 5 GB of log data: ingestion, storage and Logs Insights scans together)
        "cloudwatch.custom_metric": _p("0.30", "metric-month", 10),
        "cloudwatch.alarm_metric": _p("0.10", "alarm metric-month", 10),
        "cloudwatch.alarm_metric.high_resolution": _p("0.30", "alarm metric-month"),
        "cloudwatch.composite_alarm": _p("0.50", "alarm-month"),
        "cloudwatch.dashboard": _p("3.00", "dashboard-month", 3),
        "logs.ingestion": _p("0.50", "GB", 5, "logs.data"),
        "logs.storage": _p("0.03", "GB-month", 5, "logs.data"),
        # https://aws.amazon.com/xray/pricing/ (free: 100,000 traces recorded)
        "xray.trace": _p("0.000005", "trace", 100_000),
        # https://aws.amazon.com/kms/pricing/ (automatic rotation adds $1/month for each of the first two
        # rotations, so a rotated key costs $2 in its second year and $3 from its third)
        "kms.key": _p("1.00", "key-month"),
        # https://aws.amazon.com/dynamodb/pricing/on-demand/ (free: 25 GB of storage)
        "dynamodb.read_request_unit": _p("0.000000125", "RRU"),
        "dynamodb.storage": _p("0.25", "GB-month", 25),
        "dynamodb.pitr": _p("0.20", "GB-month"),
        # https://aws.amazon.com/s3/pricing/ (S3 Standard)
        "s3.storage": _p("0.023", "GB-month"),
        # https://aws.amazon.com/step-functions/pricing/ (Standard workflows; free: 4,000 transitions)
        "stepfunctions.transition": _p("0.000025", "transition", 4_000),
        # https://aws.amazon.com/sns/pricing/ (free: 1M publishes)
        "sns.publish": _p("0.0000005", "publish", 1_000_000),
        # https://aws.amazon.com/systems-manager/pricing/ (Parameter Store)
        "ssm.parameter.standard": _p("0", "parameter-month"),
        "ssm.parameter.advanced": _p("0.05", "parameter-month"),
        # https://aws.amazon.com/eventbridge/pricing/ (scheduled rules on the default bus are not charged)
        "events.scheduled_event": _p("0", "event"),
    }
}


def price_table(region: str) -> dict[str, Price]:
    """The list prices of ``region``; raises ``ValueError`` for a region without a table."""
    if region not in PRICE_TABLES:
        raise ValueError(f"no price table for {region!r}; expected one of {', '.join(PRICE_TABLES)}")
    return PRICE_TABLES[region]

#!/usr/bin/env python3
"""What the deployed stack costs per month while idle (no uploads), read from the synthesized template.

Idle, only the schedule works: every ``rate(...)`` rule that targets a Lambda function invokes it, and each
run costs a Lambda request and GB-seconds, log ingestion and storage, an X-Ray trace (tracing ``Active``),
the DynamoDB queries it makes, and keeps the custom metrics it emits alive. On top come the resources
billed by the month: alarms, dashboards, customer-managed KMS keys and advanced SSM parameters. Buckets,
table, state machine and topic cost nothing while they are empty and unused; they are listed with
quantity 0 so that the table shows they were counted.

Every count comes from the template. What the template cannot say about a run (how long it takes, how many
log bytes and which metrics it writes, which indexes it queries) is stated in :data:`IDLE_RUNS` and
:data:`ASSUMPTIONS`; ``tests/unit/lambdas/test_handler_monitor_idle.py`` checks it against the real
monitor handler. Prices: :data:`PRICE_TABLES` (us-east-1 list prices).

Usage: ``python -m scripts.idle_cost [--template cdk.out/LabelChain.template.json] [--region us-east-1]
[--duration-seconds 1] [--json]``. The template defaults to the only ``cdk.out/*.template.json``.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import Any

from labelchain_fn.adapters.job_progress import ACTIVE_INDEX
from labelchain_fn.core.metrics import ACTIVE_JOBS, NOTIFICATIONS_FAILED, SERVICE_DIMENSION, STALLED_JOBS

from scripts.smoke_cost import describe, smoke_job_cost

ROOT = Path(__file__).resolve().parent.parent
HOURS_PER_MONTH = Decimal(730)  # the month AWS's pricing pages and calculator use
DAYS_PER_MONTH = HOURS_PER_MONTH / 24
GB = Decimal(10**9)
#: Storage horizon for a log group that never expires (no ``RetentionInDays``): the size after a year.
NEVER_EXPIRES_DAYS = 365
DEFAULT_DURATION_SECONDS = Decimal(1)
#: An empty Query of a GSI still reads one (rounded-up) 4 KB unit; GSI reads are eventually consistent.
EMPTY_INDEX_QUERY_RRU = Decimal("0.5")


@dataclass(frozen=True)
class Price:
    """A list price per ``unit``; ``free_per_month`` is the account's always-free monthly allowance, shared
    by every price of the same ``pool`` (default: the price alone) and by everything else in the account."""

    usd: Decimal
    unit: str
    free_per_month: Decimal = Decimal(0)
    pool: str | None = None


def _p(usd: str, unit: str, free: int = 0, pool: str | None = None) -> Price:
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


@dataclass(frozen=True)
class IdleRun:
    """What one scheduled run of a handler does when no job is active.

    metrics : names of the pipeline-wide metrics it emits (dimension ``service`` only) on every run.
    output_bytes : bytes it prints per run (log lines and EMF documents); Lambda's own lines come on top
        (:data:`LAMBDA_LOG_BYTES_PER_RUN`).
    index_queries : global secondary indexes of its table it queries once per run.
    """

    metrics: tuple[str, ...]
    output_bytes: int
    index_queries: tuple[str, ...] = ()

    @property
    def log_bytes(self) -> int:
        """Bytes ingested per run: the handler's output plus Lambda's lines."""
        return self.output_bytes + LAMBDA_LOG_BYTES_PER_RUN


#: START, END and REPORT lines (REPORT with Init Duration and the XRAY trace line: ~450 B), plus the
#: 26 B CloudWatch Logs counts per event for the six events of a run, rounded up.
LAMBDA_LOG_BYTES_PER_RUN = 700
MONITOR_HANDLER = "labelchain_fn.handlers.monitor.handler"
IDLE_RUNS: dict[str, IdleRun] = {
    MONITOR_HANDLER: IdleRun(
        metrics=(NOTIFICATIONS_FAILED, ACTIVE_JOBS, STALLED_JOBS),
        # Measured offline (test_handler_monitor_idle.py): 856 B, two EMF documents and the "monitor run"
        # line; in Lambda that line also carries the X-Ray trace ID and longer names. Rounded up.
        output_bytes=1_300,
        index_queries=(ACTIVE_INDEX,),
    )
}
ASSUMPTIONS = (
    "A month is 730 hours; list prices, no Savings Plans; tiers and free tiers are per account.",
    "Each scheduled run is billed {duration} s (init included: Lambda bills INIT for managed runtimes).",
    "Every run is traced: the default X-Ray sampling rule records the first request each second.",
    "Log storage is the steady state under the log group's retention, uncompressed (an upper bound).",
    "An empty query of an index reads 0.5 RRU; the table, buckets and topic are empty and unused.",
    "The 'with free tier' column applies the always-free allowances (e.g. the first 3 dashboards, 10 "
    "alarms and 10 custom metrics of the account), as if nothing else in the account used them.",
)


@dataclass(frozen=True)
class CostLine:
    """One row: ``quantity`` units a month at the list price ``price_key``."""

    item: str
    quantity: Decimal
    price_key: str
    price: Price

    @property
    def monthly_usd(self) -> Decimal:
        return self.quantity * self.price.usd


@dataclass(frozen=True)
class IdleCost:
    """The rows, both totals and the assumptions of one template's idle month."""

    region: str
    lines: tuple[CostLine, ...]
    free_tier_usd: tuple[Decimal, ...]
    assumptions: tuple[str, ...]

    @property
    def total_usd(self) -> Decimal:
        return sum((line.monthly_usd for line in self.lines), Decimal(0))

    @property
    def total_with_free_tier_usd(self) -> Decimal:
        return sum(self.free_tier_usd, Decimal(0))

    def to_dict(self) -> dict[str, Any]:
        rows = [
            {
                "item": line.item,
                "quantity": _num(line.quantity),
                "unit": line.price.unit,
                "unitPriceUsd": _num(line.price.usd),
                "monthlyUsd": _num(line.monthly_usd),
                "monthlyUsdWithFreeTier": _num(free),
                "price": line.price_key,
            }
            for line, free in zip(self.lines, self.free_tier_usd, strict=True)
        ]
        return {
            "region": self.region,
            "hoursPerMonth": int(HOURS_PER_MONTH),
            "lines": rows,
            "totalUsd": _num(self.total_usd),
            "totalUsdWithFreeTier": _num(self.total_with_free_tier_usd),
            "assumptions": list(self.assumptions),
        }


def _num(value: Decimal) -> float:
    return float(value.quantize(Decimal("0.000001"), rounding=ROUND_HALF_UP))


def runs_per_month(schedule_expression: str) -> Decimal:
    """Invocations a month of ``rate(N minute[s]|hour[s]|day[s])``; ``cron(...)`` is not supported."""
    match = re.fullmatch(r"rate\((\d+) (minute|hour|day)s?\)", schedule_expression.strip())
    if not match:
        raise ValueError(f"expected rate(N minutes|hours|days); received {schedule_expression!r}")
    minutes = int(match[1]) * {"minute": 1, "hour": 60, "day": 1440}[match[2]]
    return HOURS_PER_MONTH * 60 / minutes


def _ref(node: Any) -> str | None:
    """The logical ID a ``Ref`` or ``Fn::GetAtt`` points at, else ``None``."""
    if isinstance(node, Mapping):
        if "Ref" in node:
            return str(node["Ref"])
        if "Fn::GetAtt" in node:
            return str(node["Fn::GetAtt"][0])
    return None


def _of_type(resources: Mapping[str, Any], resource_type: str) -> dict[str, Mapping[str, Any]]:
    return {k: r.get("Properties", {}) for k, r in resources.items() if r.get("Type") == resource_type}


def _scheduled_functions(resources: Mapping[str, Any]) -> Iterator[tuple[str, str, Decimal]]:
    """``(function logical ID, schedule, runs a month)`` for every scheduled rule's Lambda target."""
    functions = _of_type(resources, "AWS::Lambda::Function")
    for rule in _of_type(resources, "AWS::Events::Rule").values():
        schedule = rule.get("ScheduleExpression")
        if not schedule or rule.get("State", "ENABLED") != "ENABLED":
            continue
        for target in rule.get("Targets", []):
            function_id = _ref(target.get("Arn"))
            if function_id in functions:
                yield function_id, schedule, runs_per_month(schedule)


def _run_lines(resources: Mapping[str, Any], duration: Decimal) -> Iterator[tuple[str, Decimal, str]]:
    """Rows for the scheduled functions' runs, and one for the custom metrics they keep alive."""
    metrics: set[tuple[str, str, str]] = set()
    runs_total = Decimal(0)
    for function_id, schedule, runs in _scheduled_functions(resources):
        function = resources[function_id]["Properties"]
        handler = str(function["Handler"])
        name = handler.split(".")[-2] if handler.count(".") else function_id
        idle = IDLE_RUNS.get(handler)
        if idle is None:
            raise ValueError(f"no idle assumptions for scheduled handler {handler!r}: add it to IDLE_RUNS")
        memory_gb = Decimal(function.get("MemorySize", 128)) / 1024
        arch = (function.get("Architectures") or ["x86_64"])[0]
        runs_total += runs
        yield f"Lambda requests: {name} ({schedule})", runs, "lambda.request"
        yield (
            f"Lambda duration: {name}, {function.get('MemorySize', 128)} MB {arch}, {duration} s/run",
            runs * duration * memory_gb,
            f"lambda.{arch}.gb_second",
        )
        ingested = runs * idle.log_bytes / GB
        retention = _retention_days(resources, function)
        kept = Decimal(retention or NEVER_EXPIRES_DAYS) / DAYS_PER_MONTH
        yield f"Log ingestion: {name}, {idle.log_bytes:,} B/run", ingested, "logs.ingestion"
        kept_text = f"{retention}-day retention" if retention else "never expires: after a year"
        yield f"Log storage: {name} ({kept_text})", ingested * kept, "logs.storage"
        traced = (function.get("TracingConfig") or {}).get("Mode") == "Active"
        traces = runs if traced else Decimal(0)
        yield f"X-Ray traces: {name} (tracing {'Active' if traced else 'off'})", traces, "xray.trace"
        for index in idle.index_queries:
            _on_demand_index(resources, function, index)
            yield (
                f"DynamoDB reads: {name}, empty query of index '{index}'",
                runs * EMPTY_INDEX_QUERY_RRU,
                "dynamodb.read_request_unit",
            )
        env = (function.get("Environment") or {}).get("Variables", {})
        # Powertools names the namespace and the service dimension from these two variables.
        namespace = env.get("POWERTOOLS_METRICS_NAMESPACE")
        service = env.get("POWERTOOLS_SERVICE_NAME", "service_undefined")
        metrics.update((str(namespace), metric, f"{SERVICE_DIMENSION}={service}") for metric in idle.metrics)
    yield "EventBridge scheduled events", runs_total, "events.scheduled_event"
    by_group: dict[str, list[str]] = {}
    for namespace, metric, dimensions in sorted(metrics):
        by_group.setdefault(f"{namespace} {{{dimensions}}}", []).append(metric)
    names = "; ".join(f"{group}: {', '.join(members)}" for group, members in by_group.items())
    yield f"Custom metrics: {names or 'none'}", Decimal(len(metrics)), "cloudwatch.custom_metric"


def _retention_days(resources: Mapping[str, Any], function: Mapping[str, Any]) -> int | None:
    group_id = _ref((function.get("LoggingConfig") or {}).get("LogGroup"))
    if group_id is None or group_id not in resources:
        return None  # Lambda's own /aws/lambda/<name> group, which never expires
    days = resources[group_id].get("Properties", {}).get("RetentionInDays")
    return int(days) if days else None


def _on_demand_index(resources: Mapping[str, Any], function: Mapping[str, Any], index: str) -> None:
    """Check the function's ``TABLE_NAME`` table is on-demand and has ``index`` (else the row is wrong)."""
    env = (function.get("Environment") or {}).get("Variables", {})
    table_id = _ref(env.get("TABLE_NAME"))
    table = resources.get(table_id or "", {}).get("Properties")
    if table is None:
        raise ValueError(f"the scheduled function's TABLE_NAME is not a table of the template: {table_id!r}")
    if table.get("BillingMode") != "PAY_PER_REQUEST":
        raise ValueError(f"table {table_id} is not on-demand (PAY_PER_REQUEST); provisioned is not priced")
    if index not in {gsi["IndexName"] for gsi in table.get("GlobalSecondaryIndexes", [])}:
        raise ValueError(f"table {table_id} has no global secondary index {index!r}")


def _monthly_lines(resources: Mapping[str, Any]) -> Iterator[tuple[str, Decimal, str]]:
    """Rows for what is billed by the month whatever happens, and the zero rows of unused resources."""
    standard, high_res = 0, 0
    for alarm in _of_type(resources, "AWS::CloudWatch::Alarm").values():
        stats = [m["MetricStat"] for m in alarm.get("Metrics", []) if "MetricStat" in m]
        periods = [int(s.get("Period", 60)) for s in stats] or [int(alarm.get("Period", 60))]
        count = len(stats) or 1  # each metric an alarm reads is billed; a plain alarm reads one
        if min(periods) < 60:
            high_res += count
        else:
            standard += count
    yield "CloudWatch alarms: standard-resolution alarm metrics", Decimal(standard), "cloudwatch.alarm_metric"
    if high_res:
        yield (
            "CloudWatch alarms: high-resolution alarm metrics",
            Decimal(high_res),
            "cloudwatch.alarm_metric.high_resolution",
        )
    composite = len(_of_type(resources, "AWS::CloudWatch::CompositeAlarm"))
    if composite:
        yield "CloudWatch composite alarms", Decimal(composite), "cloudwatch.composite_alarm"
    dashboards = len(_of_type(resources, "AWS::CloudWatch::Dashboard"))
    yield "CloudWatch dashboards", Decimal(dashboards), "cloudwatch.dashboard"
    keys = _of_type(resources, "AWS::KMS::Key")
    yield "KMS customer-managed keys (first year)", Decimal(len(keys)), "kms.key"
    parameters = _of_type(resources, "AWS::SSM::Parameter").values()
    advanced = sum(1 for p in parameters if p.get("Tier") == "Advanced")
    yield "SSM parameters, Standard tier", Decimal(len(parameters) - advanced), "ssm.parameter.standard"
    if advanced:
        yield "SSM parameters, Advanced tier", Decimal(advanced), "ssm.parameter.advanced"
    tables = _of_type(resources, "AWS::DynamoDB::Table")
    yield f"DynamoDB storage: {len(tables)} table(s), empty", Decimal(0), "dynamodb.storage"
    pitr = sum(
        1
        for t in tables.values()
        if (t.get("PointInTimeRecoverySpecification") or {}).get("PointInTimeRecoveryEnabled")
    )
    if pitr:
        yield f"DynamoDB point-in-time recovery: {pitr} table(s), empty", Decimal(0), "dynamodb.pitr"
    buckets = len(_of_type(resources, "AWS::S3::Bucket"))
    yield f"S3 storage: {buckets} bucket(s), empty", Decimal(0), "s3.storage"
    machines = len(_of_type(resources, "AWS::StepFunctions::StateMachine"))
    yield (
        f"Step Functions: {machines} state machine(s), no executions",
        Decimal(0),
        "stepfunctions.transition",
    )
    topics = len(_of_type(resources, "AWS::SNS::Topic"))
    yield f"SNS: {topics} topic(s), nothing published", Decimal(0), "sns.publish"


def price_table(region: str) -> dict[str, Price]:
    """The list prices of ``region``; raises ``ValueError`` for a region without a table."""
    if region not in PRICE_TABLES:
        raise ValueError(f"no price table for {region!r}; expected one of {', '.join(PRICE_TABLES)}")
    return PRICE_TABLES[region]


def idle_cost(
    template: Mapping[str, Any],
    *,
    region: str = "us-east-1",
    duration_seconds: Decimal = DEFAULT_DURATION_SECONDS,
) -> IdleCost:
    """Price one idle month of the stack in ``template`` (a synthesized CloudFormation template dict).

    Parameters
    ----------
    template : the template, e.g. ``json.load`` of ``cdk.out/LabelChain.template.json``.
    region : the price table (only ``us-east-1``).
    duration_seconds : billed duration of one scheduled run (default 1 s).

    Raises
    ------
    ValueError
        When the region has no price table, a schedule is not a ``rate(...)``, a scheduled handler has no
        :data:`IDLE_RUNS` entry, or its table is not on-demand or lacks the index it queries.
    """
    prices = price_table(region)
    resources = template.get("Resources", {})
    rows = [*_run_lines(resources, Decimal(duration_seconds)), *_monthly_lines(resources)]
    lines = tuple(CostLine(item, quantity, key, prices[key]) for item, quantity, key in rows)
    allowance: dict[str, Decimal] = {}
    free_tier = []
    for line in lines:
        pool = line.price.pool or line.price_key
        left = allowance.setdefault(pool, line.price.free_per_month)
        covered = min(left, line.quantity)
        allowance[pool] = left - covered
        free_tier.append((line.quantity - covered) * line.price.usd)
    assumptions = tuple(text.format(duration=duration_seconds) for text in ASSUMPTIONS)
    keys = _of_type(resources, "AWS::KMS::Key").values()
    rotated = sum(1 for key in keys if key.get("EnableKeyRotation"))
    if rotated:
        assumptions += (
            f"{rotated} KMS key(s) rotate yearly: each costs $2/month in its second year, $3 from its third.",
        )
    return IdleCost(region, lines, tuple(free_tier), assumptions)


def _quantity(value: Decimal) -> str:
    if value == value.to_integral_value():
        return f"{int(value):,}"
    return f"{value:,.6f}".rstrip("0")


def _usd(value: Decimal) -> str:
    cents = value.quantize(Decimal("0.01"))
    return f"${cents}" if cents == value else f"${value.normalize():f}"


def render_table(cost: IdleCost) -> str:
    """The rows as a text table: item, quantity and unit, unit price, monthly USD, with free tier."""
    header = ("Item", "Quantity", "Unit price", "Monthly USD", "With free tier")
    rows = [
        (
            line.item,
            f"{_quantity(line.quantity)} {line.price.unit}",
            _usd(line.price.usd),
            f"{line.monthly_usd:.4f}",
            f"{free:.4f}",
        )
        for line, free in zip(cost.lines, cost.free_tier_usd, strict=True)
    ]
    total = ("Total", "", "", f"{cost.total_usd:.2f}", f"{cost.total_with_free_tier_usd:.2f}")
    widths = [max(len(row[i]) for row in [header, *rows, total]) for i in range(len(header))]

    def fmt(row: tuple[str, ...]) -> str:
        cells = [row[0].ljust(widths[0])]
        cells += [cell.rjust(width) for cell, width in zip(row[1:], widths[1:], strict=True)]
        return "  ".join(cells).rstrip()

    rule = "  ".join("-" * width for width in widths)
    return "\n".join([fmt(header), rule, *map(fmt, rows), rule, fmt(total)])


def _default_template() -> Path:
    candidates = sorted((ROOT / "cdk.out").glob("*.template.json"))
    if len(candidates) != 1:
        raise SystemExit(
            f"idle_cost: expected one cdk.out/*.template.json (run `make synth`); found {len(candidates)}"
        )
    return candidates[0]


def _seconds(text: str) -> Decimal:
    try:
        value = Decimal(text)
    except ArithmeticError:
        value = Decimal(-1)
    if not value.is_finite() or value <= 0:
        raise argparse.ArgumentTypeError(f"expected a positive number of seconds; received {text!r}")
    return value


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--template", type=Path, help="synthesized template (default: the one in cdk.out)")
    parser.add_argument("--region", default="us-east-1", help="price table (default and only: us-east-1)")
    parser.add_argument(
        "--duration-seconds", type=_seconds, default=DEFAULT_DURATION_SECONDS, help="billed s per run (1)"
    )
    parser.add_argument("--json", action="store_true", help="print JSON instead of tables")
    args = parser.parse_args(argv)
    path: Path = args.template or _default_template()
    try:
        cost = idle_cost(
            json.loads(path.read_text(encoding="utf-8")),
            region=args.region,
            duration_seconds=args.duration_seconds,
        )
    except ValueError as err:
        print(f"idle_cost: {err}", file=sys.stderr)
        return 2
    smoke = smoke_job_cost()
    if args.json:
        print(json.dumps({"template": str(path), **cost.to_dict(), "smokeJob": smoke.to_dict()}, indent=2))
        return 0
    print(f"Idle month of {path.name}: {cost.region} list prices of {PRICES_READ_ON}, {HOURS_PER_MONTH} h")
    print()
    print(render_table(cost))
    print("\nAssumptions:")
    print("\n".join(f"  - {text}" for text in cost.assumptions))
    print()
    print(describe(smoke))
    return 0


if __name__ == "__main__":
    sys.exit(main())

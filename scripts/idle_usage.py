"""What the synthesized template says runs and is billed while the stack is idle, as priced rows.

Each row is ``(item, quantity a month, price key)``; the price keys are those of
:data:`scripts.idle_prices.PRICE_TABLES`. Every count is read from the template's ``Resources``; what a
run does beyond that comes from :data:`scripts.idle_assumptions.IDLE_RUNS`.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from decimal import Decimal
from typing import Any

from labelchain_fn.core.metrics import SERVICE_DIMENSION

from scripts.idle_assumptions import EMPTY_INDEX_QUERY_RRU, IDLE_RUNS, NEVER_EXPIRES_DAYS
from scripts.idle_prices import HOURS_PER_MONTH

DAYS_PER_MONTH = HOURS_PER_MONTH / 24
GB = Decimal(10**9)
Row = tuple[str, Decimal, str]


def runs_per_month(schedule_expression: str) -> Decimal:
    """Invocations a month of ``rate(N minute[s]|hour[s]|day[s])``; ``cron(...)`` is not supported."""
    match = re.fullmatch(r"rate\((\d+) (minute|hour|day)s?\)", schedule_expression.strip())
    if not match:
        raise ValueError(f"expected rate(N minutes|hours|days); received {schedule_expression!r}")
    minutes = int(match[1]) * {"minute": 1, "hour": 60, "day": 1440}[match[2]]
    return HOURS_PER_MONTH * 60 / minutes


def usage_rows(resources: Mapping[str, Any], duration: Decimal) -> list[Row]:
    """Every row of an idle month of ``resources`` (a template's ``Resources``): the scheduled runs first,
    then what is billed by the month; each run is billed ``duration`` seconds.

    Raises ``ValueError`` when a schedule is not a ``rate(...)``, a scheduled handler has no
    :data:`~scripts.idle_assumptions.IDLE_RUNS` entry, or its table is not on-demand or lacks the index
    it queries.
    """
    return [*_run_lines(resources, duration), *_monthly_lines(resources)]


def rotated_keys(resources: Mapping[str, Any]) -> int:
    """How many customer-managed KMS keys have automatic rotation on (their price rises after a year)."""
    return sum(1 for key in _of_type(resources, "AWS::KMS::Key").values() if key.get("EnableKeyRotation"))


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


def _run_lines(resources: Mapping[str, Any], duration: Decimal) -> Iterator[Row]:
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


def _monthly_lines(resources: Mapping[str, Any]) -> Iterator[Row]:
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

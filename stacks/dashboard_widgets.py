"""The dashboard's widgets: one row of job graphs per chain, the workflow, the functions.

The job metrics are the handlers' Powertools metrics (``labelchain_fn.core.metrics``): Powertools adds the
``service`` dimension to each, so every metric here names both ``chain`` and ``service``, or ``service``
alone for the pipeline-wide ones; a metric queried with fewer dimensions would show no data.
"""

from __future__ import annotations

from collections.abc import Mapping

from aws_cdk import Duration
from aws_cdk import aws_cloudwatch as cloudwatch
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_stepfunctions as sfn
from labelchain_fn.core import metrics as names

#: Jobs last hours: hourly points keep sparse job metrics readable.
JOB_PERIOD = Duration.hours(1)
OPERATIONS_PERIOD = Duration.minutes(5)
GRAPH_HEIGHT = 6


def chain_metric(
    chain: str, metric_name: str, *, statistic: str, label: str, period: Duration = JOB_PERIOD
) -> cloudwatch.Metric:
    """A per-chain Powertools metric (dimensions ``chain`` and ``service``)."""
    return cloudwatch.Metric(
        namespace=names.NAMESPACE,
        metric_name=metric_name,
        dimensions_map={names.CHAIN_DIMENSION: chain, names.SERVICE_DIMENSION: names.SERVICE},
        statistic=statistic,
        label=label,
        period=period,
    )


def service_metric(
    metric_name: str, *, statistic: str, label: str, period: Duration = OPERATIONS_PERIOD
) -> cloudwatch.Metric:
    """A pipeline-wide Powertools metric (dimension ``service`` only)."""
    return cloudwatch.Metric(
        namespace=names.NAMESPACE,
        metric_name=metric_name,
        dimensions_map={names.SERVICE_DIMENSION: names.SERVICE},
        statistic=statistic,
        label=label,
        period=period,
    )


def chain_heading(chain: str) -> cloudwatch.IWidget:
    """The full-width heading above a chain's graphs."""
    return cloudwatch.TextWidget(markdown=f"### Chain `{chain}`", width=24, height=1)


def chain_widgets(chain: str) -> list[cloudwatch.IWidget]:
    """One row of graphs for ``chain``: jobs, machine-labeled share, estimated cost and duration."""
    total, average = cloudwatch.Stats.SUM, cloudwatch.Stats.AVERAGE
    return [
        cloudwatch.GraphWidget(
            title=f"{chain}: labeling jobs",
            left=[
                chain_metric(chain, names.JOBS_STARTED, statistic=total, label="started"),
                chain_metric(chain, names.JOBS_COMPLETED, statistic=total, label="completed"),
                chain_metric(chain, names.JOBS_FAILED, statistic=total, label="failed"),
            ],
            width=6,
            height=GRAPH_HEIGHT,
        ),
        cloudwatch.GraphWidget(
            title=f"{chain}: machine-labeled %",
            left=[chain_metric(chain, names.MACHINE_LABELED_PERCENT, statistic=average, label="machine %")],
            left_y_axis=cloudwatch.YAxisProps(min=0, max=100, show_units=False),
            width=6,
            height=GRAPH_HEIGHT,
        ),
        cloudwatch.GraphWidget(
            title=f"{chain}: estimated cost (USD)",
            left=[chain_metric(chain, names.ESTIMATED_COST_USD, statistic=total, label="USD")],
            left_y_axis=cloudwatch.YAxisProps(min=0, show_units=False),
            width=6,
            height=GRAPH_HEIGHT,
        ),
        cloudwatch.GraphWidget(
            title=f"{chain}: job duration (seconds)",
            left=[
                chain_metric(chain, names.JOB_DURATION_SECONDS, statistic=average, label="average"),
                chain_metric(
                    chain, names.JOB_DURATION_SECONDS, statistic=cloudwatch.Stats.MAXIMUM, label="max"
                ),
            ],
            left_y_axis=cloudwatch.YAxisProps(min=0, show_units=False),
            width=6,
            height=GRAPH_HEIGHT,
        ),
    ]


def workflow_widgets(state_machine: sfn.IStateMachine) -> list[cloudwatch.IWidget]:
    """State machine executions by outcome, and the pipeline-wide health metrics."""
    total, period = cloudwatch.Stats.SUM, OPERATIONS_PERIOD
    return [
        cloudwatch.GraphWidget(
            title="Workflow executions",
            left=[
                state_machine.metric_succeeded(statistic=total, period=period, label="succeeded"),
                state_machine.metric_failed(statistic=total, period=period, label="failed"),
                state_machine.metric_aborted(statistic=total, period=period, label="aborted"),
                state_machine.metric_timed_out(statistic=total, period=period, label="timed out"),
            ],
            width=12,
            height=GRAPH_HEIGHT,
        ),
        cloudwatch.GraphWidget(
            title="Running, stalled jobs and lost notifications",
            left=[
                service_metric(names.ACTIVE_JOBS, statistic=cloudwatch.Stats.MAXIMUM, label="running jobs"),
                service_metric(names.STALLED_JOBS, statistic=total, label="stalled jobs"),
                service_metric(names.NOTIFICATIONS_FAILED, statistic=total, label="notifications failed"),
            ],
            width=12,
            height=GRAPH_HEIGHT,
        ),
    ]


def function_widgets(functions: Mapping[str, lambda_.IFunction]) -> list[cloudwatch.IWidget]:
    """Errors, throttles and duration, one line per function (labelled with its handler name)."""
    total, period = cloudwatch.Stats.SUM, OPERATIONS_PERIOD
    return [
        cloudwatch.GraphWidget(
            title="Function errors",
            left=[f.metric_errors(statistic=total, period=period, label=n) for n, f in functions.items()],
            width=8,
            height=GRAPH_HEIGHT,
        ),
        cloudwatch.GraphWidget(
            title="Function throttles",
            left=[f.metric_throttles(statistic=total, period=period, label=n) for n, f in functions.items()],
            width=8,
            height=GRAPH_HEIGHT,
        ),
        cloudwatch.GraphWidget(
            title="Function duration (p99, ms)",
            left=[
                f.metric_duration(statistic=cloudwatch.Stats.p(99), period=period, label=n)
                for n, f in functions.items()
            ],
            width=8,
            height=GRAPH_HEIGHT,
        ),
    ]

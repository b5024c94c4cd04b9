"""The operator dashboard (job metrics per chain, workflow, functions, alarm states) and the job alarms."""

from __future__ import annotations

import copy
import json
from typing import Any

import pytest
from stack_synth import HANDLERS, Synth, default_context, flatten, synth

JOB_METRICS = (
    "JobsStarted",
    "JobsCompleted",
    "JobsFailed",
    "MachineLabeledPercent",
    "EstimatedCostUsd",
    "JobDurationSeconds",
)
SERVICE = ("service", "labelchain")


@pytest.fixture(scope="module")
def two_chains() -> Synth:
    """The ``cdk.json`` configuration plus a second chain, ``cars``."""
    context = default_context()
    chains = context["labelchain"]["chains"]
    chains["cars"] = copy.deepcopy(chains["birds"]) | {"labels": ["Car"], "taskTitle": "Box each car"}
    return synth(context)


def body(s: Synth) -> dict[str, Any]:
    """The dashboard body as JSON; references render as ``<LogicalId>`` / ``<LogicalId.Arn>``."""
    (dashboard,) = s.resources("AWS::CloudWatch::Dashboard").values()
    return dict(json.loads(flatten(dashboard["Properties"]["DashboardBody"])))


def graphs(s: Synth) -> list[dict[str, Any]]:
    return [w for w in body(s)["widgets"] if w["type"] == "metric"]


def metric_keys(widget: dict[str, Any]) -> set[tuple[str, ...]]:
    """``(namespace, metric name, dimension name, value, ...)`` of each line of a graph widget."""
    return {
        tuple(part for part in line if not isinstance(part, dict)) for line in widget["properties"]["metrics"]
    }


def all_metric_keys(s: Synth) -> set[tuple[str, ...]]:
    return set().union(*(metric_keys(w) for w in graphs(s)))


def test_dashboard_is_named_after_the_stack_and_region(default_synth):
    ((logical_id, dashboard),) = default_synth.resources("AWS::CloudWatch::Dashboard").items()
    assert dashboard["Properties"]["DashboardName"] == "LabelChain-us-east-1"
    assert default_synth.json["Outputs"]["DashboardName"]["Value"] == {"Ref": logical_id}


@pytest.mark.parametrize("chain", ["birds", "cars"])
def test_each_chain_has_one_row_of_job_graphs(two_chains, chain):
    # GIVEN two configured chains
    rows = [w for w in graphs(two_chains) if w["properties"]["title"].startswith(f"{chain}: ")]
    # THEN the chain has four graphs side by side, filling one row
    assert len(rows) == 4 and len({w["y"] for w in rows}) == 1 and sum(w["width"] for w in rows) == 24
    # AND together they show each job metric of that chain, with the dimensions Powertools emits
    keys = set().union(*(metric_keys(w) for w in rows))
    assert {("LabelChain", name, "chain", chain, *SERVICE) for name in JOB_METRICS} == keys
    # AND a heading names the chain above them
    headings = [w for w in body(two_chains)["widgets"] if w["type"] == "text"]
    assert any(f"`{chain}`" in w["properties"]["markdown"] and w["y"] < rows[0]["y"] for w in headings)


def test_job_graphs_use_sums_for_counts_and_averages_for_shares(default_synth):
    lines = [
        line for w in graphs(default_synth) for line in w["properties"]["metrics"] if line[0] == "LabelChain"
    ]
    stats = {(line[1], line[-1].get("stat", "Average")) for line in lines}
    assert {("JobsStarted", "Sum"), ("JobsFailed", "Sum"), ("EstimatedCostUsd", "Sum")} <= stats
    assert ("MachineLabeledPercent", "Average") in stats


def test_workflow_graph_shows_executions_by_outcome(default_synth):
    s = default_synth
    (state_machine_id,) = s.resources("AWS::StepFunctions::StateMachine")
    outcomes = ("ExecutionsSucceeded", "ExecutionsFailed", "ExecutionsAborted", "ExecutionsTimedOut")
    expected = {("AWS/States", name, "StateMachineArn", f"<{state_machine_id}>") for name in outcomes}
    assert expected <= all_metric_keys(s)


def test_pipeline_health_graph_shows_running_and_stalled_jobs_and_lost_notifications(default_synth):
    expected = {
        ("LabelChain", name, *SERVICE) for name in ("ActiveJobs", "StalledJobs", "NotificationsFailed")
    }
    assert expected <= all_metric_keys(default_synth)


@pytest.mark.parametrize("handler", HANDLERS)
def test_every_function_has_errors_throttles_and_duration(default_synth, handler):
    function_id = default_synth.function_ids()[handler]
    keys = all_metric_keys(default_synth)
    for metric in ("Errors", "Throttles", "Duration"):
        assert ("AWS/Lambda", metric, "FunctionName", f"<{function_id}>") in keys
    # AND the lines are labelled with the handler name rather than the generated function name
    labels = {line[-1].get("label") for w in graphs(default_synth) for line in w["properties"]["metrics"]}
    assert handler in labels


def test_alarm_status_widget_shows_every_alarm(two_chains):
    s = two_chains
    (widget,) = [w for w in body(s)["widgets"] if w["type"] == "alarm"]
    alarms = s.resources("AWS::CloudWatch::Alarm")
    # THEN the widget lists each alarm by the ARN of its name, at the top of the dashboard
    arn = "arn:aws:cloudwatch:us-east-1:<AWS::AccountId>:alarm:{}"
    expected = {arn.format(a["Properties"]["AlarmName"]) for a in alarms.values()}
    assert set(widget["properties"]["alarms"]) == expected and len(expected) == 13
    assert widget["y"] == 0 and widget["width"] == 24
    # AND the dashboard is created after the alarms it shows
    (dashboard,) = s.resources("AWS::CloudWatch::Dashboard").values()
    assert set(alarms) <= set(dashboard["DependsOn"])


def test_alarms_are_named_after_the_stack(default_synth):
    # Alarm e-mails carry the alarm name in their subject: it must say what broke.
    names = {a["Properties"]["AlarmName"] for a in default_synth.resources("AWS::CloudWatch::Alarm").values()}
    assert {"LabelChain-ExecutionsFailed", "LabelChain-JobsFailed-birds", "LabelChain-StalledJobs"} <= names
    assert "LabelChain-RecordFailureErrors" in names and len(names) == 12


def alarms_on(s: Synth, metric_name: str) -> list[dict[str, Any]]:
    return [
        a["Properties"]
        for a in s.resources("AWS::CloudWatch::Alarm").values()
        if a["Properties"].get("MetricName") == metric_name and a["Properties"]["Namespace"] == "LabelChain"
    ]


def test_a_failed_job_alarms_per_chain_on_the_topic(two_chains):
    s = two_chains
    topic = s.stack.resolve(s.stack.alerts.topic.topic_arn)
    alarms = alarms_on(s, "JobsFailed")
    by_chain = {next(d["Value"] for d in a["Dimensions"] if d["Name"] == "chain"): a for a in alarms}
    assert set(by_chain) == {"birds", "cars"} and len(alarms) == 2
    for chain, alarm in by_chain.items():
        assert alarm["Dimensions"] == [
            {"Name": "chain", "Value": chain},
            {"Name": "service", "Value": "labelchain"},
        ]
        assert (alarm["Statistic"], alarm["Threshold"], alarm["ComparisonOperator"]) == (
            "Sum",
            1,
            "GreaterThanOrEqualToThreshold",
        )
        assert alarm["AlarmActions"] == [topic] and alarm["TreatMissingData"] == "notBreaching"


def test_a_stalled_job_alarms_on_the_topic(default_synth):
    s = default_synth
    (alarm,) = alarms_on(s, "StalledJobs")
    assert alarm["Dimensions"] == [{"Name": "service", "Value": "labelchain"}]
    assert (alarm["Statistic"], alarm["Threshold"], alarm["ComparisonOperator"]) == (
        "Sum",
        1,
        "GreaterThanOrEqualToThreshold",
    )
    assert alarm["AlarmActions"] == [s.stack.resolve(s.stack.alerts.topic.topic_arn)]


def test_functions_emit_the_namespace_and_service_the_dashboard_reads(default_synth):
    # The dashboard and alarms query {service: labelchain} in LabelChain: every function must emit that.
    for handler in HANDLERS:
        env = default_synth.function(handler)["Properties"]["Environment"]["Variables"]
        assert (env["POWERTOOLS_METRICS_NAMESPACE"], env["POWERTOOLS_SERVICE_NAME"]) == (
            "LabelChain",
            "labelchain",
        )

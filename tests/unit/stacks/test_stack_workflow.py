"""The state machine, asserted on its rendered ASL (scripts/render_asl.py) and its properties."""

from __future__ import annotations

from typing import Any

import pytest

from scripts.render_asl import render_asl

THIRTY_DAYS = 30 * 24 * 3600
CATCHING_STATES = ("Prepare", "StartJob", "RecordJob", "RunWithControl", "CompareJobs")
TASK_FUNCTIONS = {
    "Prepare": "prepare",
    "RecordJob": "record",
    "CompareJobs": "compare",
    "RecordFailure": "record_failure",
}


@pytest.fixture(scope="module")
def asl(default_synth) -> dict[str, Any]:
    return render_asl(default_synth.json)


def _lambda_arn(synth, name: str) -> str:
    return f"arn:aws:lambda:us-east-1:123456789012:function:{synth.function_ids()[name]}"


def test_states_and_wiring_follow_the_design(asl):
    states = asl["States"]
    assert asl["StartAt"] == "Prepare"
    assert set(states) == {
        "Prepare",
        "IsDuplicate?",
        "Duplicate",
        "WithControl?",
        "RunWithControl",
        "StartJob",
        "RecordJob",
        "CompareJobs",
        "Done",
        "RecordFailure",
        "Failed",
    }
    assert states["Prepare"]["Next"] == "IsDuplicate?"
    assert states["IsDuplicate?"]["Choices"] == [
        {"Variable": "$.prepared.duplicate", "BooleanEquals": True, "Next": "Duplicate"}
    ]
    assert states["IsDuplicate?"]["Default"] == "WithControl?"
    assert states["Duplicate"]["Type"] == "Succeed"
    assert states["WithControl?"]["Choices"] == [
        {"Variable": "$.prepared.control", "BooleanEquals": True, "Next": "RunWithControl"}
    ]
    assert states["WithControl?"]["Default"] == "StartJob"
    assert states["StartJob"]["Next"] == "RecordJob"
    assert states["RecordJob"]["Next"] == "Done"
    assert states["RunWithControl"]["Next"] == "CompareJobs"
    assert states["CompareJobs"]["Next"] == "Done"
    assert states["Done"]["Type"] == "Succeed"
    assert states["RecordFailure"]["Next"] == "Failed"


def test_lambda_tasks_return_the_handler_result_into_their_result_path(asl, default_synth):
    states = asl["States"]
    for state, name in TASK_FUNCTIONS.items():
        # payload_response_only: the Resource is the function itself, Parameters is the payload
        assert states[state]["Resource"] == _lambda_arn(default_synth, name), state
    assert states["Prepare"]["Parameters"] == {
        "input.$": "$",
        "executionArn.$": "$$.Execution.Id",
        "executionName.$": "$$.Execution.Name",
    }
    assert states["Prepare"]["ResultPath"] == "$.prepared"
    assert states["RecordJob"]["Parameters"] == {"labelingJobName.$": "$.prepared.jobs.main.labelingJobName"}
    assert states["CompareJobs"]["Parameters"] == {
        "main.$": "$.summaries.main",
        "control.$": "$.summaries.control",
        "chain.$": "$.prepared.chain",
    }
    assert states["RecordFailure"]["Parameters"] == {
        "input.$": "$",
        "executionArn.$": "$$.Execution.Id",
        "executionName.$": "$$.Execution.Name",
        "error.$": "$.error",
    }


def _start_states(asl) -> dict[str, dict[str, Any]]:
    found = {"StartJob": asl["States"]["StartJob"]}
    for branch in asl["States"]["RunWithControl"]["Branches"]:
        found.update({k: v for k, v in branch["States"].items() if k.startswith("Start")})
    return found


def test_start_job_waits_for_the_task_token_for_31_days(asl, default_synth):
    starts = _start_states(asl)
    assert set(starts) == {"StartJob", "StartMainJob", "StartControlJob"}
    for name, state in starts.items():
        assert state["Resource"] == "arn:aws:states:::lambda:invoke.waitForTaskToken", name
        assert state["TimeoutSeconds"] >= THIRTY_DAYS, name
        assert state["Parameters"]["FunctionName"] == _lambda_arn(default_synth, "start"), name
        payload = state["Parameters"]["Payload"]
        role = "control" if name == "StartControlJob" else "main"
        assert payload == {
            "taskToken.$": "$$.Task.Token",
            "executionArn.$": "$$.Execution.Id",
            "labelingJobName.$": f"$.prepared.jobs.{role}.labelingJobName",
        }, name
        assert state["ResultPath"] == "$.started", name


def test_start_job_retries_throttling_with_backoff(asl):
    for name, state in _start_states(asl).items():
        throttled = [r for r in state["Retry"] if r["ErrorEquals"] == ["LabelingJobThrottled"]]
        assert throttled == [
            {
                "ErrorEquals": ["LabelingJobThrottled"],
                "IntervalSeconds": 30,
                "MaxAttempts": 6,
                "BackoffRate": 2,
            }
        ], name
        # the Lambda service errors keep CDK's default retry
        assert any("Lambda.ServiceException" in r["ErrorEquals"] for r in state["Retry"]), name


def test_every_step_catches_all_errors_into_record_failure(asl):
    for name in CATCHING_STATES:
        assert asl["States"][name]["Catch"] == [
            {"ErrorEquals": ["States.ALL"], "ResultPath": "$.error", "Next": "RecordFailure"}
        ], name


def test_failure_path_ends_in_fail_with_the_caught_error(asl):
    states = asl["States"]
    assert states["RecordFailure"]["ResultPath"] is None  # keeps $.error for the Fail state
    assert states["RecordFailure"]["Catch"][0]["Next"] == "Failed"
    assert states["Failed"] == {"Type": "Fail", "ErrorPath": "$.error.Error", "CausePath": "$.error.Cause"}


def test_parallel_runs_main_and_control_and_names_their_summaries(asl, default_synth):
    parallel = asl["States"]["RunWithControl"]
    assert parallel["Type"] == "Parallel"
    assert [b["StartAt"] for b in parallel["Branches"]] == ["StartMainJob", "StartControlJob"]
    for branch, role in zip(parallel["Branches"], ("Main", "Control"), strict=True):
        record = branch["States"][f"Record{role}Job"]
        assert branch["States"][f"Start{role}Job"]["Next"] == f"Record{role}Job"
        assert record["End"] is True and record["OutputPath"] == "$.recorded"
        assert record["Resource"] == _lambda_arn(default_synth, "record")
    assert parallel["ResultSelector"] == {"main.$": "$[0]", "control.$": "$[1]"}
    assert parallel["ResultPath"] == "$.summaries"


def test_state_machine_is_standard_logged_traced_and_bounded(default_synth):
    (machine,) = default_synth.resources("AWS::StepFunctions::StateMachine").values()
    props = machine["Properties"]
    assert props["StateMachineType"] == "STANDARD"
    assert props["TracingConfiguration"] == {"Enabled": True}
    assert props["LoggingConfiguration"]["Level"] == "ALL"
    assert props["LoggingConfiguration"]["IncludeExecutionData"] is True
    group = props["LoggingConfiguration"]["Destinations"][0]["CloudWatchLogsLogGroup"]["LogGroupArn"]
    assert default_synth.json["Resources"][group["Fn::GetAtt"][0]]["Type"] == "AWS::Logs::LogGroup"
    assert render_asl(default_synth.json)["TimeoutSeconds"] > 31 * 24 * 3600


def test_render_asl_rejects_templates_without_exactly_one_state_machine():
    with pytest.raises(ValueError, match="exactly one state machine"):
        render_asl({"Resources": {}})

"""The state machine, asserted on its rendered ASL (scripts/render_asl.py) and its properties."""

from __future__ import annotations

from typing import Any

import pytest

from scripts.render_asl import render_asl

THIRTY_DAYS = 30 * 24 * 3600
CATCHING_STATES = ("Prepare", "StartJob", "RecordJob", "RunWithControl", "CompareJobs")
CATCH_ALL = {"ErrorEquals": ["States.ALL"], "ResultPath": "$.error", "Next": "RecordFailure"}
#: Retried on every Lambda state: failures that say nothing about the input (stacks/job_run.py).
TRANSIENT_RETRY = {
    "ErrorEquals": [
        "TransientAwsError",
        "Lambda.Unknown",
        "Sandbox.Timedout",
        "Runtime.ExitError",
        "Lambda.TooManyRequestsException",
    ],
    "IntervalSeconds": 2,
    "MaxAttempts": 5,
    "BackoffRate": 2,
}
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
        # RecordJob first waits again for a job Ground Truth still runs (below); the catch-all comes last
        assert asl["States"][name]["Catch"][-1] == CATCH_ALL, name
    for name in ("Prepare", "StartJob", "RunWithControl", "CompareJobs"):
        assert asl["States"][name]["Catch"] == [CATCH_ALL], name


def test_record_job_waits_again_for_a_job_ground_truth_still_runs(asl):
    # LabelingJobNotEnded goes back to StartJob (which adopts its own job and stores a new token), before
    # the catch-all could record it as a failure; the state's input is kept as it was
    assert asl["States"]["RecordJob"]["Catch"] == [
        {"ErrorEquals": ["LabelingJobNotEnded"], "ResultPath": None, "Next": "StartJob"},
        CATCH_ALL,
    ]


def _lambda_states(asl) -> dict[str, dict[str, Any]]:
    """Every Lambda-invoking Task state, also inside the Parallel's branches."""
    found = {}
    for name, state in asl["States"].items():
        for branch in state.get("Branches", []):
            found.update({k: v for k, v in branch["States"].items() if v["Type"] == "Task"})
        if state["Type"] == "Task":
            found[name] = state
    return found


def test_every_lambda_state_retries_transient_failures_with_backoff(asl):
    states = _lambda_states(asl)
    assert set(states) == {
        "Prepare",
        "StartJob",
        "RecordJob",
        "CompareJobs",
        "RecordFailure",
        "StartMainJob",
        "RecordMainJob",
        "StartControlJob",
        "RecordControlJob",
        "ControlJobFailed",
    }
    for name, state in states.items():
        # 2 s, then doubling: 2+4+8+16+32 s over 5 attempts
        assert TRANSIENT_RETRY in state["Retry"], name
        # and the Lambda service errors keep CDK's own retrier
        assert any("Lambda.ServiceException" in r["ErrorEquals"] for r in state["Retry"]), name


def test_a_named_error_of_the_input_is_never_retried(asl):
    # Errors that say something about the input (a bad manifest, a failed job) fail at once
    for name, state in _lambda_states(asl).items():
        retried = {error for retry in state["Retry"] for error in retry["ErrorEquals"]}
        assert not retried & {"States.ALL", "ManifestInvalid", "LabelingJobFailed", "LabelingJobNotEnded"}, (
            name
        )


def test_failure_path_ends_in_fail_with_the_caught_error(asl):
    states = asl["States"]
    assert states["RecordFailure"]["ResultPath"] is None  # keeps $.error for the Fail state
    assert states["RecordFailure"]["Catch"][0]["Next"] == "Failed"
    assert states["Failed"] == {"Type": "Fail", "ErrorPath": "$.error.Error", "CausePath": "$.error.Cause"}


def _branches(asl) -> dict[str, dict[str, Any]]:
    main, control = asl["States"]["RunWithControl"]["Branches"]
    return {"Main": main["States"], "Control": control["States"]}


def test_a_main_job_failure_fails_the_parallel(asl):
    # The main branch catches only the job still running; anything else fails RunWithControl, whose catch
    # records the failure (and cancels the control branch; RecordFailure stops the control job)
    states = _branches(asl)["Main"]
    assert set(states) == {"StartMainJob", "RecordMainJob"}
    assert "Catch" not in states["StartMainJob"]
    assert states["RecordMainJob"]["Catch"] == [
        {"ErrorEquals": ["LabelingJobNotEnded"], "ResultPath": None, "Next": "StartMainJob"}
    ]


def test_a_control_job_failure_is_caught_in_its_branch(asl, default_synth):
    # Any failure of the control branch goes to ControlJobFailed, so it never fails the Parallel
    states = _branches(asl)["Control"]
    assert set(states) == {"StartControlJob", "RecordControlJob", "ControlJobFailed", "ControlJobUnrecorded"}
    to_failed = {"ErrorEquals": ["States.ALL"], "ResultPath": "$.error", "Next": "ControlJobFailed"}
    assert states["StartControlJob"]["Catch"] == [to_failed]
    assert states["RecordControlJob"]["Catch"] == [
        {"ErrorEquals": ["LabelingJobNotEnded"], "ResultPath": None, "Next": "StartControlJob"},
        to_failed,
    ]
    # AND ControlJobFailed closes the control job by Ground Truth's truth through the record function,
    # with the caught error; its summary is the branch's result
    failed = states["ControlJobFailed"]
    assert failed["Resource"] == _lambda_arn(default_synth, "record")
    assert failed["Parameters"] == {
        "labelingJobName.$": "$.prepared.jobs.control.labelingJobName",
        "error.$": "$.error",
    }
    assert failed["ResultPath"] == "$.recorded" and failed["OutputPath"] == "$.recorded"
    assert failed["End"] is True
    # AND if even closing the job fails for good, the branch still ends with a summary that says so
    assert failed["Catch"] == [
        {"ErrorEquals": ["States.ALL"], "ResultPath": "$.closeError", "Next": "ControlJobUnrecorded"}
    ]
    unrecorded = states["ControlJobUnrecorded"]
    assert unrecorded["Type"] == "Pass" and unrecorded["End"] is True
    assert unrecorded["Parameters"]["status"] == "UNRECORDED"
    assert unrecorded["Parameters"]["error.$"] == "$.error.Error"


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

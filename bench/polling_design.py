"""A polling design, built for the benchmark only: what labelchain's task-token callback replaces.

The state machine creates the labeling job, then loops ``Wait 600 s → DescribeLabelingJob → Choice`` until
the job ends, with AWS SDK integrations (no Lambda). It runs in the same sandbox as the real stack. Each
``Wait`` moves the simulated clock by its declared seconds instead of sleeping (:func:`waits_advance_clock`),
so the number of loops equals the job's simulated duration divided by the interval, whatever the real
speed of the interpreter.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from moto.stepfunctions.parser.asl.component.state.wait.wait_function.wait_function import WaitFunction

from sandbox.clock import SimClock

#: Seconds between two polls.
POLL_SECONDS = 600
TERMINAL = ("Completed", "Failed", "Stopped")
_SDK = "arn:aws:states:::aws-sdk:sagemaker:"


def definition(request: dict[str, Any], poll_seconds: int = POLL_SECONDS) -> dict[str, Any]:
    """The polling state machine (JSONPath) for jobs like ``request``; input ``{"LabelingJobName"}``.

    The CreateLabelingJob request is embedded with only its name taken from the input: moto's ASL parser
    reads a ``"RoleArn.$"`` key as the ``Credentials`` keyword, so the fields cannot all be paths. Results
    are trimmed (``ResultSelector``, ``ResultPath: null``) so the loop carries a small document.
    """
    ended = [{"Variable": "$.job.LabelingJobStatus", "StringEquals": status} for status in TERMINAL]
    return {
        "Comment": "Benchmark only: poll DescribeLabelingJob every 10 minutes",
        "StartAt": "CreateLabelingJob",
        "States": {
            "CreateLabelingJob": {
                "Type": "Task",
                "Resource": f"{_SDK}createLabelingJob",
                "Parameters": {
                    **{k: v for k, v in request.items() if k != "LabelingJobName"},
                    "LabelingJobName.$": "$.LabelingJobName",
                },
                "ResultPath": None,
                "Next": "WaitForJob",
            },
            "WaitForJob": {"Type": "Wait", "Seconds": poll_seconds, "Next": "DescribeLabelingJob"},
            "DescribeLabelingJob": {
                "Type": "Task",
                "Resource": f"{_SDK}describeLabelingJob",
                "Parameters": {"LabelingJobName.$": "$.LabelingJobName"},
                "ResultSelector": {"LabelingJobStatus.$": "$.LabelingJobStatus"},
                "ResultPath": "$.job",
                "Next": "JobEnded?",
            },
            "JobEnded?": {
                "Type": "Choice",
                "Choices": [{"Or": ended, "Next": "Done"}],
                "Default": "WaitForJob",
            },
            "Done": {"Type": "Succeed"},
        },
    }


@contextmanager
def waits_advance_clock(clock: SimClock) -> Iterator[None]:
    """While active, a ``Wait`` state advances ``clock`` by its seconds and returns at once.

    The clock should be frozen (``clock.set_speed(None)``) so that only the waits move it.
    """

    def advance(self: WaitFunction, env: Any, wait_seconds: float) -> None:
        clock.advance(seconds=float(wait_seconds))

    previous = WaitFunction.__dict__.get("_wait_interval")
    WaitFunction._wait_interval = advance  # type: ignore[method-assign]
    try:
        yield
    finally:
        if previous is None:
            del WaitFunction._wait_interval
        else:
            WaitFunction._wait_interval = previous  # type: ignore[method-assign]


def create_state_machine(sfn: Any, request: dict[str, Any], role_arn: str) -> str:
    """Create the polling state machine for requests shaped like ``request``; returns its ARN."""
    return str(
        sfn.create_state_machine(
            name=f"bench-polling-{uuid.uuid4().hex[:8]}",
            definition=json.dumps(definition(request)),
            roleArn=role_arn,
            type="STANDARD",
        )["stateMachineArn"]
    )


def start(sfn: Any, state_machine_arn: str, job_name: str) -> str:
    """Start one polling execution that creates and polls the job ``job_name``; returns its ARN."""
    body = json.dumps({"LabelingJobName": job_name})
    execution = sfn.start_execution(stateMachineArn=state_machine_arn, name=job_name, input=body)
    return str(execution["executionArn"])

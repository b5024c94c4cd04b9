"""``JobRun``: the reusable "StartJob -> RecordJob" fragment for one labeling job.

StartJob invokes the start Lambda with a task token (``lambda:invoke.waitForTaskToken``) and waits until
the job ends: the JobStateChanged or Monitor Lambda answers with ``SendTaskSuccess`` (job Completed) or
``SendTaskFailure`` (``LabelingJobFailed`` / ``LabelingJobStopped``). RecordJob then stores the job's
figures and returns its summary.
"""

from __future__ import annotations

from aws_cdk import Duration
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_stepfunctions as sfn
from aws_cdk import aws_stepfunctions_tasks as tasks
from constructs import Construct

#: Labeling jobs expire after 30 days; a day of margin covers queueing and the final callback.
START_JOB_TIMEOUT = Duration.days(31)
#: ``LabelingJobThrottled`` = ThrottlingException / ResourceLimitExceeded (too many concurrent jobs).
THROTTLED_ERROR = "LabelingJobThrottled"
#: Failures that say nothing about the input, retried with backoff on every Lambda state (all of them are
#: idempotent; docs/design.md "Retries"): an AWS call throttled or failing with 5xx after the SDK's retries
#: (``TransientAwsError``, raised by the handlers), a Lambda that died (Step Functions reports unhandled
#: Lambda errors, out of memory and crashes as ``Lambda.Unknown``; a timeout as ``Sandbox.Timedout``; a
#: runtime that exited as ``Runtime.ExitError``) and Lambda throttling. The Lambda service exceptions
#: (``Lambda.ServiceException`` ...) have CDK's own retrier (``retry_on_service_exceptions``).
TRANSIENT_ERRORS = [
    "TransientAwsError",
    "Lambda.Unknown",
    "Sandbox.Timedout",
    "Runtime.ExitError",
    "Lambda.TooManyRequestsException",
]
#: ``LabelingJobNotEnded``: RecordJob met a job Ground Truth still runs (a stale event); wait for it again.
NOT_ENDED_ERROR = "LabelingJobNotEnded"


def add_transient_retry(task: sfn.TaskStateBase, max_attempts: int = 5) -> None:
    """Retry :data:`TRANSIENT_ERRORS` on ``task``: 2 s, then doubling (2+4+8+16+32 s with 5 attempts)."""
    task.add_retry(
        errors=TRANSIENT_ERRORS, interval=Duration.seconds(2), backoff_rate=2, max_attempts=max_attempts
    )


class JobRun(sfn.StateMachineFragment):
    """StartJob -> RecordJob for the job named at ``$.prepared.jobs.<role>.labelingJobName``.

    Parameters
    ----------
    scope, id_ : construct scope and ID.
    start_function : the ``start`` handler (creates the job and stores the token).
    record_function : the ``record`` handler (returns the job summary).
    role : ``main`` or ``control``: which prepared job this fragment runs.
    start_state_name, record_state_name : state names; must be unique in the state machine. Default:
        ``Start<Role>Job`` / ``Record<Role>Job``.
    summary_only : when true the fragment's output is the job summary alone (as a Parallel branch
        result); otherwise the summary is added to the state at ``$.recorded``. Default: false.
    isolate_failures : when true (the control job of a comparison) any failure of the two states is
        caught by a third, ``<Role>JobFailed``: the record function closes the job by Ground Truth's
        truth with the error, and its summary (``status``, ``error``) is the fragment's output, so the
        job's failure never fails the execution. Default: false (callers catch failures themselves).

    Attributes
    ----------
    start_task, record_task : the two states (callers add Catch clauses to them).
    """

    def __init__(
        self,
        scope: Construct,
        id_: str,
        *,
        start_function: lambda_.IFunction,
        record_function: lambda_.IFunction,
        role: str,
        start_state_name: str | None = None,
        record_state_name: str | None = None,
        summary_only: bool = False,
        isolate_failures: bool = False,
    ) -> None:
        super().__init__(scope, id_)
        job_name = sfn.JsonPath.string_at(f"$.prepared.jobs.{role}.labelingJobName")
        start_name = start_state_name or f"Start{role.title()}Job"
        record_name = record_state_name or f"Record{role.title()}Job"
        self.start_task = tasks.LambdaInvoke(
            self,
            "StartJob",
            state_name=start_name,
            lambda_function=start_function,
            integration_pattern=sfn.IntegrationPattern.WAIT_FOR_TASK_TOKEN,
            payload=sfn.TaskInput.from_object(
                {
                    "taskToken": sfn.JsonPath.task_token,
                    "labelingJobName": job_name,
                    "executionArn": sfn.JsonPath.string_at("$$.Execution.Id"),
                }
            ),
            task_timeout=sfn.Timeout.duration(START_JOB_TIMEOUT),
            # The task result is what SendTaskSuccess carries: {labelingJobName, labelingJobStatus}.
            result_path="$.started",
        )
        self.start_task.add_retry(
            errors=[THROTTLED_ERROR], interval=Duration.seconds(30), backoff_rate=2, max_attempts=6
        )
        add_transient_retry(self.start_task)
        self.record_task = tasks.LambdaInvoke(
            self,
            "RecordJob",
            state_name=record_name,
            lambda_function=record_function,
            payload=sfn.TaskInput.from_object({"labelingJobName": job_name}),
            payload_response_only=True,
            result_path="$.recorded",
            output_path="$.recorded" if summary_only else None,
        )
        add_transient_retry(self.record_task)
        # Ground Truth is the truth: a job it still runs is waited for again (StartJob adopts its own job and
        # stores a new token), never recorded as ended. Added before the callers' catch-all, so it wins.
        self.record_task.add_catch(
            self.start_task, errors=[NOT_ENDED_ERROR], result_path=sfn.JsonPath.DISCARD
        )
        self.start_task.next(self.record_task)
        self._ends: list[sfn.INextable] = [self.record_task]
        if isolate_failures:
            failed = tasks.LambdaInvoke(
                self,
                "JobFailed",
                state_name=f"{role.title()}JobFailed",
                lambda_function=record_function,
                payload=sfn.TaskInput.from_object(
                    {"labelingJobName": job_name, "error": sfn.JsonPath.object_at("$.error")}
                ),
                payload_response_only=True,
                result_path="$.recorded",
                output_path="$.recorded" if summary_only else None,
            )
            add_transient_retry(failed)
            for state in (self.start_task, self.record_task):
                state.add_catch(failed, errors=[sfn.Errors.ALL], result_path="$.error")
            # Even closing the job can fail for good (its chain removed from the configuration): the
            # branch still ends with a summary saying so, and the reconciler settles the job later.
            unrecorded = sfn.Pass(
                self,
                "JobUnrecorded",
                state_name=f"{role.title()}JobUnrecorded",
                parameters={
                    "labelingJobName": job_name,
                    "role": role,
                    "status": "UNRECORDED",
                    "error.$": "$.error.Error",
                    "cause.$": "$.error.Cause",
                },
                output_path="$" if summary_only else None,
                result_path=None if summary_only else "$.recorded",
            )
            failed.add_catch(unrecorded, errors=[sfn.Errors.ALL], result_path="$.closeError")
            self._ends += [failed, unrecorded]

    @property
    def start_state(self) -> sfn.State:
        return self.start_task

    @property
    def end_states(self) -> list[sfn.INextable]:
        return self._ends

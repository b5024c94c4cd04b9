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
#: A start Lambda that died (timeout, out of memory, crash) may have created the job without storing the
#: task token. StartJob is idempotent (the retry meets its own job through ``ResourceInUse``), so these are
#: retried; Step Functions reports them as ``Lambda.Unknown`` (``Sandbox.Timedout`` for a timeout).
CRASH_ERRORS = ["Lambda.Unknown", "Sandbox.Timedout"]


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
        self.start_task.add_retry(
            errors=CRASH_ERRORS, interval=Duration.seconds(5), backoff_rate=2, max_attempts=2
        )
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
        self.start_task.next(self.record_task)

    @property
    def start_state(self) -> sfn.State:
        return self.start_task

    @property
    def end_states(self) -> list[sfn.INextable]:
        return [self.record_task]

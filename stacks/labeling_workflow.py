"""The Standard state machine that turns one upload into one (or a main + control pair of) labeling job(s).

::

    Prepare -> IsDuplicate? -yes-> Duplicate
                  | no
               WithControl? -yes-> RunWithControl [StartMainJob -> RecordMainJob
                  | no                            | StartControlJob -> RecordControlJob (-> ControlJobFailed)]
                  |                      -> CompareJobs -> Done
               StartJob -> RecordJob -> Done          (RecordJob -LabelingJobNotEnded-> StartJob: wait again)
    Catch States.ALL (ResultPath $.error) -> RecordFailure -> Failed
    Every Lambda state retries TransientAwsError and Lambda crashes/timeouts (job_run.TRANSIENT_ERRORS).

State names are part of the contract (``docs/design.md``): tests, logs and alarms refer to them.
"""

from __future__ import annotations

from collections.abc import Mapping

from aws_cdk import Duration, RemovalPolicy
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_logs as logs
from aws_cdk import aws_stepfunctions as sfn
from aws_cdk import aws_stepfunctions_tasks as tasks
from constructs import Construct

from .job_run import JobRun, add_transient_retry

#: Every failure (a named error from ``core/errors.py``, a Lambda error, a timeout) is recorded.
CATCH_ALL = [sfn.Errors.ALL]
EXECUTION_ID = "$$.Execution.Id"
EXECUTION_NAME = "$$.Execution.Name"
#: Standard executions may run a year; the waiting tasks give up after 31 days, so this is a backstop.
STATE_MACHINE_TIMEOUT = Duration.days(32)


def _invoke(
    scope: Construct, name: str, function: lambda_.IFunction, payload: dict[str, object], result_path: str
) -> tasks.LambdaInvoke:
    # payload_response_only: the handler's return value is the task result (no StatusCode/Payload wrapper).
    return tasks.LambdaInvoke(
        scope,
        name,
        state_name=name,
        lambda_function=function,
        payload=sfn.TaskInput.from_object(payload),
        payload_response_only=True,
        result_path=result_path,
    )


class LabelingWorkflow(Construct):
    """The labeling state machine, its log group and its wiring.

    Parameters
    ----------
    scope, id_ : construct scope and ID.
    functions : handler name -> function; needs ``prepare``, ``start``, ``record``, ``record_failure``
        and ``compare``.
    removal_policy : applied to the execution log group.
    log_retention : retention of the execution log group. Default: three months.

    Attributes
    ----------
    state_machine : the Standard state machine (logging ALL with execution data, X-Ray tracing).
    log_group : its execution log group.
    """

    def __init__(
        self,
        scope: Construct,
        id_: str,
        *,
        functions: Mapping[str, lambda_.IFunction],
        removal_policy: RemovalPolicy,
        log_retention: logs.RetentionDays = logs.RetentionDays.THREE_MONTHS,
    ) -> None:
        super().__init__(scope, id_)
        prepare = _invoke(
            self,
            "Prepare",
            functions["prepare"],
            {
                "input": sfn.JsonPath.entire_payload,
                "executionArn": sfn.JsonPath.string_at(EXECUTION_ID),
                "executionName": sfn.JsonPath.string_at(EXECUTION_NAME),
            },
            "$.prepared",
        )
        record_failure = _invoke(
            self,
            "RecordFailure",
            functions["record_failure"],
            {
                "input": sfn.JsonPath.entire_payload,
                "executionArn": sfn.JsonPath.string_at(EXECUTION_ID),
                "executionName": sfn.JsonPath.string_at(EXECUTION_NAME),
                "error": sfn.JsonPath.object_at("$.error"),
            },
            sfn.JsonPath.DISCARD,
        )
        add_transient_retry(prepare)
        add_transient_retry(record_failure)
        failed = sfn.Fail(self, "Failed", error_path="$.error.Error", cause_path="$.error.Cause")
        # If recording itself fails the execution still fails with the original error in $.error.
        record_failure.add_catch(failed, errors=CATCH_ALL, result_path="$.recordFailureError")
        record_failure.next(failed)

        done = sfn.Succeed(self, "Done")
        single = JobRun(
            self,
            "SingleJob",
            start_function=functions["start"],
            record_function=functions["record"],
            role="main",
            start_state_name="StartJob",
            record_state_name="RecordJob",
        )
        branches = [
            JobRun(
                self,
                f"{role.title()}Job",
                start_function=functions["start"],
                record_function=functions["record"],
                role=role,
                summary_only=True,
                # A control job's failure is the control's alone: the main job runs on and is recorded,
                # and the comparison says the control failed. A main failure fails the Parallel, which
                # cancels the control branch; RecordFailure then stops the control job (a control only
                # measures the main job, without which it buys nothing).
                isolate_failures=role == "control",
            )
            for role in ("main", "control")
        ]
        run_with_control = sfn.Parallel(
            self,
            "RunWithControl",
            state_name="RunWithControl",
            result_selector={"main.$": "$[0]", "control.$": "$[1]"},
            result_path="$.summaries",
        )
        for branch in branches:
            run_with_control.branch(branch)
        compare = _invoke(
            self,
            "CompareJobs",
            functions["compare"],
            {
                "main": sfn.JsonPath.object_at("$.summaries.main"),
                "control": sfn.JsonPath.object_at("$.summaries.control"),
                "chain": sfn.JsonPath.string_at("$.prepared.chain"),
            },
            "$.comparison",
        )
        add_transient_retry(compare)
        for state in (prepare, single.start_task, single.record_task, run_with_control, compare):
            state.add_catch(record_failure, errors=CATCH_ALL, result_path="$.error")

        with_control = (
            sfn.Choice(self, "WithControl", state_name="WithControl?")
            .when(
                sfn.Condition.boolean_equals("$.prepared.control", True),
                run_with_control.next(compare).next(done),
            )
            .otherwise(single.next(done))
        )
        definition = prepare.next(
            sfn.Choice(self, "IsDuplicate", state_name="IsDuplicate?")
            .when(
                sfn.Condition.boolean_equals("$.prepared.duplicate", True),
                sfn.Succeed(self, "Duplicate", comment="The upload was already processed"),
            )
            .otherwise(with_control)
        )

        self.log_group = logs.LogGroup(self, "Logs", retention=log_retention, removal_policy=removal_policy)
        self.state_machine = sfn.StateMachine(
            self,
            "StateMachine",
            comment="labelchain: one upload -> chained, warm-started Ground Truth labeling job(s)",
            definition_body=sfn.DefinitionBody.from_chainable(definition),
            state_machine_type=sfn.StateMachineType.STANDARD,
            timeout=STATE_MACHINE_TIMEOUT,
            tracing_enabled=True,
            logs=sfn.LogOptions(
                destination=self.log_group, level=sfn.LogLevel.ALL, include_execution_data=True
            ),
        )

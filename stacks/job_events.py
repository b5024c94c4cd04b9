"""EventBridge rules: uploads start the workflow, job state changes and a schedule drive the callbacks.

* ``upload_rule``: S3 "Object Created" for ``incoming/*.manifest`` in the input bucket -> state machine,
  with the event itself as execution input.
* ``job_state_rule``: Ground Truth "Labeling Job State Change" to Completed/Failed/Stopped -> the
  JobStateChanged Lambda (delivery is best effort, hence the monitor).
* ``monitor_rule``: every ``monitor_interval_minutes`` -> the Monitor Lambda (reconciles running jobs).
"""

from __future__ import annotations

from aws_cdk import Duration
from aws_cdk import aws_events as events
from aws_cdk import aws_events_targets as targets
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_s3 as s3
from aws_cdk import aws_stepfunctions as sfn
from constructs import Construct

UPLOAD_KEY_PREFIX = "incoming/"
MANIFEST_SUFFIX = ".manifest"
LABELING_JOB_STATE_CHANGE = "SageMaker Ground Truth Labeling Job State Change"
TERMINAL_JOB_STATUSES = ["Completed", "Failed", "Stopped"]
#: Upload events older than this are dropped rather than retried (a stale upload is re-sent by hand).
MAX_EVENT_AGE = Duration.hours(24)


class JobEvents(Construct):
    """The three rules on the default event bus.

    Parameters
    ----------
    scope, id_ : construct scope and ID.
    input_bucket : the upload bucket (its EventBridge notifications must be enabled).
    state_machine : started once per matching upload.
    job_state_changed_function : receives labeling-job state changes.
    monitor_function : invoked on the schedule.
    monitor_interval_minutes : schedule period in minutes (bounded by ``labelchain.monitorIntervalMinutes``).
    """

    def __init__(
        self,
        scope: Construct,
        id_: str,
        *,
        input_bucket: s3.IBucket,
        state_machine: sfn.IStateMachine,
        job_state_changed_function: lambda_.IFunction,
        monitor_function: lambda_.IFunction,
        monitor_interval_minutes: int,
    ) -> None:
        super().__init__(scope, id_)
        self.upload_rule = events.Rule(
            self,
            "UploadRule",
            description="A manifest uploaded under incoming/<chain>/ starts the labeling workflow",
            event_pattern=events.EventPattern(
                source=["aws.s3"],
                detail_type=["Object Created"],
                detail={
                    "bucket": {"name": [input_bucket.bucket_name]},
                    # A wildcard is the one EventBridge filter that combines a prefix and a suffix.
                    "object": {"key": events.Match.wildcard(f"{UPLOAD_KEY_PREFIX}*{MANIFEST_SUFFIX}")},
                },
            ),
            targets=[targets.SfnStateMachine(state_machine, max_event_age=MAX_EVENT_AGE)],
        )
        self.job_state_rule = events.Rule(
            self,
            "JobStateRule",
            description="A labeling job reached a terminal status",
            event_pattern=events.EventPattern(
                source=["aws.sagemaker"],
                detail_type=[LABELING_JOB_STATE_CHANGE],
                detail={"LabelingJobStatus": TERMINAL_JOB_STATUSES},
            ),
            targets=[targets.LambdaFunction(job_state_changed_function, max_event_age=MAX_EVENT_AGE)],
        )
        self.monitor_rule = events.Rule(
            self,
            "MonitorRule",
            description="Reconcile running labeling jobs",
            schedule=events.Schedule.rate(Duration.minutes(monitor_interval_minutes)),
            targets=[targets.LambdaFunction(monitor_function)],
        )

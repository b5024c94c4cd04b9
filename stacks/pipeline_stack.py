"""``LabelChainStack``: composes the pipeline's constructs and wires the grants between them."""

from __future__ import annotations

from typing import Any

from aws_cdk import CfnOutput, RemovalPolicy, Stack
from aws_cdk import aws_kms as kms
from constructs import Construct
from labelchain_fn.core.config import PipelineConfig
from labelchain_fn.functions import FUNCTIONS, Grant

from .alerts import Alerts
from .chain_settings import ChainSettings
from .dashboard import LabelingDashboard
from .function_policies import PolicyTargets
from .ground_truth_role import GroundTruthRole
from .job_events import JobEvents
from .job_functions import JobFunctions
from .job_table import JobTable
from .labeling_workflow import LabelingWorkflow
from .storage import Storage


def chains_parameter_name(stack_name: str) -> str:
    """``/<stackName>/chains``: the SSM parameter the Lambdas read."""
    return f"/{stack_name}/chains"


class LabelChainStack(Stack):
    """The whole labelchain deployment for one validated :class:`PipelineConfig`.

    Parameters
    ----------
    scope, id_ : construct scope and ID (the app uses the configured stack name for both).
    config : the validated configuration; ``config.region`` should match the stack ``env``.
    kwargs : passed to :class:`aws_cdk.Stack` (``env``, ``stack_name``, ``description``, ...).

    Attributes
    ----------
    storage, job_table, chain_settings, ground_truth_role, alerts, job_functions, workflow, job_events,
    dashboard : the constructs, exposed for tests and for the cdk-nag acknowledgements.
    """

    def __init__(self, scope: Construct, id_: str, *, config: PipelineConfig, **kwargs: Any) -> None:
        super().__init__(scope, id_, **kwargs)
        self.config = config
        removal = RemovalPolicy.DESTROY if config.removal_policy == "destroy" else RemovalPolicy.RETAIN
        key = kms.Key.from_key_arn(self, "EncryptionKey", config.kms_key_arn) if config.kms_key_arn else None

        self.storage = Storage(self, "Storage", removal_policy=removal, encryption_key=key)
        self.job_table = JobTable(self, "JobTable", removal_policy=removal, encryption_key=key)
        self.chain_settings = ChainSettings(
            self, "ChainSettings", parameter_name=chains_parameter_name(self.stack_name), chains=config.chains
        )
        self.ground_truth_role = GroundTruthRole(
            self,
            "GroundTruthRole",
            input_bucket=self.storage.input_bucket,
            artifacts_bucket=self.storage.artifacts_bucket,
            output_bucket=self.storage.output_bucket,
            allowed_source_buckets=config.allowed_source_buckets,
            ui_template_uris=sorted(
                {c.ui_template_s3_uri for c in config.chains.values() if c.ui_template_s3_uri}
            ),
            encryption_key=key,
        )
        self.alerts = Alerts(
            self, "Alerts", notification_emails=config.notification_emails, removal_policy=removal
        )
        self.job_functions = JobFunctions(
            self,
            "JobFunctions",
            config=config,
            targets=PolicyTargets(
                table=self.job_table.table,
                chains_parameter=self.chain_settings.parameter,
                input_bucket=self.storage.input_bucket,
                output_bucket=self.storage.output_bucket,
                artifacts_bucket=self.storage.artifacts_bucket,
                topic=self.alerts.topic,
                topic_key=self.alerts.key,
                ground_truth_role=self.ground_truth_role.role,
                job_name_prefix=config.job_name_prefix,
                allowed_source_buckets=config.allowed_source_buckets,
                encryption_key=key,
            ),
            removal_policy=removal,
        )
        self.workflow = LabelingWorkflow(
            self, "Workflow", functions=self.job_functions.functions, removal_policy=removal
        )
        state_machine = self.workflow.state_machine
        for name, declared in FUNCTIONS.items():
            if Grant.DESCRIBE_EXECUTIONS in declared.all_grants:
                self.job_functions.allow_describe_executions(name, state_machine)
        self.job_events = JobEvents(
            self,
            "JobEvents",
            input_bucket=self.storage.input_bucket,
            state_machine=state_machine,
            job_state_changed_function=self.job_functions["job_state_changed"],
            monitor_function=self.job_functions["monitor"],
            monitor_interval_minutes=config.monitor_interval_minutes,
        )
        self.alerts.watch_state_machine(state_machine)
        self.alerts.watch_functions(self.job_functions.functions)
        self.alerts.watch_jobs(list(config.chains))
        self.dashboard = LabelingDashboard(
            self,
            "Dashboard",
            chains=list(config.chains),
            state_machine=state_machine,
            functions=self.job_functions.functions,
            alarms=list(self.alerts.alarms.values()),
        )
        self._add_outputs()

    def _add_outputs(self) -> None:
        outputs = {
            "InputBucketName": (
                self.storage.input_bucket.bucket_name,
                "Upload manifests to incoming/<chain>/",
            ),
            "OutputBucketName": (
                self.storage.output_bucket.bucket_name,
                "Labeling job output (jobs/<chain>/)",
            ),
            "ArtifactsBucketName": (
                self.storage.artifacts_bucket.bucket_name,
                "Normalized manifests, labels",
            ),
            "AccessLogsBucketName": (self.storage.access_logs_bucket.bucket_name, "S3 server access logs"),
            "JobTableName": (self.job_table.table.table_name, "Jobs, chain heads, metrics"),
            "StateMachineArn": (self.workflow.state_machine.state_machine_arn, "Labeling workflow"),
            "TopicArn": (self.alerts.topic.topic_arn, "Notifications"),
            "GroundTruthRoleArn": (self.ground_truth_role.role.role_arn, "Labeling job execution role"),
            "ChainsParameterName": (self.chain_settings.parameter_name, "SSM parameter with the chains"),
            "DashboardName": (self.dashboard.dashboard.dashboard_name, "CloudWatch dashboard"),
        }
        for name, (value, description) in outputs.items():
            CfnOutput(self, name, value=value, description=description)

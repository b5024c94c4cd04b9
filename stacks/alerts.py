"""Notifications: one encrypted SNS topic, its e-mail subscriptions, and the alarms that publish to it.

The Lambdas publish job results, failures and stalls to the topic; CloudWatch alarms publish when
executions fail, time out or are aborted, when any function reports errors, when a chain's job fails and
when the monitor finds a stalled job.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from aws_cdk import Duration, RemovalPolicy, Stack
from aws_cdk import aws_cloudwatch as cloudwatch
from aws_cdk import aws_cloudwatch_actions as cw_actions
from aws_cdk import aws_iam as iam
from aws_cdk import aws_kms as kms
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_sns as sns
from aws_cdk import aws_sns_subscriptions as subscriptions
from aws_cdk import aws_stepfunctions as sfn
from constructs import Construct
from labelchain_fn.core import metrics as names

ALARM_PERIOD = Duration.minutes(5)


class Alerts(Construct):
    """SNS topic with a dedicated, rotating KMS key, plus alarm helpers.

    The topic gets its own key (not the optional configured key) because CloudWatch alarms can only
    publish to an encrypted topic whose key policy admits ``cloudwatch.amazonaws.com``; an imported key's
    policy cannot be changed from this stack.

    Parameters
    ----------
    scope, id_ : construct scope and ID.
    notification_emails : addresses subscribed to the topic (each must confirm). Default: none.
    removal_policy : applied to the topic key. Default: retain.

    Attributes
    ----------
    topic, key : the topic and its key.
    alarms : alarm construct ID -> alarm, filled by :meth:`watch_state_machine`, :meth:`watch_functions`
        and :meth:`watch_jobs`.
    """

    def __init__(
        self,
        scope: Construct,
        id_: str,
        *,
        notification_emails: Sequence[str] = (),
        removal_policy: RemovalPolicy = RemovalPolicy.RETAIN,
    ) -> None:
        super().__init__(scope, id_)
        self.key = kms.Key(
            self,
            "TopicKey",
            description="labelchain notification topic",
            enable_key_rotation=True,
            removal_policy=removal_policy,
        )
        self.key.add_to_resource_policy(
            iam.PolicyStatement(
                sid="AllowCloudWatchAlarmsToPublish",
                principals=[iam.ServicePrincipal("cloudwatch.amazonaws.com")],
                actions=["kms:Decrypt", "kms:GenerateDataKey"],
                resources=["*"],
            )
        )
        self.topic = sns.Topic(
            self, "Topic", display_name="labelchain", master_key=self.key, enforce_ssl=True
        )
        for email in notification_emails:
            self.topic.add_subscription(subscriptions.EmailSubscription(email))
        self.alarms: dict[str, cloudwatch.Alarm] = {}

    def _alarm(self, id_: str, metric: cloudwatch.IMetric, description: str) -> None:
        """Alarm when ``metric`` reaches 1 in one period; no data is not a breach (metrics are sparse).

        The alarm is named ``<stackName>-<id_>``: CloudWatch puts the name in the subject of every alarm
        e-mail, where a generated name would tell the reader nothing.
        """
        alarm = cloudwatch.Alarm(
            self,
            id_,
            alarm_name=f"{Stack.of(self).stack_name}-{id_}",
            alarm_description=description,
            metric=metric,
            threshold=1,
            evaluation_periods=1,
            comparison_operator=cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
            treat_missing_data=cloudwatch.TreatMissingData.NOT_BREACHING,
        )
        alarm.add_alarm_action(cw_actions.SnsAction(self.topic))
        self.alarms[id_] = alarm

    def watch_state_machine(self, state_machine: sfn.StateMachine) -> None:
        """Alarm on any failed, timed-out or aborted execution in a five-minute period."""
        period, total = ALARM_PERIOD, cloudwatch.Stats.SUM
        self._alarm(
            "ExecutionsFailed",
            state_machine.metric_failed(period=period, statistic=total),
            "A labeling execution failed",
        )
        self._alarm(
            "ExecutionsTimedOut",
            state_machine.metric_timed_out(period=period, statistic=total),
            "A labeling execution timed out",
        )
        self._alarm(
            "ExecutionsAborted",
            state_machine.metric_aborted(period=period, statistic=total),
            "A labeling execution was aborted",
        )

    def watch_functions(self, functions: Mapping[str, lambda_.IFunction]) -> None:
        """Alarm on errors of each function (one alarm per handler name)."""
        for name, function in functions.items():
            construct_id = "".join(part.title() for part in name.split("_"))
            self._alarm(
                f"{construct_id}Errors",
                function.metric_errors(period=ALARM_PERIOD, statistic=cloudwatch.Stats.SUM),
                f"The labelchain {name} function reported errors",
            )

    def watch_jobs(self, chains: Sequence[str]) -> None:
        """Alarm when a job of a chain fails (``JobsFailed``, one alarm per chain) and when the monitor
        reports a stalled job (``StalledJobs``); both are the handlers' Powertools metrics, which carry
        the ``service`` dimension next to ``chain``."""
        service = {names.SERVICE_DIMENSION: names.SERVICE}
        for chain in chains:
            self._alarm(
                f"JobsFailed-{chain}",
                cloudwatch.Metric(
                    namespace=names.NAMESPACE,
                    metric_name=names.JOBS_FAILED,
                    dimensions_map={names.CHAIN_DIMENSION: chain, **service},
                    statistic=cloudwatch.Stats.SUM,
                    period=ALARM_PERIOD,
                ),
                f"A labeling job of chain {chain} failed or was stopped",
            )
        self._alarm(
            "StalledJobs",
            cloudwatch.Metric(
                namespace=names.NAMESPACE,
                metric_name=names.STALLED_JOBS,
                dimensions_map=service,
                statistic=cloudwatch.Stats.SUM,
                period=ALARM_PERIOD,
            ),
            "A running labeling job made no progress for the configured time",
        )

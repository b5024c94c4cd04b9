"""``LabelingDashboard``: one CloudWatch dashboard with the chains' job metrics, the workflow, the functions
and the alarms (widgets in ``dashboard_widgets.py``)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from aws_cdk import Duration, Stack
from aws_cdk import aws_cloudwatch as cloudwatch
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_stepfunctions as sfn
from constructs import Construct

from .dashboard_widgets import chain_heading, chain_widgets, function_widgets, workflow_widgets


class LabelingDashboard(Construct):
    """The operator's dashboard, named ``<stackName>-<region>`` (dashboards are global to the account).

    Parameters
    ----------
    scope, id_ : construct scope and ID.
    chains : the configured chain names; each gets a row of job metrics, in the given order.
    state_machine : the labeling workflow.
    functions : handler name -> function; each appears in the errors, throttles and duration graphs.
    alarms : shown in one alarm status widget at the top. Default: none (no widget).
    default_interval : time range the dashboard opens with. Default: the last seven days.

    Attributes
    ----------
    dashboard : the ``cloudwatch.Dashboard``.
    """

    def __init__(
        self,
        scope: Construct,
        id_: str,
        *,
        chains: Sequence[str],
        state_machine: sfn.IStateMachine,
        functions: Mapping[str, lambda_.IFunction],
        alarms: Sequence[cloudwatch.IAlarm] = (),
        default_interval: Duration | None = None,
    ) -> None:
        super().__init__(scope, id_)
        stack = Stack.of(self)
        self.dashboard = cloudwatch.Dashboard(
            self,
            "Dashboard",
            dashboard_name=f"{stack.stack_name}-{stack.region}",
            default_interval=default_interval or Duration.days(7),
        )
        if alarms:
            # Tall enough for one line of alarm tiles per four alarms.
            height = 2 + (len(alarms) + 3) // 4
            shown = [self._by_name(alarm) for alarm in alarms]
            self.dashboard.add_widgets(
                cloudwatch.AlarmStatusWidget(title="Alarms", alarms=shown, width=24, height=height)
            )
        for chain in chains:
            self.dashboard.add_widgets(chain_heading(chain))
            self.dashboard.add_widgets(*chain_widgets(chain))
        self.dashboard.add_widgets(*workflow_widgets(state_machine))
        self.dashboard.add_widgets(*function_widgets(functions))

    def _by_name(self, alarm: cloudwatch.IAlarm) -> cloudwatch.IAlarm:
        """``alarm`` referenced by its ARN built from its name, when it has one, instead of ``Fn::GetAtt``:
        the body then only names the alarm, and an explicit dependency keeps the creation order."""
        child = alarm.node.default_child
        name = child.alarm_name if isinstance(child, cloudwatch.CfnAlarm) else None
        if not name:
            return alarm
        self.dashboard.node.add_dependency(alarm)
        return cloudwatch.Alarm.from_alarm_name(self, f"Shows{alarm.node.id}", name)

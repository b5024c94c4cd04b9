"""``CreateChangeSet`` with stack-scoped names and AWS's ``UsePreviousValue``.

moto 5.2.5 takes the *resolved* value of an SSM-typed parameter for ``UsePreviousValue`` (the bootstrap
stack's ``BootstrapVersion``: ``30``) and resolves it again as a parameter name on execute (an HTTP 500),
and allows a second change set of one name on one stack.
"""

from __future__ import annotations

from typing import Any

from moto.cloudformation.models import Stack
from moto.cloudformation.responses import CloudFormationResponse
from moto.core.responses import ActionResult

from .lookup import ChangeSetAlreadyExists, find_change_set


def previous_parameters(stack: Stack, parameters: list[dict[str, Any]]) -> dict[str, str]:
    """The input parameters of a change set; ``UsePreviousValue`` takes the stack's previous *input* (for an
    SSM-typed parameter: the parameter name, resolved again), and a parameter the stack took from the
    template default stays unset, so the new template's default applies."""
    values: dict[str, str] = {}
    for parameter in parameters:
        key = parameter["ParameterKey"]
        if str(parameter.get("UsePreviousValue", "")).lower() == "true":
            if key in stack.parameters:
                values[key] = stack.parameters[key]
        else:
            values[key] = parameter.get("ParameterValue", "")
    return values


def create_change_set(self: CloudFormationResponse) -> ActionResult:
    """``CreateChangeSet`` as moto does it, with stack-scoped names and AWS's ``UsePreviousValue``."""
    backend = self.cloudformation_backend
    stack_name = self._get_param("StackName")
    change_set_name = self._get_param("ChangeSetName")
    change_set_type = self._get_param("ChangeSetType", "CREATE")
    template = self._get_param("TemplateBody")
    template_url = self._get_param("TemplateURL")
    parameters_list = self._get_param("Parameters", [])
    stack: Stack | None = None
    if change_set_type == "UPDATE":
        stack = backend.get_stack(stack_name)
        if self._get_bool_param("UsePreviousTemplate", False):
            template = stack.template
        parameters = previous_parameters(stack, parameters_list)
    else:
        parameters = {p["ParameterKey"]: p.get("ParameterValue", "") for p in parameters_list}
    if find_change_set(backend, change_set_name, stack.stack_id if stack else stack_name) is not None:
        raise ChangeSetAlreadyExists(f"ChangeSet {change_set_name} already exists")
    if template_url and not template:
        template = self._get_stack_from_s3_url(template_url)
    change_set_id, stack_id = backend.create_change_set(
        stack_name=stack.name if stack else stack_name,
        change_set_name=change_set_name,
        template=template,
        parameters=parameters,
        description=self._get_param("Description"),
        change_set_type=change_set_type,
        notification_arns=self._get_param("NotificationARNs", []),
        tags={item["Key"]: item["Value"] for item in self._get_param("Tags", [])},
        role_arn=self._get_param("RoleARN"),
    )
    return ActionResult({"Id": change_set_id, "StackId": stack_id})

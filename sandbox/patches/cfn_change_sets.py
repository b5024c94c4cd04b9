"""Change sets on an existing stack: the path a second ``cdk deploy`` (and ``cdk diff``) takes.

moto 5.2.5 handles the change set that *creates* a stack, but not the update cycle the CDK CLI runs on a
stack that exists (``DeleteChangeSet`` of the previous ``cdk-deploy-change-set`` → wait until
``DescribeChangeSet`` says ``ChangeSetNotFound`` → ``CreateChangeSet`` ``UPDATE`` → ``DescribeChangeSet`` →
``ExecuteChangeSet`` → ``DescribeStacks``/``DescribeStackEvents``):

* change sets are looked up by name across *all* stacks (the bootstrap stack has a ``cdk-deploy-change-set``
  too), a missing one is ``ValidationError: Stack with id <change set> does not exist`` instead of
  ``ChangeSetNotFound``, and deleting a missing one is an HTTP 500 (``UnboundLocalError``);
* ``UsePreviousValue`` takes the *resolved* value of an SSM-typed parameter (``BootstrapVersion``: ``30``)
  and then resolves it again as a parameter name (HTTP 500 on execute);
* ``ExecuteChangeSet`` ``UPDATE`` keeps the old outputs and parameters, executes a change set twice, never
  fails the stack (an error is an HTTP 500) and writes no resource events;
* a modified resource whose type moto cannot update in place is replaced by ``None`` in the stack's resource
  map (a later ``Ref`` to it resolves to nothing); an ``AWS::SSM::Parameter`` is deleted and re-created
  (version 1) instead of updated (next version); an ``AWS::Lambda::Function`` that loses its
  ``Environment`` or ``Layers`` keeps the old ones, and one with inline code (``ZipFile``) cannot be updated.

The patches below close those gaps; resources are updated through moto's own per-type
``update_from_cloudformation_json`` (Lambda configuration and code, state machine definition, rules, roles
and policies...). Not simulated: rollback of a failed update (the stack ends ``UPDATE_FAILED``), and the
change details CloudFormation lists per property (``Details``, ``Replacement``).
"""

from __future__ import annotations

import base64
import logging
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import moto.cloudformation.parsing as cfn_parsing
from moto.awslambda.models import LambdaFunction
from moto.cloudformation.exceptions import CloudFormationError, ValidationError
from moto.cloudformation.models import ChangeSet, CloudFormationBackend, Event, Stack
from moto.cloudformation.responses import CloudFormationResponse
from moto.core.responses import ActionResult, EmptyResult
from moto.ssm.models import Parameter, ssm_backends

from ._base import AttributePatch

LOG = logging.getLogger(__name__)
_ARN_PREFIX = "arn:"
_RESOURCE_STATUS = {"Add": "CREATE", "Modify": "UPDATE", "Remove": "DELETE"}


class ChangeSetNotFound(CloudFormationError):
    """AWS's answer for a change set that does not exist (botocore: ``ChangeSetNotFoundException``)."""

    code = "ChangeSetNotFoundException"


class InvalidChangeSetStatus(CloudFormationError):
    """AWS's answer for executing a change set that is not ``AVAILABLE``."""

    code = "InvalidChangeSetStatus"


class ChangeSetAlreadyExists(CloudFormationError):
    """AWS's answer for a second change set of one name on one stack."""

    code = "AlreadyExistsException"


# --- lookups ---------------------------------------------------------------------------------------
def _stack_matches(change_set: ChangeSet, stack_name_or_id: str | None) -> bool:
    return stack_name_or_id in (None, "", change_set.stack_name, change_set.stack_id)


def find_change_set(
    backend: CloudFormationBackend, name_or_arn: str, stack_name_or_id: str | None
) -> ChangeSet | None:
    """The change set ``name_or_arn`` of stack ``stack_name_or_id`` (the newest one of that name)."""
    if name_or_arn in backend.change_sets:
        return backend.change_sets[name_or_arn]
    if not name_or_arn.startswith(_ARN_PREFIX) and not stack_name_or_id:
        raise ValidationError(
            message="StackName must be specified if ChangeSetName is not specified as an ARN."
        )
    candidates = [  # change sets of deleted stacks stay in moto's map: only live stacks count
        change_set
        for change_set in backend.change_sets.values()
        if change_set.change_set_name == name_or_arn
        and change_set.stack_id in backend.stacks
        and _stack_matches(change_set, stack_name_or_id)
    ]
    return max(candidates, key=lambda change_set: change_set.creation_time) if candidates else None


def _require(backend: CloudFormationBackend, name_or_arn: str, stack_name_or_id: str | None) -> ChangeSet:
    change_set = find_change_set(backend, name_or_arn, stack_name_or_id)
    if change_set is None:
        raise ChangeSetNotFound(f"ChangeSet [{name_or_arn}] does not exist")
    return change_set


# --- CreateChangeSet -------------------------------------------------------------------------------
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


# --- DescribeChangeSet, DeleteChangeSet, ListChangeSets --------------------------------------------
def describe_change_set(self: CloudFormationResponse) -> ActionResult:
    """Scoped to ``StackName``; a missing change set is ``ChangeSetNotFound`` (what the CLI waits for)."""
    backend = self.cloudformation_backend
    return ActionResult(_require(backend, self._get_param("ChangeSetName"), self._get_param("StackName")))


def delete_change_set(self: CloudFormationResponse) -> EmptyResult:
    """Scoped to ``StackName``; deleting a change set that is already gone succeeds (the CLI does it before
    every deploy to an existing stack)."""
    backend = self.cloudformation_backend
    change_set = find_change_set(backend, self._get_param("ChangeSetName"), self._get_param("StackName"))
    if change_set is not None:
        backend.change_sets.pop(change_set.change_set_id, None)
    return EmptyResult()


def list_change_sets(self: CloudFormationResponse) -> ActionResult:
    """Only the change sets of ``StackName``."""
    stack = self._get_param("StackName")
    change_sets = [c for c in self.cloudformation_backend.change_sets.values() if _stack_matches(c, stack)]
    return ActionResult({"Summaries": change_sets})


# --- ExecuteChangeSet ------------------------------------------------------------------------------
def execute_change_set(self: CloudFormationResponse) -> EmptyResult:
    """Execute once; an ``UPDATE`` updates the resources, outputs, parameters and events; afterwards the
    stack's other change sets are deleted, as CloudFormation does."""
    backend = self.cloudformation_backend
    change_set = _require(backend, self._get_param("ChangeSetName"), self._get_param("StackName"))
    if change_set.execution_status != "AVAILABLE":
        raise InvalidChangeSetStatus(
            f"ChangeSet [{change_set.change_set_id}] cannot be executed in its current execution status "
            f"of [{change_set.execution_status}]"
        )
    if change_set.change_set_type == "UPDATE":
        execute_update(backend.stacks[change_set.stack_id], change_set)
    else:  # moto's CREATE path (cfn_outputs rebuilds the outputs)
        backend.execute_change_set(change_set_name=change_set.change_set_id, stack_name=change_set.stack_id)
        backend.stacks[change_set.stack_id].parameters = dict(change_set.parameters)
    for other in [c for c in backend.change_sets.values() if c.stack_id == change_set.stack_id]:
        if other is not change_set:
            backend.change_sets.pop(other.change_set_id, None)
    return EmptyResult()


def _add_event(stack: Stack, event: Event) -> None:
    # Events one millisecond apart at least: the CLI orders them by time, and the API shows milliseconds.
    if stack.events and event.timestamp <= stack.events[-1].timestamp:
        event.timestamp = stack.events[-1].timestamp + timedelta(milliseconds=1)
    event.sendToSns(stack.account_id, stack.region_name, stack.notification_arns)
    stack.events.append(event)


def _stack_event(stack: Stack, status: str, reason: str | None = None) -> None:
    _add_event(
        stack,
        Event(
            stack.stack_id,
            stack.name,
            stack.name,
            stack.stack_id,
            "AWS::CloudFormation::Stack",
            status,
            reason,
            None,
        ),
    )


def _resource_event(stack: Stack, change: Any, status: str, reason: str | None = None) -> None:
    resource = stack.resource_map._parsed_resources.get(change.logical_resource_id)
    physical_id = getattr(resource, "physical_resource_id", None) or ""
    _add_event(
        stack,
        Event(
            stack.stack_id,
            stack.name,
            change.logical_resource_id,
            physical_id,
            change.resource_type,
            status,
            reason,
            None,
        ),
    )


def execute_update(stack: Stack, change_set: ChangeSet) -> None:
    """Apply an ``UPDATE`` change set to ``stack`` (synchronously: the stack is complete on return)."""
    stack.status = "UPDATE_IN_PROGRESS"
    change_set.execution_status = "EXECUTE_IN_PROGRESS"
    _stack_event(stack, "UPDATE_IN_PROGRESS", "User Initiated")
    for change in change_set.changes:
        _resource_event(stack, change, f"{_RESOURCE_STATUS[change.action]}_IN_PROGRESS")
    try:
        stack.resource_map.update(change_set.template_dict, dict(change_set.parameters))
    except Exception as error:  # AWS fails (and rolls back) the stack; the API call itself succeeded
        LOG.warning(
            "update of stack %s failed: %s", stack.name, error, exc_info=LOG.isEnabledFor(logging.INFO)
        )
        _stack_event(stack, "UPDATE_FAILED", f"{type(error).__name__}: {error}")
        stack.status = "UPDATE_FAILED"
        change_set.execution_status = "EXECUTE_FAILED"
        return
    for change in change_set.changes:
        _resource_event(stack, change, f"{_RESOURCE_STATUS[change.action]}_COMPLETE")
    stack.template = change_set.template
    stack._parse_template()
    stack.description = stack.template_dict.get("Description")
    stack.output_map = stack._create_output_map()
    stack.parameters = dict(change_set.parameters)
    _stack_event(stack, "UPDATE_COMPLETE_CLEANUP_IN_PROGRESS")
    _stack_event(stack, "UPDATE_COMPLETE")
    stack.status = "UPDATE_COMPLETE"
    change_set.execution_status = "EXECUTE_COMPLETE"


# --- resource updates ------------------------------------------------------------------------------
def _updates_in_place(resource_class: Any) -> bool:
    update = getattr(resource_class, "update_from_cloudformation_json", None)
    return update is not None and not hasattr(update, "__isabstractmethod__")


def _build_parse_and_update(original: Callable[..., Any]) -> Callable[..., Any]:
    def parse_and_update_resource(
        logical_id: str,
        resource_json: dict[str, Any],
        resources_map: Any,
        account_id: str,
        region_name: str,
    ) -> Any:
        resource_type = resource_json["Type"]
        resource_class = cfn_parsing.get_model_map().get(resource_type)
        current = resources_map._parsed_resources.get(logical_id)
        if current is not None and not _updates_in_place(resource_class):
            # moto would put None in the resource map: keep the resource (its new properties are not applied).
            LOG.info("moto cannot update %s %s in place: kept as it was", resource_type, logical_id)
            return current
        return original(logical_id, resource_json, resources_map, account_id, region_name)

    return parse_and_update_resource


def _build_parameter_update(original: classmethod) -> classmethod:
    def update_from_cloudformation_json(
        cls: type[Parameter],
        original_resource: Parameter,
        new_resource_name: str,
        cloudformation_json: dict[str, Any],
        account_id: str,
        region_name: str,
    ) -> Parameter:
        properties = cloudformation_json.get("Properties", {})
        if properties.get("Name", original_resource.name) != original_resource.name:  # a new name: replace
            return original.__func__(
                cls, original_resource, new_resource_name, cloudformation_json, account_id, region_name
            )
        return ssm_backends[account_id][region_name].put_parameter(
            name=original_resource.name,
            description=properties.get("Description"),
            value=properties.get("Value"),
            parameter_type=properties.get("Type"),
            allowed_pattern=properties.get("AllowedPattern"),
            keyid=properties.get("KeyId"),
            overwrite=True,
            tags=[],  # PutParameter refuses tags with Overwrite; CloudFormation tags stay as they were
            data_type=properties.get("DataType", "text"),
            tier=properties.get("Tier"),
            policies=properties.get("Policies"),
        )

    return classmethod(update_from_cloudformation_json)


def _build_function_update(original: classmethod) -> classmethod:
    def update_from_cloudformation_json(
        cls: type[LambdaFunction],
        original_resource: LambdaFunction,
        new_resource_name: str,
        cloudformation_json: dict[str, Any],
        account_id: str,
        region_name: str,
    ) -> LambdaFunction:
        # A property the new template drops is reset, as CloudFormation does (moto only sets what is given).
        properties = cloudformation_json.setdefault("Properties", {})
        properties.setdefault("Environment", {"Variables": {}})
        properties.setdefault("Layers", [])
        code = dict(properties.get("Code", {}))
        if isinstance(
            code.get("ZipFile"), str
        ):  # inline source: zipped as on create (moto would base64-decode it)
            code["ZipFile"] = base64.b64encode(cls._create_zipfile_from_plaintext_code(code["ZipFile"]))
            properties["Code"] = code
        return original.__func__(
            cls, original_resource, new_resource_name, cloudformation_json, account_id, region_name
        )

    return classmethod(update_from_cloudformation_json)


_PATCHES = [
    AttributePatch(CloudFormationResponse, "create_change_set", lambda _original: create_change_set),
    AttributePatch(CloudFormationResponse, "describe_change_set", lambda _original: describe_change_set),
    AttributePatch(CloudFormationResponse, "delete_change_set", lambda _original: delete_change_set),
    AttributePatch(CloudFormationResponse, "list_change_sets", lambda _original: list_change_sets),
    AttributePatch(CloudFormationResponse, "execute_change_set", lambda _original: execute_change_set),
    AttributePatch(cfn_parsing, "parse_and_update_resource", _build_parse_and_update),
    AttributePatch(Parameter, "update_from_cloudformation_json", _build_parameter_update),
    AttributePatch(LambdaFunction, "update_from_cloudformation_json", _build_function_update),
]


def install() -> None:
    """Stack-scoped change sets and a working ``UPDATE`` execution; idempotent."""
    for patch in _PATCHES:
        patch.install()


def uninstall() -> None:
    """Restore moto's behaviour."""
    for patch in reversed(_PATCHES):
        patch.uninstall()


def is_installed() -> bool:
    """Whether every part is in place."""
    return all(patch.installed for patch in _PATCHES)

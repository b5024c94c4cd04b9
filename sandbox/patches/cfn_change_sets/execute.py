"""``ExecuteChangeSet``, and the ``UPDATE`` it applies to a stack.

moto 5.2.5 executes a change set twice, and its ``UPDATE`` keeps the stack's old outputs and parameters,
never fails the stack (an error is an HTTP 500) and writes no resource events. Here a change set executes
once; an ``UPDATE`` updates the resources (see :mod:`.resource_updates`), outputs, parameters and events,
synchronously, and a failure ends the stack ``UPDATE_FAILED`` (no rollback).
"""

from __future__ import annotations

import logging
from datetime import timedelta
from typing import Any

from moto.cloudformation.models import ChangeSet, Event, Stack
from moto.cloudformation.responses import CloudFormationResponse
from moto.core.responses import EmptyResult

from .lookup import InvalidChangeSetStatus, require_change_set

# The package's logger, as before the patch was split into modules (the name shows in the sandbox's log).
LOG = logging.getLogger(__package__)
_RESOURCE_STATUS = {"Add": "CREATE", "Modify": "UPDATE", "Remove": "DELETE"}


def execute_change_set(self: CloudFormationResponse) -> EmptyResult:
    """Execute once; an ``UPDATE`` updates the resources, outputs, parameters and events; afterwards the
    stack's other change sets are deleted, as CloudFormation does."""
    backend = self.cloudformation_backend
    change_set = require_change_set(backend, self._get_param("ChangeSetName"), self._get_param("StackName"))
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

"""Change sets scoped to their stack, and the actions that only look them up.

moto 5.2.5 finds a change set by name across *all* stacks (the bootstrap stack has a
``cdk-deploy-change-set`` too); a missing one is ``ValidationError`` instead of ``ChangeSetNotFound`` and
deleting a missing one is an HTTP 500. Here a name is resolved within ``StackName`` and AWS's errors are
raised; ``DescribeChangeSet``, ``DeleteChangeSet`` and ``ListChangeSets`` use that lookup.
"""

from __future__ import annotations

from moto.cloudformation.exceptions import CloudFormationError, ValidationError
from moto.cloudformation.models import ChangeSet, CloudFormationBackend
from moto.cloudformation.responses import CloudFormationResponse
from moto.core.responses import ActionResult, EmptyResult

_ARN_PREFIX = "arn:"


class ChangeSetNotFound(CloudFormationError):
    """AWS's answer for a change set that does not exist (botocore: ``ChangeSetNotFoundException``)."""

    code = "ChangeSetNotFoundException"


class InvalidChangeSetStatus(CloudFormationError):
    """AWS's answer for executing a change set that is not ``AVAILABLE``."""

    code = "InvalidChangeSetStatus"


class ChangeSetAlreadyExists(CloudFormationError):
    """AWS's answer for a second change set of one name on one stack."""

    code = "AlreadyExistsException"


def stack_matches(change_set: ChangeSet, stack_name_or_id: str | None) -> bool:
    """Whether ``change_set`` belongs to the stack named (or any stack, when none is named)."""
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
        and stack_matches(change_set, stack_name_or_id)
    ]
    return max(candidates, key=lambda change_set: change_set.creation_time) if candidates else None


def require_change_set(
    backend: CloudFormationBackend, name_or_arn: str, stack_name_or_id: str | None
) -> ChangeSet:
    """:func:`find_change_set`, raising :class:`ChangeSetNotFound` when there is none."""
    change_set = find_change_set(backend, name_or_arn, stack_name_or_id)
    if change_set is None:
        raise ChangeSetNotFound(f"ChangeSet [{name_or_arn}] does not exist")
    return change_set


def describe_change_set(self: CloudFormationResponse) -> ActionResult:
    """Scoped to ``StackName``; a missing change set is ``ChangeSetNotFound`` (what the CLI waits for)."""
    backend = self.cloudformation_backend
    return ActionResult(
        require_change_set(backend, self._get_param("ChangeSetName"), self._get_param("StackName"))
    )


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
    change_sets = [c for c in self.cloudformation_backend.change_sets.values() if stack_matches(c, stack)]
    return ActionResult({"Summaries": change_sets})

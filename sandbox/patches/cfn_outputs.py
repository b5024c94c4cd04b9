"""Rebuild stack ``Outputs`` after ``ExecuteChangeSet`` (the path ``cdk deploy`` takes).

moto's ``execute_change_set`` stores the new template text on the stack but keeps the parsed template and
the output map of the empty ``REVIEW_IN_PROGRESS`` placeholder, so ``DescribeStacks`` shows no outputs.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from moto.cloudformation.models import CloudFormationBackend

from ._base import AttributePatch, PatchSet


def _stack_ids(backend: CloudFormationBackend, change_set_name: str) -> list[str]:
    # Same lookup as moto: the key is an ARN, or the change set is found by name.
    change_sets = backend.change_sets
    if change_set_name in change_sets:
        return [change_sets[change_set_name].stack_id]
    return [cs.stack_id for cs in change_sets.values() if cs.change_set_name == change_set_name]


def _build(original: Callable[..., Any]) -> Callable[..., Any]:
    def execute_change_set(
        self: CloudFormationBackend, change_set_name: str, stack_name: str | None = None
    ) -> None:
        stack_ids = _stack_ids(self, change_set_name)
        original(self, change_set_name, stack_name)
        for stack_id in stack_ids:
            stack = self.stacks.get(stack_id)
            if stack is None:
                continue
            stack._parse_template()
            stack.description = stack.template_dict.get("Description")
            stack.output_map = stack._create_output_map()

    return execute_change_set


PATCH = PatchSet(__name__, AttributePatch(CloudFormationBackend, "execute_change_set", _build))

"""Stringify custom-resource properties, as CloudFormation does.

Real CloudFormation hands every scalar in ``ResourceProperties`` to the provider as a string. moto keeps the
template's JSON types, so CDK's ``BucketNotificationsHandler`` crashes on
``props.get('Managed', 'true').lower()`` (``'bool' object has no attribute 'lower'``) while moto still
reports ``CREATE_COMPLETE``.
"""

from __future__ import annotations

from typing import Any

from moto.cloudformation.custom_model import CustomModel

from ._base import PatchSet
from ._cfn_hooks import HookCall, create_hook_patch


def stringify(value: Any) -> Any:
    """Convert scalars to CloudFormation's strings (``True`` → ``"true"``), through lists and dicts."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return str(value)
    if isinstance(value, dict):
        return {key: stringify(item) for key, item in value.items()}
    if isinstance(value, list):
        return [stringify(item) for item in value]
    return value


def _create(call: HookCall) -> CustomModel:
    return call.moto({**call.cloudformation_json, "Properties": stringify(call.properties)})


PATCH = PatchSet(__name__, create_hook_patch(CustomModel, _create))

"""Stringify custom-resource properties, as CloudFormation does.

Real CloudFormation hands every scalar in ``ResourceProperties`` to the provider as a string. moto keeps the
template's JSON types, so CDK's ``BucketNotificationsHandler`` crashes on
``props.get('Managed', 'true').lower()`` (``'bool' object has no attribute 'lower'``) while moto still
reports ``CREATE_COMPLETE``.
"""

from __future__ import annotations

from typing import Any

from moto.cloudformation.custom_model import CustomModel

from ._base import AttributePatch, PatchSet


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


def _build(original: classmethod) -> classmethod:
    def create_from_cloudformation_json(
        cls: type[CustomModel],
        resource_name: str,
        cloudformation_json: dict[str, Any],
        account_id: str,
        region_name: str,
        **kwargs: Any,
    ) -> CustomModel:
        properties = cloudformation_json.get("Properties", {})
        converted = {**cloudformation_json, "Properties": stringify(properties)}
        return original.__func__(cls, resource_name, converted, account_id, region_name, **kwargs)

    return classmethod(create_from_cloudformation_json)


PATCH = PatchSet(__name__, AttributePatch(CustomModel, "create_from_cloudformation_json", _build))

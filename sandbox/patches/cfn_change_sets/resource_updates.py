"""The per-type resource updates moto 5.2.5 gets wrong when a stack is updated.

* A modified resource whose type has no ``update_from_cloudformation_json`` becomes ``None`` in the stack's
  resource map (a later ``Ref`` to it resolves to nothing): it is kept as it was instead.
* An ``AWS::SSM::Parameter`` is deleted and re-created (version 1): it gets its next version instead.
* An ``AWS::Lambda::Function`` that loses its ``Environment`` or ``Layers`` keeps the old ones, and one with
  inline code (``ZipFile``) cannot be updated: both are handled as on create.

``build_parse_and_update`` takes the original function and returns its replacement (see
:class:`AttributePatch`); ``parameter_update`` and ``function_update`` are the update hooks of their
resource types (see :func:`~sandbox.patches._cfn_hooks.update_hook_patch`).
"""

from __future__ import annotations

import base64
import logging
from collections.abc import Callable
from typing import Any

import moto.cloudformation.parsing as cfn_parsing
from moto.awslambda.models import LambdaFunction
from moto.ssm.models import Parameter, ssm_backends

from .._cfn_hooks import HookCall

# The package's logger, as before the patch was split into modules (the name shows in the sandbox's log).
LOG = logging.getLogger(__package__)


def _updates_in_place(resource_class: Any) -> bool:
    update = getattr(resource_class, "update_from_cloudformation_json", None)
    return update is not None and not hasattr(update, "__isabstractmethod__")


def build_parse_and_update(original: Callable[..., Any]) -> Callable[..., Any]:
    """``parse_and_update_resource`` that keeps a resource moto cannot update in place."""

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


def parameter_update(call: HookCall) -> Parameter:
    """``Parameter.update_from_cloudformation_json`` that puts the next version (a new name replaces)."""
    original_resource: Parameter = call.original_resource
    properties = call.properties
    if properties.get("Name", original_resource.name) != original_resource.name:  # a new name: replace
        replaced: Parameter = call.moto()
        return replaced
    return ssm_backends[call.account_id][call.region_name].put_parameter(
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


def function_update(call: HookCall) -> LambdaFunction:
    """``LambdaFunction.update_from_cloudformation_json`` that resets dropped properties and zips inline
    code."""
    # A property the new template drops is reset, as CloudFormation does (moto only sets what is given).
    properties = call.cloudformation_json.setdefault("Properties", {})
    properties.setdefault("Environment", {"Variables": {}})
    properties.setdefault("Layers", [])
    code = dict(properties.get("Code", {}))
    # Inline source is zipped as on create (moto would base64-decode it).
    if isinstance(code.get("ZipFile"), str):
        code["ZipFile"] = base64.b64encode(call.cls._create_zipfile_from_plaintext_code(code["ZipFile"]))
        properties["Code"] = code
    updated: LambdaFunction = call.moto()
    return updated

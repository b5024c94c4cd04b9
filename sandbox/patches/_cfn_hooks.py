"""Patches of moto's CloudFormation hooks, the classmethods through which a stack creates and updates a
resource of one type: ``create_from_cloudformation_json`` and ``update_from_cloudformation_json``.

Every such patch has the same mechanics: take moto's classmethod, call its function with moto's arguments
(or with a changed template) and hand back a classmethod with moto's signature (moto calls the update hook
with keywords). :func:`create_hook_patch` and :func:`update_hook_patch` do that once; a patch only writes
what it changes, as a function of a :class:`HookCall`, which holds moto's arguments and calls moto's hook.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from ._base import AttributePatch


@dataclass(frozen=True)
class HookCall:
    """One call of a CloudFormation hook of the resource class ``cls``.

    Attributes
    ----------
    cls, cloudformation_json, account_id, region_name : moto's arguments (the template is the resource's
        JSON: ``Type``, ``Properties``...).
    original_resource : the resource being updated (``None`` on create).
    """

    cls: Any
    cloudformation_json: dict[str, Any]
    account_id: str
    region_name: str
    call_moto: Callable[[dict[str, Any]], Any]
    original_resource: Any = None

    @property
    def properties(self) -> Any:
        """The resource's ``Properties`` (empty when the template has none; typed as loosely as moto's)."""
        return self.cloudformation_json.get("Properties", {})

    def moto(self, cloudformation_json: dict[str, Any] | None = None) -> Any:
        """moto's own hook, given ``cloudformation_json`` instead of the template when one is passed."""
        return self.call_moto(
            self.cloudformation_json if cloudformation_json is None else cloudformation_json
        )


def create_hook_patch(owner: type, patch: Callable[[HookCall], Any]) -> AttributePatch:
    """Replace ``owner.create_from_cloudformation_json`` with ``patch`` (which may call moto's)."""

    def build(original: classmethod) -> classmethod:
        def create_from_cloudformation_json(
            cls: Any,
            resource_name: str,
            cloudformation_json: dict[str, Any],
            account_id: str,
            region_name: str,
            **kwargs: Any,
        ) -> Any:
            def call_moto(template: dict[str, Any]) -> Any:
                return original.__func__(cls, resource_name, template, account_id, region_name, **kwargs)

            return patch(HookCall(cls, cloudformation_json, account_id, region_name, call_moto))

        return classmethod(create_from_cloudformation_json)

    return AttributePatch(owner, "create_from_cloudformation_json", build)


def update_hook_patch(owner: type, patch: Callable[[HookCall], Any]) -> AttributePatch:
    """Replace ``owner.update_from_cloudformation_json`` with ``patch`` (which may call moto's)."""

    def build(original: classmethod) -> classmethod:
        def update_from_cloudformation_json(
            cls: Any,
            original_resource: Any,
            new_resource_name: str,
            cloudformation_json: dict[str, Any],
            account_id: str,
            region_name: str,
        ) -> Any:
            def call_moto(template: dict[str, Any]) -> Any:
                return original.__func__(
                    cls, original_resource, new_resource_name, template, account_id, region_name
                )

            call = HookCall(cls, cloudformation_json, account_id, region_name, call_moto, original_resource)
            return patch(call)

        return classmethod(update_from_cloudformation_json)

    return AttributePatch(owner, "update_from_cloudformation_json", build)

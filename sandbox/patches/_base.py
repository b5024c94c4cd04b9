"""Idempotent, reversible replacement of one attribute of a moto internal.

Every sandbox patch touches a private moto API (moto is pinned exactly). ``AttributePatch`` keeps the
original so that ``install()`` can be called any number of times and ``uninstall()`` restores moto's
behaviour, which keeps test processes that also run plain ``mock_aws`` tests honest.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

_MISSING = object()


class PatchTargetMissing(RuntimeError):
    """The moto internal a patch replaces is gone: moto changed and the patch must be revisited."""


class AttributePatch:
    """Replace ``owner.<attribute>`` with ``build(original)``.

    Parameters
    ----------
    owner : module or class holding the attribute.
    attribute : the attribute name.
    build : called once per install with the original value (taken from ``owner.__dict__`` so that a
        ``classmethod`` or ``staticmethod`` object is handed over unchanged); returns the replacement.
    must_exist : when true (the default) installing fails loudly if the attribute does not exist.
    """

    def __init__(
        self, owner: Any, attribute: str, build: Callable[[Any], Any], *, must_exist: bool = True
    ) -> None:
        self.owner = owner
        self.attribute = attribute
        self._build = build
        self._must_exist = must_exist
        self._original: Any = _MISSING
        self._existed = True
        self._lock = threading.Lock()

    @property
    def installed(self) -> bool:
        """Whether the replacement is in place."""
        return self._original is not _MISSING

    @property
    def original(self) -> Any:
        """The value the patch replaced (raises ``RuntimeError`` when not installed)."""
        if self._original is _MISSING:
            raise RuntimeError(f"{self.describe()} is not installed")
        return self._original

    def describe(self) -> str:
        """``module.Class.attribute`` of the target, for messages."""
        name = getattr(self.owner, "__qualname__", getattr(self.owner, "__name__", repr(self.owner)))
        module = getattr(self.owner, "__module__", "")
        return f"{module}.{name}.{self.attribute}" if module else f"{name}.{self.attribute}"

    def install(self) -> None:
        """Put the replacement in place; a second call is a no-op."""
        with self._lock:
            if self.installed:
                return
            namespace = vars(self.owner)
            if self.attribute not in namespace and self._must_exist:
                raise PatchTargetMissing(f"{self.describe()} does not exist in this moto version")
            original = namespace.get(self.attribute, None)
            self._existed = self.attribute in namespace
            setattr(self.owner, self.attribute, self._build(original))
            self._original = original

    def uninstall(self) -> None:
        """Restore the original; a no-op when not installed."""
        with self._lock:
            if not self.installed:
                return
            if self._existed:
                setattr(self.owner, self.attribute, self._original)
            else:  # the patch added the attribute: remove it again
                delattr(self.owner, self.attribute)
            self._original = _MISSING

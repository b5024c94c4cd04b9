"""Idempotent, reversible replacement of moto internals, and the one shape every sandbox patch has.

Every sandbox patch touches a private moto API (moto is pinned exactly). ``AttributePatch`` (an attribute)
and ``ItemPatch`` (a mapping entry) keep the original so that ``install()`` can be called any number of
times and ``uninstall()`` restores moto's behaviour, which keeps test processes that also run plain
``mock_aws`` tests honest. Each patch module exposes its parts as one :class:`PatchSet` named ``PATCH``;
the registry in :mod:`sandbox.patches` lists them.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Mapping, MutableMapping
from typing import Any, Protocol

_MISSING = object()


class PatchTargetMissing(RuntimeError):
    """The moto internal a patch replaces is gone: moto changed and the patch must be revisited."""


class Patch(Protocol):
    """What the registry installs: an idempotent ``install``, an ``uninstall`` that restores moto."""

    def install(self) -> None: ...

    def uninstall(self) -> None: ...

    @property
    def installed(self) -> bool: ...


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
            namespace = self._namespace()
            if self.attribute not in namespace and self._must_exist:
                raise PatchTargetMissing(f"{self.describe()} does not exist in this moto version")
            original = namespace.get(self.attribute, None)
            self._existed = self.attribute in namespace
            self._assign(self._build(original))
            self._original = original

    def uninstall(self) -> None:
        """Restore the original; a no-op when not installed."""
        with self._lock:
            if not self.installed:
                return
            if self._existed:
                self._assign(self._original)
            else:  # the patch added the attribute: remove it again
                self._remove()
            self._original = _MISSING

    def _namespace(self) -> Mapping[str, Any]:
        return vars(self.owner)

    def _assign(self, value: Any) -> None:
        setattr(self.owner, self.attribute, value)

    def _remove(self) -> None:
        delattr(self.owner, self.attribute)


class ItemPatch(AttributePatch):
    """Replace ``owner[key]`` of a mapping (a moto setting) with ``build(original)``; ``None`` when absent."""

    def describe(self) -> str:
        """The key, for messages."""
        return f"[{self.attribute!r}]"

    def _namespace(self) -> MutableMapping[str, Any]:
        mapping: MutableMapping[str, Any] = self.owner
        return mapping

    def _assign(self, value: Any) -> None:
        self.owner[self.attribute] = value

    def _remove(self) -> None:
        del self.owner[self.attribute]


class PatchSet:
    """One sandbox patch, the ``PATCH`` of its module: its parts installed in order, removed in reverse.

    Parameters
    ----------
    module : the patch module's ``__name__``; its last part names the patch (``name``).
    parts : the replacements (:class:`AttributePatch`, :class:`ItemPatch` or any :class:`Patch`).
    enabled : asked on every install; when it answers false the patch is skipped (an optional dependency
        is missing). Default: always enabled.
    on_install : called after the parts are in place (default: nothing).
    on_uninstall : called after the parts are removed, to forget in-process settings (default: nothing).
    """

    def __init__(
        self,
        module: str,
        *parts: Patch,
        enabled: Callable[[], bool] | None = None,
        on_install: Callable[[], None] | None = None,
        on_uninstall: Callable[[], None] | None = None,
    ) -> None:
        self.name = module.rsplit(".", 1)[-1]
        self.parts = parts
        self._enabled = enabled
        self._on_install = on_install
        self._on_uninstall = on_uninstall

    @property
    def installed(self) -> bool:
        """Whether every part is in place."""
        return all(part.installed for part in self.parts)

    def install(self) -> None:
        """Put every part in place; idempotent."""
        if self._enabled is not None and not self._enabled():
            return
        for part in self.parts:
            part.install()
        if self._on_install is not None:
            self._on_install()

    def uninstall(self) -> None:
        """Restore moto's behaviour; a no-op for parts that are not installed."""
        for part in reversed(self.parts):
            part.uninstall()
        if self._on_uninstall is not None:
            self._on_uninstall()

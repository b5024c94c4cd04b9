"""The machinery every typed record shares: a field names its stored attribute once, and
:class:`Record` turns the fields into a DynamoDB item and back.

A field made with :func:`attr` carries the attribute name (``machine_percent`` is stored as
``machinePercent``) and how a stored value is read back (``kind``): ``int``, ``Decimal`` (numbers from
DynamoDB arrive as Decimals, from JSON as ints or floats: both are read through ``str`` so 0.1 stays 0.1),
another :class:`Record` (a nested map) or nothing (kept as stored). ``None`` is never written, so an item
written before a field existed reads back with the field's default.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import Field, field, fields
from decimal import Decimal
from typing import Any, ClassVar, TypeVar

NAME, KIND = "attribute", "kind"
R = TypeVar("R", bound="Record")


def attr(
    name: str, kind: Any = None, *, default: Any = None, factory: Callable[[], Any] | None = None
) -> Any:
    """A record field stored as attribute ``name`` (default value ``default``, or ``factory()``)."""
    metadata = {NAME: name, KIND: kind}
    if factory is not None:
        return field(default_factory=factory, metadata=metadata)
    return field(default=default, metadata=metadata)


def to_decimal(value: Any) -> Decimal:
    """``value`` (Decimal, int, float or numeric text) as a Decimal, through ``str``; ``None`` is 0."""
    return value if isinstance(value, Decimal) else Decimal(str(value if value is not None else 0))


def _read(kind: Any, value: Any) -> Any:
    if value is None or kind is None:
        return value
    if kind is int:
        return int(value)
    if kind is Decimal:
        return to_decimal(value)
    if isinstance(kind, type) and issubclass(kind, Record):
        return kind.from_item(value)
    return kind(value)


def _write(value: Any) -> Any:
    return value.to_item() if isinstance(value, Record) else value


class Record:
    """Base of the typed records (frozen dataclasses whose stored fields are made with :func:`attr`).

    A subclass with a key overrides :meth:`key` (a field only in the key defaults to ``""`` and is read
    back from ``pk`` by its :meth:`from_item`); one that adds derived attributes such as the ``gsi1``
    listing overrides :meth:`extra`.
    """

    __dataclass_fields__: ClassVar[dict[str, Field[Any]]]
    #: Whether :meth:`to_item` writes ``None`` fields too (a JSON output with every key).
    KEEP_NONE: ClassVar[bool] = False
    #: The field after which :meth:`extra` is written (default: after all fields).
    EXTRA_AFTER: ClassVar[str | None] = None

    def key(self) -> dict[str, str]:
        """The item's ``pk``/``sk`` (none for a nested map)."""
        return {}

    def extra(self) -> dict[str, Any]:
        """Attributes derived from the fields, written after them (default none)."""
        return {}

    def to_item(self) -> dict[str, Any]:
        """The DynamoDB item: key, the fields that are not ``None`` (in field order) and the derived
        attributes (after field :attr:`EXTRA_AFTER`, else last)."""
        item: dict[str, Any] = dict(self.key())
        for spec in fields(self):
            value = getattr(self, spec.name)
            if NAME in spec.metadata and (value is not None or self.KEEP_NONE):
                item[spec.metadata[NAME]] = _write(value)
            if spec.name == self.EXTRA_AFTER:
                item.update(self.extra())
        if self.EXTRA_AFTER is None:
            item.update(self.extra())
        return item

    @classmethod
    def from_item(cls: type[R], item: Mapping[str, Any]) -> R:
        """The record of a stored item (or JSON map); missing attributes take the field's default."""
        values = {}
        for spec in fields(cls):
            value = item.get(spec.metadata[NAME]) if NAME in spec.metadata else None
            if value is not None:  # missing, or stored as null: the field's default
                values[spec.name] = _read(spec.metadata[KIND], value)
        return cls(**values)

    @classmethod
    def name(cls, field_name: str) -> str:
        """The stored attribute name of field ``field_name`` (for update expressions and projections)."""
        spec = cls.__dataclass_fields__[field_name]
        return str(spec.metadata[NAME])

    @classmethod
    def attributes(cls, **values: Any) -> dict[str, Any]:
        """``values`` (by field name) under their attribute names, ``None`` left out: a partial item."""
        return {cls.name(key): _write(value) for key, value in values.items() if value is not None}

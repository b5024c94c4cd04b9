"""Reading the raw configuration: typed getters that record problems instead of raising at the first one."""

from __future__ import annotations

import re
from collections.abc import Mapping
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .field import Field


class Reader:
    """Reads typed values from a mapping, recording problems instead of raising at the first one."""

    def __init__(self, data: Mapping[str, Any], path: str, problems: list[str]) -> None:
        self.data, self.path, self.problems = data, path, problems

    def fail(self, key: str, expected: str, received: Any) -> None:
        self.problems.append(f"{self.path}.{key}: expected {expected}; received {received!r}")

    def int_(self, key: str, default: int | None, lo: int, hi: int | None = None) -> Any:
        """An integer in ``[lo, hi]`` (``hi=None``: unbounded); ``default`` when absent or wrong."""
        value = self.data.get(key, default)
        if value is None:
            if default is not None:  # an explicit null where a value is required
                self.fail(key, f"an integer from {lo}" + (f" to {hi}" if hi is not None else ""), None)
            return default
        bounds = f"from {lo} to {hi}" if hi is not None else f">= {lo}"
        if isinstance(value, bool) or not isinstance(value, int) or value < lo or (hi and value > hi):
            self.fail(key, f"an integer {bounds}", value)
            return default
        return value

    def integer(self, field: Field[Any]) -> Any:
        """The integer key ``field`` of the rule book, with its default and bounds."""
        if field.lo is None:
            raise TypeError(f"{field.key} is not an integer key")
        return self.int_(field.name, field.default, field.lo, field.hi)

    def boolean(self, field: Field[bool]) -> bool:
        """The boolean key ``field`` of the rule book, with its default."""
        return self.bool_(field.name, field.default)

    def bool_(self, key: str, default: bool) -> bool:
        """A JSON boolean; ``default`` when absent or wrong."""
        value = self.data.get(key, default)
        if not isinstance(value, bool):
            self.fail(key, "true or false", value)
            return default
        return value

    def str_(
        self,
        key: str,
        default: str | None,
        pattern: re.Pattern[str] | None = None,
        max_len: int | None = None,
        what: str = "a string",
    ) -> Any:
        """A non-empty string matching ``pattern`` (whole value) and ``max_len``; ``default`` otherwise."""
        value = self.data.get(key, default)
        if value is None:
            if default is not None:  # an explicit null where a value is required
                self.fail(key, what, None)
            return default
        # fullmatch: with match(), "$" would accept a trailing newline ("birds\n").
        if (
            not isinstance(value, str)
            or not value
            or (max_len and len(value) > max_len)
            or (pattern and not pattern.fullmatch(value))
        ):
            self.fail(key, what, value)
            return default
        return value

    def str_list(
        self,
        key: str,
        default: tuple[str, ...],
        item_pattern: re.Pattern[str] | None = None,
        what: str = "a list of strings",
    ) -> tuple[str, ...]:
        """A list of non-empty strings each matching ``item_pattern``; ``default`` otherwise."""
        value = self.data.get(key, list(default))
        if (
            not isinstance(value, list)
            or not all(isinstance(v, str) and v for v in value)
            or (item_pattern and not all(item_pattern.fullmatch(v) for v in value))
        ):
            self.fail(key, what, value)
            return default
        return tuple(value)

    def decimal(self, key: str, value: Any) -> Decimal | None:
        """``value`` as a finite Decimal (strings or numbers), or ``None`` after reporting it."""
        try:
            number = Decimal(str(value))
            # NaN/Infinity parse but break comparisons (a NaN comparison raises) and every estimate.
            if isinstance(value, bool) or not number.is_finite():
                raise InvalidOperation
            return number
        except (InvalidOperation, ValueError):
            self.fail(key, "a number", value)
            return None


def check_keys(r: Reader, known: tuple[str, ...]) -> None:
    """Report keys nobody reads: a misspelt key would otherwise silently fall back to its default."""
    for key in r.data:
        if key not in known:
            r.fail(str(key), f"one of the keys {', '.join(known)}", r.data[key])

"""One entry of the configuration rule book, and the README table rows it renders as."""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from ..task_types import TASK_TYPES, TaskTypeSpec

T = TypeVar("T")

#: The README's Default column of a key that has no default.
REQUIRED = "— (required)"
#: The README writes ranges with an en dash (``1\u20139``).
EN_DASH = "\u2013"
README_HEADER = "| Key | Type | Default | Meaning |\n|---|---|---|---|\n"


@dataclass(frozen=True)
class Field(Generic[T]):
    """One configuration key: what the README says about it and the bounds the parser reads it with.

    Attributes
    ----------
    key : the key below ``labelchain`` or ``labelchain.chains.<name>``, dotted inside an object
        (``pricing.feeTiers``).
    type : the README's Type column.
    default : the value of an absent key (``None``: no value, or one per task type: see ``default_text``).
    meaning : the README's one-line Meaning.
    api : the CreateLabelingJob members the key feeds (empty: a setting of labelchain itself).
    lo, hi : an integer key's bounds (``hi=None``: no maximum); a string key's ``hi`` is its length.
    default_text : the README's Default column where ``default`` does not say it all.
    """

    key: str
    type: str
    default: T
    meaning: str
    api: tuple[str, ...] = ()
    lo: int | None = None
    hi: int | None = None
    default_text: str | None = None

    @property
    def name(self) -> str:
        """The key inside its object: ``feeTiers`` for ``pricing.feeTiers``."""
        return self.key.rsplit(".", 1)[-1]

    def readme_row(self) -> str:
        """``| `key` | type | default | meaning; feeds `API member` |``."""
        default = self.default_text or literal(self.default)
        api = f"; feeds {', '.join(f'`{member}`' for member in self.api)}" if self.api else ""
        return f"| `{self.key}` | {self.type} | {default} | {self.meaning}{api} |"


def integer(key: str, default: T, lo: int, hi: int | None, meaning: str, **more: Any) -> Field[T]:
    """An integer key from ``lo`` to ``hi`` (``None``: no maximum); its Type says the bounds."""
    bounds = f"≥ {lo:,}" if hi is None else span(lo, hi)
    return Field(key, f"integer {bounds}", default, meaning, lo=lo, hi=hi, **more)


def text(key: str, default: T, meaning: str, max_len: int | None = None, **more: Any) -> Field[T]:
    """A string key, at most ``max_len`` characters (``None``: as its pattern allows)."""
    kind = "string" if max_len is None else f"string ≤ {max_len:,}"
    return Field(key, kind, default, meaning, hi=max_len, **more)


def span(lo: int, hi: int) -> str:
    """``lo`` en dash ``hi``, with thousands separators, as the README writes a range."""
    return f"{lo:,}{EN_DASH}{hi:,}"


def literal(value: object) -> str:
    """A default as the README writes it: JSON in backticks, ``none`` for no value."""
    if value is None:
        return "none"
    if isinstance(value, bool | list | tuple):
        return f"`{json.dumps(list(value) if isinstance(value, tuple | list) else value)}`"
    return f"`{value}`"


def per_task_type(value: Callable[[TaskTypeSpec], object]) -> str:
    """A default that depends on the task type: the usual value, then the exceptions by task type."""
    values = {spec.task_type: value(spec) for spec in TASK_TYPES.values()}
    usual = Counter(values.values()).most_common(1)[0][0]
    others = ", ".join(f"`{task}`: {literal(v)}" for task, v in values.items() if v != usual)
    return literal(usual) + (f" ({others})" if others else "")


def one_of(values: Iterable[object], last: str = "or") -> str:
    """``values`` in backticks, separated by commas and ``last`` before the final one."""
    quoted = [f"`{v}`" for v in values]
    return f"{', '.join(quoted[:-1])} {last} {quoted[-1]}" if len(quoted) > 1 else "".join(quoted)


def readme_table(fields: Iterable[Field[Any]]) -> str:
    """The README table (header and one row per key) of ``fields``."""
    return README_HEADER + "".join(f"{field.readme_row()}\n" for field in fields)

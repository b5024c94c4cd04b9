"""Figures, their goals and how a benchmark prints and hands them over.

Every benchmark script builds a :class:`Section` of :class:`Figure` rows, prints it as a table and, with
``--json PATH``, writes it for ``run_all.py``. Figures are measured, never asserted: a missed goal is
reported with its cause, not raised.
"""

from __future__ import annotations

import argparse
import json
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any


@dataclass
class Figure:
    """One measured figure.

    Attributes
    ----------
    metric : what was measured.
    value : the measurement (number or short text).
    unit : its unit (default none).
    goal : the goal as text, e.g. ``"≤ 10"`` (default none: informative figure).
    ratio : a comparison, e.g. ``"1/43 of polling"`` or ``"1.8x bare loop"`` (default none).
    met : whether the goal is met (``None`` when there is no goal).
    """

    metric: str
    value: float | int | str
    unit: str = ""
    goal: str = ""
    ratio: str = ""
    met: bool | None = None


@dataclass
class Section:
    """A benchmark's figures plus notes (causes of missed goals, method, caveats)."""

    key: str
    title: str
    figures: list[Figure] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def add(self, *args: Any, **kwargs: Any) -> Figure:
        """Append ``Figure(*args, **kwargs)`` and return it."""
        figure = Figure(*args, **kwargs)
        self.figures.append(figure)
        return figure

    def to_dict(self) -> dict[str, Any]:
        """JSON form."""
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Section:
        """Back from :meth:`to_dict`."""
        figures = [Figure(**f) for f in data.get("figures", [])]
        return cls(data["key"], data["title"], figures, list(data.get("notes", [])))


def fmt(value: float | int | str) -> str:
    """A figure as text: thousands separators, 3 significant digits below 100."""
    if isinstance(value, bool | str):
        return str(value)
    if isinstance(value, int) or (float(value).is_integer() and abs(value) >= 100):
        return f"{int(value):,}"
    if abs(value) >= 100:
        return f"{value:,.0f}"
    return f"{value:.3g}"


def _status(figure: Figure) -> str:
    return "" if figure.met is None else ("✅" if figure.met else "❌ missed")


def markdown(section: Section) -> str:
    """The section as a markdown table followed by its notes."""
    lines = [
        f"### {section.title}",
        "",
        "| Figure | Value | Goal | Ratio | |",
        "|---|---:|---|---|---|",
    ]
    for f in section.figures:
        value = f"{fmt(f.value)} {f.unit}".strip()
        lines.append(f"| {f.metric} | {value} | {f.goal} | {f.ratio} | {_status(f)} |")
    lines += [""] + [f"- {note}" for note in section.notes]
    return "\n".join(lines).rstrip() + "\n"


def text_table(section: Section) -> str:
    """The section as aligned plain text for the terminal."""
    rows = [("Figure", "Value", "Goal", "Ratio", "")]
    rows += [
        (f.metric, f"{fmt(f.value)} {f.unit}".strip(), f.goal, f.ratio, _status(f)) for f in section.figures
    ]
    widths = [max(len(row[i]) for row in rows) for i in range(5)]
    out = [f"== {section.title} =="]
    out += ["  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)).rstrip() for row in rows]
    out += [f"  * {note}" for note in section.notes]
    return "\n".join(out)


def parser(description: str) -> argparse.ArgumentParser:
    """An argument parser with the common ``--json PATH`` option."""
    result = argparse.ArgumentParser(description=description)
    result.add_argument("--json", type=Path, help="also write the section as JSON to this file")
    return result


def emit(section: Section, json_path: Path | None) -> None:
    """Print the section and write it as JSON when asked."""
    print(text_table(section), flush=True)
    if json_path is not None:
        json_path.write_text(json.dumps(section.to_dict(), indent=2, ensure_ascii=False) + "\n")

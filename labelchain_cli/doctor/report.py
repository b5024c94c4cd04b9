"""The results of ``labelchain doctor``: one :class:`CheckResult` per check, the exit code and two renderings.

Pure: no boto3. A *warning* is something the doctor could not decide or that does not block a labeling job
(an unknown quota, a stack update in progress); a *skip* is a check that cannot apply yet (the stack is not
deployed, the credentials failed). Neither fails the run: only a failure does (exit 1).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass
from enum import StrEnum
from typing import Any

from rich.console import Console
from rich.markup import escape

from ..errors import EXIT_FAILED, EXIT_OK


class Status(StrEnum):
    """Outcome of one check (the ``status`` of ``--json``)."""

    PASS = "pass"
    WARN = "warn"
    FAIL = "fail"
    SKIP = "skip"


#: Widest check column (``ground-truth-access`` and most bucket names fit).
CHECK_WIDTH = 24
#: Terminal mark and rich style of each status.
MARKS = {
    Status.PASS: ("✓", "green"),
    Status.WARN: ("!", "yellow"),
    Status.FAIL: ("✗", "red"),
    Status.SKIP: ("○", "dim"),
}


@dataclass(frozen=True)
class CheckResult:
    """One line of the report.

    Attributes
    ----------
    check : stable identifier, ``<check>`` or ``<check>:<subject>`` (``workteam:birds``, ``cors:lc-input``).
    status : see :class:`Status`.
    detail : what was found, in one line.
    fix : what to do, in one line; ``None`` when there is nothing to do.
    """

    check: str
    status: Status
    detail: str
    fix: str | None = None

    def __post_init__(self) -> None:
        # One line each, whatever AWS put in a message (an endpoint's HTML error page has many).
        object.__setattr__(self, "detail", one_line(self.detail))
        if self.fix is not None:
            object.__setattr__(self, "fix", one_line(self.fix))

    def to_dict(self) -> dict[str, Any]:
        """``{"check", "status", "detail", "fix"}`` with the status as its string value."""
        return {**asdict(self), "status": self.status.value}


def one_line(text: str, limit: int | None = None) -> str:
    """``text`` with every run of whitespace as one space, cut to ``limit`` characters (default: not cut)."""
    flat = " ".join(text.split())
    return flat if limit is None or len(flat) <= limit else flat[: limit - 1] + "…"


def passed(check: str, detail: str) -> CheckResult:
    return CheckResult(check, Status.PASS, detail)


def warned(check: str, detail: str, fix: str) -> CheckResult:
    return CheckResult(check, Status.WARN, detail, fix)


def failed(check: str, detail: str, fix: str) -> CheckResult:
    return CheckResult(check, Status.FAIL, detail, fix)


def skipped(check: str, detail: str, fix: str | None = None) -> CheckResult:
    return CheckResult(check, Status.SKIP, detail, fix)


def exit_code(results: Iterable[CheckResult]) -> int:
    """0 unless some check failed (warnings and skips allowed), then 1."""
    return EXIT_FAILED if any(r.status is Status.FAIL for r in results) else EXIT_OK


def summary(results: Sequence[CheckResult]) -> str:
    """``"9 passed, 1 warning, 1 failed, 2 skipped"`` (statuses that occur, in that order)."""
    words = {Status.PASS: "passed", Status.WARN: "warning", Status.FAIL: "failed", Status.SKIP: "skipped"}
    parts = []
    for status, word in words.items():
        count = sum(1 for r in results if r.status is status)
        if count:
            plural = "s" if status is Status.WARN and count > 1 else ""
            parts.append(f"{count} {word}{plural}")
    return ", ".join(parts)


def render(results: Sequence[CheckResult], out: Console) -> None:
    """One line per check (mark, check, detail) and, when there is one, its fix on the next line; lines are
    never wrapped by rich (``soft_wrap``), so logs and pipes keep one line per check."""
    # Aligned on the usual names; a long one (a generated bucket name) pushes only its own line.
    width = min(max((len(r.check) for r in results), default=0), CHECK_WIDTH)
    for result in results:
        mark, style = MARKS[result.status]
        out.print(
            f"[{style}]{mark}[/] {escape(result.check.ljust(width))}  {escape(result.detail)}", soft_wrap=True
        )
        if result.fix:
            out.print(f"  {' ' * width}  [bold]fix:[/] {escape(result.fix)}", soft_wrap=True)
    out.print(summary(results))

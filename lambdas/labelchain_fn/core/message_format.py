"""Building blocks of the notification texts: the SNS subject rule, AWS console links and number formats."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any
from urllib.parse import quote

#: SNS limit on ``Subject``: at most 100 ASCII characters, no line breaks.
MAX_SUBJECT = 100
NOT_AVAILABLE = "n/a"


@dataclass(frozen=True)
class Message:
    """One notification: ``subject`` (fits SNS) and a plain-text ``body``."""

    subject: str
    body: str


def fit_subject(text: str) -> str:
    """``text`` on one line, non-ASCII characters replaced by ``?``, cut to 100 characters (then ending
    ``...``)."""
    flat = " ".join(text.split())
    ascii_text = flat.encode("ascii", "replace").decode("ascii")
    return ascii_text if len(ascii_text) <= MAX_SUBJECT else ascii_text[: MAX_SUBJECT - 3] + "..."


def _console(region: str) -> str:
    return f"https://{region}.console.aws.amazon.com"


def labeling_job_url(region: str, labeling_job_name: str) -> str:
    """The Ground Truth labeling job page of the SageMaker console."""
    return (
        f"{_console(region)}/sagemaker/groundtruth?region={region}"
        f"#/labeling-jobs/details/{quote(labeling_job_name, safe='')}"
    )


def execution_url(region: str, execution_arn: str) -> str:
    """The execution page of the Step Functions console (the ARN stays readable: ``:`` is not escaped)."""
    return (
        f"{_console(region)}/states/home?region={region}"
        f"#/v2/executions/details/{quote(execution_arn, safe=':')}"
    )


def _decimal(value: Any) -> Decimal | None:
    if value is None or value == "":
        return None
    try:
        return Decimal(str(value))
    except InvalidOperation:
        return None


def format_usd(value: Any) -> str:
    """``$1,234.57`` (rounded to cents), or ``n/a`` when ``value`` is missing or not a number."""
    amount = _decimal(value)
    if amount is None:
        return NOT_AVAILABLE
    return f"${amount.quantize(Decimal('0.01'), rounding=ROUND_HALF_UP):,}"


def format_percent(value: Any) -> str:
    """``47.9%`` (one decimal), or ``n/a``."""
    share = _decimal(value)
    if share is None:
        return NOT_AVAILABLE
    return f"{share.quantize(Decimal('0.1'), rounding=ROUND_HALF_UP)}%"


def format_duration(seconds: Any) -> str:
    """A duration for people: ``45 s``, ``12 min 5 s``, ``3 h 07 min``, ``2 d 4 h``; ``n/a`` when unknown."""
    amount = _decimal(seconds)
    if amount is None or amount < 0:
        return NOT_AVAILABLE
    total = int(amount)
    days, rest = divmod(total, 86_400)
    hours, rest = divmod(rest, 3_600)
    minutes, secs = divmod(rest, 60)
    if days:
        return f"{days} d {hours} h"
    if hours:
        return f"{hours} h {minutes:02d} min"
    if minutes:
        return f"{minutes} min {secs} s"
    return f"{secs} s"


def format_count(value: Any) -> str:
    """``1,250``, or ``n/a``."""
    number = _decimal(value)
    return NOT_AVAILABLE if number is None else f"{int(number):,}"


def aligned(rows: Sequence[tuple[str, str]], indent: str = "") -> list[str]:
    """``label: value`` lines with the values in one column."""
    width = max((len(label) for label, _ in rows), default=0) + 1
    return [f"{indent}{(label + ':').ljust(width)} {value}" for label, value in rows]


def links(region: str, *, labeling_jobs: Sequence[str] = (), execution_arn: str | None = None) -> list[str]:
    """The closing "open in the console" lines: one per labeling job, then the execution (if known)."""
    lines = ["", "In the AWS console:"]
    lines += [f"  Labeling job {name}: {labeling_job_url(region, name)}" for name in labeling_jobs]
    if execution_arn:
        lines.append(f"  Execution: {execution_url(region, execution_arn)}")
    return lines

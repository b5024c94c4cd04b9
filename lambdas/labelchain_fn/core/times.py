"""ISO-8601 times: everything stored or returned by the pipeline is an ISO string in UTC."""

from __future__ import annotations

from datetime import UTC, datetime


def parse_time(value: datetime | str) -> datetime:
    """A timezone-aware datetime from a ``datetime`` or an ISO-8601 string (naive values are taken as UTC).

    Raises
    ------
    ValueError
        When ``value`` is neither a datetime nor an ISO-8601 string.
    """
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    if not isinstance(value, datetime):
        raise ValueError(f"expected a datetime or an ISO-8601 string; received {value!r}")
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value


def to_iso(value: datetime | str) -> str:
    """Normalise ``value`` to an ISO-8601 string in UTC, e.g. ``2026-03-02T14:05:27+00:00``."""
    return parse_time(value).astimezone(UTC).isoformat()


def seconds_between(start: datetime | str, end: datetime | str) -> int:
    """Whole seconds from ``start`` to ``end`` (never negative)."""
    return max(0, int((parse_time(end) - parse_time(start)).total_seconds()))

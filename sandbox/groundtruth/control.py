"""In-process control of the simulated Ground Truth (the HTTP control API calls these too)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from moto.core import DEFAULT_ACCOUNT_ID

from .config import config, set_difficulty
from .faults import Fault
from .lifecycle import tick
from .state import backend_for, state_for

DEFAULT_REGION = "us-east-1"


def add_fault(
    fault: Fault | dict[str, Any], account_id: str = DEFAULT_ACCOUNT_ID, region: str = DEFAULT_REGION
) -> Fault:
    """Queue a fault for ``account_id``/``region`` (a :class:`Fault` or its JSON form)."""
    parsed = fault if isinstance(fault, Fault) else Fault.from_dict(fault)
    state_for(backend_for(account_id, region)).faults.add(parsed)
    return parsed


def pending_faults(account_id: str = DEFAULT_ACCOUNT_ID, region: str = DEFAULT_REGION) -> list[Fault]:
    """Faults not used up yet."""
    return state_for(backend_for(account_id, region)).faults.pending()


def clear_faults(account_id: str = DEFAULT_ACCOUNT_ID, region: str = DEFAULT_REGION) -> None:
    """Drop every pending fault."""
    state_for(backend_for(account_id, region)).faults.clear()


def advance(hours: float) -> datetime:
    """Move simulated time forward and process what happened meanwhile; returns the new time."""
    moment = config().clock.advance(hours=hours)
    tick(moment)
    return moment


def clock_view() -> dict[str, Any]:
    """The clock as the control API shows it."""
    clock = config().clock
    return {"now": clock.now().isoformat(), "msPerSimulatedHour": clock.ms_per_simulated_hour}


def add_difficulty(pattern: str, factor: float) -> list[list[Any]]:
    """Declare how hard the objects matching ``pattern`` are; returns every rule."""
    return [list(rule) for rule in set_difficulty(pattern, factor).difficulty]

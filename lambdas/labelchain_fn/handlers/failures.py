"""The error a Step Functions ``Catch`` hands on (``{"Error", "Cause"}``), read the same way everywhere."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

UNKNOWN_ERROR = "States.Unknown"


def readable_cause(raw: Any) -> str:
    """The readable cause: a Lambda error's ``errorMessage`` (Step Functions wraps it as JSON), else as is."""
    text = "" if raw is None else str(raw)
    try:
        parsed = json.loads(text)
    except ValueError:
        return text
    return str(parsed["errorMessage"]) if isinstance(parsed, dict) and "errorMessage" in parsed else text


def error_and_cause(error_info: Mapping[str, Any] | None) -> tuple[str, str]:
    """``(error name, readable cause)`` of a caught error; the name defaults to ``States.Unknown``."""
    info = error_info or {}
    return str(info.get("Error") or UNKNOWN_ERROR), readable_cause(info.get("Cause"))

"""Server-side checks of the service model's ``min``/``max``/``pattern``/``enum`` constraints.

botocore checks required members, types and ``min`` on the client, but not ``max`` or ``pattern``
(ground-truth.md §2.7). AWS checks them all and answers ``ValidationException`` with messages like
``Value 'bad_name!' at 'labelingJobName' failed to satisfy constraint: Member must satisfy regular
expression pattern: ...``. The constraints come from the botocore model itself, so nothing is hand-copied.
"""

from __future__ import annotations

import re
from functools import cache
from typing import Any

import botocore.session
from botocore.model import Shape


@cache
def input_shape(operation: str) -> Shape:
    """The input shape of a SageMaker operation (``CreateLabelingJob``...)."""
    model = botocore.session.get_session().get_service_model("sagemaker")
    shape = model.operation_model(operation).input_shape
    assert shape is not None
    return shape


# Java/ICU classes used by a few patterns (tag keys/values), mapped to their Python counterparts.
_UNICODE_CLASSES = {r"\p{L}": r"\w", r"\p{N}": r"\d", r"\p{Z}": r"\s"}


@cache
def _compiled(pattern: str) -> re.Pattern[str] | None:
    """The pattern as a Python regex, or ``None`` if it cannot be expressed (then it is not checked)."""
    for java, python in _UNICODE_CLASSES.items():
        pattern = pattern.replace(java, python)
    try:
        return re.compile(pattern)
    except re.error:
        return None


def _camel(name: str) -> str:
    return name[:1].lower() + name[1:]


def _scalar_errors(value: Any, shape: Shape, path: str) -> list[str]:
    meta, errors = shape.metadata, []
    prefix = f"Value '{value}' at '{path}' failed to satisfy constraint: Member must"
    if shape.type_name == "string" and isinstance(value, str):
        if "max" in meta and len(value) > meta["max"]:
            errors.append(f"{prefix} have length less than or equal to {meta['max']}")
        if "min" in meta and len(value) < meta["min"]:
            errors.append(f"{prefix} have length greater than or equal to {meta['min']}")
        regex = _compiled(meta["pattern"]) if "pattern" in meta else None
        if regex is not None and regex.fullmatch(value) is None:
            errors.append(f"{prefix} satisfy regular expression pattern: {meta['pattern']}")
        if shape.enum and value not in shape.enum:
            errors.append(f"{prefix} satisfy enum value set: [{', '.join(shape.enum)}]")
    elif shape.type_name in ("integer", "long") and isinstance(value, int):
        if "max" in meta and value > meta["max"]:
            errors.append(f"{prefix} have value less than or equal to {meta['max']}")
        if "min" in meta and value < meta["min"]:
            errors.append(f"{prefix} have value greater than or equal to {meta['min']}")
    return errors


def constraint_errors(value: Any, shape: Shape, path: str = "") -> list[str]:
    """Every constraint ``value`` breaks, with AWS's member paths (``humanTaskConfig.taskTitle``)."""
    if shape.type_name == "structure" and isinstance(value, dict):
        errors: list[str] = []
        for name, member in shape.members.items():
            if name in value and value[name] is not None:
                child = f"{path}.{_camel(name)}" if path else _camel(name)
                errors += constraint_errors(value[name], member, child)
        return errors
    if shape.type_name == "list" and isinstance(value, list):
        meta = shape.metadata
        errors = []
        if "max" in meta and len(value) > meta["max"]:
            errors.append(
                f"Value at '{path}' failed to satisfy constraint: "
                f"Member must have length less than or equal to {meta['max']}"
            )
        for position, item in enumerate(value, start=1):
            errors += constraint_errors(item, shape.member, f"{path}.{position}.member")
        return errors
    return _scalar_errors(value, shape, path)

"""Evaluate JSONata in moto's Step Functions interpreter with jsonata-python (optional).

moto ships ``moto.stepfunctions.parser.asl.jsonata.jsonata._eval_jsonata`` as ``None`` (LocalStack's JVM
bridge was removed), so ``QueryLanguage: JSONata`` and ``Assign``/``$var`` fail with ``States.Runtime``
(getmoto/moto#10105). The interpreter composes one self-contained expression (variable declarations
included), so a plain ``expression -> JSON value`` callable fills the hole.
"""

from __future__ import annotations

import importlib.util
import json
from typing import Any

import moto.stepfunctions.parser.asl.jsonata.jsonata as moto_jsonata

from ._base import AttributePatch, PatchSet


def available() -> bool:
    """Whether jsonata-python is importable (the patch is skipped without it)."""
    return importlib.util.find_spec("jsonata") is not None


def evaluate(expression: str) -> Any:
    """Evaluate a self-contained JSONata expression; errors become moto's ``JSONataException``."""
    import jsonata  # imported lazily: the dependency is optional

    try:
        result = jsonata.Jsonata(expression).evaluate(None)
    except Exception as error:  # jsonata-python raises JException and plain Python errors
        raise moto_jsonata.JSONataException("UNKNOWN", str(error)) from error
    # jsonata-python returns its own list subclass; a JSON round trip yields plain values as the JVM did.
    return None if result is None else json.loads(json.dumps(result))


#: Skipped (JSONata stays unsupported) when jsonata-python is not installed.
PATCH = PatchSet(
    __name__, AttributePatch(moto_jsonata, "_eval_jsonata", lambda _original: evaluate), enabled=available
)

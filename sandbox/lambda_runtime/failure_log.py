"""One log line per failed Lambda invocation, instead of moto's multi-kilobyte dump for expected failures.

A handler that raises one of the pipeline's named errors (``labelchain_fn.core.errors``: ``ManifestNotFound``,
``SourceBucketNotAllowed``...) fails on purpose: the workflow catches it by name and records it. moto's Step
Functions interpreter still logs such a failure at ``ERROR`` with the whole error document, stack trace and
state repr. Here every failed invocation logs one ``WARNING`` line (function, error name, first line of the
message) on the ``sandbox.lambda`` logger, and the full error document at ``INFO``; moto's dump of a
*named* error is shown only when ``INFO`` is enabled (``python -m sandbox --verbose``), demoted to
``INFO``. Unexpected errors (``KeyError``, ``Sandbox.Timedout``, ``Runtime.*``...) keep moto's dump.
"""

from __future__ import annotations

import functools
import json
import logging
import re

LOG = logging.getLogger("sandbox.lambda")
#: The logger of moto's Step Functions interpreter that dumps failures.
MOTO_LOGGER = "moto.stepfunctions.parser.asl.component.eval_component"
MESSAGE_CHARS = 300
_ERROR_NAME = re.compile(r"\bError=([^,\s]+)")


@functools.cache
def expected_error_names() -> frozenset[str]:
    """Names of the pipeline's named errors (every subclass of ``LabelChainError``); empty without it."""
    try:
        from labelchain_fn.core.errors import LabelChainError
    except ImportError:  # the sandbox hosting another project
        return frozenset()
    names, pending = set(), [LabelChainError]
    while pending:
        cls = pending.pop()
        names.add(cls.__name__)
        pending += cls.__subclasses__()
    names.discard(LabelChainError.__name__)
    return frozenset(names)


def log_failure(function_name: str, payload: str) -> None:
    """Log the error document ``payload`` of a failed invocation of ``function_name`` (see the module)."""
    try:
        document = json.loads(payload)
    except (TypeError, ValueError):
        document = None
    if not isinstance(document, dict):
        LOG.warning("%s failed: %s", function_name, str(payload)[:MESSAGE_CHARS])
        return
    message = str(document.get("errorMessage", "")).strip()
    first_line = message.splitlines()[0][:MESSAGE_CHARS] if message else ""
    LOG.warning("%s failed: %s: %s", function_name, document.get("errorType", "Unknown"), first_line)
    LOG.info("%s error document: %s", function_name, payload)


class QuietExpectedFailures(logging.Filter):
    """Drops moto's dump of a named error unless ``INFO`` is enabled (then it is demoted to ``INFO``)."""

    def filter(self, record: logging.LogRecord) -> bool:
        if record.levelno < logging.ERROR:
            return True
        text = str(record.args[0]) if isinstance(record.args, tuple) and record.args else str(record.msg)
        match = _ERROR_NAME.search(text)
        if match is None or match.group(1) not in expected_error_names():
            return True
        if not LOG.isEnabledFor(logging.INFO):
            return False
        record.levelno, record.levelname = logging.INFO, logging.getLevelName(logging.INFO)
        return True


_FILTER = QuietExpectedFailures()


def install() -> None:
    """Filter moto's failure dumps (idempotent)."""
    logger = logging.getLogger(MOTO_LOGGER)
    if _FILTER not in logger.filters:
        logger.addFilter(_FILTER)


def uninstall() -> None:
    """Let moto's dumps through again."""
    logging.getLogger(MOTO_LOGGER).removeFilter(_FILTER)

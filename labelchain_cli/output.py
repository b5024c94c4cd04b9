"""Terminal output: one rich console for tables and progress, plain JSON for ``--json``, and the notes
``--verbose`` adds on stderr."""

from __future__ import annotations

import json
from typing import Any

import click
from labelchain_fn.core.records import from_dynamo
from rich.console import Console

#: ``ctx.meta`` key of the global ``--verbose`` flag (``meta`` is shared by every context of one run).
VERBOSE_KEY = "labelchain.verbose"
#: Width used when stdout is not a terminal (pipes, CI logs), so tables are not cut at 80 columns.
PIPE_WIDTH = 200


def console(*, stderr: bool = False) -> Console:
    """A console on the current stdout, or stderr (default ``False``) for progress displays so that stdout
    stays parseable (``--json``); wide when it is not a terminal."""
    probe = Console(stderr=stderr)
    return probe if probe.is_terminal else Console(stderr=stderr, width=PIPE_WIDTH)


def print_json(data: Any) -> None:
    """``data`` as indented JSON on stdout (Decimals become numbers)."""
    click.echo(json.dumps(from_dynamo(data), indent=2, sort_keys=True, default=str))


def is_verbose(ctx: click.Context | None = None) -> bool:
    """Whether ``--verbose`` (``LABELCHAIN_VERBOSE``) was given; ``ctx`` defaults to the current context."""
    ctx = ctx or click.get_current_context(silent=True)
    return bool(ctx is not None and ctx.meta.get(VERBOSE_KEY))


def note(message: str) -> None:
    """``note: <message>`` on stderr with ``--verbose`` only: what a check skipped, and why."""
    if is_verbose():
        click.echo(f"note: {message}", err=True)

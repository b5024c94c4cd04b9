"""``labelchain demo``: run the offline demo (local sandbox, simulated Ground Truth)."""

from __future__ import annotations

import importlib
import importlib.util
import inspect

import click

from ..command import LabelChainCommand
from ..errors import AwsResourceError, CommandFailed

DEMO_MODULE = "sandbox.demo"


def _demo_available() -> bool:
    try:
        return importlib.util.find_spec(DEMO_MODULE) is not None
    except ModuleNotFoundError:  # no ``sandbox`` package at all
        return False


@click.command(
    cls=LabelChainCommand, context_settings={"ignore_unknown_options": True, "allow_extra_args": False}
)
@click.argument("demo_args", nargs=-1, type=click.UNPROCESSED)
def demo(demo_args: tuple[str, ...]) -> None:
    """Run the offline demo: deploy the stack into the local sandbox and label a small chain.

    Arguments after ``demo`` go to the demo itself. Needs the project's ``sandbox`` package (a source
    checkout); exit 3 when it is not there.
    """
    if not _demo_available():
        raise AwsResourceError(
            f"the offline demo needs the {DEMO_MODULE} module of a labelchain source checkout; "
            "it is not installed"
        )
    entry = importlib.import_module(DEMO_MODULE).main
    # Hand the demo its own arguments, never the CLI's sys.argv (an argparse main would read "demo" there).
    result = entry(list(demo_args)) if inspect.signature(entry).parameters else entry()
    if isinstance(result, int) and result != 0:
        raise CommandFailed(f"the demo ended with exit code {result}")

"""``labelchain demo``: run the offline demo (local sandbox, simulated Ground Truth).

The demo is its own package (``demo``) on top of the CLI and the sandbox. The command runs it as
``python -m demo`` in a child process instead of importing it, so the CLI never depends on it (and a CLI
installed without a source checkout fails with a clear message).
"""

from __future__ import annotations

import importlib.util
import subprocess
import sys

import click

from ..command import LabelChainCommand
from ..errors import AwsResourceError, CommandFailed

DEMO_MODULE = "demo"


def _demo_available() -> bool:
    # find_spec locates a top-level module without running it.
    return importlib.util.find_spec(DEMO_MODULE) is not None


@click.command(
    cls=LabelChainCommand, context_settings={"ignore_unknown_options": True, "allow_extra_args": False}
)
@click.argument("demo_args", nargs=-1, type=click.UNPROCESSED)
def demo(demo_args: tuple[str, ...]) -> None:
    """Run the offline demo: deploy the stack into the local sandbox and label a small chain.

    Arguments after ``demo`` go to the demo itself (``python -m demo --help`` lists them). Needs the
    project's ``demo`` package (a source checkout); exit 3 when it is not there.
    """
    if not _demo_available():
        raise AwsResourceError(
            f"the offline demo needs the {DEMO_MODULE} package of a labelchain source checkout; "
            "it is not installed"
        )
    # Same interpreter, same working directory (the demo's paths are relative to it), the demo's own output.
    completed = subprocess.run([sys.executable, "-m", DEMO_MODULE, *demo_args], check=False)
    if completed.returncode != 0:
        raise CommandFailed(f"the demo ended with exit code {completed.returncode}")

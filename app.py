#!/usr/bin/env python3
"""labelchain CDK app: validate the configuration once, then synthesize one ``LabelChainStack``.

The configuration is the ``labelchain`` object of ``cdk.json`` context, or the JSON file named by the
context key ``labelchain:configFile`` (``cdk synth -c labelchain:configFile=my-config.json``). A wrong
value stops synthesis with one line per problem, before anything is deployed. cdk-nag (AWS Solutions
checks) always runs: an unacknowledged finding fails synthesis.
"""

from __future__ import annotations

import importlib.util
import os
import sys
from pathlib import Path

VENV_PYTHON = Path(__file__).resolve().parent / ".venv" / "bin" / "python"

# cdk.json runs `python3 app.py`, as `cdk init` writes it: the active virtualenv's Python after
# `source .venv/bin/activate`. Without one, python3 is the system's, which lacks aws_cdk: run again in
# the project virtualenv (`make install` creates it) instead of failing with ModuleNotFoundError.
if importlib.util.find_spec("aws_cdk") is None and VENV_PYTHON.exists():
    os.execv(VENV_PYTHON, [str(VENV_PYTHON), *sys.argv])

from stacks.jsii_node import use_project_node  # noqa: E402

use_project_node()  # before aws_cdk starts its Node process

from labelchain_fn.core.config import ConfigError  # noqa: E402

from stacks.app_builder import build_app  # noqa: E402


def main() -> int:
    try:
        app, _stack = build_app()
    except ConfigError as err:
        print("labelchain: invalid configuration", file=sys.stderr)
        for problem in err.problems:
            print(f"  {problem}", file=sys.stderr)
        return 1
    app.synth()
    return 0


if __name__ == "__main__":
    sys.exit(main())

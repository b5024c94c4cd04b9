#!/usr/bin/env python3
"""labelchain CDK app: validate the configuration once, then synthesize one ``LabelChainStack``.

The configuration is the ``labelchain`` object of ``cdk.json`` context, or the JSON file named by the
context key ``labelchain:configFile`` (``cdk synth -c labelchain:configFile=my-config.json``). A wrong
value stops synthesis with one line per problem, before anything is deployed. cdk-nag (AWS Solutions
checks) always runs: an unacknowledged finding fails synthesis.
"""

from __future__ import annotations

import sys

from labelchain_fn.core.config import ConfigError

from stacks.app_builder import build_app


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

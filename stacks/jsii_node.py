"""Run jsii (the Node process behind ``aws_cdk``) on the project's pinned Node release.

``npm install`` puts Node 22 (npm package ``node``, a release jsii supports) at ``node_modules/.bin/node``.
Machines often have an older Node first on ``PATH`` (Node 20 is past jsii's support window and makes every
jsii start print an end-of-life banner). :func:`use_project_node` points ``JSII_NODE`` at the pinned one;
it must run before ``aws_cdk`` is imported. This module imports no CDK.
"""

from __future__ import annotations

import os
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
PROJECT_NODE = PROJECT_ROOT / "node_modules" / ".bin" / "node"


def use_project_node(environ: dict[str, str] | None = None) -> str | None:
    """Set ``JSII_NODE`` to :data:`PROJECT_NODE` when it exists and ``JSII_NODE`` is not set already (a user's
    own choice wins); returns the Node jsii will use, ``None`` for "whatever ``node`` is on ``PATH``"."""
    env = os.environ if environ is None else environ
    if not env.get("JSII_NODE") and PROJECT_NODE.exists():
        env["JSII_NODE"] = str(PROJECT_NODE)
    return env.get("JSII_NODE")

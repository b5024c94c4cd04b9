"""Synthesize the project's cloud assembly when it is missing (the demo and the end-to-end tests need one).

``python app.py`` with ``CDK_OUTDIR`` writes the same assembly as ``cdk synth``: the app reads the
``cdk.json`` context itself, so the CDK CLI is not needed (jsii still runs on Node.js).
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

#: The project root: ``app.py`` and ``cdk.json`` live here.
PROJECT_ROOT = Path(__file__).resolve().parents[1]


class SynthError(RuntimeError):
    """``app.py`` failed; the message carries its output."""


def synthesize(outdir: Path) -> Path:
    """Run ``app.py`` into ``outdir``; returns ``outdir``.

    Raises
    ------
    SynthError
        When the app exits non-zero (an invalid configuration, a cdk-nag finding).
    """
    env = {
        **os.environ,
        "CDK_OUTDIR": str(outdir.resolve()),
        "CDK_DISABLE_CLI_TELEMETRY": "true",
    }
    completed = subprocess.run(
        [sys.executable, "app.py"], cwd=PROJECT_ROOT, env=env, capture_output=True, text=True, check=False
    )
    if completed.returncode != 0:
        raise SynthError(f"app.py exited {completed.returncode}:\n{completed.stdout}{completed.stderr}")
    return outdir


def ensure_assembly(outdir: Path) -> bool:
    """Synthesize into ``outdir`` unless ``outdir/manifest.json`` exists; returns whether it synthesized."""
    if (outdir / "manifest.json").exists():
        return False
    synthesize(outdir)
    return True

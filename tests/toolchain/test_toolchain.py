"""The toolchain a user meets: a quiet `npx cdk synth` (no feature-flag warning, no Node banner); the app."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

PROJECT_ROOT = Path(__file__).resolve().parents[2]
NPX = shutil.which("npx")


def _without_project_node_settings() -> dict[str, str]:
    """The environment of a user's shell: no JSII_* settings, no Makefile exports."""
    return {k: v for k, v in os.environ.items() if not k.startswith("JSII_")} | {
        "CDK_DISABLE_CLI_TELEMETRY": "true",
        "CDK_DISABLE_VERSION_CHECK": "1",
    }


@pytest.mark.skipif(NPX is None, reason="npx is not installed")
def test_plain_npx_cdk_synth_prints_no_feature_flag_warning_and_no_node_banner(tmp_path: Path) -> None:
    # GIVEN a user's shell (no JSII_* variables; whatever Node the machine has first on PATH)
    # WHEN `npx cdk synth` runs, validation included, as the CDK docs tell users to
    result = subprocess.run(
        [str(NPX), "cdk", "synth", "--quiet", "-o", str(tmp_path / "out")],
        cwd=PROJECT_ROOT,
        env=_without_project_node_settings(),
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    # THEN it succeeds and prints neither the feature-flag warning nor jsii's end-of-life banner
    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    assert "feature flags are not configured" not in output
    assert "end-of-life" not in output and "!!!!" not in output
    assert (tmp_path / "out" / "LabelChain.template.json").exists()


def test_the_app_command_runs_in_the_project_virtualenv_without_activation(tmp_path: Path) -> None:
    # GIVEN a Python without aws_cdk (the system's `python3` of a shell where .venv is not activated)
    bare = tmp_path / "bare"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(bare)], check=True, timeout=120)
    python = bare / "bin" / "python"
    probe = subprocess.run([python, "-c", "import aws_cdk"], capture_output=True, timeout=60, check=False)
    assert probe.returncode != 0  # really a Python that lacks the CDK
    # WHEN cdk.json's app command runs with it
    env = _without_project_node_settings() | {"CDK_OUTDIR": str(tmp_path / "out")}
    command = [str(python), "app.py"]
    result = subprocess.run(command, cwd=PROJECT_ROOT, env=env, capture_output=True, text=True, timeout=300)
    # THEN app.py ran again in the project virtualenv and synthesized the stack
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "out" / "LabelChain.template.json").exists()

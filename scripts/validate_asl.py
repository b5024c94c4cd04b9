#!/usr/bin/env python3
"""Validate the synthesized state machine with statelint and asl-validator.

Renders ``build/asl.json`` from the template (``scripts/render_asl.py``), then runs
``statelint --ignore=FLOAT`` (CDK writes ``BackoffRate`` as an integer) and
``node_modules/.bin/asl-validator --json-path build/asl.json``. Exits non-zero if either reports a problem.

Usage: ``python scripts/validate_asl.py [TEMPLATE] [--out build/asl.json]``.
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "scripts"))

from render_asl import main as render_main  # noqa: E402


def statelint_command(asl_path: Path) -> list[str]:
    """The statelint call: the one next to this interpreter (the project venv), else the one on PATH."""
    local = Path(sys.executable).with_name("statelint")
    executable = str(local) if local.exists() else shutil.which("statelint") or "statelint"
    return [executable, "--ignore=FLOAT", str(asl_path)]


def asl_validator_command(asl_path: Path) -> list[str]:
    """The asl-validator call from the project's ``node_modules``."""
    return [str(ROOT / "node_modules" / ".bin" / "asl-validator"), "--json-path", str(asl_path)]


def validate(asl_path: Path) -> list[str]:
    """Run both validators on ``asl_path``; return one message per failing validator (empty: valid)."""
    failures = []
    for command in (statelint_command(asl_path), asl_validator_command(asl_path)):
        result = subprocess.run(command, capture_output=True, text=True, check=False)
        # statelint exits 0 even with findings on some versions: any output line is a finding.
        findings = result.stdout.strip() if Path(command[0]).name == "statelint" else ""
        if result.returncode != 0 or findings:
            failures.append(
                f"{Path(command[0]).name}: exit {result.returncode}\n{result.stdout}{result.stderr}"
            )
    return failures


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Render and validate the state machine ASL")
    parser.add_argument("template", nargs="?", type=Path, help="synthesized template (default: cdk.out)")
    parser.add_argument("--out", type=Path, default=Path("build/asl.json"), help="default: build/asl.json")
    args = parser.parse_args(argv)
    render_main([*([str(args.template)] if args.template else []), "--out", str(args.out)])
    failures = validate(args.out)
    for failure in failures:
        print(failure, file=sys.stderr)
    print(f"validate_asl: {'FAILED' if failures else 'OK'} ({args.out})")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())

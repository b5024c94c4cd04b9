"""Benchmark 5: the developer loop: ``cdk synth``, ``python app.py`` and (optionally) ``make test``.

Each command runs with the Makefile's offline environment (no telemetry, no version checks, jsii cache in
``.cache/jsii``). ``cdk synth --no-validation --quiet`` writes ``cdk.out`` (the sandbox benchmarks deploy
it); ``python app.py`` synthesizes into a temporary directory; ``make test`` is the whole offline suite.
"""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench.common import Section, emit, parser

ROOT = Path(__file__).resolve().parents[1]
#: pytest's final line: "3 failed, 120 passed, 2 skipped in 63.20s" (with or without "=" rules).
_SUMMARY = r"^=*\s*(\d+ (?:passed|failed|errors?|skipped|deselected|xfailed|xpassed)\b.* in [\d.]+s.*?)\s*=*$"
#: The variables the Makefile exports for every target.
MAKE_ENV = {
    "CDK_DISABLE_CLI_TELEMETRY": "true",
    "CDK_DISABLE_VERSION_CHECK": "1",
    "AWS_EC2_METADATA_DISABLED": "true",
    "PATH": f"{ROOT / 'node_modules' / '.bin'}{os.pathsep}{os.environ.get('PATH', '')}",
    "JSII_RUNTIME_PACKAGE_CACHE_ROOT": str(ROOT / ".cache" / "jsii"),
    "npm_config_update_notifier": "false",
    "PYTHONDONTWRITEBYTECODE": "1",
}


def timed(
    command: list[str], extra_env: dict[str, str] | None = None, check: bool = True, timeout: float = 3600
) -> tuple[float, str, int]:
    """Run ``command`` at the project root; returns (wall seconds, combined output, exit status).

    After ``timeout`` seconds (default 3600) the command's whole process group is terminated and the
    status is -15. Raises ``RuntimeError`` on a non-zero exit status when ``check`` (default true).
    """
    env = {**os.environ, **MAKE_ENV, **(extra_env or {})}
    started = time.perf_counter()
    with subprocess.Popen(
        command, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
        start_new_session=True,  # its own process group, so a hung test run can be ended as a whole
    ) as process:  # fmt: skip
        try:
            output, _ = process.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGTERM)
            output, _ = process.communicate()
            output += f"\ntimed out after {timeout:.0f} s"
    seconds = time.perf_counter() - started
    if check and process.returncode != 0:
        raise RuntimeError(f"{' '.join(command)} failed ({process.returncode}):\n{output[-3000:]}")
    return seconds, output, process.returncode


def synth_runs(repeat: int) -> dict[str, list[float]]:
    """Wall seconds of each synth run."""
    runs: dict[str, list[float]] = {"cdk": [], "app": []}
    cdk = [str(ROOT / "node_modules" / ".bin" / "cdk"), "synth", "--no-validation", "--quiet"]
    for _ in range(repeat):
        runs["cdk"].append(timed(cdk)[0])
        with tempfile.TemporaryDirectory(prefix="labelchain-synth-") as outdir:
            runs["app"].append(timed([sys.executable, "app.py"], {"CDK_OUTDIR": outdir})[0])
    return runs


def time_tests(timeout: float) -> dict[str, float | str]:
    """Wall seconds of ``make test``, its exit status and pytest's summary lines (a failure is reported)."""
    seconds, output, status = timed(["make", "--no-print-directory", "test"], check=False, timeout=timeout)
    summaries = re.findall(_SUMMARY, output, flags=re.MULTILINE)
    summary = (
        "; ".join(s.strip("= ") for s in summaries)
        or (output.strip().splitlines() or ["no output"])[-1][-200:]
    )
    return {"seconds": seconds, "status": status, "summary": summary}


def build(runs: dict[str, list[float]], tests: dict[str, float | str] | None) -> Section:
    """The section."""
    section = Section("dev_loop", "5. Developer loop (wall time)")
    for key, label in (("cdk", "`cdk synth --no-validation --quiet`"), ("app", "`python app.py` synth")):
        times = runs[key]
        section.add(label, round(min(times), 1), "s", ratio="runs: " + ", ".join(f"{t:.1f} s" for t in times))
    if tests is not None:
        passed = tests["status"] == 0
        outcome = str(tests["summary"]) if passed else f"FAILED (exit {tests['status']}): {tests['summary']}"
        section.add("`make test`", round(float(tests["seconds"]), 1), "s", "passes", outcome, passed)
    else:
        section.notes.append("`make test` was not timed (`--quick` run).")
    section.notes.append(
        "Both synths run cdk-nag and skip CDK's built-in CloudFormation validator (cfn-lint covers it). "
        "The CLI runs `python app.py` itself (the `app` of `cdk.json`): the difference is the CLI's own cost."
    )
    return section


def main(argv: list[str] | None = None) -> None:
    """Run the benchmark and print the figures."""
    args = parser(__doc__.splitlines()[0])
    args.add_argument("--repeat", type=int, default=2, help="runs of each synth (default 2)")
    args.add_argument("--with-tests", action="store_true", help="also time `make test` (minutes)")
    args.add_argument("--test-timeout", type=float, default=3600, help="seconds before `make test` is ended")
    ns = args.parse_args(argv)
    runs = synth_runs(ns.repeat)
    emit(build(runs, time_tests(ns.test_timeout) if ns.with_tests else None), ns.json)


if __name__ == "__main__":
    main()

"""Run every benchmark, then write ``bench/results.json`` and the Performance section of ``README.md``.

``make bench`` runs this. Each benchmark runs in its own process (the sandbox ones patch moto globally);
a failing benchmark is reported in its section and makes the exit status 1, the others still run.
``--quick`` skips ``make test`` and the measured 30-day polling run (it is extrapolated instead).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from bench.common import Section, markdown

ROOT = Path(__file__).resolve().parents[1]
README = ROOT / "README.md"
RESULTS = ROOT / "bench" / "results.json"
START, END = "<!-- bench:start -->", "<!-- bench:end -->"
HEADING = "## Performance"
#: (module, title, arguments of a full run, arguments with --quick); dev_loop first: it synthesizes cdk.out.
BENCHMARKS: tuple[tuple[str, str, list[str], list[str]], ...] = (
    ("dev_loop", "5. Developer loop", ["--with-tests"], []),
    ("orchestration", "1. Orchestration cost per labeling job", ["--measure-30d"], []),
    ("latency", "2. Completion latency", [], []),
    ("manifest_throughput", "3. Manifest throughput and memory", [], []),
    ("cold_start", "4. Cold start and asset size", [], []),
)


def run_one(module: str, title: str, extra: list[str], scratch: Path) -> tuple[Section, float]:
    """Run ``bench.<module>``; returns its section (or one describing the failure) and its wall time."""
    out = scratch / f"{module}.json"
    print(f"\n>>> bench.{module} {' '.join(extra)}", flush=True)
    started = time.perf_counter()
    completed = subprocess.run(
        [sys.executable, "-m", f"bench.{module}", "--json", str(out), *extra], cwd=ROOT
    )
    seconds = time.perf_counter() - started
    if completed.returncode == 0 and out.exists():
        return Section.from_dict(json.loads(out.read_text())), seconds
    failed = Section(module, title)
    failed.notes.append(
        f"The benchmark failed (exit status {completed.returncode}); see `make bench` output."
    )
    return failed, seconds


def environment(load_before: tuple[float, float, float]) -> dict[str, Any]:
    """Where and when the figures were taken."""
    return {
        "generatedAt": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "python": platform.python_version(),
        "platform": platform.platform(terse=True),
        "cpus": os.cpu_count(),
        "loadAverage1mBefore": round(load_before[0], 2),
        "loadAverage1mAfter": round(os.getloadavg()[0], 2),
    }


def readme_section(sections: list[Section], env: dict[str, Any], quick: bool, only: list[str] | None) -> str:
    """The markdown written between the markers."""
    ordered = sorted(sections, key=lambda s: s.title)
    how = f"`bench/run_all.py --only {' '.join(only)}` (other sections from the previous run)" if only else ""
    intro = (
        f"Measured by {how or '`make bench`'} on {env['generatedAt'][:10]} ({env['cpus']} CPUs, "
        f"Python {env['python']}, 1-minute load average {env['loadAverage1mBefore']} → "
        f"{env['loadAverage1mAfter']}{'; `--quick`' if quick else ''}). Figures come from the offline "
        "sandbox and local processes; "
        "raw values are in `bench/results.json`. ✅ = goal met, ❌ = missed (the notes give the cause)."
    )
    return "\n".join([START, intro, "", *[markdown(s) for s in ordered], END])


def write_readme(block: str) -> None:
    """Replace the text between the markers, or append ``## Performance`` with them."""
    text = README.read_text()
    if START in text and END in text:
        head, rest = text.split(START, 1)
        text = head + block + rest.split(END, 1)[1]
    else:
        text = text.rstrip("\n") + f"\n\n{HEADING}\n\n{block}\n"
    README.write_text(text)


def main(argv: list[str] | None = None) -> int:
    """Run the benchmarks; returns the exit status."""
    args = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    args.add_argument("--quick", action="store_true", help="skip `make test` and the 30-day polling run")
    args.add_argument("--only", nargs="+", choices=[b[0] for b in BENCHMARKS], help="run only these")
    ns = args.parse_args(argv)
    load_before = os.getloadavg()
    sections, timings = [], {}
    with tempfile.TemporaryDirectory(prefix="labelchain-bench-") as scratch:
        for module, title, full_args, quick_args in BENCHMARKS:
            if ns.only and module not in ns.only:
                continue
            section, timings[module] = run_one(
                module, title, quick_args if ns.quick else full_args, Path(scratch)
            )
            sections.append(section)
    if ns.only and RESULTS.exists():  # keep the other benchmarks' last figures
        fresh = {s.key for s in sections}
        previous = [Section.from_dict(d) for d in json.loads(RESULTS.read_text()).get("sections", [])]
        sections += [s for s in previous if s.key not in fresh]
    env = environment(load_before)
    results = {
        **env,
        "quick": ns.quick,
        "benchmarkSeconds": timings,
        "sections": [s.to_dict() for s in sections],
    }
    RESULTS.write_text(json.dumps(results, indent=2, ensure_ascii=False) + "\n")
    write_readme(readme_section(sections, env, ns.quick, ns.only))
    print(f"\nWrote {RESULTS.relative_to(ROOT)} and the {HEADING!r} section of README.md")
    return 0 if all(s.figures for s in sections) else 1


if __name__ == "__main__":
    sys.exit(main())

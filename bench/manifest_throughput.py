"""Benchmark 3: manifest throughput and memory, labelchain's streaming code vs a bare ``json.loads`` loop.

For 10k, 100k and 1M lines, generated input and output manifests (bounding boxes, label attribute
``category``) are read line by line from disk by four workloads, each in a fresh Python process
(``manifest_workloads.py``): ``ManifestValidator`` (validation and normalisation, duplicate detection
included), ``count_output_manifest``, and a bare ``json.loads`` loop over each file (the practical limit of
a pure Python line parser). Each child keeps the best of up to three timed passes (one for 1M lines), then
repeats the work under ``tracemalloc`` for the peak of Python allocations; the RSS growth (``ru_maxrss``)
of the first pass is reported too.
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
from pathlib import Path

from bench.common import Section, emit, parser
from bench.manifest_workloads import WORKLOADS, write_files

SIZES = (10_000, 100_000, 1_000_000)
FLAT_FACTOR = 1.5  # "flat": peak at any size within 1.5x the 10k peak


def _spawn(workload: str, path: Path, lines: int) -> dict[str, float]:
    command = [sys.executable, "-m", "bench.manifest_workloads", workload, str(path), str(lines)]
    completed = subprocess.run(command, capture_output=True, text=True, check=True)
    return dict(json.loads(completed.stdout.strip().splitlines()[-1]))


Results = dict[int, dict[str, dict[str, float]]]


def measure(sizes: tuple[int, ...]) -> tuple[Results, dict[str, float]]:
    """Every workload at every size (``{size: {workload: figures}}``) and the validator's step costs."""
    results: Results = {}
    steps: dict[str, float] = {}
    with tempfile.TemporaryDirectory(prefix="labelchain-bench-") as scratch:
        for lines in sizes:
            source, output = write_files(Path(scratch), lines)
            paths = {"validate": source, "bare-input": source, "count": output, "bare-output": output}
            results[lines] = {name: _spawn(name, paths[name], lines) for name in WORKLOADS}
            if lines == sorted(sizes)[len(sizes) // 2]:
                steps = {"lines": lines, **_spawn("steps", source, lines)}
            source.unlink()
            output.unlink()
    return results, steps


def _step_note(steps: dict[str, float]) -> str:
    total, parse, encode = steps["validator"], steps["json.loads"], steps["json.dumps (normalised line)"]
    named = {k: v for k, v in steps.items() if k not in ("lines", "validator")}
    shares = ", ".join(f"{name} {seconds / total:.0%}" for name, seconds in named.items())
    return (
        f"Where the validator's CPU goes ({steps['lines']:,.0f} lines in memory, each step timed alone): "
        f"{shares}; the rest is per-line checks and generator overhead. Re-encoding each line as compact "
        f"JSON (the normalised manifest Ground Truth reads) costs {encode / parse:.1f}x its parse, so "
        "validation cannot come near the bare parse loop while it normalises."
    )


def build(results: Results, steps: dict[str, float]) -> Section:
    """The section: throughput with its ratio to the bare loop, and memory against the smallest size."""
    section = Section("manifest", "3. Manifest throughput and memory")
    smallest = min(results)
    pairs = (
        ("validate", "bare-input", "ManifestValidator"),
        ("count", "bare-output", "count_output_manifest"),
    )
    for code, bare, label in pairs:
        for lines, runs in results.items():
            rate, limit = lines / runs[code]["cpuSeconds"], lines / runs[bare]["cpuSeconds"]
            section.add(
                f"{label}, {lines:,} lines: throughput", round(rate), "lines/CPU-s",
                ratio=f"{rate / limit:.2f}x bare loop ({limit:,.0f} lines/CPU-s)",
            )  # fmt: skip
        for lines, runs in results.items():
            peak, base, bare_peak = (runs[code]["tracedPeakMb"], results[smallest][code]["tracedPeakMb"],
                                     runs[bare]["tracedPeakMb"])  # fmt: skip
            section.add(
                f"{label}, {lines:,} lines: traced peak (RSS growth {runs[code]['rssGrowthMb']:.1f} MB)",
                round(peak, 2), "MB", f"flat (≤ {FLAT_FACTOR}x the {smallest:,}-line peak)",
                f"{peak / base:.1f}x the {smallest:,}-line peak; bare loop {bare_peak:.2f} MB",
                lines == smallest or peak <= base * FLAT_FACTOR,
            )  # fmt: skip
    largest, runs = max(results), results[max(results)]
    per_object = (
        (runs["validate"]["tracedPeakMb"] - results[smallest]["validate"]["tracedPeakMb"])
        * 2**20
        / (largest - smallest)
    )
    section.notes += [_step_note(steps)] if steps else []
    section.notes += [
        f"ManifestValidator memory is not flat: it grows by ~{per_object:.0f} bytes per object. The cause is "
        "the duplicate detector `_seen: dict[bytes, int]` in `core/manifest.py`: per object a 16-byte "
        "blake2b digest held as a bytes object (~49 bytes), the first line number as an int object and a "
        "dict slot. The default `max_objects` (100,000, the Ground Truth input quota) bounds it to "
        f"~{per_object * 100_000 / 2**20:.0f} MB; everything else is streamed.",
        "A leaner detector would keep 8-byte digests in an `array('Q')` or a set of ints and find the first "
        "line of a duplicate with a second pass only on the (rare) failure path: ~8-60 bytes per object.",
        "Lines come from plain file iteration in every workload; the handlers read S3 through "
        "`split_lines(iter_chunks())`, which this benchmark does not include. Throughput is per CPU "
        "second of the child process, so that other load on the machine does not distort it.",
    ]
    return section


def main(argv: list[str] | None = None) -> None:
    """Run the benchmark (or, with ``--child``, one workload) and print the figures."""
    args = parser(__doc__.splitlines()[0])
    args.add_argument("--sizes", type=int, nargs="+", default=list(SIZES), help="lines per manifest")
    ns = args.parse_args(argv)
    emit(build(*measure(tuple(ns.sizes))), ns.json)


if __name__ == "__main__":
    main()

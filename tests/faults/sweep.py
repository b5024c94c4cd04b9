"""Fault sweep: the pipeline must survive any single fault, at any call site (``make faults``).

    python -m tests.faults.sweep [--seed N] [--random 50] [--workers 2] [--only RUN_ID ...] [--json PATH]

1. The stack is synthesized once (``build/fault-sweep/cdk.out``, cdk-nag off: it is tested elsewhere).
2. Each scenario (``main``, ``control``: see :mod:`tests.faults.scenarios`) runs once without a fault; every
   boto3 call its handlers made and every handler it invoked is a call site.
3. Every site x every kind (``transient``, ``crash``, ``timeout``: :mod:`tests.faults.injection`) runs in
   its scenario, then ``--random`` double-fault runs drawn with ``--seed``; each run in a fresh sandbox, in
   ``--workers`` processes (moto's backends are process-wide), each run checked against the invariants
   (:mod:`tests.faults.invariants`).
4. A table ``site x fault -> outcome`` (or the violations), the violations grouped by invariant and site,
   the rows as JSON (``--json``), and a last line
   ``fault sweep: <runs> runs, <sites> sites, <violations> invariant violations``; exit status 1 when
   any invariant was violated.

Rerun one run with ``--only <run id>`` (and the same ``--seed`` for a ``random-NNN`` run).
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import re
import sys
import time
from collections import Counter, defaultdict
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from tests.faults.injection import KINDS, Site
from tests.faults.plan import (
    DEFAULT_RANDOM_RUNS,
    DEFAULT_SEED,
    baseline,
    init_worker,
    plan,
    run_id,
    run_in_worker,
    sites_of,
)
from tests.faults.scenarios import SCENARIOS, RunResult, RunSpec

ROOT = Path(__file__).resolve().parents[2]
BUILD = ROOT / "build"


def synthesize(outdir: Path) -> Path:
    """Synthesize the sweep's stack (the reliability tests' context) into ``outdir``."""
    from stacks.app_builder import build_app
    from tests.reliability.reliability_stack import reliability_context

    outdir.mkdir(parents=True, exist_ok=True)
    app, _stack = build_app(reliability_context(), nag=False, outdir=str(outdir))
    app.synth()
    return outdir


def _err(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def run_all(specs: Sequence[RunSpec], assembly: Path, workers: int, reuse: bool = True) -> list[RunResult]:
    """Run ``specs`` in ``workers`` spawned processes (in this process when ``workers`` is 0)."""
    if workers == 0:
        init_worker(str(assembly), reuse)
        return [run_in_worker(spec) for spec in specs]
    results: list[RunResult] = []
    context = multiprocessing.get_context("spawn")
    started = time.monotonic()
    with context.Pool(workers, initializer=init_worker, initargs=(str(assembly), reuse)) as pool:
        for result in pool.imap_unordered(run_in_worker, specs, chunksize=1):
            results.append(result)
            if len(results) % 25 == 0 or len(results) == len(specs):
                _err(f"  {len(results)}/{len(specs)} runs, {time.monotonic() - started:.0f} s")
    order = {spec.run_id: index for index, spec in enumerate(specs)}
    return sorted(results, key=lambda r: order[r.run_id])


# --- report -----------------------------------------------------------------------------------------
_JOB_NAME = re.compile(r"\b([a-z0-9]+-[a-z0-9-]+-\d{4}c?)-[0-9a-f]{8}\b")
_MONEY = re.compile(r"\b\d+\.\d{6}\b")


def normalized(violation: str) -> str:
    """A violation without the per-run parts (batch hashes in job names, amounts), to group equal ones."""
    return _MONEY.sub("*", _JOB_NAME.sub(r"\1-*", violation))


def cell(result: RunResult | None) -> str:
    if result is None:
        return "-"
    if result.violations:
        names = sorted({v.split(" ", 1)[0] for v in result.violations})
        text = f"FAIL {','.join(names)} ({len(result.violations)})"
    else:
        text = "ok " + result.outcome.replace("exec ", "").replace(" jobs ", " | ")
    if len(result.fired) < len(result.faults):
        reached = (
            "not reached"
            if len(result.faults) == 1
            else f"{len(result.fired)} of {len(result.faults)} reached"
        )
        text += f" [{reached}]"
    return text


def table(results: Sequence[RunResult], sites: dict[str, list[Site]]) -> list[str]:
    """The ``site x fault`` matrix of each scenario."""
    by_id = {r.run_id: r for r in results}
    lines = []
    for scenario in SCENARIOS:
        rows = [
            (str(site), [cell(by_id.get(run_id(scenario, site, kind))) for kind in KINDS])
            for site in sites.get(scenario, [])
            if any(run_id(scenario, site, kind) in by_id for kind in KINDS)
        ]
        if not rows:
            continue
        width = max(len(site) for site, _ in rows)
        cells = [max(len(kind), *(len(c[i]) for _, c in rows)) for i, kind in enumerate(KINDS)]
        base = by_id.get(f"{scenario}/baseline")
        lines.append("")
        lines.append(f"scenario {scenario}" + (f" (baseline: {cell(base)})" if base else ""))
        lines.append(
            "  ".join([f"{'site':<{width}}", *(f"{k:<{w}}" for k, w in zip(KINDS, cells, strict=True))])
        )
        for site, row in rows:
            lines.append(
                "  ".join([f"{site:<{width}}", *(f"{c:<{w}}" for c, w in zip(row, cells, strict=True))])
            )
    randoms = [r for r in results if r.run_id.startswith("random-")]
    if randoms:
        lines.append("")
        lines.append("random double faults")
        for result in randoms:
            lines.append(f"{result.run_id}  {cell(result):<28}  {'; '.join(result.faults)}")
    return lines


def _where(result: RunResult) -> str:
    """The faulted site of a single-fault run (random runs and baselines are grouped as such)."""
    if result.run_id.startswith("random-"):
        return "(random double faults)"
    return result.faults[0].split(" -> ")[0] if result.faults else "(no fault)"


def violations_report(results: Sequence[RunResult]) -> list[str]:
    """Every violation per run, then grouped by invariant and (first) faulted site."""
    lines: list[str] = []
    failing = [r for r in results if r.violations]
    if not failing:
        return lines
    lines += ["", "violations by run"]
    for result in failing:
        lines.append(f"{result.run_id}  [{'; '.join(result.faults) or 'no fault'}]  {result.outcome}")
        lines += [f"    {v}" for v in result.violations]
    groups: dict[str, dict[str, set[str]]] = defaultdict(lambda: defaultdict(set))
    runs: Counter[tuple[str, str]] = Counter()
    for result in failing:
        where = f"{result.scenario}: {_where(result)}"
        for invariant in {v.split(" ", 1)[0] for v in result.violations}:
            runs[(invariant, where)] += 1
        for violation in result.violations:
            groups[violation.split(" ", 1)[0]][where].add(normalized(violation))
    lines += ["", "violations by invariant and site"]
    for invariant in sorted(groups):
        count = sum(1 for r in failing for v in r.violations if v.split(" ", 1)[0] == invariant)
        lines.append(f"{invariant}: {count} violation(s) at {len(groups[invariant])} site(s)")
        for where in sorted(groups[invariant]):
            lines.append(f"    {where} ({runs[(invariant, where)]} run(s)):")
            lines += [f"        {text}" for text in sorted(groups[invariant][where])]
    return lines


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tests.faults.sweep", description=__doc__.split("\n")[0])
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED, help="seed of the random double faults")
    parser.add_argument("--random", type=int, default=DEFAULT_RANDOM_RUNS, help="number of double-fault runs")
    parser.add_argument("--workers", type=int, default=2, help="worker processes (0: this process)")
    parser.add_argument("--only", action="append", default=[], metavar="RUN_ID", help="run only these runs")
    parser.add_argument(
        "--json", type=Path, default=BUILD / "fault-sweep.json", help="where to write the rows"
    )
    parser.add_argument("--assembly", type=Path, help="an existing cloud assembly (default: synthesize one)")
    parser.add_argument(
        "--fresh",
        action="store_true",
        help="a fresh sandbox per run (default: one per worker, reset per run)",
    )
    args = parser.parse_args(argv)

    started = time.monotonic()
    print(f"fault sweep: seed {args.seed} (rerun one run: --only <run id> --seed {args.seed})", flush=True)
    assembly = args.assembly or synthesize(BUILD / "fault-sweep" / "cdk.out")
    _err(f"  synthesized in {time.monotonic() - started:.0f} s; discovering call sites")
    baselines = run_all([baseline(s) for s in SCENARIOS], assembly, args.workers, not args.fresh)
    sites = sites_of(baselines)
    specs = plan(sites, args.seed, args.random)
    if args.only:
        wanted = set(args.only)
        unknown = wanted - {s.run_id for s in specs} - {b.run_id for b in baselines}
        if unknown:
            _err(f"unknown run id(s): {', '.join(sorted(unknown))}")
            return 2
        baselines = [b for b in baselines if b.run_id in wanted]
        specs = [s for s in specs if s.run_id in wanted]
    _err(f"  {sum(len(v) for v in sites.values())} sites; {len(specs)} runs in {args.workers} worker(s)")
    results = baselines + run_all(specs, assembly, args.workers, not args.fresh)

    for line in table(results, sites) + violations_report(results):
        print(line)
    violations = sum(len(r.violations) for r in results)
    elapsed = time.monotonic() - started
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        document: dict[str, Any] = {
            "seed": args.seed,
            "seconds": round(elapsed, 1),
            "sites": {scenario: [str(s) for s in found] for scenario, found in sites.items()},
            "runs": [r.to_dict() for r in results],
        }
        args.json.write_text(json.dumps(document, indent=1) + "\n")
        print(f"\nrows written to {args.json} ({elapsed:.0f} s)")
    print(
        f"fault sweep: {len(results)} runs, {sum(len(v) for v in sites.values())} sites, "
        f"{violations} invariant violations"
    )
    return 1 if violations else 0


if __name__ == "__main__":
    sys.exit(main())

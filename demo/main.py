"""The offline demo (``make demo`` / ``labelchain demo`` / ``python -m demo``): the AWS blog's
warm-start experiment replayed through the deployed pipeline in the local sandbox.

1. Start the sandbox (seeded) and deploy the synthesized ``cdk.out``.
2. Upload 2,500 generated PNG images in two halves; the second half gets the calibrated difficulty.
3. Upload batch 1 under ``incoming/birds/``: job 1 runs cold.
4. Start batch 2 from the console input ``{"chain", "manifest", "control": true}``: job 2 warm-starts from
   job 1's final model while a cold control job labels the same manifest.
5. Print the comparison, check it against the blog, write ``result.json`` and the chain report.

Exit code 0 when every execution succeeded and every check passed, else 1.
"""

from __future__ import annotations

import argparse
import json
import time
import urllib.request
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from rich.console import Console

from labelchain_cli.output import console as cli_console

from .chart import draw_summary
from .checks import Check, blog_checks, pipeline_checks
from .figures import deltas, to_json
from .output import SHOWCASE_PNG, show, write_result
from .run import DemoRun

DEFAULT_OUT = Path("demo-output")
SUMMARY_PNG = "demo-summary.png"
DEFAULT_MS_PER_SIMULATED_HOUR = 500.0
#: The monitor's 15-minute schedule fires at most every 4 real seconds: a few progress snapshots per job
#: for the report, without a monitor Lambda running back to back next to the jobs' own Lambdas.
SCHEDULE_MIN_REAL_SECONDS = 4.0


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    """The demo's options (all optional)."""
    parser = argparse.ArgumentParser(prog="labelchain demo", description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--cdk-out", type=Path, default=Path("cdk.out"), help="cloud assembly (default cdk.out)"
    )
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help="output folder (default demo-output)")
    parser.add_argument("--seed", type=int, default=0, help="seed of the simulation (default 0)")
    parser.add_argument(
        "--ms-per-sim-hour",
        type=float,
        default=DEFAULT_MS_PER_SIMULATED_HOUR,
        help="real milliseconds per simulated hour (default 500: job 1 takes about 4.5 s)",
    )
    parser.add_argument("--chain", default="birds", help="chain to label (default birds)")
    return parser.parse_args(list(argv) if argv is not None else None)


def _seed_moto(endpoint_url: str, seed: int) -> None:
    # moto's own random source names the stack's resources: seeding it keeps bucket names (and therefore
    # every image URI the simulated workforce hashes) the same from run to run.
    request = urllib.request.Request(f"{endpoint_url}/moto-api/seed?a={seed}", method="POST")
    with urllib.request.urlopen(request, timeout=10):
        pass


def run(args: argparse.Namespace, console: Console, result: dict[str, Any]) -> list[Check]:
    """Everything between the sandbox start and the verdict; fills ``result`` as it goes."""
    from sandbox.server import Sandbox
    from sandbox.settings import SandboxSettings

    settings = SandboxSettings(
        ms_per_simulated_hour=args.ms_per_sim_hour,
        seed=args.seed,
        schedule_min_real_seconds=SCHEDULE_MIN_REAL_SECONDS,
    )
    with Sandbox(settings) as sandbox:
        _seed_moto(sandbox.endpoint_url, args.seed)
        demo = DemoRun(sandbox, args.chain, console, result["timings"])
        demo.deploy(args.cdk_out)
        result["stack"] = {"name": demo.stack.stack_name, "outputs": demo.stack.outputs}
        halves = demo.prepare_dataset(args.out / "manifests")
        demo.upload(halves[0], args.seed)
        job1 = demo.run_batch_1(halves[0], halves[1], args.seed)
        demo.check_uploaded(halves)
        batch2 = demo.run_batch_2(halves[1])
        result["executions"] = {"batch1": job1.status, "batch2": batch2.status}
        result["progress"] = {**job1.samples, **batch2.samples}
        jobs, head_model, recorded = demo.collect()
        delta = deltas(jobs["job2"], jobs["control"])
        checks = [
            Check(
                "every execution SUCCEEDED",
                job1.status == batch2.status == "SUCCEEDED",
                f"batch 1 {job1.status}, batch 2 {batch2.status}",
            ),
            *pipeline_checks(jobs, head_model),
            *blog_checks(jobs),
        ]
        result.update(to_json(jobs, delta, checks))
        result["comparisonRecord"] = recorded
        show(console, jobs, delta, recorded, checks)
        files = demo.report(args.out / "report")
        result["report"] = {name: str(path) for name, path in files.items()}
        result["summaryPng"] = str(draw_summary(jobs, result["progress"], args.out / SUMMARY_PNG))
    return checks


def main(argv: Sequence[str] | None = None) -> int:
    """Run the demo; returns the exit code (0 = every execution succeeded and every check passed)."""
    args = parse_args(argv)
    console = cli_console()
    started = time.monotonic()
    result: dict[str, Any] = {
        "seed": args.seed,
        "msPerSimulatedHour": args.ms_per_sim_hour,
        "chain": args.chain,
        "timings": {},
    }
    checks: list[Check] = []
    try:
        checks = run(args, console, result)
    except Exception as err:  # any failure ends the demo with its reason, a result file and exit 1
        result["error"] = f"{type(err).__name__}: {err}"
        console.print(f"[bold red]demo failed:[/] {result['error']}")
    ok = "error" not in result and bool(checks) and all(check.ok for check in checks)
    result["ok"] = ok
    result["wallSeconds"] = round(time.monotonic() - started, 1)
    path = write_result(args.out / "result.json", result)
    console.print()
    if "report" in result:
        console.print(f"Report: {result['report']['index.html']}")
        console.print(f"Warm vs control chart: {result['report'][SHOWCASE_PNG]}")
    if "summaryPng" in result:
        console.print(f"Summary picture: {result['summaryPng']}")
    console.print(f"Result: {path}")
    verdict = "[bold green]demo passed[/]" if ok else "[bold red]demo FAILED[/]"
    console.print(f"{verdict} in {result['wallSeconds']:.1f} s wall time ({json.dumps(result['timings'])})")
    return 0 if ok else 1

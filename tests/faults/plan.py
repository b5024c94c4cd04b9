"""Which runs a sweep makes, and how a worker process runs one.

* baselines: each scenario once without a fault; the call sites it reached are the sites of the sweep;
* single faults: every site of a scenario x every kind (``main/record/dynamodb.UpdateItem#2/crash``);
* random double faults: two distinct sites of one scenario with a kind each, drawn with a fixed seed
  (``random-007``).

A ``transient`` fault of a single-fault run answers with the service's throttling error (the answer the
handlers must retry; SageMaker's ``ThrottlingException`` is also the one they map to
``LabelingJobThrottled``); the double-fault runs draw between it and a 5xx answer (for an ``invoke`` site
between ``Lambda.ServiceException`` and ``Lambda.TooManyRequestsException``).
"""

from __future__ import annotations

import atexit
import os
import random
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

from tests.faults.injection import KINDS, Fault, Site, sorted_sites
from tests.faults.scenarios import SCENARIOS, RunResult, RunSpec

DEFAULT_SEED = 20261205
DEFAULT_RANDOM_RUNS = 50


def baseline(scenario: str) -> RunSpec:
    return RunSpec(f"{scenario}/baseline", scenario)


def run_id(scenario: str, site: Site, kind: str) -> str:
    call = "invoke" if site.is_invoke else f"{site.service}.{site.operation}#{site.ordinal}"
    return f"{scenario}/{site.handler}/{call}/{kind}"


def single_fault_runs(scenario: str, sites: Sequence[Site]) -> list[RunSpec]:
    """Every site x every kind."""
    return [
        RunSpec(run_id(scenario, site, kind), scenario, (Fault(site, kind),))
        for site in sorted_sites(sites)
        for kind in KINDS
    ]


def random_runs(sites: Mapping[str, Sequence[Site]], seed: int, count: int) -> list[RunSpec]:
    """``count`` double-fault runs: a scenario (in turn), then two distinct sites of it, a kind and a
    variant each."""
    rng = random.Random(seed)
    runs = []
    for index in range(count):
        scenario = SCENARIOS[index % len(SCENARIOS)]
        pair = rng.sample(sorted_sites(sites[scenario]), 2)
        faults = tuple(Fault(site, rng.choice(KINDS), rng.randrange(2)) for site in pair)
        runs.append(RunSpec(f"random-{index:03d}", scenario, faults))
    return runs


def plan(sites: Mapping[str, Sequence[Site]], seed: int, random_count: int) -> list[RunSpec]:
    """Every run of a sweep after the baselines: single faults of each scenario, then the random ones."""
    runs = [run for scenario in SCENARIOS for run in single_fault_runs(scenario, sites[scenario])]
    return runs + random_runs(sites, seed, random_count)


def sites_of(results: Iterable[RunResult]) -> dict[str, list[Site]]:
    """The sites each baseline reached, by scenario."""
    return {r.scenario: sorted_sites(Site.parse(s) for s in r.sites) for r in results}


# --- worker processes (multiprocessing, spawn) ------------------------------------------------------
_WORKER: dict[str, Any] = {}


def init_worker(assembly: str, reuse: bool = True) -> None:
    """Prepare a worker process: fake credentials, Powertools quiet, the assembly to deploy; with ``reuse``
    the stack is deployed once in this process and reset between runs (else a fresh sandbox per run)."""
    from sandbox.harness import prepare_process_environment

    prepare_process_environment()
    os.environ["POWERTOOLS_LOG_LEVEL"] = "CRITICAL"  # read when the handler modules are imported
    _WORKER.update(assembly=assembly, reuse=reuse)


def run_in_worker(spec: RunSpec) -> RunResult:
    """Run ``spec`` in this worker process."""
    from tests.faults.scenarios import Stack, quiet_process, run

    if not _WORKER["reuse"]:
        return run(spec, Path(_WORKER["assembly"]))
    if "stack" not in _WORKER:
        with quiet_process():
            _WORKER["stack"] = Stack(_WORKER["assembly"])
        atexit.register(_WORKER["stack"].close)
    return run(spec, _WORKER["stack"])

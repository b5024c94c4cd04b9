"""A representative slice of the fault sweep (``make faults`` runs all of it): any single fault, anywhere,
leaves the pipeline's promises intact.

For each handler of a scenario, one site per fault kind, taken from the sites the fault-free run reached:
``transient`` at the handler's first write (a throttling or 5xx answer the SDK's retries did not absorb),
``crash`` at its last write (done, then the container dies) and ``timeout`` at the invocation itself (the
handler finished, the caller sees a timeout). Each run is checked against every invariant of
:mod:`tests.faults.invariants`.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.faults.injection import Fault, Site
from tests.faults.plan import run_id
from tests.faults.scenarios import RunResult, RunSpec, run

WRITES = ("Put", "Update", "Create", "Send", "Transact", "Publish", "Delete", "Stop", "Start", "BatchWrite")
HANDLERS = {
    "main": ("prepare", "start", "job_state_changed", "record", "monitor"),
    "control": ("compare",),
}
CASES = [
    (scenario, handler, kind)
    for scenario, handlers in HANDLERS.items()
    for handler in handlers
    for kind in ("transient", "crash", "timeout")
]


def representative_site(sites: list[Site], handler: str, kind: str) -> Site:
    """``transient``: the handler's first write; ``crash``: its last write; ``timeout``: its invocation."""
    if kind == "timeout":
        return Site(handler)
    writes = [s for s in sites if s.handler == handler and not s.is_invoke and s.operation.startswith(WRITES)]
    assert writes, f"{handler} made no write in the fault-free run: {sites}"
    return writes[0] if kind == "transient" else writes[-1]


@pytest.mark.parametrize("scenario", ["main", "control"])
def test_the_fault_free_run_keeps_every_invariant_and_reaches_every_handler(
    baselines: dict[str, RunResult], scenario: str
) -> None:
    # GIVEN the scenario played without a fault WHEN it settled
    result = baselines[scenario]
    # THEN every invariant holds and every handler of the scenario was invoked (so each has sites)
    assert result.violations == []
    invoked = {s.split(":")[0] for s in result.sites if s.endswith(": invoke")}
    assert set(HANDLERS[scenario]) <= invoked, result.sites


@pytest.mark.parametrize(
    ("scenario", "handler", "kind"), [pytest.param(*case, id="-".join(case)) for case in CASES]
)
def test_a_single_fault_breaks_no_invariant(
    fault_assembly: Path, discovered_sites: dict[str, list[Site]], scenario: str, handler: str, kind: str
) -> None:
    # GIVEN the handler's representative site for this fault kind, from the fault-free run's call sites
    sites = discovered_sites[scenario]
    site = representative_site(sites, handler, kind)
    fault = Fault(site, kind)
    # WHEN the scenario is played with the fault injected the first time the run reaches that site
    result = run(RunSpec(run_id(scenario, site, kind), scenario, (fault,)), fault_assembly)
    # THEN the fault struck, and after the monitor settled every invariant holds
    assert result.fired == [str(fault)], f"{fault} was never reached"
    assert result.violations == [], f"{fault}: {result.outcome}\n" + "\n".join(result.violations)

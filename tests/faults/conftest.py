"""Fault sweep tier (``make faults`` runs the whole sweep; ``make test`` runs a representative subset).

The stack is synthesized once per session with the reliability tests' context; each run deploys it into a
fresh ``mock_sandbox`` in this process (a reused sandbox would outlive other tests' ``mock_aws``).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from labelchain_fn.adapters import clients, settings

from sandbox.harness import prepare_process_environment
from tests.faults.injection import Site
from tests.faults.plan import baseline, sites_of
from tests.faults.scenarios import SCENARIOS, RunResult, run
from tests.faults.sweep import synthesize

prepare_process_environment()


def pytest_configure(config: pytest.Config) -> None:
    # moto warns once per resource type its CloudFormation does not create (alarms, bucket policies).
    config.addinivalue_line("filterwarnings", "ignore:Tried to parse .* not supported:UserWarning")
    config.addinivalue_line("filterwarnings", "ignore:No application metrics to publish:UserWarning")


@pytest.fixture(scope="session")
def fault_assembly(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The synthesized cloud assembly the runs deploy (cdk-nag off: tested elsewhere)."""
    return synthesize(tmp_path_factory.mktemp("fault-sweep") / "cdk.out")


@pytest.fixture(scope="session")
def baselines(fault_assembly: Path) -> dict[str, RunResult]:
    """Each scenario run once without a fault (its call sites are the sites faults are injected at)."""
    return {scenario: run(baseline(scenario), fault_assembly) for scenario in SCENARIOS}


@pytest.fixture(scope="session")
def discovered_sites(baselines: dict[str, RunResult]) -> dict[str, list[Site]]:
    return sites_of(baselines.values())


@pytest.fixture(scope="module", autouse=True)
def _forget_handler_clients() -> Iterator[None]:
    """The runs keep the handlers' boto3 clients between them (fast); other test modules get fresh ones."""
    yield
    settings.reset()
    clients.reset()

"""End-to-end tests: the project's synthesized stack deployed into one server-mode sandbox per session.

Run them in their own pytest process::

    .venv/bin/pytest tests/e2e

The sandbox is a moto server in this process with the real Lambda handlers in subprocesses and the
simulated Ground Truth. moto keeps its state in process-wide backends, so a ``mock_aws`` test collected in
the same session would reset them under the running server: when other tests were collected too, these
skip themselves. ``cdk.out`` is synthesized first when it is missing.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from e2e_harness import Harness

from demo.synth import ensure_assembly
from sandbox.deploy import deploy
from sandbox.server import Sandbox
from sandbox.settings import SandboxSettings

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
CDK_OUT = ROOT / "cdk.out"
SKIP_REASON = "end-to-end tests run in their own process: pytest tests/e2e"
#: 50 ms per simulated hour: a 1,250-object job (about 9 simulated hours) takes half a second.
MS_PER_SIMULATED_HOUR = 50
SEED = 0
#: The monitor's schedule fires at most every 5 real seconds: often enough for the tests that need it,
#: without a monitor Lambda running back to back on a 2-core machine.
SCHEDULE_MIN_REAL_SECONDS = 5.0


def pytest_configure(config: pytest.Config) -> None:
    # moto warns once per resource type its CloudFormation does not create; deploy() reports them.
    config.addinivalue_line("filterwarnings", "ignore:Tried to parse .* not supported:UserWarning")
    # The simulated Ground Truth throttles with ThrottlingException, which SageMaker's model lacks as a shape.
    config.addinivalue_line("filterwarnings", "ignore:Exception.ThrottlingException.:UserWarning")


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    ours = [item for item in items if HERE in Path(item.path).resolve().parents]
    for item in ours:
        item.add_marker(pytest.mark.e2e)
    if ours and len(ours) != len(items):
        for item in ours:
            item.add_marker(pytest.mark.skip(reason=SKIP_REASON))


@pytest.fixture(scope="session")
def cdk_out() -> Path:
    """The project's cloud assembly, synthesized when ``cdk.out/manifest.json`` is missing."""
    ensure_assembly(CDK_OUT)
    return CDK_OUT


@pytest.fixture(scope="session")
def harness(cdk_out: Path) -> Iterator[Harness]:
    """One sandbox (seed 0, fast simulated time) with the stack deployed, for the whole session."""
    settings = SandboxSettings(
        ms_per_simulated_hour=MS_PER_SIMULATED_HOUR,
        seed=SEED,
        schedule_min_real_seconds=SCHEDULE_MIN_REAL_SECONDS,
    )
    with Sandbox(settings) as sandbox:
        yield Harness(sandbox, deploy(sandbox, cdk_out))


@pytest.fixture
def pipeline(harness: Harness) -> Harness:
    """The shared stack, reset for this test: empty jobs table, no pending faults."""
    harness.reset()
    return harness

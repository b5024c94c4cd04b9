"""Server-mode sandbox tests: one ``Sandbox`` (a moto server on loopback) for the whole session.

Run them in their own pytest process::

    .venv/bin/pytest tests/sandbox/server

moto keeps its state in process-wide backends: a ``mock_aws`` test in the same process would reset them
under the running server. So when the session also collected tests from elsewhere, these are skipped.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

import sandbox.groundtruth as gt
from sandbox.server import Sandbox
from sandbox.settings import SandboxSettings

HERE = Path(__file__).resolve().parent
SKIP_REASON = "server-mode sandbox tests run in their own process: pytest tests/sandbox/server"


def pytest_configure(config: pytest.Config) -> None:
    # Deploying a CDK template makes moto warn once per resource type it does not create;
    # deploy() reports those types itself.
    config.addinivalue_line("filterwarnings", "ignore:Tried to parse .* not supported:UserWarning")


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    ours = [item for item in items if HERE in Path(item.path).resolve().parents]
    if ours and len(ours) != len(items):
        for item in ours:
            item.add_marker(pytest.mark.skip(reason=SKIP_REASON))


@pytest.fixture(scope="session")
def sandbox() -> Iterator[Sandbox]:
    """A running sandbox: one simulated hour per 100 ms, seed 0, handlers in subprocesses."""
    with Sandbox(SandboxSettings(ms_per_simulated_hour=100, seed=0)) as running:
        yield running


@pytest.fixture(autouse=True)
def _fresh(request: pytest.FixtureRequest) -> Iterator[None]:
    if "sandbox" in request.fixturenames:
        running: Sandbox = request.getfixturevalue("sandbox")
        running.reset()
        gt.configure(difficulty=())
    yield


def wait_for(predicate: Callable[[], Any], timeout: float = 30.0, interval: float = 0.1) -> Any:
    """Poll ``predicate`` until it returns something truthy; fail after ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(interval)
    raise AssertionError(f"condition not met within {timeout} s")


@pytest.fixture
def wait() -> Callable[..., Any]:
    """``wait_for`` as a fixture."""
    return wait_for


@pytest.fixture
def finished_execution(sandbox: Sandbox) -> Callable[[str], dict[str, Any]]:
    """Wait for the (single) execution of a state machine to leave RUNNING; returns its description."""
    sfn = sandbox.client("stepfunctions")

    def get(state_machine_arn: str, timeout: float = 60.0) -> dict[str, Any]:
        def done() -> dict[str, Any] | None:
            executions = sfn.list_executions(stateMachineArn=state_machine_arn)["executions"]
            if executions and executions[0]["status"] != "RUNNING":
                return dict(sfn.describe_execution(executionArn=executions[0]["executionArn"]))
            return None

        return wait_for(done, timeout)

    return get


def json_lines(text: str) -> list[dict[str, Any]]:
    """Parse JSON Lines."""
    return [json.loads(line) for line in text.splitlines() if line.strip()]

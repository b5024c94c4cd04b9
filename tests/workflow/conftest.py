"""Workflow tier: the synthesized template deployed into moto (decorator mode), its rendered ASL executed by
moto's Step Functions interpreter, and every Lambda running its real handler in this process.

The stack is synthesized once per session; each test gets a fresh ``mock_sandbox`` with the stack deployed
(about a second), so tests never share records or labeling jobs.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from labelchain_fn.adapters import clients, settings

from sandbox.harness import Deployed, deploy_in_process, prepare_process_environment
from sandbox.mock import mock_sandbox
from stacks.app_builder import build_app

prepare_process_environment()


def pytest_configure(config: pytest.Config) -> None:
    # moto warns once per resource type its CloudFormation does not create (alarms, bucket policies).
    config.addinivalue_line("filterwarnings", "ignore:Tried to parse .* not supported:UserWarning")


@pytest.fixture(scope="session")
def cloud_assembly(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """``cdk synth`` of the project's app (cdk.json context), written to a temporary cloud assembly."""
    outdir = tmp_path_factory.mktemp("cdk.out")
    app, _stack = build_app(nag=False, outdir=str(outdir))
    app.synth()
    return outdir


@pytest.fixture
def deployed(cloud_assembly: Path) -> Iterator[Deployed]:
    """A fresh mock sandbox with the synthesized stack deployed and every function's real handler bound."""
    with mock_sandbox(seed=0) as box:
        try:
            yield deploy_in_process(box, cloud_assembly)
        finally:
            box.registry.apply_environment = True
    settings.reset()
    clients.reset()

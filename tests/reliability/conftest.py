"""Reliability tier: bad inputs and injected faults, end to end through the deployed stack (mock mode).

The stack (``cdk.json`` context plus a text chain and an extra source bucket) is synthesized once per
session; each test deploys it into a fresh ``mock_sandbox`` (moto in this process, real handlers, the
simulated Ground Truth on a frozen clock).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from labelchain_fn.adapters import clients, settings
from reliability_stack import reliability_context

from sandbox.harness import Deployed, deploy_in_process, prepare_process_environment
from sandbox.mock import mock_sandbox
from stacks.app_builder import build_app

prepare_process_environment()


def pytest_configure(config: pytest.Config) -> None:
    # moto warns once per resource type its CloudFormation does not create (alarms, bucket policies).
    config.addinivalue_line("filterwarnings", "ignore:Tried to parse .* not supported:UserWarning")
    # Handlers that end without a metric (a rejected batch, an idle monitor) make Powertools warn.
    config.addinivalue_line("filterwarnings", "ignore:No application metrics to publish:UserWarning")


@pytest.fixture(scope="session")
def reliability_assembly(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The synthesized cloud assembly of :func:`reliability_context` (without cdk-nag: tested elsewhere)."""
    outdir = tmp_path_factory.mktemp("cdk.out")
    app, _stack = build_app(reliability_context(), nag=False, outdir=str(outdir))
    app.synth()
    return outdir


@pytest.fixture
def deployed(reliability_assembly: Path) -> Iterator[Deployed]:
    """A fresh mock sandbox with the stack deployed and every function's real handler bound."""
    with mock_sandbox(seed=0) as box:
        deployed = deploy_in_process(box, reliability_assembly)
        deployed.client("s3").create_bucket(Bucket="shared-images")
        deployed.client("s3").create_bucket(Bucket="someone-elses-bucket")
        try:
            yield deployed
        finally:
            box.registry.apply_environment = True
    settings.reset()
    clients.reset()

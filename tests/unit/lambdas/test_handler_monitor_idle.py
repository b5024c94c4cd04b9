"""An idle monitor run (no active job) does what scripts/idle_cost.py prices: metrics, reads, log bytes."""

from __future__ import annotations

import io
from collections.abc import Iterator
from types import SimpleNamespace
from typing import Any

import pytest
from emf_points import metric_points
from labelchain_fn.core.metrics import NAMESPACE, SERVICE, SERVICE_DIMENSION
from labelchain_fn.handlers import monitor as monitor_module
from lambda_fakes import AwsClients

from scripts.idle_assumptions import IDLE_RUNS, MONITOR_HANDLER

IDLE = IDLE_RUNS[MONITOR_HANDLER]
#: Room left for what Lambda adds to the "monitor run" line and the offline run lacks (the X-Ray trace
#: ID, a longer function name and ARN).
LAMBDA_LINE_EXTRAS_BYTES = 150


@pytest.fixture
def dynamodb_reads(aws: AwsClients) -> Iterator[list[tuple[str, dict[str, Any]]]]:
    """Every DynamoDB read the code makes, as ``(operation, params)``."""
    calls: list[tuple[str, dict[str, Any]]] = []

    def record(params: dict[str, Any], model: Any, **_: Any) -> None:
        calls.append((model.name, dict(params)))

    events = aws.dynamodb.meta.events
    operations = ("Query", "GetItem", "Scan", "BatchGetItem")
    for operation in operations:
        events.register(f"provide-client-params.dynamodb.{operation}", record, unique_id=f"idle-{operation}")
    yield calls
    for operation in operations:
        events.unregister(f"provide-client-params.dynamodb.{operation}", unique_id=f"idle-{operation}")


@pytest.fixture
def log_stream() -> Iterator[io.StringIO]:
    """The Powertools logger's output (it keeps the stream it was built with, which capsys cannot see)."""
    handler = monitor_module.logger.registered_handler
    stream = io.StringIO()
    previous = handler.setStream(stream)
    yield stream
    handler.setStream(previous)


def test_an_idle_run_emits_exactly_the_metrics_the_idle_cost_counts(
    handler_env: None, lambda_context: SimpleNamespace, capsys: Any
) -> None:
    # GIVEN the deployed environment and no active job
    # WHEN the scheduled entry point runs
    summary = monitor_module.handler({"source": "aws.events"}, lambda_context)
    # THEN it checked nothing and emitted the idle metrics, pipeline-wide, once each
    assert summary["checked"] == 0
    points = metric_points(capsys.readouterr().out)
    assert sorted(p.name for p in points) == sorted(IDLE.metrics)
    assert {(p.namespace, tuple(p.dimensions.items())) for p in points} == {
        (NAMESPACE, ((SERVICE_DIMENSION, SERVICE),))
    }


def test_an_idle_run_reads_only_the_indexes_the_idle_cost_prices(
    handler_env: None, lambda_context: SimpleNamespace, dynamodb_reads: list[tuple[str, dict[str, Any]]]
) -> None:
    # GIVEN the deployed environment and no active job
    # WHEN the scheduled entry point runs
    monitor_module.handler({"source": "aws.events"}, lambda_context)
    # THEN its only DynamoDB reads are one query of each priced index
    assert [(op, params.get("IndexName")) for op, params in dynamodb_reads] == [
        ("Query", index) for index in IDLE.index_queries
    ]


def test_an_idle_run_prints_no_more_than_the_idle_cost_assumes(
    handler_env: None, lambda_context: SimpleNamespace, capsys: Any, log_stream: io.StringIO
) -> None:
    # GIVEN the deployed environment and no active job
    # WHEN the scheduled entry point runs
    monitor_module.handler({"source": "aws.events"}, lambda_context)
    # THEN its EMF documents and log lines, with room for what Lambda adds, fit the assumed bytes
    printed = len(capsys.readouterr().out.encode()) + len(log_stream.getvalue().encode())
    assert "monitor run" in log_stream.getvalue()
    assert printed + LAMBDA_LINE_EXTRAS_BYTES <= IDLE.output_bytes

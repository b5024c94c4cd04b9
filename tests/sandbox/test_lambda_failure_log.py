"""A failed Lambda invocation logs one line; moto's dump of a named error only with ``--verbose`` (INFO)."""

from __future__ import annotations

import logging

import pytest
from labelchain_fn.core.errors import ManifestNotFound, SourceBucketNotAllowed
from sandbox_fakes import caught_task, run_execution
from sandbox_fakes import create_function as _function

from sandbox.lambda_runtime import failure_log
from sandbox.patches import lambda_invoke

MOTO = failure_log.MOTO_LOGGER


def _fail_through_a_workflow(name: str, error: Exception) -> dict:
    """A Task that fails with ``error``, caught and re-raised by a Fail state (the pipeline's shape)."""

    def handler(event, context):
        raise error

    arn = _function(name)
    lambda_invoke.registry.register(name, handler)
    failed = {"Type": "Fail", "ErrorPath": "$.error.Error", "CausePath": "$.error.Cause"}
    definition = caught_task({"Resource": arn}, failed, ResultPath="$.error")
    return run_execution(name, definition)


def test_a_named_error_logs_one_line_and_no_moto_dump(sfn_aws, caplog):
    # GIVEN the default log level (WARNING) WHEN a handler raises a named error inside a workflow
    caplog.set_level(logging.WARNING)
    message = "line 1: bucket 'elsewhere' is not allowed\nsecond line"
    result = _fail_through_a_workflow("prepare", SourceBucketNotAllowed(message))
    # THEN the execution failed with the error's name, as before
    assert (result["status"], result["error"]) == ("FAILED", "SourceBucketNotAllowed")
    # AND the log holds one line: function, error name, first line of the message; no moto dump
    lines = [(r.name, r.levelname, r.getMessage()) for r in caplog.records]
    assert lines == [
        (
            "sandbox.lambda",
            "WARNING",
            "prepare failed: SourceBucketNotAllowed: line 1: bucket 'elsewhere' is not allowed",
        )
    ]


def test_verbose_shows_the_full_details(sfn_aws, caplog):
    # GIVEN INFO enabled (python -m sandbox --verbose)
    caplog.set_level(logging.INFO)
    _fail_through_a_workflow("prepare", ManifestNotFound("gone"))
    # THEN the error document (with its stack trace) and moto's dump, demoted to INFO, are logged too
    by_logger = {(r.name, r.levelname) for r in caplog.records}
    assert ("sandbox.lambda", "WARNING") in by_logger and (MOTO, "INFO") in by_logger
    assert (MOTO, "ERROR") not in by_logger
    document = next(r.getMessage() for r in caplog.records if "error document" in r.getMessage())
    assert '"errorType": "ManifestNotFound"' in document and "stackTrace" in document


def test_unexpected_errors_keep_moto_dump(sfn_aws, caplog):
    caplog.set_level(logging.WARNING)
    _fail_through_a_workflow("buggy", KeyError("chain"))
    records = [(r.name, r.levelname) for r in caplog.records]
    assert ("sandbox.lambda", "WARNING") in records and (MOTO, "ERROR") in records


@pytest.mark.parametrize(
    ("payload", "line"),
    [
        (
            '{"errorType": "Sandbox.Timedout", "errorMessage": "Task timed out"}',
            "fn failed: Sandbox.Timedout: Task timed out",
        ),
        ('{"errorType": "X", "errorMessage": ""}', "fn failed: X: "),
        ("not json", "fn failed: not json"),
    ],
)
def test_any_error_document_gives_one_line(caplog, payload, line):
    caplog.set_level(logging.WARNING)
    failure_log.log_failure("fn", payload)
    assert [r.getMessage() for r in caplog.records] == [line]


def test_the_named_errors_are_the_pipelines():
    names = failure_log.expected_error_names()
    assert {"SourceBucketNotAllowed", "ManifestNotFound", "UnknownChain", "TransientAwsError"} <= names
    assert "LabelChainError" not in names and "KeyError" not in names

"""Transient AWS failures that outlast the SDK's retries surface as the one retryable TransientAwsError."""

from __future__ import annotations

from typing import Any

import pytest
from botocore.exceptions import ClientError, EndpointConnectionError, ReadTimeoutError
from labelchain_fn.core.errors import JobRecordNotFound, TransientAwsError
from labelchain_fn.handlers.shared import surfaces_transient_errors, transient_error


def client_error(code: str, status: int, operation: str = "UpdateItem", message: str = "msg") -> ClientError:
    """The ClientError botocore raises for an AWS error answer."""
    return ClientError(
        {"Error": {"Code": code, "Message": message}, "ResponseMetadata": {"HTTPStatusCode": status}},
        operation,
    )


@pytest.mark.parametrize(
    ("code", "status"),
    [
        ("ThrottlingException", 400),
        ("ProvisionedThroughputExceededException", 400),
        ("TooManyRequestsException", 429),
        ("ServiceUnavailable", 503),
        ("SomethingNew", 500),
    ],
)
def test_throttling_and_5xx_client_errors_are_transient(code: str, status: int) -> None:
    # GIVEN an AWS error answer that says "later"  WHEN classified
    transient = transient_error(client_error(code, status, message="Rate exceeded"))
    # THEN it becomes a TransientAwsError naming the operation, the code, the status and the message
    assert isinstance(transient, TransientAwsError) and transient.retryable is True
    assert str(transient) == f"UpdateItem: {code} ({status}): Rate exceeded"


@pytest.mark.parametrize(
    ("code", "status"),
    [
        ("AccessDeniedException", 400),
        ("AccessDenied", 403),
        ("ValidationException", 400),
        ("ConditionalCheckFailedException", 400),
        ("ResourceNotFoundException", 404),
    ],
)
def test_permanent_client_errors_are_not_transient(code: str, status: int) -> None:
    assert transient_error(client_error(code, status)) is None


def test_a_client_error_without_response_metadata_is_judged_by_its_code() -> None:
    throttled = ClientError({"Error": {"Code": "ThrottlingException", "Message": "slow down"}}, "Query")
    assert isinstance(transient_error(throttled), TransientAwsError)
    denied = ClientError({"Error": {"Code": "AccessDenied", "Message": "no"}}, "Query")
    assert transient_error(denied) is None


@pytest.mark.parametrize(
    "error",
    [
        EndpointConnectionError(endpoint_url="https://dynamodb.us-east-1.amazonaws.com"),
        ReadTimeoutError(endpoint_url="https://sagemaker.us-east-1.amazonaws.com"),
    ],
    ids=["connection", "read-timeout"],
)
def test_connection_failures_are_transient(error: Exception) -> None:
    # GIVEN the network failed after the SDK's retries  WHEN classified  THEN it is transient, named
    transient = transient_error(error)
    assert isinstance(transient, TransientAwsError)
    assert str(transient).startswith(f"{type(error).__name__}: ")


def test_other_exceptions_are_not_transient() -> None:
    assert transient_error(JobRecordNotFound("no job record for x")) is None
    assert transient_error(ValueError("x")) is None


def test_the_decorator_surfaces_a_throttled_call_as_transient_aws_error() -> None:
    # GIVEN a handler whose AWS call is still throttled after the SDK's retries
    throttled = client_error("ThrottlingException", 400, "SendTaskSuccess")

    @surfaces_transient_errors
    def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
        """The handler's docstring."""
        raise throttled

    # WHEN/THEN it raises TransientAwsError (the name the state machine retries), from the original error
    with pytest.raises(TransientAwsError, match="SendTaskSuccess: ThrottlingException") as raised:
        handler({}, None)
    assert raised.value.__cause__ is throttled
    # AND the wrapper keeps the handler's name and docstring (Powertools and logs read them)
    assert handler.__name__ == "handler" and handler.__doc__ == "The handler's docstring."


@pytest.mark.parametrize(
    "error",
    [client_error("AccessDeniedException", 400), JobRecordNotFound("no job record for x")],
    ids=["access-denied", "named-error"],
)
def test_the_decorator_lets_permanent_errors_through_unchanged(error: Exception) -> None:
    # GIVEN a handler failing for a reason a retry cannot fix
    @surfaces_transient_errors
    def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
        raise error

    # WHEN/THEN the very same error reaches Step Functions (recorded by name at once)
    with pytest.raises(type(error)) as raised:
        handler({}, None)
    assert raised.value is error


def test_the_decorator_returns_the_handler_result() -> None:
    @surfaces_transient_errors
    def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
        return {"echo": event}

    assert handler({"a": 1}, None) == {"echo": {"a": 1}}

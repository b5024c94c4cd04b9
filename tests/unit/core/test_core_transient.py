"""Which AWS error answers are transient (retried with backoff) and which are permanent (recorded at once)."""

from __future__ import annotations

import pytest
from labelchain_fn.core.transient import TRANSIENT_CODES, is_transient


@pytest.mark.parametrize(
    ("code", "status"),
    [
        ("ThrottlingException", 400),
        ("Throttling", 400),
        ("TooManyRequestsException", 429),
        ("ProvisionedThroughputExceededException", 400),
        ("RequestLimitExceeded", 400),
        ("SlowDown", 503),
        ("InternalServerError", 500),
        ("ServiceUnavailable", 503),
        ("RequestTimeout", 408),
        ("ThrottlingException", None),
    ],
)
def test_throttling_and_server_errors_are_transient(code: str, status: int | None) -> None:
    assert is_transient(code, status)


@pytest.mark.parametrize("status", [500, 502, 503, 504, 599])
def test_any_5xx_answer_is_transient_whatever_its_code(status: int) -> None:
    # GIVEN a server-side answer with a code the list does not know (or none at all)
    # WHEN/THEN it is transient
    assert is_transient("SomethingNew", status)
    assert is_transient(None, status)


@pytest.mark.parametrize(
    ("code", "status"),
    [
        ("AccessDeniedException", 400),
        ("AccessDenied", 403),
        ("ValidationException", 400),
        ("ResourceNotFound", 400),
        ("ConditionalCheckFailedException", 400),
        ("NoSuchKey", 404),
        ("ResourceLimitExceeded", 400),
        (None, None),
        ("", 499),
        ("", 600),
    ],
)
def test_client_errors_are_permanent(code: str | None, status: int | None) -> None:
    # GIVEN an answer that says something about the request (or nothing at all)
    # WHEN/THEN it is not retried as transient
    assert not is_transient(code, status)


def test_codes_are_matched_exactly() -> None:
    # GIVEN the transient codes  WHEN a code only resembles one  THEN it is permanent (case matters)
    assert "ThrottlingException" in TRANSIENT_CODES
    assert not is_transient("throttlingexception", 400)
    assert not is_transient("ThrottlingExceptionX", 400)

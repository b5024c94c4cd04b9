"""Which AWS failures are transient: worth the same call again later, after the SDK's own retries gave up.

botocore's standard retry mode already retries these a few times inside one invocation; when they outlast
it, the handler surfaces them as the one named error :class:`~labelchain_fn.core.errors.TransientAwsError`
so every workflow state retries it with backoff (and the scheduled monitor simply runs again). Anything
else (a validation error, access denied, a missing resource) is permanent and is recorded by name at once.
"""

from __future__ import annotations

#: Error codes AWS services use for throttling and for server-side failures (botocore's standard retry
#: mode treats the same codes as retryable; ``LimitExceededException`` is SFN/SSM throttling).
TRANSIENT_CODES = frozenset(
    {
        "Throttling",
        "ThrottlingException",
        "ThrottledException",
        "Throttled",
        "RequestThrottled",
        "RequestThrottledException",
        "TooManyRequestsException",
        "ProvisionedThroughputExceededException",
        "RequestLimitExceeded",
        "TransactionInProgressException",
        "BandwidthLimitExceeded",
        "SlowDown",
        "PriorRequestNotComplete",
        "EC2ThrottledException",
        "InternalError",
        "InternalFailure",
        "InternalServerError",
        "InternalServerException",
        "ServiceUnavailable",
        "ServiceUnavailableException",
        "RequestTimeout",
        "RequestTimeoutException",
        "IDPCommunicationError",
    }
)


def is_transient(code: str | None, http_status: int | None) -> bool:
    """Whether an AWS error answer is transient: a throttling or server-side error code, or any 5xx.

    Parameters
    ----------
    code : the error code (``Error.Code`` of the answer); ``None`` when unknown.
    http_status : the HTTP status of the answer; ``None`` when unknown.
    """
    return (code or "") in TRANSIENT_CODES or (http_status is not None and 500 <= http_status <= 599)

"""SageMaker error shapes the simulated Ground Truth raises (serialised by moto as JSON errors).

``ResourceInUse``, ``ResourceNotFound`` and ``ResourceLimitExceeded`` are the codes botocore models for the
labeling-job operations, so ``client.exceptions.ResourceInUse`` etc. catch them; ``ValidationException``
and ``ThrottlingException`` are the common errors every AWS JSON service returns.
"""

from __future__ import annotations

from moto.sagemaker.exceptions import SagemakerClientError


class ValidationException(SagemakerClientError):
    """A request that breaks a constraint (HTTP 400)."""

    code = "ValidationException"


class ResourceInUse(SagemakerClientError):
    """A labeling job with that name (compared case-insensitively) exists."""

    code = "ResourceInUse"


class ResourceNotFound(SagemakerClientError):
    """No labeling job with that name."""

    code = "ResourceNotFound"


class ResourceLimitExceeded(SagemakerClientError):
    """A quota was hit."""

    code = "ResourceLimitExceeded"


class ThrottlingException(SagemakerClientError):
    """Rate exceeded (injected through the fault API); SDKs retry it."""

    code = "ThrottlingException"


def validation_message(errors: list[str]) -> str:
    """AWS's aggregate message: ``N validation error(s) detected: a; b``."""
    noun = "error" if len(errors) == 1 else "errors"
    return f"{len(errors)} validation {noun} detected: " + "; ".join(errors)

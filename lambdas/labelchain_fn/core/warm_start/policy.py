"""Warm-start policies: what a chain or a console input may ask for, and the decision's shape.

Policies: ``latest`` (the chain head's model, default), ``none`` (always cold), a SageMaker model ARN, or
the name of a completed job of the same chain.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..errors import InputInvalid, WarmStartModelInvalid
from ..items import WarmStartItem
from ..limits import JOB_NAME_MAX_LENGTH
from ..naming import is_valid_name

#: A SageMaker model ARN (the ``ModelArn`` shape), capturing region, account and model name.
MODEL_ARN = re.compile(r"arn:aws[a-z\-]*:sagemaker:([a-z0-9\-]*):([0-9]{12}):model/(.+)")
POLICIES = ("latest", "none", "model", "job")


@dataclass(frozen=True)
class WarmStart:
    """The warm-start decision: the policy as configured, the model (``None`` = cold) and the reason."""

    policy: str
    initial_model_arn: str | None
    reason: str

    def to_record(self) -> WarmStartItem:
        """The job record's ``warmStart`` map (no initial model for a cold start)."""
        return WarmStartItem(
            policy=self.policy, reason=self.reason, initial_model_arn=self.initial_model_arn or None
        )

    def to_item(self) -> dict[str, str]:
        """``{"policy", "reason", "initialModelArn"?}`` for the job record (no model key for a cold start)."""
        item: dict[str, str] = self.to_record().to_item()
        return item


def classify_policy(policy: str) -> tuple[str, str | None]:
    """Classify a warm-start policy string.

    Returns
    -------
    tuple
        ``("latest", None)``, ``("none", None)`` (both case-insensitive), ``("model", arn)`` or
        ``("job", name)`` (the name lower-cased, as the pipeline names its jobs).

    Raises
    ------
    WarmStartModelInvalid
        For a string starting with ``arn:`` that is not a SageMaker model ARN.
    InputInvalid
        For anything else that is not a valid labeling-job name.
    """
    if not isinstance(policy, str) or not policy.strip():
        raise InputInvalid(
            f'warmStart: expected "latest", "none", a model ARN or a job name; received {policy!r}'
        )
    value = policy.strip()
    if value.lower() in ("latest", "none"):
        return value.lower(), None
    if value.startswith("arn:"):
        if len(value) < 20 or len(value) > 2048 or not MODEL_ARN.fullmatch(value):
            raise WarmStartModelInvalid(
                "warmStart: expected a SageMaker model ARN "
                f"(arn:aws:sagemaker:<region>:<account>:model/<name>); received {value!r}"
            )
        return "model", value
    if not is_valid_name(value):
        raise InputInvalid(
            'warmStart: expected "latest", "none", a model ARN or a labeling-job name (letters, digits, '
            f"hyphens, at most {JOB_NAME_MAX_LENGTH}); received {value!r}"
        )
    # Job names are case-insensitive in Ground Truth and the pipeline's are lower-case.
    return "job", value.lower()

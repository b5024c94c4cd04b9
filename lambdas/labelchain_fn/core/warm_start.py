"""Which model a new job starts from (``InitialActiveLearningModelArn``), and why.

Policies: ``latest`` (the chain head's model, default), ``none`` (always cold), a SageMaker model ARN, or
the name of a completed job of the same chain. The decision and its reason are stored on the job record so
that a cold start is never silent.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from .errors import InputInvalid, WarmStartJobNotFound, WarmStartModelIncompatible, WarmStartModelInvalid
from .naming import is_valid_name
from .task_types import TaskType

#: A SageMaker model ARN (the ``ModelArn`` shape), capturing region, account and model name.
MODEL_ARN = re.compile(r"arn:aws[a-z\-]*:sagemaker:([a-z0-9\-]*):([0-9]{12}):model/(.+)")
POLICIES = ("latest", "none", "model", "job")


@dataclass(frozen=True)
class WarmStart:
    """The warm-start decision: the policy as configured, the model (``None`` = cold) and the reason."""

    policy: str
    initial_model_arn: str | None
    reason: str

    def to_item(self) -> dict[str, str]:
        """``{"policy", "initialModelArn"?, "reason"}`` for the job record (no key for a cold start)."""
        item = {"policy": self.policy, "reason": self.reason}
        if self.initial_model_arn:
            item["initialModelArn"] = self.initial_model_arn
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
            f"hyphens, at most 63); received {value!r}"
        )
    # Job names are case-insensitive in Ground Truth and the pipeline's are lower-case.
    return "job", value.lower()


def _from_job(policy: str, name: str, chain: str, job: Mapping[str, Any] | None) -> WarmStart:
    if job is None:
        raise WarmStartJobNotFound(f"job {name} not found")
    if job.get("chain") != chain:
        raise WarmStartJobNotFound(f"job {name} belongs to chain {job.get('chain')!r}, not {chain!r}")
    if job.get("status") != "COMPLETED":
        raise WarmStartJobNotFound(f"job {name} is {job.get('status')!r}, not COMPLETED")
    model = job.get("finalModelArn")
    if not model:
        raise WarmStartJobNotFound(f"job {name} completed without a final model")
    return WarmStart(policy, model, f"final model of job {name}")


def _from_model(
    policy: str,
    arn: str,
    *,
    chain: str,
    task_type: TaskType,
    region: str,
    account: str | None,
    record: Mapping[str, Any] | None,
    labels: Sequence[str] | None,
) -> WarmStart:
    match = MODEL_ARN.fullmatch(arn)
    assert match is not None  # classify_policy accepted it
    arn_region, arn_account = match.group(1), match.group(2)
    if arn_region != region:
        raise WarmStartModelInvalid(f"model {arn} is in region {arn_region!r}, the pipeline in {region!r}")
    if account and arn_account != account:
        raise WarmStartModelInvalid(f"model {arn} is in account {arn_account}, the pipeline in {account}")
    if record is None:
        return WarmStart(policy, arn, "external model (not produced by a labelchain job)")
    if record.get("taskType") != task_type.value:
        raise WarmStartModelIncompatible(
            f"model {arn} was trained for {record.get('taskType')!r}; chain {chain} is {task_type.value}"
        )
    if labels is not None and "labels" in record and list(record["labels"]) != list(labels):
        raise WarmStartModelIncompatible(
            f"model {arn} was trained on labels {list(record['labels'])}; chain {chain} has {list(labels)}"
        )
    return WarmStart(
        policy, arn, f"model of job {record.get('labelingJobName')} (chain {record.get('chain')})"
    )


def resolve_warm_start(
    policy: str,
    *,
    auto_labeling: bool,
    chain: str,
    task_type: TaskType,
    region: str,
    account: str | None,
    head_model_arn: str | None,
    named_job: Mapping[str, Any] | None,
    model_record: Mapping[str, Any] | None,
    head_job_name: str | None = None,
    labels: Sequence[str] | None = None,
) -> WarmStart:
    """Decide the initial model of a new job.

    Parameters
    ----------
    policy : the console's ``warmStart`` or the chain's ``warmStart`` (see :func:`classify_policy`).
    auto_labeling : the chain's setting; off means always cold (there is nothing to warm-start).
    chain, task_type, region : the new job's chain, task type and region.
    account : the pipeline's account, when known; a model ARN must then be in it.
    head_model_arn : the chain head's ``headModelArn`` (policy ``latest``).
    named_job : the JOB item of the job a ``job`` policy names, or ``None`` when there is none.
    model_record : the MODEL item of a ``model`` policy's ARN, or ``None`` when the pipeline never made it.
    head_job_name : default ``None``; the job that produced ``head_model_arn``, quoted in the reason.
    labels : default ``None`` (not compared); the chain's labels, compared with a MODEL item's ``labels``.

    Raises
    ------
    WarmStartJobNotFound, WarmStartModelInvalid, WarmStartModelIncompatible, InputInvalid
    """
    kind, value = classify_policy(policy)
    if not auto_labeling:
        return WarmStart(policy, None, "auto-labeling is off")
    if kind == "none":
        return WarmStart(policy, None, "warm start disabled by policy")
    if kind == "latest":
        if not head_model_arn:
            return WarmStart(policy, None, f"chain {chain} has no model yet")
        source = f" (job {head_job_name})" if head_job_name else ""
        return WarmStart(policy, head_model_arn, f"latest model of chain {chain}{source}")
    assert value is not None
    if kind == "job":
        return _from_job(policy, value, chain, named_job)
    return _from_model(
        policy,
        value,
        chain=chain,
        task_type=task_type,
        region=region,
        account=account,
        record=model_record,
        labels=labels,
    )

"""Which model a new job starts from (``InitialActiveLearningModelArn``), and why.

The policy (:mod:`.policy`) is resolved against what the caller looked up (the chain head, a named job,
a model and their MODEL items). The decision and its reason are stored on the job record so that a cold
start is never silent.

Ground Truth continues from ``InitialActiveLearningModelArn`` only with the task type and label categories
(in the same order) the model was trained on, and a deployment may change a chain's labels. Every model the
pipeline produced therefore has a MODEL item (``records.model_item``: task type, labels, producing job),
and a model of the pipeline's own is checked against the chain's *current* configuration:

* ``latest`` is a default, so it degrades: an incompatible head model, or a head model without its MODEL
  item (the record was lost: the head only ever names models the pipeline recorded), means a cold start
  whose reason says why.
* An explicit policy (a model ARN, a job name) is a request: one that cannot be honoured raises
  ``WarmStartModelIncompatible`` (or ``WarmStartJobNotFound`` / ``WarmStartModelInvalid``) instead.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from ..errors import WarmStartJobNotFound, WarmStartModelIncompatible, WarmStartModelInvalid
from ..items import JobRecord, ModelRecord
from ..task_types import TaskType
from .policy import MODEL_ARN, WarmStart, classify_policy


def _incompatibility(
    item: Mapping[str, Any], *, chain: str, task_type: TaskType, labels: Sequence[str] | None
) -> str | None:
    """What makes the model of MODEL item ``record`` unusable for the chain, or ``None`` when it fits.

    The task type must be equal; the labels must be equal in order (a label's index is its class ID),
    compared only when both ``labels`` and the record's ``labels`` are known.
    """
    record = ModelRecord.from_item(item)
    if record.task_type != task_type.value:
        return f"trained for {record.task_type!r}; chain {chain} is {task_type.value}"
    if labels is not None and record.labels is not None and list(record.labels) != list(labels):
        return f"trained on labels {list(record.labels)}; chain {chain} has {list(labels)}"
    return None


def _from_head(
    policy: str,
    *,
    chain: str,
    task_type: TaskType,
    head_model_arn: str | None,
    head_job_name: str | None,
    record: Mapping[str, Any] | None,
    labels: Sequence[str] | None,
) -> WarmStart:
    if not head_model_arn:
        return WarmStart(policy, None, f"chain {chain} has no model yet")
    if record is None:
        return WarmStart(
            policy, None, f"head model {head_model_arn} has no model record; cannot check compatibility"
        )
    job = ModelRecord.from_item(record).labeling_job_name or head_job_name
    source = f" (job {job})" if job else ""
    problem = _incompatibility(record, chain=chain, task_type=task_type, labels=labels)
    if problem:
        return WarmStart(policy, None, f"head model {head_model_arn}{source} was {problem}")
    return WarmStart(policy, head_model_arn, f"latest model of chain {chain}{source}")


def _from_job(
    policy: str,
    name: str,
    *,
    chain: str,
    task_type: TaskType,
    job: Mapping[str, Any] | None,
    record: Mapping[str, Any] | None,
    labels: Sequence[str] | None,
) -> WarmStart:
    if job is None:
        raise WarmStartJobNotFound(f"job {name} not found")
    named = JobRecord.from_item(job)
    if named.chain != chain:
        raise WarmStartJobNotFound(f"job {name} belongs to chain {named.chain!r}, not {chain!r}")
    if named.status != "COMPLETED":
        raise WarmStartJobNotFound(f"job {name} is {named.status!r}, not COMPLETED")
    model = named.final_model_arn
    if not model:
        raise WarmStartJobNotFound(f"job {name} completed without a final model")
    if record is None:
        raise WarmStartModelIncompatible(
            f"final model {model} of job {name} has no model record; cannot check compatibility"
        )
    problem = _incompatibility(record, chain=chain, task_type=task_type, labels=labels)
    if problem:
        raise WarmStartModelIncompatible(f"final model {model} of job {name} was {problem}")
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
    problem = _incompatibility(record, chain=chain, task_type=task_type, labels=labels)
    if problem:
        raise WarmStartModelIncompatible(f"model {arn} was {problem}")
    known = ModelRecord.from_item(record)
    return WarmStart(policy, arn, f"model of job {known.labeling_job_name} (chain {known.chain})")


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
    model_record : the MODEL item of the model the policy leads to, or ``None`` when there is none:
        ``latest``: of ``head_model_arn`` (``None``: cold start, the record was lost);
        ``job``: of the named job's ``finalModelArn`` (``None``: ``WarmStartModelIncompatible``);
        model ARN: of that ARN (``None``: an external model, used as is).
    head_job_name : default ``None``; the job that produced ``head_model_arn``, quoted in the reason when
        the MODEL item does not name it.
    labels : default ``None`` (not compared); the chain's labels, compared with a MODEL item's ``labels``.

    Returns
    -------
    WarmStart
        With policy ``latest``, a cold start's ``reason`` is one of
        ``"chain <chain> has no model yet"``,
        ``"head model <arn> has no model record; cannot check compatibility"``,
        ``"head model <arn> (job <job>) was trained for '<task type>'; chain <chain> is <task type>"`` or
        ``"head model <arn> (job <job>) was trained on labels [...]; chain <chain> has [...]"``;
        a warm start's is ``"latest model of chain <chain> (job <job>)"``.

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
        return _from_head(
            policy,
            chain=chain,
            task_type=task_type,
            head_model_arn=head_model_arn,
            head_job_name=head_job_name,
            record=model_record,
            labels=labels,
        )
    assert value is not None
    if kind == "job":
        return _from_job(
            policy,
            value,
            chain=chain,
            task_type=task_type,
            job=named_job,
            record=model_record,
            labels=labels,
        )
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

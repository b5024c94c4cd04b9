"""find_warm_start against moto DynamoDB: the MODEL item of the model a policy leads to is loaded and checked
against the chain's current task type and labels (``latest`` degrades to cold, an explicit policy fails)."""

from __future__ import annotations

import pytest
from labelchain_fn.adapters.job_store import JobStore
from labelchain_fn.adapters.labeling import LabelingJobs
from labelchain_fn.core import records
from labelchain_fn.core.config import ChainConfig
from labelchain_fn.core.errors import WarmStartModelIncompatible
from labelchain_fn.core.warm_start import WarmStart
from labelchain_fn.handlers.prepare_steps import find_warm_start
from lambda_fakes import ACCOUNT, MODEL_ARN, REGION, make_chain, pending_job

HEAD_JOB = "lc-birds-0001-abcd1234"
NOW = "2026-03-02T14:00:00+00:00"


def record_model(store: JobStore, *, labels: list[str], task_type: str = "BoundingBox") -> None:
    """The MODEL item Record writes for MODEL_ARN, made by HEAD_JOB with ``labels`` and ``task_type``."""
    store.put_model(
        records.model_item(
            arn=MODEL_ARN,
            chain="birds",
            task_type=task_type,
            labeling_job_name=HEAD_JOB,
            sequence=1,
            labels=labels,
        )
    )


def complete_job(store: JobStore, chain: ChainConfig) -> None:
    """HEAD_JOB recorded COMPLETED with MODEL_ARN as its final model."""
    assert store.put_job({**pending_job(chain, HEAD_JOB), "status": "COMPLETED", "finalModelArn": MODEL_ARN})


def resolve(policy: str, chain: ChainConfig, store: JobStore, labeling: LabelingJobs) -> WarmStart:
    return find_warm_start(
        policy, chain=chain, store=store, labeling=labeling, region=REGION, account=ACCOUNT
    )


@pytest.fixture
def head(store: JobStore) -> None:
    """The birds chain's head names HEAD_JOB's model MODEL_ARN."""
    assert store.advance_head("birds", 1, HEAD_JOB, MODEL_ARN, NOW)


def assert_starts_cold_from_the_head(warm: WarmStart, problem: str) -> None:
    """The job starts cold, and the reason names the head model, its job and what was wrong with it."""
    assert warm.initial_model_arn is None
    assert warm.reason == f"head model {MODEL_ARN} (job {HEAD_JOB}) was {problem}"


def test_latest_warm_starts_from_a_head_model_trained_on_the_chain_labels(
    store: JobStore, labeling: LabelingJobs, head: None
) -> None:
    # GIVEN a head model recorded with the chain's task type and labels
    record_model(store, labels=["Bird"])
    # WHEN Prepare resolves "latest"
    warm = resolve("latest", make_chain(), store, labeling)
    # THEN the job starts from the head model
    assert warm == WarmStart("latest", MODEL_ARN, f"latest model of chain birds (job {HEAD_JOB})")


def test_latest_starts_cold_after_the_chain_labels_changed(
    store: JobStore, labeling: LabelingJobs, head: None
) -> None:
    # GIVEN a head model trained on ["Bird"] and the chain redeployed with ["Bird", "Nest"]
    record_model(store, labels=["Bird"])
    chain = make_chain(labels=["Bird", "Nest"])
    # WHEN Prepare resolves "latest"
    warm = resolve("latest", chain, store, labeling)
    # THEN the job starts cold, and the reason names the model, its job and both label lists
    assert_starts_cold_from_the_head(warm, "trained on labels ['Bird']; chain birds has ['Bird', 'Nest']")


def test_latest_starts_cold_when_the_head_model_was_trained_for_another_task_type(
    store: JobStore, labeling: LabelingJobs, head: None
) -> None:
    # GIVEN a head model recorded for image classification and the chain now drawing bounding boxes
    record_model(store, labels=["Bird"], task_type="ImageClassification")
    # WHEN Prepare resolves "latest"
    warm = resolve("latest", make_chain(), store, labeling)
    # THEN cold, and the reason names both task types
    assert_starts_cold_from_the_head(warm, "trained for 'ImageClassification'; chain birds is BoundingBox")


def test_latest_starts_cold_when_the_head_model_record_is_missing(
    store: JobStore, labeling: LabelingJobs, head: None
) -> None:
    # GIVEN a head naming a model without a MODEL item
    # WHEN Prepare resolves "latest"
    warm = resolve("latest", make_chain(), store, labeling)
    # THEN cold: compatibility cannot be checked, and the reason says so
    assert warm == WarmStart(
        "latest", None, f"head model {MODEL_ARN} has no model record; cannot check compatibility"
    )


def test_a_named_job_whose_model_was_trained_on_other_labels_is_refused(
    store: JobStore, labeling: LabelingJobs
) -> None:
    # GIVEN a completed job whose model was trained on ["Bird"], and the chain now has ["Bird", "Nest"]
    chain = make_chain(labels=["Bird", "Nest"])
    complete_job(store, chain)
    record_model(store, labels=["Bird"])
    # WHEN the console names that job  THEN WarmStartModelIncompatible: an explicit request is not degraded
    with pytest.raises(
        WarmStartModelIncompatible, match=rf"final model \S+ of job {HEAD_JOB} was trained on"
    ):
        resolve(HEAD_JOB, chain, store, labeling)


def test_a_named_job_whose_model_fits_gives_its_final_model(store: JobStore, labeling: LabelingJobs) -> None:
    # GIVEN a completed job of the chain whose model was trained on the chain's labels
    chain = make_chain()
    complete_job(store, chain)
    record_model(store, labels=["Bird"])
    # WHEN the console names that job  THEN its final model
    assert resolve(HEAD_JOB, chain, store, labeling) == WarmStart(
        HEAD_JOB, MODEL_ARN, f"final model of job {HEAD_JOB}"
    )


def test_an_own_model_arn_trained_on_other_labels_is_refused(store: JobStore, labeling: LabelingJobs) -> None:
    # GIVEN a model the pipeline recorded with ["Bird"], and a chain with ["Bird", "Nest"]
    record_model(store, labels=["Bird"])
    # WHEN the console names the model ARN  THEN refused (DescribeModel is not called: the record decides)
    with pytest.raises(WarmStartModelIncompatible, match="trained on labels"):
        resolve(MODEL_ARN, make_chain(labels=["Bird", "Nest"]), store, labeling)


@pytest.mark.parametrize("policy", ["latest", HEAD_JOB, MODEL_ARN])
def test_auto_labeling_off_reads_nothing(store: JobStore, labeling: LabelingJobs, policy: str) -> None:
    # GIVEN a chain without auto-labeling (and no table content at all)
    chain = make_chain(autoLabeling=False)
    # WHEN any policy is resolved  THEN cold, "auto-labeling is off"
    assert resolve(policy, chain, store, labeling) == WarmStart(policy, None, "auto-labeling is off")

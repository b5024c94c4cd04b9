"""Warm-start policies: every branch and every error."""

from __future__ import annotations

from typing import Any

import pytest
from labelchain_fn.core.errors import (
    InputInvalid,
    WarmStartJobNotFound,
    WarmStartModelIncompatible,
    WarmStartModelInvalid,
)
from labelchain_fn.core.task_types import TaskType
from labelchain_fn.core.warm_start import WarmStart, classify_policy, resolve_warm_start

MODEL = "arn:aws:sagemaker:us-east-1:123456789012:model/lc-birds-0001-abcdef12-model"
JOB = "lc-birds-0001-abcdef12"
#: The MODEL item of MODEL, as Record writes it for the birds chain.
RECORD: dict[str, Any] = {
    "chain": "birds",
    "taskType": "BoundingBox",
    "labelingJobName": JOB,
    "sequence": 1,
    "labels": ["Bird"],
}


def _resolve(policy: str, **overrides: Any) -> WarmStart:
    kwargs: dict[str, Any] = {
        "auto_labeling": True,
        "chain": "birds",
        "task_type": TaskType.BOUNDING_BOX,
        "region": "us-east-1",
        "account": "123456789012",
        "head_model_arn": MODEL,
        "named_job": None,
        "model_record": None,
    }
    return resolve_warm_start(policy, **{**kwargs, **overrides})


def _job(**overrides: Any) -> dict[str, Any]:
    return {
        "labelingJobName": JOB,
        "chain": "birds",
        "status": "COMPLETED",
        "finalModelArn": MODEL,
        **overrides,
    }


@pytest.mark.parametrize(
    ("policy", "expected"),
    [
        ("latest", ("latest", None)),
        ("LATEST", ("latest", None)),
        (" none ", ("none", None)),
        ("None", ("none", None)),
        (MODEL, ("model", MODEL)),
        (
            "arn:aws-cn:sagemaker:cn-north-1:123456789012:model/m",
            ("model", "arn:aws-cn:sagemaker:cn-north-1:123456789012:model/m"),
        ),
        (JOB, ("job", JOB)),
        ("LC-Birds-0001-ABCDEF12", ("job", JOB)),
    ],
)
def test_classify_policy(policy, expected):
    # GIVEN a policy string  WHEN classified  THEN its kind and value
    assert classify_policy(policy) == expected


@pytest.mark.parametrize(
    "policy",
    [
        "arn:aws:sagemaker:us-east-1:123456789012:endpoint/e",
        "arn:aws:sagemaker:us-east-1:1234:model/m",
        "arn:aws:iam::123456789012:role/r",
        "arn:",
        "arn:aws:sagemaker:us-east-1:123456789012:model/",
    ],
)
def test_rejects_arn_that_is_not_a_model(policy):
    # GIVEN an ARN that is not a SageMaker model ARN  WHEN classified  THEN WarmStartModelInvalid
    with pytest.raises(WarmStartModelInvalid, match="warmStart: expected a SageMaker model ARN"):
        classify_policy(policy)


@pytest.mark.parametrize("policy", ["", "   ", "not a job!", "job_name", "x" * 64, "-job", None, 5])
def test_rejects_policy_that_is_no_job_name(policy):
    # GIVEN something that is neither keyword, ARN nor job name  WHEN classified  THEN InputInvalid
    with pytest.raises(InputInvalid, match="warmStart"):
        classify_policy(policy)


@pytest.mark.parametrize("policy", ["latest", "none", MODEL, JOB])
def test_auto_labeling_off_is_always_cold(policy):
    # GIVEN a chain without auto-labeling  WHEN resolved  THEN cold, whatever the policy
    assert _resolve(policy, auto_labeling=False, named_job=_job()) == WarmStart(
        policy, None, "auto-labeling is off"
    )


def test_auto_labeling_off_still_rejects_a_malformed_policy():
    # GIVEN a malformed policy and auto-labeling off  WHEN resolved  THEN the typo is still reported
    with pytest.raises(InputInvalid):
        _resolve("bad policy!", auto_labeling=False)


def test_none_policy_is_cold():
    assert _resolve("none") == WarmStart("none", None, "warm start disabled by policy")


def test_latest_uses_the_chain_head_model_and_names_its_job():
    # GIVEN a chain head whose model was trained with the chain's task type and labels
    # WHEN "latest"  THEN that model, and the reason names the job that produced it
    warm = _resolve("latest", model_record=RECORD, head_job_name=JOB, labels=("Bird",))
    assert warm == WarmStart("latest", MODEL, f"latest model of chain birds (job {JOB})")


def test_latest_names_the_head_job_when_the_model_record_does_not():
    # GIVEN a MODEL item without the producing job's name, and the head's job name
    record = {k: v for k, v in RECORD.items() if k != "labelingJobName"}
    # WHEN "latest"  THEN the reason quotes the head's job; without either, no job is named
    assert _resolve("latest", model_record=record, head_job_name=JOB).reason == (
        f"latest model of chain birds (job {JOB})"
    )
    assert _resolve("latest", model_record=record).reason == "latest model of chain birds"


def test_latest_starts_cold_when_the_labels_changed():
    # GIVEN a head model trained on ["Bird"] and a chain redeployed with ["Bird", "Nest"]
    # WHEN "latest"  THEN cold, and the reason names the model, its job and both label lists
    warm = _resolve("latest", model_record=RECORD, labels=("Bird", "Nest"))
    assert warm == WarmStart(
        "latest",
        None,
        f"head model {MODEL} (job {JOB}) was trained on labels ['Bird']; chain birds has ['Bird', 'Nest']",
    )


def test_latest_starts_cold_when_the_labels_were_reordered():
    # GIVEN a head model trained on ["Bird", "Nest"] (class IDs 0, 1) and a chain listing them the other way
    record = {**RECORD, "labels": ["Bird", "Nest"]}
    # WHEN "latest"  THEN cold: a label's position is its class ID
    warm = _resolve("latest", model_record=record, labels=("Nest", "Bird"))
    assert warm.initial_model_arn is None and "trained on labels ['Bird', 'Nest']" in warm.reason


def test_latest_starts_cold_when_the_task_type_changed():
    # GIVEN a head model trained for image classification and a chain that is now bounding boxes
    record = {**RECORD, "taskType": "ImageClassification"}
    # WHEN "latest"  THEN cold, and the reason names the model, its job and both task types
    warm = _resolve("latest", model_record=record, labels=("Bird",))
    assert warm == WarmStart(
        "latest",
        None,
        f"head model {MODEL} (job {JOB}) was trained for 'ImageClassification'; chain birds is BoundingBox",
    )


def test_latest_starts_cold_when_the_head_model_has_no_record():
    # GIVEN a head naming a model whose MODEL item is missing (the record was lost)
    # WHEN "latest"  THEN cold: its compatibility cannot be checked, and the reason says so
    warm = _resolve("latest", model_record=None, head_job_name=JOB)
    assert warm == WarmStart(
        "latest", None, f"head model {MODEL} has no model record; cannot check compatibility"
    )


def test_latest_without_a_model_is_cold_and_says_so():
    # GIVEN the first job of a chain  WHEN "latest"  THEN cold, "chain has no model yet"
    assert _resolve("latest", head_model_arn=None) == WarmStart(
        "latest", None, "chain birds has no model yet"
    )


def test_named_job_gives_its_final_model():
    # GIVEN a completed job of the chain whose model fits the chain  WHEN named  THEN its final model
    assert _resolve(JOB, named_job=_job(), model_record=RECORD, labels=("Bird",)) == WarmStart(
        JOB, MODEL, f"final model of job {JOB}"
    )


@pytest.mark.parametrize(
    ("record", "labels", "reason"),
    [
        (RECORD, ("Bird", "Nest"), r"was trained on labels \['Bird'\]; chain birds has \['Bird', 'Nest'\]"),
        ({**RECORD, "taskType": "ImageClassification"}, ("Bird",), "trained for 'ImageClassification'"),
        (None, ("Bird",), "has no model record; cannot check compatibility"),
    ],
)
def test_fails_when_named_job_model_does_not_fit_the_chain(record, labels, reason):
    # GIVEN a completed job whose model was trained on other labels or task type, or has no MODEL item
    # WHEN named explicitly  THEN WarmStartModelIncompatible naming model and job (never a silent cold start)
    with pytest.raises(WarmStartModelIncompatible, match=f"final model {MODEL} of job {JOB} .*{reason}"):
        _resolve(JOB, named_job=_job(), model_record=record, labels=labels)


@pytest.mark.parametrize(
    ("named_job", "reason"),
    [
        (None, "not found"),
        (_job(chain="cats"), "belongs to chain 'cats', not 'birds'"),
        (_job(status="FAILED"), "is 'FAILED', not COMPLETED"),
        (_job(status="IN_PROGRESS"), "is 'IN_PROGRESS', not COMPLETED"),
        (_job(finalModelArn=None), "completed without a final model"),
        ({k: v for k, v in _job().items() if k != "finalModelArn"}, "completed without a final model"),
    ],
)
def test_fails_when_named_job_cannot_warm_start(named_job, reason):
    # GIVEN a named job that is missing, foreign, unfinished or model-less  WHEN resolved  THEN the reason
    with pytest.raises(WarmStartJobNotFound, match=reason):
        _resolve(JOB, named_job=named_job)


def test_external_model_in_same_region_and_account_is_allowed():
    # GIVEN a model the pipeline never produced  WHEN named  THEN used, reason "external model"
    warm = _resolve(MODEL)
    assert (warm.initial_model_arn, warm.policy) == (MODEL, MODEL)
    assert warm.reason.startswith("external model")


def test_model_account_is_not_checked_when_unknown():
    other_account = MODEL.replace("123456789012", "210987654321")
    assert _resolve(other_account, account=None).initial_model_arn == other_account


@pytest.mark.parametrize(
    ("arn", "reason"),
    [
        (MODEL.replace("us-east-1", "eu-west-1"), "region 'eu-west-1', the pipeline in 'us-east-1'"),
        (MODEL.replace("123456789012", "210987654321"), "account 210987654321, the pipeline in 123456789012"),
    ],
)
def test_fails_when_model_is_in_another_region_or_account(arn, reason):
    with pytest.raises(WarmStartModelInvalid, match=reason):
        _resolve(arn)


def test_own_model_of_same_task_type_is_used_with_its_origin():
    # GIVEN our MODEL item for the ARN  WHEN named  THEN used, reason names the producing job
    record = {"chain": "birds-old", "taskType": "BoundingBox", "labelingJobName": JOB, "sequence": 1}
    assert _resolve(MODEL, model_record=record).reason == f"model of job {JOB} (chain birds-old)"


def test_fails_when_model_was_trained_for_another_task_type():
    record = {"chain": "cats", "taskType": "ImageClassification", "labelingJobName": JOB}
    with pytest.raises(
        WarmStartModelIncompatible, match="trained for 'ImageClassification'; chain birds is BoundingBox"
    ):
        _resolve(MODEL, model_record=record)


def test_fails_when_model_was_trained_on_other_labels():
    # GIVEN a MODEL item with labels and a chain with different (or reordered) labels
    record = {"chain": "b2", "taskType": "BoundingBox", "labelingJobName": JOB, "labels": ["Bird", "Nest"]}
    # WHEN resolved with the chain labels  THEN incompatible; same labels pass; without labels, not checked
    with pytest.raises(WarmStartModelIncompatible, match="labels"):
        _resolve(MODEL, model_record=record, labels=("Nest", "Bird"))
    assert _resolve(MODEL, model_record=record, labels=("Bird", "Nest")).initial_model_arn == MODEL
    assert _resolve(MODEL, model_record=record).initial_model_arn == MODEL


def test_to_item_drops_the_model_of_a_cold_start():
    assert WarmStart("latest", None, "r").to_item() == {"policy": "latest", "reason": "r"}
    assert WarmStart("latest", MODEL, "r").to_item() == {
        "policy": "latest",
        "reason": "r",
        "initialModelArn": MODEL,
    }

"""A manifest too large to read, and a chain whose labels change under its head model.

An upload larger than Prepare reads must fail by name (``ManifestTooLarge``) from its size, before its body
is read, instead of filling ``/tmp`` or timing out; a redeployment that changes a chain's labels must not
warm-start the next job from a model trained on the old labels: ``latest`` then starts cold and says why.
"""

from __future__ import annotations

import json

import pytest
from labelchain_fn.handlers import prepare
from reliability_stack import Deployed, assert_rejected, statuses

KEY = "incoming/birds/batch-0001.manifest"


def test_a_manifest_over_the_size_limit_fails_by_name_and_creates_nothing(
    deployed: Deployed, monkeypatch: pytest.MonkeyPatch
) -> None:
    # GIVEN a full, valid batch one byte larger than the (lowered) largest manifest Prepare reads
    body = "\n".join(deployed.lines()).encode()
    monkeypatch.setattr(prepare, "MAX_MANIFEST_BYTES", len(body) - 1)
    uploaded = deployed.put(KEY, body)
    # WHEN the workflow runs
    [run] = deployed.wait_for_executions(1)
    # THEN it fails with ManifestTooLarge naming the object, its size and the limit; a FAILURE# record says
    # so, and no labeling job, job record or upload claim exists
    size_message = f"is {len(body):,} bytes; the largest manifest Prepare reads is {len(body) - 1:,} bytes"
    assert_rejected(deployed, run, "ManifestTooLarge", size_message)
    assert f"s3://{deployed.input_bucket}/{KEY} (version {uploaded['VersionId']})" in run["cause"]
    # AND the upload itself is untouched
    assert deployed.object_state(KEY)["Body"] == body


def test_a_manifest_at_the_size_limit_is_labeled(deployed: Deployed, monkeypatch: pytest.MonkeyPatch) -> None:
    # GIVEN a full batch exactly as large as the (lowered) limit
    body = "\n".join(deployed.lines()).encode()
    monkeypatch.setattr(prepare, "MAX_MANIFEST_BYTES", len(body))
    deployed.put(KEY, body)
    # WHEN the workflow runs  THEN it succeeds: the limit is inclusive
    [run] = deployed.wait_for_executions(1)
    assert run["status"] == "SUCCEEDED", run
    assert len(deployed.labeling_jobs()) == 1
    deployed.assert_settled()


def relabel_chain(deployed: Deployed, chain: str, labels: list[str]) -> None:
    """Redeploy ``chain`` with ``labels``: rewrite the chains parameter the stack deployed (each handler call
    reads it again, as a new Lambda container would after a deployment)."""
    ssm = deployed.client("ssm")
    name = deployed.environments["prepare"]["CHAINS_PARAMETER_NAME"]
    document = json.loads(ssm.get_parameter(Name=name)["Parameter"]["Value"])
    document["chains"][chain]["labels"] = labels
    ssm.put_parameter(Name=name, Value=json.dumps(document), Type="String", Overwrite=True)


def test_changed_labels_make_the_next_job_start_cold_with_the_reason(deployed: Deployed) -> None:
    # GIVEN a first birds batch labeled with ["Bird"]: its model is the chain head
    deployed.put("incoming/birds/batch-1.manifest", "\n".join(deployed.lines(prefix="images/b1")))
    [first] = deployed.wait_for_executions(1)
    assert first["status"] == "SUCCEEDED", first
    [job1] = deployed.jobs()
    model = job1["finalModelArn"]
    assert deployed.item("CHAIN#birds", "HEAD")["headModelArn"] == model
    assert deployed.item(f"MODEL#{model}", "MODEL")["labels"] == ["Bird"]
    # WHEN the chain is redeployed with another label set and a second batch is uploaded
    relabel_chain(deployed, "birds", ["Bird", "Nest"])
    deployed.put("incoming/birds/batch-2.manifest", "\n".join(deployed.lines(prefix="images/b2")))
    runs = deployed.wait_for_executions(2)
    # THEN the second job ran, cold: no initial model was given to Ground Truth
    assert statuses(runs) == ["SUCCEEDED", "SUCCEEDED"]
    job2 = deployed.jobs()[1]
    sagemaker = deployed.client("sagemaker")
    described = sagemaker.describe_labeling_job(LabelingJobName=job2["labelingJobName"])
    assert "InitialActiveLearningModelArn" not in described["LabelingJobAlgorithmsConfig"]
    # AND its record says why, naming the head model, its job and both label lists
    assert job2["warmStart"] == {
        "policy": "latest",
        "reason": (
            f"head model {model} (job {job1['labelingJobName']}) was trained on labels ['Bird']; "
            "chain birds has ['Bird', 'Nest']"
        ),
    }
    # AND the new job's model, trained on the new labels, becomes the head for the jobs after it
    head = deployed.item("CHAIN#birds", "HEAD")
    assert head["headModelArn"] == job2["finalModelArn"] != model
    assert deployed.item(f"MODEL#{job2['finalModelArn']}", "MODEL")["labels"] == ["Bird", "Nest"]
    deployed.assert_settled()

"""The project's own synthesized stack in the sandbox: upload → labeling job → record, twice (warm start).

Needs ``cdk.out`` from ``cdk synth`` at the project root; skipped without it.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from boto3.dynamodb.types import TypeDeserializer

from sandbox.deploy import deploy

CDK_OUT = Path(__file__).resolve().parents[3] / "cdk.out"
pytestmark = [
    pytest.mark.e2e,
    pytest.mark.skipif(not (CDK_OUT / "manifest.json").exists(), reason="run cdk synth first"),
]


def _items(sandbox, table: str) -> list[dict]:
    deserializer = TypeDeserializer()
    raw = sandbox.client("dynamodb").scan(TableName=table)["Items"]
    return [{k: deserializer.deserialize(v) for k, v in item.items()} for item in raw]


def _upload(sandbox, outputs: dict, chain: str, source_key: str, batch: int) -> None:
    bucket = outputs["InputBucketName"]
    lines = [
        json.dumps(
            {source_key: f"s3://{bucket}/images/{chain}/b{batch}/img-{i:05d}.jpg"}
            if source_key == "source-ref"
            else {source_key: f"text {batch} {i}"}
        )
        for i in range(1250)
    ]
    sandbox.client("s3").put_object(
        Bucket=bucket, Key=f"incoming/{chain}/batch-{batch:04d}.manifest", Body="\n".join(lines).encode()
    )


def test_uploads_become_chained_labeling_jobs_with_records(sandbox, wait):
    # GIVEN the synthesized stack deployed into the sandbox
    result = deploy(sandbox, CDK_OUT)
    outputs = result.outputs
    chains = json.loads(
        sandbox.client("ssm").get_parameter(Name=outputs["ChainsParameterName"])["Parameter"]["Value"]
    )["chains"]
    chain, settings = next(iter(chains.items()))
    source_key = (
        "source"
        if settings.get("taskType", settings.get("task_type")) == "TextClassification"
        else "source-ref"
    )
    sfn = sandbox.client("stepfunctions")

    def finished(count: int) -> list[dict] | None:
        executions = sfn.list_executions(stateMachineArn=outputs["StateMachineArn"])["executions"]
        return (
            executions
            if len(executions) == count and all(e["status"] != "RUNNING" for e in executions)
            else None
        )

    def jobs() -> list[dict]:
        return sorted(
            (i for i in _items(sandbox, outputs["JobTableName"]) if i["sk"] == "JOB"),
            key=lambda i: i["sequence"],
        )

    # WHEN a first batch is uploaded THEN its execution succeeds and the job record is complete
    _upload(sandbox, outputs, chain, source_key, 1)
    executions = wait(lambda: finished(1), 120)
    assert executions[0]["status"] == "SUCCEEDED", sfn.describe_execution(
        executionArn=executions[0]["executionArn"]
    )
    first = jobs()[0]
    assert first["status"] == "COMPLETED" and first["counters"]["TotalLabeled"] == 1250
    assert first["finalModelArn"]
    # WHEN a second batch is uploaded THEN its job warm-starts from the first job's final model
    _upload(sandbox, outputs, chain, source_key, 2)
    executions = wait(lambda: finished(2), 120)
    assert all(e["status"] == "SUCCEEDED" for e in executions)
    second = jobs()[1]
    request = json.loads(second["request"])
    assert request["LabelingJobAlgorithmsConfig"]["InitialActiveLearningModelArn"] == first["finalModelArn"]
    assert second["machinePercent"] > first["machinePercent"]

"""The real CDK CLI against the sandbox: bootstrap, deploy, label, deploy an added chain (an update through
change sets), label on the new chain; the Lambda environments stay warm where the update left them alone.
And ``cdk bootstrap`` after ``sandbox.deploy.deploy()``: it updates the minimal ``CDKToolkit`` stack.

It runs ``node_modules/.bin/cdk`` with the sandbox's ``export`` variables, as a user of ``make sandbox`` would
in another shell; each deploy synthesizes ``app.py`` into a temporary directory with the configuration
passed as ``-c labelchain:configFile=...`` (``cdk.json`` stays as it is).
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import urllib.request
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from mini_assembly import write_assembly

from sandbox.deploy import BOOTSTRAP_VERSION, deploy

pytestmark = pytest.mark.e2e

ROOT = Path(__file__).resolve().parents[3]
CDK = ROOT / "node_modules" / ".bin" / "cdk"
BATCH = 1250  # the fewest objects automated data labeling accepts
STACK = "LabelChain"
needs_cli = pytest.mark.skipif(
    not CDK.exists() or shutil.which("node") is None, reason="the CDK CLI is not installed"
)


def _cli_environment(sandbox: Any) -> dict[str, str]:
    """The sandbox's exports plus the Makefile's offline CDK settings."""
    return {
        **os.environ,
        **sandbox.env(),
        "CDK_DISABLE_CLI_TELEMETRY": "true",
        "CDK_DISABLE_VERSION_CHECK": "1",
        "JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION": "20",
        "JSII_RUNTIME_PACKAGE_CACHE_ROOT": str(ROOT / ".cache" / "jsii"),
        "npm_config_update_notifier": "false",
        "PYTHONDONTWRITEBYTECODE": "1",
        # The Node the Makefile uses (node_modules/.bin/node when installed) runs the CLI and jsii.
        "PATH": f"{ROOT / 'node_modules' / '.bin'}{os.pathsep}{os.environ.get('PATH', '')}",
    }


def _cdk(sandbox: Any, *args: str, timeout: float = 600) -> str:
    completed = subprocess.run(
        [str(CDK), *args],
        cwd=ROOT,
        env=_cli_environment(sandbox),
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
    output = completed.stdout + completed.stderr
    assert completed.returncode == 0, f"cdk {' '.join(args)} exited {completed.returncode}:\n{output[-6000:]}"
    return output


def _config(path: Path, chains: list[str]) -> Path:
    """The ``labelchain`` object of ``cdk.json`` with ``chains``: ``birds`` as configured, the others copied
    from it with their own label."""
    config = json.loads((ROOT / "cdk.json").read_text())["context"]["labelchain"]
    birds = config["chains"]["birds"]
    config["chains"] = {
        name: birds
        if name == "birds"
        else {**birds, "labels": [name.title()], "taskTitle": f"Box the {name}"}
        for name in chains
    }
    path.write_text(json.dumps(config))
    return path


def _deploy(sandbox: Any, out: Path, config: Path) -> str:
    return _cdk(
        sandbox,
        "deploy",
        "--require-approval",
        "never",
        "--progress",
        "events",
        "-o",
        str(out),
        "-c",
        f"labelchain:configFile={config}",
    )


def _outputs(sandbox: Any, stack_name: str = STACK) -> dict[str, str]:
    stack = sandbox.client("cloudformation").describe_stacks(StackName=stack_name)["Stacks"][0]
    return {o["OutputKey"]: o["OutputValue"] for o in stack["Outputs"]}


def _functions(sandbox: Any) -> dict[str, str]:
    """Handler (``JobFunctions<Name>Function`` logical id) -> function name."""
    resources = sandbox.client("cloudformation").describe_stack_resources(StackName=STACK)["StackResources"]
    return {
        r["LogicalResourceId"].removeprefix("JobFunctions").split("Function")[0]: r["PhysicalResourceId"]
        for r in resources
        if r.get("ResourceType") == "AWS::Lambda::Function"
    }


def _label(sandbox: Any, outputs: dict[str, str], chain: str, wait: Any) -> dict[str, Any]:
    """Upload a 1,250-object manifest to ``incoming/<chain>/`` and wait for its job record to complete."""
    bucket = outputs["InputBucketName"]
    lines = (json.dumps({"source-ref": f"s3://{bucket}/cli/{chain}/img-{i:05d}.png"}) for i in range(BATCH))
    sandbox.client("s3").put_object(
        Bucket=bucket, Key=f"incoming/{chain}/batch-0001.manifest", Body=("\n".join(lines) + "\n").encode()
    )
    dynamodb = sandbox.client("dynamodb")

    def completed() -> dict[str, Any] | None:
        for item in dynamodb.scan(TableName=outputs["JobTableName"])["Items"]:
            if item["sk"]["S"] == "JOB" and item.get("chain", {}).get("S") == chain:
                status = item.get("status", {}).get("S")
                assert status not in ("FAILED", "STOPPED"), item
                if status == "COMPLETED":
                    return item
        return None

    return dict(wait(completed, timeout=120, interval=0.5))


def _invocations(sandbox: Any) -> list[dict[str, Any]]:
    with urllib.request.urlopen(f"{sandbox.endpoint_url}/_sandbox/lambda", timeout=10) as response:
        stats = json.loads(response.read())
    assert stats["warm"] is True
    return list(stats["invocations"])


@needs_cli
def test_the_cdk_cli_deploys_and_updates_the_stack_and_environments_stay_warm(sandbox, tmp_path, wait):
    # GIVEN a sandbox bootstrapped and deployed with the real CLI, with one chain (birds)
    _cdk(sandbox, "bootstrap")
    _deploy(sandbox, tmp_path / "out-a", _config(tmp_path / "one-chain.json", ["birds"]))
    outputs = _outputs(sandbox)
    # WHEN a manifest is uploaded for birds THEN it is labeled
    birds = _label(sandbox, outputs, "birds", wait)
    assert birds["pk"]["S"].startswith("JOB#lc-birds-")
    before = _invocations(sandbox)

    # WHEN the CLI deploys again with a second chain (cats): an update through change sets
    output = _deploy(sandbox, tmp_path / "out-b", _config(tmp_path / "two-chains.json", ["birds", "cats"]))
    deployed_at = datetime.now(UTC)
    # THEN the stack is updated in place: same outputs, the chains parameter holds both chains
    assert "UPDATE_COMPLETE" in output and _outputs(sandbox) == outputs
    parameter = sandbox.client("ssm").get_parameter(Name=outputs["ChainsParameterName"])["Parameter"]
    assert parameter["Version"] == 2 and sorted(json.loads(parameter["Value"])["chains"]) == ["birds", "cats"]

    # WHEN a manifest is uploaded for the new chain THEN its labeling job is created and recorded
    cats = _label(sandbox, outputs, "cats", wait)
    assert cats["pk"]["S"].startswith("JOB#lc-cats-")
    job = sandbox.client("sagemaker").describe_labeling_job(
        LabelingJobName=cats["pk"]["S"].removeprefix("JOB#")
    )
    assert job["LabelingJobStatus"] == "Completed"

    # AND the Lambda environments behaved like Lambda's: a function the update did not change (start) served
    # the new chain from the environment that served the first one (a warm start)...
    functions = _functions(sandbox)
    after = [i for i in _invocations(sandbox) if _time(i["at"]) > deployed_at]
    start_before = {i["pid"] for i in before if i["function"] == functions["Start"]}
    start_after = [i for i in after if i["function"] == functions["Start"]]
    assert start_after and all(i["warm"] and i["pid"] in start_before for i in start_after), (before, after)
    # ...while one whose configuration the update changed (prepare: the chains digest) got a new environment,
    # started after the update (an environment of the old configuration would not know the new chain)
    prepare_before = {i["configKey"] for i in before if i["function"] == functions["Prepare"]}
    prepare_after = [i for i in after if i["function"] == functions["Prepare"]]
    assert prepare_after and not {i["configKey"] for i in prepare_after} & prepare_before
    assert all(_time(i["workerStartedAt"]) > deployed_at for i in prepare_after), prepare_after


@needs_cli
def test_cdk_bootstrap_updates_the_toolkit_stack_deploy_created(sandbox, tmp_path):
    # GIVEN a sandbox bootstrapped by deploy(): a minimal CDKToolkit stack
    deploy(sandbox, write_assembly(tmp_path / "cdk.out"))
    cfn = sandbox.client("cloudformation")
    before = _outputs(sandbox, "CDKToolkit")
    # WHEN the real CLI bootstraps THEN it updates that stack: the same bucket, the CLI's newer version
    _cdk(sandbox, "bootstrap")
    assert cfn.describe_stacks(StackName="CDKToolkit")["Stacks"][0]["StackStatus"] == "UPDATE_COMPLETE"
    after = _outputs(sandbox, "CDKToolkit")
    assert after["BucketName"] == before["BucketName"]
    assert int(after["BootstrapVersion"]) > int(BOOTSTRAP_VERSION)
    parameter = sandbox.client("ssm").get_parameter(Name="/cdk-bootstrap/hnb659fds/version")["Parameter"]
    assert (parameter["Value"], parameter["Version"]) == (after["BootstrapVersion"], 2)


def _time(text: str) -> datetime:
    return datetime.fromisoformat(text)

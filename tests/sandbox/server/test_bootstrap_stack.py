"""deploy() leaves the environment bootstrapped: a ``CDKToolkit`` stack owning the assets bucket and the
bootstrap version parameter, as ``cdk bootstrap`` would (a real ``cdk bootstrap`` later: ``test_cdk_cli``)."""

from __future__ import annotations

from mini_assembly import write_assembly

from labelchain_cli.doctor.checks import check_bootstrap
from labelchain_cli.doctor.report import Status
from sandbox.bootstrap_stack import ensure_toolkit_stack
from sandbox.deploy import BOOTSTRAP_VERSION, deploy

VERSION_PARAMETER = "/cdk-bootstrap/hnb659fds/version"


def test_deploy_creates_the_toolkit_stack_that_owns_the_bucket_and_version(sandbox, tmp_path):
    # GIVEN an empty sandbox WHEN a cloud assembly is deployed
    deploy(sandbox, write_assembly(tmp_path / "cdk.out"))
    bucket = f"cdk-hnb659fds-assets-{sandbox.account_id}-{sandbox.settings.region}"
    cfn, ssm = sandbox.client("cloudformation"), sandbox.client("ssm")
    # THEN CDKToolkit is complete, with the real bootstrap stack's outputs
    toolkit = cfn.describe_stacks(StackName="CDKToolkit")["Stacks"][0]
    assert toolkit["StackStatus"] == "CREATE_COMPLETE"
    outputs = {o["OutputKey"]: o["OutputValue"] for o in toolkit["Outputs"]}
    assert outputs == {"BucketName": bucket, "BootstrapVersion": BOOTSTRAP_VERSION}
    # AND it owns the bucket the assets went to and the version parameter the template read
    resources = cfn.describe_stack_resources(StackName="CDKToolkit")["StackResources"]
    owned = {r["LogicalResourceId"]: r["PhysicalResourceId"] for r in resources}
    assert owned == {"StagingBucket": bucket, "CdkBootstrapVersion": VERSION_PARAMETER}
    assert ssm.get_parameter(Name=VERSION_PARAMETER)["Parameter"]["Value"] == BOOTSTRAP_VERSION
    assert sandbox.client("s3").list_objects_v2(Bucket=bucket)["KeyCount"] == 2  # template and code
    # AND `labelchain doctor` finds the environment bootstrapped
    result = check_bootstrap(
        cfn, ssm, account=sandbox.account_id, region=sandbox.settings.region, qualifier="hnb659fds"
    )
    assert result.status == Status.PASS, result


def test_an_existing_toolkit_stack_is_left_as_it_is(sandbox, tmp_path):
    # GIVEN a deployed assembly (and so a CDKToolkit stack)
    deploy(sandbox, write_assembly(tmp_path / "cdk.out"))
    # WHEN the toolkit stack is ensured again with another version THEN nothing changes
    status = ensure_toolkit_stack(
        sandbox, bucket_name="other", version_parameter=VERSION_PARAMETER, version="99"
    )
    assert status == "CREATE_COMPLETE"
    parameter = sandbox.client("ssm").get_parameter(Name=VERSION_PARAMETER)["Parameter"]
    assert (parameter["Value"], parameter["Version"]) == (BOOTSTRAP_VERSION, 1)

"""The ``CDKToolkit`` stack :func:`sandbox.deploy.deploy` creates, standing in for ``cdk bootstrap``.

A deployed CDK app implies a bootstrapped environment: its template reads the SSM parameter
``/cdk-bootstrap/<qualifier>/version`` (its ``BootstrapVersion`` parameter), its assets sit in the
bootstrap bucket, and tools look for the ``CDKToolkit`` stack that owns both (``labelchain doctor``, the
CDK CLI). The real bootstrap template also has roles, a repository, policies and a KMS key that a deploy
does not read, and the CLI takes about 10 s to deploy it. This stack owns only the bucket and the
parameter, under the real template's logical ids, parameter names and outputs (``BucketName``,
``BootstrapVersion``). So a later real ``cdk bootstrap`` sees an older version and updates the stack
through a change set: the same bucket (``BucketName`` unchanged), the parameter's next version, the other
resources added.
"""

from __future__ import annotations

import json
import re
from typing import TYPE_CHECKING, Any

from botocore.exceptions import ClientError

from .deploy_checks import DeployError, wait_for_stack

if TYPE_CHECKING:
    from .server import Sandbox

#: The stack name the CDK CLI and ``labelchain doctor`` look for (the CLI's ``--toolkit-stack-name`` default).
TOOLKIT_STACK = "CDKToolkit"
#: CDK's default bootstrap qualifier, when the version parameter's name does not carry one.
DEFAULT_QUALIFIER = "hnb659fds"
_VERSION_PARAMETER = re.compile(r"/cdk-bootstrap/(?P<qualifier>[^/]+)/version")


def qualifier_of(version_parameter: str) -> str:
    """The qualifier in ``/cdk-bootstrap/<qualifier>/version`` (:data:`DEFAULT_QUALIFIER` for other names)."""
    match = _VERSION_PARAMETER.fullmatch(version_parameter)
    return match["qualifier"] if match else DEFAULT_QUALIFIER


def default_bucket_name(qualifier: str, account_id: str, region: str) -> str:
    """The bootstrap bucket's name when ``cdk bootstrap`` is not given one (``--toolkit-bucket-name``)."""
    return f"cdk-{qualifier}-assets-{account_id}-{region}"


def toolkit_template(bucket_name: str, version_parameter: str, version: str) -> dict[str, Any]:
    """The minimal bootstrap template: ``StagingBucket`` (versioned, retained as in the real one) named
    ``bucket_name`` and ``CdkBootstrapVersion`` (``version_parameter`` = ``version``), with the real
    template's ``Qualifier`` and ``FileAssetsBucketName`` parameters so that ``cdk bootstrap`` reuses them."""
    return {
        "Description": "The CDK bootstrap resources a deploy reads (sandbox; cdk bootstrap completes it)",
        "Parameters": {
            "Qualifier": {"Type": "String", "Default": DEFAULT_QUALIFIER},
            "FileAssetsBucketName": {"Type": "String", "Default": ""},
        },
        "Resources": {
            "StagingBucket": {
                "Type": "AWS::S3::Bucket",
                "Properties": {"BucketName": bucket_name, "VersioningConfiguration": {"Status": "Enabled"}},
                "UpdateReplacePolicy": "Retain",
                "DeletionPolicy": "Retain",
            },
            "CdkBootstrapVersion": {
                "Type": "AWS::SSM::Parameter",
                "Properties": {"Type": "String", "Name": version_parameter, "Value": version},
            },
        },
        "Outputs": {
            "BucketName": {
                "Description": "The name of the S3 bucket owned by the CDK toolkit stack",
                "Value": {"Ref": "StagingBucket"},
            },
            "BootstrapVersion": {
                "Description": "The version of the bootstrap resources that are currently mastered in this "
                "stack",
                "Value": version,
            },
        },
    }


def _existing_status(sandbox: Sandbox) -> str | None:
    try:
        stack = sandbox.client("cloudformation").describe_stacks(StackName=TOOLKIT_STACK)["Stacks"][0]
    except ClientError as error:
        if "does not exist" in str(error):
            return None
        raise
    status = str(stack["StackStatus"])
    return None if status == "DELETE_COMPLETE" else status


def ensure_toolkit_stack(
    sandbox: Sandbox,
    *,
    bucket_name: str,
    version_parameter: str,
    version: str,
    timeout_seconds: float = 60.0,
) -> str:
    """Create the ``CDKToolkit`` stack of :func:`toolkit_template` unless one exists; returns its status.

    An existing stack (a real ``cdk bootstrap``, an earlier deploy) is left as it is, as ``cdk deploy``
    does: its version is not lowered. Raises :class:`~sandbox.deploy_checks.DeployError` when the new
    stack cannot be created or does not complete within ``timeout_seconds`` (default 60).
    """
    status = _existing_status(sandbox)
    if status is not None:
        return status
    qualifier = qualifier_of(version_parameter)
    account_id, region = sandbox.account_id, sandbox.settings.region
    parameters = {"Qualifier": qualifier}
    if bucket_name != default_bucket_name(qualifier, account_id, region):
        parameters["FileAssetsBucketName"] = bucket_name  # kept by `cdk bootstrap` (UsePreviousValue)
    try:
        stack_id = sandbox.client("cloudformation").create_stack(
            StackName=TOOLKIT_STACK,
            TemplateBody=json.dumps(toolkit_template(bucket_name, version_parameter, version)),
            Parameters=[{"ParameterKey": k, "ParameterValue": v} for k, v in parameters.items()],
        )["StackId"]
    except ClientError as error:  # e.g. the bucket exists outside any stack
        raise DeployError(f"CreateStack of {TOOLKIT_STACK} failed: {error}") from error
    return str(wait_for_stack(sandbox, stack_id, TOOLKIT_STACK, timeout_seconds)["StackStatus"])

"""Deploy the synthesized CDK app (``cdk.out``) into a running sandbox, then verify it.

Why boto3 ``CreateStack`` and not ``cdk deploy``: it deploys the *exact* synthesized template (no second
synth), publishes the same assets to the same bucket and keys the CDK CLI would (taken from
``<stack>.assets.json``), needs no ``cdklocal``, no CLI bootstrap and no change-set path, and takes seconds
instead of the CLI's 18-25 s. What it skips is the CLI's own publishing and change-set code, which the
offline proof does not need to exercise. The bootstrap pieces the template reads — the assets bucket and
the ``/cdk-bootstrap/<qualifier>/version`` SSM parameter — belong to a minimal ``CDKToolkit`` stack created
through CloudFormation when there is none (:mod:`sandbox.bootstrap_stack`), so the environment looks
bootstrapped, as a real deploy implies. What AWS publishes for every account — the Powertools layer and its
public SSM parameter — comes from :mod:`sandbox.public_parameters`.
"""

from __future__ import annotations

import io
import json
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from botocore.exceptions import ClientError

from .bootstrap_stack import default_bucket_name, ensure_toolkit_stack, qualifier_of
from .deploy_checks import DeployError, skipped_types, verify_stack, wait_for_stack
from .public_parameters import publish_public_parameters
from .server import Sandbox

#: The version of the bootstrap stack deploy() creates (older than the CLI's, so `cdk bootstrap` updates it).
BOOTSTRAP_VERSION = "30"
#: Where a stack artifact without ``bootstrapStackVersionSsmParameter`` reads the bootstrap version.
DEFAULT_VERSION_PARAMETER = "/cdk-bootstrap/hnb659fds/version"


@dataclass
class DeployResult:
    """A deployed stack: its outputs and the physical ids of its resources by type."""

    stack_name: str
    stack_id: str
    outputs: dict[str, str]
    resources: dict[str, list[str]] = field(default_factory=dict)
    skipped: list[str] = field(default_factory=list)

    def summary(self) -> str:
        """One line: verified resources, outputs and the types moto does not create."""
        count = sum(len(ids) for ids in self.resources.values())
        skipped = f"; not created by moto: {', '.join(self.skipped)}" if self.skipped else ""
        return f"{count} verified resources, {len(self.outputs)} outputs{skipped}"


def _substitute(text: str, account_id: str, region: str) -> str:
    return (
        text.replace("${AWS::AccountId}", account_id)
        .replace("${AWS::Region}", region)
        .replace("${AWS::Partition}", "aws")
    )


def zip_directory(directory: Path) -> bytes:
    """A deterministic zip of a directory's contents (sorted entries, fixed timestamps), like CDK's."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for path in sorted(p for p in directory.rglob("*") if p.is_file()):
            info = zipfile.ZipInfo(path.relative_to(directory).as_posix(), date_time=(1980, 1, 1, 0, 0, 0))
            info.external_attr = 0o644 << 16
            archive.writestr(info, path.read_bytes(), zipfile.ZIP_DEFLATED)
    return buffer.getvalue()


def stack_artifact(cdk_out: Path, stack_name: str | None) -> tuple[str, dict[str, Any]]:
    """The stack artifact of the cloud assembly (the only one, or the one named)."""
    manifest = json.loads((cdk_out / "manifest.json").read_text())
    stacks = {n: a for n, a in manifest["artifacts"].items() if a["type"] == "aws:cloudformation:stack"}
    if stack_name is None and len(stacks) == 1:
        stack_name = next(iter(stacks))
    if stack_name not in stacks:
        raise DeployError(f"stack {stack_name!r} not in {cdk_out}; the assembly has {sorted(stacks)}")
    return str(stack_name), stacks[str(stack_name)]


def publish_assets(
    sandbox: Sandbox, cdk_out: Path, artifact: dict[str, Any], account_id: str
) -> dict[str, str]:
    """Upload every file asset to its bucket and key; returns ``{asset id: s3 URL}``."""
    s3, region = sandbox.client("s3"), sandbox.settings.region
    assets_file = next(d["properties"]["file"] for d in _dependencies(cdk_out, artifact))
    assets = json.loads((cdk_out / assets_file).read_text())
    if assets.get("dockerImages"):
        raise DeployError("Docker image assets cannot be published to the sandbox")
    urls = {}
    for asset_id, asset in assets["files"].items():
        source = cdk_out / asset["source"]["path"]
        body = (
            zip_directory(source)
            if asset["source"]["packaging"] == "zip" and source.is_dir()
            else source.read_bytes()
        )
        for destination in asset["destinations"].values():
            bucket = _substitute(destination["bucketName"], account_id, region)
            key = _substitute(destination["objectKey"], account_id, region)
            if bucket not in {b["Name"] for b in s3.list_buckets()["Buckets"]}:
                s3.create_bucket(Bucket=bucket)
            s3.put_object(Bucket=bucket, Key=key, Body=body)
            urls[asset_id] = f"{sandbox.endpoint_url}/{bucket}/{key}"
    return urls


def _dependencies(cdk_out: Path, artifact: dict[str, Any]) -> list[dict[str, Any]]:
    manifest = json.loads((cdk_out / "manifest.json").read_text())
    return [
        manifest["artifacts"][name]
        for name in artifact.get("dependencies", [])
        if manifest["artifacts"][name]["type"] == "cdk:asset-manifest"
    ]


def assets_bucket(
    cdk_out: Path, artifact: dict[str, Any], account_id: str, region: str, qualifier: str
) -> str:
    """The bucket of the stack's first file asset (the bootstrap bucket); CDK's default name without one."""
    for dependency in _dependencies(cdk_out, artifact):
        assets = json.loads((cdk_out / dependency["properties"]["file"]).read_text())
        for asset in assets.get("files", {}).values():
            for destination in asset["destinations"].values():
                return _substitute(destination["bucketName"], account_id, region)
    return default_bucket_name(qualifier, account_id, region)


def deploy(
    sandbox: Sandbox,
    cdk_out: Path | str,
    *,
    stack_name: str | None = None,
    parameters: dict[str, str] | None = None,
    timeout_seconds: float = 120.0,
) -> DeployResult:
    """Publish assets, create the stack from its template URL, wait, verify; raises :class:`DeployError`."""
    cdk_out = Path(cdk_out)
    name, artifact = stack_artifact(cdk_out, stack_name)
    template_file = cdk_out / artifact["properties"]["templateFile"]
    template = json.loads(template_file.read_text())
    account_id, region = sandbox.account_id, sandbox.settings.region
    version_parameter = artifact["properties"].get(
        "bootstrapStackVersionSsmParameter", DEFAULT_VERSION_PARAMETER
    )
    bucket = assets_bucket(cdk_out, artifact, account_id, region, qualifier_of(version_parameter))
    ensure_toolkit_stack(
        sandbox, bucket_name=bucket, version_parameter=version_parameter, version=BOOTSTRAP_VERSION
    )
    urls = publish_assets(sandbox, cdk_out, artifact, account_id)
    publish_public_parameters(sandbox, template)
    template_url = _substitute(
        artifact["properties"].get("stackTemplateAssetObjectUrl", ""), account_id, region
    )
    url = next((u for u in urls.values() if template_url.endswith(u.rsplit("/", 1)[-1])), None)
    cfn = sandbox.client("cloudformation")
    kwargs: dict[str, Any] = {"TemplateURL": url} if url else {"TemplateBody": template_file.read_text()}
    try:
        stack_id = cfn.create_stack(
            StackName=name,
            Capabilities=["CAPABILITY_IAM", "CAPABILITY_NAMED_IAM", "CAPABILITY_AUTO_EXPAND"],
            Parameters=[{"ParameterKey": k, "ParameterValue": v} for k, v in (parameters or {}).items()],
            **kwargs,
        )["StackId"]
    except ClientError as error:
        raise DeployError(f"CreateStack of {name} failed: {error}") from error
    stack = wait_for_stack(sandbox, stack_id, name, timeout_seconds)
    outputs = {o["OutputKey"]: o["OutputValue"] for o in stack.get("Outputs", [])}
    resources = verify_stack(sandbox, stack_id, template)
    return DeployResult(name, stack_id, outputs, resources, skipped_types(sandbox, stack_id, template))

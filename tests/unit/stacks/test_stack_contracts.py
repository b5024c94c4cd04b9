"""Contracts between the stack and the Lambda code: S3 prefixes, asset contents, UI template access."""

from __future__ import annotations

import io
from pathlib import Path
from typing import IO

from aws_cdk import Stack
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_s3 as s3
from aws_cdk.assertions import Template
from labelchain_fn.core.config import parse_pipeline_config
from labelchain_fn.handlers.prepare_steps import write_artifacts
from stack_synth import all_statements, as_list, bare_app, default_context, flatten

from stacks.ground_truth_role import GroundTruthRole
from stacks.job_functions import ASSET_EXCLUDES
from stacks.storage import ARTIFACT_PREFIXES


class RecordingObjects:
    """Stands in for ``adapters.objects.Objects``: records the keys written."""

    def __init__(self) -> None:
        self.keys: list[str] = []

    def put_bytes(self, bucket: str, key: str, data: bytes, content_type: str) -> str:
        self.keys.append(key)
        return f"s3://{bucket}/{key}"

    def upload_file(self, fileobj: IO[bytes], bucket: str, key: str, content_type: str) -> str:
        self.keys.append(key)
        return f"s3://{bucket}/{key}"


def test_prepare_writes_artifacts_only_under_the_prefixes_the_policies_allow():
    # GIVEN the configured chain and a recording object store
    chain = parse_pipeline_config(default_context()["labelchain"]).chains["birds"]
    objects = RecordingObjects()
    # WHEN prepare writes a job's artifacts
    write_artifacts(
        objects,
        bucket="artifacts",
        chain=chain,
        labeling_job_name="lc-birds-0001-abcd1234",
        manifest=io.BytesIO(b'{"source-ref": "s3://input/a.jpg"}\n'),
    )
    # THEN every key lies under one of the prefixes the Ground Truth role may read
    assert len(objects.keys) == 3
    for key in objects.keys:
        assert key.startswith(ARTIFACT_PREFIXES), key


def test_ground_truth_role_reads_exactly_the_configured_ui_templates(kms_synth):
    # GIVEN a chain with its own worker UI template (kms configuration)
    s = kms_synth
    # WHEN the Ground Truth role's statements are read
    role_id = s.stack.resolve(s.stack.ground_truth_role.role.role_arn)["Fn::GetAtt"][0]
    resources = [
        flatten(r)
        for st in s.role_statements(role_id)
        for r in as_list(st["Resource"])
        if "s3:GetObject" in as_list(st["Action"])
    ]
    # THEN it may read that one object (and nothing else of that bucket)
    assert "arn:aws:s3:::team-templates/ui/birds.liquid.html" in resources
    assert not [r for r in resources if "team-templates" in r and r.endswith("*")]


def test_ground_truth_role_construct_defaults_to_no_extra_buckets():
    # GIVEN the construct on its own, without optional arguments
    stack = Stack(bare_app(), "Tiny")
    buckets = [s3.Bucket(stack, name) for name in ("In", "Out", "Art")]
    GroundTruthRole(
        stack, "Role", input_bucket=buckets[0], output_bucket=buckets[1], artifacts_bucket=buckets[2]
    )
    statements = [st for owner, st in all_statements(Template.from_stack(stack).to_json())]
    # THEN only the three buckets appear, and no KMS statement
    text = " ".join(flatten(r) for st in statements for r in as_list(st["Resource"]))
    assert ":s3:::" not in text
    assert not any(a.startswith("kms:") for st in statements for a in as_list(st["Action"]))


def test_asset_excludes_drop_bytecode_caches_and_tests(tmp_path: Path):
    # GIVEN a package folder with a cache directory, bytecode and tests next to the code
    (tmp_path / "pkg" / "__pycache__").mkdir(parents=True)
    (tmp_path / "pkg" / "__pycache__" / "mod.cpython-311.pyc").write_bytes(b"x")
    (tmp_path / "pkg" / "stray.pyc").write_bytes(b"x")
    (tmp_path / "pkg" / "tests").mkdir()
    (tmp_path / "pkg" / "tests" / "test_mod.py").write_text("")
    (tmp_path / "pkg" / "mod.py").write_text("def handler(event, context):\n    return event\n")
    app = bare_app()
    stack = Stack(app, "Tiny")
    lambda_.Function(
        stack,
        "Fn",
        runtime=lambda_.Runtime.PYTHON_3_12,
        handler="pkg.mod.handler",
        code=lambda_.Code.from_asset(str(tmp_path), exclude=ASSET_EXCLUDES),
    )
    # WHEN synthesized with the project's excludes
    outdir = Path(app.synth().directory)
    (staged,) = outdir.glob("asset.*")
    # THEN only the code remains
    assert sorted(p.relative_to(staged).as_posix() for p in staged.rglob("*") if p.is_file()) == [
        "pkg/mod.py"
    ]

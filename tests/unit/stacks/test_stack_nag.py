"""cdk-nag AWS Solutions checks: the app synthesizes clean; an insecure resource fails synthesis."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from aws_cdk import App, Stack, Validations
from aws_cdk import aws_s3 as s3
from cdk_nag import AwsSolutionsChecks
from stack_synth import default_context, kms_context

from stacks.app_builder import build_app


def _report(outdir: Path) -> dict[str, Any]:
    (plugin,) = json.loads((outdir / "validation-report.json").read_text())["pluginReports"]
    return dict(plugin)


@pytest.mark.parametrize("make_context", [default_context, kms_context], ids=["default", "kms"])
def test_app_has_no_unacknowledged_findings(tmp_path, make_context):
    # GIVEN a fresh app with cdk-nag and the project's acknowledgements
    app, _stack = build_app(make_context(), nag=True, outdir=str(tmp_path))
    # WHEN it is synthesized (an unacknowledged finding would raise ValidationFailed)
    app.synth()
    # THEN the report shows no violation, and every acknowledged finding carries a reason
    report = _report(tmp_path)
    assert report["conclusion"] == "success"
    assert report.get("violations", []) == []
    suppressed = report["suppressedViolations"]
    assert suppressed
    assert all(len(v["reason"]) > 20 for v in suppressed)
    # AND acknowledgements are granular: one finding each, never a whole rule family
    assert all("[" in v["ruleName"] or v["ruleName"] == "AwsSolutions-L1" for v in suppressed)


def test_fails_when_a_bucket_is_insecure(tmp_path):
    # GIVEN an app with cdk-nag and a bucket without logging, TLS enforcement or a public access block
    app = App(outdir=str(tmp_path), builtin_cloud_formation_validation=False)
    stack = Stack(app, "Insecure")
    s3.Bucket(stack, "Bucket")
    Validations.of(app).add_plugins(AwsSolutionsChecks(app))
    # WHEN synthesized THEN synthesis fails
    with pytest.raises(RuntimeError, match="ValidationFailed"):
        app.synth()
    # AND the report names the missing access logs and the missing SSL-only policy
    rules = {v["ruleName"] for v in _report(tmp_path)["violations"]}
    assert {"AwsSolutions-S1", "AwsSolutions-S10"} <= rules

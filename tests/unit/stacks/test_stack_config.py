"""Configuration reaches synthesis through context and fails it early, naming the key."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest
from labelchain_fn.core.config import ConfigError
from stack_synth import default_context

from stacks.app_builder import build_app
from stacks.context import PROJECT_ROOT, cdk_json_context, raw_pipeline_config


def test_cdk_json_context_carries_the_feature_flags_and_the_configuration():
    context = cdk_json_context()
    assert context["@aws-cdk/aws-iam:minimizePolicies"] is True
    assert context["labelchain"]["stackName"] == "LabelChain"


def test_stack_name_and_region_come_from_the_configuration(default_synth):
    assert default_synth.stack.stack_name == "LabelChain"
    assert default_synth.stack.region == "us-east-1"
    # the account stays unresolved: synthesis needs no credentials
    assert default_synth.stack.resolve(default_synth.stack.account) == {"Ref": "AWS::AccountId"}


def test_fails_when_workers_per_object_is_out_of_range():
    # GIVEN workersPerObject 12 (the maximum is 9)
    context = default_context()
    context["labelchain"]["chains"]["birds"]["workersPerObject"] = 12
    # WHEN the app is built THEN the error names the key, the expectation and the value
    with pytest.raises(ConfigError) as caught:
        build_app(context, nag=False)
    assert any(
        p.startswith("labelchain.chains.birds.workersPerObject: expected an integer from 1 to 9")
        and "12" in p
        for p in caught.value.problems
    )


def test_rejects_an_unsupported_region():
    context = default_context()
    context["labelchain"]["region"] = "eu-north-1"
    with pytest.raises(ConfigError) as caught:
        build_app(context, nag=False)
    assert any(p.startswith("labelchain.region:") and "eu-north-1" in p for p in caught.value.problems)


def test_config_file_context_key_replaces_the_inline_configuration(tmp_path):
    # GIVEN a JSON file with another stack name, named by labelchain:configFile
    config = default_context()["labelchain"] | {"stackName": "OtherChain"}
    path = tmp_path / "labelchain.json"
    path.write_text(json.dumps(config))
    # WHEN the raw configuration is picked THEN the file wins over the inline object
    picked = raw_pipeline_config({"labelchain": {"stackName": "Inline"}, "labelchain:configFile": str(path)})
    assert picked["stackName"] == "OtherChain"


def test_fails_when_the_config_file_is_missing(tmp_path):
    with pytest.raises(ConfigError, match="labelchain:configFile"):
        raw_pipeline_config({"labelchain:configFile": str(tmp_path / "missing.json")})


def test_app_prints_every_problem_and_exits_non_zero(tmp_path):
    # GIVEN a config file with two wrong values, passed the way the CDK CLI passes -c values
    config = default_context()["labelchain"]
    config["chains"]["birds"]["workersPerObject"] = 12
    config["monitorIntervalMinutes"] = 0
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(config))
    env = os.environ | {
        "CDK_CONTEXT_JSON": json.dumps({"labelchain:configFile": str(path)}),
        "CDK_OUTDIR": str(tmp_path / "out"),
    }
    # WHEN app.py runs
    result = subprocess.run(
        [sys.executable, str(PROJECT_ROOT / "app.py")],
        capture_output=True,
        text=True,
        env=env,
        cwd=PROJECT_ROOT,
        check=False,
        timeout=120,
    )
    # THEN it exits 1 before synthesizing, listing both keys
    assert result.returncode == 1, result.stderr
    assert "labelchain.chains.birds.workersPerObject" in result.stderr
    assert "labelchain.monitorIntervalMinutes" in result.stderr
    assert not (tmp_path / "out" / "LabelChain.template.json").exists()

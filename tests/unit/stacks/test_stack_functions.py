"""Lambda functions: runtime, handlers, environment (docs/design.md), tracing, layer and logs."""

from __future__ import annotations

import copy
import importlib
import json
import re
from pathlib import Path

import pytest
from labelchain_fn.core.chains_document import chains_digest
from labelchain_fn.core.manifest import MAX_MANIFEST_BYTES
from labelchain_fn.functions import FUNCTIONS, ephemeral_storage_mb_for
from stack_synth import HANDLERS, KMS_KEY_ARN, SHARED_BUCKET, default_context, flatten, synth

from stacks.powertools import POWERTOOLS_VERSION

ROOT = Path(__file__).resolve().parents[3]

POWERTOOLS_SETTINGS = {"POWERTOOLS_SERVICE_NAME", "POWERTOOLS_METRICS_NAMESPACE"}
#: Variables set only when their configuration key is (cdk.json's default configuration has no KMS key).
UNSET_BY_DEFAULT = {"KMS_KEY_ARN"}


def test_seven_python312_functions_with_the_handler_strings(default_synth):
    # GIVEN the functions, found by their Handler
    ids = default_synth.function_ids()
    # THEN there is one per handler module, on python3.12
    assert sorted(ids) == sorted(HANDLERS)
    for name in HANDLERS:
        props = default_synth.function(name)["Properties"]
        assert props["Handler"] == f"labelchain_fn.handlers.{name}.handler"
        assert props["Runtime"] == "python3.12"
        assert props["TracingConfig"] == {"Mode": "Active"}


@pytest.mark.parametrize("name", HANDLERS)
def test_each_function_gets_exactly_the_environment_its_declaration_reads(default_synth, name):
    # GIVEN the function's declaration (labelchain_fn.functions) WHEN the stack is synthesized
    env = default_synth.function(name)["Properties"]["Environment"]["Variables"]
    declared = FUNCTIONS[name]
    # THEN its variables are the declared ones with a value, plus Powertools' settings; nothing else
    assert set(env) == POWERTOOLS_SETTINGS | (set(declared.environment) - UNSET_BY_DEFAULT)
    assert set(declared.required) <= set(env)
    assert env["POWERTOOLS_SERVICE_NAME"] == "labelchain"
    assert env["POWERTOOLS_METRICS_NAMESPACE"] == "LabelChain"


def test_the_handlers_require_what_their_declaration_requires():
    # GIVEN each handler module  THEN its REQUIRED settings are its declaration's (one source)
    for name in HANDLERS:
        module = importlib.import_module(f"labelchain_fn.handlers.{name}")
        assert FUNCTIONS[name].required == module.REQUIRED


def test_the_design_doc_lists_every_variable_with_the_functions_that_read_it():
    # GIVEN docs/design.md's environment table
    text = (ROOT / "docs" / "design.md").read_text()
    rows = dict(re.findall(r"^\| `([A-Z_]+)` \| ([a-z_, ]+) \|", text, re.MULTILINE))
    # THEN each declared variable has a row naming exactly the functions that read it
    readers: dict[str, set[str]] = {}
    for name, declared in FUNCTIONS.items():
        for variable in declared.environment:
            readers.setdefault(variable, set()).add(name)
    documented = {v: {f.strip() for f in rows[v].split(",")} for v in readers if v in rows}
    assert documented == readers


def test_environment_values_point_at_this_stacks_resources(default_synth):
    s = default_synth
    env = s.function("prepare")["Properties"]["Environment"]["Variables"]
    stack = s.stack
    assert env["TABLE_NAME"] == stack.resolve(stack.job_table.table.table_name)
    assert env["INPUT_BUCKET"] == stack.resolve(stack.storage.input_bucket.bucket_name)
    assert env["OUTPUT_BUCKET"] == stack.resolve(stack.storage.output_bucket.bucket_name)
    assert env["ARTIFACTS_BUCKET"] == stack.resolve(stack.storage.artifacts_bucket.bucket_name)
    assert env["GROUND_TRUTH_ROLE_ARN"] == stack.resolve(stack.ground_truth_role.role.role_arn)
    assert env["JOB_NAME_PREFIX"] == "lc"
    assert env["RECORD_TTL_DAYS"] == "365"
    assert env["ALLOWED_SOURCE_BUCKETS"] == ""
    monitor = s.function("monitor")["Properties"]["Environment"]["Variables"]
    assert monitor["STALLED_AFTER_MINUTES"] == "720"
    assert monitor["TOPIC_ARN"] == stack.resolve(stack.alerts.topic.topic_arn)
    parameter_id = stack.resolve(stack.chain_settings.parameter.parameter_name)["Ref"]
    assert s.json["Resources"][parameter_id]["Properties"]["Name"] == "/LabelChain/chains"


def test_kms_key_and_source_buckets_reach_prepare(kms_synth):
    env = kms_synth.function("prepare")["Properties"]["Environment"]["Variables"]
    assert env["KMS_KEY_ARN"] == KMS_KEY_ARN
    assert env["ALLOWED_SOURCE_BUCKETS"] == SHARED_BUCKET


def test_functions_get_the_pinned_powertools_by_its_public_parameter_only(default_synth):
    # GIVEN the version every test ran with (the installed aws-lambda-powertools, pinned in pyproject.toml)
    pinned = re.search(r'"aws-lambda-powertools==([\d.]+)"', (ROOT / "pyproject.toml").read_text())
    assert pinned and pinned.group(1) == POWERTOOLS_VERSION
    # THEN every function's one layer is the template parameter resolved from Powertools' public SSM
    # parameter for exactly that version, runtime and architecture; nothing else may be passed for it
    parameters = {k: v for k, v in default_synth.json["Parameters"].items() if "Powertools" in k}
    [(logical_id, parameter)] = parameters.items()
    name = f"/aws/service/powertools/python/arm64/python3.12/{pinned.group(1)}"
    assert parameter["Type"] == "AWS::SSM::Parameter::Value<String>"
    assert parameter["Default"] == name and parameter["AllowedValues"] == [name]
    for handler in HANDLERS:
        props = default_synth.function(handler)["Properties"]
        assert props["Layers"] == [{"Ref": logical_id}] and props["Architectures"] == ["arm64"]
        assert props["Runtime"] == "python3.12"
    # AND no layer is named by its number anywhere in the template
    assert not re.search(r":layer:[^\"]+:\d+", json.dumps(default_synth.json))


def test_each_function_logs_to_its_own_log_group_with_retention(default_synth):
    groups = set()
    for name in HANDLERS:
        group_id = default_synth.function(name)["Properties"]["LoggingConfig"]["LogGroup"]["Ref"]
        assert default_synth.json["Resources"][group_id]["Properties"]["RetentionInDays"] == 90
        groups.add(group_id)
    assert len(groups) == len(HANDLERS)


def test_asset_is_the_lambdas_folder_without_caches(default_synth):
    # GIVEN the one asset all functions share, staged in the cloud assembly
    keys = {str(default_synth.function(n)["Properties"]["Code"]["S3Key"]) for n in HANDLERS}
    assert len(keys) == 1
    asset_hash = keys.pop().removesuffix(".zip")
    outdir = Path(default_synth.stack.node.root.outdir)
    staged = outdir / f"asset.{asset_hash}"
    files = [p.relative_to(staged).as_posix() for p in staged.rglob("*")]
    # THEN it is the lambdas/ folder (the labelchain_fn package) without bytecode caches
    assert "labelchain_fn/core/config/__init__.py" in files
    assert "labelchain_fn/handlers/__init__.py" in files
    assert not [f for f in files if "__pycache__" in f or f.endswith(".pyc")]


def test_prepare_tmp_holds_twice_the_largest_manifest(default_synth):
    # GIVEN the largest manifest Prepare reads and spools (core/manifest.py)
    # WHEN the stack is synthesized
    size = default_synth.function("prepare")["Properties"]["EphemeralStorage"]["Size"]
    # THEN Prepare's /tmp is derived from it: twice the limit in MiB, never below Lambda's 512
    assert size == FUNCTIONS["prepare"].ephemeral_storage_mb == ephemeral_storage_mb_for(MAX_MANIFEST_BYTES)
    assert size * 2**20 >= 2 * MAX_MANIFEST_BYTES
    # AND the other functions keep Lambda's default
    others = {n: default_synth.function(n)["Properties"]["EphemeralStorage"]["Size"] for n in HANDLERS}
    del others["prepare"]
    assert set(others.values()) == {512}


@pytest.mark.parametrize(
    ("limit", "expected"),
    [(2**20, 512), (256 * 2**20, 512), (300 * 2**20, 600), (300 * 2**20 + 1, 601), (8 * 2**30, 10_240)],
)
def test_ephemeral_storage_is_twice_the_spool_within_lambda_bounds(limit, expected):
    # GIVEN a largest spooled file  WHEN sized  THEN 2x in whole MiB, clamped to 512-10,240 MiB
    assert ephemeral_storage_mb_for(limit) == expected


def test_a_change_of_the_chains_changes_the_configuration_of_every_function_that_reads_them():
    # GIVEN two configurations that differ only in one chain's labels
    base = default_context()
    changed = copy.deepcopy(base)
    changed["labelchain"]["chains"]["birds"]["labels"] = ["Bird", "Nest"]
    first, second = synth(base), synth(changed)
    # THEN every function that reads the chains carries another CHAINS_DIGEST (Lambda replaces its warm
    # environments), equal to the digest of the parameter value it will read; the others are unchanged
    parameter_values = [
        flatten(parameter["Properties"]["Value"])
        for synthesized in (first, second)
        for parameter in synthesized.resources("AWS::SSM::Parameter").values()
    ]
    for name in HANDLERS:
        old = first.function(name)["Properties"]["Environment"]["Variables"]
        new = second.function(name)["Properties"]["Environment"]["Variables"]
        if "CHAINS_PARAMETER_NAME" in old:
            assert old["CHAINS_DIGEST"] == chains_digest(parameter_values[0])
            assert new["CHAINS_DIGEST"] == chains_digest(parameter_values[1]) != old["CHAINS_DIGEST"]
        else:
            assert old == new

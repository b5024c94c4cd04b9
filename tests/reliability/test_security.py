"""Security gates of ``make scan`` that are not cdk-nag or checkov: no secret in any Lambda environment (or
in the chains parameter), and every checkov skip justified in ``security/checkov.yaml``."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
from aws_cdk.assertions import Template
from reliability_stack import reliability_context

from stacks.app_builder import build_app

ROOT = Path(__file__).resolve().parents[2]
CHECKOV_CONFIG = ROOT / "security" / "checkov.yaml"
KMS_KEY_ARN = "arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab"

#: Variable names that announce a secret.
SECRET_NAME = re.compile(r"SECRET|PASSWORD|PASSWD|TOKEN|API_?KEY|PRIVATE_?KEY|CREDENTIAL|AUTH", re.I)
#: Values that look like one: AWS access key IDs, PEM blocks, GitHub/Slack tokens, 40-character AWS secret
#: keys, JWTs, and URLs with a user:password part.
SECRET_VALUE = re.compile(
    r"\b(AKIA|ASIA)[0-9A-Z]{16}\b|-----BEGIN [A-Z ]*PRIVATE KEY-----|\bgh[pousr]_[A-Za-z0-9]{20,}"
    r"|\bxox[abposr]-[A-Za-z0-9-]{10,}|(?<![A-Za-z0-9/+=])[A-Za-z0-9/+]{40}(?![A-Za-z0-9/+=])"
    r"|\beyJ[A-Za-z0-9_-]{10,}\.[A-Za-z0-9_-]{10,}|://[^/\s:@]+:[^/\s@]+@"
)


def secret_findings(variables: dict[str, Any]) -> list[str]:
    """``"NAME: why"`` for every variable whose name or (rendered) value looks like a secret."""
    found = []
    for name, value in variables.items():
        text = value if isinstance(value, str) else json.dumps(value)
        if SECRET_NAME.search(name):
            found.append(f"{name}: the name announces a secret")
        if SECRET_VALUE.search(text):
            found.append(f"{name}: the value looks like a secret")
    return found


@pytest.fixture(scope="module", params=["default", "kms"])
def template(request: pytest.FixtureRequest) -> dict[str, Any]:
    """The synthesized template of the reliability configuration, without and with a KMS key."""
    context = reliability_context()
    if request.param == "kms":
        context["labelchain"]["kmsKeyArn"] = KMS_KEY_ARN
    _app, stack = build_app(context, nag=False)
    return dict(Template.from_stack(stack).to_json())


def test_no_secret_in_any_lambda_environment(template: dict[str, Any]) -> None:
    # GIVEN every function of the stack
    functions = {k: r for k, r in template["Resources"].items() if r["Type"] == "AWS::Lambda::Function"}
    assert len(functions) == 7
    for logical_id, function in functions.items():
        variables = function["Properties"].get("Environment", {}).get("Variables", {})
        # THEN no variable name or value looks like a credential
        assert secret_findings(variables) == [], logical_id


def test_no_secret_in_the_chains_parameter(template: dict[str, Any]) -> None:
    [parameter] = [r for r in template["Resources"].values() if r["Type"] == "AWS::SSM::Parameter"]
    chains = json.loads(parameter["Properties"]["Value"])["chains"]
    for name, chain in chains.items():
        flat = {f"{name}.{key}": value for key, value in chain.items()}
        assert secret_findings(flat) == [], name


@pytest.mark.parametrize(
    "variables",
    [
        pytest.param({"DB_PASSWORD": "x"}, id="password-name"),
        pytest.param({"GITHUB_TOKEN": "x"}, id="token-name"),
        pytest.param({"KEY_ID": "AKIAIOSFODNN7EXAMPLE"}, id="access-key-id"),
        pytest.param({"K": "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"}, id="secret-access-key"),
        pytest.param({"URL": "https://admin:hunter2@db.example.com/x"}, id="url-with-password"),
        pytest.param({"PEM": "-----BEGIN RSA PRIVATE KEY-----\nabc"}, id="private-key"),
    ],
)
def test_the_secret_check_flags_credentials(variables: dict[str, str]) -> None:
    # GIVEN an environment with a credential THEN the check reports it (the gate above can fail)
    assert secret_findings(variables)


def test_resource_names_and_arns_are_not_mistaken_for_secrets() -> None:
    variables = {
        "TOPIC_ARN": {"Ref": "AlertsTopicCF7C81C9"},
        "KMS_KEY_ARN": KMS_KEY_ARN,
        "GROUND_TRUTH_ROLE_ARN": {"Fn::GetAtt": ["GroundTruthRole73F67A7D", "Arn"]},
        "CHAINS_PARAMETER_NAME": "/LabelChain/chains",
    }
    assert secret_findings(variables) == []


def test_every_checkov_skip_has_its_reason() -> None:
    # GIVEN the checkov configuration of `make scan`
    lines = CHECKOV_CONFIG.read_text().splitlines()
    skips = [i for i, line in enumerate(lines) if re.fullmatch(r"\s*- CKV2?_[A-Z]+_\d+\s*", line)]
    assert skips, "no skip-check entries found"
    for index in skips:
        check = lines[index].strip()[2:]
        # THEN the comment block right above names the check and says why it does not apply
        block = []
        for line in reversed(lines[:index]):
            if not line.strip().startswith("#"):
                break
            block.insert(0, line.strip().lstrip("# "))
        reason = " ".join(block)
        assert reason.startswith(f"{check} ("), f"{check} has no reason comment"
        assert len(reason.split()) >= 15, f"{check}: the reason is too short to justify the skip"
    # AND nothing broader than single checks is switched off
    text = CHECKOV_CONFIG.read_text()
    for broad in ("skip-framework", "soft-fail", "skip-path", "check:"):
        assert f"\n{broad}" not in text, broad

"""``labelchain doctor``: the whole run through the CLI, on moto plus Stubber-backed SageMaker and quotas."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from cli_fixtures import Moto, Run
from doctor_fixtures import (
    client_without_credentials,
    make_healthy,
    sagemaker_customer,
    service_quotas,
    stubbed,
    write_cdk_json,
)
from lambda_fakes import INPUT_BUCKET

#: Every check of a deployed stack with two chains and one allowed source bucket, in report order.
CHECKS = [
    "config",
    "credentials",
    "region",
    "cdk-bootstrap",
    "ground-truth-access",
    "workteam:birds",
    "workteam:cats",
    "powertools-layer",
    "stack",
    "cors:lc-images",
    "cors:lc-input",
    "sns-subscriptions",
    "labeling-job-quota",
]


@pytest.fixture
def cdk_json(moto: Moto, tmp_path: Path) -> Path:
    """A healthy account (see ``make_healthy``) and the configuration of ``doctor_fixtures.CONFIG``."""
    make_healthy(moto)
    return write_cdk_json(tmp_path)


def customer(moto: Moto, quota: float = 10) -> dict[str, Any]:
    """Clients of an existing Ground Truth customer whose labeling-job quota is ``quota``."""
    return {
        "sagemaker": sagemaker_customer(moto.session)[0],
        "service-quotas": service_quotas(moto.session, quota)[0],
    }


def doctor_json(run: Run, *args: str, clients: dict[str, Any]) -> tuple[int, dict[str, dict[str, Any]]]:
    result = run(*args, "--json", clients=clients)
    return result.exit_code, {entry["check"]: entry for entry in json.loads(result.stdout)}


def test_doctor_passes_every_check_of_a_healthy_deployment(run: Run, moto: Moto, cdk_json: Path) -> None:
    # GIVEN a bootstrapped account that uses Ground Truth, a deployed stack, CORS rules and a confirmed e-mail
    # WHEN the doctor runs
    result = run("doctor", "--cdk-json", str(cdk_json), clients=customer(moto))
    # THEN every check prints one ✓ line, no fix, and the run exits 0
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert [line.split()[1] for line in lines[:-1]] == CHECKS
    assert all(line.startswith("✓ ") for line in lines[:-1])
    assert "fix:" not in result.stdout
    assert lines[-1] == f"{len(CHECKS)} passed"


def test_doctor_json_is_a_list_of_check_status_detail_fix(run: Run, moto: Moto, cdk_json: Path) -> None:
    # GIVEN the healthy deployment
    # WHEN the doctor runs with --json
    result = run("doctor", "--cdk-json", str(cdk_json), "--json", clients=customer(moto))
    # THEN stdout is only a JSON list of {check, status, detail, fix} in report order
    assert result.exit_code == 0, result.output
    entries = json.loads(result.stdout)
    assert [entry["check"] for entry in entries] == CHECKS
    assert all(set(entry) == {"check", "status", "detail", "fix"} for entry in entries)
    assert {(entry["status"], entry["fix"]) for entry in entries} == {("pass", None)}
    by_check = {entry["check"]: entry for entry in entries}
    assert by_check["credentials"]["detail"].startswith("account 123456789012 as arn:aws:")
    assert "is 10; the chains run 3 job(s) at once" in by_check["labeling-job-quota"]["detail"]


def test_one_failed_check_exits_1_and_prints_its_fix(run: Run, moto: Moto, cdk_json: Path) -> None:
    # GIVEN the healthy deployment whose input bucket lost its CORS rule
    moto.s3.delete_bucket_cors(Bucket=INPUT_BUCKET)
    # WHEN the doctor runs
    result = run("doctor", "--cdk-json", str(cdk_json), clients=customer(moto))
    # THEN that check fails with its fix on the next line, the others pass, and the run exits 1
    assert result.exit_code == 1
    lines = result.stdout.splitlines()
    (failed,) = [index for index, line in enumerate(lines) if line.startswith("✗ ")]
    assert lines[failed].split()[1] == f"cors:{INPUT_BUCKET}"
    assert "has no CORS configuration" in lines[failed]
    assert lines[failed + 1].split()[:3] == ["fix:", "npx", "cdk"]
    assert lines[-1] == f"{len(CHECKS) - 1} passed, 1 failed"


def test_before_deploy_warnings_and_skips_still_exit_0(run: Run, moto: Moto, cdk_json: Path) -> None:
    # GIVEN no stack yet, and a caller Service Quotas refuses
    moto.session.client("cloudformation").delete_stack(StackName="LabelChain")
    quotas, stubber = stubbed(moto.session, "service-quotas")
    for operation in ("list_service_quotas", "list_aws_default_service_quotas"):
        stubber.add_client_error(operation, "AccessDeniedException", "not authorized")
    clients = {"sagemaker": sagemaker_customer(moto.session)[0], "service-quotas": quotas}
    # WHEN the doctor runs
    code, checks = doctor_json(run, "doctor", "--cdk-json", str(cdk_json), clients=clients)
    # THEN the stack's checks are skipped, the quota is an "unknown" warning, and nothing fails
    assert code == 0
    assert [checks[c]["status"] for c in ("stack", "cors:input-bucket", "sns-subscriptions")] == ["skip"] * 3
    assert checks["stack"]["fix"] == "npx cdk deploy, then run labelchain doctor again"
    assert checks["labeling-job-quota"]["status"] == "warn"
    assert checks["labeling-job-quota"]["detail"].startswith("unknown (Service Quotas answered AccessDenied")
    assert checks["cors:lc-images"]["status"] == "pass"


def test_without_credentials_the_aws_checks_are_skipped(run: Run, moto: Moto, cdk_json: Path) -> None:
    # GIVEN no credentials anywhere
    clients = {"sts": client_without_credentials("sts")}
    # WHEN the doctor runs
    code, checks = doctor_json(run, "doctor", "--cdk-json", str(cdk_json), clients=clients)
    # THEN the credentials check fails with how to configure them, and every AWS check is skipped
    assert code == 1
    assert (checks["credentials"]["status"], checks["credentials"]["detail"]) == (
        "fail",
        "no AWS credentials found",
    )
    assert "aws configure" in checks["credentials"]["fix"]
    aws_checks = [c for c in CHECKS if c not in ("config", "credentials", "region", "cors:lc-input")]
    assert list(checks) == [*CHECKS[:3], *aws_checks[:-2], "cors:input-bucket", *aws_checks[-2:]]
    assert {checks[c]["status"] for c in [*aws_checks, "cors:input-bucket"]} == {"skip"}
    assert checks["powertools-layer"]["detail"] == "needs working credentials"


def test_an_invalid_configuration_fails_and_skips_the_chain_checks(
    run: Run, moto: Moto, tmp_path: Path
) -> None:
    # GIVEN a cdk.json whose public chain offers an MTurk price Ground Truth does not allow
    make_healthy(moto)
    birds = {
        "taskType": "BoundingBox",
        "labels": ["Bird"],
        "workforce": {"type": "public", "taskPriceUsd": "0.05"},
    }
    cdk_json = write_cdk_json(tmp_path, chains={"birds": birds})
    # WHEN the doctor runs
    code, checks = doctor_json(run, "doctor", "--cdk-json", str(cdk_json), clients=customer(moto))
    # THEN the config check names the key, as cdk synth would, and the checks needing chains are skipped
    assert code == 1
    assert checks["config"]["status"] == "fail"
    assert (
        "labelchain.chains.birds.workforce.taskPriceUsd: expected one of 0.036" in checks["config"]["detail"]
    )
    assert (checks["workteam"]["status"], checks["labeling-job-quota"]["status"]) == ("skip", "skip")
    assert checks["stack"]["status"] == "pass"


def test_the_stack_is_the_configuration_s_unless_stack_name_is_given(
    run: Run, moto: Moto, tmp_path: Path
) -> None:
    # GIVEN a configuration naming a stack that is not deployed (stack LabelChain is)
    make_healthy(moto)
    cdk_json = write_cdk_json(tmp_path, stackName="LabelChainTest")
    # WHEN the doctor runs without, then with --stack-name
    _, implicit = doctor_json(run, "doctor", "--cdk-json", str(cdk_json), clients=customer(moto))
    args = ("--stack-name", "LabelChain", "doctor", "--cdk-json", str(cdk_json))
    _, explicit = doctor_json(run, *args, clients=customer(moto))
    # THEN the configuration's stack is looked for first, the named one second
    assert implicit["stack"]["detail"].startswith("stack LabelChainTest is not deployed")
    assert explicit["stack"] == {
        "check": "stack",
        "status": "pass",
        "detail": "stack LabelChain is CREATE_COMPLETE",
        "fix": None,
    }
    assert explicit["sns-subscriptions"]["detail"] == "1 subscription(s), all confirmed"

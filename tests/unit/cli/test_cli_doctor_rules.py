"""The doctor's pure parts: rules on plain values, the report and its renderings, the configuration loader."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
from doctor_fixtures import CONFIG, write_cdk_json
from lambda_fakes import make_chain
from rich.console import Console

from labelchain_cli.doctor.regions import nearest_supported
from labelchain_cli.doctor.report import (
    CheckResult,
    Status,
    exit_code,
    failed,
    passed,
    render,
    skipped,
    warned,
)
from labelchain_cli.doctor.rules import (
    access_denied_result,
    find_labeling_job_quota,
    jobs_at_once,
    region_result,
)
from labelchain_cli.doctor.run import load_config
from labelchain_cli.doctor.stack_rules import allows_worker_ui, stack_result

#: Where the fix says to change the region.
WHERE = "(--region, and labelchain.region in cdk.json)"


@pytest.mark.parametrize(
    ("region", "nearest"),
    [
        ("eu-north-1", ["eu-central-1", "eu-west-2"]),
        ("us-west-1", ["us-west-2", "us-east-2"]),
        ("sa-east-1", ["us-east-1", "us-east-2"]),
        ("ap-southeast-3", ["ap-southeast-1", "ap-south-1"]),
        ("me-central-9", []),  # no coordinates, no supported region of its prefix: the fallback
    ],
)
def test_nearest_supported_regions_by_distance(region: str, nearest: list[str]) -> None:
    # GIVEN/WHEN the regions nearest to one Ground Truth lacks THEN they are ranked by great-circle distance
    assert nearest_supported(region) == (nearest or ["us-east-1", "eu-west-1"])


def test_region_passes_when_supported_and_configured() -> None:
    # GIVEN/WHEN the calls and the configuration both use us-east-1 THEN the region passes
    assert region_result("us-east-1", "us-east-1").status is Status.PASS


@pytest.mark.parametrize(
    ("region", "configured", "detail", "fix"),
    [
        (None, None, "no AWS region", "pass --region or set AWS_REGION"),
        (
            "eu-north-1",
            None,
            "eu-north-1 has no Ground Truth built-in task Lambdas",
            f"use a supported region, nearest: eu-central-1, eu-west-2 {WHERE}",
        ),
        (
            "us-gov-west-1",
            None,
            "us-gov-west-1 has no Ground Truth built-in task Lambdas "
            "(Ground Truth is not offered in China or GovCloud)",
            f"use a supported region, nearest: us-west-2, us-east-2 {WHERE}",
        ),
        (
            "eu-west-1",
            "us-east-1",
            "the CLI calls eu-west-1 but cdk.json deploys to us-east-1",
            "pass --region us-east-1 (or change labelchain.region in cdk.json)",
        ),
    ],
    ids=["none", "unsupported", "govcloud", "not-the-configured-one"],
)
def test_region_fails_naming_where_to_go(
    region: str | None, configured: str | None, detail: str, fix: str
) -> None:
    # GIVEN/WHEN a missing, unsupported or unconfigured region THEN it fails with the region to use
    assert region_result(region, configured) == CheckResult("region", Status.FAIL, detail, fix)


def test_a_service_control_policy_denial_is_not_the_closure() -> None:
    # GIVEN IAM's message for an explicit deny in a service control policy
    message = (
        "User: arn:aws:sts::123456789012:assumed-role/dev/me is not authorized to perform: "
        "sagemaker:ListLabelingJobs with an explicit deny in a service control policy"
    )
    # WHEN it is classified
    result = access_denied_result("AccessDeniedException", message, None)
    # THEN the organization's administrators are the fix, not AWS Support
    assert result.detail.startswith("an AWS Organizations service control policy denies")
    assert result.fix and "organization's administrators" in result.fix


def test_the_labeling_job_quota_is_found_by_name_and_needed_once_per_chain_plus_controls() -> None:
    # GIVEN SageMaker quotas about labeling jobs: the objects per job, and the jobs at once
    objects = {"QuotaName": "Number of objects in a labeling job", "Value": 100000.0}
    running = {"QuotaName": "Concurrent labeling jobs", "Value": 4.0}
    # WHEN the labeling-job quota is looked for, and the jobs of one chain with a control and one without
    found = find_labeling_job_quota([objects, running])
    needed = jobs_at_once([make_chain("a", control=True), make_chain("b")])
    # THEN only the concurrency quota matches, and the chains run 3 jobs at once
    assert (found, needed) == (running, 3)


@pytest.mark.parametrize(
    ("status", "expected"),
    [
        (None, Status.SKIP),
        ("UPDATE_COMPLETE", Status.PASS),
        ("UPDATE_ROLLBACK_COMPLETE", Status.WARN),
        ("UPDATE_IN_PROGRESS", Status.WARN),
        ("ROLLBACK_COMPLETE", Status.FAIL),
        ("DELETE_FAILED", Status.FAIL),
    ],
)
def test_stack_status(status: str | None, expected: Status) -> None:
    # GIVEN/WHEN the stack's status THEN settled is a pass, moving or rolled back a warning, broken a failure
    result = stack_result("LabelChain", status)
    assert result.status is expected
    if status == "ROLLBACK_COMPLETE":
        assert result.fix and "aws cloudformation delete-stack --stack-name LabelChain" in result.fix


@pytest.mark.parametrize(
    ("origin", "allowed"),
    [
        ("*", True),
        ("https://*.sagemaker.aws", True),
        ("https://a1b2c3.labeling.sagemaker.aws", True),
        ("https://sagemaker.aws.example.com", False),
        ("https://example.com", False),
    ],
)
def test_cors_origins_that_reach_the_worker_ui(origin: str, allowed: bool) -> None:
    # GIVEN/WHEN a GET rule from ``origin`` THEN only * and sagemaker.aws hosts reach Ground Truth's worker UI
    assert allows_worker_ui([{"AllowedMethods": ["GET"], "AllowedOrigins": [origin]}]) is allowed


def test_report_exit_code_json_and_one_line_per_check() -> None:
    # GIVEN one result of each status, one with a long detail
    results = [
        passed("config", "cdk.json: chains birds " + "x" * 150),
        warned("labeling-job-quota", "unknown", "look in the console"),
        skipped("stack", "not deployed"),
    ]
    out = io.StringIO()
    # WHEN rendered on a narrow console, as JSON, and as an exit code
    render(results, Console(file=out, width=40))
    rendered = out.getvalue().splitlines()
    # THEN a warning and a skip exit 0, a failure 1; each check is one line, its fix the next
    assert (exit_code(results), exit_code([*results, failed("region", "bad", "fix it")])) == (0, 1)
    assert [line[0] for line in rendered] == ["✓", "!", " ", "○", "1"]
    assert rendered[2].split() == ["fix:", "look", "in", "the", "console"]
    assert rendered[-1] == "1 passed, 1 warning, 1 skipped"
    assert results[2].to_dict() == {"check": "stack", "status": "skip", "detail": "not deployed", "fix": None}


def test_config_file_named_by_the_context_is_read_next_to_cdk_json(tmp_path: Path) -> None:
    # GIVEN a cdk.json naming a config file relative to it
    (tmp_path / "pipeline.json").write_text(json.dumps(CONFIG), encoding="utf-8")
    cdk_json = tmp_path / "cdk.json"
    cdk_json.write_text(json.dumps({"context": {"labelchain:configFile": "pipeline.json"}}), encoding="utf-8")
    # WHEN it is loaded, and a cdk.json that does not exist
    config, _context, result = load_config(cdk_json)
    _none, _empty, unreadable = load_config(tmp_path / "missing" / "cdk.json")
    # THEN the file's chains are the configuration; the missing file fails with where to run
    assert config is not None and list(config.chains) == ["birds", "cats"]
    assert result.status is Status.PASS
    assert unreadable.status is Status.FAIL and unreadable.fix and "--cdk-json" in unreadable.fix


def test_config_problems_are_the_parser_s(tmp_path: Path) -> None:
    # GIVEN a cdk.json with a region Ground Truth lacks and an unknown key
    cdk_json = write_cdk_json(tmp_path, region="eu-north-1", regoin="x")
    # WHEN it is loaded
    config, _context, result = load_config(cdk_json)
    # THEN both problems are listed, as cdk synth lists them
    assert config is None and result.status is Status.FAIL
    assert result.detail.startswith("cdk.json: 2 problem(s): labelchain")
    assert "labelchain.region: expected one of us-east-1" in result.detail

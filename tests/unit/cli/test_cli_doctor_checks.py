"""The doctor's account-level adapters, one check at a time: each passes once and fails once against moto,
or against a Stubber where moto 5.2.5 lacks the API (workteams, ListServiceQuotas, refusals)."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from decimal import Decimal
from typing import Any

import pytest
from boto3.session import Session
from cli_fixtures import Moto
from doctor_fixtures import (
    WORKTEAM_ARN,
    bootstrap,
    powertools_layer_arn,
    quota,
    seed_public_parameter,
    service_quotas,
    statuses,
    stubbed,
    workteam_response,
)
from labelchain_fn.core.config import Workforce
from lambda_fakes import ACCOUNT, REGION, make_chain

from labelchain_cli.doctor.checks import (
    check_bootstrap,
    check_credentials,
    check_ground_truth,
    check_powertools,
    check_quota,
    check_workteam,
    guard,
)
from labelchain_cli.doctor.report import Status
from sandbox import groundtruth
from stacks.powertools import powertools_parameter_name

HERE = {"account": ACCOUNT, "region": REGION}
IAM_DENIAL = (
    f"User: arn:aws:iam::{ACCOUNT}:user/dev is not authorized to perform: sagemaker:ListLabelingJobs on "
    f"resource: arn:aws:sagemaker:{REGION}:{ACCOUNT}:labeling-job/* because no identity-based policy allows "
    "the sagemaker:ListLabelingJobs action"
)


@pytest.fixture
def session() -> Session:
    """A plain session for Stubber-only tests: a Stubber answers before any request leaves."""
    return Session(region_name=REGION)


@pytest.fixture
def ground_truth(moto: Moto) -> Iterator[None]:
    """The sandbox's simulated Ground Truth (ListLabelingJobs answers) on the moto account."""
    groundtruth.install()
    try:
        yield
    finally:
        groundtruth.uninstall()


def test_credentials_name_the_account_then_say_to_refresh_rejected_ones(moto: Moto) -> None:
    # GIVEN moto's caller, then an STS that rejects an expired session token
    sts, stubber = stubbed(moto.session, "sts")
    stubber.add_client_error("get_caller_identity", "ExpiredToken", "The security token included has expired")
    # WHEN the credentials are checked with each
    good, identity = check_credentials(moto.session.client("sts"))
    bad, nobody = check_credentials(sts)
    # THEN the first names the account, the second fails with how to get fresh ones
    assert (good.status, identity and identity.account) == (Status.PASS, ACCOUNT)
    assert (bad.status, nobody) == (Status.FAIL, None)
    assert (
        bad.detail == "AWS rejected the credentials (ExpiredToken: The security token included has expired)"
    )
    assert bad.fix and bad.fix.startswith("refresh them: run aws configure")


def test_bootstrap_passes_with_cdk_toolkit_and_its_version(moto: Moto) -> None:
    # GIVEN a bootstrapped account (version 30)
    bootstrap(moto.session)
    # WHEN the bootstrap is checked
    result = check_bootstrap(
        moto.session.client("cloudformation"), moto.session.client("ssm"), **HERE, qualifier="hnb659fds"
    )
    # THEN it passes, naming the version
    assert (result.status, result.detail) == (Status.PASS, "CDKToolkit CREATE_COMPLETE, bootstrap version 30")


@pytest.mark.parametrize(
    ("version", "qualifier", "detail"),
    [
        (None, None, f"no CDKToolkit stack in {REGION}"),
        ("5", "hnb659fds", "bootstrap version 5; the stack needs 6 or later"),
        ("30", "custom", "CDKToolkit exists but SSM parameter /cdk-bootstrap/hnb659fds/version does not"),
    ],
)
def test_bootstrap_fails_without_stack_with_an_old_version_or_another_qualifier(
    moto: Moto, version: str | None, qualifier: str | None, detail: str
) -> None:
    # GIVEN no bootstrap, an old one, or one with another qualifier than the app's
    if version and qualifier:
        bootstrap(moto.session, version, qualifier)
    # WHEN the default qualifier's bootstrap is checked
    result = check_bootstrap(
        moto.session.client("cloudformation"), moto.session.client("ssm"), **HERE, qualifier="hnb659fds"
    )
    # THEN it fails, and the fix bootstraps this account and region
    assert (result.status, result.detail) == (Status.FAIL, detail)
    assert result.fix and f"npx cdk bootstrap aws://{ACCOUNT}/{REGION}" in result.fix


def test_ground_truth_access_passes_when_list_labeling_jobs_answers(moto: Moto, ground_truth: None) -> None:
    # GIVEN an account where ListLabelingJobs answers (the sandbox's simulated Ground Truth)
    # WHEN access is checked
    result = check_ground_truth(moto.session.client("sagemaker"), f"arn:aws:iam::{ACCOUNT}:user/dev")
    # THEN it passes
    assert (result.status, result.detail) == (
        Status.PASS,
        "ListLabelingJobs answered: the account has no labeling job yet",
    )


@pytest.mark.parametrize(
    ("message", "detail", "fix"),
    [
        (
            "This operation is not available for new customers.",
            "Ground Truth is closed to new AWS customers since 2026-07-30",
            "an existing Ground Truth customer",
        ),
        (
            IAM_DENIAL,
            f"the IAM principal arn:aws:iam::{ACCOUNT}:user/dev lacks sagemaker:ListLabelingJobs",
            "attach a policy",
        ),
    ],
    ids=["closed-to-new-customers", "iam-principal"],
)
def test_ground_truth_access_denied_says_whether_the_account_or_the_principal_is_refused(
    session: Session, message: str, detail: str, fix: str
) -> None:
    # GIVEN ListLabelingJobs answering AccessDeniedException with the service's or IAM's message
    sagemaker, stubber = stubbed(session, "sagemaker")
    stubber.add_client_error("list_labeling_jobs", "AccessDeniedException", message)
    # WHEN access is checked
    result = check_ground_truth(sagemaker, f"arn:aws:iam::{ACCOUNT}:user/dev")
    # THEN it fails and says plainly which of the two it is
    assert result.status is Status.FAIL
    assert detail in result.detail
    assert result.fix and fix in result.fix
    stubber.assert_no_pending_responses()


def test_an_unexpected_error_fails_only_its_check(session: Session) -> None:
    # GIVEN ListLabelingJobs throttled
    sagemaker, stubber = stubbed(session, "sagemaker")
    stubber.add_client_error("list_labeling_jobs", "ThrottlingException", "Rate exceeded")
    # WHEN the check runs guarded
    result = guard("ground-truth-access", lambda: check_ground_truth(sagemaker, None))
    # THEN it is one failed line naming the operation and the code
    assert (result.status, result.detail) == (
        Status.FAIL,
        "ListLabelingJobs failed: ThrottlingException: Rate exceeded",
    )


def test_an_endpoint_s_html_error_page_becomes_one_line(session: Session) -> None:
    # GIVEN an endpoint answering HTTP 500 with an HTML page (moto's server for an API it lacks)
    sagemaker, stubber = stubbed(session, "sagemaker")
    page = "<!doctype html>\n<html lang=en>\n<title>500 Internal Server Error</title>\n" + "x" * 300
    stubber.add_client_error("list_labeling_jobs", "500", page, http_status_code=500)
    # WHEN the check runs guarded
    result = guard("ground-truth-access", lambda: check_ground_truth(sagemaker, None))
    # THEN the detail is one line, cut, and the fix does not blame IAM
    assert result.detail.startswith("ListLabelingJobs failed: 500: <!doctype html> <html lang=en> <title>")
    assert "\n" not in result.detail and result.detail.endswith("…")
    assert result.fix == "try again later; a local --endpoint-url may not implement the operation"


def test_private_workteam_passes_when_described_and_fails_when_missing(session: Session) -> None:
    # GIVEN a chain on private workteam lc-labelers, which exists, then does not
    chain = make_chain("cats", workforce={"type": "private", "workteamArn": WORKTEAM_ARN})
    sagemaker, stubber = stubbed(session, "sagemaker")
    stubber.add_response("describe_workteam", workteam_response(), {"WorkteamName": "lc-labelers"})
    missing = f"Workteam {WORKTEAM_ARN} does not exist."
    stubber.add_client_error("describe_workteam", "ValidationException", missing)
    # WHEN the workteam is checked twice
    found, gone = (check_workteam(sagemaker, chain, **HERE) for _ in range(2))
    # THEN the first passes, the second fails and says to create it or correct the ARN
    assert statuses(found, gone) == [Status.PASS, Status.FAIL]
    assert gone.detail == f"workteam {WORKTEAM_ARN} does not exist"
    assert gone.fix and "labelchain.chains.cats.workforce.workteamArn" in gone.fix
    stubber.assert_no_pending_responses()


def test_a_workteam_of_another_region_fails_without_a_call(session: Session) -> None:
    # GIVEN a chain on a workteam in eu-west-1 while the calls go to us-east-1
    arn = WORKTEAM_ARN.replace(REGION, "eu-west-1")
    chain = make_chain("cats", workforce={"type": "private", "workteamArn": arn})
    sagemaker, stubber = stubbed(session, "sagemaker")
    # WHEN the workteam is checked
    result = check_workteam(sagemaker, chain, **HERE)
    # THEN it fails on the ARN alone (a call would have met an empty Stubber)
    assert (result.status, result.detail) == (
        Status.FAIL,
        f"{arn} is not in account {ACCOUNT}, region {REGION}",
    )
    stubber.assert_no_pending_responses()


@pytest.mark.parametrize(
    ("changes", "detail"),
    [
        (
            {"workforce": Workforce("public", task_price_usd=Decimal("0.012"))},
            "price 0.012 is not allowed for BoundingBox",
        ),
        (
            {"content_classifiers": ("FreeOfAdultContent",)},
            "needs the FreeOfPersonallyIdentifiableInformation",
        ),
        (
            {"task_availability_lifetime_seconds": 86_400},
            "tasks offered 86400 s; the public workforce allows 43200 s",
        ),
    ],
    ids=["price", "pii-classifier", "lifetime"],
)
def test_public_workforce_settings_must_suit_the_task_type(changes: dict[str, Any], detail: str) -> None:
    # GIVEN the public chain birds as the parser built it, and a copy with one setting MTurk refuses (built
    # around the parser: the rule must not rely on it)
    good = make_chain()
    bad = dataclasses.replace(good, **changes)
    # WHEN both are checked (no call: the public workforce has no workteam to describe)
    ok, wrong = (check_workteam(None, chain, **HERE) for chain in (good, bad))
    # THEN the first passes, the second fails naming the setting
    assert statuses(ok, wrong) == [Status.PASS, Status.FAIL]
    assert "public-crowd/default at $0.036 x 3 workers (an allowed BoundingBox price)" in ok.detail
    assert detail in wrong.detail
    assert wrong.fix and "labelchain.chains.birds." in wrong.fix


def test_powertools_parameter_resolves_once_published(moto: Moto) -> None:
    # GIVEN the region without, then with the public Powertools parameter
    ssm = moto.session.client("ssm")
    before = check_powertools(ssm, REGION)
    seed_public_parameter(powertools_parameter_name(), powertools_layer_arn())
    # WHEN it is checked again
    after = check_powertools(ssm, REGION)
    # THEN it fails first (naming the parameter), then passes with the layer ARN
    assert statuses(before, after) == [Status.FAIL, Status.PASS]
    assert powertools_parameter_name() in before.detail and REGION in before.detail
    assert after.detail.endswith(powertools_layer_arn())


@pytest.mark.parametrize(("value", "status"), [(3, Status.PASS), (2, Status.FAIL)])
def test_quota_against_the_jobs_the_chains_run_at_once(
    session: Session, value: float, status: Status
) -> None:
    # GIVEN SageMaker's applied labeling-job quota at ``value``
    quotas, stubber = service_quotas(session, value)
    # WHEN it is compared with 3 jobs at once
    result = check_quota(quotas, 3)
    # THEN 3 passes, 2 fails with the increase request
    assert result.status is status
    if status is Status.FAIL:
        assert result.fix == (
            "aws service-quotas request-service-quota-increase --service-code sagemaker "
            "--quota-code L-0LABEL01 --desired-value 3"
        )
    stubber.assert_no_pending_responses()


def test_quota_falls_back_to_the_default_then_is_unknown_as_a_warning(session: Session) -> None:
    # GIVEN applied quotas without the labeling-job one and defaults with it, then an account denied both
    quotas, stubber = stubbed(session, "service-quotas")
    stubber.add_response("list_service_quotas", {"Quotas": []}, {"ServiceCode": "sagemaker"})
    stubber.add_response(
        "list_aws_default_service_quotas", {"Quotas": [quota(5)]}, {"ServiceCode": "sagemaker"}
    )
    for operation in ("list_service_quotas", "list_aws_default_service_quotas"):
        stubber.add_client_error(operation, "AccessDeniedException", "denied")
    # WHEN the quota is checked twice
    default, unknown = check_quota(quotas, 1), check_quota(quotas, 1)
    # THEN the default answers first; the second is "unknown", a warning with where to look
    assert statuses(default, unknown) == [Status.PASS, Status.WARN]
    assert (
        unknown.detail
        == "unknown (Service Quotas answered AccessDeniedException); the chains run 1 job(s) at once"
    )
    assert unknown.fix and "Service Quotas console" in unknown.fix
    stubber.assert_no_pending_responses()

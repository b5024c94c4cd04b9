"""The doctor's adapters on the deployed stack, the buckets and the topic: each check passes once and fails
once against moto, or against a Stubber where moto cannot answer (a pending subscription)."""

from __future__ import annotations

import pytest
from cli_fixtures import Moto
from doctor_fixtures import EMAIL, statuses, stubbed
from lambda_fakes import IMAGES_BUCKET, INPUT_BUCKET

from labelchain_cli.doctor.checks import describe_stack
from labelchain_cli.doctor.report import Status
from labelchain_cli.doctor.stack_checks import check_cors, check_subscriptions


def test_stack_status_and_outputs_or_nothing_before_deploy(moto: Moto) -> None:
    # GIVEN the deployed stack LabelChain, and no stack Other
    cloudformation = moto.session.client("cloudformation")
    # WHEN both are described
    status, outputs = describe_stack(cloudformation, "LabelChain")
    missing = describe_stack(cloudformation, "Other")
    # THEN the first has its status and outputs, the second is (None, {})
    assert (status, outputs["InputBucketName"]) == ("CREATE_COMPLETE", INPUT_BUCKET)
    assert missing == (None, {})


@pytest.mark.parametrize(
    ("origins", "methods", "status"),
    [
        (["*"], ["GET"], Status.PASS),
        (["https://*.sagemaker.aws"], ["GET", "HEAD"], Status.PASS),
        (["*"], ["PUT"], Status.FAIL),
        (["https://example.com"], ["GET"], Status.FAIL),
    ],
)
def test_cors_rule_must_allow_get_from_the_worker_ui(
    moto: Moto, origins: list[str], methods: list[str], status: Status
) -> None:
    # GIVEN a source bucket with one CORS rule
    rule = {"AllowedMethods": methods, "AllowedOrigins": origins}
    moto.s3.put_bucket_cors(Bucket=IMAGES_BUCKET, CORSConfiguration={"CORSRules": [rule]})
    # WHEN its CORS is checked
    result = check_cors(moto.s3, IMAGES_BUCKET, managed=False)
    # THEN only GET from * or *.sagemaker.aws passes; a failing bucket's fix keeps its existing rules
    assert result.status is status
    if status is Status.FAIL:
        assert result.fix and result.fix.endswith(
            "(this replaces the configuration: add the existing rules to CORSRules)"
        )


def test_cors_missing_on_a_source_bucket_or_on_the_stack_s_input_bucket(moto: Moto) -> None:
    # GIVEN buckets without any CORS configuration (NoSuchCORSConfiguration), and one that does not exist
    # WHEN the operator's bucket, the stack's input bucket and a missing one are checked
    source = check_cors(moto.s3, IMAGES_BUCKET, managed=False)
    stack = check_cors(moto.s3, INPUT_BUCKET, managed=True)
    nowhere = check_cors(moto.s3, "lc-nowhere", managed=False)
    # THEN all fail: the source bucket's fix is the put-bucket-cors command, the stack's is a deploy
    assert statuses(source, stack, nowhere) == [Status.FAIL] * 3
    assert source.fix and source.fix.startswith(
        f"aws s3api put-bucket-cors --bucket {IMAGES_BUCKET} --cors-configuration '"
    )
    assert '"AllowedOrigins":["*"]' in source.fix
    assert stack.fix and stack.fix.startswith("npx cdk deploy")
    assert nowhere.detail == "bucket lc-nowhere does not exist"


def test_subscriptions_pass_when_confirmed_and_fail_when_pending(moto: Moto) -> None:
    # GIVEN the stack's topic with a confirmed subscription (moto confirms at once), then a pending one
    sns = moto.session.client("sns")
    (topic,) = (t["TopicArn"] for t in sns.list_topics()["Topics"])
    sns.subscribe(TopicArn=topic, Protocol="email", Endpoint=EMAIL)
    pending_sns, stubber = stubbed(moto.session, "sns")
    pending = {
        "SubscriptionArn": "PendingConfirmation",
        "Protocol": "email",
        "Endpoint": EMAIL,
        "TopicArn": topic,
    }
    stubber.add_response("list_subscriptions_by_topic", {"Subscriptions": [pending]}, {"TopicArn": topic})
    # WHEN the subscriptions are checked against the configured address
    confirmed = check_subscriptions(sns, topic, [EMAIL])
    waiting = check_subscriptions(pending_sns, topic, [EMAIL])
    # THEN the first passes, the second fails naming the address and how to confirm
    assert statuses(confirmed, waiting) == [Status.PASS, Status.FAIL]
    assert waiting.detail == f"1 of 1 subscription(s) pending confirmation: {EMAIL}"
    assert waiting.fix and "Confirm subscription" in waiting.fix


def test_subscriptions_fail_for_a_missing_address_and_warn_when_nobody_listens(moto: Moto) -> None:
    # GIVEN the stack's topic without any subscription
    sns = moto.session.client("sns")
    (topic,) = (t["TopicArn"] for t in sns.list_topics()["Topics"])
    # WHEN it is checked with, then without a configured address
    missing, nobody = check_subscriptions(sns, topic, [EMAIL]), check_subscriptions(sns, topic, [])
    # THEN the address is reported missing; no address at all is a warning
    assert statuses(missing, nobody) == [Status.FAIL, Status.WARN]
    assert missing.detail == f"not subscribed: {EMAIL}"

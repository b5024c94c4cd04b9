"""Fixtures of the Lambda tests: moto for S3/DynamoDB/SNS/SSM/Step Functions, Stubber for SageMaker.

The environment is set before anything builds a client or a Powertools object (both read it once), and the
boto3 clients are built once per session: moto intercepts them whenever a ``mock_aws`` block is active.
"""

from __future__ import annotations

import os

# Fake credentials and a pinned region; never reach a real endpoint from unit tests.
os.environ.update(
    {
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_SESSION_TOKEN": "testing",
        "AWS_DEFAULT_REGION": "us-east-1",
        "AWS_REGION": "us-east-1",
        "POWERTOOLS_SERVICE_NAME": "labelchain",
        "POWERTOOLS_METRICS_NAMESPACE": "LabelChain",
        "POWERTOOLS_TRACE_DISABLED": "true",
    }
)
for _variable in ("AWS_PROFILE", "AWS_ENDPOINT_URL", "AWS_ENDPOINT_URL_S3"):
    os.environ.pop(_variable, None)

import json  # noqa: E402
from collections.abc import Callable, Iterator  # noqa: E402
from types import SimpleNamespace  # noqa: E402
from typing import Any  # noqa: E402

import boto3  # noqa: E402
import pytest  # noqa: E402
from botocore.stub import Stubber  # noqa: E402
from labelchain_fn.adapters import clients, settings  # noqa: E402
from labelchain_fn.adapters.callbacks import Callbacks  # noqa: E402
from labelchain_fn.adapters.job_store import JobStore  # noqa: E402
from labelchain_fn.adapters.labeling import LabelingJobs  # noqa: E402
from labelchain_fn.adapters.notifier import Notifier  # noqa: E402
from labelchain_fn.adapters.objects import Objects  # noqa: E402
from labelchain_fn.adapters.settings import Settings  # noqa: E402
from labelchain_fn.core.config import ChainConfig  # noqa: E402
from lambda_fakes import (  # noqa: E402
    ACCOUNT,
    ARTIFACTS_BUCKET,
    IMAGES_BUCKET,
    INPUT_BUCKET,
    OUTPUT_BUCKET,
    PARAMETER,
    REGION,
    ROLE_ARN,
    TABLE,
    AwsClients,
    Deployed,
    Kit,
    create_jobs_table,
    make_chain,
)
from moto import mock_aws  # noqa: E402


@pytest.fixture(scope="session")
def boto_session() -> boto3.session.Session:
    return boto3.session.Session(region_name=REGION)


@pytest.fixture(scope="session")
def aws_clients(boto_session: boto3.session.Session) -> AwsClients:
    return AwsClients(
        s3=boto_session.client("s3"),
        dynamodb=boto_session.client("dynamodb"),
        sns=boto_session.client("sns"),
        ssm=boto_session.client("ssm"),
        sfn=boto_session.client("stepfunctions"),
    )


@pytest.fixture
def aws(aws_clients: AwsClients) -> Iterator[AwsClients]:
    """A fresh moto account for each test."""
    with mock_aws():
        yield aws_clients


@pytest.fixture
def store(aws: AwsClients) -> JobStore:
    return JobStore(create_jobs_table(aws.dynamodb), aws.dynamodb)


@pytest.fixture
def buckets(aws: AwsClients) -> None:
    for bucket in (INPUT_BUCKET, ARTIFACTS_BUCKET, OUTPUT_BUCKET, IMAGES_BUCKET):
        aws.s3.create_bucket(Bucket=bucket)
    aws.s3.put_bucket_versioning(Bucket=INPUT_BUCKET, VersioningConfiguration={"Status": "Enabled"})


@pytest.fixture
def objects(aws: AwsClients) -> Objects:
    return Objects(aws.s3)


@pytest.fixture
def topic(aws: AwsClients) -> str:
    return str(aws.sns.create_topic(Name="labelchain")["TopicArn"])


@pytest.fixture
def mailbox(
    aws: AwsClients, boto_session: boto3.session.Session, topic: str
) -> Callable[[], list[dict[str, Any]]]:
    """Subscribe a queue to the topic; calling the fixture returns the notifications received so far
    as ``{"subject", "message"}`` (``message`` parsed from JSON when it is JSON)."""
    sqs = boto_session.client("sqs")
    url = sqs.create_queue(QueueName="mailbox")["QueueUrl"]
    arn = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    aws.sns.subscribe(TopicArn=topic, Protocol="sqs", Endpoint=arn)
    received: list[dict[str, Any]] = []

    def read() -> list[dict[str, Any]]:
        for message in sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10).get("Messages", []):
            envelope = json.loads(message["Body"])
            try:
                body = json.loads(envelope["Message"])
            except ValueError:
                body = envelope["Message"]
            received.append({"subject": envelope.get("Subject"), "message": body})
            sqs.delete_message(QueueUrl=url, ReceiptHandle=message["ReceiptHandle"])
        return received

    return read


@pytest.fixture
def notifier(aws: AwsClients, topic: str) -> Notifier:
    return Notifier(topic, aws.sns)


@pytest.fixture
def sagemaker(boto_session: boto3.session.Session) -> Iterator[Stubber]:
    """A stubbed SageMaker client; every test must consume exactly the responses it queued."""
    stubber = Stubber(boto_session.client("sagemaker"))
    with stubber:
        yield stubber
        stubber.assert_no_pending_responses()


@pytest.fixture
def labeling(sagemaker: Stubber) -> LabelingJobs:
    return LabelingJobs(sagemaker.client)


@pytest.fixture
def callbacks(aws: AwsClients) -> Callbacks:
    return Callbacks(aws.sfn)


@pytest.fixture
def sfn_calls(aws: AwsClients) -> Iterator[list[tuple[str, dict[str, Any]]]]:
    """Every SendTaskSuccess/SendTaskFailure the code makes, as ``(operation, params)``."""
    calls: list[tuple[str, dict[str, Any]]] = []

    def record(params: dict[str, Any], model: Any, **_: Any) -> None:
        calls.append((model.name, dict(params)))

    events = aws.sfn.meta.events
    for operation in ("SendTaskSuccess", "SendTaskFailure"):
        events.register(f"provide-client-params.sfn.{operation}", record, unique_id=f"record-{operation}")
    yield calls
    for operation in ("SendTaskSuccess", "SendTaskFailure"):
        events.unregister(f"provide-client-params.sfn.{operation}", unique_id=f"record-{operation}")


@pytest.fixture
def chain() -> ChainConfig:
    return make_chain()


@pytest.fixture
def kit(
    aws: AwsClients,
    sagemaker: Stubber,
    store: JobStore,
    chain: ChainConfig,
    labeling: LabelingJobs,
    callbacks: Callbacks,
    objects: Objects,
    notifier: Notifier,
    sfn_calls: list[tuple[str, dict[str, Any]]],
) -> Kit:
    """The fixtures most handler tests take together, as one (see :class:`lambda_fakes.Kit`)."""
    return Kit(aws, sagemaker, store, chain, labeling, callbacks, objects, notifier, sfn_calls)


@pytest.fixture
def pipeline_settings(topic: str) -> Settings:
    return Settings(
        region=REGION,
        table_name=TABLE,
        chains_parameter_name=PARAMETER,
        input_bucket=INPUT_BUCKET,
        artifacts_bucket=ARTIFACTS_BUCKET,
        output_bucket=OUTPUT_BUCKET,
        allowed_source_buckets=(IMAGES_BUCKET,),
        ground_truth_role_arn=ROLE_ARN,
        job_name_prefix="lc",
        topic_arn=topic,
        stalled_after_minutes=60,
        record_ttl_days=30,
    )


@pytest.fixture
def lambda_context() -> SimpleNamespace:
    return SimpleNamespace(
        function_name="labelchain-fn",
        function_version="$LATEST",
        memory_limit_in_mb=256,
        invoked_function_arn=f"arn:aws:lambda:{REGION}:{ACCOUNT}:function:labelchain-fn",
        aws_request_id="00000000-0000-0000-0000-000000000001",
        get_remaining_time_in_millis=lambda: 60_000,
    )


@pytest.fixture
def handler_env(
    monkeypatch: pytest.MonkeyPatch,
    aws: AwsClients,
    store: JobStore,
    sagemaker: Stubber,
    pipeline_settings: Settings,
    chain: ChainConfig,
) -> Iterator[None]:
    """Run ``handler(event, context)`` as deployed: environment variables, SSM chains, default clients."""
    s = pipeline_settings
    env = {
        "TABLE_NAME": s.table_name,
        "CHAINS_PARAMETER_NAME": s.chains_parameter_name,
        "INPUT_BUCKET": s.input_bucket,
        "ARTIFACTS_BUCKET": s.artifacts_bucket,
        "OUTPUT_BUCKET": s.output_bucket,
        "ALLOWED_SOURCE_BUCKETS": ",".join(s.allowed_source_buckets),
        "GROUND_TRUTH_ROLE_ARN": s.ground_truth_role_arn,
        "JOB_NAME_PREFIX": s.job_name_prefix,
        "TOPIC_ARN": s.topic_arn,
        "STALLED_AFTER_MINUTES": str(s.stalled_after_minutes),
        "RECORD_TTL_DAYS": str(s.record_ttl_days),
    }
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    aws.ssm.put_parameter(
        Name=PARAMETER, Type="String", Value=json.dumps({"chains": {chain.name: chain.to_dict()}})
    )
    by_service = {
        "s3": aws.s3,
        "dynamodb": aws.dynamodb,
        "sns": aws.sns,
        "ssm": aws.ssm,
        "stepfunctions": aws.sfn,
        "sagemaker": sagemaker.client,
    }
    monkeypatch.setattr(clients, "client", lambda service_name: by_service[service_name])
    settings.reset()
    yield
    settings.reset()


@pytest.fixture
def deployed(handler_env: None, sagemaker: Stubber, lambda_context: SimpleNamespace) -> Deployed:
    """The deployed environment of an entry-point test (:class:`lambda_fakes.Deployed`)."""
    return Deployed(sagemaker, lambda_context)

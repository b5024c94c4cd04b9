"""Builders of the ``labelchain doctor`` tests: a cdk.json, a bootstrapped and healthy moto account, the
public Powertools parameter, and Stubber-backed clients for what moto 5.2.5 does not implement (workteams,
``ListServiceQuotas``, pending SNS subscriptions, refusals).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import boto3
import botocore.session
from botocore.stub import Stubber
from cli_fixtures import Moto
from lambda_fakes import ACCOUNT, BIRDS, IMAGES_BUCKET, INPUT_BUCKET, REGION
from moto.core.utils import utcnow
from moto.ssm.models import Parameter, ssm_backends

from labelchain_cli.doctor.report import CheckResult, Status
from stacks.powertools import powertools_layer_name, powertools_parameter_name

EMAIL = "ops@example.com"
#: The account that publishes the Powertools layers.
POWERTOOLS_LAYER_ACCOUNT = "017000801446"
WORKTEAM_ARN = f"arn:aws:sagemaker:{REGION}:{ACCOUNT}:workteam/private-crowd/lc-labelers"
#: A stand-in for SageMaker's concurrent labeling-job quota: AWS documents neither its name nor its code.
QUOTA_CODE = "L-0LABEL01"
QUOTA_NAME = "Maximum number of concurrent labeling jobs"
CORS_RULE = {"AllowedMethods": ["GET"], "AllowedOrigins": ["*"], "AllowedHeaders": []}
#: Two chains: ``birds`` on the public workforce, ``cats`` on a private workteam with a control job
#: (so they run 1 + 2 = 3 labeling jobs at once); images come from ``IMAGES_BUCKET``.
CONFIG: dict[str, Any] = {
    "region": REGION,
    "stackName": "LabelChain",
    "notificationEmails": [EMAIL],
    "allowedSourceBuckets": [IMAGES_BUCKET],
    "chains": {
        "birds": BIRDS,
        "cats": {
            **BIRDS,
            "labels": ["Cat"],
            "workforce": {"type": "private", "workteamArn": WORKTEAM_ARN},
            "control": True,
        },
    },
}


def write_cdk_json(directory: Path, **overrides: Any) -> Path:
    """``<directory>/cdk.json`` whose ``labelchain`` context is :data:`CONFIG` with ``overrides``."""
    path = directory / "cdk.json"
    context = {"labelchain": {**CONFIG, **overrides}}
    path.write_text(json.dumps({"app": "python app.py", "context": context}), encoding="utf-8")
    return path


def seed_public_parameter(name: str, value: str, *, account: str = ACCOUNT, region: str = REGION) -> None:
    """Put a public ``/aws/...`` parameter into moto's SSM store.

    moto (like AWS) refuses ``PutParameter`` under ``/aws/``; it loads its own ``/aws/service/...`` defaults
    by appending a ``Parameter`` version to the backend's store, and so does this helper.
    """
    store = ssm_backends[account][region]._parameters
    store[name].append(
        Parameter(
            account_id=account,
            name=name,
            value=value,
            parameter_type="String",
            description=None,
            allowed_pattern=None,
            keyid=None,
            last_modified_date=utcnow(),
            version=len(store[name]) + 1,
            data_type="text",
        )
    )


def powertools_layer_arn(region: str = REGION) -> str:
    return f"arn:aws:lambda:{region}:{POWERTOOLS_LAYER_ACCOUNT}:layer:{powertools_layer_name()}:7"


def bootstrap(session: boto3.session.Session, version: str = "30", qualifier: str = "hnb659fds") -> None:
    """What ``cdk bootstrap`` leaves that the doctor reads: stack CDKToolkit and its version parameter."""
    parameter = {
        "Type": "AWS::SSM::Parameter",
        "Properties": {"Name": f"/cdk-bootstrap/{qualifier}/version", "Type": "String", "Value": version},
    }
    template = {"Resources": {"CdkBootstrapVersion": parameter}}
    session.client("cloudformation").create_stack(StackName="CDKToolkit", TemplateBody=json.dumps(template))


def make_healthy(moto: Moto) -> None:
    """Everything moto can hold for an all-pass run: bootstrap, the Powertools parameter, the CORS rule on
    the input and images buckets, and a confirmed subscription of :data:`EMAIL` to the stack's topic."""
    bootstrap(moto.session)
    seed_public_parameter(powertools_parameter_name(), powertools_layer_arn())
    for bucket in (INPUT_BUCKET, IMAGES_BUCKET):
        moto.s3.put_bucket_cors(Bucket=bucket, CORSConfiguration={"CORSRules": [CORS_RULE]})
    sns = moto.session.client("sns")
    (topic,) = sns.list_topics()["Topics"]
    sns.subscribe(TopicArn=topic["TopicArn"], Protocol="email", Endpoint=EMAIL)


def stubbed(session: boto3.session.Session, service: str) -> tuple[Any, Stubber]:
    """A client of ``service`` and its activated Stubber (no call reaches moto)."""
    client = session.client(service)
    stubber = Stubber(client)
    stubber.activate()
    return client, stubber


def workteam_response(arn: str = WORKTEAM_ARN) -> dict[str, Any]:
    cognito = {"UserPool": f"{REGION}_pool", "UserGroup": "labelers", "ClientId": "client"}
    return {
        "Workteam": {
            "WorkteamName": arn.rsplit("/", 1)[-1],
            "WorkteamArn": arn,
            "MemberDefinitions": [{"CognitoMemberDefinition": cognito}],
            "Description": "labelers",
        }
    }


def sagemaker_customer(session: boto3.session.Session) -> tuple[Any, Stubber]:
    """SageMaker of an existing Ground Truth customer with workteam ``lc-labelers``, in call order."""
    sagemaker, stubber = stubbed(session, "sagemaker")
    stubber.add_response("list_labeling_jobs", {"LabelingJobSummaryList": []}, {"MaxResults": 1})
    stubber.add_response("describe_workteam", workteam_response(), {"WorkteamName": "lc-labelers"})
    return sagemaker, stubber


def quota(value: float) -> dict[str, Any]:
    return {"ServiceCode": "sagemaker", "QuotaCode": QUOTA_CODE, "QuotaName": QUOTA_NAME, "Value": value}


def service_quotas(session: boto3.session.Session, value: float) -> tuple[Any, Stubber]:
    """Service Quotas listing SageMaker's applied quotas, among them the labeling-job one at ``value``."""
    client, stubber = stubbed(session, "service-quotas")
    other = {"ServiceCode": "sagemaker", "QuotaCode": "L-0BJECTS1", "QuotaName": "Objects per labeling job"}
    page = {"Quotas": [{**other, "Value": 100000.0}, quota(value)]}
    stubber.add_response("list_service_quotas", page, {"ServiceCode": "sagemaker"})
    return client, stubber


def client_without_credentials(service: str, region: str = REGION) -> Any:
    """A real client that finds no credentials anywhere (no environment, file or instance role)."""
    core = botocore.session.Session()
    core.get_component("credential_provider").providers = []
    return boto3.session.Session(botocore_session=core, region_name=region).client(service)


def statuses(*results: CheckResult) -> list[Status]:
    return [result.status for result in results]

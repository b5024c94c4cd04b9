"""IAM contract beyond the static stack tests (tests/unit/stacks/test_stack_iam.py covers explicit actions,
the ``*``-only actions, conditioned PassRole and the Ground Truth role's prefixes):

* every AWS call each handler really makes, in runs that touch every function and the failure paths, is
  allowed (action AND resource) by its own role in the synthesized template;
* every non-``*`` resource of every policy is this stack's resource, in this stack's account, or a
  configured external (source bucket, UI template, KMS key);
* with ``kmsKeyArn`` set, the table, the data buckets and the labeling jobs' output use the key, end to end.
"""

from __future__ import annotations

import json
import threading
from collections import defaultdict
from pathlib import Path
from typing import Any

import botocore.client
import pytest
from aws_cdk.assertions import Template
from iam_contract import allows, required
from labelchain_fn.adapters import settings as settings_module
from labelchain_fn.adapters.settings import Settings
from labelchain_fn.functions import FUNCTIONS
from reliability_stack import Deployed, reliability_context, statuses

from stacks.app_builder import build_app

KMS_KEY_ARN = "arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab"
UI_TEMPLATE_URI = "s3://team-templates/ui/birds.liquid.html"
Call = tuple[str, str, dict[str, Any]]


@pytest.fixture
def recorded_calls(monkeypatch: pytest.MonkeyPatch) -> dict[str, list[Call]]:
    """Every boto3 call made from a Lambda handler thread (``lambda-<FunctionName>``), by function name."""
    calls: dict[str, list[Call]] = defaultdict(list)
    real = botocore.client.BaseClient._make_api_call

    def record(self: Any, operation: str, params: dict[str, Any]) -> Any:
        thread = threading.current_thread().name
        if thread.startswith("lambda-"):
            calls[thread.removeprefix("lambda-")].append(
                (self.meta.service_model.service_name, operation, dict(params))
            )
        return real(self, operation, params)

    monkeypatch.setattr(botocore.client.BaseClient, "_make_api_call", record)
    return calls


#: Services whose grants no handler calls directly: logs and X-Ray (the runtime), KMS (S3, SNS and DynamoDB
#: use the key on the caller's behalf), IAM PassRole (CreateLabelingJob passes the role).
IMPLICIT_SERVICES = {"logs", "xray", "kms", "iam"}
#: s3:ListBucket turns a missing object into 404 instead of 403 (named ManifestNotFound); multipart aborts
#: happen only when an upload fails.
IMPLICIT_ACTIONS = {"s3:ListBucket", "s3:AbortMultipartUpload"}
#: Grants this scenario cannot exercise, each with the path that uses it (unit tests cover those paths).
UNEXERCISED = {
    ("prepare", "sagemaker:DescribeModel"): "warm start from a model: the runs here start cold",
    ("prepare", "sagemaker:DescribeLabelingJob"): "warm start named by a job of the chain",
    ("prepare", "states:DescribeExecution"): "taking over an upload whose execution ended early",
    ("start", "sagemaker:StopLabelingJob"): "a job created while its execution closed the record",
    ("start", "sagemaker:DescribeLabelingJob"): "a retried CreateLabelingJob meets its own job",
    ("job_state_changed", "states:SendTaskFailure"): "a labeling job that failed or was stopped",
    ("monitor", "sagemaker:StopLabelingJob"): "a running job whose execution ended",
    ("monitor", "states:SendTaskFailure"): "a callback a dead sender claimed, of a failed job",
    ("record", "sagemaker:StopLabelingJob"): "a control job whose branch failed while it still runs",
    ("record_failure", "s3:GetObject"): "a failed execution whose job had completed",
    ("record_failure", "sagemaker:StopLabelingJob"): "a failed execution whose job still runs",
}
#: Grants a concurrent settler may use first: the scheduled Monitor fires in the same simulated moment as
#: the job's end event and, finding the task no longer waiting, settles and notifies before RecordJob does
#: (whoever settles publishes, exactly once; the test checks that instead).
RACED = {("record", "sns:Publish"): "the Monitor settled every job before RecordJob could"}


def _actions(statement: dict[str, Any]) -> list[str]:
    action = statement["Action"]
    return [action] if isinstance(action, str) else list(action)


def _handler_of(template: dict[str, Any], function_logical_id: str) -> str:
    """The handler module name of a function (``labelchain_fn.handlers.<name>.handler``)."""
    return str(template["Resources"][function_logical_id]["Properties"]["Handler"]).split(".")[-2]


@pytest.fixture
def read_settings(monkeypatch: pytest.MonkeyPatch) -> dict[str, set[str]]:
    """Every environment variable a handler reads through its Settings, by handler module name."""
    variable_of = {field: variable for variable, field in settings_module._FIELD_OF.items()}
    reads: dict[str, set[str]] = defaultdict(set)
    real = object.__getattribute__

    def record(self: Any, name: str) -> Any:
        thread = threading.current_thread().name
        if thread.startswith("lambda-") and name in variable_of:
            handler = _HANDLER_OF_THREAD.get(thread.removeprefix("lambda-"))
            if handler:
                reads[handler].add(variable_of[name])
        return real(self, name)

    monkeypatch.setattr(Settings, "__getattribute__", record)
    return reads


#: Function name -> handler module, filled by the test from the deployed functions.
_HANDLER_OF_THREAD: dict[str, str] = {}


def role_statements(template: dict[str, Any], function_logical_id: str) -> list[dict[str, Any]]:
    """The statements of every policy attached to the function's role."""
    role = template["Resources"][function_logical_id]["Properties"]["Role"]["Fn::GetAtt"][0]
    statements = []
    for resource in template["Resources"].values():
        if resource["Type"] == "AWS::IAM::Policy" and {"Ref": role} in resource["Properties"]["Roles"]:
            statements.extend(resource["Properties"]["PolicyDocument"]["Statement"])
    return statements


def test_every_call_a_handler_makes_is_granted_to_its_own_role_and_every_grant_is_used(
    deployed: Deployed,
    reliability_assembly: Path,
    recorded_calls: dict[str, list[Call]],
    read_settings: dict[str, set[str]],
) -> None:
    for function in deployed.client("lambda").list_functions()["Functions"]:
        _HANDLER_OF_THREAD[function["FunctionName"]] = function["Handler"].split(".")[-2]
    # GIVEN runs that reach every function: a batch with a control job (compare), a rejected upload, and a
    # batch whose job cannot be created (RecordFailure with a prepared job)
    lines = "\n".join(deployed.lines())
    deployed.put("manual/with-control.manifest", lines)
    manifest = f"s3://{deployed.input_bucket}/manual/with-control.manifest"
    deployed.start_console({"chain": "birds", "manifest": manifest, "control": True})
    deployed.wait_for_executions(1)
    deployed.put("incoming/birds/bad.manifest", "{not json")
    deployed.wait_for_executions(2)
    deployed.fault({"kind": "limit", "count": 50})
    deployed.put("incoming/birds/refused.manifest", "\n".join(deployed.lines(prefix="images/r")))
    runs = deployed.wait_for_executions(3)
    assert sorted(statuses(runs)) == ["FAILED", "FAILED", "SUCCEEDED"]
    # WHEN each recorded call is checked against the template's policy of the function that made it
    template = json.loads((reliability_assembly / "LabelChain.template.json").read_text())
    resources = deployed.client("cloudformation").describe_stack_resources(StackName="LabelChain")
    physical = {
        r["LogicalResourceId"]: (r["ResourceType"], r["PhysicalResourceId"])
        for r in resources["StackResources"]
        if r.get("LogicalResourceId") and r.get("PhysicalResourceId")  # moto lists skipped types bare
    }
    logical_of = {p: logical for logical, (_type, p) in physical.items()}
    denied = []
    for function_name, calls in recorded_calls.items():
        statements = role_statements(template, logical_of[function_name])
        for service, operation, params in calls:
            for action, resource in required(service, operation, params):
                if not allows(statements, action, resource, physical):
                    denied.append(f"{function_name}: {action} on {resource}")
    # THEN nothing a handler does would be denied in AWS, and every function was exercised
    assert denied == [], "\n".join(sorted(set(denied)))
    assert {name.split("-")[1].removeprefix("JobFunctions") for name in recorded_calls} >= {
        prefix + "Function"
        for prefix in ("Prepare", "Start", "Record", "RecordFailure", "Compare", "Monitor")
    } | {"JobStateChangedFunction"} or len(recorded_calls) == 7
    assert len(recorded_calls) == 7, sorted(recorded_calls)
    # AND the other way round: every action granted to a function was used by one of its recorded calls,
    # or is listed with the reason this run cannot exercise it
    unused = set()
    for function_name, calls in recorded_calls.items():
        handler = _handler_of(template, logical_of[function_name])
        used = {action for call in calls for action, _resource in required(*call)}
        granted = {
            action
            for statement in role_statements(template, logical_of[function_name])
            for action in (
                [statement["Action"]] if isinstance(statement["Action"], str) else statement["Action"]
            )
            if action.split(":")[0] not in IMPLICIT_SERVICES
        }
        unused |= {(handler, action) for action in granted - used - IMPLICIT_ACTIONS}
    assert unused - set(RACED) == set(UNEXERCISED), (
        f"granted, never used: {sorted(unused - set(UNEXERCISED) - set(RACED))}; "
        f"listed, but used: {sorted(set(UNEXERCISED) - unused)}"
    )
    # AND each job's end was announced exactly once, by whichever function settled it
    completed = sorted(
        params["Subject"].split()[1]
        for calls in recorded_calls.values()
        for service, operation, params in calls
        if (service, operation) == ("sns", "Publish") and " Completed " in params["Subject"]
    )
    assert completed == sorted(j["labelingJobName"] for j in deployed.jobs() if j["status"] == "COMPLETED")
    # AND every environment variable a function is given is read by its handler, and it reads no other
    assert dict(read_settings) == {name: set(declared.environment) for name, declared in FUNCTIONS.items()}, (
        "environment read vs declared (labelchain_fn.functions)"
    )


@pytest.fixture(scope="module")
def kms_template() -> dict[str, Any]:
    context = reliability_context()
    config = context["labelchain"]
    config["kmsKeyArn"] = KMS_KEY_ARN
    config["chains"]["birds"]["uiTemplateS3Uri"] = UI_TEMPLATE_URI
    _app, stack = build_app(context, nag=False)
    return dict(Template.from_stack(stack).to_json())


def _text(node: Any) -> str:
    """A policy resource as JSON text (a literal ARN in quotes, like the strings inside an intrinsic)."""
    return json.dumps(node)


def test_every_policy_resource_is_this_stacks_or_configured(kms_template: dict[str, Any]) -> None:
    # GIVEN every statement of every identity policy, in the configuration with the most externals
    own_ids = set(kms_template["Resources"])
    externals = (
        KMS_KEY_ARN,
        ':s3:::shared-images"',
        ":s3:::shared-images/*",
        ':s3:::team-templates"',
        ":s3:::team-templates/ui/birds.liquid.html",
    )
    outside = []
    for logical_id, resource in kms_template["Resources"].items():
        if resource["Type"] != "AWS::IAM::Policy":
            continue
        for statement in resource["Properties"]["PolicyDocument"]["Statement"]:
            targets = (
                statement["Resource"] if isinstance(statement["Resource"], list) else [statement["Resource"]]
            )
            for target in targets:
                text = _text(target)
                # THEN each resource is "*" (actions without resource-level permissions, checked in
                # tests/unit/stacks/test_stack_iam.py), one of this stack's resources, an ARN in this
                # stack's account, or a configured external
                mine = any(f'"{own}"' in text for own in own_ids) or '{"Ref": "AWS::AccountId"}' in text
                configured = any(external in text for external in externals)
                if text != '"*"' and not (mine or configured):
                    outside.append(f"{logical_id}: {text}")
    assert outside == []


def test_a_configured_key_encrypts_table_buckets_and_job_output(kms_template: dict[str, Any]) -> None:
    resources = kms_template["Resources"].values()
    # GIVEN kmsKeyArn set THEN the table uses the key
    [table] = [r for r in resources if r["Type"] == "AWS::DynamoDB::Table"]
    assert table["Properties"]["SSESpecification"]["KMSMasterKeyId"] == KMS_KEY_ARN
    # AND the input, output and artifacts buckets default to SSE-KMS with it (the access-log bucket cannot)
    encrypted = [
        r["Properties"]["BucketEncryption"]["ServerSideEncryptionConfiguration"][0][
            "ServerSideEncryptionByDefault"
        ]
        for r in resources
        if r["Type"] == "AWS::S3::Bucket"
    ]
    assert sum(e.get("KMSMasterKeyID") == KMS_KEY_ARN for e in encrypted) == 3
    # AND prepare receives the key for the labeling jobs' OutputConfig.KmsKeyId / VolumeKmsKeyId
    prepare = next(
        r
        for r in resources
        if r["Type"] == "AWS::Lambda::Function" and r["Properties"]["Handler"].endswith("prepare.handler")
    )
    assert prepare["Properties"]["Environment"]["Variables"]["KMS_KEY_ARN"] == KMS_KEY_ARN
    # AND the Ground Truth role may use the key to read inputs and write the output
    role_grants = [
        s
        for r in resources
        if r["Type"] == "AWS::IAM::Policy" and "GroundTruth" in _text(r["Properties"]["Roles"])
        for s in r["Properties"]["PolicyDocument"]["Statement"]
        if KMS_KEY_ARN in _text(s["Resource"])
    ]
    granted = {
        a for s in role_grants for a in (s["Action"] if isinstance(s["Action"], list) else [s["Action"]])
    }
    assert {"kms:Decrypt", "kms:GenerateDataKey"} <= granted

"""Smoke test of the change-set patch: the update cycle ``cdk deploy`` runs on a stack that exists."""

from __future__ import annotations

import json
from collections.abc import Iterator

import boto3
import pytest
from botocore.exceptions import ClientError
from sandbox_fakes import EMPTY_ZIP

from sandbox.patches import cfn_change_sets, cfn_outputs, sfn_cfn_backend

REGION = "us-east-1"
NAME = "cdk-deploy-change-set"  # the CLI's change set name, on every stack it deploys
VERSION_PARAMETER = "/cdk-bootstrap/hnb659fds/version"


def _template(value: str, result: str, env: dict[str, str], parameter: str = "/app/chains") -> dict:
    """A stack with the types the update must really change, and a table moto cannot update in place."""
    role = {
        "Type": "AWS::IAM::Role",
        "Properties": {"AssumeRolePolicyDocument": {"Version": "2012-10-17", "Statement": []}},
    }
    definition = {"StartAt": "P", "States": {"P": {"Type": "Pass", "Result": result, "End": True}}}
    return {
        "Parameters": {
            "BootstrapVersion": {"Type": "AWS::SSM::Parameter::Value<String>", "Default": VERSION_PARAMETER}
        },
        "Resources": {
            "Role": role,
            "Chains": {
                "Type": "AWS::SSM::Parameter",
                "Properties": {"Name": parameter, "Type": "String", "Value": value},
            },
            "Table": {
                "Type": "AWS::DynamoDB::Table",
                "Properties": {
                    "KeySchema": [{"AttributeName": "pk", "KeyType": "HASH"}],
                    "AttributeDefinitions": [{"AttributeName": "pk", "AttributeType": "S"}],
                    "BillingMode": "PAY_PER_REQUEST",
                    "Tags": [{"Key": "chains", "Value": value}],  # changed, but not applied by moto
                },
            },
            "Fn": {
                "Type": "AWS::Lambda::Function",
                "Properties": {
                    "Code": {"S3Bucket": "assets", "S3Key": "code.zip"},
                    "Handler": "index.handler",
                    "Runtime": "python3.12",
                    "Role": {"Fn::GetAtt": ["Role", "Arn"]},
                    "Environment": {"Variables": {**env, "TABLE_NAME": {"Ref": "Table"}}},
                },
            },
            "Inline": {  # the shape of CDK's own provider functions
                "Type": "AWS::Lambda::Function",
                "Properties": {
                    "Code": {"ZipFile": f"def handler(event, context):\n    return {result!r}\n"},
                    "Handler": "index.handler",
                    "Runtime": "python3.12",
                    "Role": {"Fn::GetAtt": ["Role", "Arn"]},
                },
            },
            "Machine": {
                "Type": "AWS::StepFunctions::StateMachine",
                "Properties": {
                    "DefinitionString": json.dumps(definition),
                    "RoleArn": {"Fn::GetAtt": ["Role", "Arn"]},
                },
            },
        },
        "Outputs": {
            "Result": {"Value": result},
            "TableName": {"Value": {"Ref": "Table"}},
        },
    }


@pytest.fixture
def cfn(sfn_aws) -> Iterator[object]:
    for module in (sfn_cfn_backend, cfn_outputs, cfn_change_sets):
        module.PATCH.install()
    boto3.client("ssm", region_name=REGION).put_parameter(Name=VERSION_PARAMETER, Value="30", Type="String")
    s3 = boto3.client("s3", region_name=REGION)
    s3.create_bucket(Bucket="assets")
    s3.put_object(Bucket="assets", Key="code.zip", Body=EMPTY_ZIP)
    try:
        yield boto3.client("cloudformation", region_name=REGION)
    finally:
        for module in (cfn_change_sets, cfn_outputs, sfn_cfn_backend):
            module.PATCH.uninstall()


def _deploy(cfn, stack: str, template: dict, change_set_type: str, **kwargs) -> dict:
    """What ``cdk deploy`` does: delete the old change set, see it gone, create, describe, execute."""
    if change_set_type == "UPDATE":
        cfn.delete_change_set(StackName=stack, ChangeSetName=NAME)
        with pytest.raises(ClientError, match="ChangeSetNotFound"):
            cfn.describe_change_set(StackName=stack, ChangeSetName=NAME)
    created = cfn.create_change_set(
        StackName=stack,
        ChangeSetName=NAME,
        ChangeSetType=change_set_type,
        TemplateBody=json.dumps(template),
        Capabilities=["CAPABILITY_IAM"],
        **kwargs,
    )
    described = cfn.describe_change_set(StackName=created["StackId"], ChangeSetName=created["Id"])
    cfn.execute_change_set(StackName=created["StackId"], ChangeSetName=created["Id"])
    return dict(described)


def test_an_update_change_set_really_updates_the_stack(cfn):
    # GIVEN two stacks created by change sets of the CLI's one name (the bootstrap stack has one too)
    _deploy(cfn, "other", _template("other", "other", {}, "/other/chains"), "CREATE")
    _deploy(cfn, "app", _template('{"birds": 1}', "v1", {"DIGEST": "1", "OLD": "x"}), "CREATE")
    fn = boto3.client("lambda", region_name=REGION).list_functions()["Functions"]
    code_before = {f["FunctionName"]: f["CodeSha256"] for f in fn}
    # WHEN the app stack is deployed again with changed chains, like the CLI (previous parameter values)
    described = _deploy(
        cfn,
        "app",
        _template('{"birds": 1, "cats": 2}', "v2", {"DIGEST": "2"}),
        "UPDATE",
        Parameters=[{"ParameterKey": "BootstrapVersion", "UsePreviousValue": True}],
    )
    # THEN the change set listed the modified resources, and the other stack's change set was not touched
    changed = {c["ResourceChange"]["LogicalResourceId"] for c in described["Changes"]}
    assert {"Chains", "Fn", "Inline", "Machine", "Table"} <= changed
    assert (
        cfn.describe_change_set(StackName="other", ChangeSetName=NAME)["ExecutionStatus"]
        == "EXECUTE_COMPLETE"
    )
    # AND the stack is updated: status, outputs, events per resource
    stack = cfn.describe_stacks(StackName="app")["Stacks"][0]
    assert stack["StackStatus"] == "UPDATE_COMPLETE"
    outputs = {o["OutputKey"]: o["OutputValue"] for o in stack["Outputs"]}
    assert outputs["Result"] == "v2"
    events = cfn.describe_stack_events(StackName="app")["StackEvents"]
    assert {"Fn", "Chains", "Machine"} <= {
        e["LogicalResourceId"] for e in events if e["ResourceStatus"] == "UPDATE_COMPLETE"
    }
    # AND the resources: the parameter's next version, the function's environment replaced (not merged),
    # the state machine's definition; the table moto cannot update stays what it was (still referenced)
    parameter = boto3.client("ssm", region_name=REGION).get_parameter(Name="/app/chains")["Parameter"]
    assert (parameter["Version"], parameter["Value"]) == (2, '{"birds": 1, "cats": 2}')
    functions = boto3.client("lambda", region_name=REGION).list_functions()["Functions"]
    [function] = [f for f in functions if f["FunctionName"].startswith("app-Fn")]
    assert function["Environment"]["Variables"] == {"DIGEST": "2", "TABLE_NAME": outputs["TableName"]}
    assert function["CodeSha256"] == code_before[function["FunctionName"]]
    sfn = boto3.client("stepfunctions", region_name=REGION)
    [machine] = [m for m in sfn.list_state_machines()["stateMachines"] if m["name"].startswith("app-")]
    definition = json.loads(
        sfn.describe_state_machine(stateMachineArn=machine["stateMachineArn"])["definition"]
    )
    assert definition["States"]["P"]["Result"] == "v2"
    assert boto3.client("dynamodb", region_name=REGION).describe_table(TableName=outputs["TableName"])


def test_change_sets_execute_once_and_missing_ones_answer_like_aws(cfn):
    # GIVEN a stack deployed by a change set
    _deploy(cfn, "app", _template("1", "v1", {}), "CREATE")
    # WHEN the executed change set is executed again THEN CloudFormation's status error
    with pytest.raises(ClientError, match="InvalidChangeSetStatus"):
        cfn.execute_change_set(StackName="app", ChangeSetName=NAME)
    # WHEN a missing change set is deleted THEN nothing happens; described or executed: ChangeSetNotFound
    cfn.delete_change_set(StackName="app", ChangeSetName="never-created")
    for call in (cfn.describe_change_set, cfn.execute_change_set):
        with pytest.raises(ClientError) as raised:
            call(StackName="app", ChangeSetName="never-created")
        assert raised.value.response["Error"]["Code"] == "ChangeSetNotFound"
    # WHEN an update changes nothing THEN the change set fails with the reason the CLI recognises
    cfn.delete_change_set(StackName="app", ChangeSetName=NAME)
    cfn.create_change_set(
        StackName="app",
        ChangeSetName=NAME,
        ChangeSetType="UPDATE",
        TemplateBody=json.dumps(_template("1", "v1", {})),
    )
    described = cfn.describe_change_set(StackName="app", ChangeSetName=NAME)
    assert described["Status"] == "FAILED" and "didn't contain changes" in described["StatusReason"]


def test_the_patch_is_idempotent_and_reversible():
    from moto.cloudformation.responses import CloudFormationResponse

    original = CloudFormationResponse.describe_change_set
    cfn_change_sets.PATCH.install()
    cfn_change_sets.PATCH.install()
    assert cfn_change_sets.PATCH.installed and CloudFormationResponse.describe_change_set is not original
    cfn_change_sets.PATCH.uninstall()
    assert not cfn_change_sets.PATCH.installed and CloudFormationResponse.describe_change_set is original

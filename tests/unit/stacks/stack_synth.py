"""Helpers for the stack tests: synthesize a configuration once and look resources up by property."""

from __future__ import annotations

import copy
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from aws_cdk import App
from aws_cdk.assertions import Template

from stacks.app_builder import build_app
from stacks.context import cdk_json_context
from stacks.nag_acknowledgements import render_intrinsic
from stacks.pipeline_stack import LabelChainStack

KMS_KEY_ARN = "arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab"
SHARED_BUCKET = "shared-images"
UI_TEMPLATE_URI = "s3://team-templates/ui/birds.liquid.html"
HANDLERS = ("prepare", "start", "job_state_changed", "monitor", "record", "record_failure", "compare")


@dataclass(frozen=True)
class Synth:
    """One synthesized configuration: the stack, its assertions ``Template`` and the template dict."""

    stack: LabelChainStack
    template: Template
    json: dict[str, Any]

    def resources(self, resource_type: str) -> dict[str, dict[str, Any]]:
        """Logical ID -> resource, for every resource of ``resource_type``."""
        return {k: v for k, v in self.json["Resources"].items() if v["Type"] == resource_type}

    def function_ids(self) -> dict[str, str]:
        """Handler name -> logical ID of its Lambda function (found by ``Handler``, not by ID)."""
        found = {}
        for logical_id, function in self.resources("AWS::Lambda::Function").items():
            handler = function["Properties"]["Handler"]
            found[handler.split(".")[-2]] = logical_id
        return found

    def function(self, name: str) -> dict[str, Any]:
        return self.json["Resources"][self.function_ids()[name]]

    def role_statements(self, role_logical_id: str) -> list[dict[str, Any]]:
        """Every statement of the policies attached to one role (inline and AWS::IAM::Policy)."""
        statements = []
        role = self.json["Resources"][role_logical_id]
        for policy in role["Properties"].get("Policies", []):
            statements.extend(policy["PolicyDocument"]["Statement"])
        for policy in self.resources("AWS::IAM::Policy").values():
            if {"Ref": role_logical_id} in policy["Properties"]["Roles"]:
                statements.extend(policy["Properties"]["PolicyDocument"]["Statement"])
        return statements

    def function_grants(self, name: str) -> dict[str, set[str]]:
        """Resource text -> actions, for the role of handler ``name``."""
        role_id = self.function(name)["Properties"]["Role"]["Fn::GetAtt"][0]
        return actions_by_resource(self.role_statements(role_id))


def actions_by_resource(statements: list[dict[str, Any]]) -> dict[str, set[str]]:
    """Resource (rendered with :func:`flatten`) -> the actions the statements allow on it."""
    found: dict[str, set[str]] = {}
    for statement in statements:
        for resource in as_list(statement["Resource"]):
            found.setdefault(flatten(resource), set()).update(as_list(statement["Action"]))
    return found


def bare_app() -> App:
    """An app for single-construct tests, without the ~5 s built-in CloudFormation validator."""
    return App(builtin_cloud_formation_validation=False)


def default_context() -> dict[str, Any]:
    """A deep copy of the ``cdk.json`` context (tests mutate their copy)."""
    return copy.deepcopy(cdk_json_context())


def kms_context() -> dict[str, Any]:
    """The ``cdk.json`` context plus a KMS key, an extra source bucket, an e-mail, and a chain with a
    control job and its own UI template."""
    context = default_context()
    config = context["labelchain"]
    config["kmsKeyArn"] = KMS_KEY_ARN
    config["allowedSourceBuckets"] = [SHARED_BUCKET]
    config["notificationEmails"] = ["ops@example.com"]
    config["removalPolicy"] = "destroy"
    config["chains"]["birds"]["control"] = True
    config["chains"]["birds"]["uiTemplateS3Uri"] = UI_TEMPLATE_URI
    return context


def synth(context: dict[str, Any]) -> Synth:
    """Synthesize ``context`` without cdk-nag (the nag tests synthesize their own apps)."""
    _app, stack = build_app(context, nag=False)
    template = Template.from_stack(stack)
    return Synth(stack, template, dict(template.to_json()))


def as_list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [value]


def all_statements(template: Mapping[str, Any]) -> Iterator[tuple[str, dict[str, Any]]]:
    """(owner logical ID, statement) for every identity-policy statement in the template."""
    for logical_id, resource in template["Resources"].items():
        if resource["Type"] == "AWS::IAM::Policy":
            for statement in resource["Properties"]["PolicyDocument"]["Statement"]:
                yield logical_id, statement
        elif resource["Type"] == "AWS::IAM::Role":
            for policy in resource["Properties"].get("Policies", []):
                for statement in policy["PolicyDocument"]["Statement"]:
                    yield logical_id, statement


def flatten(node: Any) -> str:
    """Render an intrinsic (Join/Ref/GetAtt) as text, for substring assertions on ARNs."""
    try:
        return render_intrinsic(node)
    except ValueError:
        return repr(node)

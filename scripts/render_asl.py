#!/usr/bin/env python3
"""Turn the state machine of a synthesized template into plain ASL JSON.

CDK emits ``DefinitionString`` as ``Fn::Join`` of literal text and references to other resources. Each
reference is replaced by a well-formed placeholder ARN that names the referenced logical ID (for example
``arn:aws:lambda:us-east-1:123456789012:function:JobFunctionsPrepareFunctionDB7BAA0B``), so the result
parses as JSON, can be asserted on, and passes ASL validators that check ARNs.

Usage: ``python scripts/render_asl.py [TEMPLATE] [--out build/asl.json]``. TEMPLATE defaults to the only
``cdk.out/*.template.json``.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

PLACEHOLDER_ACCOUNT = "123456789012"
PLACEHOLDER_REGION = "us-east-1"
PSEUDO_PARAMETERS = {
    "AWS::Partition": "aws",
    "AWS::Region": PLACEHOLDER_REGION,
    "AWS::AccountId": PLACEHOLDER_ACCOUNT,
    "AWS::URLSuffix": "amazonaws.com",
}
#: ``(service, resource type)`` of the ARN placeholder per CloudFormation type; others use a generic form.
ARN_SHAPES = {
    "AWS::Lambda::Function": ("lambda", "function:"),
    "AWS::StepFunctions::StateMachine": ("states", "stateMachine:"),
    "AWS::SNS::Topic": ("sns", ""),
    "AWS::DynamoDB::Table": ("dynamodb", "table/"),
    "AWS::IAM::Role": ("iam", "role/"),
    "AWS::S3::Bucket": ("s3", ""),
}


def _placeholder(resources: dict[str, Any], logical_id: str, attribute: str | None) -> str:
    if logical_id in PSEUDO_PARAMETERS:
        return PSEUDO_PARAMETERS[logical_id]
    resource_type = resources.get(logical_id, {}).get("Type")
    if resource_type is None:
        raise ValueError(f"reference to unknown resource {logical_id!r}")
    if attribute not in (None, "Arn"):
        return f"{logical_id}.{attribute}"
    service, kind = ARN_SHAPES.get(resource_type, ("unknown", "resource/"))
    if attribute is None and resource_type != "AWS::SNS::Topic":
        return logical_id  # Ref of most resources is their name
    if service == "s3":
        return f"arn:aws:s3:::{logical_id.lower()}"
    region_account = "" if service == "iam" else f"{PLACEHOLDER_REGION}:"
    return f"arn:aws:{service}:{region_account}{PLACEHOLDER_ACCOUNT}:{kind}{logical_id}"


def _render(node: Any, resources: dict[str, Any]) -> str:
    if isinstance(node, str):
        return node
    if isinstance(node, dict) and len(node) == 1:
        ((fn, arg),) = node.items()
        if fn == "Ref":
            return _placeholder(resources, arg, None)
        if fn == "Fn::GetAtt":
            return _placeholder(resources, arg[0], arg[1])
        if fn == "Fn::Join":
            return str(arg[0]).join(_render(part, resources) for part in arg[1])
    raise ValueError(f"unsupported intrinsic in DefinitionString: {node!r}")


def render_asl(template: dict[str, Any]) -> dict[str, Any]:
    """Return the ASL of the single ``AWS::StepFunctions::StateMachine`` in ``template``.

    Raises
    ------
    ValueError
        When the template holds no state machine or several, or an intrinsic cannot be rendered.
    """
    resources: dict[str, Any] = template.get("Resources", {})
    machines = [r for r in resources.values() if r.get("Type") == "AWS::StepFunctions::StateMachine"]
    if len(machines) != 1:
        raise ValueError(f"expected exactly one state machine; found {len(machines)}")
    definition = machines[0]["Properties"]["DefinitionString"]
    text = definition if isinstance(definition, str) else _render(definition, resources)
    asl: dict[str, Any] = json.loads(text)
    return asl


def _default_template() -> Path:
    candidates = sorted(Path("cdk.out").glob("*.template.json"))
    if len(candidates) != 1:
        raise SystemExit(f"render_asl: expected one cdk.out/*.template.json; found {len(candidates)}")
    return candidates[0]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("template", nargs="?", type=Path, help="synthesized template (default: cdk.out)")
    parser.add_argument("--out", type=Path, default=Path("build/asl.json"), help="default: build/asl.json")
    args = parser.parse_args(argv)
    template_path: Path = args.template or _default_template()
    asl = render_asl(json.loads(template_path.read_text(encoding="utf-8")))
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(asl, indent=2) + "\n", encoding="utf-8")
    print(f"render_asl: {template_path} -> {args.out} ({len(asl['States'])} top-level states)")
    return 0


if __name__ == "__main__":
    sys.exit(main())

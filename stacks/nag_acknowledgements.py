"""Every cdk-nag (AWS Solutions) acknowledgement of the stack, each on the narrowest construct, with a reason.

cdk-nag 3 needs one acknowledgement per finding (``AwsSolutions-IAM5[Resource::<text>]``); the finding
text is the policy resource rendered with ``<LogicalId.Attr>`` / ``<AWS::Pseudo>`` placeholders.
:func:`nag_text` renders a CDK string the same way, so each acknowledgement is computed from the very
value the policy was built from and cannot silently drift from it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from aws_cdk import Acknowledgment, Stack, Validations
from aws_cdk import aws_iam as iam
from constructs import IConstruct
from labelchain_fn.functions import FUNCTIONS, Grant

from .policies import executions_arn, labeling_job_arn, model_arn, objects_arn, sagemaker_log_arns
from .storage import ARTIFACT_PREFIXES, OUTPUT_PREFIX

if TYPE_CHECKING:
    from .pipeline_stack import LabelChainStack

PLUGIN_NAMESPACE = "AwsSolutions"

XRAY_REASON = "X-Ray PutTraceSegments/PutTelemetryRecords support no resource-level permissions ('*' only)"
CALLBACK_REASON = "SendTaskSuccess/SendTaskFailure support no resource-level permissions ('*' only)"
INDEX_REASON = "Queries the table's sparse 'active' GSI; '/index/*' covers only this table's own indexes"
JOB_REASON = "Scoped to this deployment's labeling jobs: 'labeling-job/<jobNamePrefix>-*'"
RUNTIME_REASON = (
    "python3.12 is the newest runtime within the project's supported Python range (<3.13) and has a "
    "pinned AWS-managed Powertools v3 layer build; moving to a newer runtime is a deliberate upgrade"
)


def nag_text(scope: IConstruct, value: str) -> str:
    """Render ``value`` (a string that may hold tokens) as cdk-nag prints it in finding IDs."""
    return render_intrinsic(Stack.of(scope).resolve(value))


def render_intrinsic(node: Any) -> str:
    """Render a Ref/GetAtt/Join intrinsic as text (cdk-nag finding ids; ARN substring checks)."""
    if isinstance(node, str):
        return node
    if isinstance(node, dict) and len(node) == 1:
        ((fn, arg),) = node.items()
        if fn == "Ref":
            return f"<{arg}>"
        if fn == "Fn::GetAtt":
            return f"<{arg[0]}.{arg[1]}>"
        if fn == "Fn::Join":
            return str(arg[0]).join(render_intrinsic(part) for part in arg[1])
    raise ValueError(f"cannot render {node!r} as a cdk-nag finding text")


def _ack(scope: IConstruct, rule: str, reason: str) -> None:
    Validations.of(scope).acknowledge(Acknowledgment(id=f"{PLUGIN_NAMESPACE}::{rule}", reason=reason))


def _wildcard(scope: IConstruct, resource: str, reason: str) -> None:
    """Acknowledge the IAM5 finding for one wildcard ``resource`` in ``scope``'s policies."""
    _ack(scope, f"AwsSolutions-IAM5[Resource::{nag_text(scope, resource)}]", reason)


def _acknowledge_ground_truth_role(stack: LabelChainStack) -> None:
    storage, role = stack.storage, stack.ground_truth_role.role
    _wildcard(role, "*", "cloudwatch:PutMetricData supports no resource-level permissions ('*' only)")
    _wildcard(
        role,
        objects_arn(storage.input_bucket, role),
        "Labeling jobs read the uploaded manifests and the objects they list anywhere in the input bucket",
    )
    for prefix in ARTIFACT_PREFIXES:
        _wildcard(
            role,
            objects_arn(storage.artifacts_bucket, role, prefix),
            f"Labeling jobs read the per-job artifacts the pipeline writes under {prefix}",
        )
    _wildcard(
        role,
        objects_arn(storage.output_bucket, role, OUTPUT_PREFIX),
        "Labeling jobs (and auto-labeling) write and read back their output under jobs/",
    )
    for name in stack.config.allowed_source_buckets:
        _wildcard(role, objects_arn(name, role), f"Manifests may list objects of the allowed bucket {name}")
    logs_reason = "SageMaker names the log groups/streams of labeling, training and transform jobs itself"
    for arn in sagemaker_log_arns(role):
        _wildcard(role, arn, logs_reason)


def _acknowledge_manifest_grants(stack: LabelChainStack, role: iam.IRole, grants: frozenset[Grant]) -> None:
    """The wildcards of the model, manifest and artifact grants (``labelchain_fn.functions.Grant``)."""
    storage = stack.storage
    if Grant.DESCRIBE_MODELS in grants:
        _wildcard(
            role,
            model_arn(role),
            "Warm-start models are named by SageMaker (auto-labeling); DescribeModel checks the chosen one",
        )
    if Grant.READ_MANIFESTS in grants:
        _wildcard(
            role,
            objects_arn(storage.input_bucket, role),
            "Reads uploaded manifests (any chain folder) and console-named manifests in the input bucket",
        )
        for name in stack.config.allowed_source_buckets:
            _wildcard(
                role,
                objects_arn(name, role),
                f"Console input may name a manifest in the allowed bucket {name}",
            )
    if Grant.WRITE_ARTIFACTS in grants:
        for prefix in ARTIFACT_PREFIXES:
            _wildcard(
                role,
                objects_arn(storage.artifacts_bucket, role, prefix),
                f"Writes per-job artifacts (content-addressed or named by job) under {prefix}",
            )


def _acknowledge_functions(stack: LabelChainStack) -> None:
    """Each function's wildcards, from what its declaration (``labelchain_fn.functions``) grants."""
    storage, table = stack.storage, stack.job_table.table
    for name, function in stack.job_functions.functions.items():
        _ack(function, "AwsSolutions-L1", RUNTIME_REASON)
        role = function.role
        assert isinstance(role, iam.Role)
        declared = FUNCTIONS[name]
        grants = declared.all_grants
        callbacks = Grant.SEND_CALLBACKS in grants
        _wildcard(role, "*", XRAY_REASON + ("; " + CALLBACK_REASON if callbacks else ""))
        if "Query" in declared.table_actions:
            _wildcard(role, f"{table.table_arn}/index/*", INDEX_REASON)
        if declared.labeling_job_actions:
            _wildcard(role, labeling_job_arn(role, stack.config.job_name_prefix), JOB_REASON)
        _acknowledge_manifest_grants(stack, role, grants)
        if Grant.READ_JOB_OUTPUT in grants:
            _wildcard(
                role,
                objects_arn(storage.output_bucket, role, OUTPUT_PREFIX),
                "Reads each finished job's output manifest under jobs/ (to cross-check its counters)",
            )
    for name, policy in stack.job_functions.execution_policies.items():
        executions = executions_arn(policy, stack.workflow.state_machine.state_machine_name)
        _wildcard(
            policy, executions, f"{name}: DescribeExecution on the executions of this state machine only"
        )


def _acknowledge_state_machine(stack: LabelChainStack) -> None:
    state_machine = stack.workflow.state_machine
    _wildcard(
        state_machine.role,
        "*",
        "Log delivery (logs:*LogDelivery*, DescribeLogGroups) and X-Ray actions support only '*'",
    )
    for name in (n for n, declared in FUNCTIONS.items() if declared.invoked_by_workflow):
        function = stack.job_functions[name]
        _wildcard(
            state_machine.role,
            f"{function.function_arn}:*",
            f"LambdaInvoke may call any version/alias of the {name} function (CDK's standard grant)",
        )


def acknowledge_findings(stack: LabelChainStack) -> None:
    """Acknowledge every expected AWS Solutions finding of ``stack`` (granular, with reasons)."""
    _acknowledge_ground_truth_role(stack)
    _acknowledge_functions(stack)
    _acknowledge_state_machine(stack)

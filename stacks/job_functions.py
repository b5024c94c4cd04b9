"""The seven pipeline Lambdas: one asset folder (``lambdas/``), one role and one log group per function.

Handlers are ``labelchain_fn.handlers.<name>.handler``. Powertools comes from the AWS-managed public
Powertools layer of the pinned version (:mod:`stacks.powertools`); offline it comes from the project
virtualenv, so the asset carries only our package.
"""

from __future__ import annotations

from aws_cdk import CfnParameter, Duration, RemovalPolicy, Size
from aws_cdk import aws_iam as iam
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_logs as logs
from aws_cdk import aws_stepfunctions as sfn
from constructs import Construct
from labelchain_fn.adapters import settings as env
from labelchain_fn.core import metrics as metric_names
from labelchain_fn.core.chains_document import chains_digest, chains_document
from labelchain_fn.core.config import PipelineConfig
from labelchain_fn.functions import FUNCTIONS

from .context import PROJECT_ROOT
from .function_policies import PolicyTargets, statements_for
from .policies import executions_arn
from .powertools import POWERTOOLS_VERSION, powertools_parameter_name

LAMBDA_ASSET_DIR = PROJECT_ROOT / "lambdas"
ASSET_EXCLUDES = ["__pycache__", "*.pyc", "tests", "**/tests", ".pytest_cache", ".mypy_cache"]
RUNTIME = lambda_.Runtime.PYTHON_3_12
ARCHITECTURE = lambda_.Architecture.ARM_64

# The handlers' metrics, dashboard and alarms share these names (labelchain_fn.core.metrics).
SERVICE_NAME = metric_names.SERVICE
METRICS_NAMESPACE = metric_names.NAMESPACE


def handler_string(name: str) -> str:
    """The Lambda ``Handler`` of handler module ``name``."""
    return f"labelchain_fn.handlers.{name}.handler"


def powertools_layer_arn(scope: Construct) -> str:
    """The layer ARN of the pinned Powertools, resolved at deploy time from Powertools' public SSM parameter
    for that version (a template parameter whose only allowed value is that name, so no deploy can pick
    another version; a region where AWS never published it fails the deploy by name)."""
    name = powertools_parameter_name(runtime=RUNTIME.name, architecture=ARCHITECTURE.name)
    parameter = CfnParameter(
        scope,
        "PowertoolsLayerParameter",
        type="AWS::SSM::Parameter::Value<String>",
        default=name,
        allowed_values=[name],
        description=f"Powertools (Python) {POWERTOOLS_VERSION} layer, by its public SSM parameter",
    )
    return parameter.value_as_string


def _environment_values(config: PipelineConfig, targets: PolicyTargets) -> dict[str, str | None]:
    """The value of every variable a function may read (``None``: not configured, left out)."""
    return {
        env.TABLE_NAME: targets.table.table_name,
        env.CHAINS_PARAMETER_NAME: targets.chains_parameter.parameter_name,
        # A deploy that changes only the chains changes the functions that read them too, so Lambda
        # replaces their warm environments (which cache the chains) before the next invocation.
        env.CHAINS_DIGEST: chains_digest(chains_document(config.chains)),
        env.INPUT_BUCKET: targets.input_bucket.bucket_name,
        env.ARTIFACTS_BUCKET: targets.artifacts_bucket.bucket_name,
        env.OUTPUT_BUCKET: targets.output_bucket.bucket_name,
        env.ALLOWED_SOURCE_BUCKETS: ",".join(config.allowed_source_buckets),
        env.GROUND_TRUTH_ROLE_ARN: targets.ground_truth_role.role_arn,
        env.JOB_NAME_PREFIX: config.job_name_prefix,
        env.KMS_KEY_ARN: config.kms_key_arn,
        env.TOPIC_ARN: targets.topic.topic_arn,
        env.STALLED_AFTER_MINUTES: str(config.stalled_after_minutes),
        env.RECORD_TTL_DAYS: str(config.record_ttl_days),
    }


def environment_for(name: str, config: PipelineConfig, targets: PolicyTargets) -> dict[str, str]:
    """Environment of handler ``name``: the Powertools settings and the variables its declaration reads
    (``labelchain_fn.functions``) that have a value."""
    values = _environment_values(config, targets)
    variables = {"POWERTOOLS_SERVICE_NAME": SERVICE_NAME, "POWERTOOLS_METRICS_NAMESPACE": METRICS_NAMESPACE}
    for variable in FUNCTIONS[name].environment:
        value = values[variable]
        if value is not None:
            variables[variable] = value
    return variables


class JobFunctions(Construct):
    """One function per handler, each with its own least-privilege role.

    Parameters
    ----------
    scope, id_ : construct scope and ID.
    config : the validated pipeline configuration (prefix, TTL, stall threshold, KMS key ARN).
    targets : the resources the handlers act on (see :class:`PolicyTargets`).
    removal_policy : applied to the functions' log groups.
    log_retention : retention of the functions' log groups. Default: three months.

    Attributes
    ----------
    functions : handler name -> function, in :data:`labelchain_fn.functions.FUNCTIONS` order.
    """

    def __init__(
        self,
        scope: Construct,
        id_: str,
        *,
        config: PipelineConfig,
        targets: PolicyTargets,
        removal_policy: RemovalPolicy,
        log_retention: logs.RetentionDays = logs.RetentionDays.THREE_MONTHS,
    ) -> None:
        super().__init__(scope, id_)
        code = lambda_.Code.from_asset(str(LAMBDA_ASSET_DIR), exclude=ASSET_EXCLUDES)
        layer = lambda_.LayerVersion.from_layer_version_arn(
            self, "PowertoolsLayer", powertools_layer_arn(self)
        )
        self.functions: dict[str, lambda_.Function] = {}
        #: handler name -> its DescribeExecution policy (:meth:`allow_describe_executions`).
        self.execution_policies: dict[str, iam.Policy] = {}
        for name, spec in FUNCTIONS.items():
            construct_id = "".join(part.title() for part in name.split("_"))
            log_group = logs.LogGroup(
                self, f"{construct_id}Logs", retention=log_retention, removal_policy=removal_policy
            )
            # An own role (instead of AWSLambdaBasicExecutionRole) keeps log access to this log group only.
            role = iam.Role(
                self,
                f"{construct_id}Role",
                assumed_by=iam.ServicePrincipal("lambda.amazonaws.com"),
                description=f"labelchain {name} function",
            )
            log_group.grant_write(role)
            for statement in statements_for(name, self, targets):
                role.add_to_principal_policy(statement)
            self.functions[name] = lambda_.Function(
                self,
                f"{construct_id}Function",
                description=f"labelchain: {spec.description}",
                code=code,
                handler=handler_string(name),
                runtime=RUNTIME,
                architecture=ARCHITECTURE,
                timeout=Duration.seconds(spec.timeout_seconds),
                memory_size=spec.memory_mb,
                ephemeral_storage_size=Size.mebibytes(spec.ephemeral_storage_mb),
                role=role,
                log_group=log_group,
                layers=[layer],
                tracing=lambda_.Tracing.ACTIVE,
                environment=environment_for(name, config, targets),
            )

    def __getitem__(self, name: str) -> lambda_.Function:
        return self.functions[name]

    def allow_describe_executions(self, name: str, state_machine: sfn.StateMachine) -> None:
        """Let handler ``name`` call DescribeExecution on the executions of ``state_machine``.

        A policy of its own (not the role's default policy, which the function depends on): the state
        machine invokes some of these functions, and the grant names the state machine, so going through
        the default policy would make the function, its policy and the state machine a cycle."""
        arn = executions_arn(self, state_machine.state_machine_name)
        role = self.functions[name].role
        assert role is not None  # every function here has its own role
        self.execution_policies[name] = iam.Policy(
            self,
            f"{''.join(part.title() for part in name.split('_'))}DescribeExecutions",
            statements=[iam.PolicyStatement(actions=["states:DescribeExecution"], resources=[arn])],
            roles=[role],
        )

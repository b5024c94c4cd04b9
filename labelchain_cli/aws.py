"""AWS access of the CLI: one boto3 session, the stack's resources from its CloudFormation outputs.

Explicit options (``--table``, ``--state-machine-arn``, ``--input-bucket``) win over the stack outputs, so the
stack is only described when a command needs a resource that was not given.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import boto3
from botocore.exceptions import ClientError
from labelchain_fn.adapters.clients import RETRY_CONFIG
from labelchain_fn.adapters.job_store import JobStore
from labelchain_fn.core.errors import UnknownChain

from .errors import AwsResourceError, aws_error_line
from .output import note

DEFAULT_STACK_NAME = "LabelChain"
#: The stack output naming each resource (stacks/pipeline_stack.py).
STACK_OUTPUTS = {
    "table": "JobTableName",
    "state_machine_arn": "StateMachineArn",
    "input_bucket": "InputBucketName",
    "output_bucket": "OutputBucketName",
    "artifacts_bucket": "ArtifactsBucketName",
    "topic_arn": "TopicArn",
}
CHAINS_OUTPUT = "ChainsParameterName"
_OPTION_OF = {
    "table": "--table",
    "state_machine_arn": "--state-machine-arn",
    "input_bucket": "--input-bucket",
}


@dataclass(frozen=True)
class AwsOptions:
    """Where the CLI looks for the pipeline.

    Attributes
    ----------
    stack_name : the CloudFormation stack whose outputs name the resources (default ``LabelChain``).
    endpoint_url : a local endpoint (the sandbox); default ``None`` = AWS (boto3 still honours
        ``AWS_ENDPOINT_URL``).
    region, profile : default ``None`` = the default boto3 session's.
    table, state_machine_arn, input_bucket : explicit resources; default ``None`` = from the stack outputs.
    """

    stack_name: str = DEFAULT_STACK_NAME
    endpoint_url: str | None = None
    region: str | None = None
    profile: str | None = None
    table: str | None = None
    state_machine_arn: str | None = None
    input_bucket: str | None = None


class Aws:
    """Clients and resources of one CLI invocation.

    Parameters
    ----------
    options : see :class:`AwsOptions`.
    clients : pre-built clients by service name (tests inject stubbed ones); others are created on first use.
    """

    def __init__(self, options: AwsOptions, clients: Mapping[str, Any] | None = None) -> None:
        self.options = options
        #: The operation of the newest call made through these clients (``DescribeStacks``...), ``None``
        #: before the first: errors raised before AWS answers (a parameter botocore refuses, no
        #: connection, no credentials) do not carry it.
        self.last_operation: str | None = None
        self._clients: dict[str, Any] = {}
        self._session: boto3.session.Session | None = None
        self._outputs: dict[str, str] | None = None
        for service_name, client in (clients or {}).items():
            self._adopt(service_name, client)

    def _adopt(self, service_name: str, client: Any) -> None:
        events = getattr(getattr(client, "meta", None), "events", None)
        if events is not None:
            events.register("before-parameter-build", self._note_operation)
        self._clients[service_name] = client

    def _note_operation(self, model: Any = None, **_: Any) -> None:
        self.last_operation = getattr(model, "name", None)

    def client(self, service_name: str) -> Any:
        """The client of ``service_name``, created once with the standard retry configuration."""
        if service_name not in self._clients:
            if self._session is None:
                self._session = boto3.session.Session(
                    profile_name=self.options.profile, region_name=self.options.region
                )
            self._adopt(
                service_name,
                self._session.client(
                    service_name, endpoint_url=self.options.endpoint_url, config=RETRY_CONFIG
                ),
            )
        return self._clients[service_name]

    def stack_outputs(self) -> dict[str, str]:
        """``{OutputKey: OutputValue}`` of the stack, read once.

        Raises
        ------
        AwsResourceError
            When the stack does not exist or cannot be described.
        """
        if self._outputs is None:
            name = self.options.stack_name
            try:
                stacks = self.client("cloudformation").describe_stacks(StackName=name)["Stacks"]
            except ClientError as err:
                hint = (
                    "deploy it, pass --stack-name, or give the resources explicitly "
                    "(--table, --state-machine-arn, --input-bucket)"
                )
                raise AwsResourceError(
                    aws_error_line(f"cannot read the outputs of stack {name!r}", err, hint)
                ) from err
            outputs = stacks[0].get("Outputs", []) if stacks else []
            self._outputs = {o["OutputKey"]: o["OutputValue"] for o in outputs}
        return self._outputs

    def resource(self, name: str) -> str:
        """An explicit option, else the stack output of resource ``name`` (a key of :data:`STACK_OUTPUTS`)."""
        explicit = getattr(self.options, name, None)
        if explicit:
            return str(explicit)
        output = STACK_OUTPUTS[name]
        value = self.stack_outputs().get(output)
        if not value:
            hint = f" or pass {_OPTION_OF[name]}" if name in _OPTION_OF else ""
            raise AwsResourceError(f"stack {self.options.stack_name!r} has no output {output}{hint}")
        return value

    @property
    def table_name(self) -> str:
        return self.resource("table")

    @property
    def state_machine_arn(self) -> str:
        return self.resource("state_machine_arn")

    @property
    def input_bucket(self) -> str:
        return self.resource("input_bucket")

    def configured_chains(self) -> frozenset[str] | None:
        """Names of the deployed chains (the SSM parameter named by stack output ``ChainsParameterName``);
        ``None`` when the stack cannot be read (resources given explicitly) or has no such output."""
        try:
            parameter = self.stack_outputs().get(CHAINS_OUTPUT)
        except AwsResourceError:
            return None
        if not parameter:
            return None
        value = self.client("ssm").get_parameter(Name=parameter)["Parameter"]["Value"]
        return frozenset(json.loads(value).get("chains", {}))

    def check_chain(self, chain: str) -> None:
        """Refuse a chain the deployment does not configure (before anything is uploaded or started).

        Raises
        ------
        UnknownChain
            When the configured chains are known and ``chain`` is not one of them.
        """
        chains = self.configured_chains()
        if chains is None:
            stack = self.options.stack_name
            note(f"chain {chain!r} not checked: no output {CHAINS_OUTPUT} of stack {stack!r} to read")
        elif chain not in chains:
            raise UnknownChain(
                f"chain {chain!r} is not configured; configured chains: {', '.join(sorted(chains))}"
            )

    def store(self) -> JobStore:
        """The jobs table, through the Lambdas' own adapter."""
        return JobStore(self.table_name, self.client("dynamodb"))

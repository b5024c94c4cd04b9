"""What AWS publishes for every account and the template relies on: the Powertools layer and its parameter.

The stack resolves the Powertools layer at deploy time from the public SSM parameter
``/aws/service/powertools/python/<arch>/<runtime>/<version>`` (:mod:`stacks.powertools`). moto has no such
parameter and refuses ``PutParameter`` under ``/aws/`` (as AWS does), so the sandbox writes it into moto's
SSM store directly, with the ARN of a stand-in layer version it publishes: the layer is empty because the
handlers import Powertools from the project virtualenv, which holds exactly the pinned version.
"""

from __future__ import annotations

import io
import re
import zipfile
from typing import Any, Protocol

from moto.core.utils import utcnow
from moto.ssm.models import Parameter, ssm_backends

from stacks.powertools import powertools_layer_name

#: Public parameters a template may name: Powertools for AWS Lambda (Python), any version.
POWERTOOLS_PARAMETER = re.compile(
    r"/aws/service/powertools/python/(?P<arch>[\w-]+)/(?P<runtime>python3\.\d+)/[\w.]+"
)
SSM_VALUE_TYPE = "AWS::SSM::Parameter::Value<String>"


class Target(Protocol):
    """A sandbox or an in-process mock target: a region, an account and boto3 clients."""

    account_id: str
    settings: Any

    def client(self, service: str) -> Any: ...


def powertools_parameters(template: dict[str, Any]) -> list[str]:
    """The Powertools parameter names among the template's SSM-typed parameters (their defaults)."""
    return [
        str(parameter["Default"])
        for parameter in template.get("Parameters", {}).values()
        if parameter.get("Type") == SSM_VALUE_TYPE
        and POWERTOOLS_PARAMETER.fullmatch(str(parameter.get("Default", "")))
    ]


def publish_powertools(target: Target, name: str) -> str:
    """Publish a stand-in layer version for the Powertools parameter ``name`` and store the parameter with
    that version's ARN (idempotent: an existing parameter is kept); returns the layer version ARN."""
    match = POWERTOOLS_PARAMETER.fullmatch(name)
    if match is None:
        raise ValueError(
            f"expected a Powertools parameter /aws/service/powertools/python/...; received {name!r}"
        )
    region = target.settings.region
    store = ssm_backends[target.account_id][region]._parameters
    if store.get(name):
        return str(store[name][-1].value)
    layer = powertools_layer_name(runtime=match["runtime"], architecture=match["arch"])
    arn = str(
        target.client("lambda").publish_layer_version(
            LayerName=layer, Content={"ZipFile": _empty_zip()}, Description=f"sandbox stand-in for {name}"
        )["LayerVersionArn"]
    )
    store[name].append(  # the class moto itself builds its public parameters with
        Parameter(  # type: ignore[abstract]
            account_id=target.account_id,
            name=name,
            value=arn,
            parameter_type="String",
            description="Powertools for AWS Lambda (Python) layer (sandbox stand-in)",
            allowed_pattern=None,
            keyid=None,
            last_modified_date=utcnow(),
            version=1,
            data_type="text",
        )
    )
    return arn


def publish_public_parameters(target: Target, template: dict[str, Any]) -> list[str]:
    """Everything public the template names (today: its Powertools parameter); returns the parameter names."""
    names = powertools_parameters(template)
    for name in names:
        publish_powertools(target, name)
    return names


def _empty_zip() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("python/.keep", b"")
    return buffer.getvalue()

"""The SSM parameter that carries the validated chains to the Lambdas.

The value is ``{"chains": {name: ChainConfig.to_dict()}}`` as compact JSON. Lambdas read it once per
container (``adapters.settings.load_chains``) instead of parsing JSON blobs out of environment variables.
"""

from __future__ import annotations

import json
from collections.abc import Mapping

from aws_cdk import aws_ssm as ssm
from constructs import Construct
from labelchain_fn.core.config import ChainConfig

#: Standard-tier String parameters hold at most 4 KB; Advanced-tier ones 8 KB.
STANDARD_TIER_MAX_BYTES = 4096
ADVANCED_TIER_MAX_BYTES = 8192


def chains_parameter_value(chains: Mapping[str, ChainConfig]) -> str:
    """Serialize the chains the way the Lambdas read them back (sorted keys: a stable template)."""
    return json.dumps(
        {"chains": {name: chain.to_dict() for name, chain in chains.items()}},
        separators=(",", ":"),
        sort_keys=True,
    )


class ChainSettings(Construct):
    """String parameter ``parameter_name`` holding the chains.

    Parameters
    ----------
    scope, id_ : construct scope and ID.
    parameter_name : full parameter name, ``/<stackName>/chains``.
    chains : the validated chains.

    Raises
    ------
    ValueError
        When the serialized chains exceed 8 KB (the Advanced-tier limit). Above 4 KB the Advanced tier
        (a paid tier) is selected; otherwise the Standard tier.
    """

    def __init__(
        self,
        scope: Construct,
        id_: str,
        *,
        parameter_name: str,
        chains: Mapping[str, ChainConfig],
    ) -> None:
        super().__init__(scope, id_)
        value = chains_parameter_value(chains)
        size = len(value.encode("utf-8"))
        if size > ADVANCED_TIER_MAX_BYTES:
            raise ValueError(
                f"labelchain.chains: expected at most {ADVANCED_TIER_MAX_BYTES} bytes of serialized chains "
                f"(the SSM Advanced-tier limit); received {size} bytes. Split the chains across deployments."
            )
        tier = ssm.ParameterTier.ADVANCED if size > STANDARD_TIER_MAX_BYTES else ssm.ParameterTier.STANDARD
        self.parameter_name = parameter_name
        self.parameter = ssm.StringParameter(
            self,
            "Parameter",
            parameter_name=parameter_name,
            string_value=value,
            tier=tier,
            description="labelchain chains (validated at synth); read by the pipeline Lambdas",
        )

"""The SSM parameter that carries the validated chains to the Lambdas.

The value is :func:`labelchain_fn.core.chains_document.chains_document`. Lambdas read it once per container
and configuration (``adapters.settings.load_chains``: the functions' ``CHAINS_DIGEST`` names the value
they must see) instead of parsing JSON blobs out of environment variables.
"""

from __future__ import annotations

from collections.abc import Mapping

from aws_cdk import aws_ssm as ssm
from constructs import Construct
from labelchain_fn.core.chains_document import chains_document
from labelchain_fn.core.config import ChainConfig

#: Standard-tier String parameters hold at most 4 KB; Advanced-tier ones 8 KB.
STANDARD_TIER_MAX_BYTES = 4096
ADVANCED_TIER_MAX_BYTES = 8192


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
        value = chains_document(chains)
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

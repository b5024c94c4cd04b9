"""Typed pipeline configuration, validated once.

The CDK app reads the ``labelchain`` object of ``cdk.json`` context (or the JSON file that
``labelchain:configFile`` names) and calls :func:`parse_pipeline_config`. Every problem is collected and
raised together as one :class:`ConfigError` whose lines name the key, what was expected and what was
received, so a wrong value fails ``cdk synth`` before anything is deployed.

The same dataclasses travel to the Lambdas: :meth:`ChainConfig.to_dict` is stored in an SSM parameter per
deployment and read back with :func:`chain_from_dict`.

Modules: :mod:`.fields` (with :mod:`.chain_fields` and :mod:`.defaults`) is the rule book, every key's
type, default, bounds, API members and meaning, from which the README's tables are checked; :mod:`.model`
the dataclasses; :mod:`.reader` and :mod:`.checks` read the values; :mod:`.parser` puts them together.
Ground Truth's own limits live in :mod:`labelchain_fn.core.limits`.
"""

from __future__ import annotations

from .defaults import DEFAULT_FEE_TIERS
from .model import ChainConfig, ConfigError, PipelineConfig, Pricing, Workforce, chain_from_dict
from .parser import parse_chain, parse_chains, parse_pipeline_config

__all__ = [
    "DEFAULT_FEE_TIERS",
    "ChainConfig",
    "ConfigError",
    "PipelineConfig",
    "Pricing",
    "Workforce",
    "chain_from_dict",
    "parse_chain",
    "parse_chains",
    "parse_pipeline_config",
]

"""Build the labelchain CDK app from context: shared by ``app.py`` and the stack tests.

The configuration is the ``labelchain`` object of the context, or the JSON file named by the context key
``labelchain:configFile``. It is validated once (:func:`parse_pipeline_config`); cdk-nag's AWS Solutions
checks run on every synth unless ``nag=False``, and an unacknowledged finding fails synthesis.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import Any

import aws_cdk as cdk
from cdk_nag import AwsSolutionsChecks

from .context import CONFIG_FILE_KEY, CONFIG_KEY, cdk_json_context, pipeline_config_from_context
from .nag_acknowledgements import acknowledge_findings
from .pipeline_stack import LabelChainStack

STACK_DESCRIPTION = "labelchain: chained SageMaker Ground Truth labeling jobs with warm-started auto-labeling"


def builtin_validation_enabled() -> bool:
    """CDK's built-in CloudFormation validator costs ~5 s per synth: on only with ``CDK_VALIDATION=true``."""
    return os.environ.get("CDK_VALIDATION", "false").strip().lower() in ("1", "true", "yes")


def build_app(
    context: Mapping[str, Any] | None = None, *, nag: bool = True, outdir: str | None = None
) -> tuple[cdk.App, LabelChainStack]:
    """Build the app and its single :class:`LabelChainStack`.

    Parameters
    ----------
    context : context values. Default: the ``cdk.json`` context. Context from the CDK CLI
        (``CDK_CONTEXT_JSON``, e.g. ``-c labelchain:configFile=...``) takes precedence over it.
    nag : attach cdk-nag's AWS Solutions checks and the project's acknowledgements. Default: true.
    outdir : cloud assembly directory. Default: ``CDK_OUTDIR`` or a temporary directory.

    Raises
    ------
    ConfigError
        When the configuration is invalid; its ``problems`` name each key.
    """
    app = cdk.App(
        context=dict(cdk_json_context() if context is None else context),
        outdir=outdir,
        builtin_cloud_formation_validation=builtin_validation_enabled(),
    )
    config = pipeline_config_from_context(
        {
            CONFIG_KEY: app.node.try_get_context(CONFIG_KEY),
            CONFIG_FILE_KEY: app.node.try_get_context(CONFIG_FILE_KEY),
        }
    )
    stack = LabelChainStack(
        app,
        config.stack_name,
        config=config,
        stack_name=config.stack_name,
        # The account stays unresolved: synthesis needs no credentials and the template is account-agnostic.
        env=cdk.Environment(region=config.region),
        description=STACK_DESCRIPTION,
    )
    if nag:
        cdk.Validations.of(app).add_plugins(AwsSolutionsChecks(app))
        acknowledge_findings(stack)
    return app, stack

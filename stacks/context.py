"""One place that turns ``cdk.json`` context into a validated :class:`PipelineConfig`.

The CDK CLI hands ``cdk.json`` context to the app through ``CDK_CONTEXT_JSON``, but ``python app.py`` and
pytest see none of it, so they would synthesize a different template (feature flags change IAM policies,
for example). Both the app and the tests therefore build ``App(context=cdk_json_context())``; context the
CLI passes (``-c key=value``) still takes precedence over these values.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from labelchain_fn.core.config import ConfigError, PipelineConfig, parse_pipeline_config

#: The project root: ``cdk.json``, ``app.py`` and the ``lambdas/`` asset folder live here.
PROJECT_ROOT = Path(__file__).resolve().parent.parent
CONFIG_KEY = "labelchain"
CONFIG_FILE_KEY = "labelchain:configFile"


def cdk_json_context(path: Path | None = None) -> dict[str, Any]:
    """Return the ``context`` object of ``cdk.json``.

    Parameters
    ----------
    path : the ``cdk.json`` to read. Default: the one at the project root.
    """
    data = json.loads((path or PROJECT_ROOT / "cdk.json").read_text(encoding="utf-8"))
    context = data.get("context", {})
    if not isinstance(context, dict):
        raise ValueError(f"cdk.json: expected an object under 'context'; received {context!r}")
    return context


def raw_pipeline_config(context: Mapping[str, Any], base_dir: Path | None = None) -> Any:
    """Pick the raw ``labelchain`` object: the JSON file named by ``labelchain:configFile`` if set,
    otherwise the ``labelchain`` context value.

    Parameters
    ----------
    context : context values (``App.node.try_get_context`` results or ``cdk_json_context()``).
    base_dir : where a relative ``labelchain:configFile`` is resolved. Default: the project root.
    """
    config_file = context.get(CONFIG_FILE_KEY)
    if config_file:
        path = Path(str(config_file))
        if not path.is_absolute():
            path = (base_dir or PROJECT_ROOT) / path
        try:
            return json.loads(path.read_text(encoding="utf-8"))
        except (OSError, json.JSONDecodeError) as err:
            raise ConfigError(
                [f"{CONFIG_FILE_KEY}: expected a readable JSON file; received {str(config_file)!r} ({err})"]
            ) from err
    return context.get(CONFIG_KEY)


def pipeline_config_from_context(context: Mapping[str, Any], base_dir: Path | None = None) -> PipelineConfig:
    """Validate the configuration once; raise :class:`ConfigError` naming every wrong key."""
    return parse_pipeline_config(raw_pipeline_config(context, base_dir))

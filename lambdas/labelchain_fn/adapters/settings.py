"""Lambda settings: environment variable names (defined only here) and the chains from SSM.

The environment is parsed once per container into a frozen :class:`Settings`; each handler states which
variables it needs with :meth:`Settings.require`, so a wiring mistake fails the first invocation with a
message naming the variable instead of a ``KeyError`` deep in the code.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from labelchain_fn.adapters import clients
from labelchain_fn.core.chains_document import chains_digest, parse_chains_document
from labelchain_fn.core.config import ChainConfig
from labelchain_fn.core.config import fields as config_fields

logger = logging.getLogger(__name__)

TABLE_NAME = "TABLE_NAME"
CHAINS_PARAMETER_NAME = "CHAINS_PARAMETER_NAME"
CHAINS_DIGEST = "CHAINS_DIGEST"
INPUT_BUCKET = "INPUT_BUCKET"
ARTIFACTS_BUCKET = "ARTIFACTS_BUCKET"
OUTPUT_BUCKET = "OUTPUT_BUCKET"
ALLOWED_SOURCE_BUCKETS = "ALLOWED_SOURCE_BUCKETS"
GROUND_TRUTH_ROLE_ARN = "GROUND_TRUTH_ROLE_ARN"
JOB_NAME_PREFIX = "JOB_NAME_PREFIX"
KMS_KEY_ARN = "KMS_KEY_ARN"
TOPIC_ARN = "TOPIC_ARN"
STALLED_AFTER_MINUTES = "STALLED_AFTER_MINUTES"
RECORD_TTL_DAYS = "RECORD_TTL_DAYS"

#: Environment variable -> :class:`Settings` field (the variable's name in lower case).
_FIELD_OF = {
    TABLE_NAME: "table_name",
    CHAINS_PARAMETER_NAME: "chains_parameter_name",
    CHAINS_DIGEST: "chains_digest",
    INPUT_BUCKET: "input_bucket",
    ARTIFACTS_BUCKET: "artifacts_bucket",
    OUTPUT_BUCKET: "output_bucket",
    ALLOWED_SOURCE_BUCKETS: "allowed_source_buckets",
    GROUND_TRUTH_ROLE_ARN: "ground_truth_role_arn",
    JOB_NAME_PREFIX: "job_name_prefix",
    KMS_KEY_ARN: "kms_key_arn",
    TOPIC_ARN: "topic_arn",
    STALLED_AFTER_MINUTES: "stalled_after_minutes",
    RECORD_TTL_DAYS: "record_ttl_days",
}


class SettingsError(RuntimeError):
    """An environment variable is missing or malformed (a deployment wiring error, never retried)."""


@dataclass(frozen=True)
class Settings:
    """The Lambda environment. Optional variables default to ``""`` / ``None``; numbers default to the
    configuration's defaults (the rule book, :mod:`labelchain_fn.core.config.fields`); the region comes
    from ``AWS_REGION`` (set by Lambda), else ``AWS_DEFAULT_REGION``."""

    region: str
    table_name: str = ""
    chains_parameter_name: str = ""
    chains_digest: str = ""
    input_bucket: str = ""
    artifacts_bucket: str = ""
    output_bucket: str = ""
    allowed_source_buckets: tuple[str, ...] = ()
    ground_truth_role_arn: str = ""
    job_name_prefix: str = ""
    kms_key_arn: str | None = None
    topic_arn: str = ""
    stalled_after_minutes: int = config_fields.STALLED_AFTER_MINUTES.default
    record_ttl_days: int = config_fields.RECORD_TTL_DAYS.default

    @classmethod
    def from_environ(cls, environ: Mapping[str, str]) -> Settings:
        """Parse ``environ``; raise :class:`SettingsError` naming a malformed variable."""
        region = environ.get("AWS_REGION") or environ.get("AWS_DEFAULT_REGION") or ""
        if not region:
            raise SettingsError("missing environment variable AWS_REGION (or AWS_DEFAULT_REGION)")
        buckets = tuple(b.strip() for b in environ.get(ALLOWED_SOURCE_BUCKETS, "").split(",") if b.strip())
        return cls(
            region=region,
            table_name=environ.get(TABLE_NAME, ""),
            chains_parameter_name=environ.get(CHAINS_PARAMETER_NAME, ""),
            chains_digest=environ.get(CHAINS_DIGEST, ""),
            input_bucket=environ.get(INPUT_BUCKET, ""),
            artifacts_bucket=environ.get(ARTIFACTS_BUCKET, ""),
            output_bucket=environ.get(OUTPUT_BUCKET, ""),
            allowed_source_buckets=buckets,
            ground_truth_role_arn=environ.get(GROUND_TRUTH_ROLE_ARN, ""),
            job_name_prefix=environ.get(JOB_NAME_PREFIX, ""),
            kms_key_arn=environ.get(KMS_KEY_ARN) or None,
            topic_arn=environ.get(TOPIC_ARN, ""),
            stalled_after_minutes=_int(
                environ, STALLED_AFTER_MINUTES, config_fields.STALLED_AFTER_MINUTES.default
            ),
            record_ttl_days=_int(environ, RECORD_TTL_DAYS, config_fields.RECORD_TTL_DAYS.default),
        )

    def require(self, *names: str) -> Settings:
        """Return ``self`` if every variable in ``names`` is set; else raise :class:`SettingsError`."""
        missing = [name for name in names if not getattr(self, _FIELD_OF[name])]
        if missing:
            raise SettingsError(f"missing environment variable(s): {', '.join(missing)}")
        return self


def _int(environ: Mapping[str, str], name: str, default: int) -> int:
    raw = environ.get(name, "")
    if not raw:
        return default
    try:
        value = int(raw)
    except ValueError:
        raise SettingsError(f"environment variable {name}: expected an integer; received {raw!r}") from None
    if value < 1:
        raise SettingsError(f"environment variable {name}: expected an integer >= 1; received {raw!r}")
    return value


_SETTINGS: dict[str, Settings] = {}
_CHAINS: dict[tuple[str, str], dict[str, ChainConfig]] = {}


def get_settings() -> Settings:
    """The :class:`Settings` of this container, parsed from ``os.environ`` on first use."""
    if "current" not in _SETTINGS:
        _SETTINGS["current"] = Settings.from_environ(os.environ)
    return _SETTINGS["current"]


def load_chains(
    ssm_client: Any | None = None, parameter_name: str | None = None, digest: str | None = None
) -> dict[str, ChainConfig]:
    """The configured chains, read once per container and configuration from the SSM parameter.

    Parameters
    ----------
    ssm_client : boto3 SSM client; default the shared client.
    parameter_name : default ``CHAINS_PARAMETER_NAME`` from the environment.
    digest : the digest of the chains this function was deployed with; default ``CHAINS_DIGEST`` from the
        environment (``""``: no expectation).

    Returns
    -------
    ``{chain name: ChainConfig}`` (:func:`labelchain_fn.core.chains_document.parse_chains_document`).

    A value whose digest is not the expected one is used but not kept: it is what a deploy in progress
    looks like (parameter and function updated a moment apart), so the next invocation reads again
    rather than keep a configuration this function was not deployed with.
    """
    settings = get_settings() if parameter_name is None or digest is None else None
    name = parameter_name or (
        settings.require(CHAINS_PARAMETER_NAME).chains_parameter_name if settings else ""
    )
    expected = digest if digest is not None else (settings.chains_digest if settings else "")
    key = (name, expected)
    if key not in _CHAINS:
        ssm = ssm_client or clients.client("ssm")
        value = str(ssm.get_parameter(Name=name)["Parameter"]["Value"])
        chains = parse_chains_document(value)
        if expected and chains_digest(value) != expected:
            logger.warning(
                "chains parameter does not match this function's CHAINS_DIGEST (a deploy in progress?)",
                extra={"parameter": name, "expected": expected, "read": chains_digest(value)},
            )
            return chains
        _CHAINS[key] = chains
    return _CHAINS[key]


def reset() -> None:
    """Forget the cached settings and chains (tests that change the environment call this)."""
    _SETTINGS.clear()
    _CHAINS.clear()

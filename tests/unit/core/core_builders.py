"""Chain configurations for the pure-core tests, built through the real config parser."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest
from labelchain_fn.core.config import ChainConfig, ConfigError, parse_chain, parse_pipeline_config
from labelchain_fn.core.requests import build_create_labeling_job_request

#: A minimal valid ``labelchain.chains.<name>`` object per task type.
BASE_CHAINS: dict[str, dict[str, Any]] = {
    "ImageClassification": {"taskType": "ImageClassification", "labels": ["Bird", "Not a bird"]},
    "BoundingBox": {
        "taskType": "BoundingBox",
        "labels": ["Bird"],
        "labelAttributeName": "category",
        "taskTitle": "Draw a box around each bird",
        "taskDescription": "Draw a tight box around every bird in the image.",
        "taskKeywords": ["images", "bounding box", "birds"],
        "workforce": {"type": "public", "taskPriceUsd": "0.036"},
        "workersPerObject": 3,
        "maxConcurrentTaskCount": 200,
    },
    "SemanticSegmentation": {
        "taskType": "SemanticSegmentation",
        "labels": ["Bird", "Sky"],
        "workforce": {"type": "public", "taskPriceUsd": "0.840"},
    },
    "TextClassification": {"taskType": "TextClassification", "labels": ["positive", "negative"]},
}
PRIVATE_TEAM = "arn:aws:sagemaker:us-east-1:123456789012:workteam/private-crowd/labelers"
VENDOR_TEAM = "arn:aws:sagemaker:us-east-1:123456789012:workteam/vendor-crowd/acme"


def build_chain(task_type: str = "BoundingBox", name: str = "birds", **overrides: Any) -> ChainConfig:
    """Parse ``BASE_CHAINS[task_type]`` updated with ``overrides`` (camelCase keys); fail on any problem."""
    raw = {**BASE_CHAINS[task_type], **overrides}
    problems: list[str] = []
    chain = parse_chain(name, raw, problems)
    assert not problems, problems
    assert chain is not None
    return chain


MODEL = "arn:aws:sagemaker:us-east-1:123456789012:model/lc-birds-0001-abcdef12-model"
KMS = "arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab"


def build_request(chain: ChainConfig, region: str = "us-east-1", **overrides: Any) -> dict[str, Any]:
    """A CreateLabelingJob request for ``chain`` with realistic URIs, warm-started from ``MODEL``."""
    kwargs: dict[str, Any] = {
        "chain": chain,
        "region": region,
        "labeling_job_name": "lc-birds-0002-abcdef12",
        "manifest_s3_uri": "s3://lc-artifacts/manifests/birds/lc-birds-0002-abcdef12.manifest",
        "output_s3_uri": "s3://lc-output/jobs/birds/",
        "role_arn": "arn:aws:iam::123456789012:role/LabelChain-GroundTruthRole",
        "label_category_s3_uri": "s3://lc-artifacts/labels/birds.json",
        "ui_template_s3_uri": "s3://lc-artifacts/templates/BoundingBox.liquid.html",
        "initial_model_arn": MODEL,
    }
    return build_create_labeling_job_request(**{**kwargs, **overrides})


CDK_JSON = Path(__file__).resolve().parents[3] / "cdk.json"


def cdk_config() -> dict[str, Any]:
    """A fresh copy of the ``labelchain`` object of the project's cdk.json."""
    return copy.deepcopy(json.loads(CDK_JSON.read_text())["context"]["labelchain"])


def with_chain(**fields: Any) -> dict[str, Any]:
    """:func:`cdk_config` with the ``birds`` chain updated by ``fields`` (camelCase keys)."""
    config = cdk_config()
    config["chains"]["birds"].update(fields)
    return config


def config_problems(raw: Any) -> list[str]:
    """The problems of the ConfigError that parsing ``raw`` must raise."""
    with pytest.raises(ConfigError) as raised:
        parse_pipeline_config(raw)
    return raised.value.problems

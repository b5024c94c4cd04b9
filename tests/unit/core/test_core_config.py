"""Pipeline configuration: the cdk.json object parses, defaults, several problems at once, round trip."""

from __future__ import annotations

import json
from decimal import Decimal

import pytest
from core_builders import BASE_CHAINS, PRIVATE_TEAM, VENDOR_TEAM, cdk_config, config_problems, with_chain
from labelchain_fn.core.config import (
    DEFAULT_FEE_TIERS,
    ConfigError,
    PipelineConfig,
    chain_from_dict,
    parse_chain,
    parse_pipeline_config,
)
from labelchain_fn.core.task_types import TaskType


def test_cdk_json_configuration_parses():
    # GIVEN the project's cdk.json  WHEN parsed  THEN the birds chain of the blog
    config = parse_pipeline_config(cdk_config())
    assert isinstance(config, PipelineConfig)
    assert (config.region, config.stack_name, config.job_name_prefix) == ("us-east-1", "LabelChain", "lc")
    birds = config.chains["birds"]
    assert birds.task_type is TaskType.BOUNDING_BOX and birds.labels == ("Bird",)
    assert (birds.workforce.kind, birds.workforce.task_price_usd) == ("public", Decimal("0.036"))
    assert (birds.workers_per_object, birds.max_concurrent_task_count, birds.auto_labeling) == (3, 200, True)
    assert birds.pricing.fee_tiers == DEFAULT_FEE_TIERS


def test_defaults_of_a_minimal_configuration():
    config = parse_pipeline_config(
        {"chains": {"c1": {"taskType": "ImageClassification", "labels": ["a", "b"]}}}
    )
    chain = config.chains["c1"]
    assert (config.monitor_interval_minutes, config.stalled_after_minutes, config.record_ttl_days) == (
        15,
        720,
        365,
    )
    assert (chain.label_attribute_name, chain.workers_per_object, chain.warm_start) == ("label", 3, "latest")
    assert chain.workforce.task_price_usd == Decimal("0.036")


@pytest.mark.parametrize("task_type", list(BASE_CHAINS))
def test_each_task_type_parses_with_defaults(task_type):
    config = parse_pipeline_config({"chains": {"c1": BASE_CHAINS[task_type]}})
    assert config.chains["c1"].task_type.value == task_type


@pytest.mark.parametrize(
    "task_type",
    ["NamedEntityRecognition", "ImageMultiClassMultiLabel", "VideoObjectTracking", "Custom", None, 3],
)
def test_rejects_task_types_that_cannot_auto_label(task_type):
    # GIVEN a task type outside the four with automated labeling  WHEN parsed  THEN refused, naming the four
    problems = config_problems(with_chain(taskType=task_type))
    assert len(problems) == 1
    assert problems[0].startswith(
        "labelchain.chains.birds.taskType: expected one of ImageClassification, BoundingBox"
    )
    assert repr(task_type) in problems[0]


def test_reports_several_problems_at_once():
    # GIVEN three wrong chain values and two wrong top-level values
    raw = with_chain(workersPerObject=0, maxConcurrentTaskCount=0, autoLabeling="no")
    raw.update(region="mars-1", monitorIntervalMinutes=-1)
    # WHEN parsed  THEN all five are in one ConfigError, and its message lists them
    with pytest.raises(ConfigError) as raised:
        parse_pipeline_config(raw)
    keys = sorted(p.split(":")[0] for p in raised.value.problems)
    assert keys == [
        "labelchain.chains.birds.autoLabeling",
        "labelchain.chains.birds.maxConcurrentTaskCount",
        "labelchain.chains.birds.workersPerObject",
        "labelchain.monitorIntervalMinutes",
        "labelchain.region",
    ]
    assert all(p in str(raised.value) for p in raised.value.problems)


def test_rejects_non_object_configuration():
    assert config_problems(["chains"]) == ["labelchain: expected an object; received ['chains']"]


@pytest.mark.parametrize(
    "overrides",
    [
        {},
        {
            "workforce": {"type": "private", "workteamArn": PRIVATE_TEAM},
            "taskAvailabilityLifetimeSeconds": 2_592_000,
            "maxHumanLabeledObjectCount": 500,
            "maxPercentageOfInputDatasetLabeled": 80,
            "control": True,
            "warmStart": "none",
            "uiTemplateS3Uri": "s3://my-bucket/t.html",
            "contentClassifiers": [],
        },
        {"workforce": {"type": "vendor", "workteamArn": VENDOR_TEAM}, "autoLabeling": False},
        {
            "pricing": {
                "feeTiers": [{"upTo": 100, "usd": "0.1"}, {"upTo": None, "usd": 0.05}],
                "autoLabelingComputeUsdPerHour": "1.25",
            }
        },
    ],
)
@pytest.mark.parametrize("task_type", list(BASE_CHAINS))
def test_chain_round_trips_through_its_json_form(task_type, overrides):
    # GIVEN a parsed chain  WHEN stored as JSON (the SSM parameter) and rebuilt  THEN it is equal
    problems: list[str] = []
    chain = parse_chain("c1", {**BASE_CHAINS[task_type], **overrides}, problems)
    assert not problems and chain is not None
    stored = json.dumps(chain.to_dict())
    assert chain_from_dict(json.loads(stored)) == chain

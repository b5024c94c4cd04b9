"""Pipeline configuration: each wrong value yields one ConfigError line naming key, expected and received."""

from __future__ import annotations

from decimal import Decimal

import pytest
from core_builders import BASE_CHAINS, VENDOR_TEAM, cdk_config, config_problems, with_chain
from labelchain_fn.core.config import parse_pipeline_config

C = "labelchain.chains.birds."
FEE_TIERS_DOWN = [{"upTo": 10, "usd": 0.08}, {"upTo": 5, "usd": 0.04}, {"upTo": None, "usd": 0.02}]

# fmt: off
WRONG_VALUES = [
    # (raw configuration, key, part of the expectation, start of the received value)
    (with_chain(workersPerObject=10), C + "workersPerObject", "an integer from 1 to 9", "10"),
    (with_chain(workersPerObject="3"), C + "workersPerObject", "an integer", "'3'"),
    (with_chain(workersPerObject=True), C + "workersPerObject", "an integer", "True"),
    (with_chain(taskTimeLimitSeconds=28_801), C + "taskTimeLimitSeconds", "from 30 to 28800", "28801"),
    (with_chain(taskAvailabilityLifetimeSeconds=43_201), C + "taskAvailabilityLifetimeSeconds",
     "from 60 to 43200", "43201"),
    (with_chain(maxConcurrentTaskCount=5001), C + "maxConcurrentTaskCount", "from 1 to 5000", "5001"),
    (with_chain(maxPercentageOfInputDatasetLabeled=0), C + "maxPercentageOfInputDatasetLabeled",
     "from 1 to 100", "0"),
    (with_chain(autoLabeling="yes"), C + "autoLabeling", "true or false", "'yes'"),
    (with_chain(control=1), C + "control", "true or false", "1"),
    (with_chain(labels=[]), C + "labels", "from 1 to 50 labels for BoundingBox", "[]"),
    (with_chain(labels=["a"] * 51), C + "labels", "from 1 to 50 labels", "['a'"),
    (with_chain(labels=["Bird", "Bird"]), C + "labels", "unique labels", "['Bird', 'Bird']"),
    (with_chain(labels="Bird"), C + "labels", "a list of non-empty strings", "'Bird'"),
    (with_chain(labelAttributeName="category-metadata"), C + "labelAttributeName", '"-metadata"',
     "'category-metadata'"),
    (with_chain(labelAttributeName="category-ref"), C + "labelAttributeName",
     'not ending in "-ref" for BoundingBox', "'category-ref'"),
    (with_chain(labelAttributeName="cat_egory"), C + "labelAttributeName", "letters, digits and hyphens",
     "'cat_egory'"),
    (with_chain(taskTitle="t" * 129), C + "taskTitle", "1 to 128", "'ttt"),
    (with_chain(taskDescription=""), C + "taskDescription", "1 to 255", "''"),
    (with_chain(taskKeywords=["bounding-box"]), C + "taskKeywords", "keywords", "['bounding-box']"),
    (with_chain(taskKeywords=["a", "b", "c", "d", "e", "f"]), C + "taskKeywords", "1 to 5", "['a'"),
    (with_chain(workforce={"type": "public", "taskPriceUsd": "0.05"}), C + "workforce.taskPriceUsd",
     "one of 0.036, 0.048", "'0.05'"),
    (with_chain(workforce={"type": "public", "taskPriceUsd": "cheap"}), C + "workforce.taskPriceUsd",
     "a number", "'cheap'"),
    (with_chain(workforce={"type": "crowd"}), C + "workforce.type", '"public", "private" or "vendor"',
     "'crowd'"),
    (with_chain(workforce={"type": "private"}), C + "workforce.workteamArn", "a private-crowd workteam ARN",
     "None"),
    (with_chain(workforce={"type": "private", "workteamArn": VENDOR_TEAM}), C + "workforce.workteamArn",
     "a private-crowd workteam ARN", repr(VENDOR_TEAM)),
    (with_chain(workforce={"type": "vendor", "workteamArn": "arn:aws:iam::123456789012:role/x"}),
     C + "workforce.workteamArn", "a vendor-crowd workteam ARN", "'arn:aws:iam"),
    (with_chain(workforce="public"), C + "workforce", "an object", "'public'"),
    (with_chain(contentClassifiers=["FreeOfAdultContent"]), C + "contentClassifiers",
     "FreeOfPersonallyIdentifiableInformation with the public workforce", "['FreeOfAdultContent']"),
    (with_chain(contentClassifiers=["Nope"]), C + "contentClassifiers", "a list drawn from", "['Nope']"),
    (with_chain(uiTemplateS3Uri="templates/x.html"), C + "uiTemplateS3Uri", "an s3:// URI",
     "'templates/x.html'"),
    (with_chain(pricing={"feeTiers": [{"upTo": 10, "usd": 0.08}]}), C + "pricing.feeTiers",
     'last "upTo": null', "[{'upTo': 10"),
    (with_chain(pricing={"feeTiers": FEE_TIERS_DOWN}), C + "pricing.feeTiers", "increasing", "[{'upTo': 10"),
    (with_chain(pricing={"autoLabelingComputeUsdPerHour": "x"}), C + "pricing.autoLabelingComputeUsdPerHour",
     "a number", "'x'"),
    (with_chain(pricing={"autoLabelingComputeUsdPerHour": -1}), C + "pricing.autoLabelingComputeUsdPerHour",
     "a number >= 0", "-1"),
    (with_chain(pricing=[]), C + "pricing", "an object", "[]"),
    ({**cdk_config(), "region": "eu-north-1"}, "labelchain.region", "one of us-east-1", "'eu-north-1'"),
    ({**cdk_config(), "removalPolicy": "snapshot"}, "labelchain.removalPolicy", '"retain" or "destroy"',
     "'snapshot'"),
    ({**cdk_config(), "stackName": "1stack"}, "labelchain.stackName", "a CloudFormation stack name",
     "'1stack'"),
    ({**cdk_config(), "jobNamePrefix": "LC"}, "labelchain.jobNamePrefix", "1 to 8 lower-case", "'LC'"),
    ({**cdk_config(), "jobNamePrefix": "toolongprefix"}, "labelchain.jobNamePrefix", "1 to 8", "'toolong"),
    ({**cdk_config(), "notificationEmails": ["not-an-email"]}, "labelchain.notificationEmails", "e-mail",
     "['not-an-email']"),
    ({**cdk_config(), "kmsKeyArn": "alias/mine"}, "labelchain.kmsKeyArn", "a KMS key ARN", "'alias/mine'"),
    ({**cdk_config(), "monitorIntervalMinutes": 0}, "labelchain.monitorIntervalMinutes", "from 1 to 1440",
     "0"),
    ({**cdk_config(), "stalledAfterMinutes": 4}, "labelchain.stalledAfterMinutes", ">= 5", "4"),
    ({**cdk_config(), "recordTtlDays": 0}, "labelchain.recordTtlDays", ">= 1", "0"),
    ({**cdk_config(), "allowedSourceBuckets": "bucket"}, "labelchain.allowedSourceBuckets", "a list",
     "'bucket'"),
    ({**cdk_config(), "allowedSourceBuckets": ["ok-bucket", "Bad,Bucket"]}, "labelchain.allowedSourceBuckets",
     "a list of S3 bucket names", "['ok-bucket'"),
    ({**cdk_config(), "chains": {}}, "labelchain.chains", "at least one chain", "{}"),
    ({**cdk_config(), "chains": {"Birds_1": BASE_CHAINS["BoundingBox"]}}, "labelchain.chains.Birds_1",
     "a chain name", "'Birds_1'"),
    ({**cdk_config(), "chains": {"birds": []}}, "labelchain.chains.birds", "an object", "[]"),
]
# fmt: on


@pytest.mark.parametrize(("raw", "key", "expected", "received"), WRONG_VALUES)
def test_each_wrong_value_is_reported_with_key_expected_and_received(raw, key, expected, received):
    # GIVEN a configuration with one wrong value  WHEN parsed  THEN one line names key, expectation, value
    problems = config_problems(raw)
    assert len(problems) == 1, problems
    line = problems[0]
    assert line.startswith(f"{key}: expected "), line
    assert expected in line.split("; received ")[0], line
    assert line.split("; received ", 1)[1].startswith(received), line


@pytest.mark.parametrize(
    ("raw", "key"),
    [
        ({**cdk_config(), "chains": {"birds\n": BASE_CHAINS["BoundingBox"]}}, "labelchain.chains.birds\n"),
        (with_chain(labelAttributeName="category\n"), "labelchain.chains.birds.labelAttributeName"),
        (with_chain(taskKeywords=["birds\n"]), "labelchain.chains.birds.taskKeywords"),
        ({**cdk_config(), "jobNamePrefix": "lc\n"}, "labelchain.jobNamePrefix"),
        (
            {**cdk_config(), "kmsKeyArn": "arn:aws:kms:us-east-1:123456789012:key/abc\n"},
            "labelchain.kmsKeyArn",
        ),
    ],
)
def test_rejects_a_trailing_newline_that_an_anchored_match_would_let_through(raw, key):
    # GIVEN a value with a trailing newline ("$" matches before it)  WHEN parsed  THEN it is refused
    problems = config_problems(raw)
    assert [p.split(": expected")[0] for p in problems] == [key]


@pytest.mark.parametrize(
    ("fields", "key"),
    [
        (
            {"workforce": {"type": "public", "taskPriceUsd": "NaN"}},
            "labelchain.chains.birds.workforce.taskPriceUsd",
        ),
        (
            {"pricing": {"autoLabelingComputeUsdPerHour": "NaN"}},
            "labelchain.chains.birds.pricing.autoLabelingComputeUsdPerHour",
        ),
        (
            {"pricing": {"autoLabelingComputeUsdPerHour": "Infinity"}},
            "labelchain.chains.birds.pricing.autoLabelingComputeUsdPerHour",
        ),
        (
            {"pricing": {"feeTiers": [{"upTo": None, "usd": "NaN"}]}},
            "labelchain.chains.birds.pricing.feeTiers",
        ),
        (
            {"pricing": {"feeTiers": [{"upTo": True, "usd": 1}, {"upTo": None, "usd": 1}]}},
            "labelchain.chains.birds.pricing.feeTiers",
        ),
    ],
)
def test_rejects_non_finite_numbers_instead_of_crashing(fields, key):
    # GIVEN NaN/Infinity (which Decimal parses, but cannot compare)  WHEN parsed  THEN a ConfigError line
    problems = config_problems(with_chain(**fields))
    assert any(p.startswith(f"{key}: expected") for p in problems), problems


@pytest.mark.parametrize(
    ("field", "key"),
    [
        ("labelAttributeName", "labelAttributeName"),
        ("taskTitle", "taskTitle"),
        ("workersPerObject", "workersPerObject"),
        ("taskTimeLimitSeconds", "taskTimeLimitSeconds"),
        ("warmStart", "warmStart"),
        ("workforce", "workforce"),
    ],
)
def test_rejects_explicit_null_for_a_required_value(field, key):
    # GIVEN a JSON null where a value is needed  WHEN parsed  THEN one line, received None (no crash)
    problems = config_problems(with_chain(**{field: None}))
    assert len(problems) == 1 and problems[0].startswith(f"labelchain.chains.birds.{key}: expected"), problems
    assert problems[0].endswith("received None")


def test_null_optional_values_mean_unset():
    config = parse_pipeline_config(with_chain(maxHumanLabeledObjectCount=None, uiTemplateS3Uri=None))
    assert config.chains["birds"].max_human_labeled_object_count is None


def test_semantic_segmentation_default_price_is_one_it_allows():
    # GIVEN a segmentation chain without a workforce  WHEN parsed  THEN MTurk at its lowest price, $0.840
    config = parse_pipeline_config(
        {"chains": {"seg": {"taskType": "SemanticSegmentation", "labels": ["Sky"]}}}
    )
    assert config.chains["seg"].workforce.task_price_usd == Decimal("0.840")


@pytest.mark.parametrize(
    ("raw", "key"),
    [
        (with_chain(workersPerObjects=5), "labelchain.chains.birds.workersPerObjects"),
        (with_chain(autolabeling=False), "labelchain.chains.birds.autolabeling"),
        (
            with_chain(workforce={"type": "public", "taskPriceUsd": "0.036", "price": 1}),
            "labelchain.chains.birds.workforce.price",
        ),
        (with_chain(pricing={"tiers": []}), "labelchain.chains.birds.pricing.tiers"),
        ({**cdk_config(), "regoin": "eu-west-1"}, "labelchain.regoin"),
    ],
)
def test_rejects_unknown_keys_instead_of_silently_using_defaults(raw, key):
    # GIVEN a misspelt key  WHEN parsed  THEN it is reported with the keys that exist
    problems = config_problems(raw)
    assert len(problems) == 1 and problems[0].startswith(f"{key}: expected one of the keys "), problems


@pytest.mark.parametrize("policy", ["not a job!", "arn:aws:iam::123456789012:role/r", "", "x" * 64])
def test_rejects_warm_start_policy_that_can_never_resolve(policy):
    problems = config_problems(with_chain(warmStart=policy))
    assert len(problems) == 1 and problems[0].startswith("labelchain.chains.birds.warmStart: expected"), (
        problems
    )


@pytest.mark.parametrize(
    "policy", ["latest", "none", "lc-birds-0001-abcdef12", "arn:aws:sagemaker:us-east-1:123456789012:model/m"]
)
def test_accepts_every_kind_of_warm_start_policy(policy):
    assert parse_pipeline_config(with_chain(warmStart=policy)).chains["birds"].warm_start == policy


def test_public_workforce_without_price_is_one_problem():
    problems = config_problems(with_chain(workforce={"type": "public"}))
    assert problems == [
        "labelchain.chains.birds.workforce.taskPriceUsd: expected a price for the public workforce; "
        "received None"
    ]

"""The configuration rule book: the README's tables, the parser, the dataclasses and the request checks
all say what it says."""

from __future__ import annotations

from dataclasses import fields
from pathlib import Path
from typing import Any

import pytest
from labelchain_fn.adapters.settings import Settings
from labelchain_fn.core.config import ChainConfig, PipelineConfig, parse_pipeline_config
from labelchain_fn.core.config.chain_fields import AUTO_LABELING_COMPUTE_USD_PER_HOUR, FEE_TIERS
from labelchain_fn.core.config.field import Field, readme_table
from labelchain_fn.core.config.fields import CHAIN_FIELDS, CHAIN_KEYS, PIPELINE_FIELDS, PIPELINE_KEYS
from labelchain_fn.core.request_rules import INT_RULES

README = Path(__file__).resolve().parents[3] / "README.md"
DEPLOYMENT_HEADING = "### Deployment keys (`labelchain.*`)"
CHAIN_HEADING = "### Chain keys (`labelchain.chains.<name>.*`)"


def _table_under(heading: str) -> list[str]:
    """The rows of the first Markdown table after ``heading`` (header and separator included)."""
    lines = README.read_text(encoding="utf-8").splitlines()
    rows: list[str] = []
    for line in lines[lines.index(heading) + 1 :]:
        if line.startswith("|"):
            rows.append(line)
        elif rows:
            break
    return rows


@pytest.mark.parametrize(
    ("heading", "rule_book"),
    [(DEPLOYMENT_HEADING, PIPELINE_FIELDS), (CHAIN_HEADING, CHAIN_FIELDS)],
    ids=["deployment", "chain"],
)
def test_readme_table_is_rendered_from_the_rule_book(heading: str, rule_book: tuple[Field[Any], ...]):
    # GIVEN the rule book's keys
    # WHEN they are rendered as the README's table (key, type, default, meaning and API members)
    expected = readme_table(rule_book).splitlines()
    # THEN the README's table under the section heading is exactly that, row by row
    assert _table_under(heading) == expected


def test_every_key_is_a_field_of_its_dataclass():
    # GIVEN the keys the rule book accepts  WHEN they are written in snake case
    pipeline, chain = {_snake(k) for k in PIPELINE_KEYS}, {_snake(k) for k in CHAIN_KEYS}
    # THEN they are exactly the dataclasses' fields (a chain's name is its key in ``chains``)
    assert pipeline == {f.name for f in fields(PipelineConfig)}
    assert chain == {f.name for f in fields(ChainConfig)} - {"name"}


def test_parsed_defaults_are_the_rule_book_defaults():
    # GIVEN a configuration that sets only what is required
    config = parse_pipeline_config({"chains": {"c1": {"taskType": "BoundingBox", "labels": ["Bird"]}}})
    chain = config.chains["c1"]
    # WHEN each key with a plain default is looked up on the parsed dataclass
    pipeline = {f.key: f.default for f in PIPELINE_FIELDS if f.default_text is None}
    chained = {f.key: f.default for f in CHAIN_FIELDS if f.default_text is None and "." not in f.key}
    # THEN the parser and the dataclass defaults both gave the rule book's value
    for key, default in pipeline.items():
        assert getattr(config, _snake(key)) == default, key
        assert _dataclass_default(PipelineConfig, _snake(key)) == default, key
    for key, default in chained.items():
        assert getattr(chain, _snake(key)) == default, key
        assert _dataclass_default(ChainConfig, _snake(key)) == default, key
    assert chain.pricing.fee_tiers == FEE_TIERS.default
    assert chain.pricing.auto_labeling_compute_usd_per_hour == AUTO_LABELING_COMPUTE_USD_PER_HOUR.default


def test_lambda_settings_default_to_the_rule_book():
    # GIVEN an environment without the numeric variables  WHEN the settings are parsed
    settings = Settings.from_environ({"AWS_REGION": "us-east-1"})
    # THEN they take the configuration's defaults
    defaults = {f.key: f.default for f in PIPELINE_FIELDS}
    assert settings.stalled_after_minutes == defaults["stalledAfterMinutes"]
    assert settings.record_ttl_days == defaults["recordTtlDays"]


def test_integer_keys_feeding_the_api_have_the_request_checks_bounds():
    # GIVEN the runtime request checks' integer rules by member path
    rules = {".".join(path): (lo, hi) for path, lo, hi, _ in INT_RULES}
    # WHEN the integer keys that feed one of those members are looked up
    fed = [f for f in CHAIN_FIELDS if f.lo is not None and f.api and f.api[0] in rules]
    # THEN the synth-time bounds are the runtime ones
    assert len(fed) == 5
    for f in fed:
        assert (f.lo, f.hi) == rules[f.api[0]], f.key


def _snake(key: str) -> str:
    return "".join(f"_{c.lower()}" if c.isupper() else c for c in key)


def _dataclass_default(cls: type, name: str) -> Any:
    return next(f.default for f in fields(cls) if f.name == name)

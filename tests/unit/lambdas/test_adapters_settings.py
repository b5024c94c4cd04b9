"""Settings from the environment and the chains from SSM."""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest
from labelchain_fn.adapters import settings
from labelchain_fn.adapters.settings import Settings, SettingsError, load_chains
from labelchain_fn.core.chains_document import chains_digest, chains_document
from lambda_fakes import PARAMETER, AwsClients, make_chain


@pytest.fixture(autouse=True)
def _fresh_caches() -> Iterator[None]:
    settings.reset()
    yield
    settings.reset()


def test_parses_the_environment() -> None:
    # GIVEN a prepare-like environment
    environ = {
        "AWS_REGION": "eu-west-1",
        "TABLE_NAME": "t",
        "ALLOWED_SOURCE_BUCKETS": " a, b ,,",
        "STALLED_AFTER_MINUTES": "30",
        "KMS_KEY_ARN": "",
    }
    # WHEN parsed
    parsed = Settings.from_environ(environ)
    # THEN lists are split, numbers parsed, empty optionals are None, defaults apply
    assert parsed.region == "eu-west-1" and parsed.allowed_source_buckets == ("a", "b")
    assert parsed.stalled_after_minutes == 30 and parsed.record_ttl_days == 365 and parsed.kms_key_arn is None


def test_fails_when_a_required_variable_is_missing() -> None:
    # GIVEN only the table is configured
    parsed = Settings.from_environ({"AWS_REGION": "us-east-1", "TABLE_NAME": "t"})
    # WHEN/THEN requiring the topic and bucket names them both
    assert parsed.require("TABLE_NAME") is parsed
    with pytest.raises(SettingsError, match="TOPIC_ARN, INPUT_BUCKET"):
        parsed.require("TABLE_NAME", "TOPIC_ARN", "INPUT_BUCKET")


@pytest.mark.parametrize("value", ["soon", "0"])
def test_fails_when_a_number_is_malformed(value: str) -> None:
    with pytest.raises(SettingsError, match=f"RECORD_TTL_DAYS.*{value!r}"):
        Settings.from_environ({"AWS_REGION": "us-east-1", "RECORD_TTL_DAYS": value})


def test_fails_without_a_region() -> None:
    with pytest.raises(SettingsError, match="AWS_REGION"):
        Settings.from_environ({})


def test_get_settings_reads_os_environ_once(monkeypatch: pytest.MonkeyPatch) -> None:
    # GIVEN a table name in the environment
    monkeypatch.setenv("TABLE_NAME", "first")
    first = settings.get_settings()
    # WHEN the environment changes within the same container
    monkeypatch.setenv("TABLE_NAME", "second")
    # THEN the parsed settings stay
    assert settings.get_settings() is first and first.table_name == "first"


def test_load_chains_rebuilds_the_configured_chains_once(aws: AwsClients) -> None:
    # GIVEN the parameter the stack writes
    chain = make_chain()
    aws.ssm.put_parameter(
        Name=PARAMETER, Type="String", Value=json.dumps({"chains": {"birds": chain.to_dict()}})
    )
    # WHEN loaded twice, the parameter deleted in between
    loaded = load_chains(aws.ssm, PARAMETER)
    aws.ssm.delete_parameter(Name=PARAMETER)
    # THEN the chain equals the configured one and the second read comes from the cache
    assert loaded == {"birds": chain}
    assert load_chains(aws.ssm, PARAMETER) is loaded


def test_a_deploy_that_changes_the_chains_reaches_a_warm_container(aws: AwsClients) -> None:
    # GIVEN a warm container that loaded the chains of the first deploy
    first = chains_document({"birds": make_chain()})
    aws.ssm.put_parameter(Name=PARAMETER, Type="String", Value=first)
    assert set(load_chains(aws.ssm, PARAMETER, chains_digest(first))) == {"birds"}
    # WHEN a second deploy adds a chain: a new parameter value and a new CHAINS_DIGEST for the function
    second = chains_document({"birds": make_chain(), "cats": make_chain(name="cats")})
    aws.ssm.put_parameter(Name=PARAMETER, Type="String", Value=second, Overwrite=True)
    # THEN the function's next invocation (its configuration names the new digest) sees the new chain
    assert set(load_chains(aws.ssm, PARAMETER, chains_digest(second))) == {"birds", "cats"}


def test_chains_that_do_not_match_the_expected_digest_are_used_but_read_again(aws: AwsClients) -> None:
    # GIVEN a function deployed with the digest of a value the parameter does not hold yet
    old, new = chains_document({"birds": make_chain()}), chains_document({"cats": make_chain(name="cats")})
    aws.ssm.put_parameter(Name=PARAMETER, Type="String", Value=old)
    # WHEN it loads the chains, then the parameter is updated
    assert set(load_chains(aws.ssm, PARAMETER, chains_digest(new))) == {"birds"}
    aws.ssm.put_parameter(Name=PARAMETER, Type="String", Value=new, Overwrite=True)
    # THEN the mismatched value was not kept: the next call reads the parameter again
    assert set(load_chains(aws.ssm, PARAMETER, chains_digest(new))) == {"cats"}


def test_the_digest_comes_from_the_functions_environment(
    aws: AwsClients, monkeypatch: pytest.MonkeyPatch
) -> None:
    # GIVEN CHAINS_PARAMETER_NAME and CHAINS_DIGEST in the environment
    document = chains_document({"birds": make_chain()})
    aws.ssm.put_parameter(Name=PARAMETER, Type="String", Value=document)
    monkeypatch.setenv("CHAINS_PARAMETER_NAME", PARAMETER)
    monkeypatch.setenv("CHAINS_DIGEST", chains_digest(document))
    # WHEN loaded with the defaults  THEN they are parsed and the chains cached under that digest
    assert settings.get_settings().chains_digest == chains_digest(document)
    assert load_chains(aws.ssm) is load_chains(aws.ssm)

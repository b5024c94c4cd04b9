"""``--endpoint-url``: every call goes to the given endpoint (the local sandbox is a moto server)."""

from __future__ import annotations

import json
import urllib.request
from collections.abc import Iterator

import boto3
import pytest
from cli_fixtures import seed_chain
from click.testing import CliRunner
from labelchain_fn.adapters.job_store import JobStore
from lambda_fakes import REGION, TABLE, create_jobs_table
from moto.server import ThreadedMotoServer

from labelchain_cli.main import cli


@pytest.fixture(scope="module")
def endpoint() -> Iterator[str]:
    """A moto server on a free loopback port, with the jobs table and the recorded chain (module-wide:
    moto's server keeps its state in the process, so it is reset when the module is done)."""
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    url = f"http://{host}:{port}"
    dynamodb = boto3.session.Session(region_name=REGION).client("dynamodb", endpoint_url=url)
    create_jobs_table(dynamodb)
    seed_chain(JobStore(TABLE, dynamodb))
    yield url
    urllib.request.urlopen(urllib.request.Request(f"{url}/moto-api/reset", method="POST")).close()
    server.stop()


def test_status_reads_the_table_behind_the_endpoint(endpoint: str) -> None:
    # GIVEN a table that exists only in the server at ``endpoint``
    # WHEN the status is asked through --endpoint-url
    result = CliRunner().invoke(cli, ["--endpoint-url", endpoint, "--table", TABLE, "status", "--json"])
    # THEN the chain recorded there is listed
    assert result.exit_code == 0, result.output
    assert [c["chain"] for c in json.loads(result.stdout)["chains"]] == ["birds"]


def test_the_endpoint_also_comes_from_aws_endpoint_url(
    endpoint: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    # GIVEN AWS_ENDPOINT_URL instead of the option (what the sandbox prints to export)
    monkeypatch.setenv("AWS_ENDPOINT_URL", endpoint)
    # WHEN the status is asked THEN the same table answers
    result = CliRunner().invoke(cli, ["--table", TABLE, "status", "--chain", "birds", "--json"])
    assert result.exit_code == 0, result.output
    assert len(json.loads(result.stdout)["chains"][0]["jobs"]) == 3

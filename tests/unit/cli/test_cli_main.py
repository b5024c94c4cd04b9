"""The ``labelchain`` group: version, help, exit codes of AWS errors, and the demo command."""

from __future__ import annotations

import subprocess
import sys

import pytest
from cli_fixtures import Moto, Run
from click.testing import CliRunner

from labelchain_cli import __version__
from labelchain_cli.commands import demo as demo_command
from labelchain_cli.main import cli

COMMANDS = ("prepare", "start", "status", "watch", "report", "demo")


def test_version_is_the_package_version() -> None:
    result = CliRunner().invoke(cli, ["--version"])
    assert result.exit_code == 0
    assert result.stdout.strip() == f"labelchain, version {__version__}"
    assert __version__ != "0.0.0"


@pytest.mark.parametrize("command", COMMANDS)
def test_every_command_has_help(command: str) -> None:
    # GIVEN/WHEN --help on each command THEN it exits 0 without touching AWS and shows its usage
    result = CliRunner().invoke(cli, [command, "--help"])
    assert result.exit_code == 0, result.output
    assert f"Usage: cli {command}" in result.stdout or f"Usage: labelchain {command}" in result.stdout


def test_rejects_an_unknown_command() -> None:
    assert CliRunner().invoke(cli, ["label-everything"]).exit_code == 2


def test_fails_with_exit_3_without_a_region(monkeypatch: pytest.MonkeyPatch, moto: Moto) -> None:
    # GIVEN no region anywhere in the environment
    for name in ("AWS_REGION", "AWS_DEFAULT_REGION"):
        monkeypatch.delenv(name)
    monkeypatch.setenv("AWS_CONFIG_FILE", "/nonexistent/config")
    # WHEN a command needs AWS
    result = CliRunner().invoke(cli, ["--table", "t", "status"])
    # THEN it is a resource error with a hint
    assert result.exit_code == 3
    assert "no AWS region" in result.stderr


def test_demo_fails_with_exit_3_when_the_demo_package_is_missing(
    run: Run, monkeypatch: pytest.MonkeyPatch
) -> None:
    # GIVEN an environment without the demo package
    monkeypatch.setattr(demo_command, "DEMO_MODULE", "labelchain_no_such_demo")
    # WHEN the demo is run THEN it exits 3 and names the package
    result = run("demo")
    assert result.exit_code == 3
    assert "labelchain_no_such_demo" in result.stderr


@pytest.mark.parametrize(("returned", "exit_code"), [(0, 0), (4, 1)])
def test_demo_runs_the_demo_package_with_its_own_arguments(
    run: Run, monkeypatch: pytest.MonkeyPatch, returned: int, exit_code: int
) -> None:
    # GIVEN a child process that records its command line and ends with ``returned``
    calls: list[list[str]] = []

    def fake_run(args: list[str], **_kwargs: object) -> subprocess.CompletedProcess[bytes]:
        calls.append(list(args))
        return subprocess.CompletedProcess(args, returned)

    monkeypatch.setattr(demo_command.subprocess, "run", fake_run)
    # WHEN the demo is run with an argument of its own
    result = run("demo", "--fast")
    # THEN ``python -m demo`` got it (the CLI never imports the demo), and its exit code decides the CLI's
    assert calls == [[sys.executable, "-m", "demo", "--fast"]]
    assert result.exit_code == exit_code

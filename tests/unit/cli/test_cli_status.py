"""``labelchain status``: chains and jobs from the jobs table."""

from __future__ import annotations

import json

from cli_fixtures import CONTROL2, JOB1, JOB2, ChainFixture, Moto, Run, model_arn, snapshot, start_job


def test_status_json_lists_the_chain_jobs_with_their_figures(run: Run, chain_fixture: ChainFixture) -> None:
    # GIVEN a chain of three recorded jobs
    # WHEN the status is asked as JSON
    result = run("status", "--json")
    # THEN the chain, its head and every job's counters, machine %, cost, elapsed time and lineage are listed
    assert result.exit_code == 0, result.output
    (chain,) = json.loads(result.stdout)["chains"]
    assert (chain["chain"], chain["lastSequence"], chain["headJobName"]) == ("birds", 2, JOB2)
    assert chain["headModelArn"] == model_arn(JOB2)
    jobs = {job["labelingJobName"]: job for job in chain["jobs"]}
    assert [job["labelingJobName"] for job in chain["jobs"]] == [JOB1, JOB2, CONTROL2]
    assert [jobs[n]["machinePercent"] for n in (JOB1, JOB2, CONTROL2)] == [47.9, 79.2, 60.2]
    assert [jobs[n]["totalUsd"] for n in (JOB1, JOB2, CONTROL2)] == [170.308, 128.08, 153.784]
    assert [jobs[n]["elapsedSeconds"] for n in (JOB1, JOB2, CONTROL2)] == [10800, 7200, 12600]
    assert (jobs[JOB2]["humanLabeled"], jobs[JOB2]["machineLabeled"], jobs[JOB2]["status"]) == (
        260,
        990,
        "COMPLETED",
    )
    assert jobs[JOB2]["initialModelArn"] == model_arn(JOB1)
    assert jobs[CONTROL2]["initialModelArn"] is None
    assert chain["failures"] == 0


def test_status_table_shows_jobs_and_lineage(run: Run, chain_fixture: ChainFixture) -> None:
    # GIVEN the recorded chain
    # WHEN the status is printed for one chain
    result = run("status", "--chain", "birds")
    # THEN the rich tables name the jobs, their machine % and the model each started from
    assert result.exit_code == 0, result.output
    assert "Jobs of chain birds" in result.stdout
    for text in (JOB1, JOB2, CONTROL2, "47.9", "79.2", "60.2", "170.31", "COMPLETED"):
        assert text in result.stdout
    assert f"{JOB1}-model → {JOB2}-model" in result.stdout
    assert f"cold → {JOB1}-model" in result.stdout


def test_status_of_a_running_job_uses_its_newest_snapshot(
    run: Run, moto: Moto, chain_fixture: ChainFixture
) -> None:
    # GIVEN a third job still running, with two monitor snapshots
    name = "lc-birds-0003-cccc3333"
    start_job(moto.store, chain_fixture.chain, name, sequence=3, initial=model_arn(JOB2), at=9)
    snapshot(moto.store, name, 9.5, 100, 300, "InProgress")
    snapshot(moto.store, name, 10.0, 150, 600, "InProgress")
    # WHEN the status is asked
    result = run("status", "--chain", "birds", "--json")
    # THEN the running job shows the newest snapshot's counters and the machine % computed from them
    job = json.loads(result.stdout)["chains"][0]["jobs"][-1]
    assert (job["labelingJobName"], job["status"], job["humanLabeled"], job["machineLabeled"]) == (
        name,
        "IN_PROGRESS",
        150,
        600,
    )
    assert job["machinePercent"] == 80.0
    assert job["elapsedSeconds"] > 0


def test_fails_when_the_chain_has_no_records(run: Run, chain_fixture: ChainFixture) -> None:
    # GIVEN a table without chain "cats"
    # WHEN its status is asked
    result = run("status", "--chain", "cats")
    # THEN the command fails with exit code 1 and says why
    assert result.exit_code == 1
    assert "no records for chain 'cats'" in result.stderr


def test_fails_with_exit_3_when_the_stack_does_not_exist(run: Run, moto: Moto) -> None:
    # GIVEN no stack named "Other" and no --table
    # WHEN the status is asked
    result = run("--stack-name", "Other", "status")
    # THEN the resource error exits 3 and suggests the explicit options
    assert result.exit_code == 3
    assert "Other" in result.stderr and "--table" in result.stderr


def test_status_reads_an_explicit_table_without_the_stack(run: Run, chain_fixture: ChainFixture) -> None:
    # GIVEN a stack name that does not exist but an explicit table
    # WHEN the status is asked
    result = run("--stack-name", "Other", "--table", "labelchain-jobs", "status", "--json")
    # THEN the table is read directly
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["chains"][0]["chain"] == "birds"

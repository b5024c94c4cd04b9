"""``labelchain watch``: follow a job to its end through DescribeLabelingJob or the job record."""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator

import pytest
from botocore.stub import Stubber
from cli_fixtures import JOB1, ChainFixture, Moto, Run, finish_job, snapshot, start_job
from lambda_fakes import EXECUTION_ARN, describe_response, make_chain, request_of

RUNNING_JOB = "lc-birds-0003-cccc3333"
FAST = ("--interval", "0")


@pytest.fixture
def sagemaker(moto: Moto) -> Iterator[Stubber]:
    """A stubbed SageMaker client; each test consumes exactly the responses it queues."""
    stubber = Stubber(moto.session.client("sagemaker"))
    with stubber:
        yield stubber
        stubber.assert_no_pending_responses()


@pytest.fixture
def running(moto: Moto) -> dict[str, object]:
    """A job of 1,250 objects created and in progress (its execution is not in the account)."""
    return start_job(moto.store, make_chain(), RUNNING_JOB, sequence=3, at=9)


def _queue(
    stubber: Stubber, item: dict[str, object], *states: tuple[str, int, int], reason: str | None = None
) -> None:
    for status, human, machine in states:
        response = describe_response(
            request_of(item),
            status,
            human=human,
            machine=machine,
            failure_reason=reason if status == "Failed" else None,
        )
        stubber.add_response("describe_labeling_job", response, {"LabelingJobName": RUNNING_JOB})


def test_watch_follows_the_job_until_it_completes(
    run: Run, sagemaker: Stubber, running: dict[str, object]
) -> None:
    # GIVEN Ground Truth reports progress twice, then completion
    _queue(sagemaker, running, ("InProgress", 100, 0), ("InProgress", 300, 400), ("Completed", 651, 599))
    # WHEN the job is watched
    result = run("watch", "--job", RUNNING_JOB, *FAST, "--json", clients={"sagemaker": sagemaker.client})
    # THEN it exits 0 with the final counters, read from DescribeLabelingJob
    assert result.exit_code == 0, result.output
    final = json.loads(result.stdout)
    assert final == {
        "labelingJobName": RUNNING_JOB,
        "labelingJobStatus": "Completed",
        "humanLabeled": 651,
        "machineLabeled": 599,
        "totalLabeled": 1250,
        "objectCount": 1250,
        "failureReason": None,
        "source": "DescribeLabelingJob",
        "recorded": True,
    }


def test_fails_when_the_job_fails(run: Run, sagemaker: Stubber, running: dict[str, object]) -> None:
    # GIVEN a job that fails after some progress
    _queue(
        sagemaker,
        running,
        ("InProgress", 10, 0),
        ("Failed", 10, 0),
        reason="ClientError: manifest unreadable",
    )
    # WHEN it is watched
    result = run("watch", "--job", RUNNING_JOB, *FAST, clients={"sagemaker": sagemaker.client})
    # THEN it exits 1 with the failure reason
    assert result.exit_code == 1
    assert f"labeling job {RUNNING_JOB} Failed: ClientError: manifest unreadable" in result.stderr
    assert "Failed: 10 human, 0 machine" in result.stdout


def test_watch_falls_back_to_the_record_when_ground_truth_does_not_know_the_job(
    run: Run, sagemaker: Stubber, chain_fixture: ChainFixture
) -> None:
    # GIVEN a recorded job that DescribeLabelingJob no longer finds
    sagemaker.add_client_error("describe_labeling_job", "ResourceNotFound", "no such job")
    # WHEN it is watched
    result = run("watch", "--job", JOB1, *FAST, "--json", clients={"sagemaker": sagemaker.client})
    # THEN the record answers: Completed with its recorded counters
    final = json.loads(result.stdout)
    assert result.exit_code == 0
    assert (final["labelingJobStatus"], final["humanLabeled"], final["machineLabeled"], final["source"]) == (
        "Completed",
        651,
        599,
        "record",
    )


def test_fails_when_the_job_does_not_end_before_the_timeout(
    run: Run, moto: Moto, running: dict[str, object]
) -> None:
    # GIVEN a running job whose newest snapshot shows progress
    snapshot(moto.store, RUNNING_JOB, 9.5, 40, 2, "InProgress")
    # WHEN it is watched from the record with a zero timeout
    result = run("watch", "--job", RUNNING_JOB, "--from-record", *FAST, "--timeout", "0")
    # THEN the watch gives up with exit 1, having shown the snapshot's counters
    assert result.exit_code == 1
    assert "timed out waiting for" in result.stderr and "InProgress" in result.stderr
    assert "40/1250" in result.stderr


def test_rejects_both_or_neither_job_and_execution(run: Run, moto: Moto) -> None:
    # GIVEN/WHEN both selectors, then none THEN each is a usage error
    assert run("watch", "--job", JOB1, "--execution-arn", EXECUTION_ARN).exit_code == 2
    assert run("watch").exit_code == 2


def test_fails_when_no_record_names_the_job(run: Run, moto: Moto) -> None:
    # GIVEN an empty table WHEN an unknown job is watched from the record THEN exit 1 names it
    result = run("watch", "--job", "lc-birds-0099-deadbeef", "--from-record", *FAST)
    assert result.exit_code == 1
    assert "no record of labeling job 'lc-birds-0099-deadbeef'" in result.stderr


def test_watch_waits_until_the_pipeline_recorded_the_completed_job(
    run: Run, moto: Moto, sagemaker: Stubber
) -> None:
    # GIVEN a job whose execution is running, and Ground Truth reporting it Completed twice
    execution = moto.sfn.start_execution(stateMachineArn=moto.state_machine_arn, name=str(uuid.uuid4()))
    item = start_job(
        moto.store, make_chain(), RUNNING_JOB, sequence=3, execution_arn=execution["executionArn"]
    )
    _queue(sagemaker, item, ("Completed", 651, 599), ("Completed", 651, 599))
    describes: list[str] = []

    def record_after_second_describe(**_: object) -> None:
        # RecordJob runs between the watch's first and second poll.
        describes.append("DescribeLabelingJob")
        if len(describes) == 2:
            finish_job(moto.store, make_chain(), item, 651, 599, elapsed=1, at=1)

    events = sagemaker.client.meta.events
    events.register("after-call.sagemaker.DescribeLabelingJob", record_after_second_describe)
    # WHEN the job is watched
    result = run("watch", "--job", RUNNING_JOB, *FAST, "--json", clients={"sagemaker": sagemaker.client})
    # THEN the watch kept polling until the record was written, then exited 0
    assert result.exit_code == 0, result.output
    assert len(describes) == 2
    assert json.loads(result.stdout)["recorded"] is True
    assert moto.store.get_job(RUNNING_JOB)["status"] == "COMPLETED"
    moto.sfn.stop_execution(executionArn=execution["executionArn"])


def test_fails_on_one_line_before_any_progress_bar_when_the_job_does_not_exist(
    run: Run, moto: Moto, sagemaker: Stubber
) -> None:
    # GIVEN a job name neither Ground Truth nor the jobs table knows
    sagemaker.add_client_error(
        "describe_labeling_job", "ResourceNotFound", "Could not find requested job with name nope"
    )
    # WHEN it is watched
    result = run("watch", "--job", "nope", *FAST, clients={"sagemaker": sagemaker.client})
    # THEN the watch fails (exit 1) with one line in the pipeline's vocabulary, and no progress was drawn
    assert result.exit_code == 1
    assert result.stderr.splitlines() == [
        "error: watch: JobRecordNotFound: labeling job 'nope' not found: "
        "DescribeLabelingJob: ResourceNotFound: Could not find requested job with name nope, "
        "and the jobs table has no record of it"
    ]
    assert result.stdout == ""


@pytest.mark.parametrize(
    ("option", "expected"),
    [
        ("--execution-arn", "expected a Step Functions execution ARN"),
        ("--job", "expected a labeling job name"),
    ],
)
def test_rejects_an_empty_job_or_execution_as_a_usage_error(
    run: Run, moto: Moto, option: str, expected: str
) -> None:
    # GIVEN/WHEN an empty value (an unset shell variable: --execution-arn "$arn")
    result = run("watch", option, "")
    # THEN it is click's usage error naming the option and what it expects, not botocore's validation text
    assert result.exit_code == 2
    assert f"Invalid value for '{option}': {expected}" in result.stderr
    assert "received ''" in result.stderr
    assert "Parameter validation failed" not in result.stderr

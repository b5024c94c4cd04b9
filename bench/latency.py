"""Benchmark 2: completion latency, from Ground Truth's state-change event to the job record COMPLETED.

In the sandbox (real handlers in Python processes), twice: with warm processes (each function keeps its
process between invocations, as a warm Lambda environment) and with a fresh process per invocation (every
call a cold start), side by side. The simulated clock is held still until StartJob has stored the task
token, then jumped past the job's end. The moment the
simulated Ground Truth puts its ``Labeling Job State Change`` event is recorded (a wrapper around
``publish_state_change``), then the job item is read until its ``status`` is ``COMPLETED``. The execution
history splits the path into its two hops.
"""

from __future__ import annotations

import re
import statistics
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from typing import Any

import sandbox.groundtruth as gt
import sandbox.groundtruth.finalize as gt_finalize
from bench.common import Section, emit, parser
from bench.sandbox_env import Deployment, deployed_sandbox, fast_workforce, history, upload_batch, wait_for

JOB_HOURS = 1.0
_REPORT = re.compile(r"REPORT RequestId: \S+\s+Duration: ([\d.]+) ms")


@contextmanager
def event_times() -> Iterator[dict[str, float]]:
    """Record ``time.time()`` when each job's state-change event is put, by job name."""
    times: dict[str, float] = {}
    lock = threading.Lock()
    original = gt_finalize.publish_state_change

    def timed(job: Any, account_id: str, region: str) -> None:
        with lock:
            times[job.name] = time.time()
        original(job, account_id, region)

    gt_finalize.publish_state_change = timed
    try:
        yield times
    finally:
        gt_finalize.publish_state_change = original


def _job(env: Deployment, name: str) -> dict[str, Any]:
    key = {"pk": {"S": f"JOB#{name}"}, "sk": {"S": "JOB"}}
    return dict(
        env.client("dynamodb").get_item(TableName=env.outputs["JobTableName"], Key=key).get("Item", {})
    )


def _token_stored(env: Deployment, batch: int) -> dict[str, Any] | None:
    items = env.client("dynamodb").scan(TableName=env.outputs["JobTableName"])["Items"]
    suffix = f"-{batch:04d}-"
    return next(
        (i for i in items if i["sk"]["S"] == "JOB" and suffix in i["pk"]["S"] and "taskToken" in i), None
    )


def _ts(value: datetime) -> float:
    return value.timestamp()


def one_job(env: Deployment, batch: int, times: dict[str, float]) -> dict[str, float]:
    """Latency figures (seconds) of one job."""
    env.sandbox.clock.set_speed(None)
    gt.add_fault({"kind": "delay", "hours": JOB_HOURS, "namePattern": f"*-{batch:04d}-*"})
    upload_batch(env, batch)
    item = wait_for(lambda: _token_stored(env, batch), 120)
    name = item["labelingJobName"]["S"]
    env.sandbox.advance(hours=JOB_HOURS + 0.01)
    # 20 ms polls: finer ones would compete (GIL) with the in-process server the handlers call
    wait_for(lambda: _job(env, name).get("status", {}).get("S") == "COMPLETED", 120, 0.02)
    seen = time.time()
    sfn, arn = env.client("stepfunctions"), item["executionArn"]["S"]
    wait_for(lambda: sfn.describe_execution(executionArn=arn)["status"] != "RUNNING", 120)
    events = history(env, arn)
    callback = _ts(next(e for e in events if e["type"] == "TaskSucceeded")["timestamp"])  # StartJob's token
    started = _ts([e for e in events if e["type"] == "LambdaFunctionStarted"][-1]["timestamp"])  # RecordJob
    put = times[name]
    return {
        "total": seen - put,
        "callback": callback - put,
        "between": started - callback,
        "record": seen - started,
    }


def invocation_seconds(env: Deployment, fragment: str) -> list[float]:
    """Durations of every invocation of the function whose name contains ``fragment`` (its REPORT lines)."""
    lam, logs = env.client("lambda"), env.client("logs")
    name = next(f["FunctionName"] for f in lam.list_functions()["Functions"] if fragment in f["FunctionName"])
    events = logs.filter_log_events(logGroupName=f"/aws/lambda/{name}")["events"]
    return [float(m.group(1)) / 1000 for e in events if (m := _REPORT.search(e["message"]))]


Measured = tuple[list[dict[str, float]], dict[str, list[float]]]


def measure(jobs: int, *, cold_starts: bool) -> Measured:
    """Run ``jobs`` jobs one after another; returns each one's figures and the two functions' durations."""
    with deployed_sandbox(cold_starts=cold_starts) as env, event_times() as times:
        fast_workforce()
        runs = [one_job(env, batch, times) for batch in range(1, jobs + 1)]
        return runs, {key: invocation_seconds(env, key) for key in ("JobStateChanged", "RecordFunction")}


def build(warm: Measured, cold: Measured) -> Section:
    """The section: medians over the jobs, warm processes next to a cold start per invocation."""
    section = Section("latency", "2. Completion latency (sandbox, real time)")

    def median_ms(runs: list[dict[str, float]], key: str) -> float:
        return statistics.median(r[key] for r in runs) * 1000

    rows = (
        ("total", "Event put → job record COMPLETED"),
        ("callback", "… event → JobStateChanged → SendTaskSuccess accepted"),
        ("between", "… callback → RecordJob started (Step Functions)"),
        ("record", "… RecordJob started → job record COMPLETED"),
    )
    for key, label in rows:
        value, cold_value = median_ms(warm[0], key), median_ms(cold[0], key)
        ratio = f"cold {cold_value:,.0f} ms = {cold_value / value:.1f}x warm" if value else ""
        section.add(f"{label}, warm, median of {len(warm[0])} jobs", round(value), "ms", ratio=ratio)
    for key, label in (("JobStateChanged", "JobStateChanged"), ("RecordFunction", "RecordJob")):
        if warm[1].get(key) and cold[1].get(key):
            value, cold_value = (statistics.median(m[1][key]) * 1000 for m in (warm, cold))
            section.add(
                f"{label} invocation, warm (median of {len(warm[1][key])})", round(value), "ms",
                ratio=f"cold {cold_value:,.0f} ms = {cold_value / value:.1f}x warm",
            )  # fmt: skip
    section.notes.append(
        "Warm: each function keeps its process (module state, imported handler) while its code and "
        "configuration are unchanged, as Lambda's warm environments do; cold: a new Python process imports "
        "the handler on every call (`--cold-starts`). The two Lambda hops dominate either way; the "
        "simulated Ground Truth and Step Functions add only milliseconds. Wall-clock figures: other load on "
        "the machine lengthens them."
    )
    return section


def main(argv: list[str] | None = None) -> None:
    """Run the benchmark and print the figures."""
    args = parser(__doc__.splitlines()[0])
    args.add_argument("--jobs", type=int, default=3, help="jobs to time (default 3)")
    ns = args.parse_args(argv)
    emit(build(measure(ns.jobs, cold_starts=False), measure(ns.jobs, cold_starts=True)), ns.json)


if __name__ == "__main__":
    main()

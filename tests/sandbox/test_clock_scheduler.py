"""Simulated time and the EventBridge scheduler that fires ``rate(...)`` rules in it."""

from __future__ import annotations

import json
import threading
import time
from datetime import UTC, datetime, timedelta

import boto3
import pytest
from sandbox_fakes import REGION, create_function

from sandbox.clock import SimClock
from sandbox.patches import lambda_invoke
from sandbox.scheduler import Scheduler, rate_period

START = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def test_a_frozen_clock_moves_only_when_advanced():
    clock = SimClock(None, start=START)
    assert clock.now() == START and clock.speed == 0
    assert clock.advance(hours=2, seconds=30) == START + timedelta(hours=2, seconds=30)
    with pytest.raises(ValueError, match="only moves forward"):
        clock.advance(seconds=-1)


def test_a_running_clock_runs_at_its_speed():
    # GIVEN one simulated hour per 100 real milliseconds
    clock = SimClock(100, start=START)
    time.sleep(0.2)
    # THEN about two simulated hours have passed, and the speed converts durations both ways
    assert timedelta(hours=1.8) <= clock.now() - START <= timedelta(hours=4)
    assert clock.real_seconds(3600) == pytest.approx(0.1)
    clock.set_speed(None)
    frozen = clock.now()
    time.sleep(0.05)
    assert clock.now() == frozen
    with pytest.raises(ValueError, match="must be > 0"):
        SimClock(0)


@pytest.mark.parametrize(
    ("expression", "seconds"),
    [("rate(1 minute)", 60), ("rate(15 minutes)", 900), ("rate(2 hours)", 7200), ("rate(1 day)", 86400)],
)
def test_rate_expressions_are_parsed(expression, seconds):
    assert rate_period(expression) == timedelta(seconds=seconds)


def test_cron_expressions_are_not_rates():
    assert rate_period("cron(0 12 * * ? *)") is None


@pytest.fixture
def queue(sfn_aws):
    sqs = boto3.client("sqs", region_name=REGION)
    url = sqs.create_queue(QueueName="ticks")["QueueUrl"]
    arn = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    return arn, lambda: [
        json.loads(m["Body"])
        for m in sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10).get("Messages", [])
    ]


def _schedule(rule: str, expression: str, target: dict[str, str]) -> tuple[SimClock, Scheduler]:
    """Put the schedule rule ``rule`` with ``target``; returns a frozen clock at START and its scheduler."""
    events = boto3.client("events", region_name=REGION)
    events.put_rule(Name=rule, ScheduleExpression=expression)
    events.put_targets(Rule=rule, Targets=[target])
    clock = SimClock(None, start=START)
    return clock, Scheduler(clock, min_real_seconds=0)


def _held_lambda_fired_once(name: str, release: threading.Event) -> tuple[SimClock, Scheduler]:
    """A ``rate(1 minute)`` rule on Lambda ``name``, which runs until ``release`` (5 s at most), fired once
    an hour after START; returns the clock and the scheduler."""
    arn = create_function(name)
    lambda_invoke.registry.register(name, lambda event, context: release.wait(5))
    clock, scheduler = _schedule(name, "rate(1 minute)", {"Id": "l", "Arn": arn})
    scheduler.tick()
    clock.advance(hours=1)
    assert scheduler.tick() == 1
    return clock, scheduler


def test_a_rate_rule_fires_every_period_of_simulated_time_and_coalesces(queue):
    arn, read = queue
    clock, scheduler = _schedule("monitor", "rate(15 minutes)", {"Id": "q", "Arn": arn})
    # WHEN the scheduler first sees the rule THEN nothing fires
    assert scheduler.tick() == 0
    # WHEN one period passes THEN one Scheduled Event arrives
    clock.advance(hours=0.25)
    assert scheduler.tick() == 1
    (event,) = read()
    assert event["detail-type"] == "Scheduled Event" and event["source"] == "aws.events"
    assert event["resources"] == ["arn:aws:events:us-east-1:123456789012:rule/monitor"]
    # WHEN two hours pass at once THEN the missed periods fire once
    clock.advance(hours=2)
    assert scheduler.tick() == 1 and scheduler.tick() == 0
    # WHEN the rule is disabled THEN it stops firing
    boto3.client("events", region_name=REGION).disable_rule(Name="monitor")
    clock.advance(hours=1)
    assert scheduler.tick() == 0


def test_a_rule_does_not_fire_while_its_lambda_still_runs(sfn_aws):
    # GIVEN a scheduled Lambda that runs until released, fired once
    release = threading.Event()
    clock, scheduler = _held_lambda_fired_once("slow", release)
    # WHEN the next period passes while it runs THEN the rule does not fire again
    clock.advance(hours=1)
    assert scheduler.tick() == 0  # the first invocation has not returned
    # WHEN it returns THEN the rule fires again
    release.set()
    time.sleep(0.2)
    assert scheduler.tick() == 1


def test_drain_waits_for_a_scheduled_lambda_still_running(sfn_aws):
    # GIVEN a scheduled Lambda that runs until released
    release = threading.Event()
    _clock, scheduler = _held_lambda_fired_once("held", release)
    # WHEN drained briefly THEN it reports the invocation still running
    assert scheduler.drain(timeout=0.1) is False
    # WHEN the invocation ends during a longer drain THEN the drain returns once it has ended
    threading.Timer(0.2, release.set).start()
    started = time.monotonic()
    assert scheduler.drain(timeout=5) is True
    assert time.monotonic() - started < 4

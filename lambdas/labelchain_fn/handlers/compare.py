"""CompareJobs: after a warm-started job and its cold control both finished, store and announce how the
warm start did (machine-labeled share, cost, time)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from labelchain_fn.adapters.job_store import JobStore
from labelchain_fn.adapters.notifier import Notifier
from labelchain_fn.adapters.settings import TABLE_NAME, TOPIC_ARN, get_settings
from labelchain_fn.core import records
from labelchain_fn.handlers.shared import CHAIN_DIMENSION, logger, metrics, now_iso, tracer

REQUIRED = (TABLE_NAME, TOPIC_ARN)


def compare(event: Mapping[str, Any], *, store: JobStore, notifier: Notifier, now: str) -> dict[str, Any]:
    """Store the comparison of ``{"main": summary, "control": summary, "chain"}``; returns it JSON-safe."""
    main, control = event["main"], event["control"]
    chain = str(event.get("chain") or main.get("chain"))
    item = records.comparison_item(main, control, chain=chain, now=now)
    store.put_comparison(item)
    result: dict[str, Any] = records.from_dynamo({k: v for k, v in item.items() if k not in ("pk", "sk")})
    notifier.publish(f"labelchain: warm start vs control, {main['labelingJobName']}", result)
    logger.info("jobs compared", extra={"comparison": result})
    return result


@logger.inject_lambda_context
@tracer.capture_lambda_handler
@metrics.log_metrics
def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    """Lambda entry point ``labelchain_fn.handlers.compare.handler``."""
    settings = get_settings().require(*REQUIRED)
    notifier = Notifier(settings.topic_arn)
    result = compare(event, store=JobStore(settings.table_name), notifier=notifier, now=now_iso())
    metrics.add_dimension(name=CHAIN_DIMENSION, value=str(result["chain"]))
    metrics.add_metric(name="Comparisons", unit="Count", value=1)
    if "costSavingPercent" in result:
        metrics.add_metric(
            name="WarmStartCostSavingPercent", unit="Percent", value=float(result["costSavingPercent"])
        )
    metrics.add_metric(name="NotificationsFailed", unit="Count", value=notifier.failed)
    return result

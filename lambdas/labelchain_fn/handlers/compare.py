"""CompareJobs: after a warm-started job and its cold control both finished, store and announce how the
warm start did (machine-labeled share, cost, time)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from labelchain_fn.adapters.job_store import JobStore
from labelchain_fn.adapters.notifier import Notifier
from labelchain_fn.adapters.settings import get_settings
from labelchain_fn.core import records
from labelchain_fn.core.messages import comparison_message
from labelchain_fn.core.metrics import COMPARISONS, WARM_START_COST_SAVING_PERCENT, MetricDatum, count
from labelchain_fn.functions import FUNCTIONS
from labelchain_fn.handlers.shared import (
    add_metrics,
    emit_notifications_failed,
    logger,
    metrics,
    now_iso,
    surfaces_transient_errors,
    tracer,
)

REQUIRED = FUNCTIONS["compare"].required  # labelchain_fn.functions declares it


def compare(
    event: Mapping[str, Any], *, store: JobStore, notifier: Notifier, now: str, region: str
) -> dict[str, Any]:
    """Store the comparison of ``{"main": summary, "control": summary, "chain"}`` and announce it
    (``region`` is used for the console links); returns it JSON-safe."""
    main, control = event["main"], event["control"]
    chain = str(event.get("chain") or main.get("chain"))
    item = records.comparison_item(main, control, chain=chain, now=now)
    store.put_comparison(item)
    result: dict[str, Any] = records.from_dynamo({k: v for k, v in item.items() if k not in ("pk", "sk")})
    # The payload carries no execution ARN; the main job's record knows it (for the console link).
    job = store.get_job(str(main["labelingJobName"])) or {}
    message = comparison_message(result, region=region, execution_arn=job.get("executionArn"))
    notifier.publish(message.subject, message.body)
    logger.info("jobs compared", extra={"comparison": result})
    return result


@logger.inject_lambda_context
@tracer.capture_lambda_handler
@metrics.log_metrics
@surfaces_transient_errors
def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    """Lambda entry point ``labelchain_fn.handlers.compare.handler``."""
    settings = get_settings().require(*REQUIRED)
    notifier = Notifier(settings.topic_arn)
    result = compare(
        event, store=JobStore(settings.table_name), notifier=notifier, now=now_iso(), region=settings.region
    )
    data = [count(COMPARISONS)]
    if "costSavingPercent" in result:
        data.append(
            MetricDatum(WARM_START_COST_SAVING_PERCENT, "Percent", float(result["costSavingPercent"]))
        )
    add_metrics(data, chain=str(result["chain"]))
    emit_notifications_failed(notifier.failed)
    return result

"""CompareJobs: after a warm-started job and its cold control both finished, store and announce how the
warm start did (machine-labeled share, cost, time)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from labelchain_fn.adapters.job_store import JobStore
from labelchain_fn.adapters.notifier import Notifier
from labelchain_fn.core import records
from labelchain_fn.core.items import ComparisonRecord, JobRecord, JobSummary
from labelchain_fn.core.messages import comparison_message
from labelchain_fn.core.metrics import COMPARISONS, WARM_START_COST_SAVING_PERCENT, MetricDatum, count
from labelchain_fn.functions import FUNCTIONS
from labelchain_fn.handlers.shared import add_metrics, logger
from labelchain_fn.handlers.wiring import Wiring, entry_point

REQUIRED = FUNCTIONS["compare"].required  # labelchain_fn.functions declares it


def compare(
    event: Mapping[str, Any], *, store: JobStore, notifier: Notifier, now: str, region: str
) -> dict[str, Any]:
    """Store the comparison of ``{"main": summary, "control": summary, "chain"}`` and announce it
    (``region`` is used for the console links); returns it JSON-safe."""
    main, control = event["main"], event["control"]
    chain = str(event.get("chain") or JobSummary.from_item(main).chain)
    item = records.comparison_item(main, control, chain=chain, now=now)
    store.put_comparison(item)
    result: dict[str, Any] = records.from_dynamo({k: v for k, v in item.items() if k not in ("pk", "sk")})
    # The payload carries no execution ARN; the main job's record knows it (for the console link).
    job = store.get_job(str(JobSummary.from_item(main).labeling_job_name))
    execution_arn = JobRecord.from_item(job).execution_arn if job else None
    message = comparison_message(result, region=region, execution_arn=execution_arn)
    notifier.publish(message.subject, message.body)
    logger.info("jobs compared", extra={"comparison": result})
    return result


@entry_point()
def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    """Lambda entry point ``labelchain_fn.handlers.compare.handler``."""
    wiring = Wiring(REQUIRED)
    result = compare(event, **wiring.using("store", "notifier", "now", "region"))
    comparison = ComparisonRecord.from_item(result)
    data = [count(COMPARISONS)]
    if comparison.cost_saving_percent is not None:
        saving = float(comparison.cost_saving_percent)
        data.append(MetricDatum(WARM_START_COST_SAVING_PERCENT, "Percent", saving))
    add_metrics(data, chain=str(comparison.chain))
    wiring.emit_notifications_failed()
    return result

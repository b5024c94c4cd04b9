"""What the template cannot say about an idle month: what one scheduled run does, and the assumptions
printed with the figures.

A template names the scheduled handler, its memory, architecture, tracing and log retention, but not how
long a run takes, how many log bytes it writes, which metrics it emits or which indexes it queries. Those
are stated here (:data:`IDLE_RUNS`, :data:`ASSUMPTIONS`); ``tests/unit/lambdas/test_handler_monitor_idle.py``
checks :data:`IDLE_RUNS` against the real monitor handler.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from labelchain_fn.adapters.job_progress import ACTIVE_INDEX
from labelchain_fn.core.metrics import ACTIVE_JOBS, NOTIFICATIONS_FAILED, STALLED_JOBS

#: Billed duration of one scheduled run unless the caller says otherwise (init included).
DEFAULT_DURATION_SECONDS = Decimal(1)
#: Storage horizon for a log group that never expires (no ``RetentionInDays``): the size after a year.
NEVER_EXPIRES_DAYS = 365
#: An empty Query of a GSI still reads one (rounded-up) 4 KB unit; GSI reads are eventually consistent.
EMPTY_INDEX_QUERY_RRU = Decimal("0.5")


@dataclass(frozen=True)
class IdleRun:
    """What one scheduled run of a handler does when no job is active.

    metrics : names of the pipeline-wide metrics it emits (dimension ``service`` only) on every run.
    output_bytes : bytes it prints per run (log lines and EMF documents); Lambda's own lines come on top
        (:data:`LAMBDA_LOG_BYTES_PER_RUN`).
    index_queries : global secondary indexes of its table it queries once per run (default: none).
    """

    metrics: tuple[str, ...]
    output_bytes: int
    index_queries: tuple[str, ...] = ()

    @property
    def log_bytes(self) -> int:
        """Bytes ingested per run: the handler's output plus Lambda's lines."""
        return self.output_bytes + LAMBDA_LOG_BYTES_PER_RUN


#: START, END and REPORT lines (REPORT with Init Duration and the XRAY trace line: ~450 B), plus the
#: 26 B CloudWatch Logs counts per event for the six events of a run, rounded up.
LAMBDA_LOG_BYTES_PER_RUN = 700
MONITOR_HANDLER = "labelchain_fn.handlers.monitor.handler"
#: Idle behaviour per scheduled handler (the function's ``Handler`` property); a scheduled handler missing
#: here is an error, not a zero row.
IDLE_RUNS: dict[str, IdleRun] = {
    MONITOR_HANDLER: IdleRun(
        metrics=(NOTIFICATIONS_FAILED, ACTIVE_JOBS, STALLED_JOBS),
        # Measured offline (test_handler_monitor_idle.py): 856 B, two EMF documents and the "monitor run"
        # line; in Lambda that line also carries the X-Ray trace ID and longer names. Rounded up.
        output_bytes=1_300,
        index_queries=(ACTIVE_INDEX,),
    )
}
#: Printed under the table; ``{duration}`` is filled in with the billed seconds per run.
ASSUMPTIONS = (
    "A month is 730 hours; list prices, no Savings Plans; tiers and free tiers are per account.",
    "Each scheduled run is billed {duration} s (init included: Lambda bills INIT for managed runtimes).",
    "Every run is traced: the default X-Ray sampling rule records the first request each second.",
    "Log storage is the steady state under the log group's retention, uncompressed (an upper bound).",
    "An empty query of an index reads 0.5 RRU; the table, buckets and topic are empty and unused.",
    "The 'with free tier' column applies the always-free allowances (e.g. the first 3 dashboards, 10 "
    "alarms and 10 custom metrics of the account), as if nothing else in the account used them.",
)

"""Observe one labeling job: from ``DescribeLabelingJob`` (live counters) or from the job record and the
monitor's snapshots (no SageMaker permission needed)."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import asdict, dataclass
from typing import Any

from botocore.exceptions import ClientError
from labelchain_fn.adapters.job_store import TERMINAL_STATUSES
from labelchain_fn.core.errors import JobRecordNotFound
from labelchain_fn.core.figures import COUNTER_NAMES
from labelchain_fn.core.records import from_dynamo

from .aws import Aws
from .chain_records import ChainRecords
from .errors import CommandFailed, aws_error_line
from .rows import camel_case

TERMINAL = ("Completed", "Failed", "Stopped")
#: ``LabelingJobStatus`` of each record status (a PENDING job is not created in Ground Truth yet).
_RECORD_STATUS = {
    "PENDING": "Pending",
    "IN_PROGRESS": "InProgress",
    "COMPLETED": "Completed",
    "FAILED": "Failed",
    "STOPPED": "Stopped",
}
_NOT_FOUND = ("ResourceNotFound", "ValidationException")
_JSON_NAMES = {
    "status": "labelingJobStatus",
    "human": "humanLabeled",
    "machine": "machineLabeled",
    "labeled": "totalLabeled",
    "objects": "objectCount",
}


@dataclass(frozen=True)
class Observation:
    """One look at a job: Ground Truth status, counters, object count and failure reason (if any).

    ``recorded`` is false while Ground Truth has ended the job but the pipeline has not recorded it yet
    (RecordJob moves the chain head, which the next job's warm start reads).
    """

    labeling_job_name: str
    status: str
    human: int
    machine: int
    labeled: int
    objects: int
    failure_reason: str | None
    source: str
    recorded: bool = True

    @property
    def terminal(self) -> bool:
        """The job ended and the pipeline is done with it."""
        return self.status in TERMINAL and self.recorded

    def to_dict(self) -> dict[str, Any]:
        """camelCase JSON in the API's words: ``labelingJobName``, ``labelingJobStatus``, ``humanLabeled``,
        ``machineLabeled``, ``totalLabeled``, ``objectCount``, ``failureReason``, ``source``, ``recorded``."""
        return camel_case(asdict(self), _JSON_NAMES)


def _cause_text(cause: str | None) -> str | None:
    """A Lambda error's message out of its JSON cause (which also carries the stack trace)."""
    try:
        parsed = json.loads(cause or "")
    except ValueError:
        return cause
    return str(parsed.get("errorMessage", cause)) if isinstance(parsed, dict) else cause


def _observation(
    name: str,
    status: str,
    counters: Mapping[str, Any],
    objects: int,
    reason: str | None,
    source: str,
    recorded: bool = True,
) -> Observation:
    values = {key: int(counters.get(key) or 0) for key in COUNTER_NAMES}
    # Without a record, the job size is every object Ground Truth has seen, labeled or not.
    total = objects or values["TotalLabeled"] + values["FailedNonRetryableError"] + values["Unlabeled"]
    return Observation(
        name,
        status,
        values["HumanLabeled"],
        values["MachineLabeled"],
        values["TotalLabeled"],
        total,
        reason,
        source,
        recorded,
    )


class JobWatcher:
    """Resolve and observe jobs.

    Parameters
    ----------
    aws : the CLI's clients and resources.
    from_record : default ``False``; read only the job record and snapshots, never DescribeLabelingJob.
    """

    def __init__(self, aws: Aws, *, from_record: bool = False) -> None:
        self.aws = aws
        self.records = ChainRecords(aws.store())
        self.from_record = from_record

    def job_of_execution(self, execution_arn: str, role: str) -> str | None:
        """The job name the execution prepared for ``role``; ``None`` while Prepare has not run.

        Raises
        ------
        CommandFailed
            When the execution ended without preparing a job of that role (failed, or a duplicate upload).
        """
        for item in self.records.jobs_of_execution(execution_arn):
            if item.get("role", "main") == role:
                return str(item["labelingJobName"])
        execution = self.aws.client("stepfunctions").describe_execution(executionArn=execution_arn)
        if execution["status"] == "RUNNING":
            return None
        detail = ": ".join(s for s in (execution.get("error"), _cause_text(execution.get("cause"))) if s)
        raise CommandFailed(
            f"execution {execution['status']} without a {role} job" + (f" ({detail})" if detail else "")
        )

    def _recorded(self, name: str) -> bool:
        """Whether the pipeline is done with an ended job: its record is terminal, or nothing will record it
        (no record, or its execution is no longer running)."""
        item = self.aws.store().get_job(name)
        if item is None or item.get("status") in TERMINAL_STATUSES or not item.get("executionArn"):
            return True
        try:
            execution = self.aws.client("stepfunctions").describe_execution(executionArn=item["executionArn"])
        except ClientError as err:
            if err.response.get("Error", {}).get("Code") == "ExecutionDoesNotExist":
                return True
            raise
        return execution["status"] != "RUNNING"

    def observe(self, name: str) -> Observation:
        """The job's current state.

        Raises
        ------
        JobRecordNotFound
            When the table has no record of the job and Ground Truth does not know it either (or was not
            asked: ``from_record``).
        """
        item = self.aws.store().get_job(name)
        objects = int(item.get("objectCount") or 0) if item else 0
        if not self.from_record and not (item and item.get("status") == "PENDING"):
            try:
                description = self.aws.client("sagemaker").describe_labeling_job(LabelingJobName=name)
            except ClientError as err:
                if err.response.get("Error", {}).get("Code") not in _NOT_FOUND:
                    raise
                if item is None:
                    answer = aws_error_line("DescribeLabelingJob", err)
                    raise JobRecordNotFound(
                        f"labeling job {name!r} not found: {answer}, and the jobs table has no record of it"
                    ) from err
            else:
                status = str(description["LabelingJobStatus"])
                return _observation(
                    name,
                    status,
                    description.get("LabelCounters") or {},
                    objects,
                    description.get("FailureReason"),
                    "DescribeLabelingJob",
                    recorded=status not in TERMINAL or self._recorded(name),
                )
        if item is None:
            raise JobRecordNotFound(f"no record of labeling job {name!r} in the jobs table")
        job = from_dynamo(item)
        counters = job.get("counters")
        if not counters:
            snapshot = self.aws.store().last_snapshot(name)
            counters = from_dynamo(snapshot).get("counters") if snapshot else {}
        reason = job.get("failureReason") or job.get("cause")
        status = _RECORD_STATUS.get(str(job.get("status")), str(job.get("status")))
        return _observation(name, status, counters or {}, objects, reason, "record")

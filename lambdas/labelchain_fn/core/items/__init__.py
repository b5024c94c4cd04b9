"""Typed records of the jobs table (docs/design.md, "DynamoDB"): one frozen dataclass per item kind, each
with ``to_item()`` and ``from_item(item)``. Every stored attribute name is spelled once, in its field."""

from .base import Record, attr, to_decimal
from .chain import ChainHead, ModelRecord
from .job import Cost, JobRecord, JobSummary, WarmStartItem, counters_of
from .outcomes import ComparisonRecord, FailureRecord
from .progress import Snapshot, UploadRecord

__all__ = [
    "ChainHead",
    "ComparisonRecord",
    "Cost",
    "FailureRecord",
    "JobRecord",
    "JobSummary",
    "ModelRecord",
    "Record",
    "Snapshot",
    "UploadRecord",
    "WarmStartItem",
    "attr",
    "counters_of",
    "to_decimal",
]

# ruff: noqa: RUF009  (attr() returns a dataclasses.field, made once per class)
"""The chain head (``CHAIN#<chain>``/``HEAD``: sequence counter and latest model) and the MODEL item of
each model the pipeline produced (``MODEL#<arn>``/``MODEL``)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import Any, ClassVar

from ..record_keys import chain_head_key, model_key
from .base import Record, attr
from .job import JobRecord

CHAIN_PREFIX = chain_head_key("")["pk"]


@dataclass(frozen=True, kw_only=True)
class ChainHead(Record):
    """The head of a chain: the last sequence number reserved and the job whose model ``latest`` uses.

    ``chain`` is the key, not an attribute: :meth:`from_item` reads it back from ``pk``.
    """

    HEAD_SEQUENCE: ClassVar[str] = "headSequence"
    HEAD_JOB_NAME: ClassVar[str] = "headJobName"
    HEAD_MODEL_ARN: ClassVar[str] = "headModelArn"
    LAST_SEQUENCE: ClassVar[str] = "lastSequence"

    chain: str = ""
    last_sequence: int | None = attr(LAST_SEQUENCE, int)
    head_sequence: int | None = attr(HEAD_SEQUENCE, int)
    head_job_name: str | None = attr(HEAD_JOB_NAME)
    head_model_arn: str | None = attr(HEAD_MODEL_ARN)
    updated_at: str | None = attr(JobRecord.name("updated_at"))

    def key(self) -> dict[str, str]:
        return chain_head_key(self.chain)

    @classmethod
    def from_item(cls, item: Mapping[str, Any]) -> ChainHead:
        head = super().from_item(item)
        return replace(head, chain=str(item.get("pk", "")).removeprefix(CHAIN_PREFIX))


@dataclass(frozen=True, kw_only=True)
class ModelRecord(Record):
    """MODEL item: who made the model, for which task type and labels (checked by warm start)."""

    arn: str = ""  # in the key only
    chain: str | None = attr(JobRecord.name("chain"))
    task_type: str | None = attr(JobRecord.name("task_type"))
    labeling_job_name: str | None = attr(JobRecord.name("labeling_job_name"))
    sequence: int | None = attr(JobRecord.name("sequence"), int)
    labels: list[str] | None = attr(JobRecord.name("labels"), list)

    def key(self) -> dict[str, str]:
        return model_key(self.arn)

    @classmethod
    def from_item(cls, item: Mapping[str, Any]) -> ModelRecord:
        return replace(super().from_item(item), arn=str(item.get("pk", "")).removeprefix(model_key("")["pk"]))

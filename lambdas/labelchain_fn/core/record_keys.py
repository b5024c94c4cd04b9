"""Keys of the DynamoDB items (docs/design.md: one table, ``pk``/``sk``, prefixed by item kind) and the
conversion of attribute values between DynamoDB (Decimal) and JSON (int/float)."""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

#: ``activePk`` of a job record the reconciler must still look at (the sparse ``active`` index): set when
#: Prepare writes the record, removed only once Ground Truth's own status for the job is recorded.
ACTIVE = "ACTIVE"


def chain_head_key(chain: str) -> dict[str, str]:
    """Key of a chain's head item (sequence counter and latest model)."""
    return {"pk": f"CHAIN#{chain}", "sk": "HEAD"}


def job_key(name: str) -> dict[str, str]:
    """Key of the JOB item of labeling job ``name``."""
    return {"pk": f"JOB#{name}", "sk": "JOB"}


def upload_key(bucket: str, key: str, identity: str) -> dict[str, str]:
    """Key of the upload (dedup) item; ``identity`` is the version ID or ETag (``BatchRequest.identity``)."""
    digest = hashlib.sha256(f"{bucket}/{key}/{identity}".encode()).hexdigest()
    return {"pk": f"UPLOAD#{digest}", "sk": "UPLOAD"}


def snapshot_key(name: str, at: str) -> dict[str, str]:
    """Key of a progress snapshot of job ``name`` taken at ISO time ``at``."""
    return {"pk": f"JOB#{name}", "sk": f"SNAP#{at}"}


def model_key(arn: str) -> dict[str, str]:
    """Key of the MODEL item of a model the pipeline produced."""
    return {"pk": f"MODEL#{arn}", "sk": "MODEL"}


def comparison_key(main_job_name: str) -> dict[str, str]:
    """Key of the warm-vs-control comparison, stored next to the main job."""
    return {"pk": f"JOB#{main_job_name}", "sk": "COMPARISON"}


def failure_key(execution_name: str) -> dict[str, str]:
    """Key of the failure item of one execution."""
    return {"pk": f"FAILURE#{execution_name}", "sk": "FAILURE"}


def to_dynamo(value: Any) -> Any:
    """Replace floats by Decimals, recursively (boto3's DynamoDB serializer refuses floats)."""
    if isinstance(value, float):
        return Decimal(str(value))
    if isinstance(value, Mapping):
        return {key: to_dynamo(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [to_dynamo(item) for item in value]
    return value


def from_dynamo(value: Any) -> Any:
    """Replace Decimals by ints (integral values) or floats, recursively, for JSON outputs."""
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    if isinstance(value, Mapping):
        return {key: from_dynamo(item) for key, item in value.items()}
    if isinstance(value, list | tuple | set):
        return [from_dynamo(item) for item in value]
    return value

"""Deterministic labeling-job names.

A job name is derived from the chain, the sequence number and a hash of the uploaded object, so a
redelivered upload event yields the same name and collides (``ResourceInUse``) instead of creating a
second paid job. Names are lower-case because Ground Truth treats them case-insensitively and IAM scopes
them by a lower-case prefix.
"""

from __future__ import annotations

import hashlib

from .errors import InputInvalid, LabelingJobRequestInvalid
from .limits import JOB_NAME_MAX_LENGTH, NAME_PATTERN

ROLES = ("main", "control")
_ARN_MARKER = "labeling-job/"


def batch_hash(bucket: str, key: str, version: str) -> str:
    """Short, stable fingerprint of one uploaded manifest version.

    Parameters
    ----------
    bucket, key : where the manifest was uploaded.
    version : the object's version ID, else its ETag, else ``""`` (see ``BatchRequest.identity``).

    Returns
    -------
    str
        The first 8 hex characters of ``sha256("<bucket>/<key>/<version>")``.
    """
    return hashlib.sha256(f"{bucket}/{key}/{version}".encode()).hexdigest()[:8]


def is_valid_name(name: str, max_len: int = JOB_NAME_MAX_LENGTH) -> bool:
    """Whether ``name`` follows the SageMaker name pattern and is at most ``max_len`` (default: the
    ``LabelingJobName`` limit) long."""
    return isinstance(name, str) and 0 < len(name) <= max_len and NAME_PATTERN.fullmatch(name) is not None


def labeling_job_name(prefix: str, chain: str, sequence: int, batch_hash: str, role: str = "main") -> str:
    """Build the job name ``<prefix>-<chain>-<sequence:04d>[c]-<batch_hash>``, lower-cased.

    Parameters
    ----------
    prefix : the deployment's job-name prefix (``jobNamePrefix``, e.g. ``lc``).
    chain : chain name; truncated from the right when the whole name would exceed ``JOB_NAME_MAX_LENGTH`` (the
        sequence and hash are never truncated: they make the name unique).
    sequence : the job's sequence number in its chain (>= 0); printed with at least 4 digits.
    batch_hash : see :func:`batch_hash`.
    role : ``"main"`` (default) or ``"control"``; the control job of a comparison gets a ``c`` after the
        sequence so both jobs of one upload have distinct names.

    Raises
    ------
    LabelingJobRequestInvalid
        When the role or sequence is wrong or no valid name can be built.
    """
    problems = []
    if role not in ROLES:
        problems.append(f"role: expected one of {', '.join(ROLES)}; received {role!r}")
    if isinstance(sequence, bool) or not isinstance(sequence, int) or sequence < 0:
        problems.append(f"sequence: expected an integer >= 0; received {sequence!r}")
    if problems:
        raise LabelingJobRequestInvalid("; ".join(problems))
    tail = f"-{sequence:04d}{'c' if role == 'control' else ''}-{batch_hash}".lower()
    head = f"{prefix}-".lower()
    room = JOB_NAME_MAX_LENGTH - len(head) - len(tail)
    # A chain cut in the middle of a "--" run would leave a trailing hyphen before the sequence's own
    # hyphen; that is still valid, but stripping it keeps names readable.
    chain_part = chain.lower()[: max(room, 0)].rstrip("-")
    name = f"{head}{chain_part}{tail}"
    if not chain_part or not is_valid_name(name):
        raise LabelingJobRequestInvalid(
            f"LabelingJobName: expected 1-{JOB_NAME_MAX_LENGTH} letters, digits and hyphens "
            f"(no leading/trailing hyphen) from prefix {prefix!r}, chain {chain!r}, hash {batch_hash!r}; "
            f"received {name!r}"
        )
    return name


def job_name_from_arn(arn: str) -> str:
    """The labeling-job name of a ``arn:aws:sagemaker:<region>:<account>:labeling-job/<name>`` ARN.

    Raises
    ------
    InputInvalid
        When ``arn`` is not a labeling-job ARN.
    """
    if not isinstance(arn, str) or _ARN_MARKER not in arn or not arn.split(_ARN_MARKER, 1)[1]:
        raise InputInvalid(f"expected a labeling-job ARN; received {arn!r}")
    return arn.split(_ARN_MARKER, 1)[1]

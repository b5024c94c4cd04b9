"""Warm start in one place: what a job may start from, how that is decided, and when the chain head moves.

* :mod:`.policy` — the policies (``latest``, ``none``, a model ARN, a job name) and the decision's shape;
* :mod:`.decide` — the decision from what Prepare looked up (``handlers/prepare_steps.find_warm_start``
  asks the store and SageMaker for exactly the inputs :func:`resolve_warm_start` names), with the
  compatibility of a model with the chain's current task type and labels;
* :mod:`.head` — the head rule: which job's model the next ``latest`` uses (settling a job applies it).
"""

from .decide import resolve_warm_start
from .head import feeds_head, head_of
from .policy import MODEL_ARN, POLICIES, WarmStart, classify_policy

__all__ = [
    "MODEL_ARN",
    "POLICIES",
    "WarmStart",
    "classify_policy",
    "feeds_head",
    "head_of",
    "resolve_warm_start",
]

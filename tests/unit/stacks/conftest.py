"""Session-scoped synths: one per stack configuration (each later synth costs ~0.1 s, the first ~1 s)."""

from __future__ import annotations

import pytest
from stack_synth import Synth, default_context, kms_context, synth


@pytest.fixture(scope="session")
def default_synth() -> Synth:
    """The stack of the ``cdk.json`` configuration (S3-managed encryption, no extra buckets)."""
    return synth(default_context())


@pytest.fixture(scope="session")
def kms_synth() -> Synth:
    """The stack with a configured KMS key, an allowed source bucket, an e-mail and a control chain."""
    return synth(kms_context())

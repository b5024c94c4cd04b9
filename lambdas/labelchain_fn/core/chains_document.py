"""The chains as the stack writes them to SSM and the Lambdas read them back, and the digest of that text.

One module for both directions, so the writer (``stacks/chain_settings.py``), the function environments
(``CHAINS_DIGEST``) and the reader (``adapters.settings.load_chains``) cannot disagree on the format.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping

from .config import ChainConfig, chain_from_dict

#: Hex digits of the SHA-256 kept in ``CHAINS_DIGEST`` (64 bits: enough to tell deployments apart).
DIGEST_LENGTH = 16


def chains_document(chains: Mapping[str, ChainConfig]) -> str:
    """``{"chains": {name: ChainConfig.to_dict()}}`` as compact JSON with sorted keys (a stable template)."""
    return json.dumps(
        {"chains": {name: chain.to_dict() for name, chain in chains.items()}},
        separators=(",", ":"),
        sort_keys=True,
    )


def chains_digest(document: str) -> str:
    """The first :data:`DIGEST_LENGTH` hex digits of the SHA-256 of ``document`` (UTF-8)."""
    return hashlib.sha256(document.encode("utf-8")).hexdigest()[:DIGEST_LENGTH]


def parse_chains_document(document: str) -> dict[str, ChainConfig]:
    """The chains of a document written by :func:`chains_document` (trusted: validated at synth)."""
    return {name: chain_from_dict(raw) for name, raw in json.loads(document)["chains"].items()}

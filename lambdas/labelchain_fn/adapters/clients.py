"""boto3 clients built lazily, once per container.

Nothing is created at import time, so tests (and the local sandbox) decide the endpoint and credentials
before the first call. boto3 honours ``AWS_ENDPOINT_URL`` / ``AWS_ENDPOINT_URL_<SERVICE>`` by itself, so
the same code reaches AWS, moto in-process or the moto server.
"""

from __future__ import annotations

import functools
from typing import Any

import boto3
from botocore.config import Config

#: Standard retry mode: exponential backoff with jitter on throttling and transient errors.
RETRY_CONFIG = Config(retries={"mode": "standard", "max_attempts": 5}, connect_timeout=5, read_timeout=60)


@functools.cache
def _session() -> boto3.session.Session:
    # One session per container: each new Session reloads botocore's endpoint and defaults data
    # (~50 ms per client on a cold start, measured by bench/).
    return boto3.session.Session()


@functools.cache
def client(service_name: str) -> Any:
    """The shared client of ``service_name`` (e.g. ``"s3"``), created on first use.

    Parameters
    ----------
    service_name : boto3 service name.

    Returns
    -------
    A boto3 client using :data:`RETRY_CONFIG` and the region of the environment (``AWS_REGION`` in Lambda).
    """
    return _session().client(service_name, config=RETRY_CONFIG)


def reset() -> None:
    """Forget every cached client and the session (tests that change the environment call this)."""
    client.cache_clear()
    _session.cache_clear()

"""What ``labelchain start`` checks before it starts anything.

Prepare, the workflow's first state, refuses an unknown chain, a manifest in a bucket the pipeline may not
read, and a manifest that does not exist, in that order. The same checks run here first and raise the same
named errors (``UnknownChain``, ``SourceBucketNotAllowed``, ``ManifestNotFound``), so the operator gets a
one-line usage error (exit 2) at once instead of a failed execution later.

Each check needs something the operator may not be able to read; a check that cannot be made is skipped
with a ``--verbose`` note, and Prepare still makes it:

- the chains: the SSM parameter named by stack output ``ChainsParameterName`` (as for ``prepare --upload``);
- the allowed buckets: the input bucket, plus ``allowedSourceBuckets``, which the stack hands only to the
  Prepare function (its ``ALLOWED_SOURCE_BUCKETS`` variable), so it is read from the stack's template
  (``cloudformation:GetTemplate``), and only when the manifest is not in the input bucket;
- the manifest: ``HeadObject`` (a 403 means the operator may not read it, not that it is missing).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from botocore.exceptions import ClientError
from labelchain_fn.adapters.objects import Objects
from labelchain_fn.adapters.settings import ALLOWED_SOURCE_BUCKETS
from labelchain_fn.core.errors import SourceBucketNotAllowed
from labelchain_fn.core.inputs import parse_s3_uri

from .aws import Aws
from .errors import AwsResourceError, aws_error_line
from .output import note

_FORBIDDEN = ("403", "AccessDenied", "Forbidden")


def _mapping(value: Any, key: str) -> Mapping[str, Any]:
    found = value.get(key) if isinstance(value, Mapping) else None
    return found if isinstance(found, Mapping) else {}


def template_allowed_buckets(template: Any) -> frozenset[str] | None:
    """``allowedSourceBuckets`` as deployed: the ``ALLOWED_SOURCE_BUCKETS`` variable of the function that
    declares it in stack template ``template`` (botocore parses a JSON template into a dict); ``None`` when
    no function sets it to plain text (not this pipeline's template, or a YAML one)."""
    for resource in _mapping(template, "Resources").values():
        variables = _mapping(_mapping(_mapping(resource, "Properties"), "Environment"), "Variables")
        value = variables.get(ALLOWED_SOURCE_BUCKETS)
        if isinstance(value, str):
            # Split as the Prepare function's settings do (labelchain_fn.adapters.settings).
            return frozenset(bucket.strip() for bucket in value.split(",") if bucket.strip())
    return None


def deployed_allowed_buckets(aws: Aws) -> frozenset[str] | None:
    """The deployment's ``allowedSourceBuckets``, read from the stack's template; ``None`` (with a note)
    when the template cannot be read or does not say."""
    stack = aws.options.stack_name
    try:
        template = aws.client("cloudformation").get_template(StackName=stack)["TemplateBody"]
    except ClientError as err:
        note(f"allowedSourceBuckets unknown: {aws_error_line('GetTemplate failed', err)}")
        return None
    buckets = template_allowed_buckets(template)
    if buckets is None:
        note(f"allowedSourceBuckets unknown: no function of stack {stack!r} sets {ALLOWED_SOURCE_BUCKETS}")
    return buckets


def check_manifest_bucket(aws: Aws, bucket: str) -> None:
    """Refuse a manifest bucket Prepare would refuse: neither the input bucket nor an allowed source bucket.

    Raises
    ------
    SourceBucketNotAllowed
        When the allowed buckets are known and ``bucket`` is not one of them.
    """
    try:
        input_bucket = aws.input_bucket
    except AwsResourceError as err:
        note(f"manifest bucket not checked: {err.format_message()}")
        return
    if bucket == input_bucket:
        return
    extra = deployed_allowed_buckets(aws)
    if extra is None:
        note(f"manifest bucket {bucket!r} not checked: only the input bucket {input_bucket!r} is known")
        return
    allowed = {input_bucket, *extra}
    if bucket not in allowed:
        raise SourceBucketNotAllowed(
            f"manifest bucket {bucket!r} is not allowed ({', '.join(sorted(allowed))}); copy the manifest "
            f"to s3://{input_bucket}/ or add its bucket to allowedSourceBuckets"
        )


def check_manifest_exists(aws: Aws, bucket: str, key: str) -> None:
    """Refuse a manifest object that does not exist, as Prepare does (the pipeline's own ``HeadObject``).

    Raises
    ------
    ManifestNotFound
        When S3 answers that the object (or its bucket) does not exist.
    """
    try:
        Objects(aws.client("s3")).head(bucket, key)
    except ClientError as err:
        if str(err.response.get("Error", {}).get("Code")) not in _FORBIDDEN:
            raise
        note(f"s3://{bucket}/{key} not checked: {aws_error_line('HeadObject failed', err)}")


def check_start(aws: Aws, chain: str, manifest: str) -> None:
    """Every check of the module docstring, in Prepare's order, before anything is started.

    Raises
    ------
    InputInvalid, UnknownChain, SourceBucketNotAllowed, ManifestNotFound
    """
    aws.check_chain(chain)
    bucket, key = parse_s3_uri(manifest)
    check_manifest_bucket(aws, bucket)
    check_manifest_exists(aws, bucket, key)

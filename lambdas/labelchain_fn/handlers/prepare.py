"""Prepare (first state): validate the uploaded manifest and write the job item(s) of the batch.

Everything that can be wrong with the input is checked before the upload is claimed, so a failed attempt
(bad manifest, unknown warm-start job) can be retried with a corrected console input. After the claim the
steps are idempotent for the same execution (Step Functions retries Prepare), the sequence number is
reserved together with the claim (gap-free), and a failure before any labeling job exists releases the
claim. A second execution for the same upload is decided by :mod:`~labelchain_fn.handlers.upload_claims`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from typing import Any

from labelchain_fn.adapters.callbacks import Callbacks
from labelchain_fn.adapters.job_store import JobStore
from labelchain_fn.adapters.job_uploads import CLAIMED, PREPARED
from labelchain_fn.adapters.labeling import LabelingJobs
from labelchain_fn.adapters.objects import Objects, spool
from labelchain_fn.adapters.settings import Settings
from labelchain_fn.core.config import ChainConfig
from labelchain_fn.core.errors import SourceBucketNotAllowed
from labelchain_fn.core.inputs import parse_execution_input
from labelchain_fn.core.items import UploadRecord
from labelchain_fn.core.limits import MIN_AUTO_LABELING_OBJECTS
from labelchain_fn.core.manifest import MAX_MANIFEST_BYTES, ManifestRules, ManifestValidator
from labelchain_fn.core.naming import batch_hash, labeling_job_name
from labelchain_fn.functions import FUNCTIONS
from labelchain_fn.handlers.prepare_steps import (
    configured_chain,
    find_warm_start,
    job_items,
    write_artifacts,
    write_job_items,
)
from labelchain_fn.handlers.shared import CHAIN_DIMENSION, account_of, expires_at, logger, metrics
from labelchain_fn.handlers.upload_claims import claim_batch
from labelchain_fn.handlers.wiring import Wiring, entry_point

REQUIRED = FUNCTIONS["prepare"].required  # labelchain_fn.functions declares it


def prepare(
    event: Mapping[str, Any],
    *,
    settings: Settings,
    chains: Mapping[str, ChainConfig],
    store: JobStore,
    objects: Objects,
    labeling: LabelingJobs,
    callbacks: Callbacks,
    now: str,
    account: str | None,
) -> dict[str, Any]:
    """Run Prepare for ``{"input", "executionArn", "executionName"}``; returns the ``$.prepared`` output.

    Raises
    ------
    InputInvalid, UnknownChain, ManifestNotFound, ManifestInvalid, ManifestTooSmall, ManifestTooLarge,
    SourceBucketNotAllowed, BatchAlreadyProcessed,
    WarmStartJobNotFound, WarmStartModelInvalid, WarmStartModelIncompatible, LabelingJobRequestInvalid,
    LabelingJobNameConflict
    """
    execution_arn = str(event["executionArn"])
    batch = parse_execution_input(event.get("input"))  # type: ignore[arg-type]
    chain = configured_chain(batch.chain, chains)
    allowed = frozenset({settings.input_bucket, *settings.allowed_source_buckets})
    if batch.bucket not in allowed:
        raise SourceBucketNotAllowed(
            f"manifest bucket {batch.bucket!r} is not allowed ({', '.join(sorted(allowed))})"
        )
    spelling = None
    if len(batch.key_spellings) > 1:  # an event's key, which may or may not be form-encoded
        key = objects.locate(batch.bucket, batch.key_spellings, batch.version_id, batch.etag)
        spelling = "as-delivered" if key == batch.key_spellings[0] else "form-decoded"
        batch = replace(batch, key=key, key_spellings=(key,))
    version_id, etag = batch.version_id, batch.etag
    if not batch.identity:  # console input: pin the version read now, so the batch hash names it
        head = objects.head(batch.bucket, batch.key)
        version_id, etag = head["versionId"], head["etag"]
    identity = version_id or etag or ""
    rules = ManifestRules(
        source_key=chain.spec.source_key,
        allowed_buckets=allowed,
        min_objects=MIN_AUTO_LABELING_OBJECTS if chain.auto_labeling else 0,
        max_objects=chain.spec.max_input_objects,
        max_bytes=MAX_MANIFEST_BYTES,
    )
    validator = ManifestValidator(rules)
    lines = objects.iter_lines(batch.bucket, batch.key, version_id, rules.max_line_bytes, rules.max_bytes)
    with spool(validator.normalized_lines(lines)) as manifest:
        stats = validator.finish()
        warm = find_warm_start(
            batch.warm_start or chain.warm_start,
            chain=chain,
            store=store,
            labeling=labeling,
            region=settings.region,
            account=account,
        )
        control = batch.control if batch.control is not None else chain.control

        upload = UploadRecord(
            bucket=batch.bucket,
            key_name=batch.key,
            version_id=version_id,
            etag=etag,
            key_spelling=spelling,  # which spelling of the event's key named the object
            execution_arn=execution_arn,
            chain=chain.name,
            status=CLAIMED,
            created_at=now,
            expires_at=expires_at(now, settings.record_ttl_days),
        )
        upload_key, source = upload.key(), upload.source_manifest()
        digest = batch_hash(batch.bucket, batch.key, identity)
        outcome = claim_batch(
            upload.to_item(),
            store=store,
            callbacks=callbacks,
            job_name_prefix=settings.job_name_prefix,
            digest=digest,
        )
        claim = outcome.claim
        if not claim.owned:
            holder = UploadRecord.from_item(claim.item)
            logger.info("duplicate upload", extra={"claimedBy": holder.execution_arn, **source})
            return {
                "duplicate": True,
                "chain": chain.name,
                "sequence": holder.sequence or 0,
                "control": False,
                "jobs": {},
                "duplicateOf": holder.execution_arn,
            }
        try:
            sequence = store.reserve_upload_sequence(upload_key, chain.name, execution_arn)
            roles = ("main", "control") if control else ("main",)
            names = {
                role: labeling_job_name(settings.job_name_prefix, chain.name, sequence, digest, role)
                for role in roles
            }
            artifacts = write_artifacts(
                objects,
                bucket=settings.artifacts_bucket,
                chain=chain,
                labeling_job_name=names["main"],
                manifest=manifest,
            )
            items = job_items(
                chain=chain,
                settings=settings,
                names=names,
                sequence=sequence,
                warm=warm,
                artifacts=artifacts,
                source=source,
                object_count=stats.object_count,
                execution_arn=execution_arn,
                now=now,
            )
            write_job_items(items, store, execution_arn, outcome.taken_over_from)
            store.mark_upload(upload_key, PREPARED)
        except Exception as err:
            # Nothing was created yet: free the batch for a retry (this one, or another execution's).
            store.release_upload(upload_key, execution_arn, type(err).__name__, str(err))
            raise
    logger.info(
        "batch prepared", extra={"jobs": names, "objects": stats.object_count, "warmStart": warm.reason}
    )
    return {
        "duplicate": False,
        "chain": chain.name,
        "sequence": sequence,
        "control": control,
        "jobs": {role: {"labelingJobName": name} for role, name in names.items()},
        "objectCount": stats.object_count,
        "warmStart": warm.to_item(),
        "upload": upload_key,
        **({"takenOverFrom": outcome.taken_over_from} if outcome.taken_over_from else {}),
    }


@entry_point(log_event=True)
def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    """Lambda entry point ``labelchain_fn.handlers.prepare.handler``."""
    wiring = Wiring(REQUIRED)
    clients = wiring.using("chains", "store", "objects", "labeling", "callbacks", "now")
    result = prepare(event, settings=wiring.settings, account=account_of(context), **clients)
    metrics.add_dimension(name=CHAIN_DIMENSION, value=result["chain"])
    metrics.add_metric(
        name="DuplicateUploads" if result["duplicate"] else "BatchesPrepared", unit="Count", value=1
    )
    return result

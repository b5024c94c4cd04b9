"""Steps of Prepare that read or write outside the jobs table: the warm-start lookups and the artifacts
(normalised manifest, label-category file, worker UI template) every job of a batch points to."""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from labelchain_fn.adapters.job_store import JobStore
from labelchain_fn.adapters.labeling import LabelingJobs
from labelchain_fn.adapters.objects import Objects
from labelchain_fn.adapters.settings import Settings
from labelchain_fn.core import records
from labelchain_fn.core.config import ChainConfig
from labelchain_fn.core.errors import LabelingJobNameConflict, UnknownChain, WarmStartModelInvalid
from labelchain_fn.core.items import ChainHead, JobRecord
from labelchain_fn.core.requests import build_create_labeling_job_request, label_category_document
from labelchain_fn.core.warm_start import WarmStart, classify_policy, resolve_warm_start

TEMPLATES_DIR = Path(__file__).resolve().parent.parent / "templates"


@dataclass(frozen=True)
class Artifacts:
    """S3 URIs of what a batch's jobs read."""

    manifest_s3_uri: str
    label_category_s3_uri: str
    ui_template_s3_uri: str


def configured_chain(name: str, chains: Mapping[str, ChainConfig]) -> ChainConfig:
    """The configuration of chain ``name``; raises ``UnknownChain`` listing the configured chains."""
    chain = chains.get(name)
    if chain is None:
        configured = ", ".join(sorted(chains)) or "none"
        raise UnknownChain(f"chain {name!r} is not configured (configured: {configured})")
    return chain


def default_template(task_type: str) -> bytes:
    """The default worker UI template of ``task_type`` (``templates/<TaskType>.liquid.html``)."""
    return (TEMPLATES_DIR / f"{task_type}.liquid.html").read_bytes()


def _digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()[:16]


def write_artifacts(
    objects: Objects, *, bucket: str, chain: ChainConfig, labeling_job_name: str, manifest: IO[bytes]
) -> Artifacts:
    """Upload the normalised manifest and the chain's label file and UI template.

    The label file and template are content-addressed (``<sha>``), so every job of a chain shares the
    same label file as long as the labels do not change, and a retry rewrites identical objects.
    The chain's own ``ui_template_s3_uri``, when configured, is used instead of the default template.
    """
    manifest_uri = objects.upload_file(
        manifest, bucket, f"manifests/{chain.name}/{labeling_job_name}.manifest", "application/x-ndjson"
    )
    labels = label_category_document(chain.labels)
    label_uri = objects.put_bytes(
        bucket, f"label-categories/{chain.name}/{_digest(labels)}.json", labels, "application/json"
    )
    ui_uri = chain.ui_template_s3_uri
    if not ui_uri:
        template = default_template(chain.task_type.value)
        ui_uri = objects.put_bytes(
            bucket, f"ui-templates/{chain.name}/{_digest(template)}.html", template, "text/html"
        )
    return Artifacts(manifest_uri, label_uri, ui_uri)


def find_warm_start(
    policy: str,
    *,
    chain: ChainConfig,
    store: JobStore,
    labeling: LabelingJobs,
    region: str,
    account: str | None,
) -> WarmStart:
    """Look up what the policy needs (head, named job, model record) and resolve the warm start.

    The MODEL item looked up is that of the model the policy leads to (the head's model for ``latest``,
    the named job's final model, or the ARN given), so that the core can check it against the chain's
    current task type and labels: ``latest`` falls back to a cold start with the reason, an explicit
    policy fails (see :func:`labelchain_fn.core.warm_start.resolve_warm_start`).
    A model ARN the pipeline did not produce is checked with ``DescribeModel``: a deleted model would
    otherwise fail the labeling job only after it was created.

    Raises
    ------
    WarmStartJobNotFound, WarmStartModelInvalid, WarmStartModelIncompatible, InputInvalid
    """
    kind, value = classify_policy(policy)
    head = ChainHead()
    named_job: dict[str, Any] | None = None
    candidate: str | None = None
    if chain.auto_labeling and kind == "latest":
        head = ChainHead.from_item(store.get_head(chain.name) or {})
        candidate = head.head_model_arn
    elif chain.auto_labeling and kind == "job" and value:
        named_job = store.get_job(value)
        candidate = JobRecord.from_item(named_job).final_model_arn if named_job else None
    elif chain.auto_labeling and kind == "model":
        candidate = value
    model_record = store.get_model(candidate) if candidate else None
    warm = resolve_warm_start(
        policy,
        auto_labeling=chain.auto_labeling,
        chain=chain.name,
        task_type=chain.task_type,
        region=region,
        account=account,
        head_model_arn=head.head_model_arn,
        named_job=named_job,
        model_record=model_record,
        head_job_name=head.head_job_name,
        labels=chain.labels,
    )
    external = kind == "model" and model_record is None and warm.initial_model_arn
    if external and not labeling.model_exists(str(warm.initial_model_arn)):
        raise WarmStartModelInvalid(f"model {warm.initial_model_arn} does not exist")
    return warm


def job_items(
    *,
    chain: ChainConfig,
    settings: Settings,
    names: Mapping[str, str],
    sequence: int,
    warm: WarmStart,
    artifacts: Artifacts,
    source: Mapping[str, Any],
    object_count: int,
    execution_arn: str,
    now: str,
) -> list[dict[str, Any]]:
    """The PENDING job item of each role in ``names`` (``main``, and ``control`` when comparing).

    The control job reads the same manifest and files but never gets an initial model: it measures what
    the warm start saved.
    """
    items = []
    for role, name in names.items():
        cold = WarmStart("none", None, f"control job of {names['main']}: cold start")
        role_warm = warm if role == "main" else cold
        request = build_create_labeling_job_request(
            chain=chain,
            region=settings.region,
            labeling_job_name=name,
            manifest_s3_uri=artifacts.manifest_s3_uri,
            output_s3_uri=f"s3://{settings.output_bucket}/jobs/{chain.name}/",
            role_arn=settings.ground_truth_role_arn,
            label_category_s3_uri=artifacts.label_category_s3_uri,
            ui_template_s3_uri=artifacts.ui_template_s3_uri,
            initial_model_arn=role_warm.initial_model_arn,
            kms_key_arn=settings.kms_key_arn,
            tags={"labelchain:chain": chain.name, "labelchain:role": role},
        )
        items.append(
            records.new_job_item(
                chain=chain.name,
                sequence=sequence,
                role=role,
                labeling_job_name=name,
                request=request,
                manifest_s3_uri=artifacts.manifest_s3_uri,
                source=source,
                object_count=object_count,
                warm_start=role_warm,
                execution_arn=execution_arn,
                now=now,
                task_type=chain.task_type.value,
                labels=chain.labels,
            )
        )
    return items


def write_job_items(
    items: list[dict[str, Any]], store: JobStore, execution_arn: str, take_over_from: str | None = None
) -> None:
    """Write each job item once; an item already written by this execution (a retried Prepare) is kept,
    and one of ``take_over_from`` (default ``None``) whose labeling job was never created is replaced.

    Raises
    ------
    LabelingJobNameConflict
        When another execution recorded a job of the same name.
    """
    for item in items:
        if store.put_job(item, take_over_from):
            continue
        name = JobRecord.from_item(item).labeling_job_name
        existing = store.get_job(name)
        owner = JobRecord.from_item(existing).execution_arn if existing else None
        if owner != execution_arn:
            raise LabelingJobNameConflict(f"job {name} is already recorded by {owner}")

"""What happens once when a simulated job ends: output manifest, final model, state-change event."""

from __future__ import annotations

import hashlib
import json
import logging
import struct
import zlib
from datetime import timedelta

from moto.events.models import events_backends
from moto.s3.models import s3_backends
from moto.sagemaker.models import SageMakerModelBackend

from .config import config
from .inputs import split_s3_uri
from .output import manifest_line, manifest_uri, mask_uri, render_manifest
from .planner import Plan
from .state import GroundTruthState, LabelingJob, ModelLineage

LOG = logging.getLogger(__name__)
DETAIL_TYPE = "SageMaker Ground Truth Labeling Job State Change"


def _png_1x1() -> bytes:
    def chunk(tag: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + tag + data + struct.pack(">I", zlib.crc32(tag + data))

    header = struct.pack(">IIBBBBB", 1, 1, 8, 0, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(b"\x00\x00"))
        + chunk(b"IEND", b"")
    )


MASK_PNG = _png_1x1()


def _put(account_id: str, uri: str, body: bytes) -> None:
    bucket, key = split_s3_uri(uri)
    s3_backends[account_id]["aws"].put_object(bucket, key, body)


def write_output(job: LabelingJob, plan: Plan, account_id: str) -> str:
    """Write ``output.manifest`` (labeled objects, input order) and any masks; returns its URI."""
    cfg = config()
    out_path = job.request["OutputConfig"]["S3OutputPath"]
    labeled = {o.index: o for o in plan.outcomes if o.by in ("human", "machine")}
    algorithm = job.kind.algorithm if job.kind else "image-classification"
    output_type = job.kind.output_type if job.kind else "groundtruth/custom"
    lines = []
    for index, line in enumerate(job.lines):
        if index not in labeled:
            continue
        lines.append(
            manifest_line(
                line,
                labeled[index],
                algorithm=algorithm,
                output_type=output_type,
                label_attribute=job.request["LabelAttributeName"],
                labels=job.labels,
                job_name=job.name,
                s3_output_path=out_path,
                created=job.created,
                seed=cfg.seed,
            )
        )
        if algorithm == "semantic-segmentation":
            _put(account_id, mask_uri(out_path, job.name, index), MASK_PNG)
    uri = manifest_uri(out_path, job.name)
    _put(account_id, uri, render_manifest(lines))
    return uri


def register_model(
    backend: SageMakerModelBackend, state: GroundTruthState, job: LabelingJob, plan: Plan
) -> str | None:
    """Create the final active-learning model (with its lineage) if auto-labeling trained one."""
    training = plan.model_at(plan.end_hours)
    if training is None or job.kind is None or job.no_model or not job.auto_labeling:
        return None
    digest = hashlib.sha256(job.arn.encode()).hexdigest()[:8]
    name = f"{job.name.lower()[:40].rstrip('-')}-al-{digest}"
    region = backend.region_name
    registry = job.kind.algorithm_arn(region).split(":")[4]
    image = f"{registry}.dkr.ecr.{region}.amazonaws.com/{job.kind.algorithm}:1"
    out_path = job.request["OutputConfig"]["S3OutputPath"].rstrip("/")
    model_data = f"{out_path}/{job.name}/training/iteration-{training.iteration}/output/model.tar.gz"
    model = backend.create_model(
        model_name=name,
        execution_role_arn=job.request["RoleArn"],
        vpc_config=None,
        containers=None,
        primary_container={"Image": image, "ModelDataUrl": model_data},
        tags=None,
    )
    state.models[model.arn] = ModelLineage(
        job.kind.algorithm_arn(region), training.effective_labels, job.name
    )
    return str(model.arn)


def publish_state_change(job: LabelingJob, account_id: str, region: str) -> None:
    """Put the ``SageMaker Ground Truth Labeling Job State Change`` event on the default bus."""
    ended = job.created + timedelta(hours=job.ended_hours or 0.0)
    events_backends[account_id][region].put_events(
        [
            {
                "Source": "aws.sagemaker",
                "DetailType": DETAIL_TYPE,
                "Resources": [job.arn],
                "Detail": json.dumps({"LabelingJobStatus": job.status}),
                "Time": ended.timestamp(),
            }
        ]
    )


def finalize(
    backend: SageMakerModelBackend, state: GroundTruthState, job: LabelingJob, plan: Plan, ended_hours: float
) -> None:
    """Record the terminal status (caller holds ``job.lock``): output, model, then the event."""
    account, region = backend.account_id, backend.region_name
    job.status = plan.ending
    try:
        if plan.outcomes or plan.ending != "Failed":
            uri = write_output(job, plan, account)
            if plan.ending != "Failed":
                job.output = {"OutputDatasetS3Uri": uri}
                model_arn = register_model(backend, state, job, plan)
                if model_arn:
                    job.output["FinalActiveLearningModelArn"] = model_arn
    except Exception as error:  # e.g. the output bucket was deleted while the job ran
        LOG.exception("finalising %s failed", job.name)
        job.status, job.output = "Failed", None
        plan = plan.truncated(plan.end_hours, "Failed", f"ClientError: Unable to write the output: {error}")
    job.final_plan, job.ended_hours, job.finalized = plan, ended_hours, True
    if config().emit_events and not job.drop_event:
        try:
            publish_state_change(job, account, region)
        except Exception:  # best-effort delivery, as in AWS
            LOG.exception("publishing the state change of %s failed", job.name)

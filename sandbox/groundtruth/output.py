"""Output manifest lines in the Ground Truth layout (ground-truth.md §6), per task type (pure).

Each line is the input line plus ``<LAN>`` and ``<LAN>-metadata``. The label value and the extra metadata
depend on the task type: a class index plus ``class-name`` (image/text classification), boxes plus
``objects``/``class-map`` (bounding box), or the ``-ref`` URI of a PNG mask plus ``internal-color-map``
(semantic segmentation). Labels and boxes are drawn deterministically from the seed.
"""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from typing import Any

from .planner import Outcome, unit

_COLORS = ("#2ca02c", "#1f77b4", "#ff7f0e", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f")


def output_prefix(s3_output_path: str, job_name: str) -> str:
    """``<S3OutputPath>/<job>`` without a doubled slash."""
    return f"{s3_output_path.rstrip('/')}/{job_name}"


def manifest_uri(s3_output_path: str, job_name: str) -> str:
    """``LabelingJobOutput.OutputDatasetS3Uri``."""
    return f"{output_prefix(s3_output_path, job_name)}/manifests/output/output.manifest"


def mask_uri(s3_output_path: str, job_name: str, index: int) -> str:
    """Where the consolidated mask of object ``index`` is written (semantic segmentation)."""
    return f"{output_prefix(s3_output_path, job_name)}/annotations/consolidated-annotation/output/{index}.png"


def _label(
    algorithm: str, seed: int, source: str, labels: list[str], *, path: str, job: str, index: int
) -> tuple[Any, dict[str, Any]]:
    class_id = int(unit(seed, "class", source) * len(labels))
    if algorithm in ("image-classification", "text-classification"):
        return class_id, {"class-name": labels[class_id]}
    if algorithm == "object-detection":
        width, height = 640 + int(unit(seed, "w", source) * 640), 480 + int(unit(seed, "h", source) * 480)
        boxes = []
        for box in range(1 + int(unit(seed, "boxes", source) * 3)):
            left, top = (
                int(unit(seed, "l", source, box) * width / 2),
                int(unit(seed, "t", source, box) * height / 2),
            )
            size_w = 16 + int(unit(seed, "bw", source, box) * (width / 2 - 16))
            size_h = 16 + int(unit(seed, "bh", source, box) * (height / 2 - 16))
            box_class = int(unit(seed, "bc", source, box) * len(labels))
            boxes.append({"class_id": box_class, "left": left, "top": top, "width": size_w, "height": size_h})
        value = {"image_size": [{"width": width, "height": height, "depth": 3}], "annotations": boxes}
        return value, {"class-map": {str(i): name for i, name in enumerate(labels)}, "_boxes": len(boxes)}
    color_map = {"0": {"class-name": "BACKGROUND", "hex-color": "#ffffff"}}
    for i, name in enumerate(labels, start=1):
        color_map[str(i)] = {"class-name": name, "hex-color": _COLORS[(i - 1) % len(_COLORS)]}
    return mask_uri(path, job, index), {"internal-color-map": color_map}


def manifest_line(
    line: dict[str, Any],
    outcome: Outcome,
    *,
    algorithm: str,
    output_type: str,
    label_attribute: str,
    labels: list[str],
    job_name: str,
    s3_output_path: str,
    created: datetime,
    seed: int,
) -> dict[str, Any]:
    """The output line of one labeled object."""
    source = str(line.get("source-ref", line.get("source", "")))
    value, extra = _label(
        algorithm, seed, source, labels, path=s3_output_path, job=job_name, index=outcome.index
    )
    labeled_at = created + timedelta(hours=outcome.at_hours)
    metadata: dict[str, Any] = {}
    boxes = extra.pop("_boxes", None)
    if boxes is not None:
        metadata["objects"] = [{"confidence": outcome.confidence} for _ in range(boxes)]
    elif "internal-color-map" in extra:
        for entry in extra["internal-color-map"].values():
            entry["confidence"] = outcome.confidence
    else:
        metadata["confidence"] = outcome.confidence
    metadata.update(extra)
    metadata.update(
        {
            "type": output_type,
            "job-name": f"labeling-job/{job_name}",
            "human-annotated": "yes" if outcome.by == "human" else "no",
            "creation-date": labeled_at.replace(tzinfo=None).isoformat(timespec="microseconds"),
        }
    )
    return {**line, label_attribute: value, f"{label_attribute}-metadata": metadata}


def render_manifest(lines: list[dict[str, Any]]) -> bytes:
    """JSON Lines, one object per line, in input order."""
    return "".join(json.dumps(line, separators=(",", ":")) + "\n" for line in lines).encode()

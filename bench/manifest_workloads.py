"""Generated manifests and the workloads of the manifest benchmark, each run in a fresh process.

``python -m bench.manifest_workloads WORKLOAD PATH LINES`` prints one JSON object: CPU and wall seconds of
the best pass, RSS growth of the first pass, and the peak of Python allocations of a second pass under
``tracemalloc`` (the ``steps`` workload prints the CPU seconds of each step of the validator instead).
"""

from __future__ import annotations

import hashlib
import json
import resource
import sys
import time
import tracemalloc
from collections import deque
from collections.abc import Callable
from pathlib import Path

from labelchain_fn.core.inputs import S3_URI
from labelchain_fn.core.manifest import ManifestRules, ManifestValidator, count_output_manifest

BUCKET = "bench-bucket"
LAN = "category"
_OUTPUT_LINE = (
    '{{"source-ref":"s3://{b}/images/img-{i:07d}.jpg","category":{{"image_size":[{{"width":640,'
    '"height":480,"depth":3}}],"annotations":[{{"class_id":0,"left":{l},"top":20,"width":100,"height":80}}]}},'
    '"category-metadata":{{"objects":[{{"confidence":0.93}}],"class-map":{{"0":"Bird"}},'
    '"type":"groundtruth/object-detection","human-annotated":"{h}","creation-date":'
    '"2026-01-01T00:00:00.000000","job-name":"labeling-job/lc-birds-0001-abcdef12"}}}}\n'
)


def write_files(directory: Path, lines: int) -> tuple[Path, Path]:
    """Write an input and an output manifest (bounding boxes) of ``lines`` objects; returns their paths."""
    source, output = directory / f"input-{lines}.manifest", directory / f"output-{lines}.manifest"
    with source.open("w") as handle:
        handle.writelines(f'{{"source-ref":"s3://{BUCKET}/images/img-{i:07d}.jpg"}}\n' for i in range(lines))
    with output.open("w") as handle:
        handle.writelines(
            _OUTPUT_LINE.format(b=BUCKET, i=i, l=i % 500, h="no" if i % 3 else "yes") for i in range(lines)
        )
    return source, output


def _rules(lines: int) -> ManifestRules:
    return ManifestRules("source-ref", frozenset({BUCKET}), max_objects=max(lines, 100_000))


def _validate(path: Path, lines: int) -> int:
    validator = ManifestValidator(_rules(lines))
    with path.open("rb") as handle:
        deque(validator.normalized_lines(handle), maxlen=0)  # consume; the handler uploads each line
    return validator.finish().object_count


def _count(path: Path, lines: int) -> int:
    with path.open("rb") as handle:
        return count_output_manifest(handle, LAN).total


def _bare(path: Path, lines: int) -> int:
    with path.open("rb") as handle:
        return sum(1 for line in handle if json.loads(line))


WORKLOADS: dict[str, Callable[[Path, int], int]] = {
    "validate": _validate,
    "bare-input": _bare,
    "count": _count,
    "bare-output": _bare,
}


def run(workload: str, path: Path, lines: int) -> dict[str, float]:
    """One workload: CPU and wall seconds (best of up to 3 passes, fewer on big files), RSS growth of the
    first pass and traced peak in MB."""
    work = WORKLOADS[workload]
    rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    seconds = cpu = float("inf")
    for attempt in range(max(1, min(3, 300_000 // lines))):
        started, cpu_started = time.perf_counter(), time.process_time()
        objects = work(path, lines)
        seconds = min(seconds, time.perf_counter() - started)
        cpu = min(cpu, time.process_time() - cpu_started)
        if attempt == 0:
            rss_growth = (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - rss_before) / 1024
        if objects != lines:
            raise SystemExit(f"{workload} read {objects} objects, expected {lines}")
    tracemalloc.start()
    work(path, lines)
    traced_peak = tracemalloc.get_traced_memory()[1] / 2**20
    tracemalloc.stop()
    return {"seconds": seconds, "cpuSeconds": cpu, "rssGrowthMb": rss_growth, "tracedPeakMb": traced_peak}


def _cpu(work: Callable[[], object], repeat: int = 3) -> float:
    best = float("inf")
    for _ in range(repeat):
        started = time.process_time()
        work()
        best = min(best, time.process_time() - started)
    return best


def steps(path: Path, lines: int) -> dict[str, float]:
    """CPU seconds of the validator and of its main steps alone, on the lines held in memory."""
    raw = path.read_bytes().splitlines()
    records = [json.loads(line) for line in raw]
    values = [r["source-ref"] for r in records]

    def dedup() -> None:
        seen: dict[bytes, int] = {}
        for number, value in enumerate(values):
            seen.setdefault(hashlib.blake2b(value.encode("utf-8"), digest_size=16).digest(), number)

    return {
        "validator": _cpu(lambda: deque(ManifestValidator(_rules(lines)).normalized_lines(raw), maxlen=0)),
        "json.loads": _cpu(lambda: [json.loads(line.decode("utf-8")) for line in raw]),
        "json.dumps (normalised line)": _cpu(
            lambda: [json.dumps(r, ensure_ascii=False, separators=(",", ":")).encode() for r in records]
        ),
        "S3 URI regex": _cpu(lambda: [S3_URI.fullmatch(v) for v in values]),
        "blake2b digest + dict": _cpu(dedup),
    }


if __name__ == "__main__":
    name, file, count = sys.argv[1], Path(sys.argv[2]), int(sys.argv[3])
    print(json.dumps(steps(file, count) if name == "steps" else run(name, file, count)))

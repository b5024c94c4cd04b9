"""The demo's synthetic dataset: small generated PNG "bird photos" uploaded as real S3 objects.

The images only need to exist and be valid PNG files (the simulated workforce never looks at pixels), so
each one is a tiny sky-coloured picture with a dark ellipse, drawn deterministically from the seed and its
index. Two halves of 1,250 objects each mirror the blog's split of 2,500 bird images.
"""

from __future__ import annotations

import json
import random
import struct
import threading
import zlib
from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any

from .progress import Background

WIDTH, HEIGHT = 32, 24
HALF_SIZE = 1250
DATASET_PREFIX = "datasets/birds"
#: Parallel uploads: the sandbox server is threaded and each PUT waits mostly on its EventBridge fan-out.
UPLOAD_THREADS = 8


def _chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def bird_png(seed: int, index: int) -> bytes:
    """A ``WIDTH`` x ``HEIGHT`` RGB PNG: a sky gradient with one dark ellipse (the "bird").

    The same ``seed`` and ``index`` always give the same bytes.
    """
    draw = random.Random(f"{seed}:{index}")
    sky = (draw.randint(90, 160), draw.randint(150, 210), draw.randint(200, 255))
    bird = (draw.randint(20, 70), draw.randint(20, 60), draw.randint(10, 50))
    cx, cy = draw.uniform(8, WIDTH - 8), draw.uniform(6, HEIGHT - 6)
    rx, ry = draw.uniform(3, 7), draw.uniform(2, 4)
    rows = bytearray()
    for y in range(HEIGHT):
        rows.append(0)  # filter type "None" for every scanline
        shade = y * 2
        background = bytes((max(0, sky[0] - shade), max(0, sky[1] - shade), sky[2]))
        row = bytearray(background * WIDTH)
        dy = ((y - cy) / ry) ** 2
        if dy <= 1:
            half_width = rx * (1 - dy) ** 0.5
            for x in range(max(0, int(cx - half_width)), min(WIDTH, int(cx + half_width) + 1)):
                row[3 * x : 3 * x + 3] = bytes(bird)
        rows += row
    header = struct.pack(">IIBBBBB", WIDTH, HEIGHT, 8, 2, 0, 0, 0)  # 8-bit RGB, no interlace
    return (
        b"\x89PNG\r\n\x1a\n"
        + _chunk(b"IHDR", header)
        + _chunk(b"IDAT", zlib.compress(bytes(rows), 6))
        + _chunk(b"IEND", b"")
    )


@dataclass(frozen=True)
class Half:
    """One half of the dataset: its number (1 or 2), image keys and manifest body."""

    number: int
    bucket: str
    keys: list[str]

    @property
    def prefix(self) -> str:
        """``datasets/birds/half-<n>/``: the key prefix of its images."""
        return f"{DATASET_PREFIX}/half-{self.number}/"

    @property
    def source_glob(self) -> str:
        """A glob matching every ``source-ref`` of this half (for the simulated difficulty)."""
        return f"s3://{self.bucket}/{self.prefix}*"

    def manifest(self) -> bytes:
        """The batch manifest: one ``{"source-ref": "s3://bucket/key"}`` JSON line per image."""
        lines = (json.dumps({"source-ref": f"s3://{self.bucket}/{key}"}) for key in self.keys)
        return ("\n".join(lines) + "\n").encode()


def plan_halves(bucket: str, half_size: int = HALF_SIZE) -> tuple[Half, Half]:
    """The two halves' image keys (``datasets/birds/half-<n>/img-<i>.png``; default 1,250 each)."""
    halves = []
    for number in (1, 2):
        start = (number - 1) * half_size
        prefix = f"{DATASET_PREFIX}/half-{number}/"
        halves.append(
            Half(number, bucket, [f"{prefix}img-{i:05d}.png" for i in range(start, start + half_size)])
        )
    return halves[0], halves[1]


def upload_images(s3: Any, half: Half, seed: int, on_uploaded: Any = None) -> int:
    """Upload every image of ``half`` (``image/png``) with :data:`UPLOAD_THREADS` threads; returns the count.

    Parameters
    ----------
    s3 : a boto3 S3 client (thread-safe; give it ``max_pool_connections`` >= the thread count).
    on_uploaded : called with no argument after each object (progress), default none.
    """

    def put(key: str) -> None:
        index = int(key.rsplit("-", 1)[1].split(".")[0])
        s3.put_object(Bucket=half.bucket, Key=key, Body=bird_png(seed, index), ContentType="image/png")
        if on_uploaded is not None:
            on_uploaded()

    with ThreadPoolExecutor(UPLOAD_THREADS, thread_name_prefix="demo-upload") as pool:
        for _ in pool.map(put, half.keys):
            pass
    return len(half.keys)


def upload_in_background(s3: Any, half: Half, seed: int) -> tuple[Background, threading.Thread]:
    """Start :func:`upload_images` in a thread; the :class:`Background` counts the images and keeps the
    error, if any (the caller joins the thread and decides)."""
    upload = Background(f"Uploading half {half.number} ({len(half.keys):,} images)", len(half.keys))

    def work() -> None:
        try:
            upload_images(s3, half, seed, upload.advance)
        except Exception as err:  # handed to the caller through ``upload.error``
            upload.error = err
        finally:
            upload.finished = True

    thread = threading.Thread(target=work, name=f"demo-upload-half-{half.number}", daemon=True)
    thread.start()
    return upload, thread


def count_objects(s3: Any, bucket: str, prefixes: Iterable[str]) -> int:
    """How many objects exist under ``prefixes`` (a check that the uploads really landed)."""
    paginator = s3.get_paginator("list_objects_v2")
    return sum(
        page.get("KeyCount", 0)
        for prefix in prefixes
        for page in paginator.paginate(Bucket=bucket, Prefix=prefix)
    )

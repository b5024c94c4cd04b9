"""``labelchain prepare``: split a dataset into batch manifests, written locally or uploaded."""

from __future__ import annotations

from pathlib import Path, PurePosixPath
from typing import Any

import click
from labelchain_fn.core.errors import InputInvalid
from labelchain_fn.core.inputs import S3_URI
from labelchain_fn.core.limits import MIN_AUTO_LABELING_OBJECTS
from rich.progress import Progress
from rich.table import Table

from ..aws import Aws
from ..command import LabelChainCommand
from ..datasets import IMAGE_SUFFIXES, Batch, listing_lines, plan_batches, s3_listing_lines
from ..errors import NoObjectsMatched
from ..output import console, print_json


def split_prefix(source: str) -> tuple[str, str]:
    """``(bucket, prefix)`` of ``s3://bucket[/prefix]``; the bucket name is checked by the core's URI rule."""
    head, _, prefix = source.removeprefix("s3://").partition("/")
    if not source.startswith("s3://") or not head or not S3_URI.fullmatch(f"s3://{head}/-"):
        raise InputInvalid(
            f"--source: expected s3://bucket/prefix/ (a valid bucket name); received {source!r}"
        )
    return head, prefix


def s3_lines(aws: Aws, source: str, suffixes: tuple[str, ...]) -> list[bytes]:
    """Manifest lines of the objects under ``source`` ending with one of ``suffixes`` (default
    :data:`~..datasets.IMAGE_SUFFIXES`).

    Raises
    ------
    NoObjectsMatched
        When no object matched, saying whether the prefix is empty or only the suffixes missed.
    """
    bucket, prefix = split_prefix(source)
    pages = aws.client("s3").get_paginator("list_objects_v2").paginate(Bucket=bucket, Prefix=prefix)
    keys = [obj["Key"] for page in pages for obj in page.get("Contents", [])]
    wanted = suffixes or IMAGE_SUFFIXES
    lines = s3_listing_lines(bucket, keys, wanted)
    if not lines:
        why = (
            f"{len(keys)} objects under it, none ending with {' '.join(wanted)} (--suffix)"
            if keys
            else "there is no object under it (check the bucket and the prefix)"
        )
        raise NoObjectsMatched(f"no objects matched the prefix {source}: {why}")
    return lines


def _default_name(source: str | None, listing: Path | None) -> str:
    if listing is not None:
        return listing.stem
    tail = PurePosixPath(str(source).rstrip("/")).name
    return tail if tail and not tail.startswith("s3:") else "batch"


def _write(aws: Aws, batches: list[Batch], out: Path | None, chain: str | None) -> list[dict[str, Any]]:
    written: list[dict[str, Any]] = []
    bucket = aws.input_bucket if out is None else None
    with Progress(console=console(stderr=True), transient=True) as progress:
        task = progress.add_task("writing manifests", total=len(batches))
        for batch in batches:
            if out is not None:
                path = out / batch.file_name
                path.write_bytes(batch.body)
                location = str(path)
            else:
                key = f"incoming/{chain}/{batch.file_name}"
                aws.client("s3").put_object(
                    Bucket=bucket, Key=key, Body=batch.body, ContentType="application/x-ndjson"
                )
                location = f"s3://{bucket}/{key}"
            written.append({"manifest": location, "objects": len(batch.lines)})
            progress.advance(task)
    return written


@click.command(cls=LabelChainCommand)
@click.option("--source", metavar="S3_URI", help="Dataset prefix, s3://bucket/prefix/ (lists image objects).")
@click.option(
    "--listing",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="Local listing: CSV with a 'source-ref' or 'source' column, or JSON lines.",
)
@click.option(
    "--suffix",
    "suffixes",
    multiple=True,
    help=f"Object suffix to take from --source (repeatable; default {' '.join(IMAGE_SUFFIXES)}).",
)
@click.option("--batch-size", type=click.IntRange(min=1), help="Objects per batch (the last may be smaller).")
@click.option("--batches", type=click.IntRange(min=1), help="Number of batches of near-equal size.")
@click.option("--shuffle", is_flag=True, help="Shuffle the objects before splitting.")
@click.option("--seed", type=int, help="Seed of --shuffle (default: random).")
@click.option(
    "--name",
    help="Manifest names are <name>-<i>.manifest (default: the prefix's last segment or the listing's name).",
)
@click.option(
    "--min-objects",
    type=click.IntRange(min=0),
    default=MIN_AUTO_LABELING_OBJECTS,
    show_default=True,
    help=f"Fewest objects per batch (automated data labeling needs {MIN_AUTO_LABELING_OBJECTS}; 0 = any).",
)
@click.option("--out", type=click.Path(file_okay=False, path_type=Path), help="Write the manifests here.")
@click.option("--upload", is_flag=True, help="Upload to s3://<input bucket>/incoming/<chain>/ (starts jobs).")
@click.option("--chain", help="Chain of --upload.")
@click.option("--json", "as_json", is_flag=True, help="Print the manifests as JSON.")
@click.pass_obj
def prepare(
    aws: Aws,
    source: str | None,
    listing: Path | None,
    suffixes: tuple[str, ...],
    batch_size: int | None,
    batches: int | None,
    shuffle: bool,
    seed: int | None,
    name: str | None,
    min_objects: int,
    out: Path | None,
    upload: bool,
    chain: str | None,
    as_json: bool,
) -> None:
    """Split a dataset into batch manifests, one labeling job each.

    Every line is checked with the pipeline's manifest rules (JSON object, one source key, s3:// URIs,
    no duplicates) before anything is written.

    Uploading starts one job per manifest right away. A job warm-starts from the newest model finished
    when it is prepared, so manifests uploaded together start from the same model; to chain them, write
    them with --out and start each with `labelchain start` after `labelchain watch` of the previous one.
    """
    if (source is None) == (listing is None):
        raise click.UsageError("give exactly one of --source and --listing")
    if (batch_size is None) == (batches is None):
        raise click.UsageError("give exactly one of --batch-size and --batches")
    if (out is None) == (not upload):
        raise click.UsageError("give exactly one of --out DIR and --upload")
    if upload and not chain:
        raise click.UsageError("--upload needs --chain")
    if upload:
        aws.check_chain(str(chain))
    if source is not None:
        lines = s3_lines(aws, source, suffixes)
    else:
        assert listing is not None
        lines = listing_lines(listing.read_text(encoding="utf-8"), listing.name)
    planned = plan_batches(
        lines,
        name=name or _default_name(source, listing),
        batch_size=batch_size,
        batches=batches,
        shuffle=shuffle,
        seed=seed,
        min_objects=min_objects,
    )
    if out is not None:
        out.mkdir(parents=True, exist_ok=True)
    written = _write(aws, planned, out, chain)
    if as_json:
        print_json({"manifests": written, "objects": sum(w["objects"] for w in written)})
        return
    table = Table("Manifest", "Objects", title=f"{len(written)} manifests")
    for row in written:
        table.add_row(str(row["manifest"]), str(row["objects"]))
    console().print(table)

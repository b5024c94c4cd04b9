"""The report page: one self-contained HTML file (charts embedded as base64 PNG, tables inline)."""

from __future__ import annotations

import base64
from collections.abc import Mapping
from html import escape
from pathlib import Path

from .data import ReportData
from .tables import DataTable

#: Section order and the sentence under each heading.
SECTIONS = (
    ("machine_percent", "Share of objects the model labeled in each job."),
    (
        "cost",
        "Estimated cost: the human workforce (task price, times workers per object, times human-labeled "
        "objects) stacked on the per-object fee (every labeled object) and any auto-labeling compute.",
    ),
    ("elapsed", "Time from job creation to its last change."),
    ("comparison", "Each warm-started job next to the cold control job run on the same manifest."),
    ("progress", "Labeled objects over time, from the monitor's snapshots (solid: all, dashed: machine)."),
    ("lineage", "Which model each job started from and which job produced it."),
)
_STYLE = """
body { font-family: system-ui, sans-serif; margin: 2rem auto; max-width: 1100px; color: #222; }
table { border-collapse: collapse; margin: 0.5rem 0 2rem; font-size: 0.85rem; }
th, td { border: 1px solid #ccc; padding: 0.25rem 0.6rem; }
td.n { text-align: right; font-variant-numeric: tabular-nums; }
th { background: #f2f2f2; }
img { max-width: 100%; border: 1px solid #eee; }
.summary td { border: none; padding: 0.1rem 1rem 0.1rem 0; }
"""


def table_html(table: DataTable, key: str) -> str:
    """An HTML table of ``table`` (numbers right-aligned); ``key`` becomes its ``id`` (``data-<key>``)."""
    head = "".join(f"<th>{escape(c)}</th>" for c in table.columns)
    body = []
    for raw, text in zip(table.rows, table.formatted(), strict=True):
        cells = "".join(
            f'<td class="n">{escape(t)}</td>' if isinstance(r, int | float) else f"<td>{escape(t)}</td>"
            for r, t in zip(raw, text, strict=True)
        )
        body.append(f"<tr>{cells}</tr>")
    return (
        f'<table id="data-{escape(key)}"><thead><tr>{head}</tr></thead><tbody>{"".join(body)}</tbody></table>'
    )


def _image(path: Path, alt: str) -> str:
    encoded = base64.b64encode(path.read_bytes()).decode("ascii")
    return f'<img src="data:image/png;base64,{encoded}" alt="{escape(alt)}">'


def _summary(data: ReportData, generated_at: str) -> str:
    main_jobs = [j for j in data.jobs if j.role == "main"]
    total = sum(j.total_usd for j in data.jobs)
    rows = (
        ("Chain", data.chain),
        ("Jobs", f"{len(data.jobs)} ({len(main_jobs)} main, {len(data.jobs) - len(main_jobs)} control)"),
        ("Objects labeled", f"{sum(j.human + j.machine for j in data.jobs):,}"),
        ("Estimated cost", f"${total:,.2f}"),
        ("Generated", generated_at),
    )
    cells = "".join(f"<tr><td><b>{escape(k)}</b></td><td>{escape(v)}</td></tr>" for k, v in rows)
    return f'<table class="summary">{cells}</table>'


def render_html(data: ReportData, charts: Mapping[str, Path], generated_at: str) -> str:
    """The whole page. A section without data says so instead of showing an empty chart."""
    parts = [
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8">',
        f"<title>labelchain report: {escape(data.chain)}</title><style>{_STYLE}</style></head><body>",
        f"<h1>labelchain report: chain {escape(data.chain)}</h1>",
        _summary(data, generated_at),
    ]
    for key, sentence in SECTIONS:
        table = data.tables[key]
        parts.append(f'<section id="{key}"><h2>{escape(table.title)}</h2><p>{escape(sentence)}</p>')
        if not table.rows:
            parts.append("<p><i>No data recorded for this chain.</i></p></section>")
            continue
        if key in charts:
            parts.append(_image(charts[key], table.title))
        parts.append(table_html(table, key) + "</section>")
    parts.append("</body></html>")
    return "\n".join(parts)

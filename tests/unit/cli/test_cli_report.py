"""``labelchain report``: HTML page, PNG charts and the data tables behind them, from a recorded chain."""

from __future__ import annotations

import base64
import json
import re
from pathlib import Path

import pytest
from cli_fixtures import CONTROL2, JOB1, JOB2, ChainFixture, Moto, Run

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
CHARTS = (
    "machine-percent.png",
    "cost.png",
    "elapsed.png",
    "warm-vs-control.png",
    "progress.png",
    "lineage.png",
)


@pytest.fixture
def report_dir(run: Run, chain_fixture: ChainFixture, tmp_path: Path) -> Path:
    out = tmp_path / "report"
    result = run("report", "--chain", "birds", "--out", str(out), "--json")
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["files"]["index.html"] == str(out / "index.html")
    return out


def _table(html: str, key: str) -> list[list[str]]:
    """The body cells of the data table ``data-<key>`` of the page."""
    body = re.search(rf'<table id="data-{key}">.*?<tbody>(.*?)</tbody>', html, re.DOTALL)
    assert body, key
    return [re.findall(r"<td[^>]*>(.*?)</td>", row) for row in re.findall(r"<tr>(.*?)</tr>", body.group(1))]


def test_report_tables_hold_the_chain_figures(report_dir: Path) -> None:
    # GIVEN the report of the three-job chain
    html = (report_dir / "index.html").read_text()
    # THEN machine %, cost split and elapsed time per job are in the page's tables, in sequence order
    assert _table(html, "machine_percent") == [
        ["1", "main", JOB1, "651", "599", "47.9"],
        ["2", "main", JOB2, "260", "990", "79.2"],
        ["2", "control", CONTROL2, "498", "752", "60.2"],
    ]
    assert [row[3:] for row in _table(html, "cost")] == [
        ["70.31", "100.00", "0.00", "170.31"],
        ["28.08", "100.00", "0.00", "128.08"],
        ["53.78", "100.00", "0.00", "153.78"],
    ]
    assert [row[3:] for row in _table(html, "elapsed")] == [
        ["COMPLETED", "10800", "3h 00m"],
        ["COMPLETED", "7200", "2h 00m"],
        ["COMPLETED", "12600", "3h 30m"],
    ]
    # AND the comparison shows warm vs control: +19.0 points, 16.7% cheaper, 0.57 of the time
    assert _table(html, "comparison") == [
        ["2", JOB2, CONTROL2, "79.2", "60.2", "19.0", "128.08", "153.78", "16.7", "7200", "12600", "0.57"]
    ]


def test_report_lineage_and_progress_come_from_models_and_snapshots(report_dir: Path) -> None:
    html = (report_dir / "index.html").read_text()
    # THEN job 2 started from job 1's model; job 1 and the control started cold
    assert [row[2:] for row in _table(html, "lineage")] == [
        [JOB1, "latest", "cold", "-", f"{JOB1}-model"],
        [JOB2, "latest", f"{JOB1}-model", JOB1, f"{JOB2}-model"],
        [CONTROL2, "latest", "cold", "-", f"{CONTROL2}-model"],
    ]
    # AND the progress curve points are the snapshots, in seconds since each job's creation
    assert _table(html, "progress") == [
        [JOB1, "1800", "30m 00s", "200", "0", "200"],
        [JOB1, "5400", "1h 30m", "500", "300", "800"],
        [JOB1, "10800", "3h 00m", "651", "599", "1250"],
        [JOB2, "1800", "30m 00s", "150", "400", "550"],
        [JOB2, "3600", "1h 00m", "220", "900", "1120"],
    ]


def test_report_writes_real_png_charts_and_embeds_them(report_dir: Path) -> None:
    html = (report_dir / "index.html").read_text()
    embedded = re.findall(r'src="data:image/png;base64,([A-Za-z0-9+/=]+)"', html)
    # THEN each chart is a PNG file of more than 5 KB, and the page embeds the same bytes (self-contained)
    assert len(embedded) == len(CHARTS)
    for name, encoded in zip(CHARTS, embedded, strict=True):
        data = (report_dir / name).read_bytes()
        assert data.startswith(PNG_SIGNATURE), name
        assert len(data) > 5_000, name
        assert base64.b64decode(encoded) == data, name


def test_report_data_json_has_the_raw_values(report_dir: Path) -> None:
    data = json.loads((report_dir / "report-data.json").read_text())
    # THEN the raw numbers are kept unrounded for machines (costs to the hundredth of a cent)
    cost = data["tables"]["cost"]
    assert cost["columns"] == ["Seq", "Role", "Job", "Workforce", "Per-object fee", "Compute", "Total"]
    assert [row[-1] for row in cost["rows"]] == [170.308, 128.08, 153.784]
    assert data["tables"]["comparison"]["rows"][0][8] == 16.7


def test_report_without_comparisons_or_snapshots_says_so(run: Run, moto: Moto, tmp_path: Path) -> None:
    # GIVEN a chain with one finished job, no control and no snapshot
    from cli_fixtures import finish_job, start_job
    from lambda_fakes import make_chain

    chain = make_chain()
    finish_job(moto.store, chain, start_job(moto.store, chain, JOB1, sequence=1), 700, 550, elapsed=1, at=1)
    # WHEN reported
    result = run("report", "--chain", "birds", "--out", str(tmp_path))
    # THEN the charts without data are left out and their sections say there is no data
    assert result.exit_code == 0, result.output
    assert not (tmp_path / "warm-vs-control.png").exists() and not (tmp_path / "progress.png").exists()
    assert (tmp_path / "machine-percent.png").exists()
    assert (tmp_path / "index.html").read_text().count("No data recorded for this chain.") == 2


def test_fails_when_the_chain_has_no_jobs(run: Run, moto: Moto, tmp_path: Path) -> None:
    result = run("report", "--chain", "cats", "--out", str(tmp_path))
    assert result.exit_code == 1
    assert "no jobs recorded for chain 'cats'" in result.stderr

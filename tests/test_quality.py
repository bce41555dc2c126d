"""Data quality per unit (kpi.measures.quality): hand-computed shares, ranking, scope, the CLI and the page."""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from kpi.measures import quality, quality_counts
from kpi.access.permissions import User
from kpi.warehouse.db import Warehouse
from kpi.measures.filters import Scope
from kpi.text.normalize import fold

ROOT = Path(__file__).resolve().parent.parent
MAP = json.dumps({"unit_name": "Cơ quan", "code": "Mã hồ sơ"}, ensure_ascii=False)


def _dossier(con, code, unit, level, batch, received, channel="online", due="2024-01-20"):
    con.execute("""INSERT INTO dossiers (code, unit_id, level, channel, received_at, received_date, due_at, batch_id)
                   VALUES (?, ?, ?, ?, CAST(? AS TIMESTAMP), CAST(? AS DATE), CAST(? AS TIMESTAMP), ?)""",
                [code, unit, level, channel, received, received, due, batch])


@pytest.fixture(params=["rows", "kept"])
def wh(tmp_path, request) -> Warehouse:
    """Sở Tư pháp: 4 dossiers (2 from a file without an e-result column, one 'other' channel, one without due
    date; Jan and Mar 2024) and 1 rejected row; UBND xã A: 2 dossiers (Feb 2024) and 1 rejected row.
    Read from the dossier rows (the hand-made inserts leave quality_counts stale) and from the kept counts."""
    wh = Warehouse(tmp_path / "quality.duckdb")
    with wh.write() as con:
        for uid, name, level in (("stp", "Sở Tư pháp", "province"), ("xa", "UBND xã A", "commune")):
            con.execute("INSERT INTO units (unit_id, name, name_key, level) VALUES (?, ?, ?, ?)",
                        [uid, name, fold(name), level])
        for batch, missing, status in ((1, "level,e_result", "loaded"), (2, "", "loaded"), (3, "", "undone")):
            con.execute("""INSERT INTO load_batches (batch_id, file_name, kind, status, missing_columns, column_map)
                           VALUES (?, ?, 'dossiers', ?, ?, ?)""", [batch, f"f{batch}.xlsx", status, missing, MAP])
        _dossier(con, "S1", "stp", "province", 1, "2024-01-03", channel="other")
        _dossier(con, "S2", "stp", "province", 1, "2024-01-04", due=None)
        _dossier(con, "S3", "stp", "province", 2, "2024-03-05")
        _dossier(con, "S4", "stp", "province", 2, "2024-03-06")
        _dossier(con, "X1", "xa", "commune", 2, "2024-02-01", channel="direct")
        _dossier(con, "X2", "xa", "commune", 2, "2024-02-02", channel="direct")
        rejects = [(2, 5, "Ngày tiếp nhận", "SỞ TƯ PHÁP"), (2, 5, "Ngày hẹn trả", "SỞ TƯ PHÁP"),
                   (2, 6, "Mã hồ sơ", "UBND xã A"), (3, 2, "Mã hồ sơ", "Sở Tư pháp")]  # batch 3 is undone
        for batch, row, column, unit in rejects:
            con.execute("""INSERT INTO rejected_rows (batch_id, row_number, column_name, reason, row_json)
                           VALUES (?, ?, ?, 'sai', ?)""",
                        [batch, row, column, json.dumps({"Cơ quan": unit}, ensure_ascii=False)])
        if request.param == "kept":
            quality_counts.rebuild(con)
    with wh.read() as con:
        assert quality_counts.usable(con) == (request.param == "kept")
    return wh


def test_shares_ranking_and_figures_by_hand(wh):
    report = quality.unit_quality(wh)
    assert (report.first_month, report.last_month, report.months) == ("2024-01", "2024-03", 3)
    stp, xa = report.units                       # least complete first
    assert (stp.unit_id, stp.dossiers, stp.from_incomplete_files, stp.missing_columns) == ("stp", 4, 2, ("e_result",))
    assert (stp.rejected, stp.other_channel, stp.no_due, stp.months_with_data, stp.months_without) == (1, 1, 1, 2, 1)
    assert stp.shares == pytest.approx({"missing_column_share": 0.5, "reject_share": 0.2, "other_channel_share": 0.25,
                                        "no_due_share": 0.25, "months_without_share": 1 / 3})
    assert stp.completeness == pytest.approx(1 - (0.5 + 0.2 + 0.25 + 0.25 + 1 / 3) / 5)   # 0.69333…
    assert (xa.rejected, xa.months_without, xa.missing_columns) == (1, 2, ())
    assert xa.completeness == pytest.approx(1 - (1 / 3 + 2 / 3) / 5)                     # 0.8


def test_scope_limits_units_and_the_span(wh):
    report = quality.unit_quality(wh, Scope(kind="level", level="commune"))
    assert [u.unit_id for u in report.units] == ["xa"] and report.months == 1
    assert report.units[0].completeness == pytest.approx(1 - (1 / 3) / 5)
    assert quality.unit_quality(wh, Scope(kind="units", unit_ids=())).units == []


def test_cli_quality_json_and_text(wh):
    def run(*extra):
        return subprocess.run([sys.executable, "-m", "etl", "quality", "--db", str(wh.path), *extra], cwd=ROOT,
                              capture_output=True, text=True, timeout=120)
    done = run("--json")
    assert done.returncode == 0, done.stderr
    data = json.loads(done.stdout)
    assert data["months"] == 3 and [u["unit_id"] for u in data["units"]] == ["stp", "xa"]
    assert data["units"][0]["missing_columns"] == ["e_result"] and data["units"][0]["rejected"] == 1
    assert data["units"][0]["completeness"] == pytest.approx(0.693333, abs=1e-6)
    text = run()
    assert text.returncode == 0 and "Sở Tư pháp" in text.stdout and "Kết quả điện tử" in text.stdout
    assert "69,3%" in text.stdout


def test_quality_page_for_a_leader(wh, monkeypatch):
    from tests.upload_helpers import no_exceptions, page

    monkeypatch.setenv("TTHC_DB", str(wh.path))
    at = page("quality", User("lanhdao", "leader"))
    at.run()
    no_exceptions(at)
    table = at.dataframe[0].value
    assert list(table["Đơn vị"]) == ["Sở Tư pháp", "UBND xã A"]
    assert list(table["Độ đầy đủ"]) == ["69,3%", "80,0%"]
    assert "Kết quả điện tử" in list(table["Cột thiếu"])[0]


def test_quality_page_is_scoped(wh, monkeypatch):
    from tests.upload_helpers import no_exceptions, page

    monkeypatch.setenv("TTHC_DB", str(wh.path))
    at = page("quality", User("xa", "analyst", Scope(kind="units", unit_ids=("xa",))))
    at.run()
    no_exceptions(at)
    assert list(at.dataframe[0].value["Đơn vị"]) == ["UBND xã A"]


def test_the_page_reads_the_report_once_per_data_version(wh, monkeypatch):
    """The report scans every record (5 s on 50M dossiers): the page reads it through ui.cache, keyed by version."""
    import streamlit as st

    from ui import cache

    calls = []
    real = quality.unit_quality
    monkeypatch.setattr(quality, "unit_quality", lambda w, scope=None: calls.append(scope) or real(w, scope))
    st.cache_data.clear()
    first = cache.unit_quality(wh, None, version=1)
    assert cache.unit_quality(wh, None, version=1).units == first.units and len(calls) == 1
    cache.unit_quality(wh, None, version=2)  # a load committed: read again
    assert len(calls) == 2

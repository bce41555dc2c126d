"""Open dossiers are judged at as_of = min(to, data date) (DOMAIN §4, issue 11 item 7).

The data date is the latest day any record states as received, finished, handled or
rated; due dates never count. Past the data, a due date is not known to be missed.
"""
from __future__ import annotations

import datetime as dt
import json
import subprocess
import sys
from pathlib import Path

import pytest

from kpi.measures import metrics, periods
from kpi.warehouse.db import Warehouse
from tests.factories import add_dossiers, add_feedback, dossier, feedback

ROOT = Path(__file__).resolve().parent.parent
Q4_2025 = periods.quarter(2025, 4)
PAST_THE_DATA = periods.custom(dt.date(2025, 10, 1), dt.date(2026, 3, 31))
DATA_DATE = dt.date(2025, 12, 31)


@pytest.fixture()
def wh(tmp_path):
    """Data to 31/12/2025 (K finished that day); the open dossiers straddle the data date."""
    wh = Warehouse(tmp_path / "asof.duckdb")
    add_dossiers(wh, [
        dossier("K", received="01/12/2025", due="31/12/2025", finished="31/12/2025 16:00"),  # the data date
        dossier("X", received="10/12/2025", due="31/12/2025"),   # due == as_of: not overdue
        dossier("Y", received="10/12/2025", due="30/12/2025"),   # due == as_of − 1: overdue
        dossier("Z", received="15/12/2025", due="15/01/2026"),   # due after the data: not known, within
        dossier("W", received="20/12/2025", due=None),           # no due date: never overdue
        dossier("V", received="01/10/2025", due="10/11/2025"),   # long overdue
    ])
    add_feedback(wh, [
        feedback("P1", received="20/12/2025", due="30/12/2025"),  # backlog, overdue at 31/12
        feedback("P2", received="22/12/2025", due="05/02/2026"),  # backlog, not known to be late
    ])
    return wh


def _open(wh, period) -> tuple[int, int, int, int]:
    row = metrics.kpi_table(wh, period).iloc[0]
    return (int(row["in_progress"]), int(row["in_progress_overdue"]),
            int(row["pakn_backlog"]), int(row["pakn_backlog_overdue"]))


def test_the_data_date_is_the_latest_stated_event_not_a_due_date(wh):
    # Z is due 15/01/2026 and P2 05/02/2026: neither moves the data date.
    assert metrics.data_date(wh) == DATA_DATE
    assert metrics.as_of(PAST_THE_DATA, DATA_DATE) == DATA_DATE
    assert metrics.as_of(periods.month(2025, 11), DATA_DATE) == dt.date(2025, 11, 30)
    assert metrics.as_of(PAST_THE_DATA, None) == PAST_THE_DATA.end


def test_day_boundaries_at_the_data_date(wh):
    # In progress X Y Z W V; overdue: Y (due 30/12 < 31/12) and V. X is due on as_of itself.
    assert _open(wh, Q4_2025) == (5, 2, 2, 1)


def test_a_period_past_the_data_reports_the_open_dossiers_of_the_data_date(wh):
    # Judged at 31/03/2026, X and Z (and P2) would be called overdue with no data to say so.
    assert _open(wh, PAST_THE_DATA) == _open(wh, Q4_2025) == (5, 2, 2, 1)
    table = metrics.kpi_table(wh, PAST_THE_DATA).iloc[0]
    # 766 progress: in progress within = X, Z, W.
    assert int(table["in_progress_within"]) == 3


def test_month_parts_after_the_data_are_judged_at_the_data_date(wh):
    monthly = metrics.kpi_table(wh, PAST_THE_DATA, group_by=("month",))
    monthly = monthly.set_index(monthly["period_start"].map(lambda d: d.strftime("%Y-%m")))
    for month in ("2026-01", "2026-03"):
        assert int(monthly.loc[month, "in_progress"]) == 5
        assert int(monthly.loc[month, "in_progress_overdue"]) == 2
    # November is judged at its own end: V (due 10/11) overdue, nothing else received yet.
    assert (int(monthly.loc["2025-11", "in_progress"]), int(monthly.loc["2025-11", "in_progress_overdue"])) == (1, 1)


def test_drill_down_lists_the_overdue_of_the_data_date(wh):
    listed = metrics.dossier_list(wh, PAST_THE_DATA, "in_progress_overdue")
    assert sorted(listed["code"]) == ["V", "Y"]
    # Days late count to as_of (31/12/2025), not to 31/03/2026.
    assert dict(zip(listed["code"], listed["days_late"])) == {"Y": 1, "V": 51}


def test_a_later_record_of_any_kind_moves_the_data_date(wh):
    # A PAKN handled on 02/01/2026 says the data runs to that day: X (due 31/12) is now overdue.
    add_feedback(wh, [feedback("P3", received="26/12/2025", due="10/01/2026", handled="02/01/2026")])
    assert metrics.data_date(wh) == dt.date(2026, 1, 2)
    row = metrics.kpi_table(wh, PAST_THE_DATA).iloc[0]
    assert int(row["in_progress_overdue"]) == 3  # V, Y, X
    # Removing it (as an undo does, in a write) brings the data date back.
    with wh.write() as con:
        con.execute("DELETE FROM feedback WHERE code = 'P3'")
    assert metrics.data_date(wh) == DATA_DATE


def test_summary_and_labels_say_as_of(wh):
    result = metrics.summary(wh, PAST_THE_DATA)
    assert result["as_of"] == "2025-12-31" and result["data_date"] == "2025-12-31"
    assert result["total"]["in_progress_overdue"] == 2
    assert metrics.summary(wh, periods.month(2025, 11))["as_of"] == "2025-11-30"
    assert PAST_THE_DATA.until(DATA_DATE).label == "01/10/2025 – 31/03/2026 (số liệu đến ngày 31/12/2025)"
    assert Q4_2025.until(DATA_DATE).label == "Quý IV/2025"  # ends on the data date: nothing to say
    assert Q4_2025.until(DATA_DATE) == Q4_2025


def test_cli_summary_prints_as_of(wh):
    out = subprocess.run([sys.executable, "-m", "kpi", "summary", "--db", str(wh.path), "--from", "2025-10-01",
                          "--to", "2026-03-31", "--json"], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    assert json.loads(out.stdout)["as_of"] == "2025-12-31"
    table = subprocess.run([sys.executable, "-m", "kpi", "summary", "--db", str(wh.path), "--from", "2025-10-01",
                            "--to", "2026-03-31"], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert "số liệu đến ngày 31/12/2025" in table.stdout


def test_sample_past_the_data_matches_the_data_date(sample_db):
    """The issue's case on the test-size sample (data to 31/12/2025): 416 vs 13,624 at full size."""
    wh = Warehouse(sample_db)
    assert metrics.data_date(wh) == DATA_DATE
    # Open dossiers due in Q1 2026 exist, so judging at 31/03/2026 would inflate the overdue count.
    due_later = wh.query("""SELECT count(*) FROM dossiers WHERE finished_date IS NULL
                            AND due_date BETWEEN DATE '2026-01-01' AND DATE '2026-03-30'""")[0][0]
    assert due_later > 0
    inside, past = metrics.summary(wh, Q4_2025)["total"], metrics.summary(wh, PAST_THE_DATA)["total"]
    assert (past["in_progress"], past["in_progress_overdue"]) == (inside["in_progress"], inside["in_progress_overdue"])
    assert 0 < inside["in_progress_overdue"] < inside["in_progress"]


def test_page_header_says_the_period_runs_past_the_data(monkeypatch, tmp_path):
    from tests.test_pages import make_app

    wh = Warehouse(tmp_path / "mid.duckdb")
    add_dossiers(wh, [dossier("M", received="01/11/2025", due="05/12/2025", finished="15/12/2025")])
    at = make_app(monkeypatch, wh.path, month=None, flt_kind="quarter", flt_quarter="2025-Q4")
    assert not at.exception, [e.message for e in at.exception]
    captions = " ".join(c.value for c in at.caption)
    assert "Quý IV/2025 (số liệu đến ngày 15/12/2025)" in captions


def test_slides_and_form06_say_the_data_date(wh, tmp_path):
    import openpyxl

    from kpi.reports import form06, slides

    deck = slides.build_slides(wh, PAST_THE_DATA)
    assert "(số liệu đến ngày 31/12/2025)" in deck[0].subtitle
    out = tmp_path / "b06.xlsx"
    form06.write_form06(wh, PAST_THE_DATA, None, None, out)
    texts = [c for row in openpyxl.load_workbook(out).active.iter_rows(values_only=True) for c in row if isinstance(c, str)]
    assert any("(số liệu đến ngày 31/12/2025)" in t for t in texts)

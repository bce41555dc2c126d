"""Biểu 06 in TT 01 cut-off periods (DOMAIN §7, issue 11 item 9).

A reporting quarter runs from the cut-off day of the month before the quarter to the day
before it in the quarter's last month (15/12–14/03 by default). The period picker offers
them as "Kỳ báo cáo TT 01"; calendar views say how many aggregated forms they leave out.
"""
from __future__ import annotations

import datetime as dt
import subprocess
import sys
from pathlib import Path

import openpyxl
import pytest

from kpi.measures import metrics, periods
from kpi.text import report as report_text
from kpi.text import vi
from kpi.warehouse.db import Warehouse
from kpi.measures.levels import unit_id_for
from tests.factories import add_dossiers, add_units, dossier

Q1_CUTOFF = periods.cutoff("quarter", 2025, 1)  # 15/12/2024 – 14/03/2025
FORM_UNIT = "UBND xã Phước An"


def test_cutoff_periods_label_and_codes():
    assert (Q1_CUTOFF.start, Q1_CUTOFF.end) == (dt.date(2024, 12, 15), dt.date(2025, 3, 14))
    assert Q1_CUTOFF.label == "Quý I/2025 (kỳ báo cáo 15/12/2024 – 14/03/2025)"
    assert periods.cutoff("half", 2025, 2).label == "6 tháng cuối năm 2025 (kỳ báo cáo 15/06/2025 – 14/12/2025)"
    assert periods.cutoff("year", 2025).label == "Năm 2025 (kỳ báo cáo 15/12/2024 – 14/12/2025)"
    assert periods.to_param(Q1_CUTOFF) == "2025-Q1-TT01"
    assert periods.to_param(periods.cutoff("year", 2025)) == "2025-TT01"
    for code in ("2025-Q1-TT01", "2025-H2-TT01", "2025-TT01", "2025-03-TT01"):
        assert periods.to_param(periods.from_param(code)) == code
    assert periods.from_param("2025-Q1-tt01") == Q1_CUTOFF
    assert periods.from_param("2025-Q5-TT01") is None


def test_cutoff_previous_and_options():
    assert Q1_CUTOFF.previous() == periods.cutoff("quarter", 2024, 4)
    assert periods.cutoff("half", 2025, 1).previous() == periods.cutoff("half", 2024, 2)
    assert periods.cutoff_containing("quarter", dt.date(2025, 12, 31)) == periods.cutoff("quarter", 2026, 1)
    assert periods.cutoff_containing("quarter", dt.date(2025, 12, 14)) == periods.cutoff("quarter", 2025, 4)
    codes = [periods.to_param(p) for p in periods.cutoff_options(dt.date(2025, 1, 1), dt.date(2025, 6, 30))]
    # Newest first; a longer period before a shorter one ending the same day.
    assert codes == ["2025-TT01", "2025-H2-TT01", "2025-Q3-TT01", "2025-H1-TT01", "2025-Q2-TT01", "2025-Q1-TT01"]


def test_cutoff_day_comes_from_the_setting(monkeypatch):
    monkeypatch.setenv("TTHC_CUTOFF_DAY", "20")
    period = periods.from_param("2025-Q1-TT01")
    assert (period.start, period.end) == (dt.date(2024, 12, 20), dt.date(2025, 3, 19))
    assert periods.to_param(period) == "2025-Q1-TT01"
    assert period.previous().start == dt.date(2024, 9, 20)


@pytest.fixture()
def wh(tmp_path):
    """Sở Tư pháp sends dossiers; UBND xã Phước An only a Biểu 06 for the cut-off Q1 2025."""
    wh = Warehouse(tmp_path / "cutoff.duckdb")
    add_units(wh)
    add_dossiers(wh, [dossier("A", received="05/02/2025", due="10/02/2025", finished="09/02/2025"),
                      dossier("B", received="20/03/2025", due="30/03/2025", finished="25/03/2025")])
    with wh.write() as con:
        con.execute(
            """INSERT INTO form06_rows (unit_id, level, field, period_from, period_to, received_total, received_online,
               received_direct, carried_over, resolved_total, resolved_early, resolved_on_time, resolved_overdue,
               in_progress_total, in_progress_within, in_progress_overdue, batch_id)
               VALUES (?, 'commune', 'Hộ tịch', ?, ?, 15, 10, 5, 0, 12, 4, 6, 2, 3, 3, 0, 1)""",
            [unit_id_for(FORM_UNIT), Q1_CUTOFF.start, Q1_CUTOFF.end])
    return wh


def test_the_cutoff_quarter_counts_the_form_and_the_calendar_quarter_says_it_leaves_it_out(wh):
    calendar = periods.quarter(2025, 1)
    assert metrics.forms_left_out(wh, calendar) == 1
    assert int(metrics.kpi_table(wh, calendar).iloc[0]["received"]) == 2  # A and B only
    assert metrics.forms_left_out(wh, Q1_CUTOFF) == 0
    row = metrics.kpi_table(wh, Q1_CUTOFF).iloc[0]
    # A (05/02) and the form's 15; B (20/03) is after the cut-off.
    assert (int(row["received"]), int(row["resolved"]), int(row["agg_units"])) == (16, 13, 1)
    # February lies inside the form's period: the quarterly form says nothing about one month.
    assert metrics.forms_left_out(wh, periods.month(2025, 2)) == 1
    assert metrics.forms_left_out(wh, periods.month(2025, 4)) == 0  # no overlap: nothing to say


def test_picker_offers_cutoff_periods(wh, monkeypatch):
    from tests.test_pages import make_app

    at = make_app(monkeypatch, wh.path, month=None, flt_kind="cutoff", flt_cutoff="2025-Q1-TT01")
    assert not at.exception, [e.message for e in at.exception]
    assert "Quý I/2025 (kỳ báo cáo 15/12/2024 – 14/03/2025)" in " ".join(c.value for c in at.caption)
    infos = [i.value for i in at.info]
    assert vi.FROM_FORM06.format(n="1") in infos
    assert not any(vi.FORM06_LEFT_OUT.format(n="1") == i for i in infos)
    picker = [s for s in at.sidebar.selectbox if s.key == "flt_cutoff"][0]
    assert "Quý I/2025 (kỳ báo cáo 15/12/2024 – 14/03/2025)" in picker.options
    assert "Năm 2025 (kỳ báo cáo 15/12/2024 – 14/12/2025)" in picker.options

    calendar = make_app(monkeypatch, wh.path, month=None, flt_kind="quarter", flt_quarter="2025-Q1")
    assert vi.FORM06_LEFT_OUT.format(n="1") in [i.value for i in calendar.info]


def test_report_cli_names_a_cutoff_quarter_and_counts_its_form(wh, tmp_path):
    out = tmp_path / "b06.xlsx"
    result = subprocess.run([sys.executable, "-m", "kpi", "report", "--form", "06", "--db", str(wh.path),
                             "--from", "2024-12-15", "--to", "2025-03-14", "--out", str(out)],
                            cwd=Path(__file__).resolve().parent.parent, capture_output=True, text=True, timeout=180)
    assert result.returncode == 0, result.stderr
    assert "Quý I/2025 (kỳ báo cáo 15/12/2024 – 14/03/2025)" in result.stdout
    rows = list(openpyxl.load_workbook(out).active.iter_rows(values_only=True))
    total = next(r for r in rows if r[1] == report_text.FORM06_TOTAL_ROW)
    # Received: A (1) + the form (15); resolved: A + the form's 12.
    assert (total[2], total[6]) == (16, 13)

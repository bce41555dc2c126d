"""Biểu số 06/VPCP/KSTT as an input (etl.form06_reader) and in the KPIs (kpi.measures.aggregates via metrics.counts)."""
from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from etl import form06_reader, upload as etl_upload
from kpi.measures import metrics, periods
from kpi.reports import form06
from kpi.access.permissions import User
from kpi.warehouse.db import Warehouse
from kpi.measures.filters import Scope
from kpi.measures.levels import unit_id_for
from tests.factories import add_dossiers, add_units, dossier
from tests.upload_helpers import button, metrics as page_metrics, page, upload, write_form06

Q1, Q2 = periods.quarter(2024, 1), periods.quarter(2024, 2)
PHUOC_AN = unit_id_for("UBND xã Phước An")
ADMIN = User("quantri", "admin")
#          field        c3  c4 c5 c6  c7 c8 c9 c10 c11 c12 c13
GOOD = ["Hộ tịch", 10, 4, 5, 1, 8, 3, 4, 1, 2, 2, 0]
GOOD2 = ["Chứng thực", 5, 5, 0, 0, 5, 5, 0, 0, 0, 0, 0]


@pytest.fixture()
def wh(tmp_path) -> Warehouse:
    wh = Warehouse(tmp_path / "form06.duckdb")
    add_units(wh)
    return wh


def load(wh, path, **kw):
    prepared = form06_reader.prepare_form06(path, wh=wh, **kw)
    return prepared, form06_reader.load_form06(wh, prepared, user="an")


def test_title_block_identities_and_rejects(wh, tmp_path):
    path = write_form06(tmp_path / "b06.xlsx", [
        GOOD,
        ["Đất đai", 6, 2, 3, 1, 5, 1, 1, 1, 1, 1, 0],      # (7) = 5 but (8)+(9)+(10) = 3
        ["Xây dựng", 9, 2, 3, 1, 5, 2, 2, 1, 2, 1, 1],     # (3) = 9: neither 6 nor 7
        ["Tư pháp", 4, 1, 1, 0, 2, 1, 1, 0, 2, 1, 0],      # (11) = 2 but (12)+(13) = 1; (3) ≠ (4)+(5)+(6) but = (7)+(11)
        ["Công thương", "abc", 1, 1, 0, 2, 1, 1, 0, 0, 0, 0],
    ])
    p = form06_reader.prepare_form06(path, wh=wh)
    assert (p.unit_id, p.period_from, p.period_to) == (PHUOC_AN, Q1.start, Q1.end)
    assert p.ready and p.rows_read == 5 and p.header_row == 8
    assert list(p.valid["field"]) == ["Hộ tịch"] and list(p.valid["level"]) == ["commune"]
    assert p.valid.iloc[0]["received_total"] == 10 and p.valid.iloc[0]["in_progress_total"] == 2
    reasons = p.rejects.groupby("row_number")["reason"].apply(" | ".join)
    assert "(8)+(9)+(10) = 3" in reasons[11]
    assert "không bằng (4)+(5)+(6) = 6 cũng không bằng (7)+(11) = 7" in reasons[12]
    assert "(12)+(13) = 1" in reasons[13] and "(4)+(5)+(6)" not in reasons[13]
    assert "«abc» không phải số nguyên" in reasons[14]
    assert p.identities["resolved_split"] == {"formula": "(7) = (8) + (9) + (10)", "holds": 3, "fails": 1}
    assert p.received_reading is None  # rows follow different readings of (3)


def test_which_reading_of_column_3_holds(wh, tmp_path):
    by_outcome = write_form06(tmp_path / "a.xlsx", [["Hộ tịch", 10, 3, 3, 1, 8, 3, 4, 1, 2, 2, 0]])
    assert form06_reader.prepare_form06(by_outcome, wh=wh).received_reading == "received_by_outcome"
    by_channel = write_form06(tmp_path / "b.xlsx", [["Hộ tịch", 10, 4, 5, 1, 7, 3, 3, 1, 2, 2, 0]])
    assert form06_reader.prepare_form06(by_channel, wh=wh).received_reading == "received_by_channel"
    both = write_form06(tmp_path / "c.xlsx", [GOOD])
    assert form06_reader.prepare_form06(both, wh=wh).received_reading == "both"


def test_missing_unit_or_period_must_come_from_the_upload_form(wh, tmp_path):
    path = write_form06(tmp_path / "b06.xlsx", [GOOD], unit="Xã Không Có", period=None)
    p = form06_reader.prepare_form06(path, wh=wh)
    assert not p.ready and len(p.problems) == 2 and "Xã Không Có" in p.problems[0]
    p = form06_reader.prepare_form06(path, wh=wh, unit_id=PHUOC_AN, period=(Q2.start, Q2.end))
    assert p.ready and (p.period_from, p.period_to) == (Q2.start, Q2.end)
    assert form06_reader.parse_period("6 tháng đầu năm 2024") == (dt.date(2024, 1, 1), dt.date(2024, 6, 30))
    assert form06_reader.parse_period("Kỳ báo cáo: Năm 2023") == (dt.date(2023, 1, 1), dt.date(2023, 12, 31))
    assert form06_reader.parse_period("Từ ngày 15/12/2023 đến ngày 14/03/2024") == (dt.date(2023, 12, 15), dt.date(2024, 3, 14))


def test_aggregates_enter_the_kpis_with_their_source_marked(wh, tmp_path):
    add_dossiers(wh, [dossier("A", received="05/02/2024", due="10/02/2024", finished="09/02/2024", digitized=True,
                              e_result=True)])
    load(wh, write_form06(tmp_path / "b06.xlsx", [GOOD, GOOD2]))
    c = metrics.counts(wh, Q1).iloc[0]
    assert (c["received"], c["received_online"], c["carried_over"]) == (1 + 9 + 5, 4 + 5, 1)
    assert (c["resolved"], c["resolved_early"], c["resolved_on_time"], c["resolved_overdue"]) == (14, 9, 4, 1)
    assert (c["in_progress"], c["in_progress_within"], c["agg_units"]) == (2, 2, 1)
    row = metrics.kpi_table(wh, Q1).iloc[0]
    assert row["on_time_rate"] == pytest.approx(13 / 14)
    # the form has no digitization / e-result figures: its units stay out of those denominators
    assert row["digitization_rate"] == 1.0 and row["e_result_rate"] == 1.0
    by_unit = metrics.kpi_table(wh, Q1, group_by=("unit",)).set_index("unit_id")
    assert by_unit.loc[PHUOC_AN, "agg_units"] == 1 and by_unit.loc[unit_id_for("Sở Tư pháp"), "agg_units"] == 0
    assert by_unit.loc[PHUOC_AN, "digitization_rate"] is None  # no data, not 0%
    by_field = metrics.kpi_table(wh, Q1, group_by=("level", "field")).set_index(["level", "field"])
    assert by_field.loc[("commune", "Chứng thực"), "resolved"] == 5
    summary = metrics.summary(wh, Q1)
    assert summary["levels"]["commune"]["received"] == 14 and summary["total"]["received"] == 15


def test_no_double_counting_when_the_unit_has_dossier_records(wh, tmp_path):
    load(wh, write_form06(tmp_path / "b06.xlsx", [GOOD]))
    assert metrics.counts(wh, Q1).iloc[0]["received"] == 9
    add_dossiers(wh, [dossier("X", unit="UBND xã Phước An", received="20/03/2024", due="25/03/2024")])
    c = metrics.counts(wh, Q1).iloc[0]
    assert (c["received"], c["agg_units"]) == (1, 0)  # the per-dossier export wins; the form is ignored


def test_a_form_counts_only_inside_the_query_period_and_stocks_are_not_summed(wh, tmp_path):
    q1 = ["Hộ tịch", 10, 4, 5, 1, 8, 3, 4, 1, 2, 2, 0]
    q2 = ["Hộ tịch", 7, 3, 2, 2, 4, 2, 2, 0, 3, 1, 2]
    load(wh, write_form06(tmp_path / "q1.xlsx", [q1]))
    load(wh, write_form06(tmp_path / "q2.xlsx", [q2], period="Quý II/2024"))
    year = metrics.counts(wh, periods.half(2024, 1)).iloc[0]
    assert (year["received"], year["resolved"]) == (9 + 5, 8 + 4)          # flows add up
    assert (year["carried_over"], year["in_progress"], year["in_progress_overdue"]) == (1, 3, 2)  # first / last
    assert metrics.counts(wh, periods.month(2024, 3)).iloc[0]["agg_units"] == 0  # a quarter says nothing of March
    months = metrics.counts(wh, periods.half(2024, 1), group_by=("quarter",))
    assert list(months["received"]) == [9, 5]
    # a 6-month form over the same unit and field replaces the quarters it contains
    load(wh, write_form06(tmp_path / "h1.xlsx", [["Hộ tịch", 20, 10, 9, 1, 17, 10, 5, 2, 3, 1, 2]],
                          period="6 tháng đầu năm 2024"))
    assert metrics.counts(wh, periods.year(2024)).iloc[0]["received"] == 19


def test_reupload_newest_wins_same_file_unchanged_and_undo_restores(wh, tmp_path):
    first = write_form06(tmp_path / "v1.xlsx", [GOOD])
    _, r1 = load(wh, first)
    assert (r1.rows_new, r1.rows_updated) == (1, 0)
    p, r_same = load(wh, first)
    assert (r_same.rows_new, r_same.rows_updated, r_same.rows_unchanged) == (0, 0, 1)
    before = metrics.summary(wh, Q1)
    _, r2 = load(wh, write_form06(tmp_path / "v2.xlsx", [["Hộ tịch", 12, 6, 5, 1, 10, 5, 4, 1, 2, 2, 0]]))
    assert r2.rows_updated == 1
    assert metrics.counts(wh, Q1).iloc[0]["received"] == 11
    etl_upload.undo(wh, r2.batch_id, user=ADMIN)
    assert metrics.summary(wh, Q1) == before
    status = dict(wh.query("SELECT batch_id, status FROM load_batches"))
    assert status[r2.batch_id] == "undone" and wh.query("SELECT kind FROM load_batches LIMIT 1")[0][0] == "form06"
    with pytest.raises(etl_upload.UndoError):
        etl_upload.undo(wh, r2.batch_id, user=ADMIN)


def test_rows_of_a_unit_outside_the_scope_are_rejected(wh, tmp_path):
    scope = Scope(kind="units", unit_ids=(unit_id_for("Sở Tư pháp"),))
    p = form06_reader.prepare_form06(write_form06(tmp_path / "b06.xlsx", [GOOD]), wh=wh, scope=scope)
    assert p.valid.empty and "ngoài phạm vi" in p.rejects.iloc[0]["reason"]


def test_round_trip_with_the_exported_report(wh, tmp_path):
    """The report engineer's Biểu 06 export reads back as the same figures."""
    source = Warehouse(tmp_path / "source.duckdb")
    add_dossiers(source, [
        dossier("A", unit="UBND xã Phú Hữu", received="02/03/2024", due="10/03/2024", finished="05/03/2024", channel="online"),
        dossier("B", unit="UBND xã Phú Hữu", received="03/03/2024", due="08/03/2024", finished="12/03/2024"),
        dossier("C", unit="UBND xã Phú Hữu", received="25/02/2024", due="28/03/2024", field="Đất đai"),
    ])
    march = periods.month(2024, 3)
    data = form06.form06_xlsx(source, march, reporting_unit="UBND xã Phú Hữu")
    p = form06_reader.prepare_form06(data, "bieu06.xlsx", wh=wh)
    assert p.unit_id == unit_id_for("UBND xã Phú Hữu") and (p.period_from, p.period_to) == (march.start, march.end)
    assert p.rejects.empty and p.received_reading == "both"
    form06_reader.load_form06(wh, p)
    mine, theirs = metrics.counts(wh, march).iloc[0], metrics.counts(source, march).iloc[0]
    for column in ("received", "received_online", "carried_over", "resolved", "resolved_early", "resolved_overdue",
                   "in_progress", "in_progress_within", "in_progress_overdue"):
        assert mine[column] == theirs[column], column


def test_upload_page_takes_a_form06(wh, tmp_path, monkeypatch):
    monkeypatch.setenv("TTHC_DB", str(wh.path))
    path = write_form06(tmp_path / "bieu06.xlsx", [GOOD, ["Đất đai", 6, 2, 3, 1, 5, 1, 1, 1, 1, 1, 0]])
    at = page("upload", User("chuyenvien", "analyst"))
    at.run()
    upload(at, (path.name, path.read_bytes()))
    assert not at.exception, [e.value for e in at.exception]
    assert page_metrics(at) == {"Dòng mới": "1", "Cập nhật": "0", "Không đổi": "0", "Dòng bị loại": "1"}
    assert at.selectbox(key=[s.key for s in at.selectbox if s.key.startswith("f06u_")][0]).value == PHUOC_AN
    assert any("(7) = (8) + (9) + (10): đúng 1/2 dòng" in m.value for m in at.markdown)
    button(at, "Xác nhận nạp").click().run()
    assert not at.exception
    assert "Đã nạp xong lượt" in at.success[0].value
    assert wh.query("SELECT kind, rows_loaded, rows_rejected, user_name FROM load_batches") == [("form06", 1, 1, "chuyenvien")]
    assert metrics.counts(wh, Q1).iloc[0]["agg_units"] == 1


def test_overview_says_which_figures_came_from_the_form(wh, tmp_path, monkeypatch):
    """Leaders see that some units' numbers are Biểu 06 aggregates, not dossier records."""
    from streamlit.testing.v1 import AppTest

    from kpi.text import vi

    add_dossiers(wh, [dossier("A", received="05/02/2024", due="10/02/2024", finished="09/02/2024")])
    load(wh, write_form06(tmp_path / "b06.xlsx", [GOOD, GOOD2]))
    monkeypatch.setenv("TTHC_DB", str(wh.path))
    at = AppTest.from_file(str(Path(__file__).resolve().parent.parent / "dashboard.py"), default_timeout=60)
    at.session_state["user"] = ADMIN
    at.session_state["last_seen"] = dt.datetime.now()
    at.session_state["flt_kind"] = "quarter"
    at.session_state["flt_quarter"] = "2024-Q1"
    at.run().run()
    assert not at.exception
    notes = [i.value for i in at.info]
    assert vi.FROM_FORM06.format(n="1") in notes


def test_a_few_dossier_counts_read_alone_equal_the_full_counts(wh, tmp_path):
    """metrics.dossier_totals (the meeting's hot spots): only the counts asked for, Biểu 06 forms included,
    the same numbers as metrics.counts; by procedure from the dossier rows (the form has no procedure)."""
    add_dossiers(wh, [
        dossier("late", received="05/02/2024", due="10/02/2024", finished="20/02/2024"),
        dossier("open", received="10/02/2024", due="15/02/2024", procedure="Đăng ký kết hôn"),  # overdue at 01/03
        dossier("early", received="05/02/2024", due="10/02/2024", finished="09/02/2024", field="Chứng thực"),
        dossier("data date", received="01/03/2024", field="Chứng thực")])
    load(wh, write_form06(tmp_path / "b06.xlsx", [["Hộ tịch", 10, 4, 5, 1, 8, 3, 4, 1, 2, 1, 1], GOOD2]))
    shown = ("resolved_overdue", "in_progress_overdue")
    by_procedure = metrics.dossier_totals(wh, Q1, group_by=("procedure",), columns=shown)
    assert {(r.procedure if isinstance(r.procedure, str) else None, r.resolved_overdue, r.in_progress_overdue)
            for r in by_procedure.itertuples()} == {
        ("Đăng ký khai sinh", 1, 0), ("Đăng ký kết hôn", 0, 1), (None, 1, 1)}  # the form's 1 + 1: no procedure
    for group_by in [(), ("unit",), ("field",), ("procedure",), ("month", "level")]:
        keys = [c for c in metrics.grouping.key_columns(group_by)]
        narrow = metrics.dossier_totals(wh, Q1, group_by=group_by, columns=shown)
        assert list(narrow.columns) == keys + list(shown) + ["agg_units", "agg_received", "agg_resolved"]
        full = metrics.counts(wh, Q1, group_by=group_by)[keys + list(shown)]
        full = full[(full[list(shown)] != 0).any(axis=1)].reset_index(drop=True)
        narrow = narrow[(narrow[list(shown)] != 0).any(axis=1)][keys + list(shown)].reset_index(drop=True)
        assert narrow.astype(str).equals(full.astype(str)), group_by

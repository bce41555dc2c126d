"""Biểu số 06/VPCP/KSTT: numbers equal metrics.kpi_table, identities hold, the .xlsx is the official layout."""
from __future__ import annotations

import openpyxl
import pytest

from kpi.measures import metrics, periods
from kpi.reports import form06
from kpi.measures.filters import Filters, Scope
from kpi.measures.levels import unit_id_for
from tests.report_data import build_report_db

OCTOBER = periods.month(2024, 10)
ODD_FIELDS = ["=SUM(A1)", "+84 912", "-1+2", "@cmd"]


@pytest.fixture(scope="module")
def wh(tmp_path_factory):
    return build_report_db(tmp_path_factory.mktemp("forms") / "form06.duckdb",
                           extra_fields={"Sở Tư pháp": ODD_FIELDS})


@pytest.fixture(scope="module")
def exported(wh, tmp_path_factory):
    path = tmp_path_factory.mktemp("xlsx") / "bieu06.xlsx"
    rows = form06.write_form06(wh, OCTOBER, None, None, path)
    return path, rows


def _expected(table, level=None, field="__all__"):
    frame = table
    if level is not None:
        frame = frame[frame["level"] == level]
    if field != "__all__":
        frame = frame[frame["field"] == field]
    s = frame.sum(numeric_only=True)
    return {
        "c3": s["received"] + s["carried_over"], "c4": s["received_online"],
        "c5": s["received_direct"] + s["received_postal"], "c6": s["carried_over"], "c7": s["resolved"],
        "c8": s["resolved_early"], "c9": s["resolved_on_time"], "c10": s["resolved_overdue"],
        "c11": s["in_progress"], "c12": s["in_progress_within"], "c13": s["in_progress_overdue"],
    }


def test_rows_match_kpi_table(wh):
    rows = form06.form06_rows(wh, OCTOBER)
    table = metrics.kpi_table(wh, OCTOBER, None, None, ("level", "field"))
    assert [r["kind"] for r in rows][-1] == "total"
    assert [r["label"] for r in rows if r["kind"] == "level"] == ["Cấp tỉnh", "Cấp huyện", "Cấp xã"]
    checked = 0
    for row in rows:
        if row["kind"] == "field":
            expected = _expected(table, row["level"], row["field"])
        elif row["kind"] == "level":
            expected = _expected(table, row["level"])
        else:
            expected = _expected(table)
        assert {c: row[c] for c in form06.NUMBER_COLUMNS} == {c: int(v) for c, v in expected.items()}, row["label"]
        checked += 1
    assert checked == len(rows) > 10
    total = metrics.summary(wh, OCTOBER)["total"]
    assert rows[-1]["c7"] == total["resolved"] and rows[-1]["c11"] == total["in_progress"]


def test_identities_hold_on_every_row(wh):
    rows = form06.form06_rows(wh, OCTOBER)
    assert form06.check_identities(rows) == []
    assert form06.identities_holding(rows) == {name: True for name in form06.IDENTITIES}


def test_identity_violation_reported_with_which_identity():
    rows = [{"kind": "field", "stt": "1", "label": "Hộ tịch", "level": "commune",
             "c3": 10, "c4": 3, "c5": 4, "c6": 2, "c7": 6, "c8": 3, "c9": 2, "c10": 1, "c11": 4, "c12": 4, "c13": 0}]
    violations = form06.check_identities(rows)
    assert [v["identity"] for v in violations] == ["received_by_channel"]
    assert violations[0]["left"] == 10 and violations[0]["right"] == 9 and violations[0]["formula"] == "(3) = (4) + (5) + (6)"
    assert form06.identity_status(rows[0]) == {"received_by_channel": False, "received_by_outcome": True,
                                              "resolved_split": True, "in_progress_split": True}


def test_level_and_scope_narrow_the_form(wh):
    district = form06.form06_rows(wh, OCTOBER, level="district")
    assert [r["level"] for r in district if r["kind"] == "level"] == ["district"]
    table = metrics.kpi_table(wh, OCTOBER, Filters(level="district"), None, ())
    assert district[-1]["c7"] == int(table["resolved"].iloc[0])
    scope = Scope(kind="units", unit_ids=(unit_id_for("UBND xã Phú Hữu"),))
    scoped = form06.form06_rows(wh, OCTOBER, scope=scope)
    assert [r["level"] for r in scoped if r["kind"] == "level"] == ["commune"]
    expected = metrics.kpi_table(wh, OCTOBER, None, scope, ())
    assert scoped[-1]["c3"] == int(expected["received"].iloc[0] + expected["carried_over"].iloc[0])
    assert form06.check_identities(scoped) == []


def test_empty_warehouse_gives_zero_rows(empty_db):
    from kpi.warehouse.db import Warehouse

    rows = form06.form06_rows(Warehouse(empty_db), OCTOBER)
    assert rows[-1]["kind"] == "total" and all(rows[-1][c] == 0 for c in form06.NUMBER_COLUMNS)
    assert form06.check_identities(rows) == []


def test_xlsx_numbers_equal_rows_and_metrics(exported, wh):
    path, rows = exported
    ws = openpyxl.load_workbook(path)["Biểu 06"]
    first = form06.DATA_FIRST_ROW
    table = metrics.kpi_table(wh, OCTOBER, None, None, ("level", "field"))
    for i, row in enumerate(rows):
        excel = [ws.cell(first + i, c).value for c in range(1, 14)]
        assert excel[0] == (row["stt"] or None) and excel[1] == row["label"]
        assert excel[2:] == [row[c] for c in form06.NUMBER_COLUMNS]
        for v in excel[2:]:
            assert isinstance(v, int)
    # The total row against kpi_table directly, and the identities on what Excel will show.
    total = [ws.cell(first + len(rows) - 1, c).value for c in range(3, 14)]
    assert total == [int(v) for v in _expected(table).values()]
    c = dict(zip(form06.NUMBER_COLUMNS, total))
    assert c["c3"] == c["c4"] + c["c5"] + c["c6"] == c["c7"] + c["c11"]
    assert c["c7"] == c["c8"] + c["c9"] + c["c10"] and c["c11"] == c["c12"] + c["c13"]
    assert ws.cell(first, 3).number_format == "#,##0"


def test_xlsx_title_block_and_merged_headers(exported):
    path, _ = exported
    ws = openpyxl.load_workbook(path)["Biểu 06"]
    texts = [ws.cell(r, c).value for r in range(1, 9) for c in range(1, 14)]
    assert "Biểu số 06/VPCP/KSTT" in texts
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in texts and "Độc lập - Tự do - Hạnh phúc" in texts
    assert "TÌNH HÌNH, KẾT QUẢ GIẢI QUYẾT THỦ TỤC HÀNH CHÍNH" in texts
    assert any(isinstance(t, str) and t.startswith("Kỳ báo cáo: Tháng 10/2024 (từ ngày 01/10/2024 đến ngày 31/10/2024)") for t in texts)
    assert any(isinstance(t, str) and t.startswith("Đơn vị báo cáo:") for t in texts)
    merged = {str(r) for r in ws.merged_cells.ranges}
    h = form06.HEADER_FIRST + 1
    assert {f"C{h}:F{h}", f"G{h}:J{h}", f"K{h}:M{h}", f"A{h}:A{h + 2}", f"B{h}:B{h + 2}",
            f"D{h + 1}:F{h + 1}", f"C{h + 1}:C{h + 2}"} <= merged
    assert ws.cell(h, 3).value == "Số hồ sơ nhận giải quyết"
    assert ws.cell(h, 7).value == "Số hồ sơ đã giải quyết"
    assert ws.cell(h, 11).value == "Số hồ sơ đang giải quyết"
    assert [ws.cell(form06.HEADER_LAST + 1, c).value for c in range(1, 14)] == [f"({i})" for i in range(1, 14)]


def test_xlsx_print_setup(exported):
    path, _ = exported
    ws = openpyxl.load_workbook(path)["Biểu 06"]
    assert ws.page_setup.orientation == "landscape"
    assert int(ws.page_setup.paperSize) == 9  # A4
    assert ws.sheet_properties.pageSetUpPr.fitToPage is True
    # fitToWidth defaults to 1 in SpreadsheetML (xlsxwriter omits it); 0 pages tall = as many as needed.
    assert (ws.page_setup.fitToWidth or 1) == 1 and ws.page_setup.fitToHeight == 0
    assert ws.print_title_rows == f"${form06.HEADER_FIRST + 1}:${form06.HEADER_LAST + 1}"
    assert ws.page_margins.left == pytest.approx(0.4)


def test_formula_like_names_stay_text(exported):
    path, rows = exported
    wb = openpyxl.load_workbook(path)
    ws = wb["Biểu 06"]
    labels = {}
    for row in ws.iter_rows(min_row=form06.DATA_FIRST_ROW):
        cell = row[1]
        if isinstance(cell.value, str):
            labels[cell.value] = cell
    for name in ODD_FIELDS:
        assert name in labels, name
        assert labels[name].data_type == "s", name  # 's' string, never 'f' formula
    assert not any(c.data_type == "f" for r in ws.iter_rows() for c in r)


def test_export_to_buffer_returns_bytes(wh):
    data = form06.form06_xlsx(wh, OCTOBER, None, "commune")
    assert data[:2] == b"PK"

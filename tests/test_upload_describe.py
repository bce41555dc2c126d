"""Issue 17 item 6: the manual-mapping drop-down shows each column's letter and sample values;
a refused file says what was read (sheets, rows, columns), never a bare 'Số dòng đọc được 0'."""
from __future__ import annotations

import pytest

from etl import describe, upload as etl_upload
from kpi.access.permissions import User
from kpi.warehouse.db import Warehouse
from tests.upload_helpers import HEADERS, dossier_row, no_exceptions, page, upload, write_table

ANALYST = User("chuyenvien", "analyst")


@pytest.fixture()
def wh(tmp_path, monkeypatch) -> Warehouse:
    wh = Warehouse(tmp_path / "describe.duckdb")
    monkeypatch.setenv("TTHC_DB", str(wh.path))
    return wh


def odd_file(tmp_path):
    """Three dossiers whose code column is headed 'ID giao dịch' (column A) and due date 'Hạn xử lý HS' (G)."""
    headers = ["ID giao dịch", *HEADERS[1:6], "Hạn xử lý HS", *HEADERS[7:]]
    rows = [dossier_row("H01", due="05/03/2024"), dossier_row("H02", due="12/03/2024"), dossier_row("H03")]
    return write_table(tmp_path / "odd.xlsx", headers, rows, title=["DANH SÁCH HỒ SƠ", ""])


def test_inspection_carries_column_letters_samples_and_rows_under_the_header(wh, tmp_path):
    path = odd_file(tmp_path)
    ins = etl_upload.inspect(wh, path.read_bytes(), path.name)
    assert ins.needs_mapping and ins.prepared.rows_read == 0
    assert ins.rows_found == 3
    assert ins.column_samples["ID giao dịch"] == describe.ColumnSample("A", "ID giao dịch", ("H01", "H02"))
    assert ins.column_samples["Ngày tiếp nhận"].letter == "F"


def test_mapping_dropdown_shows_letter_and_sample_values(wh, tmp_path):
    path = odd_file(tmp_path)
    at = page("upload", ANALYST)
    at.run()
    at = upload(at, (path.name, path.read_bytes()))
    no_exceptions(at)
    box = next(s for s in at.selectbox if s.key.startswith("map_") and s.key.endswith("_code"))
    assert "Cột A — ID giao dịch (vd: H01, H02)" in box.options  # the options as the page shows them
    text = " ".join(m.value for m in at.markdown)
    assert "Số dòng dữ liệu dưới tiêu đề" in text and "Số dòng đọc được" not in text


def test_refused_file_says_what_was_read(wh, tmp_path):
    path = write_table(tmp_path / "lạ.xlsx", ["Họ tên", "Địa chỉ", "Ghi chú"],
                       [["Nguyễn Văn A", "Biên Hòa", ""], ["Trần Thị B", "Long Khánh", "x"]], title=["BÁO CÁO KHÁC"])
    at = page("upload", ANALYST)
    at.run()
    at = upload(at, (path.name, path.read_bytes()))
    no_exceptions(at)
    assert "Không tìm thấy dòng tiêu đề" in at.error[0].value
    said = " ".join(c.value for c in at.caption)
    assert "Đã đọc 1 trang tính: «Dữ liệu» 4 dòng × 3 cột có dữ liệu." in said
    assert "Dòng có chữ đầu tiên (trang «Dữ liệu», dòng 1): «BÁO CÁO KHÁC»." in said


def test_shown_values_read_day_first_and_are_cut():
    assert describe._shown("2024-03-05 00:00:00") == "05/03/2024"
    assert describe._shown("2024-03-05 08:30:00") == "05/03/2024 08:30"
    assert describe._shown("x" * 40) == "x" * 23 + "…"

"""Section rows of grouped reports ("I. Lĩnh vực Hộ tịch": one cell, no code) are not data rows: a clean
grouped export loads with every dossier and no rejected row; a one-cell row holding a code is still data."""
from __future__ import annotations

from etl.load import load_file
from kpi.warehouse.db import Warehouse

HEADER = "STT,Mã hồ sơ,Cơ quan tiếp nhận,Ngày tiếp nhận,Ngày hẹn trả,Ngày có kết quả"


def _load(tmp_path, lines):
    path = tmp_path / "nhom.csv"
    path.write_text("\n".join([HEADER, *lines]) + "\n", encoding="utf-8")
    return load_file(Warehouse(tmp_path / "kho.duckdb"), path)


def test_section_rows_are_skipped(tmp_path):
    result = _load(tmp_path, [
        "I. Lĩnh vực Hộ tịch,,,,,",
        "1,HS-1,Sở Tư pháp,04/03/2024 08:00,08/03/2024,07/03/2024 10:00",
        "2,HS-2,Sở Tư pháp,05/03/2024 08:00,09/03/2024,",
        "II. Lĩnh vực Chứng thực,,,,,",
        "3,HS-3,Sở Tư pháp,06/03/2024 08:00,10/03/2024,",
    ])
    assert (result.counts["rows_loaded"], result.counts["rows_rejected"]) == (3, 0)


def test_a_lone_code_is_still_a_row_to_fix(tmp_path):
    result = _load(tmp_path, [
        "1,HS-1,Sở Tư pháp,04/03/2024 08:00,08/03/2024,07/03/2024 10:00",
        ",HS-9,,,,",
    ])
    assert (result.counts["rows_loaded"], result.counts["rows_rejected"]) == (1, 1)

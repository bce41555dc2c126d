"""Unknown is not "no" on the metrics side (DOMAIN §4, issue 11 item 3).

In ``dossiers`` a NULL digitized / e_result / channel means the file did not say.
Each rate counts only rows where its flag is known, and says how many that is.
"""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import openpyxl
import pytest

from etl.load import load_file
from kpi.measures import metrics, periods
from kpi.reports import form06
from kpi.text import vi
from kpi.warehouse.db import Warehouse
from tests.factories import add_dossiers, dossier

ROOT = Path(__file__).resolve().parent.parent
MARCH = periods.month(2024, 3)


@pytest.fixture()
def wh(tmp_path):
    """Six dossiers received and finished in March 2024 (comments: digitized / e_result / channel)."""
    wh = Warehouse(tmp_path / "cov.duckdb")
    add_dossiers(wh, [
        dossier("A", received="01/03/2024", finished="02/03/2024", digitized=True, e_result=True, channel="online"),
        dossier("B", received="01/03/2024", finished="02/03/2024", digitized=False, e_result=False, channel="direct"),
        dossier("C", received="01/03/2024", finished="02/03/2024", digitized=True, e_result=None, channel="other"),
        dossier("D", received="01/03/2024", finished="02/03/2024", digitized=None, e_result=None, channel=None),
        dossier("E", received="01/03/2024", finished="02/03/2024", digitized=None, e_result=True, channel="postal"),
        dossier("F", received="01/03/2024", finished="02/03/2024", digitized=None, e_result=None, channel=None),
    ])
    return wh


def test_each_rate_counts_only_known_rows(wh):
    row = metrics.kpi_table(wh, MARCH).iloc[0].to_dict()
    assert row["received"] == 6 and row["resolved"] == 6
    # Digitization: known A B C, digitized A C → 2/3 (not 2/6).
    assert (row["digitization_rate__num"], row["digitization_rate__den"]) == (2, 3)
    assert row["digitization_rate"] == pytest.approx(2 / 3)
    # E-result: known A B E, yes A E → 2/3.
    assert row["e_result_rate"] == pytest.approx(2 / 3)
    # Online: known A B C E ('other' is known: in the denominator, never online) → 1/4.
    assert (row["online_rate__num"], row["online_rate__den"]) == (1, 4)
    assert metrics.coverage(row, "digitization_rate") == (3, 6)
    assert metrics.coverage(row, "online_rate") == (4, 6)
    assert metrics.coverage(row, "on_time_rate") is None


def test_coverage_words_only_below_full():
    assert vi.coverage_note((8123, 10000)) == "tính trên 8.123 / 10.000 hồ sơ có dữ liệu"
    assert vi.coverage_note((10, 10)) is None and vi.coverage_note((0, 0)) is None and vi.coverage_note(None) is None
    assert vi.coverage_sentences({"digitization_rate": (3, 6), "online_rate": (4, 4)}) == \
        "Số hóa hồ sơ: tính trên 3 / 6 hồ sơ có dữ liệu."


def test_summary_json_has_coverage(wh):
    out = subprocess.run([sys.executable, "-m", "kpi", "summary", "--db", str(wh.path), "--from", "2024-03-01",
                          "--to", "2024-03-31", "--json"], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    data = json.loads(out.stdout)
    assert data["coverage"]["total"] == {
        "digitization_rate": {"known": 3, "total": 6},
        "e_result_rate": {"known": 3, "total": 6},
        "online_rate": {"known": 4, "total": 6},
    }
    assert data["coverage"]["levels"]["province"]["online_rate"] == {"known": 4, "total": 6}
    assert data["coverage"]["levels"]["commune"]["online_rate"] == {"known": 0, "total": 0}
    assert data["total"]["digitization_rate"] == pytest.approx(2 / 3)
    table = subprocess.run([sys.executable, "-m", "kpi", "summary", "--db", str(wh.path), "--from", "2024-03-01",
                            "--to", "2024-03-31"], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert "Số hóa hồ sơ: tính trên 3 / 6 hồ sơ có dữ liệu." in table.stdout


def test_no_known_row_is_no_data(tmp_path):
    wh = Warehouse(tmp_path / "none.duckdb")
    add_dossiers(wh, [dossier("A", received="01/03/2024", finished="02/03/2024", digitized=None, e_result=None,
                              channel=None)])
    total = metrics.summary(wh, MARCH)["total"]
    assert total["received"] == 1
    assert total["digitization_rate"] is None and total["e_result_rate"] is None and total["online_rate"] is None


def _write_export(path: Path, rows: list[list], header: list[str]) -> Path:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    book.save(path)
    return path


HEADER = ["Mã hồ sơ", "Đơn vị tiếp nhận", "Lĩnh vực", "Tên thủ tục", "Ngày tiếp nhận", "Ngày hẹn trả",
          "Ngày có kết quả", "Hình thức nộp"]


def test_a_file_without_a_digitization_column(tmp_path):
    """Rate = known rows only; no data when none is known."""
    wh = Warehouse(tmp_path / "files.duckdb")
    without = [[f"K{i}", "Sở Tư pháp", "Hộ tịch", "Đăng ký khai sinh", "04/03/2024", "10/03/2024", "06/03/2024",
                "Trực tiếp"] for i in range(3)]
    load_file(wh, _write_export(tmp_path / "no_dig.xlsx", without, HEADER))
    assert metrics.summary(wh, MARCH)["total"]["digitization_rate"] is None
    # A second file says digitization for 2 dossiers (1 yes): the rate is 1/2 over 5 received.
    with_column = [[f"S{i}", "Sở Tư pháp", "Hộ tịch", "Đăng ký khai sinh", "05/03/2024", "10/03/2024", "06/03/2024",
                    "Trực tiếp", flag] for i, flag in enumerate(["Có", "Không"])]
    load_file(wh, _write_export(tmp_path / "dig.xlsx", with_column, HEADER + ["Số hóa hồ sơ"]))
    result = metrics.summary(wh, MARCH)
    assert result["total"]["received"] == 5
    assert result["total"]["digitization_rate"] == pytest.approx(1 / 2)
    assert result["coverage"]["total"]["digitization_rate"] == {"known": 2, "total": 5}


def test_form06_notes_dossiers_outside_columns_4_and_5(wh, tmp_path):
    out = tmp_path / "b06.xlsx"
    form06.write_form06(wh, MARCH, None, None, out)
    texts = [c.value for row in openpyxl.load_workbook(out).active.iter_rows() for c in row if isinstance(c.value, str)]
    # C ('other'), D and F (unknown) are received but neither online nor in person / postal.
    assert vi.FORM06_CHANNEL_NOTE.format(n=3) in texts


def test_slide_narrative_says_coverage(wh):
    from kpi.reports import slides

    summary = slides.build_slides(wh, MARCH)[0]
    assert "Số hóa hồ sơ: tính trên 3 / 6 hồ sơ có dữ liệu." in summary.narrative
    assert "Nộp trực tuyến: tính trên 4 / 6 hồ sơ có dữ liệu." in summary.narrative


def test_tiles_say_coverage(wh, monkeypatch):
    from tests.test_pages import make_app

    at = make_app(monkeypatch, wh.path, month="2024-03")
    assert not at.exception, [e.message for e in at.exception]
    captions = [c.value for c in at.caption]
    assert "tính trên 3 / 6 hồ sơ có dữ liệu" in captions   # digitization and e-result tiles
    assert "tính trên 4 / 6 hồ sơ có dữ liệu" in captions   # online tile

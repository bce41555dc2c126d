"""The year-end forecast on the meeting slides and in the PDF pack (issue 14 item 5)."""
from __future__ import annotations

import datetime as dt
import shutil
import subprocess

import pytest

from kpi.measures import forecast, periods
from kpi.measures.targets import Target
from kpi.reports import forecast_slide, pack, slides as slides_mod
from kpi.text import vi
from kpi.warehouse.db import Warehouse
from tests.report_data import build_report_db

OCTOBER = periods.month(2024, 10)


@pytest.fixture(scope="module")
def wh(tmp_path_factory) -> Warehouse:
    return build_report_db(tmp_path_factory.mktemp("forecast_slides") / "report.duckdb")


def test_the_deck_has_a_year_end_slide_equal_to_the_engine(wh):
    deck = slides_mod.build_slides(wh, OCTOBER)
    # 11 rows (three levels in 2024): 7 on the first screen, the rest on the next.
    assert [s.key for s in deck][-3:] == ["forecast", "forecast:2", "hotspots"]
    slide = next(s for s in deck if s.key == "forecast")
    rest = next(s for s in deck if s.key == "forecast:2")
    assert len(slide.table["rows"]) == 7 and rest.title.endswith("(tiếp)")
    slide.table["rows"] += rest.table["rows"]
    in_force = slides_mod.in_force_targets(wh, 2024)
    result, as_of = forecast.for_warehouse(wh, 2024, in_force, OCTOBER.end,
                                           slides_mod.DOSSIER_RATES + slides_mod.PAKN_RATES)
    assert as_of == dt.date(2024, 10, 31)
    on_time = result["on_time_rate"].total
    row = slide.table["rows"][0]
    assert row[:3] == ["Giải quyết đúng hạn (TT 01)", "Toàn tỉnh", forecast.rate_text(on_time.so_far)]
    assert row[3] == f"{forecast.rate_text(on_time.value)} ({forecast.bound_text(on_time.low)}–{forecast.bound_text(on_time.high)})"
    assert row[4] == "≥ 97%"
    # The data starts in September 2024: no earlier year, the pace of September–October continues.
    assert on_time.method == forecast.LINEAR and "theo xu hướng năm 2024" in slide.subtitle
    # Digitization has a target per level: one row per level; online_rate has no target: no row.
    assert [r[1] for r in slide.table["rows"] if r[0] == "Số hóa hồ sơ"] == ["Cấp tỉnh", "Cấp huyện", "Cấp xã"]
    assert not [r for r in slide.table["rows"] if r[0] == "Trực tuyến"]
    # The 766 groups from the same read: the simulated total's year-end forecast closes the narrative.
    from kpi.measures import forecast766

    index = forecast766.for_warehouse(wh, 2024, OCTOBER.end)
    assert slide.narrative.endswith(forecast_slide.index_sentence(index))
    assert forecast_slide.index_sentence(index).startswith(f"Chỉ số 766 (mô phỏng) dự báo cuối năm {vi.num(index.value, 2)} điểm")
    met, total = slide.data["met"], slide.data["total"]
    assert slide.headline == f"{met}/{total}" and total == len(slide.table["rows"])


@pytest.mark.parametrize("period", [periods.month(2023, 6), periods.month(2024, 8)], ids=["year-before", "month-before"])
def test_a_period_before_the_data_has_no_year_end_slide_and_does_not_fail(wh, period):
    """The data starts on 01/09/2024: a deck of a period before it used to raise 'Kỳ không hợp lệ'."""
    deck = slides_mod.build_slides(wh, period)
    assert deck and "forecast" not in [s.key for s in deck]


def test_no_year_end_slide_once_the_year_is_over(sample_db):
    deck = slides_mod.build_slides(Warehouse(sample_db), periods.month(2025, 12))  # the data ends on 31/12/2025
    assert "forecast" not in [s.key for s in deck]


def _f(pace: str, value: float, required: float | None, threshold: float = 0.97) -> forecast.Forecast:
    target = Target("on_time_rate", threshold, ">=", None, None, "", 2025, 2025)
    return forecast.Forecast("on_time_rate", None, 2025, dt.date(2025, 9, 30), forecast.SEASONAL, 0.95, value,
                             value - 0.01, value + 0.01, target=target, required=required, pace=pace)


def test_the_narrative_names_the_unreachable_then_the_behind_then_the_rest():
    items = [("Giải quyết đúng hạn", "Toàn tỉnh", _f(forecast.IMPOSSIBLE, 0.9, 1.3)),
             ("Số hóa hồ sơ", "Cấp tỉnh", _f(forecast.NEEDED, 0.68, 0.74, 0.70)),
             ("Số hóa hồ sơ", "Cấp xã", _f(forecast.NEEDED, 0.40, 0.30, 0.35)),
             ("Mức độ hài lòng", "Toàn tỉnh", _f(forecast.CERTAIN, 0.97, -0.2, 0.94))]
    assert forecast_slide.narrative(items) == (
        "Theo nhịp độ hiện nay, không thể đạt cả năm: Giải quyết đúng hạn. "
        "Cần tăng tốc: Số hóa hồ sơ (Cấp tỉnh) cần 74,0%/tháng. Còn lại dự báo đạt.")
    assert forecast_slide.narrative(items[3:]) == "Theo nhịp độ hiện nay, mọi chỉ tiêu đều dự báo đạt cả năm."
    assert forecast_slide.pace_cell(items[0][2]) == "không thể đạt (cần 130,0%)"
    assert forecast_slide.pace_cell(items[1][2]) == "cần 74,0%/tháng"
    assert forecast_slide.pace_cell(items[3][2]) == "đã chắc chắn đạt"


@pytest.mark.skipif(not shutil.which("pdftotext"), reason="poppler-utils (pdftotext) missing")
def test_the_pdf_pack_carries_the_year_end_page(wh, tmp_path):
    path = tmp_path / "giaoban.pdf"
    deck = slides_mod.build_slides(wh, OCTOBER)
    pack.build_pack(wh, OCTOBER, None, path, slides=deck)
    text = " ".join(subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout.split())
    assert "Dự báo cuối năm 2024 và nhịp độ cần đạt" in text
    for row in [r for s in deck if s.kind == "forecast" for r in s.table["rows"]]:  # every row, all six columns
        assert row[3] in text and row[5] in text

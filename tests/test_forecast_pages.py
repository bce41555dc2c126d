"""The year-end forecast on the overview tiles (issue 14 item 5), through AppTest on the sample."""
from __future__ import annotations

import datetime as dt

from kpi.measures import forecast, metrics, targets
from kpi.warehouse.db import Warehouse
from tests.test_pages import make_app, no_exception


def _markdown(at) -> str:
    return "\n".join(m.value for m in at.markdown)


def test_overview_tiles_say_the_forecast_and_pace_of_the_engine(monkeypatch, sample_db):
    at = make_app(monkeypatch, sample_db)  # Tháng 10/2024: the forecast of 2024 as of 31/10/2024
    no_exception(at)
    wh = Warehouse(sample_db)
    result, as_of = forecast.for_warehouse(wh, 2024, targets.targets_for_year(wh, 2024), dt.date(2024, 10, 31))
    assert as_of == dt.date(2024, 10, 31)
    shown = _markdown(at)
    on_time = result["on_time_rate"].total
    assert forecast.forecast_line(on_time) in shown
    # The data runs to 31/12/2025: a forecast as of 31/10/2024 says from which day.
    assert forecast.pace_line(on_time, metrics.data_date(wh)) in shown
    assert "từ 01/11 đến 31/12" in shown
    # Digitization has one target per level: one forecast per level.
    for level, f in result["digitization_rate"].levels.items():
        assert forecast.forecast_line(f, {"province": "Cấp tỉnh", "district": "Cấp huyện", "commune": "Cấp xã"}[level]) in shown
    captions = " ".join(c.value for c in at.caption)
    assert "Dự báo cuối năm 2024 tính đến ngày 31/10/2024" in captions


def test_a_year_already_over_shows_no_forecast(monkeypatch, sample_db):
    at = make_app(monkeypatch, sample_db, month="2025-12")  # the data ends on 31/12/2025: the year is final
    no_exception(at)
    assert "Dự báo cuối năm" not in _markdown(at)
    assert "Dự báo cuối năm" not in " ".join(c.value for c in at.caption)


def test_index_page_shows_the_year_end_forecast_of_the_groups(monkeypatch, sample_db):
    from kpi.measures import forecast766

    at = make_app(monkeypatch, sample_db, page="index766")  # Tháng 10/2024
    no_exception(at)
    expected = forecast766.rows(forecast766.for_warehouse(Warehouse(sample_db), 2024, dt.date(2024, 10, 31)))
    assert "Dự báo cuối năm 2024" in [h.value for h in at.subheader]
    shown = [t.value for t in at.dataframe if "Dự báo 31/12 (khoảng)" in t.value.columns]
    assert len(shown) == 1
    assert shown[0].to_dict("records") == expected
    assert any("Mô phỏng từ dữ liệu của tỉnh" in c.value for c in at.caption)


def test_index_page_has_no_forecast_once_the_year_is_over(monkeypatch, sample_db):
    at = make_app(monkeypatch, sample_db, month="2025-12", page="index766")
    no_exception(at)
    assert not [h for h in at.subheader if h.value.startswith("Dự báo cuối năm")]

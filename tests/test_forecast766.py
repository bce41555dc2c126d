"""Year-end forecast of the QĐ 766 groups from the plan KPIs' forecasts (issue 14 item 5)."""
from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from kpi.measures import forecast766, index766, periods
from kpi.warehouse.db import Warehouse

YEAR = 2025


def table(months: int, **counts) -> pd.DataFrame:
    """A monthly_table-like frame: the same counts for the province level in each of the first ``months``."""
    rows = [{"period_start": pd.Timestamp(YEAR, m, 1), "period_end": pd.Timestamp(YEAR, m, 28), "level": "province",
             **counts} for m in range(1, months + 1)]
    return pd.DataFrame(rows)


BASE = dict(resolved_in_time=90, resolved=100, in_progress_within=0, in_progress=0,
            e_result_rate__num=40, e_result_rate__den=100, digitization_rate__num=50, digitization_rate__den=100,
            satisfied=80, received=100, rated=85,
            pakn_on_time_rate__num=0, pakn_on_time_rate__den=0, pakn_satisfied=0, pakn_handled=0, pakn_rated=0)


def test_each_group_is_its_formula_on_the_forecast_rates():
    # Two months at the same rates: the forecast rates are those rates.
    # TDGQ 20 × 90% = 18; MDSH 6 × 40% + 4 × 50% = 4,4 (of 10 points with data);
    # MDHL min(6, 6 × 80% / 0,90) = 5,333 + 6 + 6 (no PAKN handled, the warehouse has PAKN) = 17,333.
    f = forecast766.forecast_index(table(2, **BASE), YEAR, dt.date(YEAR, 2, 28))
    assert f.groups["TDGQ"].value == pytest.approx(18.0)
    assert f.groups["MDSH"].value == pytest.approx(4.4)
    assert (f.groups["MDSH"].max_covered, f.groups["MDSH"].partial) == (10, True)
    assert f.groups["MDHL"].value == pytest.approx(6 * 0.8 / 0.9 + 12)
    assert f.value == pytest.approx(18 + 4.4 + 6 * 0.8 / 0.9 + 12)
    assert (f.max_covered, f.partial) == (48, True)
    # Groups our records cannot give: no data, never 0.
    assert f.groups["CKMB"].value is None and f.groups["TTTT"].value is None
    assert "CLGQ" not in f.groups  # rates only: no score to forecast


def test_the_satisfaction_threshold_caps_at_6():
    f = forecast766.forecast_index(table(2, **dict(BASE, satisfied=95)), YEAR, dt.date(YEAR, 2, 28))
    satisfaction = next(s for s in f.groups["MDHL"].subs if s.key == "DOSSIER_RECEIVING_SATISFACTION")
    assert satisfaction.value == pytest.approx(6.0)  # min(6, 6 × 95% / 0,90)


def test_without_any_pakn_in_the_warehouse_pakn_is_no_data():
    f = forecast766.forecast_index(table(2, **BASE), YEAR, dt.date(YEAR, 2, 28), has_feedback=False)
    assert [s.key for s in f.groups["MDHL"].subs] == ["DOSSIER_RECEIVING_SATISFACTION"]
    assert f.groups["MDHL"].max_covered == 6


def test_satisfaction_without_any_rating_is_no_data():
    f = forecast766.forecast_index(table(2, **dict(BASE, rated=0, satisfied=0)), YEAR, dt.date(YEAR, 2, 28))
    assert "DOSSIER_RECEIVING_SATISFACTION" not in [s.key for s in f.groups["MDHL"].subs]


def test_tdgq_follows_the_progress_forecast_and_its_interval():
    # Jan 90/100, Feb 100/100 in time: flat pace 95% → TDGQ 19; interval = 20 × the rate's interval.
    t = table(2, **BASE)
    t.loc[1, "resolved_in_time"] = 100
    f = forecast766.forecast_index(t, YEAR, dt.date(YEAR, 2, 28))
    tdgq = f.groups["TDGQ"]
    rate = tdgq.subs[0].rate
    assert tdgq.value == pytest.approx(19.0) and rate.value == pytest.approx(0.95)
    assert (tdgq.low, tdgq.high) == (pytest.approx(20 * rate.low), pytest.approx(20 * rate.high))
    assert tdgq.low < tdgq.value < tdgq.high


def test_no_data_in_the_year_gives_no_index():
    f = forecast766.forecast_index(pd.DataFrame(), YEAR, None)
    assert f.value is None and not f.open


def test_a_closed_year_forecasts_exactly_the_index_engine(sample_db):
    # As of 31/12/2024 the "forecast" is final: equal to index766.compute for the year, group by group.
    wh = Warehouse(sample_db)
    f = forecast766.for_warehouse(wh, 2024)
    engine = index766.compute(wh, periods.year(2024)).province
    assert f.value == pytest.approx(engine.total, abs=1e-9)
    for group, gf in f.groups.items():
        expected = engine.groups[group].score
        assert (gf.value is None) == (expected is None), group
        if expected is not None:
            assert gf.value == pytest.approx(expected, abs=1e-9), group


def test_the_index_page_rows():
    f = forecast766.forecast_index(table(2, **BASE), YEAR, dt.date(YEAR, 2, 28))
    rows = {r["Nhóm"]: r for r in forecast766.rows(f)}
    assert rows["TDGQ — Tiến độ giải quyết"] == {"Nhóm": "TDGQ — Tiến độ giải quyết", "Từ đầu năm": "18,00",
                                                 "Dự báo 31/12 (khoảng)": "18,00 (18,00–18,00)",
                                                 "Điểm có dữ liệu": "20"}
    assert rows["CKMB — Công khai, minh bạch"]["Dự báo 31/12 (khoảng)"] == "Chưa có dữ liệu"
    assert rows["Tổng"]["Điểm có dữ liệu"] == "48" and rows["Tổng"]["Từ đầu năm"] == "39,73"  # 18 + 4,4 + 17,33

"""Year-end forecast and required pace (issue 14 item 5): hand-computed cases on monthly counts,
the as_of rule, no data, and the same figures through a warehouse."""
from __future__ import annotations

import datetime as dt

import numpy as np
import pytest

from kpi.measures import forecast as F
from kpi.measures.targets import MET, NOT_MET, Target
from kpi.warehouse.db import Warehouse
from tests.factories import add_dossiers, dossier

YEAR = 2025


def target(threshold: float, direction: str = ">=") -> Target:
    return Target("on_time_rate", threshold, direction, None, None, "", YEAR, YEAR)


def comps(num_by_year: dict[int, list], den_by_year: dict[int, list], stock_num=None, stock_den=None) -> F.Components:
    """Components for years YEAR-3 … YEAR; a year's list has one entry per month the data reaches."""
    years = tuple(range(YEAR - F.YEARS_BACK, YEAR + 1))

    def grid(values_by_year):
        out = np.full((len(years), 12), np.nan)
        for y, values in (values_by_year or {}).items():
            out[years.index(y), :len(values)] = values
        return out

    num, den = grid(num_by_year), grid(den_by_year)
    zeros = np.where(np.isnan(den), np.nan, 0.0)
    return F.Components(years, num, den, grid(stock_num) if stock_num else zeros, grid(stock_den) if stock_den else zeros)


# -- linear (a year with no earlier years) ------------------------------------------------------

def test_two_months_and_no_earlier_year_continue_at_the_flat_pace():
    # Jan 90/100, Feb 100/100, as_of 28/02: pace 95/100 a month for 10 months → (190+950)/(200+1000) = 95%.
    c = comps({YEAR: [90, 100]}, {YEAR: [100, 100]})
    f = F.forecast_kpi(c, "on_time_rate", YEAR, dt.date(YEAR, 2, 28), target(0.97))
    assert f.method == F.LINEAR
    assert f.so_far == pytest.approx(0.95)
    assert f.value == pytest.approx(0.95)
    assert f.expected_den == pytest.approx(1200) and f.remaining_den == pytest.approx(1000)
    # (0.97 × 1200 − 190) / 1000 = 0.974
    assert f.required == pytest.approx(0.974)
    assert f.pace == F.NEEDED


def test_three_months_follow_a_least_squares_line():
    # den 100, 110, 120 → 100 + 10m; num 90, 99, 108 → 90 + 9m (m = 0 for January).
    # Left (m = 3…11): den 9·100 + 10·63 = 1530, num 9·90 + 9·63 = 1377 → (297+1377)/(330+1530) = 1674/1860.
    c = comps({YEAR: [90, 99, 108]}, {YEAR: [100, 110, 120]})
    f = F.forecast_kpi(c, "on_time_rate", YEAR, dt.date(YEAR, 3, 31))
    assert f.value == pytest.approx(1674 / 1860)
    assert f.remaining_den == pytest.approx(1530)
    assert f.pace == F.NO_TARGET and f.required is None


def test_january_with_no_prior_month_scales_the_days_seen():
    # 15 of 31 days: 24/30 so far → pace 49,6/62 a month; left 16/31 of January + 11 months:
    # den 32 + 682 = 714, num 25,6 + 545,6 = 571,2 → 595,2 / 744 = 80%.
    c = comps({YEAR: [24]}, {YEAR: [30]})
    f = F.forecast_kpi(c, "on_time_rate", YEAR, dt.date(YEAR, 1, 15), target(0.9))
    assert f.method == F.LINEAR
    assert f.remaining_den == pytest.approx(714)
    assert f.value == pytest.approx(0.8)
    assert f.required == pytest.approx((0.9 * 744 - 24) / 714)  # 90,42%


def test_months_before_the_data_starts_are_unknown_not_zero():
    # The data starts in September: Sep 90/100, Oct 100/100 → flat 95/100 for Nov–Dec, not a line from January's zeros.
    c = comps({YEAR: [np.nan] * 8 + [90, 100]}, {YEAR: [np.nan] * 8 + [100, 100]})
    f = F.forecast_kpi(c, "on_time_rate", YEAR, dt.date(YEAR, 10, 31))
    assert f.method == F.LINEAR
    assert f.remaining_den == pytest.approx(200)
    assert f.value == pytest.approx((190 + 190) / 400)


# -- seasonal --------------------------------------------------------------------------------

SEASON_DEN = [100] * 6 + [200] * 6
SEASON_NUM = [90] * 6 + [160] * 6   # 90% in the first half, 80% in the busier second half


def test_an_earlier_complete_year_gives_the_shape_of_the_months_left():
    # as_of 30/06: the recent months are April–June. Denominator: 2024's rest 1200 × (2025's 360 / 2024's 300) = 1440.
    # Rate: 2024's rest 960/1200 = 80%, shifted by 2025's recent 95% − 2024's 90% = +5 points → 85%;
    # numerator left 1440 × 85% = 1224 → (684 + 1224) / (720 + 1440) = 1908/2160.
    c = comps({YEAR - 1: SEASON_NUM, YEAR: [114] * 6}, {YEAR - 1: SEASON_DEN, YEAR: [120] * 6})
    f = F.forecast_kpi(c, "on_time_rate", YEAR, dt.date(YEAR, 6, 30), target(0.9))
    assert f.method == F.SEASONAL and f.seasonal_years == (YEAR - 1,)
    assert f.value == pytest.approx(1908 / 2160)
    assert f.remaining_den == pytest.approx(1440)
    assert f.required == pytest.approx((0.9 * 2160 - 684) / 1440)  # 87,5%
    # Without the earlier year the same half-year continues flat at 95%.
    flat = F.forecast_kpi(comps({YEAR: [114] * 6}, {YEAR: [120] * 6}), "on_time_rate", YEAR, dt.date(YEAR, 6, 30))
    assert flat.method == F.LINEAR and flat.value == pytest.approx(0.95)


def test_the_recent_months_set_the_level_not_the_whole_year():
    # 2025 doubles its volume from April (a reform): Jan–Mar 120, Apr–Jun 240 a month, 95% throughout.
    # Recent (Apr–Jun) 720 against 2024's 300: rest 1200 × 720/300 = 2880 (the year so far would say 1200 × 1080/600 = 2160).
    c = comps({YEAR - 1: SEASON_NUM, YEAR: [114] * 3 + [228] * 3}, {YEAR - 1: SEASON_DEN, YEAR: [120] * 3 + [240] * 3})
    f = F.forecast_kpi(c, "on_time_rate", YEAR, dt.date(YEAR, 6, 30))
    assert f.remaining_den == pytest.approx(2880)
    assert f.value == pytest.approx((1026 + 2880 * 0.85) / (1080 + 2880))


def test_several_earlier_years_are_averaged():
    # 2023's second half at 70% (rest rate 840/1200), 2024's at 80%; both 90% in April–June, 2025 95%: shift +5.
    # Rates left 75% and 85% → 80%; denominators left 1440 both → numerator 1152 → (684 + 1152) / 2160 = 85%.
    c = comps({YEAR - 2: [90] * 6 + [140] * 6, YEAR - 1: SEASON_NUM, YEAR: [114] * 6},
              {YEAR - 2: SEASON_DEN, YEAR - 1: SEASON_DEN, YEAR: [120] * 6})
    f = F.forecast_kpi(c, "on_time_rate", YEAR, dt.date(YEAR, 6, 30))
    assert f.seasonal_years == (YEAR - 2, YEAR - 1)
    assert f.value == pytest.approx(0.85)


def test_a_year_the_data_does_not_cover_fully_is_not_a_season():
    partial = [np.nan] * 3 + [100] * 9  # the data starts in April 2024
    c = comps({YEAR - 1: [90] * 3 + [90] * 9, YEAR: [114] * 6}, {YEAR - 1: [100] * 12, YEAR: [120] * 6})
    c.den[c.years.index(YEAR - 1)] = partial
    assert F.forecast_kpi(c, "on_time_rate", YEAR, dt.date(YEAR, 6, 30)).method == F.LINEAR


def test_an_exact_seasonal_history_backtests_without_error_and_keeps_the_monthly_spread():
    # 2023, 2024, 2025 share the shape and the rates: every backtest error is 0, so the interval is the
    # spread of the last 12 monthly rates (Jul–Dec 2024 at 80%, Jan–Jun 2025 at 90%) × 1,2816 × the share
    # left (2400/3600).
    c = comps({YEAR - 2: SEASON_NUM, YEAR - 1: [2 * v for v in SEASON_NUM], YEAR: [180] * 6},
              {YEAR - 2: SEASON_DEN, YEAR - 1: [2 * v for v in SEASON_DEN], YEAR: [200] * 6})
    f = F.forecast_kpi(c, "on_time_rate", YEAR, dt.date(YEAR, 6, 30))
    assert f.value == pytest.approx((1080 + 2 * 960) / (1200 + 2400))
    errors = F.backtest_errors(c, c.years.index(YEAR), F.SEASONAL)
    assert len(errors) == 11 and max(errors) == pytest.approx(0)  # 2024 from the end of each month 1–11
    half = F.NORMAL_Z * np.std([0.8] * 6 + [0.9] * 6, ddof=1) * (2400 / 3600)
    assert (f.low, f.high) == (pytest.approx(f.value - half), pytest.approx(f.value + half))


# -- interval without a backtest ----------------------------------------------------------------

def test_without_a_backtest_the_interval_comes_from_the_monthly_spread():
    # Monthly rates 90% and 95%: sd 0,035355; share left 1000/1200; half-width 1,2816 × 0,035355 × 0,8333 = 0,03776.
    c = comps({YEAR: [90, 95]}, {YEAR: [100, 100]})
    f = F.forecast_kpi(c, "on_time_rate", YEAR, dt.date(YEAR, 2, 28))
    half = F.NORMAL_Z * np.std([0.9, 0.95], ddof=1) * (1000 / 1200)
    assert f.value == pytest.approx(0.925)
    assert (f.low, f.high) == (pytest.approx(0.925 - half), pytest.approx(0.925 + half))


def test_one_month_gives_only_what_is_possible():
    # Everything left fails: 90/1200; everything succeeds: (90 + 1100)/1200.
    c = comps({YEAR: [90]}, {YEAR: [100]})
    f = F.forecast_kpi(c, "on_time_rate", YEAR, dt.date(YEAR, 1, 31))
    assert (f.low, f.high) == (pytest.approx(90 / 1200), pytest.approx(1190 / 1200))


# -- December, the year over, the pace ----------------------------------------------------------

ELEVEN = comps({YEAR: [90] * 11}, {YEAR: [100] * 11})


def test_december_with_a_target_out_of_reach_is_impossible():
    # 990/1100 so far, 100 left: (0,97 × 1200 − 990) / 100 = 174% → không thể đạt.
    f = F.forecast_kpi(ELEVEN, "on_time_rate", YEAR, dt.date(YEAR, 11, 30), target(0.97))
    assert f.value == pytest.approx(0.9)
    assert f.required == pytest.approx(1.74)
    assert f.pace == F.IMPOSSIBLE


def test_december_with_a_target_already_secured_is_certain():
    # (0,8 × 1200 − 990) / 100 = −30%: even 0% in December meets 80%.
    f = F.forecast_kpi(ELEVEN, "on_time_rate", YEAR, dt.date(YEAR, 11, 30), target(0.8))
    assert f.required == pytest.approx(-0.3)
    assert f.pace == F.CERTAIN


def test_on_31_december_the_value_is_final():
    c = comps({YEAR: [90] * 12}, {YEAR: [100] * 12})
    f = F.forecast_kpi(c, "on_time_rate", YEAR, dt.date(YEAR, 12, 31), target(0.97))
    assert f.method == F.FINAL and not f.open
    assert f.value == f.low == f.high == pytest.approx(0.9)
    assert f.pace == NOT_MET and f.required is None
    assert F.forecast_kpi(c, "on_time_rate", YEAR, dt.date(YEAR, 12, 31), target(0.9)).pace == MET


@pytest.mark.parametrize("required, direction, status", [
    (0.983, ">=", F.NEEDED), (1.0, ">=", F.NEEDED), (1.0001, ">=", F.IMPOSSIBLE), (0.0, ">=", F.CERTAIN),
    (-0.2, ">=", F.CERTAIN),
    # "≤" targets (a ceiling): needing ≤ 100% or more is certain, below 0% impossible.
    (0.05, "<=", F.NEEDED), (1.0, "<=", F.CERTAIN), (-0.01, "<=", F.IMPOSSIBLE),
])
def test_pace_status(required, direction, status):
    assert F.pace_status(required, direction) == status


def test_required_rate_formula():
    # (0,97 × (9 000 + 3 000) − 8 700) / 3 000 = (11 640 − 8 700) / 3 000 = 98%.
    assert F.required_rate(0.97, 8700, 9000, 3000) == pytest.approx(0.98)
    assert F.required_rate(0.97, 8700, 9000, 0) is None


# -- stocks (the 766 progress rate) -------------------------------------------------------------

def test_the_in_progress_stock_is_carried_to_the_year_end():
    # Flows 90/100 a month (Jan–Feb); 20 in progress on 28/02, 15 within deadline.
    # Year end: (180 + 900 + 15) / (200 + 1000 + 20) = 1095/1220; so far (180+15)/(200+20).
    c = comps({YEAR: [90, 90]}, {YEAR: [100, 100]}, stock_num={YEAR: [10, 15]}, stock_den={YEAR: [12, 20]})
    f = F.forecast_kpi(c, "progress_rate_766", YEAR, dt.date(YEAR, 2, 28), target(0.97))
    assert f.so_far == pytest.approx(195 / 220)
    assert f.value == pytest.approx(1095 / 1220)
    assert f.required == pytest.approx((0.97 * 1220 - 195) / 1000)


# -- no data and the as_of rule -----------------------------------------------------------------

def test_no_denominator_this_year_is_no_data_never_zero():
    c = comps({YEAR - 1: [90] * 12, YEAR: [0, 0]}, {YEAR - 1: [100] * 12, YEAR: [0, 0]})
    f = F.forecast_kpi(c, "pakn_on_time_rate", YEAR, dt.date(YEAR, 2, 28), target(0.97))
    assert f.method == F.NO_DATA and f.value is None and f.so_far is None and f.required is None
    assert F.forecast_kpi(c, "on_time_rate", YEAR, None).method == F.NO_DATA


def test_as_of_is_the_earliest_of_the_request_the_data_date_and_31_december():
    data_date = dt.date(2025, 10, 20)
    assert F.as_of_for(2025, data_date) == data_date
    assert F.as_of_for(2025, data_date, dt.date(2025, 12, 1)) == data_date  # past the data: not known
    assert F.as_of_for(2025, data_date, dt.date(2025, 6, 30)) == dt.date(2025, 6, 30)
    assert F.as_of_for(2024, data_date) == dt.date(2024, 12, 31)
    assert F.as_of_for(2026, data_date) is None  # the data does not reach the year
    assert F.as_of_for(2025, None) is None


# -- through the warehouse ------------------------------------------------------------------------

@pytest.fixture()
def wh(tmp_path):
    """January: 2 resolved on time; February: 1 on time, 1 overdue. Data date 28/02/2025."""
    wh = Warehouse(tmp_path / "forecast.duckdb")
    add_dossiers(wh, [
        dossier("A", received="02/01/2025", due="10/01/2025", finished="09/01/2025"),
        dossier("B", received="03/01/2025", due="10/01/2025", finished="10/01/2025"),
        dossier("C", received="03/02/2025", due="10/02/2025", finished="10/02/2025"),
        dossier("D", received="04/02/2025", due="10/02/2025", finished="28/02/2025"),
    ])
    return wh


def test_forecast_from_the_warehouse(wh):
    # Flat pace 1,5 / 2 a month for 10 months: (3 + 15) / (4 + 20) = 75%; (0,97 × 24 − 3) / 20 = 101,4% → impossible.
    in_force = [target(0.97)]
    result, as_of = F.for_warehouse(wh, YEAR, in_force)
    assert as_of == dt.date(2025, 2, 28)
    f = result["on_time_rate"].total
    assert (f.method, f.so_far, f.value) == (F.LINEAR, pytest.approx(0.75), pytest.approx(0.75))
    assert f.required == pytest.approx(1.014)
    assert f.pace == F.IMPOSSIBLE
    assert list(result) == ["on_time_rate"]  # only KPIs with a target in force
    assert set(result["on_time_rate"].levels) == {"province"}  # the only level with dossiers
    assert result["on_time_rate"].levels["province"].value == pytest.approx(0.75)


def test_a_requested_day_before_the_data_date_reads_only_what_was_known(wh):
    # As of 31/01: C and D (February) are unknown; 2/2 on time in January → 100% flat, 2 a month for 11 months.
    result, as_of = F.for_warehouse(wh, YEAR, [target(0.97)], as_of=dt.date(2025, 1, 31))
    assert as_of == dt.date(2025, 1, 31)
    f = result["on_time_rate"].total
    assert f.so_far == pytest.approx(1.0) and f.value == pytest.approx(1.0)
    assert f.required == pytest.approx((0.97 * 24 - 2) / 22)  # 96,7%
    assert f.pace == F.NEEDED


def test_a_year_the_data_does_not_reach_has_no_forecast(wh):
    result, as_of = F.for_warehouse(wh, 2026, [target(0.97)])
    assert as_of is None
    assert result["on_time_rate"].total.method == F.NO_DATA
    assert result["on_time_rate"].total.value is None


def test_an_empty_warehouse_has_no_forecast(empty_db):
    result, as_of = F.for_warehouse(Warehouse(empty_db), YEAR, [target(0.97)])
    assert as_of is None and result["on_time_rate"].total.value is None


# -- saying it -----------------------------------------------------------------------------------

def test_the_tile_lines_in_vietnamese():
    c = comps({YEAR: [90, 100]}, {YEAR: [100, 100]})
    f = F.forecast_kpi(c, "on_time_rate", YEAR, dt.date(YEAR, 2, 28), target(0.97))
    assert F.forecast_line(f).startswith("Dự báo cuối năm 95,0% (")
    assert F.pace_line(f) == "Cần đạt 97,4%/tháng từ nay đến 31/12"
    # A forecast that stands before the data date says from which day.
    assert F.pace_line(f, dt.date(YEAR, 10, 1)) == "Cần đạt 97,4%/tháng từ 01/03 đến 31/12"
    assert F.forecast_line(f, "Cấp xã").startswith("Cấp xã: dự báo 95,0% (")
    assert "tính đến ngày 28/02/2025" in F.method_note(f) and "xu hướng" in F.method_note(f)


def test_the_interval_reads_without_percent_signs():
    f = F.Forecast("on_time_rate", None, YEAR, dt.date(YEAR, 6, 30), F.SEASONAL, 0.97, 0.968, 0.959, 0.976)
    assert F.forecast_line(f) == "Dự báo cuối năm 96,8% (95,9–97,6)"


def test_impossible_and_certain_are_said_as_such():
    impossible = F.forecast_kpi(ELEVEN, "on_time_rate", YEAR, dt.date(YEAR, 11, 30), target(0.97))
    assert F.pace_line(impossible) == "Không thể đạt chỉ tiêu ≥ 97% cả năm (cần 174,0%/tháng từ nay đến 31/12)"
    certain = F.forecast_kpi(ELEVEN, "on_time_rate", YEAR, dt.date(YEAR, 11, 30), target(0.8))
    assert F.pace_line(certain) == "Đã chắc chắn đạt chỉ tiêu ≥ 80% cả năm"


def test_a_required_rate_just_under_100_percent_does_not_read_as_100():
    f = F.Forecast("on_time_rate", None, YEAR, dt.date(YEAR, 6, 30), F.LINEAR, 0.9, 0.9, 0.8, 0.95,
                   target=target(0.97), required=0.99996, pace=F.NEEDED)
    assert F.pace_line(f) == "Cần đạt 99,996%/tháng từ nay đến 31/12"


def test_nothing_is_said_without_data_or_after_the_year():
    none = F.Forecast("on_time_rate", None, YEAR, None, F.NO_DATA, None, None, None, None, target=target(0.97))
    assert F.forecast_line(none) is None and F.pace_line(none) is None and F.method_note(none) is None
    final = F.forecast_kpi(comps({YEAR: [90] * 12}, {YEAR: [100] * 12}), "on_time_rate", YEAR, dt.date(YEAR, 12, 31),
                           target(0.97))
    assert F.forecast_line(final) is None and F.pace_line(final) is None


# -- python -m kpi forecast ------------------------------------------------------------------------

def test_cli_json(wh, capsys):
    import json

    from kpi.cli.main import main
    from kpi.measures import targets

    targets.ensure_seeded(wh)  # 2024's plan applies to 2025: on time ≥ 97% for every level
    assert main(["forecast", "--db", str(wh.path), "--year", "2025", "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert (out["year"], out["as_of"], out["data_date"]) == (2025, "2025-02-28", "2025-02-28")
    on_time = out["kpis"]["on_time_rate"]["total"]
    assert on_time["method"] == "linear" and on_time["value"] == pytest.approx(0.75)
    assert on_time["required_monthly_rate"] == pytest.approx(1.014) and on_time["pace"] == "impossible"
    assert on_time["target"] == {"threshold": 0.97, "direction": ">=", "level": None, "plan_year": 2024}
    # No PAKN at all: no data, never 0%.
    pakn = out["kpis"]["pakn_on_time_rate"]["total"]
    assert pakn["method"] == "no_data" and pakn["value"] is None
    # The 766 groups from the same forecasts: TDGQ = 20 × the progress forecast (75%, nothing in progress);
    # e-results and digitization are known "no" (0 points of 10); no rating, no PAKN: MDHL has no data.
    index = out["index766"]
    assert index["groups"]["TDGQ"]["value"] == pytest.approx(20 * 0.75)
    assert index["groups"]["TDGQ"]["subs"]["ON_TIME"]["rate"]["value"] == pytest.approx(0.75)
    assert index["groups"]["MDSH"]["value"] == pytest.approx(0) and index["groups"]["MDSH"]["max_covered"] == 10
    assert index["groups"]["MDHL"]["value"] is None and index["groups"]["CKMB"]["value"] is None
    total = index["total"]
    assert (total["value"], total["max_covered"], total["partial"]) == (pytest.approx(15), 30, True)
    assert total["low"] == pytest.approx(20 * index["groups"]["TDGQ"]["subs"]["ON_TIME"]["rate"]["low"])


def test_cli_text_and_errors(wh, capsys):
    from kpi.__main__ import main
    from kpi.measures import targets

    targets.ensure_seeded(wh)
    assert main(["forecast", "--db", str(wh.path), "--year", "2025", "--as-of", "2025-01-31"]) == 0
    text = capsys.readouterr().out
    assert "Dự báo cuối năm 2025 (số liệu đến ngày 31/01/2025)" in text
    assert "Cần đạt 96,7%/tháng từ 01/02 đến 31/12" in text  # (0,97 × 24 − 2) / 22
    # 2/2 in time in January: TDGQ 20; one month says only what is possible: 2 of 24 in time → 20 × 2/24.
    assert "Chỉ số 766 dự báo cuối năm 2025" in text and "TDGQ  20,00 (1,67–20,00) / 20 điểm có dữ liệu" in text
    assert main(["forecast", "--db", str(wh.path), "--year", "2026"]) == 0
    assert "Chưa có dữ liệu năm 2026" in capsys.readouterr().out
    assert main(["forecast", "--db", str(wh.path), "--year", "2025", "--as-of", "31/01/2025"]) == 2
    assert "Lỗi" in capsys.readouterr().err


# -- one read for every month end of a year ---------------------------------------------------------

def test_read_until_shares_a_year_read_only_between_month_ends():
    data_date = dt.date(2025, 12, 31)
    assert F.read_until(2025, dt.date(2025, 9, 30), data_date) == dt.date(2025, 12, 31)
    assert F.read_until(2025, dt.date(2025, 9, 15), data_date) == dt.date(2025, 9, 15)  # a day inside a month
    assert F.read_until(2025, dt.date(2025, 9, 30), dt.date(2025, 11, 20)) == dt.date(2025, 9, 30)  # data ends mid-month
    assert F.read_until(2024, dt.date(2024, 9, 30), data_date) == dt.date(2024, 12, 31)


def test_a_table_read_to_the_year_end_truncated_to_a_month_end_is_that_month_end_table(sample_db):
    import pandas as pd

    wh = Warehouse(sample_db)
    full, _ = F.monthly_table(wh, 2025, dt.date(2025, 12, 31))
    own, _ = F.monthly_table(wh, 2025, dt.date(2025, 9, 30))
    shared = F.truncate(full, dt.date(2025, 9, 30))
    pd.testing.assert_frame_equal(shared.drop(columns=["period_end"]).reset_index(drop=True),
                                  own.drop(columns=["period_end"]).reset_index(drop=True), check_dtype=False)

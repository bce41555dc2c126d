"""Periods: calendar kinds, previous comparable period, cut-off convention (DOMAIN §7)."""
from __future__ import annotations

import datetime as dt

import pytest

from kpi.measures import periods


def test_calendar_periods_and_labels():
    assert periods.month(2024, 2).end == dt.date(2024, 2, 29)
    assert periods.quarter(2024, 3).label == "Quý III/2024"
    assert periods.month(2024, 10).label == "Tháng 10/2024"
    assert periods.half(2024, 2).start == dt.date(2024, 7, 1)
    assert periods.year(2025).label == "Năm 2025"


def test_previous_comparable():
    assert periods.month(2024, 1).previous() == periods.month(2023, 12)
    assert periods.quarter(2024, 1).previous() == periods.quarter(2023, 4)
    assert periods.half(2024, 1).previous() == periods.half(2023, 2)
    span = periods.custom(dt.date(2024, 3, 11), dt.date(2024, 3, 20))
    assert span.previous() == periods.custom(dt.date(2024, 3, 1), dt.date(2024, 3, 10))


def _dates(period):
    return period.start, period.end


def test_cutoff_convention():
    assert _dates(periods.cutoff("month", 2024, 3)) == (dt.date(2024, 2, 15), dt.date(2024, 3, 14))
    assert _dates(periods.cutoff("quarter", 2024, 1)) == (dt.date(2023, 12, 15), dt.date(2024, 3, 14))
    assert _dates(periods.cutoff("year", 2024)) == (dt.date(2023, 12, 15), dt.date(2024, 12, 14))
    assert periods.cutoff("quarter", 2024, 1).kind == "cutoff_quarter"


def test_months_clip_to_period():
    parts = periods.custom(dt.date(2024, 1, 15), dt.date(2024, 3, 10)).months()
    assert [(p.start, p.end) for p in parts] == [
        (dt.date(2024, 1, 15), dt.date(2024, 1, 31)), (dt.date(2024, 2, 1), dt.date(2024, 2, 29)),
        (dt.date(2024, 3, 1), dt.date(2024, 3, 10))]


def test_bad_periods_refused():
    with pytest.raises(ValueError, match="trước ngày bắt đầu"):
        periods.custom(dt.date(2024, 3, 2), dt.date(2024, 3, 1))
    with pytest.raises(ValueError, match="YYYY-MM-DD"):
        periods.parse_iso("31/12/2024")


@pytest.mark.parametrize("period", [
    periods.month(2024, 10), periods.quarter(2024, 4), periods.half(2025, 1), periods.year(2025),
    periods.custom(dt.date(2024, 10, 1), dt.date(2024, 10, 15)),
])
def test_url_codec_round_trips(period):
    assert periods.from_param(periods.to_param(period)) == period


def test_url_codec_rejects_nonsense():
    assert periods.from_param("2024-13") is None
    assert periods.from_param("tháng 10") is None
    assert periods.to_param(periods.quarter(2024, 4)) == "2024-Q4"


def test_calendar_options_are_period_codes_newest_first():
    """What the period picker offers over data from 20/11/2023 to 05/02/2025 (hand-listed)."""
    first, last = dt.date(2023, 11, 20), dt.date(2025, 2, 5)
    codes = lambda kind: [periods.to_param(p) for p in periods.calendar_options(kind, first, last)]  # noqa: E731
    assert codes("quarter") == ["2025-Q1", "2024-Q4", "2024-Q3", "2024-Q2", "2024-Q1", "2023-Q4"]
    assert codes("half") == ["2025-H1", "2024-H2", "2024-H1", "2023-H2"]
    assert codes("year") == ["2025", "2024", "2023"]
    assert codes("month")[:3] == ["2025-02", "2025-01", "2024-12"] and codes("month")[-1] == "2023-11"
    assert len(codes("month")) == 16
    assert periods.containing("half", dt.date(2024, 7, 1)) == periods.half(2024, 2)


@pytest.mark.parametrize("first,last,expected", [
    (dt.date(2024, 1, 3), dt.date(2024, 10, 31), periods.month(2024, 10)),   # data reaches the month's end
    (dt.date(2024, 1, 3), dt.date(2024, 10, 30), periods.month(2024, 9)),    # October not complete
    (dt.date(2024, 10, 2), dt.date(2024, 10, 30), periods.month(2024, 10)),  # only October has data
])
def test_default_month_is_the_latest_full_month(first, last, expected):
    assert periods.default_month(first, last) == expected


def test_default_month_without_data_is_the_month_before_today():
    assert periods.default_month(None, None, today=dt.date(2026, 3, 15)) == periods.month(2026, 2)

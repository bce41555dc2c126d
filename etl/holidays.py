"""Vietnamese public days off, for PAKN deadlines counted in working days (DOMAIN §4).

``data/holidays_vn.csv`` lists every day off of civil servants 2020–2027 (Tết
Dương lịch, Tết Nguyên đán, Giỗ Tổ Hùng Vương, 30/4, 1/5, Quốc khánh, Ngày Văn
hóa Việt Nam from 2026, compensatory and swapped days) and the Saturdays worked
in exchange for a swapped day (kind = workday). It is data: add a year's
announcement there, not here.
"""
from __future__ import annotations

import csv
from functools import lru_cache
from pathlib import Path

import numpy as np

from kpi.config import DATA_DIR

HOLIDAYS_CSV = DATA_DIR / "holidays_vn.csv"
# Working days are only computed inside this window; outside it weekends still count.
_FIRST, _LAST = np.datetime64("2015-01-01"), np.datetime64("2035-12-31")


def read_calendar(path: Path = HOLIDAYS_CSV) -> tuple[np.ndarray, np.ndarray]:
    """(days off, Saturdays worked) as sorted datetime64[D] arrays."""
    off, worked = [], []
    with open(path, encoding="utf-8") as fh:
        rows = csv.DictReader(line for line in fh if not line.startswith("#"))
        for row in rows:
            (worked if row["kind"].strip() == "workday" else off).append(row["date"].strip())
    return np.array(sorted(off), dtype="datetime64[D]"), np.array(sorted(worked), dtype="datetime64[D]")


@lru_cache(maxsize=1)
def working_days() -> np.ndarray:
    """Every working day in the window: Monday–Friday less days off, plus Saturdays worked.

    An explicit array (rather than numpy's busdaycalendar alone) because a
    busdaycalendar cannot express a swapped working Saturday.
    """
    off, worked = read_calendar()
    calendar = np.busdaycalendar(weekmask="1111100", holidays=off)
    days = np.arange(_FIRST, _LAST + 1, dtype="datetime64[D]")
    return np.union1d(days[np.is_busday(days, busdaycal=calendar)], worked)


def add_working_days(dates, n: int) -> np.ndarray:
    """``dates`` + ``n`` working days, like ``np.busday_offset(dates, n, roll='forward')``.

    A date that is not a working day (received on a Sunday or during Tết) first
    rolls forward to the next working day, then ``n`` working days are added.
    """
    days = np.asarray(dates, dtype="datetime64[D]")
    calendar = working_days()
    start = np.searchsorted(calendar, days, side="left")
    target = np.clip(start + n, 0, len(calendar) - 1)
    return calendar[target]

"""Year-end forecast of the QĐ 766 index groups, from the same forecasts as the plan KPIs (issue 14 item 5).

Each sub-indicator our data supports (``kpi.measures.index766.SUBS`` with an input KPI or a
numerator / denominator of counts) gets the year-end forecast of its input rate
(``kpi.measures.forecast``: volumes, not rates), and its points are the index's own formula
(``index766.sub_score``) applied to that forecast: TDGQ = 20 × the forecast progress rate,
MDHL dossier satisfaction = min(6, 6 × rate / 0,90) over every dossier received, … The
interval of a group is the sum of its sub-indicators' points at the low and high ends of their
rates (every formula rises with its rate, so this is the widest the group can be if the inputs
err together). A sub-indicator without data from our records (CKMB publication, payments,
reuse of data …) is no data, never 0; a group without any is "chưa có dữ liệu" and a total over
fewer than 100 points is partial with the points it covers. "6 when there is no PAKN": a
selection that has handled no PAKN this year, in a warehouse that has PAKN, gets the full 6.
Everything here is simulated from the province's data (published scores are not forecast).
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np
import pandas as pd

from kpi.measures import forecast, index766
from kpi.measures.filters import Filters, Scope
from kpi.text import forecast as forecast_text, index766 as index_text, vi
from kpi.warehouse.db import Warehouse

SCORED_GROUPS = tuple(g for g in index766.GROUPS if g not in index766.RATES_ONLY_GROUPS)


@dataclass(frozen=True)
class SubForecast:
    key: str
    group: str
    maximum: float
    rate: forecast.Forecast | None   # the input's forecast (None: full marks without PAKN)
    so_far: float | None             # points so far, at year end, and at the interval's ends
    value: float | None
    low: float | None
    high: float | None


@dataclass(frozen=True)
class GroupForecast:
    group: str
    maximum: float
    so_far: float | None
    value: float | None
    low: float | None
    high: float | None
    max_covered: float
    partial: bool
    subs: tuple[SubForecast, ...]


@dataclass(frozen=True)
class IndexForecast:
    year: int
    as_of: dt.date | None
    groups: dict[str, GroupForecast]
    so_far: float | None
    value: float | None
    low: float | None
    high: float | None
    max_covered: float
    partial: bool

    @property
    def open(self) -> bool:
        return any(s.rate is not None and s.rate.open for g in self.groups.values() for s in g.subs)


def _parts(sub: index766.SubIndicator) -> tuple[str, str, None, None]:
    return sub.numerator, sub.denominator, None, None


def _points(sub: index766.SubIndicator, rate: float | None) -> float | None:
    return index766.sub_score(sub, rate)


def sub_forecast(sub: index766.SubIndicator, counts: forecast.Monthly, year: int, as_of: dt.date | None,
                 level: str | None, has_feedback: bool) -> SubForecast | None:
    """One sub-indicator's points; None when our records cannot give its input."""
    if not sub.from_data or sub.kind == index766.RATES_ONLY:
        return None
    if sub.input_kpi:
        c = forecast.components(counts, sub.input_kpi, year, level)
        f = forecast.forecast_kpi(c, sub.input_kpi, year, as_of, None, level)
    else:
        c = forecast.components(counts, sub.key, year, level, _parts(sub))
        f = forecast.forecast_kpi(c, sub.key, year, as_of, None, level)
        known = forecast.components(counts, sub.key, year, level, (sub.known, sub.denominator, None, None))
        if f.value is not None and not np.nansum(known.num[known.years.index(year)]) > 0:
            f = forecast.Forecast(sub.key, level, year, as_of, forecast.NO_DATA, None, None, None, None)  # none rated
    if f.so_far is None:
        if sub.full_when_empty and has_feedback and as_of is not None:
            full = sub.maximum  # no PAKN to handle this year: full marks (DOMAIN §6)
            return SubForecast(sub.key, sub.group, sub.maximum, None, full, full, full, full)
        return None
    return SubForecast(sub.key, sub.group, sub.maximum, f, _points(sub, f.so_far), _points(sub, f.value),
                       _points(sub, f.low), _points(sub, f.high))


def _sum(values: list[float], cap: float) -> float:
    return min(cap, sum(values))


def group_forecast(group: str, subs: list[SubForecast]) -> GroupForecast:
    maximum = index766.GROUP_MAX[group]
    mine = tuple(s for s in subs if s.group == group)
    if not mine:
        return GroupForecast(group, maximum, None, None, None, None, 0.0, True, ())
    covered = min(maximum, sum(s.maximum for s in mine))
    return GroupForecast(group, maximum, _sum([s.so_far for s in mine], maximum), _sum([s.value for s in mine], maximum),
                         _sum([s.low for s in mine], maximum), _sum([s.high for s in mine], maximum),
                         covered, covered < maximum - 1e-9, mine)


def forecast_index(table: pd.DataFrame, year: int, as_of: dt.date | None, *, level: str | None = None,
                   has_feedback: bool = True) -> IndexForecast:
    """The year-end 766 index of the selection in ``table`` (``forecast.monthly_table``), simulated."""
    counts = forecast.monthly(table, year)
    subs = [s for s in (sub_forecast(sub, counts, year, as_of, level, has_feedback) for sub in index766.SUBS) if s]
    groups = {g: group_forecast(g, subs) for g in SCORED_GROUPS}
    with_data = [g for g in groups.values() if g.value is not None]
    if not with_data:
        return IndexForecast(year, as_of, groups, None, None, None, None, 0.0, True)
    covered = sum(g.max_covered for g in with_data)
    return IndexForecast(year, as_of, groups, sum(g.so_far for g in with_data), sum(g.value for g in with_data),
                         sum(g.low for g in with_data), sum(g.high for g in with_data), covered, covered < 100 - 1e-9)


def for_warehouse(wh: Warehouse, year: int, as_of: dt.date | None = None, filters: Filters | None = None,
                  scope: Scope | None = None) -> IndexForecast:
    filters = filters or Filters()
    table, day = forecast.monthly_table(wh, year, as_of, Filters(unit_ids=filters.unit_ids, fields=filters.fields),
                                        scope)
    return forecast_index(table, year, day, level=filters.level, has_feedback=has_feedback(wh))


def has_feedback(wh: Warehouse) -> bool:
    """Whether the warehouse holds any PAKN (else "6 when there is no PAKN" would reward missing data)."""
    with wh.read() as con:
        return bool(con.execute("SELECT EXISTS (SELECT 1 FROM feedback)").fetchone()[0])


def _points_text(value: float | None) -> str:
    return vi.num(value, 2)


def rows(index: IndexForecast) -> list[dict]:
    """The table the index page shows: one row per group, then the total; 'Chưa có dữ liệu' where none."""
    columns = forecast_text.INDEX_COLUMNS

    def row(name: str, item, covered: float) -> dict:
        if item.value is None:
            return dict(zip(columns, (name, vi.NO_DATA, vi.NO_DATA, "")))
        interval = f"{_points_text(item.value)} ({_points_text(item.low)}–{_points_text(item.high)})"
        return dict(zip(columns, (name, _points_text(item.so_far), interval, vi.num(covered, 0))))

    out = [row(f"{g} — {index_text.GROUP_LABELS[g]}", gf, gf.max_covered) for g, gf in index.groups.items()]
    out.append(row(forecast_text.INDEX_TOTAL, index, index.max_covered))
    return out

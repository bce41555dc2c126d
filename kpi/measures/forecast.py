"""Year-end forecast and required pace of each plan KPI (issue 14, item 5).

For a year Y and a day ``as_of`` inside it, each KPI gets:
- its value so far (1/1 → as_of) and its expected value on 31/12 at the current pace, with an
  interval;
- the monthly rate still needed from as_of to 31/12 to reach the year's target ("cần đạt
  98,3%/tháng từ nay đến 31/12"), or "không thể đạt" / "đã chắc chắn đạt".

**Volumes, not rates.** A rate's year value is the year's numerator over the year's denominator,
so the months left are forecast as numerators and denominators (dossiers resolved in time,
dossiers resolved …) and the year-end rate is (so far + forecast) / (so far + forecast). The
766 progress rate also has a stock part (dossiers in progress at the end of the year): it is
carried forward from as_of as it stands (naive; its within-deadline share too).

**Method** (chosen for a dozen monthly points per year, not for a statistics library):
- *seasonal*, with an earlier year whose twelve months are all in the data (at most ``YEARS_BACK``,
  averaged): the denominator left is that year's same months scaled by how this year's last
  ``RECENT_MONTHS`` months compare with that year's same months (ratio method); the rate on it
  is that year's rate on those months shifted by how far this year's recent rate stands from
  that year's rate on the same recent months, and the numerator left is that rate × the
  denominator left. Rates in these data rise by points a year (digitization, e-results): a
  shift keeps that, a ratio of numerators compounds it; recent months rather than the whole
  year follow a break such as the 01/07/2025 reform within a quarter.
- *linear*, without one: a least-squares line through this year's monthly numerators and
  denominators (a partial month counts as its pace, weighted by its share of the month; months
  before the data starts are unknown, not zero), flat below ``LINEAR_MIN_MONTHS`` months.
statsmodels' exponential smoothing or SARIMA needs two or more full seasons to fit and would add
a heavy dependency; these rules have no parameter fitted to the data and ``bench/forecast.py``
measures them (2025 on the sample: mean absolute error 0,43 point against 0,72 for "the year ends
where it stands").

**Interval** (``INTERVAL_LEVEL`` = 80%), the wider of two empirical half-widths, each times the
share of the year's denominator still to come (the part the forecast is responsible for):
the 80th percentile of the method's own backtest errors on each earlier complete year of the
selection's data, from the end of each of its months 1–11, each divided by the share then to
come (needs ``MIN_RESIDUALS`` errors); and 1.28 standard deviations of the last 12 monthly rates.
One or two earlier years give few, correlated errors: the second estimate keeps the interval
from being narrower than the months themselves vary (2025 on the sample: it held the final value
in 83% of the backtest forecasts). With neither, only what is possible at all. Every interval is
clipped to what is possible (0% or 100% of the dossiers left).

**Required pace** = (target × expected year denominator − numerator so far) / expected
denominator left. Above 100%: "không thể đạt"; at or below 0%: "đã chắc chắn đạt" (for a "≤"
target the other way round).

**as_of and missing data** (DOMAIN §4): as_of = min(the requested day, the data date, 31/12/Y).
A selection with nothing this year so far (zero denominator) has no forecast: "no data",
never 0%. A year already over has no forecast either: its value is final.

``monthly_table`` reads the counts (one query, month × level); ``forecast_selection`` is pure and
works on that table, so pages pass their cached table as they do to ``verdict.judge``.
"""
from __future__ import annotations

import calendar
import datetime as dt
from dataclasses import dataclass

import numpy as np
import pandas as pd

from kpi.measures import metrics
from kpi.text import forecast as forecast_text, vi
from kpi.measures.levels import LEVELS, levels_on
from kpi.measures.filters import Filters, Scope
from kpi.measures.periods import custom
from kpi.measures.targets import Target, assess, pick
from kpi.warehouse.db import Warehouse

YEARS_BACK = 3            # earlier years read for seasonality
LINEAR_MIN_MONTHS = 3     # fewer monthly points than this: a flat pace, not a line
MIN_RESIDUALS = 4         # backtest errors needed for the empirical interval
RECENT_MONTHS = 3         # this year's latest months the seasonal method compares with the same months before
SPREAD_MONTHS = 12        # latest monthly rates whose spread stands in for the backtest
INTERVAL_LEVEL = 0.8      # central coverage of the interval
NORMAL_Z = 1.2816         # the normal quantile of that level, for the fallback interval

# Methods
SEASONAL, LINEAR, FINAL, NO_DATA = "seasonal", "linear", "final", "no_data"
# Pace statuses
NEEDED, IMPOSSIBLE, CERTAIN, NO_TARGET = "needed", "impossible", "certain", "no_target"

# KPIs with a stock part: (flow numerator, flow denominator, stock numerator, stock denominator).
STOCK_PARTS = {"progress_rate_766": ("resolved_in_time", "resolved", "in_progress_within", "in_progress")}


@dataclass(frozen=True)
class Components:
    """One KPI's monthly counts for one selection: arrays [year, month] (NaN where the data does not reach).

    ``num``/``den`` are flows (summed over months); ``stock_num``/``stock_den`` the stock at each
    month's end (at as_of for the month holding it), zeros for a KPI without stock.
    """
    years: tuple[int, ...]
    num: np.ndarray
    den: np.ndarray
    stock_num: np.ndarray
    stock_den: np.ndarray


@dataclass(frozen=True)
class Forecast:
    kpi: str
    level: str | None              # None: the whole selection
    year: int
    as_of: dt.date | None
    method: str                    # SEASONAL | LINEAR | FINAL | NO_DATA
    so_far: float | None           # value 1/1 → as_of
    value: float | None            # expected value on 31/12
    low: float | None
    high: float | None
    num_so_far: float = 0.0        # numerator 1/1 → as_of (with the stock as of as_of)
    den_so_far: float = 0.0
    expected_den: float = 0.0      # year denominator expected on 31/12
    remaining_den: float = 0.0     # of which still to come after as_of
    seasonal_years: tuple[int, ...] = ()
    target: Target | None = None
    required: float | None = None  # monthly rate needed on what is left
    pace: str = NO_TARGET          # NEEDED | IMPOSSIBLE | CERTAIN | MET | NOT_MET (final year) | NO_TARGET

    @property
    def open(self) -> bool:
        """A forecast exists: the year is not over and it has data."""
        return self.method in (SEASONAL, LINEAR)


# -- reading ------------------------------------------------------------------------------

def as_of_for(year: int, data_date: dt.date | None, requested: dt.date | None = None) -> dt.date | None:
    """min(requested, data date, 31/12/year); None when the data does not reach the year (DOMAIN §4)."""
    if data_date is None:
        return None
    day = min(d for d in (requested, data_date, dt.date(year, 12, 31)) if d is not None)
    return day if day >= dt.date(year, 1, 1) else None


def history_start(year: int, first_day: dt.date | None) -> dt.date:
    """First day the forecast reads: 1/1 of ``YEARS_BACK`` years before, not before the data's first year."""
    start = dt.date(year - YEARS_BACK, 1, 1)
    return max(start, dt.date(first_day.year, 1, 1)) if first_day else start


def monthly_table(wh: Warehouse, year: int, as_of: dt.date | None = None, filters: Filters | None = None,
                  scope: Scope | None = None) -> tuple[pd.DataFrame, dt.date | None]:
    """(counts and rates by month × level from ``history_start`` to as_of, as_of). Empty without data in the year."""
    first_day, data_date = metrics.data_range(wh)
    day = as_of_for(year, data_date, as_of)
    if day is None or (first_day is not None and day < first_day):  # a year (or a day) before the data begins
        return pd.DataFrame(), None
    period = custom(history_start(year, first_day), day)
    return metrics.kpi_table(wh, period, filters, scope, ("month", "level")), day


@dataclass(frozen=True)
class Monthly:
    """``monthly_table``'s counts summed per (level, year, month) once, for every KPI: 4-D arrays
    [scope, year, month, column] where scope 0 is every level and 1… the levels of ``LEVELS``."""
    years: tuple[int, ...]
    columns: tuple[str, ...]
    values: np.ndarray


def monthly(table: pd.DataFrame, year: int) -> Monthly:
    years = tuple(range(year - YEARS_BACK, year + 1))
    # Every count column (the KPIs' sides, the stocks, and the counts the 766 index reads).
    columns = tuple(table.select_dtypes("number").columns) if len(table) else ()
    values = np.full((len(LEVELS) + 1, len(years), 12, len(columns)), np.nan)
    if not len(table):
        return Monthly(years, columns, values)
    starts = pd.to_datetime(table["period_start"])
    frame = table.assign(_y=starts.dt.year, _m=starts.dt.month)
    frame = frame[frame["_y"].isin(years)]
    # Months the data reaches count as 0 where a level has no row.
    for y, m in {(int(y), int(m)) for y, m in zip(frame["_y"], frame["_m"])}:
        values[:, years.index(y), m - 1, :] = 0.0
    sums = frame.groupby(["level", "_y", "_m"])[list(columns)].sum()
    for (lv, y, m), row in zip(sums.index, sums.to_numpy(dtype=float)):
        if lv in LEVELS:
            values[1 + LEVELS.index(lv), years.index(int(y)), int(m) - 1, :] = row
    values[0] = np.nansum(values[1:], axis=0)
    values[0][np.isnan(values[1:]).all(axis=0)] = np.nan
    return Monthly(years, columns, values)


def read_until(year: int, as_of: dt.date, data_date: dt.date) -> dt.date:
    """The day the month × level table must be read to: a month's last day can share the table read to the
    year's last known day (its earlier months are the same rows: flows by month, stocks at month ends);
    a day inside a month needs its own (that month's counts stop at as_of)."""
    year_end = min(data_date, dt.date(year, 12, 31))
    month_end = as_of.day == calendar.monthrange(as_of.year, as_of.month)[1]
    if month_end and year_end.day == calendar.monthrange(year_end.year, year_end.month)[1]:
        return year_end
    return as_of


def truncate(table: pd.DataFrame, as_of: dt.date) -> pd.DataFrame:
    """The rows of a table read past as_of that as_of's own table has (months starting by as_of)."""
    if not len(table):
        return table
    return table[pd.to_datetime(table["period_start"]) <= pd.Timestamp(as_of)].reset_index(drop=True)


def components(table: pd.DataFrame | Monthly, kpi: str, year: int, level: str | None = None,
               parts: tuple[str, str, str | None, str | None] | None = None) -> Components:
    """A KPI's monthly flows and stocks for one level (None: every level) from ``monthly_table``'s table;
    ``parts`` (flow numerator, flow denominator, stocks) for a ratio of other count columns."""
    counts = table if isinstance(table, Monthly) else monthly(table, year)
    scope = counts.values[0 if level is None else 1 + LEVELS.index(level)]
    flow_num, flow_den, stock_num, stock_den = parts or _columns(kpi)
    if flow_den not in counts.columns:  # no data at all: every month unknown
        empty = np.full(scope.shape[:2], np.nan)
        return Components(counts.years, empty, empty.copy(), empty.copy(), empty.copy())

    def column(name: str | None) -> np.ndarray:
        if name is None:  # no stock: zeros where the data reaches
            return np.where(np.isnan(scope[:, :, 0]), np.nan, 0.0)
        return scope[:, :, counts.columns.index(name)].copy()

    return Components(counts.years, column(flow_num), column(flow_den), column(stock_num), column(stock_den))


def _columns(kpi: str) -> tuple[str, str, str | None, str | None]:
    if kpi in STOCK_PARTS:
        return STOCK_PARTS[kpi]
    return f"{kpi}__num", f"{kpi}__den", None, None


# -- projecting ---------------------------------------------------------------------------

def _position(as_of: dt.date) -> tuple[int, float]:
    """(index of the first month not fully observed, observed share of that month). (12, 0) on 31/12."""
    days = calendar.monthrange(as_of.year, as_of.month)[1]
    if as_of.day == days:
        return as_of.month, 0.0
    return as_of.month - 1, as_of.day / days


def _window(x: np.ndarray, m0: int, f0: float, first: int = 0) -> float:
    """An earlier year's count over the same window: months first … m0-1 plus the same share of month m0."""
    part = x[m0] * f0 if m0 < 12 else 0.0
    return float(np.nansum(x[first:m0]) + (0.0 if np.isnan(part) else part))


def _observed(x: np.ndarray, m0: int, f0: float, first: int = 0) -> float:
    """This year's count: months first … m0-1 plus what month m0 has already recorded."""
    part = x[m0] if m0 < 12 and f0 > 0 else 0.0
    return float(np.nansum(x[first:m0]) + (0.0 if np.isnan(part) else part))


def _recent(m0: int) -> int:
    """First month of the window the seasonal ratio compares: the last RECENT_MONTHS months (all when None)."""
    return 0 if RECENT_MONTHS is None else max(0, m0 - RECENT_MONTHS)


def _rest(x: np.ndarray, m0: int, f0: float) -> float:
    """Sum of the unobserved share of month m0 and every month after it."""
    if m0 >= 12:
        return 0.0
    return float(x[m0] * (1 - f0) + np.sum(x[m0 + 1:]))


def _linear_rest(x: np.ndarray, m0: int, f0: float) -> float:
    """The months left from a line through this year's monthly paces (flat below LINEAR_MIN_MONTHS points)."""
    # Months before the data's first month are unknown, not zero: they stay out of the line.
    months = [m for m in range(m0) if not np.isnan(x[m])] + ([m0] if f0 > 0 and not np.isnan(x[m0]) else [])
    weights = np.array([f0 if m == m0 else 1.0 for m in months])
    totals = np.array([x[m] for m in months], dtype=float)
    if not months:
        return 0.0
    if len(months) >= LINEAR_MIN_MONTHS:
        paces = totals / weights
        slope, intercept = np.polyfit(np.array(months, dtype=float), paces, 1, w=np.sqrt(weights))
    else:
        slope, intercept = 0.0, totals.sum() / weights.sum()
    ahead = np.maximum(0.0, intercept + slope * np.arange(12))
    return float(ahead[m0] * (1 - f0) + ahead[m0 + 1:].sum()) if m0 < 12 else 0.0


def _complete(c: Components, i: int) -> bool:
    return not np.isnan(c.den[i]).any()


def _seasonal_years(c: Components, t: int, m0: int, f0: float) -> list[int]:
    """Earlier complete years with a denominator both in the observed window and after it."""
    first = _recent(m0)
    return [i for i in range(t) if _complete(c, i) and _window(c.den[i], m0, f0, first) > 0 and _rest(c.den[i], m0, f0) > 0]


def _project_part(x: np.ndarray, t: int, m0: int, f0: float, usable: list[int], seasonal: bool) -> float:
    """A volume left: each earlier year's same months × this year's recent months / that year's (mean), else linear."""
    first = _recent(m0)
    recent = _observed(x[t], m0, f0, first)
    if seasonal:
        scaled = [_rest(x[i], m0, f0) * recent / _window(x[i], m0, f0, first) for i in usable
                  if _window(x[i], m0, f0, first) > 0]
        if scaled:
            return float(np.mean(scaled))
    return _linear_rest(x[t], m0, f0)


@dataclass(frozen=True)
class _Point:
    """One projection: fixed parts (observed flows + stock carried forward) and the flow still to come."""
    num_fixed: float
    den_fixed: float
    rest_num: float
    rest_den: float
    method: str
    years: tuple[int, ...]

    @property
    def value(self) -> float:
        return (self.num_fixed + self.rest_num) / (self.den_fixed + self.rest_den)

    @property
    def share_left(self) -> float:
        return self.rest_den / (self.den_fixed + self.rest_den)

    @property
    def possible(self) -> tuple[float, float]:
        total = self.den_fixed + self.rest_den
        return self.num_fixed / total, (self.num_fixed + self.rest_den) / total


def _current_stock(s: np.ndarray, t: int, m0: int, f0: float) -> float:
    if f0 > 0:
        v = s[t, m0]
    elif m0 > 0:
        v = s[t, m0 - 1]
    else:
        return 0.0
    return 0.0 if np.isnan(v) else float(v)


def _shifted_numerator(c: Components, t: int, m0: int, f0: float, usable: list[int], rest_den: float) -> float:
    """Numerator left = denominator left × (the earlier year's rate on those months + how far this year's recent
    rate stands above that year's rate on the same recent months), averaged over the earlier years."""
    first = _recent(m0)
    recent_den = _observed(c.den[t], m0, f0, first)
    if recent_den <= 0:
        first, recent_den = 0, _observed(c.den[t], m0, f0)
    recent_rate = _observed(c.num[t], m0, f0, first) / recent_den
    rates = []
    for i in usable:
        window_den, rest_den_i = _window(c.den[i], m0, f0, first), _rest(c.den[i], m0, f0)
        if window_den > 0 and rest_den_i > 0:
            shift = recent_rate - _window(c.num[i], m0, f0, first) / window_den
            rates.append(min(1.0, max(0.0, _rest(c.num[i], m0, f0) / rest_den_i + shift)))
    return rest_den * float(np.mean(rates)) if rates else _linear_rest(c.num[t], m0, f0)


def _project(c: Components, t: int, m0: int, f0: float, seasonal_allowed: bool = True) -> _Point | None:
    """Year-end projection of year index t observed up to (m0, f0); None without a denominator so far."""
    num_fixed = _observed(c.num[t], m0, f0) + _current_stock(c.stock_num, t, m0, f0)
    den_fixed = _observed(c.den[t], m0, f0) + _current_stock(c.stock_den, t, m0, f0)
    if den_fixed <= 0:
        return None
    usable = _seasonal_years(c, t, m0, f0) if seasonal_allowed else []
    seasonal = bool(usable)
    rest_den = max(0.0, _project_part(c.den, t, m0, f0, usable, seasonal))
    rest_num = _shifted_numerator(c, t, m0, f0, usable, rest_den) if seasonal else _linear_rest(c.num[t], m0, f0)
    rest_num = min(rest_den, max(0.0, rest_num))
    years = tuple(c.years[i] for i in usable)
    return _Point(num_fixed, den_fixed, rest_num, rest_den, SEASONAL if seasonal else LINEAR, years)


def _actual(c: Components, i: int) -> float | None:
    num = float(np.nansum(c.num[i]) + np.nan_to_num(c.stock_num[i, 11]))
    den = float(np.nansum(c.den[i]) + np.nan_to_num(c.stock_den[i, 11]))
    return num / den if den > 0 else None


def backtest_errors(c: Components, t: int, method: str) -> list[float]:
    """Scaled absolute errors of ``method`` on each complete year before t, from the end of its months 1–11."""
    errors = []
    for i in range(t):
        if not _complete(c, i) or (method == SEASONAL and not any(_complete(c, j) for j in range(i))):
            continue  # a year the method cannot forecast
        actual = _actual(c, i)
        if actual is None:
            continue
        for m0 in range(1, 12):
            point = _project(c, i, m0, 0.0, seasonal_allowed=method == SEASONAL)
            if point is None or point.method != method or point.share_left <= 0:
                continue
            errors.append(abs(actual - point.value) / point.share_left)
    return errors


def _monthly_spread(c: Components, t: int) -> float | None:
    """Standard deviation of the last ``SPREAD_MONTHS`` monthly rates seen (months with a denominator, up to
    year t), None below two. Recent months only: three years of rising rates would read as noise."""
    num, den = c.num[: t + 1].ravel(), c.den[: t + 1].ravel()
    keep = ~np.isnan(den) & (den > 0)
    rates = (num[keep] / den[keep])[-SPREAD_MONTHS:]
    return float(np.std(rates, ddof=1)) if len(rates) >= 2 else None


def _interval(c: Components, t: int, point: _Point) -> tuple[float, float]:
    low_possible, high_possible = point.possible
    errors = backtest_errors(c, t, point.method)
    spread = _monthly_spread(c, t)
    halves = [NORMAL_Z * spread * point.share_left] if spread is not None else []
    if len(errors) >= MIN_RESIDUALS:
        halves.append(float(np.quantile(errors, INTERVAL_LEVEL)) * point.share_left)
    if not halves:
        return low_possible, high_possible
    half = max(halves)
    return max(low_possible, point.value - half), min(high_possible, point.value + half)


# -- the pace ------------------------------------------------------------------------------

def required_rate(threshold: float, num_fixed: float, den_fixed: float, rest_den: float) -> float | None:
    """The rate needed on the ``rest_den`` dossiers left: (target × year denominator − fixed numerator) / left."""
    if rest_den <= 0:
        return None
    return (threshold * (den_fixed + rest_den) - num_fixed) / rest_den


def pace_status(required: float | None, direction: str = ">=") -> str:
    """NEEDED, IMPOSSIBLE (more than 100% needed) or CERTAIN (even 0% meets it); ``≤`` targets mirrored."""
    if required is None:
        return NO_TARGET
    if direction == ">=":
        return IMPOSSIBLE if required > 1 + 1e-12 else CERTAIN if required <= 1e-12 else NEEDED
    return CERTAIN if required >= 1 - 1e-12 else IMPOSSIBLE if required < -1e-12 else NEEDED


# -- forecasting ------------------------------------------------------------------------------

def forecast_kpi(c: Components, kpi: str, year: int, as_of: dt.date | None, target: Target | None = None,
                 level: str | None = None) -> Forecast:
    """The year-end forecast and required pace of one KPI from its monthly components."""
    if as_of is None or year not in c.years:
        return Forecast(kpi, level, year, as_of, NO_DATA, None, None, None, None, target=target)
    t = c.years.index(year)
    m0, f0 = _position(as_of)
    point = _project(c, t, m0, f0)
    if point is None:
        return Forecast(kpi, level, year, as_of, NO_DATA, None, None, None, None, target=target)
    so_far = point.num_fixed / point.den_fixed
    common = dict(num_so_far=point.num_fixed, den_so_far=point.den_fixed, target=target)
    if m0 >= 12:  # the year is over: its value is final
        pace = assess(so_far, target.threshold, target.direction) if target else NO_TARGET
        return Forecast(kpi, level, year, as_of, FINAL, so_far, so_far, so_far, so_far,
                        expected_den=point.den_fixed, pace=pace, **common)
    low, high = _interval(c, t, point)
    required = required_rate(target.threshold, point.num_fixed, point.den_fixed, point.rest_den) if target else None
    return Forecast(kpi, level, year, as_of, point.method, so_far, point.value, low, high,
                    expected_den=point.den_fixed + point.rest_den, remaining_den=point.rest_den,
                    seasonal_years=point.years, required=required,
                    pace=pace_status(required, target.direction) if target else NO_TARGET, **common)


@dataclass(frozen=True)
class SelectionForecast:
    """One KPI for a selection: the whole selection and each level that still exists on 31/12."""
    kpi: str
    total: Forecast
    levels: dict[str, Forecast]


def plan_kpis(in_force: list[Target]) -> tuple[str, ...]:
    """The KPIs with a target in force, in ``metrics.KPIS`` order."""
    wanted = {t.indicator for t in in_force}
    return tuple(k for k in metrics.KPIS if k in wanted)


def forecast_selection(table: pd.DataFrame, year: int, as_of: dt.date | None, in_force: list[Target],
                       kpis: tuple[str, ...] | None = None, *, level: str | None = None,
                       unit_id: str | None = None) -> dict[str, SelectionForecast]:
    """Every KPI's forecast for the selection in ``table`` (``monthly_table``), and per level.

    ``level``: the chosen level (the total is then that level's rows); ``unit_id``: the chosen unit,
    whose own target applies. Levels abolished by 31/12 (district in 2025) get no forecast.
    """
    kpis = plan_kpis(in_force) if kpis is None else kpis
    alive = levels_on(dt.date(year, 12, 31))
    with_rows = set(table["level"].dropna()) if len(table) else set()
    levels = [lv for lv in LEVELS if lv in alive and lv in with_rows and (level is None or lv == level)]
    out, counts = {}, monthly(table, year)
    for kpi in kpis:
        target = pick(in_force, kpi, level, unit_id)
        if as_of is None:
            out[kpi] = SelectionForecast(kpi, Forecast(kpi, level, year, None, NO_DATA, None, None, None, None,
                                                       target=target), {})
            continue
        total = forecast_kpi(components(counts, kpi, year, level), kpi, year, as_of, target, level)
        per_level = {lv: forecast_kpi(components(counts, kpi, year, lv), kpi, year, as_of,
                                      pick(in_force, kpi, lv, unit_id), lv) for lv in levels}
        out[kpi] = SelectionForecast(kpi, total, per_level)
    return out


def for_warehouse(wh: Warehouse, year: int, in_force: list[Target], as_of: dt.date | None = None,
                  kpis: tuple[str, ...] | None = None, filters: Filters | None = None,
                  scope: Scope | None = None) -> tuple[dict[str, SelectionForecast], dt.date | None]:
    """``forecast_selection`` with its table read from the warehouse (the CLI, reports and tests)."""
    filters = filters or Filters()
    table, day = monthly_table(wh, year, as_of, Filters(unit_ids=filters.unit_ids, fields=filters.fields), scope)
    unit_id = filters.unit_ids[0] if len(filters.unit_ids) == 1 else None
    return forecast_selection(table, year, day, in_force, kpis, level=filters.level, unit_id=unit_id), day


# -- saying it ---------------------------------------------------------------------------------

def rate_text(value: float) -> str:
    """'98,3%'; a rate just under 100% (or just over 0%) gets the decimals that keep it from reading as the limit."""
    for digits in (1, 2, 3, 4):
        text = vi.pct(value, digits)
        if value in (0.0, 1.0) or text not in (vi.pct(1.0, digits), vi.pct(0.0, digits)):
            return text
    return text


def bound_text(value: float) -> str:
    return rate_text(value).removesuffix("%")


def _span(f: Forecast, data_date: dt.date | None) -> str:
    """'từ nay đến 31/12' when the forecast stands at the data date, else 'từ 01/11 đến 31/12'."""
    if data_date is None or f.as_of is None or f.as_of >= data_date:
        return forecast_text.SPAN_FROM_NOW
    return forecast_text.SPAN_FROM_DAY.format(day=f"{f.as_of + dt.timedelta(days=1):%d/%m}")


def forecast_line(f: Forecast, level_label: str | None = None) -> str | None:
    """'Dự báo cuối năm 96,8% (95,9–97,6)'; None when there is nothing to forecast (no data, year over)."""
    if not f.open:
        return None
    values = dict(value=rate_text(f.value), low=bound_text(f.low), high=bound_text(f.high))
    if level_label:
        return forecast_text.FORECAST_LEVEL.format(level=level_label, **values)
    return forecast_text.FORECAST_LINE.format(**values)


def pace_line(f: Forecast, data_date: dt.date | None = None) -> str | None:
    """'Cần đạt 98,3%/tháng từ nay đến 31/12', 'Không thể đạt …', 'Đã chắc chắn đạt …'; None without a pace."""
    if not f.open or f.target is None or f.required is None:
        return None
    target = vi.target_phrase(f.target.threshold, f.target.direction)
    span = _span(f, data_date)
    if f.pace == CERTAIN:
        return forecast_text.PACE_CERTAIN.format(target=target)
    if f.pace == IMPOSSIBLE:
        return forecast_text.PACE_IMPOSSIBLE.format(target=target, rate=rate_text(f.required), span=span)
    template = forecast_text.PACE_NEEDED if f.target.direction == ">=" else forecast_text.PACE_CEILING
    return template.format(rate=rate_text(f.required), span=span)


def method_phrase(f: Forecast) -> str:
    """'theo mùa vụ các năm 2023, 2024' or 'theo xu hướng từ đầu năm 2025 (…)'."""
    if f.method == SEASONAL:
        return forecast_text.METHOD_SEASONAL.format(years=", ".join(str(y) for y in f.seasonal_years))
    return forecast_text.METHOD_LINEAR.format(year=f.year)


def method_note(f: Forecast) -> str | None:
    """How the forecast was made and what its interval means (a caption)."""
    if not f.open:
        return None
    return forecast_text.METHOD_NOTE.format(year=f.year, as_of=vi.date(f.as_of), method=method_phrase(f),
                                            level=round(INTERVAL_LEVEL * 100))


def tile_lines(sf: SelectionForecast | None, data_date: dt.date | None = None) -> list[str]:
    """What a KPI tile says under its value: the selection's forecast and pace when it has one target,
    else one forecast and pace per level with a target (digitization 70/40/35%). Markdown; an
    unreachable target in bold. Empty when there is nothing to forecast."""
    if sf is None:
        return []
    if sf.total.target is not None or not sf.levels:
        pairs = [(sf.total, None)]
    else:
        pairs = [(f, vi.LEVEL_LABELS.get(lv, lv)) for lv, f in sf.levels.items() if f.target is not None]
    lines = []
    for f, label in pairs:
        pace = pace_line(f, data_date)
        lines += [forecast_line(f, label), f"**{pace}**" if pace and f.pace == IMPOSSIBLE else pace]
    return [line for line in lines if line]

"""Backtest of the year-end forecast (kpi.measures.forecast) on a warehouse (prints figures; not a test).

    .venv/bin/python bench/forecast.py --db /tmp/forecast/s.duckdb [--year 2025]

For each month of the year, forecasts 31/12 from the data before that month (as_of = the last day
of the month before: the year's first month has no data before it, so no forecast) and compares
with the year's final value: the mean absolute error in percentage points per KPI, for the whole
province and for each level, how often the interval held the final value, and the same error for
the naive forecast "the year ends where it stands" (the value so far), for comparison.
The same for the simulated 766 index total (points). Also the time of one forecast (month × level table
over four years plus the arithmetic, every KPI, level and 766 group).
"""
from __future__ import annotations

import argparse
import calendar
import datetime as dt
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from kpi.measures import forecast, forecast766, targets  # noqa: E402
from kpi.warehouse.db import Warehouse  # noqa: E402


def cutoffs(year: int) -> list[dt.date]:
    """The last day before each month of the year from February: 31/01 … 30/11."""
    return [dt.date(year, m, calendar.monthrange(year, m)[1]) for m in range(1, 12)]


def _scopes(sf: forecast.SelectionForecast) -> dict[str, forecast.Forecast]:
    return {"toàn tỉnh": sf.total, **sf.levels}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--db", required=True)
    parser.add_argument("--year", type=int, default=2025)
    args = parser.parse_args()
    wh = Warehouse(args.db)
    in_force = targets.targets_for_year(wh, args.year)
    n = wh.query("SELECT count(*) FROM dossiers")[0][0]
    feedback = forecast766.has_feedback(wh)

    def run(as_of):
        table, day = forecast.monthly_table(wh, args.year, as_of)
        return (forecast.forecast_selection(table, args.year, day, in_force), day,
                forecast766.forecast_index(table, args.year, day, has_feedback=feedback))

    final, day, final_index = run(dt.date(args.year, 12, 31))
    if day != dt.date(args.year, 12, 31):
        sys.exit(f"The data stops on {day}: the year {args.year} is not complete, nothing to check against.")
    print(f"{args.db}: {n:,} dossiers; backtest of {args.year}, forecasts from the end of each month 01–11 "
          f"(January: no data before it, no forecast)\n")
    errors, naive, inside, times, methods, index_errors = {}, {}, {}, [], set(), []
    for as_of in cutoffs(args.year):
        start = time.perf_counter()
        result, _, index = run(as_of)
        times.append(time.perf_counter() - start)
        index_errors.append((abs(index.value - final_index.value), abs(index.so_far - final_index.value),
                             index.low - 1e-9 <= final_index.value <= index.high + 1e-9))
        for kpi, sf in result.items():
            for scope, f in _scopes(sf).items():
                actual = _scopes(final[kpi]).get(scope)
                if actual is None or actual.value is None or not f.open:
                    continue
                methods.add(f.method)
                key = (kpi, scope)
                errors.setdefault(key, []).append(abs(f.value - actual.value) * 100)
                naive.setdefault(key, []).append(abs(f.so_far - actual.value) * 100)
                inside.setdefault(key, []).append(f.low - 1e-12 <= actual.value <= f.high + 1e-12)
    print(f"{'KPI':<24}{'scope':<11}{'MAE (pp)':>9}{'max':>7}{'naive MAE':>11}{'interval held':>15}{'n':>4}")
    all_errors, all_naive, all_inside = [], [], []
    for (kpi, scope), values in errors.items():
        mae = sum(values) / len(values)
        nmae = sum(naive[(kpi, scope)]) / len(values)
        held = sum(inside[(kpi, scope)])
        all_errors += values
        all_naive += naive[(kpi, scope)]
        all_inside += inside[(kpi, scope)]
        print(f"{kpi:<24}{scope:<11}{mae:>9.2f}{max(values):>7.2f}{nmae:>11.2f}{held:>10}/{len(values):<4}{len(values):>4}")
    print(f"\nall KPIs and scopes: MAE {sum(all_errors) / len(all_errors):.2f} pp (naive {sum(all_naive) / len(all_naive):.2f} pp),"
          f" interval held {sum(all_inside)}/{len(all_inside)} = {sum(all_inside) / len(all_inside):.0%}"
          f" (nominal {forecast.INTERVAL_LEVEL:.0%}); methods used: {', '.join(sorted(methods))}")
    print(f"766 index (simulated, {final_index.max_covered:g} points with data): final {final_index.value:.2f}; "
          f"MAE {sum(e for e, _, _ in index_errors) / len(index_errors):.3f} points "
          f"(naive {sum(n for _, n, _ in index_errors) / len(index_errors):.3f}), interval held "
          f"{sum(h for _, _, h in index_errors)}/{len(index_errors)}")
    times.sort()
    print(f"one forecast (table + arithmetic, every KPI and level): median {times[len(times) // 2] * 1000:.0f} ms,"
          f" best {times[0] * 1000:.0f} ms")


if __name__ == "__main__":
    main()

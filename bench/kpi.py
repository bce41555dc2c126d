"""KPI engine timings on a big warehouse (prints figures; not a test).

    .venv/bin/python bench/kpi.py --db data/warehouse.duckdb [--db data/w10m.duckdb] [--year 2024]

Targets (issue 3): `kpi summary` for one year < 300 ms, month × unit grouping < 500 ms,
on this 2-core machine. Build the databases with `python -m etl sample` and
`python bench/sample.py --scale 3.4 --out PATH` (about 10 million dossiers).
"""
from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from kpi.measures import metrics, periods  # noqa: E402
from kpi.warehouse.db import Warehouse  # noqa: E402


def timed(fn, runs: int) -> tuple[float, float]:
    fn()  # warm the OS page cache and DuckDB's plan
    samples = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        samples.append(time.perf_counter() - start)
    return statistics.median(samples) * 1000, min(samples) * 1000


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--db", action="append", required=True)
    parser.add_argument("--year", type=int, default=2024)
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    year = periods.year(args.year)
    for path in args.db:
        wh = Warehouse(path)
        n = wh.query("SELECT count(*) FROM dossiers")[0][0]
        print(f"\n{path}: {n:,} dossiers")
        cases = {
            f"summary, year {args.year} (target < 300 ms)": lambda: metrics.summary(wh, year),
            f"month × unit, year {args.year} (target < 500 ms)": lambda: metrics.kpi_table(wh, year, group_by=("month", "unit")),
            f"month trend, year {args.year}": lambda: metrics.kpi_table(wh, year, group_by=("month",)),
            f"unit ranking, month 10/{args.year}": lambda: metrics.kpi_table(wh, periods.month(args.year, 10), group_by=("unit",)),
        }
        for name, fn in cases.items():
            median, best = timed(fn, args.runs)
            print(f"  {name:<48} median {median:7.1f} ms   best {best:7.1f} ms")


if __name__ == "__main__":
    main()

"""KPI engine timings on a big warehouse (prints figures; not a test).

    .venv/bin/python bench/kpi.py --db data/warehouse.duckdb [--db data/w10m.duckdb] [--year 2024]

Targets (issue 16, on this 2-core machine): `kpi summary` for one year ≤ 50 ms and month × unit ≤ 100 ms
on 10 million dossiers; on 50 million both ≤ 2× their 10-million figure. Build the databases with
`python bench/sample.py --scale 3.4 --out PATH` (about 10 million dossiers) and `--scale 16.7` (50 million).
Besides wall time the CPU time of the process is printed: on a shared machine wall time also
counts the waiting for a core. The warehouse file size and the rows of the pre-aggregated
counts table (kpi/measures/precount.py) are printed too.

Each case runs twice: with the warehouse held open between calls, as the dashboard runs
(``kpi.warehouse.db.keep_open``; the figure the targets are about), and opened per call, as a
one-off command does (about 10 ms more: DuckDB starting the database instance).
"""
from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from kpi.measures import metrics, periods, precount  # noqa: E402
from kpi.warehouse import db, schema  # noqa: E402
from kpi.warehouse.db import Warehouse  # noqa: E402


def timed(fn, runs: int) -> tuple[float, float, float]:
    """(median wall, best wall, median CPU) in ms."""
    fn()  # warm the OS page cache and DuckDB's plan
    samples, cpu = [], []
    for _ in range(runs):
        start, start_cpu = time.perf_counter(), time.process_time()
        fn()
        samples.append(time.perf_counter() - start)
        cpu.append(time.process_time() - start_cpu)
    return statistics.median(samples) * 1000, min(samples) * 1000, statistics.median(cpu) * 1000


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
        table = wh.query(f"SELECT count(*) FROM {precount.TABLE}")[0][0]
        with wh.read() as con:
            state = schema.counts_state(con)
        size = Path(path).stat().st_size / 2**20
        print(f"\n{path}: {n:,} dossiers, file {size:,.0f} MB, {precount.TABLE} {table:,} rows ({state})")
        cases = {
            f"summary, year {args.year} (target ≤ 50 ms at 10M)": lambda: metrics.summary(wh, year),
            f"month × unit, year {args.year} (target ≤ 100 ms at 10M)": lambda: metrics.kpi_table(wh, year, group_by=("month", "unit")),
            f"month trend, year {args.year}": lambda: metrics.kpi_table(wh, year, group_by=("month",)),
            f"unit ranking, month 10/{args.year}": lambda: metrics.kpi_table(wh, periods.month(args.year, 10), group_by=("unit",)),
        }
        for hold, mode in ((60.0, "held open, as the dashboard"), (0.0, "opened per call, as a one-off command")):
            db.keep_open(hold)
            print(f"  {mode}:")
            for name, fn in cases.items():
                median, best, cpu = timed(fn, args.runs)
                print(f"    {name:<48} median {median:7.1f} ms   best {best:7.1f} ms   CPU {cpu:7.1f} ms")
        db.keep_open(0)


if __name__ == "__main__":
    main()

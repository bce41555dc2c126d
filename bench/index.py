"""Time of the QĐ 766 index for one year vs `kpi summary` for the same year (issue 14: target ≤ 1.5×).

    .venv/bin/python bench/index.py [--db PATH] [--year 2025] [--runs 5]

Builds the 3-million-dossier sample first when the warehouse is empty. Prints the medians of
``runs`` warm runs, alternating, of ``metrics.summary`` and ``index766.compute`` (province, levels, units).
"""
from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from kpi.measures import index766, metrics  # noqa: E402
from kpi.measures.periods import year  # noqa: E402
from kpi.warehouse.db import Warehouse  # noqa: E402


def _medians_ms(calls: list, runs: int) -> list[float]:
    """Median time of each call, the calls alternating run by run (so a shared machine's load falls on both)."""
    for call in calls:
        call()  # warm: file cache, imports
    times = [[] for _ in calls]
    for _ in range(runs):
        for call, spent in zip(calls, times):
            start = time.perf_counter()
            call()
            spent.append((time.perf_counter() - start) * 1000)
    return [statistics.median(spent) for spent in times]


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--db", default="/tmp/bench_index.duckdb")
    parser.add_argument("--year", type=int, default=2025)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    wh = Warehouse(args.db)
    if metrics.data_range(wh)[0] is None:
        from etl.sample import build_sample

        build_sample(wh, scale=1.0)
    period = year(args.year)
    dossiers = wh.query("SELECT count(*) FROM dossiers")[0][0]
    summary_ms, index_ms = _medians_ms([lambda: metrics.summary(wh, period), lambda: index766.compute(wh, period)],
                                       args.runs)
    print(f"{dossiers:,} dossiers, year {args.year}, medians of {args.runs} runs")
    print(f"kpi summary: {summary_ms:.0f} ms")
    print(f"index 766 (province, levels, units): {index_ms:.0f} ms = {index_ms / summary_ms:.2f}× (target ≤ 1.5×)")
    return 0


if __name__ == "__main__":
    sys.exit(main())

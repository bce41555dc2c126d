"""Rows of the pre-aggregated counts after many loads, with and without automatic compaction
(prints figures; not a test).

    .venv/bin/python bench/compaction.py [--loads 20] [--rows 20000] [--undo-every 5]

Two fresh warehouses get the same loads: a month of new dossiers each (tests/fixtures_etl.py),
a fifth of them replacing dossiers of the load before with a later finish, and an undo of every
``--undo-every``-th load. One never compacts (``counts_compact_rows`` very large), the other
keeps the setting's default. Printed: ``dossier_counts`` rows as the loads go, what a rebuild
writes from the same dossiers, the CPU time of the loads that compacted and of those that did
not, and a year's summary (month rows and day rows read) on both.
"""
from __future__ import annotations

import argparse
import datetime as dt
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from etl.load import load_file, undo_batch  # noqa: E402
from kpi import config  # noqa: E402
from kpi.measures import metrics, periods, precount  # noqa: E402
from kpi.warehouse.db import Warehouse  # noqa: E402
from tests.fixtures_etl import Traits, make_rows, write_csv  # noqa: E402

NEVER = 10**12


def _files(folder: Path, loads: int, rows: int) -> list[Path]:
    """One CSV per load: a month of new dossiers, a fifth of the previous load's finished later."""
    paths, previous = [], []
    for i in range(loads):
        start = dt.datetime(2024, 1, 2, 8) + dt.timedelta(days=30 * i)
        fresh = make_rows(rows - len(previous) // 5, seed=i, start=start, code_prefix=f"L{i:02d}")
        again = [{**r, "finished_at": r["received_at"] + dt.timedelta(days=25), "status": "Đã trả kết quả"}
                 for r in previous[: len(previous) // 5]]
        paths.append(write_csv(folder / f"load{i:02d}.csv", fresh + again, Traits(date_style="dmy_time")))
        previous = fresh
    return paths


def _count_rows(wh: Warehouse) -> int:
    return int(wh.query(f"SELECT count(*) FROM {precount.TABLE}")[0][0])


def _run(db: Path, files: list[Path], undo_every: int, threshold: int) -> dict:
    os.environ["TTHC_COUNTS_COMPACT_ROWS"] = str(threshold)
    wh = Warehouse(db)
    rows_seen, cpu_compacting, cpu_other = [], [], []
    for i, path in enumerate(files, start=1):
        start = time.process_time()
        batch = load_file(wh, path).batch_id
        if undo_every and i % undo_every == 0:
            undo_batch(wh, batch)
        spent = time.process_time() - start
        with wh.read() as con:
            pending_rows, _ = precount.pending(con)
        (cpu_compacting if pending_rows == 0 else cpu_other).append(spent)
        rows_seen.append(_count_rows(wh))
    year = periods.year(2024)
    metrics.dossier_counts(wh, year, source="stored")
    timings = []
    for _ in range(5):
        started = time.process_time()
        metrics.dossier_counts(wh, year, group_by=("month", "unit"), source="stored")
        timings.append(time.process_time() - started)
    return {"rows": rows_seen, "compacting": cpu_compacting, "other": cpu_other,
            "query_ms": statistics.median(timings) * 1000}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--loads", type=int, default=20)
    parser.add_argument("--rows", type=int, default=20_000)
    parser.add_argument("--undo-every", type=int, default=5)
    parser.add_argument("--also", type=int, nargs="*", default=[20_000],
                        help="other counts_compact_rows values to run besides the default")
    args = parser.parse_args()
    thresholds = [int(config.get("counts_compact_rows")), *args.also]
    with tempfile.TemporaryDirectory(prefix="tthc-compaction-") as tmp:
        folder = Path(tmp)
        files = _files(folder, args.loads, args.rows)
        runs = {"never compacted": _run(folder / "never.duckdb", files, args.undo_every, NEVER)}
        for i, threshold in enumerate(thresholds):
            runs[f"counts_compact_rows={threshold:,}"] = _run(folder / f"auto{i}.duckdb", files, args.undo_every,
                                                              threshold)
        rebuilt_wh = Warehouse(folder / "never.duckdb")
        with rebuilt_wh.write() as con:
            rebuilt = precount.rebuild(con)
    print(f"{args.loads} loads of {args.rows:,} rows (a fifth replacing the load before), every "
          f"{args.undo_every}. load undone; dossier_counts rows:")
    marks = sorted({min(args.loads, k) for k in (1, 5, 10, 15, 20, args.loads)})
    width = max(len(label) for label in runs)
    print(f"  {'after load':<{width}}" + "".join(f"{k:>10}" for k in marks))
    for label, run in runs.items():
        print(f"  {label:<{width}}" + "".join(f"{run['rows'][k - 1]:>10,}" for k in marks)
              + f"   month × unit 2024: {run['query_ms']:.0f} ms CPU")
    print(f"  a rebuild from the same dossiers writes {rebuilt:,} rows")
    for label, run in runs.items():
        if run["compacting"]:
            print(f"  {label}: CPU per load (+ undo) {statistics.median(run['other']):.2f} s without compaction, "
                  f"{statistics.median(run['compacting']):.2f} s when it compacted ({len(run['compacting'])} of "
                  f"{args.loads})")
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""ETL load timing against a bare calamine read (prints figures; not a test).

    .venv/bin/python bench/etl.py [--rows 200000] [--repeat 3] [--keep DIR]

Generates a messy .xlsx (title block, merged two-row header, extra columns,
footer, mixed date styles) with tests/fixtures_etl.py, then times, each in a
fresh child process so memory figures are its own:

- ``load_file`` into a fresh warehouse (read, map, validate, one transaction), once in a fresh
  process as the CLI does it and once with the reader process (``etl.isolate``) already started,
  as the dashboard has it after its first upload (its start is printed apart);
- python-calamine's bare read of the same file
  (``CalamineWorkbook.from_path(p).get_sheet_by_index(0).to_python()``).

Wall and CPU time are printed (the CPU of the load counts this process, the reader server and
its reading child): on a shared machine the wall time includes waiting for a core.
Targets: load / bare read ≤ 1.5×, peak memory (ru_maxrss) of the load < 1.5 GB.
The median of ``--repeat`` runs is reported.
"""
from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux


def child_generate(path: str, rows: int) -> dict:
    from tests.fixtures_etl import Traits, make_rows, write_messy

    traits = Traits(title_rows=3, two_row_header=True, footer=True, extra_columns=True, with_level=True,
                    date_style="mixed")
    write_messy(path, make_rows(rows), traits)
    return {}


def _server_cpu_s() -> float:
    """CPU seconds the reader server process (etl.isolate) has used so far (0 when it is not running)."""
    from etl import isolate

    proc = isolate._SERVER._proc
    if proc is None:
        return 0.0
    fields = Path(f"/proc/{proc.pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")  # utime, stime


def child_load(path: str, db: str, warm: int = 0) -> dict:
    from etl import isolate
    from etl.load import load_file
    from kpi.warehouse.db import Warehouse

    wh = Warehouse(db)
    wh.data_version()  # create the schema outside the timing
    start = time.perf_counter()
    if warm:  # the reader process (etl.isolate) starts once per process; the dashboard keeps it running
        isolate._SERVER._ensure()
    started, cpu_started, server_started = time.perf_counter(), time.process_time(), _server_cpu_s()
    result = load_file(wh, path)
    seconds = time.perf_counter() - started
    # CPU of the whole load: this process, the reader server (its start, on a cold load) and the reading child
    cpu = time.process_time() - cpu_started + _server_cpu_s() - server_started + isolate.last_child_cpu_s
    return {"seconds": seconds, "cpu": cpu, "reader_cpu": isolate.last_child_cpu_s, "reader_start": started - start,
            "peak_mb": _peak_mb(), "status": result.status, **result.counts}


def child_calamine(path: str) -> dict:
    from python_calamine import CalamineWorkbook

    start, cpu_start = time.perf_counter(), time.process_time()
    rows = CalamineWorkbook.from_path(path).get_sheet_by_index(0).to_python()
    return {"seconds": time.perf_counter() - start, "cpu": time.process_time() - cpu_start, "peak_mb": _peak_mb(),
            "rows": len(rows)}


def _spawn(*args: str) -> dict:
    out = subprocess.run([sys.executable, __file__, "--child", *args], cwd=ROOT, capture_output=True, text=True,
                         check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=200_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--keep", default=None, help="directory to keep (and reuse) the generated file in")
    parser.add_argument("--child", nargs="+", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        kind, *rest = args.child
        figures = {"generate": child_generate, "load": child_load, "calamine": child_calamine}[kind](
            *[int(a) if a.isdigit() else a for a in rest])
        print(json.dumps(figures))
        return 0

    with tempfile.TemporaryDirectory(prefix="tthc-etl-bench-") as tmp:
        folder = Path(args.keep or tmp)
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / f"messy_{args.rows}.xlsx"
        if not path.exists():
            start = time.perf_counter()
            _spawn("generate", str(path), str(args.rows))
            print(f"generated {path.name} ({path.stat().st_size / 2**20:.1f} MB) in {time.perf_counter() - start:.0f} s")
        loads, warm, reads = [], [], []
        for i in range(args.repeat):
            db = Path(tmp) / f"w{i}.duckdb"
            loads.append(_spawn("load", str(path), str(db)))
            warm.append(_spawn("load", str(path), str(Path(tmp) / f"warm{i}.duckdb"), "1"))
            reads.append(_spawn("calamine", str(path)))
        load_s = statistics.median(r["seconds"] for r in loads)
        warm_s = statistics.median(r["seconds"] for r in warm)
        start_s = statistics.median(r["reader_start"] for r in warm)
        read_s = statistics.median(r["seconds"] for r in reads)
        load_cpu, warm_cpu, read_cpu = (statistics.median(r["cpu"] for r in runs) for runs in (loads, warm, reads))
        reader_cpu = statistics.median(r["reader_cpu"] for r in warm)
        last = loads[-1]
        print(f"file: {args.rows:,} data rows, title block, merged two-row header, footer, mixed date styles")
        print(f"  load_file (fresh DB)     {load_s:6.2f} s   {last['rows_loaded'] / load_s:>9,.0f} rows/s   "
              f"status {last['status']}, loaded {last['rows_loaded']:,}, rejected {last['rows_rejected']:,}")
        print(f"  calamine to_python()     {read_s:6.2f} s")
        print(f"  ratio load / bare read   {load_s / read_s:6.2f} ×  (target ≤ 1.5×)")
        print(f"  CPU time: load {load_cpu:.2f} s (fresh process) / {warm_cpu:.2f} s (reader running; its reading "
              f"child {reader_cpu:.2f} s), bare read {read_cpu:.2f} s: ratio {load_cpu / read_cpu:.2f} × / "
              f"{warm_cpu / read_cpu:.2f} ×  (target ≤ 1.5×)")
        print(f"  with the reader process already running (as on the dashboard; its start, {start_s:.2f} s, "
              f"once per process): load {warm_s:.2f} s = {warm_s / read_s:.2f} ×")
        print(f"  peak memory of the load  {max(r['peak_mb'] for r in loads):6.0f} MB (target < 1536 MB); "
              f"bare read {max(r['peak_mb'] for r in reads):.0f} MB")
        runs = ", ".join(f"{r['seconds']:.2f}" for r in loads)
        bare = ", ".join(f"{r['seconds']:.2f}" for r in reads)
        warmed = ", ".join(f"{r['seconds']:.2f}" for r in warm)
        print(f"  runs: load {runs} s; with the reader running {warmed} s; bare read {bare} s")
        print(f"  load average (1, 5, 15 min) {' '.join(f'{x:.1f}' for x in os.getloadavg())}: wall times include "
              "waiting for a core on a shared machine; compare the CPU ratio there")
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Upload page vs CLI on a 200 000-row export: time from 'Xác nhận nạp' to committed.

The page's code path is etl.upload.inspect (prepare + diff, before the confirmation) then
etl.upload.load → etl.load.load_prepared (after it). The CLI is `python -m etl load FILE --db …`
(a new process: read, map, validate, load). Each run starts from an empty warehouse.

    .venv/bin/python bench/upload.py [--rows 200000] [--keep FILE]
Target: confirm → committed ≤ 1.2 × the CLI load of the same file.
"""
from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from etl import upload as U  # noqa: E402
from kpi.access.permissions import User  # noqa: E402
from kpi.warehouse.db import Warehouse  # noqa: E402
from tests.fixtures_etl import Traits, make_rows, write_messy  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=200_000)
    parser.add_argument("--keep", default=None, help="reuse/keep the generated file at this path")
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="bench_upload_"))
    path = Path(args.keep) if args.keep else work / "mot_cua_200k.xlsx"
    if not path.exists():
        t = time.perf_counter()
        write_messy(path, make_rows(args.rows, seed=3), Traits(title_rows=3, date_style="excel"))
        print(f"file: {args.rows:,} rows, {path.stat().st_size / 2**20:.1f} MB, written in {time.perf_counter() - t:.1f} s")

    # CLI: a fresh process, end to end.
    db_cli = work / "cli.duckdb"
    t = time.perf_counter()
    done = subprocess.run([sys.executable, "-m", "etl", "load", str(path), "--db", str(db_cli)], cwd=ROOT,
                          capture_output=True, text=True)
    cli = time.perf_counter() - t
    assert done.returncode in (0, 3), done.stderr
    print(done.stdout.strip())

    # Page path: inspect before the confirmation, load after it.
    wh = Warehouse(work / "page.duckdb")
    wh.data_version()
    data = path.read_bytes()
    t = time.perf_counter()
    ins = U.inspect(wh, data, path.name)
    inspect_s = time.perf_counter() - t
    t = time.perf_counter()
    outcome = U.load(wh, ins, user=User("bench", "analyst"))
    confirm_s = time.perf_counter() - t
    assert outcome.status == "loaded"
    same = Warehouse(db_cli).query("SELECT count(*) FROM dossiers")[0][0] == wh.query("SELECT count(*) FROM dossiers")[0][0]
    print(f"rows loaded: {outcome.counts['rows_loaded']:,} (same as CLI: {same})")
    print(f"CLI load (python -m etl load, whole process):      {cli:6.2f} s")
    print(f"page: check before confirm (prepare + diff):       {inspect_s:6.2f} s")
    print(f"page: confirm → committed (load_prepared):         {confirm_s:6.2f} s   ratio to CLI {confirm_s / cli:.2f}× (target ≤ 1.2×)")
    print(f"page: upload → committed (everything):             {inspect_s + confirm_s:6.2f} s   ratio to CLI {(inspect_s + confirm_s) / cli:.2f}×")
    return 0


if __name__ == "__main__":
    sys.exit(main())

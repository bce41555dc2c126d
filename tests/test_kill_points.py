"""``python -m etl load`` killed with SIGKILL at 20 random moments of a large load (starting up, in
the reading child, validating, inside the transaction, committing, after): every time the warehouse
opens, and holds either exactly what it held before or exactly the complete load — never part of it.

tests/test_kill.py kills at one chosen point (inside the transaction); this one spreads the kills
over the whole run. The file has 40 000 rows rather than 200 000 so that 20 loads fit in about a
minute on two cores (a 200 000-row load takes ~10 s; the moments are spread over the run's length
either way).
"""
from __future__ import annotations

import os
import random
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

from etl.load import load_file
from kpi.warehouse.db import Warehouse
from tests.fixtures_etl import make_rows, write_csv
from tests.test_undo import TABLES

ROOT = Path(__file__).resolve().parent.parent
ROWS = 40_000
POINTS = 20
SEED = 7
BATCH_COLUMNS = "batch_id, file_name, sha256, kind, rows_read, rows_loaded, rows_rejected, rows_new, rows_updated, status"


def fingerprint(db: Path) -> dict:
    """Count and an order-independent hash of every data table and of the batch rows (times left out)."""
    wh = Warehouse(db)
    out = {}
    with wh.read() as con:
        for table in (*TABLES, "rejected_rows"):
            columns = [r[0] for r in con.execute(f"DESCRIBE {table}").fetchall() if r[0] not in ("created_at",)]
            out[table] = con.execute(f"SELECT count(*), sum(hash({', '.join(columns)})) FROM {table}").fetchall()[0]
        out["load_batches"] = sorted(con.execute(f"SELECT {BATCH_COLUMNS} FROM load_batches").fetchall())
    return out


def _copy(source: Path, target: Path) -> None:
    shutil.copy(source, target)
    if Path(f"{source}.wal").exists():
        shutil.copy(f"{source}.wal", f"{target}.wal")


def _load(path: Path, db: Path) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "etl", "load", str(path), "--db", str(db)], cwd=ROOT,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def test_sigkill_at_random_moments_leaves_before_or_after_never_between(tmp_path):
    base_db = tmp_path / "base.duckdb"
    assert load_file(Warehouse(base_db), write_csv(tmp_path / "jan.csv", make_rows(500))).status == "loaded"
    before = fingerprint(base_db)
    path = write_csv(tmp_path / "big.csv", make_rows(ROWS, code_prefix="BIG", seed=9))

    full_db = tmp_path / "full.duckdb"
    _copy(base_db, full_db)
    started = time.monotonic()
    assert _load(path, full_db).wait(timeout=120) == 0
    duration = time.monotonic() - started
    after = fingerprint(full_db)
    assert after["dossiers"][0] == 500 + ROWS

    rng = random.Random(SEED)
    seen = {"before": 0, "after": 0}
    for point in range(POINTS):
        db = tmp_path / f"k{point}.duckdb"
        _copy(base_db, db)
        proc = _load(path, db)
        try:
            proc.wait(timeout=rng.uniform(0.05, duration * 1.05))
        except subprocess.TimeoutExpired:
            os.kill(proc.pid, signal.SIGKILL)
        proc.wait(timeout=30)
        state = fingerprint(db)  # opening replays the WAL; it must not fail
        assert state in (before, after), f"kill {point}: neither before nor after the load"
        seen["before" if state == before else "after"] += 1
        db.unlink()
        Path(f"{db}.wal").unlink(missing_ok=True)
    print(f"full load {duration:.1f} s; states after the kills: {seen}")
    assert seen["before"] >= 1, seen  # the moments did land inside the load

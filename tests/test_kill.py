"""A load killed with SIGKILL inside its transaction leaves the warehouse exactly as before."""
from __future__ import annotations

import datetime as dt
import os
import signal
import subprocess
import sys
from pathlib import Path

from etl.load import IN_TRANSACTION_MARK, TEST_SLEEP_ENV, load_file
from kpi.warehouse.db import Warehouse
from tests.fixtures_etl import make_rows, write_messy
from tests.test_undo import snapshot

ROOT = Path(__file__).resolve().parent.parent


def test_sigkill_inside_the_transaction_changes_nothing(tmp_path):
    db = tmp_path / "w.duckdb"
    wh = Warehouse(db)
    january = make_rows(3000)
    load_file(wh, write_messy(tmp_path / "jan.xlsx", january))
    before = snapshot(wh)
    batches = wh.query("SELECT * FROM load_batches")
    version = wh.data_version()

    big = [dict(r, finished_at=dt.datetime(2024, 2, 25, 9)) for r in january]
    big += make_rows(30_000, code_prefix="BIG", start=dt.datetime(2024, 2, 1), seed=5)
    path = write_messy(tmp_path / "big.xlsx", big, title_rows=2, two_row_header=True, footer=True)

    env = {**os.environ, TEST_SLEEP_ENV: "60"}
    proc = subprocess.Popen([sys.executable, "-m", "etl", "load", str(path), "--db", str(db)], cwd=ROOT, env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    try:
        line = proc.stderr.readline()  # blocks until the load is inside its transaction
        assert IN_TRANSACTION_MARK in line, line
        os.kill(proc.pid, signal.SIGKILL)
        assert proc.wait(timeout=30) == -signal.SIGKILL
    finally:
        if proc.poll() is None:
            proc.kill()
        proc.stderr.close()

    after = Warehouse(db)
    assert snapshot(after) == before
    assert after.query("SELECT * FROM load_batches") == batches
    assert after.data_version() == version
    assert after.query("SELECT count(*) FROM rejected_rows")[0][0] == 0
    # and the warehouse is usable: the same load now commits
    result = load_file(after, path)
    assert result.counts["new"] == 30_000 and result.counts["updated"] == 3000 - sum(
        1 for r in january if r["finished_at"] == dt.datetime(2024, 2, 25, 9))

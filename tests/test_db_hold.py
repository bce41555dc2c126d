"""kpi.warehouse.db.keep_open: the dashboard keeps the file's DuckDB instance up between operations,
lets go when idle, and lets go at once when another process waits for the file."""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time

import pytest

from kpi.warehouse import db
from kpi.warehouse.db import Warehouse

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def _other_process_reads(path, retries=40, wait=0.1) -> subprocess.CompletedProcess:
    code = f"from kpi.warehouse.db import Warehouse; print(Warehouse({str(path)!r}).data_version())"
    env = dict(os.environ, TTHC_LOCK_RETRIES=str(retries), TTHC_LOCK_WAIT_S=str(wait))
    return subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60)


def _wait_until(condition, seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.05)
    return condition()


def test_per_operation_by_default_holds_nothing(tmp_path):
    path = tmp_path / "w.duckdb"
    Warehouse(path).data_version()
    assert path not in db._HOLDER.held
    assert _other_process_reads(path, retries=0).stdout.strip() == "0"


def test_held_file_serves_reads_and_writes_of_this_process(tmp_path):
    path = tmp_path / "w.duckdb"
    db.keep_open(30)
    wh = Warehouse(path)
    before = wh.data_version()
    assert path in db._HOLDER.held
    with wh.write() as con:
        con.execute("CREATE TABLE t AS SELECT 42 AS x")
    assert wh.data_version() == before + 1
    assert wh.query("SELECT x FROM t") == [(42,)]
    # Another process cannot open it now, and says so instead of hanging.
    refused = _other_process_reads(path, retries=0)
    assert refused.returncode != 0 and "đang được một tiến trình khác ghi" in refused.stderr


def test_held_file_is_let_go_after_idle_time(tmp_path):
    path = tmp_path / "w.duckdb"
    db.keep_open(0.3)
    Warehouse(path).data_version()
    assert path in db._HOLDER.held
    assert _wait_until(lambda: path not in db._HOLDER.held, 3.0)
    assert _other_process_reads(path, retries=0).stdout.strip() == "0"


def test_a_waiting_process_makes_the_holder_let_go(tmp_path):
    path = tmp_path / "w.duckdb"
    db.keep_open(600)  # would hold for ten minutes
    Warehouse(path).data_version()
    started = time.monotonic()
    other = _other_process_reads(path)
    assert other.returncode == 0, other.stderr
    assert other.stdout.strip() == "0"
    assert time.monotonic() - started < 10
    assert path not in db._HOLDER.held
    assert not (tmp_path / "w.duckdb.waiting").exists()  # the waiter cleans up its mark


def test_a_copy_of_a_held_file_taken_after_a_write_has_the_write(tmp_path):
    """A backup copies the file while the dashboard holds it: the write must be in the file itself,
    not only in the WAL beside it (a copy of the file alone once came out empty)."""
    path = tmp_path / "w.duckdb"
    db.keep_open(600)
    wh = Warehouse(path)
    with wh.write() as con:
        con.execute("CREATE TABLE t AS SELECT 42 AS x")
    assert path in db._HOLDER.held
    shutil.copy(path, tmp_path / "copy.duckdb")
    assert Warehouse(tmp_path / "copy.duckdb").query("SELECT x FROM t") == [(42,)]

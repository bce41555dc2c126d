"""The warehouse door: migrations, atomic writes, data version, lock contention."""
from __future__ import annotations

import subprocess
import sys
import time

import pytest

from kpi.warehouse import schema
from kpi.warehouse.db import Warehouse, WarehouseBusy


def test_schema_is_versioned(tmp_path):
    wh = Warehouse(tmp_path / "w.duckdb")
    assert wh.query("SELECT value FROM meta WHERE key = 'schema_version'")[0][0] == str(len(schema.MIGRATIONS))


def test_write_is_all_or_nothing_and_bumps_version(tmp_path):
    wh = Warehouse(tmp_path / "w.duckdb")
    before = wh.data_version()
    with pytest.raises(RuntimeError):
        with wh.write() as con:
            con.execute("INSERT INTO units (unit_id, name, name_key, level) VALUES ('a', 'A', 'a', 'province')")
            raise RuntimeError("boom")
    assert wh.query("SELECT count(*) FROM units")[0][0] == 0
    assert wh.data_version() == before
    with wh.write() as con:
        con.execute("INSERT INTO units (unit_id, name, name_key, level) VALUES ('a', 'A', 'a', 'province')")
    assert wh.data_version() == before + 1


def test_busy_file_gives_a_clear_error(tmp_path, monkeypatch):
    path = tmp_path / "w.duckdb"
    Warehouse(path).data_version()
    holder = subprocess.Popen(
        [sys.executable, "-c", f"import duckdb, time; c = duckdb.connect({str(path)!r}); print('held', flush=True); time.sleep(30)"],
        stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "held"
        monkeypatch.setenv("TTHC_LOCK_RETRIES", "2")
        monkeypatch.setenv("TTHC_LOCK_WAIT_S", "0.05")
        started = time.monotonic()
        with pytest.raises(WarehouseBusy, match="đang được một tiến trình khác ghi"):
            Warehouse(path).data_version()
        assert time.monotonic() - started < 5
    finally:
        holder.kill()
        holder.wait()
    assert Warehouse(path).data_version() == 0   # free again once the other process is gone

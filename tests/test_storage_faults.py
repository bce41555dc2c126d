"""A load onto a full disk or a read-only file system fails with a clear Vietnamese message, exit 2,
and leaves the warehouse exactly as it was; once space is back the same load commits.

Before: the commit failed on the WAL, the rollback then raised "cannot rollback - no transaction is
active" and that traceback hid the real cause. tests/test_errors.py simulates the errors; this file
fills a real file system. Needs a small tmpfs (``mount -t tmpfs``): skipped
with the reason where the machine does not allow mounting one.
"""
from __future__ import annotations

import contextlib
import subprocess

import pytest

from etl.load import load_file
from kpi.warehouse.db import Warehouse, WarehouseStorageError
from tests.fixtures_etl import make_rows, write_messy
from tests.hostile_files import run_load
from tests.test_undo import snapshot

MB = 1024 * 1024


@contextlib.contextmanager
def tmpfs(path, megabytes: int):
    path.mkdir()
    mounted = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={megabytes}m", "tmpfs", str(path)],
                             capture_output=True, text=True)
    if mounted.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {mounted.stderr.strip() or mounted.returncode}")
    try:
        yield path
    finally:
        subprocess.run(["umount", "-l", str(path)], capture_output=True)


def _remount(path, mode: str) -> None:
    subprocess.run(["mount", "-o", f"remount,{mode}", str(path)], check=True, capture_output=True)


def _fill(path, leave_mb: float) -> None:
    """A filler file that leaves about ``leave_mb`` free on the file system of ``path``."""
    import os

    stat = os.statvfs(path)
    free = stat.f_bavail * stat.f_frsize
    with open(path / "filler", "wb") as filler:
        filler.write(b"\0" * max(0, free - int(leave_mb * MB)))


@pytest.fixture()
def files(tmp_path):
    return (write_messy(tmp_path / "base.xlsx", make_rows(200)),
            write_messy(tmp_path / "big.xlsx", make_rows(30_000, code_prefix="BIG", seed=3)))


def test_disk_full_fails_clearly_and_changes_nothing(tmp_path, files):
    base, big = files
    with tmpfs(tmp_path / "disk", 24) as disk:
        db = disk / "w.duckdb"
        wh = Warehouse(db)
        assert load_file(wh, base).status == "loaded"
        before, batches = snapshot(wh), wh.query("SELECT * FROM load_batches")
        _fill(disk, 1)

        run = run_load([big], db)
        assert run["code"] == 2, run
        assert "KHÔNG NẠP ĐƯỢC — Ổ đĩa chứa cơ sở dữ liệu đã đầy nên không ghi được; dữ liệu không thay đổi gì." \
            in run["stderr"], run
        assert "Traceback" not in run["stderr"] and "cannot rollback" not in run["stderr"], run["stderr"]
        assert snapshot(Warehouse(db)) == before
        assert Warehouse(db).query("SELECT * FROM load_batches") == batches

        with pytest.raises(WarehouseStorageError) as error:  # the API says the same to a page
            load_file(Warehouse(db), big)
        assert "đã đầy" in str(error.value)

        (disk / "filler").unlink()
        assert load_file(Warehouse(db), big).counts["new"] == 30_000


def test_read_only_file_system_fails_clearly_and_changes_nothing(tmp_path, files):
    base, big = files
    with tmpfs(tmp_path / "disk", 24) as disk:
        db = disk / "w.duckdb"
        assert load_file(Warehouse(db), base).status == "loaded"
        before = snapshot(Warehouse(db))
        _remount(disk, "ro")
        try:
            run = run_load([big], db)
        finally:
            _remount(disk, "rw")
        assert run["code"] == 2, run
        assert "KHÔNG NẠP ĐƯỢC — Ổ đĩa chứa cơ sở dữ liệu đang ở chế độ chỉ đọc nên không ghi được; " \
               "dữ liệu không thay đổi gì." in run["stderr"], run
        assert "Traceback" not in run["stderr"], run["stderr"]
        assert snapshot(Warehouse(db)) == before

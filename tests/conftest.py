"""Fixtures shared by every test file.

``sample_db`` builds one small sample warehouse per test session (scale 0.02,
about 60 000 dossiers) and hands its path out; tests that write copy it first
with ``sample_copy``. ``empty_db`` is a fresh migrated warehouse.
"""
from __future__ import annotations

import shutil
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from kpi.warehouse.db import Warehouse  # noqa: E402

SAMPLE_SCALE = 0.02


@pytest.fixture(autouse=True)
def warehouse_per_operation(monkeypatch):
    """Each test starts and ends with every warehouse file closed between operations.

    An AppTest runs dashboard.py in the test process, and dashboard.py keeps files open
    (``warehouse_hold_s``) process-wide: without this a later test in the same worker would find
    its files held (a remount read-only fails, a subprocess waits). tests/test_db_hold.py turns
    holding on itself; the browser tests' server holds as in production."""
    from kpi.warehouse import db

    monkeypatch.setenv("TTHC_WAREHOUSE_HOLD_S", "0")
    yield
    db.keep_open(0)
    db._HOLDER.release_all()


@pytest.fixture(scope="session")
def sample_db(tmp_path_factory) -> Path:
    """Path of a small sample warehouse, built once per session. Do not write to it."""
    from etl.sample import build_sample

    path = tmp_path_factory.mktemp("sample") / "sample.duckdb"
    build_sample(Warehouse(path), scale=SAMPLE_SCALE)
    return path


@pytest.fixture()
def sample_copy(sample_db, tmp_path) -> Path:
    """A private copy of the sample warehouse that a test may change."""
    target = tmp_path / "sample.duckdb"
    shutil.copy(sample_db, target)
    return target


@pytest.fixture()
def empty_db(tmp_path) -> Path:
    path = tmp_path / "empty.duckdb"
    Warehouse(path).data_version()  # creates and migrates
    return path


@pytest.fixture()
def downloads(monkeypatch):
    """The (file name, bytes) every st.download_button of a run would serve; deferred data is
    generated here, as the browser's click would (so an audited export writes its row: use a copy)."""
    import streamlit as st

    got: list[tuple[str, bytes]] = []
    original = st.download_button

    def capture(label, data=None, *args, **kwargs):
        payload = data() if callable(data) else data
        got.append((kwargs.get("file_name") or "", payload))
        return original(label, payload, *args, **kwargs)

    monkeypatch.setattr(st, "download_button", capture)
    return got


@pytest.fixture(scope="session")
def spark():
    """One local SparkSession (one JVM) for every Spark test of the session; tests marked ``spark``."""
    from kpi.lake.engines import spark_session

    session = spark_session("local[2]", shuffle_partitions=2)
    yield session
    session.stop()

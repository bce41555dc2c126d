"""Undo: a batch's records return exactly to their state before it."""
from __future__ import annotations

import datetime as dt

import pytest

from etl.load import UndoError, history, load_file, undo_batch
from kpi.warehouse.db import Warehouse
from tests.fixtures_etl import make_rows, write_messy

TABLES = ("units", "unit_aliases", "dossiers", "dossiers_replaced", "feedback", "feedback_replaced", "surveys",
          "surveys_replaced", "batch_units")


@pytest.fixture()
def wh(empty_db) -> Warehouse:
    return Warehouse(empty_db)


def snapshot(wh: Warehouse) -> dict[str, list]:
    """Full contents of every data table (created_at of units excluded: it is the insert time)."""
    out = {}
    for table in TABLES:
        cols = [r[0] for r in wh.query(f"DESCRIBE {table}") if r[0] != "created_at"]
        out[table] = sorted(wh.query(f"SELECT {', '.join(cols)} FROM {table}"), key=repr)
    return out


def _january_february(tmp_path):
    january = make_rows(20)
    february = [dict(r, finished_at=dt.datetime(2024, 2, 20, 10), status="Xong") for r in january[:8]]
    february += make_rows(4, code_prefix="F", start=dt.datetime(2024, 2, 1))
    february[-1]["unit_name"] = "UBND xã Mới Lập"
    return (write_messy(tmp_path / "jan.xlsx", january), write_messy(tmp_path / "feb.xlsx", february, title_rows=2))


def test_undo_restores_exactly_the_state_before(wh, tmp_path):
    jan, feb = _january_february(tmp_path)
    load_file(wh, jan)
    before = snapshot(wh)
    result = load_file(wh, feb)
    assert result.counts["updated"] == 8 and result.counts["new"] == 4
    assert snapshot(wh) != before
    done = undo_batch(wh, result.batch_id, user="lan")
    assert done == {"removed": 12, "restored": 8}
    assert snapshot(wh) == before
    batch = next(b for b in history(wh) if b["id"] == result.batch_id)
    assert batch["status"] == "undone" and batch["undone_by"] == "lan" and batch["undone_at"]


def test_undo_first_load_empties_the_warehouse(wh, tmp_path):
    empty = snapshot(wh)
    result = load_file(wh, write_messy(tmp_path / "a.xlsx", make_rows(15)))
    undo_batch(wh, result.batch_id)
    assert snapshot(wh) == empty


def test_undo_refuses_while_a_later_batch_replaced_its_records(wh, tmp_path):
    jan, feb = _january_february(tmp_path)
    first = load_file(wh, jan)
    second = load_file(wh, feb)
    with pytest.raises(UndoError, match=f"hãy hoàn tác lượt nạp #{second.batch_id} trước"):
        undo_batch(wh, first.batch_id)
    undo_batch(wh, second.batch_id)
    undo_batch(wh, first.batch_id)
    assert wh.query("SELECT count(*) FROM dossiers")[0][0] == 0


def test_undo_errors(wh, tmp_path):
    with pytest.raises(UndoError, match="Không có lượt nạp #99"):
        undo_batch(wh, 99)
    result = load_file(wh, write_messy(tmp_path / "a.xlsx", make_rows(3)))
    undo_batch(wh, result.batch_id)
    with pytest.raises(UndoError, match="đã được hoàn tác"):
        undo_batch(wh, result.batch_id)
    (tmp_path / "x.txt").write_bytes(b"\x00\x01binary")
    refused = load_file(wh, tmp_path / "x.txt")
    with pytest.raises(UndoError, match="bị từ chối"):
        undo_batch(wh, refused.batch_id)


def test_reload_after_undo(wh, tmp_path):
    path = write_messy(tmp_path / "a.xlsx", make_rows(6))
    first = load_file(wh, path)
    undo_batch(wh, first.batch_id)
    again = load_file(wh, path)
    assert again.counts["new"] == 6
    assert wh.query("SELECT DISTINCT batch_id FROM dossiers") == [(again.batch_id,)]

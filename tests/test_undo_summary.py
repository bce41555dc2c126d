"""Undo restores the KPIs exactly: load A, load B (replaces some of A, adds others), undo B, undo A."""
from __future__ import annotations

import pytest

from etl import upload as etl_upload
from etl.load import UndoError
from kpi.measures import metrics, periods
from kpi.access.permissions import User
from kpi.warehouse.db import Warehouse
from tests.fixtures_etl import Traits, make_rows, write_messy

ANALYST = User("chuyenvien", "analyst")
ADMIN = User("quantri", "admin")
PERIOD = periods.custom(periods.parse_iso("2024-01-01"), periods.parse_iso("2024-12-31"))


def load(wh, path, user=ANALYST):
    ins = etl_upload.inspect(wh, path.read_bytes(), path.name, scope=user.scope)
    assert ins.ready
    return etl_upload.load(wh, ins, user=user)


def test_undo_b_then_a_gives_back_each_summary_exactly(tmp_path):
    wh = Warehouse(tmp_path / "undo.duckdb")
    empty = metrics.summary(wh, PERIOD)
    rows_a = make_rows(300, seed=11)
    a = write_messy(tmp_path / "a.xlsx", rows_a, Traits(title_rows=2))
    changed = [dict(r, finished_at=None, status="Đang giải quyết") for r in rows_a[:40]]   # B replaces 40 of A
    changed += [dict(r, due_at=r["received_at"]) for r in rows_a[40:60]]                  # and 20 more, another way
    b = write_messy(tmp_path / "b.xlsx", changed + make_rows(50, seed=12, code_prefix="H99"), Traits(shuffle=True))

    result_a = load(wh, a)
    after_a = metrics.summary(wh, PERIOD)
    by_unit_a = metrics.kpi_table(wh, PERIOD, group_by=("unit", "month"))
    assert after_a != empty
    result_b = load(wh, b)
    assert result_b.counts["new"] == 50 and 40 <= result_b.counts["updated"] <= 60
    assert metrics.summary(wh, PERIOD) != after_a

    with pytest.raises(UndoError, match=f"#{result_b.batch_id}"):
        etl_upload.undo(wh, result_a.batch_id, user=ANALYST)          # B replaced some of A: B first
    with pytest.raises(UndoError, match="chính mình"):
        etl_upload.undo(wh, result_b.batch_id, user=User("nguoikhac", "analyst"))

    etl_upload.undo(wh, result_b.batch_id, user=ANALYST)
    assert metrics.summary(wh, PERIOD) == after_a
    assert metrics.kpi_table(wh, PERIOD, group_by=("unit", "month")).equals(by_unit_a)
    etl_upload.undo(wh, result_a.batch_id, user=ADMIN)                # an admin may undo anybody's batch
    assert metrics.summary(wh, PERIOD) == empty
    assert wh.query("SELECT count(*) FROM dossiers")[0][0] == 0
    assert wh.query("SELECT count(*) FROM dossiers_replaced")[0][0] == 0
    statuses = wh.query("SELECT batch_id, status, undone_by FROM load_batches ORDER BY batch_id")
    assert statuses == [(result_a.batch_id, "undone", "quantri"), (result_b.batch_id, "undone", "chuyenvien")]

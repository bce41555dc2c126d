"""Automatic compaction of the pre-aggregated counts (kpi/measures/precount.py): loads and undos
append signed change rows; past the setting ``counts_compact_rows`` the load or undo re-aggregates
the months they touched, and the table is then row for row what a fresh rebuild writes.
"""
from __future__ import annotations

import datetime as dt
import random
import shutil

import pandas as pd

from etl.load import undo_batch
from kpi.measures import metrics, periods, precount
from kpi.measures.filters import Filters
from kpi.warehouse.db import Warehouse
from tests.test_precount import _load, _rows

KEYS = ["grain", "day", "unit_id", "level", "field", "channel", "withdrawn"]


def _table(wh) -> pd.DataFrame:
    frame = wh.query_df(f"SELECT * FROM {precount.TABLE}")
    return frame.sort_values(KEYS, na_position="first").reset_index(drop=True)


def _rebuilt(wh, tmp_path) -> pd.DataFrame:
    """What ``rebuild`` writes from the same dossier rows (on a copy of the warehouse)."""
    copy = tmp_path / f"rebuilt_{len(list(tmp_path.glob('rebuilt_*')))}.duckdb"
    shutil.copy(wh.path, copy)
    other = Warehouse(copy)
    with other.write() as con:
        precount.rebuild(con)
    return _table(other)


def _added(before: pd.DataFrame, after: pd.DataFrame) -> pd.DataFrame:
    """The rows of ``after`` that ``before`` does not have (as multisets: a repeated row counts each time)."""
    def numbered(frame):
        columns = list(frame.columns)
        return frame.assign(_n=frame.fillna("∅").groupby(columns, dropna=False).cumcount())
    merged = numbered(after).merge(numbered(before), how="left", indicator=True)
    return merged[merged["_merge"] == "left_only"].drop(columns=["_merge", "_n"])


def _history(wh, tmp_path, rnd) -> None:
    """Four loads (the second and fourth replace earlier dossiers) and two undos."""
    first = _rows(rnd, 300, "A")
    _load(wh, tmp_path, "a", first)
    _load(wh, tmp_path, "b", _rows(rnd, 80, "", codes=[r["code"] for r in first[:80]]) + _rows(rnd, 100, "B"))
    batch_c = _load(wh, tmp_path, "c", _rows(rnd, 60, "C", first=dt.date(2025, 5, 1), last=dt.date(2025, 8, 31)))
    undo_batch(wh, batch_c)
    batch_d = _load(wh, tmp_path, "d", _rows(rnd, 50, "", codes=[f"B-{i:05d}" for i in range(50)]))
    _load(wh, tmp_path, "e", _rows(rnd, 40, "E"))
    undo_batch(wh, batch_d)


def _kpis(wh) -> list[pd.DataFrame]:
    """Counts read from the table for periods and groupings that use day rows, month rows and as_of."""
    asks = [(periods.year(2024), ()), (periods.quarter(2025, 2), ("unit",)), (periods.month(2024, 7), ("field",)),
            (periods.custom(dt.date(2024, 3, 10), dt.date(2025, 2, 17)), ("month", "level")),
            (periods.half(2025, 1), ("channel",))]
    out = []
    for period, group_by in asks:
        frame = metrics.dossier_counts(wh, period, Filters(), group_by=group_by, source="stored")
        keys = [c for c in frame.columns if c not in metrics.DOSSIER_COUNT_COLUMNS]
        out.append(frame.sort_values(keys, na_position="first").reset_index(drop=True) if keys else frame)
    return out


def test_with_compaction_after_every_load_the_table_is_what_a_rebuild_writes(tmp_path, monkeypatch):
    monkeypatch.setenv("TTHC_COUNTS_COMPACT_ROWS", "0")
    wh = Warehouse(tmp_path / "w.duckdb")
    _history(wh, tmp_path, random.Random(16))
    table, rebuilt = _table(wh), _rebuilt(wh, tmp_path)
    assert len(table) == len(rebuilt)
    pd.testing.assert_frame_equal(table, rebuilt)  # every key, day and sum
    with wh.read() as con:
        assert precount.pending(con) == (0, [])


def test_below_the_threshold_rows_pile_up_and_compaction_keeps_every_kpi(tmp_path, monkeypatch):
    monkeypatch.setenv("TTHC_COUNTS_COMPACT_ROWS", "1000000")
    wh = Warehouse(tmp_path / "w.duckdb")
    _history(wh, tmp_path, random.Random(16))
    table, rebuilt = _table(wh), _rebuilt(wh, tmp_path)
    with wh.read() as con:
        rows, months = precount.pending(con)
    assert rows == len(table) and months is None  # a new table: every row is a change row, months not known
    assert len(table) > len(rebuilt)
    before = _kpis(wh)
    with wh.write() as con:
        assert precount.compact(con, months) == len(rebuilt)
        assert precount.pending(con) == (0, [])
    pd.testing.assert_frame_equal(_table(wh), rebuilt)
    for was, now in zip(before, _kpis(wh)):
        pd.testing.assert_frame_equal(was, now)


def test_compaction_reaggregates_the_months_the_changes_touched(tmp_path, monkeypatch):
    rnd = random.Random(5)
    wh = Warehouse(tmp_path / "w.duckdb")
    monkeypatch.setenv("TTHC_COUNTS_COMPACT_ROWS", "0")
    first = _rows(rnd, 200, "A", first=dt.date(2024, 1, 1), last=dt.date(2024, 12, 31))
    _load(wh, tmp_path, "a", first)
    with wh.read() as con:
        assert precount.pending(con) == (0, [])
    monkeypatch.setenv("TTHC_COUNTS_COMPACT_ROWS", "1000000")
    # March 2025 dossiers (finished or overdue up to the data date, 31 March) and 3 of A's replaced
    march = _rows(rnd, 60, "M", first=dt.date(2025, 3, 1), last=dt.date(2025, 3, 31))
    replaced = _rows(rnd, 3, "", codes=[r["code"] for r in first[:3]], first=dt.date(2025, 3, 1),
                     last=dt.date(2025, 3, 31))
    before = _table(wh)
    _load(wh, tmp_path, "m", march + replaced)
    added = _added(before, _table(wh))
    changed = {dt.date(d.year, d.month, 1) for d in pd.to_datetime(added["day"])}
    old_months = {dt.date(r["received_at"].year, r["received_at"].month, 1) for r in first[:3]}
    with wh.read() as con:
        rows, months = precount.pending(con)
    assert rows == len(added)
    assert set(months) == changed and dt.date(2025, 3, 1) in changed and old_months <= changed
    every_month = {dt.date(d.year, d.month, 1) for d in pd.to_datetime(_table(wh)["day"])}
    assert changed < every_month  # only those months are compacted, not the whole table
    monkeypatch.setenv("TTHC_COUNTS_COMPACT_ROWS", "0")  # the next load passes the mark
    _load(wh, tmp_path, "n", _rows(rnd, 5, "N", first=dt.date(2025, 3, 1), last=dt.date(2025, 3, 31)))
    pd.testing.assert_frame_equal(_table(wh), _rebuilt(wh, tmp_path))

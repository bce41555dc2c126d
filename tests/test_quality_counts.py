"""Data-quality counts kept at write time (kpi/measures/quality_counts.py): through random loads, updates
and undos the kept table equals the row-level aggregate, and the quality report read from it equals the
report computed row by row (the query the page ran before: a scan of every dossier), for random scopes
and filters; a hand-computed load / update / undo; staleness, rebuild and the migration."""
from __future__ import annotations

import contextlib
import datetime as dt
import io
import random

import duckdb
import pytest

from etl.__main__ import main as etl_main
from etl.load import load_file, undo_batch
from kpi.measures import quality, quality_counts
from kpi.measures.filters import Filters, Scope, where_clause
from kpi.warehouse import schema
from kpi.text.normalize import fold
from kpi.warehouse.db import Warehouse
from tests.fixtures_etl import FIELDS, Traits, write_csv
from tests.test_precount import _rows as random_rows

KEYS = ", ".join(quality_counts.KEYS)


def _load(wh, tmp_path, name, rows, drop=()) -> int:
    result = load_file(wh, write_csv(tmp_path / f"{name}.csv", rows, Traits(date_style="dmy_time", drop=drop)))
    assert result.status == "loaded", result
    return result.batch_id


def _kept(con) -> set[tuple]:
    """The table's rows summed per key (change rows included), zero sums left out."""
    return set(con.execute(f"""SELECT {KEYS}, sum(dossiers), sum(other_channel), sum(no_due)
                               FROM {quality_counts.TABLE} GROUP BY ALL
                               HAVING sum(dossiers) <> 0 OR sum(other_channel) <> 0 OR sum(no_due) <> 0""").fetchall())


def _from_rows(con) -> set[tuple]:
    return set(con.execute(quality_counts.rows_sql("SELECT *, 1 AS _sign FROM dossiers")).fetchall())


def _row_level(wh, scope, filters) -> dict:
    """Per unit, the dossier figures straight from the dossier rows (the report's definition, row by row)."""
    where, params = where_clause(filters, scope, "d")
    rows = wh.query(f"""
        SELECT d.unit_id, count(*),
               count(*) FILTER (WHERE list_has_any(string_split(coalesce(b.missing_columns, ''), ','),
                                                   ['digitized', 'e_result', 'channel', 'rating'])),
               count(*) FILTER (WHERE d.channel = 'other'), count(*) FILTER (WHERE d.due_at IS NULL),
               count(DISTINCT strftime(d.received_date, '%Y-%m')),
               strftime(min(d.received_date), '%Y-%m'), strftime(max(d.received_date), '%Y-%m')
        FROM dossiers d LEFT JOIN load_batches b ON b.batch_id = d.batch_id WHERE {where} GROUP BY d.unit_id""", params)
    return {r[0]: r[1:] for r in rows}


def _random_scope(rnd: random.Random, wh) -> tuple[Scope | None, Filters]:
    units = [u for (u,) in wh.query("SELECT unit_id FROM units ORDER BY 1")]
    scope = rnd.choice([None, Scope(kind="level", level=rnd.choice(["province", "district", "commune"])),
                        Scope(kind="units", unit_ids=tuple(rnd.sample(units, rnd.randint(1, 4))))])
    filters = Filters(level=rnd.choice([None, None, "district", "commune"]),
                      fields=tuple(rnd.sample(FIELDS[:4], rnd.randint(1, 2))) if rnd.random() < 0.4 else ())
    return scope, filters


def _check(wh, rnd: random.Random, monkeypatch, n: int) -> int:
    """The kept table equals the rows; ``n`` random reports equal the row-level figures and the row path."""
    with wh.read() as con:
        assert quality_counts.usable(con)
        assert _kept(con) == _from_rows(con)
    for case in range(n):
        scope, filters = _random_scope(rnd, wh)
        stored = quality.unit_quality(wh, scope, filters)
        expected = _row_level(wh, scope, filters)
        got = {u.unit_id: (u.dossiers, u.from_incomplete_files, u.other_channel, u.no_due, u.months_with_data)
               for u in stored.units if u.dossiers}
        assert got == {k: v[:5] for k, v in expected.items()}, f"case {case}: {scope} {filters}"
        firsts, lasts = [v[5] for v in expected.values()], [v[6] for v in expected.values()]
        assert (stored.first_month, stored.last_month) == (min(firsts, default=None), max(lasts, default=None))
        with monkeypatch.context() as patched:  # the same report from dossier rows
            patched.setattr(quality_counts, "usable", lambda con: False)
            assert quality.unit_quality(wh, scope, filters) == stored, f"case {case}: {scope} {filters}"
    return n


def test_kept_counts_equal_the_rows_through_loads_updates_and_undos(tmp_path, monkeypatch):
    rnd = random.Random(16_2)
    wh = Warehouse(tmp_path / "w.duckdb")
    first = random_rows(rnd, 300, "A", fields=FIELDS[:4])
    _load(wh, tmp_path, "a", first)
    cases = _check(wh, rnd, monkeypatch, 15)
    # B: a file without the e-result column, 100 of A's dossiers again (other months, channels, due dates),
    # new ones, and rows without a reception date (rejected)
    again = random_rows(rnd, 100, "", codes=[row["code"] for row in first[:100]], fields=FIELDS[:4])
    broken = [{**row, "received_at": None} for row in random_rows(rnd, 5, "R")]
    batch_b = _load(wh, tmp_path, "b", again + random_rows(rnd, 80, "B") + broken, drop=("e_result",))
    with wh.read() as con:
        assert con.execute("SELECT count(*) FROM rejected_rows WHERE batch_id = ?", [batch_b]).fetchone()[0] >= 5
    report = quality.unit_quality(wh)
    assert sum(u.rejected for u in report.units) == 5 and sum(u.from_incomplete_files for u in report.units) == 180
    cases += _check(wh, rnd, monkeypatch, 15)
    # C: later dossiers that replace some of B's; then undo C, then B
    later = random_rows(rnd, 60, "C", first=dt.date(2025, 5, 1), last=dt.date(2025, 9, 20), fields=FIELDS[3:4])
    batch_c = _load(wh, tmp_path, "c", later + random_rows(rnd, 30, "", codes=[f"B-{i:05d}" for i in range(30)]))
    cases += _check(wh, rnd, monkeypatch, 10)
    undo_batch(wh, batch_c)
    cases += _check(wh, rnd, monkeypatch, 10)
    undo_batch(wh, batch_b)
    assert sum(u.rejected for u in quality.unit_quality(wh).units) == 0  # an undone batch's rejects do not count
    cases += _check(wh, rnd, monkeypatch, 10)
    # loads and undos appended change rows; a rebuild compacts them and changes no figure
    before = quality.unit_quality(wh)
    with wh.read() as con:
        appended = con.execute(f"SELECT count(*) FROM {quality_counts.TABLE}").fetchone()[0]
    assert etl_main(["rebuild-counts", "--db", str(wh.path)]) == 0
    with wh.read() as con:
        assert con.execute(f"SELECT count(*) FROM {quality_counts.TABLE}").fetchone()[0] < appended
    assert quality.unit_quality(wh) == before
    cases += _check(wh, rnd, monkeypatch, 5)
    assert cases >= 60


def _row(code, unit, received, channel="Trực tuyến", due=dt.timedelta(days=5), field="Hộ tịch"):
    at = dt.datetime.combine(received, dt.time(8))
    return {"code": code, "unit_name": unit, "field": field, "procedure": "Thủ tục A", "channel": channel,
            "received_at": at, "due_at": at + due if due else None, "finished_at": None, "status": "Đang giải quyết"}


def test_a_load_an_update_and_an_undo_by_hand(tmp_path):
    wh = Warehouse(tmp_path / "w.duckdb")
    first = [_row("S1", "Sở Tư pháp", dt.date(2024, 1, 5), channel="Nộp qua kênh lạ"),
             _row("S2", "Sở Tư pháp", dt.date(2024, 1, 20), due=None),
             _row("S3", "Sở Tư pháp", dt.date(2024, 3, 2)),
             _row("X1", "UBND xã Phú Hữu", dt.date(2024, 2, 10), channel="Trực tiếp", field="Chứng thực")]
    b1 = _load(wh, tmp_path, "one", first)
    stp, xa = (wh.query("SELECT unit_id FROM units WHERE name = ?", [name])[0][0]
               for name in ("Sở Tư pháp", "UBND xã Phú Hữu"))
    jan, feb, mar = dt.date(2024, 1, 1), dt.date(2024, 2, 1), dt.date(2024, 3, 1)
    loaded = {(b1, stp, "province", "Hộ tịch", jan, 2, 1, 1), (b1, stp, "province", "Hộ tịch", mar, 1, 0, 0),
              (b1, xa, "commune", "Chứng thực", feb, 1, 0, 0)}
    with wh.read() as con:
        assert _kept(con) == loaded
    # S1 again, received in March by the portal; S4 new (no due date): S1's old version is taken from batch 1
    b2 = _load(wh, tmp_path, "two", [_row("S1", "Sở Tư pháp", dt.date(2024, 3, 9)),
                                     _row("S4", "Sở Tư pháp", dt.date(2024, 3, 10), due=None)])
    with wh.read() as con:
        assert _kept(con) == {(b1, stp, "province", "Hộ tịch", jan, 1, 0, 1), (b1, stp, "province", "Hộ tịch", mar, 1, 0, 0),
                              (b1, xa, "commune", "Chứng thực", feb, 1, 0, 0), (b2, stp, "province", "Hộ tịch", mar, 2, 0, 1)}
        assert con.execute(f"SELECT count(*) FROM {quality_counts.TABLE} WHERE batch_id = ?", [b2]).fetchone()[0] == 1
    sở = next(u for u in quality.unit_quality(wh).units if u.unit_id == stp)
    assert (sở.dossiers, sở.other_channel, sở.no_due, sở.months_with_data, sở.months_without) == (4, 0, 2, 2, 1)
    undo_batch(wh, b2)
    with wh.read() as con:
        assert _kept(con) == loaded
        assert schema.counts_state(con, quality_counts.STATE) == "built"


def test_a_write_outside_the_etl_marks_the_table_stale_and_the_report_reads_rows(tmp_path):
    wh = Warehouse(tmp_path / "w.duckdb")
    _load(wh, tmp_path, "a", random_rows(random.Random(5), 40, "A"))
    before = sum(u.dossiers for u in quality.unit_quality(wh).units)
    with wh.write() as con:  # a hand-made insert that does not keep the counts
        con.execute("""INSERT INTO dossiers (code, unit_id, level, received_at, received_date, batch_id)
                       SELECT 'X-1', unit_id, level, TIMESTAMP '2024-05-05 08:00', DATE '2024-05-05', 0
                       FROM dossiers LIMIT 1""")
    with wh.read() as con:
        assert schema.counts_state(con, quality_counts.STATE) == "stale"
        assert schema.counts_state(con) == "stale"
    assert sum(u.dossiers for u in quality.unit_quality(wh).units) == before + 1  # read from the rows
    said = io.StringIO()
    with contextlib.redirect_stdout(said):
        assert etl_main(["rebuild-counts", "--if-stale", "--db", str(wh.path)]) == 0
    assert "quality_counts: " in said.getvalue()
    with wh.read() as con:
        assert schema.counts_state(con, quality_counts.STATE) == "built"
        assert _kept(con) == _from_rows(con)
    assert sum(u.dossiers for u in quality.unit_quality(wh).units) == before + 1  # now from the table
    said = io.StringIO()
    with contextlib.redirect_stdout(said):
        assert etl_main(["rebuild-counts", "--if-stale", "--db", str(wh.path)]) == 0  # both built: nothing to do
    assert said.getvalue().count("giữ nguyên") == 2


def test_if_stale_rebuilds_only_the_table_that_is_stale(tmp_path):
    wh = Warehouse(tmp_path / "w.duckdb")
    _load(wh, tmp_path, "a", random_rows(random.Random(6), 20, "A"))
    with wh.write() as con:
        con.execute(f"DELETE FROM {quality_counts.TABLE}")  # as an upgraded warehouse: the table is empty
        schema.set_counts_state(con, "stale", quality_counts.STATE)
    said = io.StringIO()
    with contextlib.redirect_stdout(said):
        assert etl_main(["rebuild-counts", "--if-stale", "--db", str(wh.path)]) == 0
    assert "dossier_counts khớp hồ sơ: giữ nguyên" in said.getvalue()
    assert "Đã tính lại bảng số liệu tổng hợp quality_counts" in said.getvalue()
    with wh.read() as con:
        assert _kept(con) == _from_rows(con) and len(_kept(con)) > 0


def test_migration_marks_a_warehouse_with_dossiers_stale_and_an_empty_one_built(tmp_path):
    position = next(i for i, sql in enumerate(schema.MIGRATIONS) if "quality_counts (" in sql)
    con = duckdb.connect(str(tmp_path / "old.duckdb"))
    schema.current_version(con)
    for sql in schema.MIGRATIONS[:position]:
        con.execute(sql)
    con.execute("INSERT INTO dossiers (code, unit_id, level, received_at, received_date) "
                "VALUES ('H-1', 'u', 'province', TIMESTAMP '2024-01-02 08:00', DATE '2024-01-02')")
    con.execute(schema.MIGRATIONS[position])
    assert schema.counts_state(con, quality_counts.STATE) == "stale"
    fresh = duckdb.connect(str(tmp_path / "new.duckdb"))
    schema.migrate(fresh)
    assert schema.counts_state(fresh, quality_counts.STATE) == "built"


@pytest.mark.parametrize("name", ["Cơ quan", '$"lạ".x/y'])
def test_rejected_rows_are_attributed_through_any_unit_header(tmp_path, name):
    """The unit column's header is looked up as a JSON key whatever characters it holds."""
    import json

    wh = Warehouse(tmp_path / "w.duckdb")
    with wh.write() as con:
        con.execute("INSERT INTO units (unit_id, name, name_key, level) VALUES ('stp', 'Sở Tư pháp', ?, 'province')",
                    [fold("Sở Tư pháp")])
        con.execute("""INSERT INTO load_batches (batch_id, file_name, kind, status, column_map)
                       VALUES (1, 'f.xlsx', 'dossiers', 'loaded', ?)""", [json.dumps({"unit_name": name})])
        for row in (1, 1, 2, 3):  # row 1 has two problems: one rejected row
            con.execute("INSERT INTO rejected_rows (batch_id, row_number, column_name, reason, row_json) "
                        "VALUES (1, ?, 'x', 'sai', ?)", [row, json.dumps({name: "SỞ TƯ PHÁP" if row < 3 else "Khác"})])
    assert [(u.unit_id, u.rejected) for u in quality.unit_quality(wh).units] == [("stp", 2)]

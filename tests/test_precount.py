"""Pre-aggregated dossier counts (kpi/measures/precount.py): the table read by the KPIs gives exactly
the numbers of the dossier rows, through loads, updates and undos, for any period, as_of, level,
unit, field, channel and setting; and the rows themselves follow DOMAIN §4 (a per-row oracle).
"""
from __future__ import annotations

import datetime as dt
import random
import unicodedata

import pandas as pd
import pytest

from etl.__main__ import main as etl_main
from etl.load import load_file, undo_batch
from kpi.measures import metrics, periods, precount
from kpi.measures.filters import Filters
from kpi.warehouse import schema
from kpi.warehouse.db import Warehouse
from tests.fixtures_etl import FIELDS, UNITS, Traits, write_csv

COUNTS = list(metrics.DOSSIER_COUNT_COLUMNS)
CHANNELS = ["Trực tuyến", "Trực tiếp", "Qua bưu chính", "Nộp qua kênh lạ", None]
STATUSES = ["Đã trả kết quả", "Đang giải quyết", "Công dân rút hồ sơ", "Đã hủy", None]
FIRST, LAST = dt.date(2024, 1, 1), dt.date(2025, 6, 30)
GROUPINGS = [(), ("level",), ("unit",), ("field",), ("channel",), ("month",), ("quarter",), ("month", "unit"),
             ("quarter", "level"), ("field", "channel"), ("month", "level", "field"), ("procedure",)]


def _rows(rnd: random.Random, n: int, prefix: str, first=FIRST, last=LAST, codes=None, fields=FIELDS[:3]) -> list[dict]:
    """Random dossiers: open or finished, with and without due date, early / on the day / late,
    flags yes / no / unknown, unknown channel texts, withdrawn and cancelled ones."""
    span = (last - first).days
    rows = []
    for i in range(n):
        received = dt.datetime.combine(first + dt.timedelta(days=rnd.randint(0, span)), dt.time(8)) \
            + dt.timedelta(minutes=rnd.randint(0, 500))
        due = received + dt.timedelta(days=rnd.choice([0, 1, 3, 10, 25, 60])) if rnd.random() < 0.8 else None
        finished = received + dt.timedelta(days=rnd.choice([0, 0, 2, 9, 10, 11, 30, 90])) if rnd.random() < 0.75 else None
        if finished and finished.date() > last:
            finished = None
        rows.append({
            "code": codes[i] if codes else f"{prefix}-{i:05d}", "unit_name": rnd.choice(UNITS[:6]),
            "field": rnd.choice(fields), "procedure": rnd.choice(["Thủ tục A", "Thủ tục B"]),
            "channel": rnd.choice(CHANNELS), "received_at": received, "due_at": due, "finished_at": finished,
            "digitized": rnd.choice([True, False, None]), "e_result": rnd.choice([True, False, None]),
            "rating": rnd.choice(["Rất hài lòng", "Hài lòng", "Bình thường", "Không hài lòng", None]),
            "apology": rnd.choice([True, False, None]), "status": rnd.choice(STATUSES), "applicant": f"Người {i}",
        })
    return rows


def _load(wh, tmp_path, name, rows) -> int:
    result = load_file(wh, write_csv(tmp_path / f"{name}.csv", rows, Traits(date_style="dmy_time")))
    assert result.status == "loaded", result
    return result.batch_id


def _random_period(rnd: random.Random, data_date: dt.date) -> periods.Period:
    y = rnd.choice([2024, 2025])
    kind = rnd.choice(["month", "quarter", "half", "year", "cutoff", "custom", "custom", "past_data"])
    if kind == "month":
        return periods.month(y, rnd.randint(1, 12))
    if kind == "quarter":
        return periods.quarter(y, rnd.randint(1, 4))
    if kind == "half":
        return periods.half(y, rnd.randint(1, 2))
    if kind == "year":
        return periods.year(y)
    if kind == "cutoff":
        sub = rnd.choice(["month", "quarter", "half", "year"])
        n = {"month": rnd.randint(1, 12), "quarter": rnd.randint(1, 4), "half": rnd.randint(1, 2), "year": 1}[sub]
        return periods.cutoff(sub, y, n, rnd.choice([None, 1, 10, 15, 28]))
    if kind == "past_data":  # runs past the data date: as_of is the data date
        start = data_date - dt.timedelta(days=rnd.randint(0, 70))
        return periods.custom(start, data_date + dt.timedelta(days=rnd.randint(1, 120)))
    start = FIRST - dt.timedelta(days=20) + dt.timedelta(days=rnd.randint(0, 560))
    return periods.custom(start, start + dt.timedelta(days=rnd.randint(0, 200)))


def _random_filters(rnd: random.Random, wh) -> Filters:
    units = [u for (u,) in wh.query("SELECT DISTINCT unit_id FROM dossiers ORDER BY 1")]
    level = rnd.choice([None, None, "province", "district", "commune"])
    chosen = tuple(rnd.sample(units, rnd.randint(1, 3))) if rnd.random() < 0.3 else ()
    fields = tuple(rnd.sample(FIELDS[:3], rnd.randint(1, 2))) if rnd.random() < 0.3 else ()
    return Filters(level=level, unit_ids=chosen, fields=fields)


def _sorted(frame: pd.DataFrame) -> pd.DataFrame:
    keys = [c for c in frame.columns if c not in COUNTS]
    frame = frame[keys + COUNTS]
    frame = frame[(frame[COUNTS] != 0).any(axis=1)]  # a group with nothing counted is no group
    return frame.sort_values(keys, na_position="first").reset_index(drop=True).astype({c: "int64" for c in COUNTS})


def _withdrawn(status) -> bool:
    if not isinstance(status, str):
        return False
    folded = "".join(c for c in unicodedata.normalize("NFD", status.lower()) if unicodedata.category(c) != "Mn")
    return any(word in folded.replace("đ", "d").split() for word in ("rut", "huy"))


def _oracle(wh, period, filters: Filters, left_out: bool, no_due_overdue: bool) -> dict:
    """DOMAIN §4 read row by row in pandas: what the totals must be."""
    d = wh.query_df("SELECT * FROM dossiers")
    if filters.level:
        d = d[d.level == filters.level]
    if filters.unit_ids:
        d = d[d.unit_id.isin(filters.unit_ids)]
    if filters.fields:
        d = d[d.field.isin(filters.fields)]
    if left_out:
        d = d[~d.status.map(_withdrawn).astype(bool)]
    s, e = pd.Timestamp(period.start), pd.Timestamp(period.end)
    data_date = metrics.data_date(wh)
    a = pd.Timestamp(min(period.end, data_date) if data_date else period.end)
    r, f, due = pd.to_datetime(d.received_date), pd.to_datetime(d.finished_date), pd.to_datetime(d.due_date)
    received, resolved = r.between(s, e), f.between(s, e)
    in_progress = (r <= e) & (f.isna() | (f > e))
    ip_overdue = in_progress & ((due < a) | (due.isna() & no_due_overdue))
    late = resolved & (f > due)
    return {
        "received": received.sum(), "received_online": (received & (d.channel == "online")).sum(),
        "received_digitized": (received & (d.digitized == True)).sum(),  # noqa: E712
        "received_digitized_known": (received & d.digitized.notna()).sum(),
        "received_channel_known": (received & d.channel.notna()).sum(),
        "carried_over": ((r < s) & (f.isna() | (f >= s))).sum(),
        "resolved": resolved.sum(), "resolved_early": (resolved & (f < due)).sum(),
        "resolved_on_time": (resolved & ((f == due) | due.isna())).sum(), "resolved_overdue": late.sum(),
        "in_progress": in_progress.sum(), "in_progress_overdue": ip_overdue.sum(),
        "in_progress_within": (in_progress & ~ip_overdue).sum(),
        "in_progress_no_due": (in_progress & due.isna()).sum(),
        "overdue_no_apology": ((late | ip_overdue) & (d.apology == False)).sum(),  # noqa: E712
        "resolved_e_result": (resolved & (d.e_result == True)).sum(),  # noqa: E712
        "rated": (resolved & d.rating.notna()).sum(), "satisfied": (resolved & (d.rating >= 3)).sum(),
    }


def _check_cases(wh, rnd: random.Random, monkeypatch, n: int) -> int:
    """``n`` random cases: the table and the rows give identical counts; totals match the oracle."""
    with wh.read() as con:
        assert schema.counts_state(con) == "built"
    assert metrics.fields_list(wh) == [f for (f,) in wh.query("SELECT DISTINCT field FROM dossiers ORDER BY 1")]
    data_date = metrics.data_date(wh)
    for case in range(n):
        period = _random_period(rnd, data_date)
        group_by = rnd.choice(GROUPINGS)
        filters = _random_filters(rnd, wh)
        left_out, no_due_overdue = rnd.random() < 0.7, rnd.random() < 0.3
        monkeypatch.setenv("TTHC_WITHDRAWN_LEFT_OUT", "true" if left_out else "false")
        monkeypatch.setenv("TTHC_NO_DUE_IN_PROGRESS_OVERDUE", "true" if no_due_overdue else "false")
        rows = _sorted(metrics.dossier_counts(wh, period, filters, group_by=group_by, source="rows"))
        if "procedure" not in group_by:
            stored = _sorted(metrics.dossier_counts(wh, period, filters, group_by=group_by, source="stored"))
            pd.testing.assert_frame_equal(stored, rows, obj=f"case {case}: {period} {group_by} {filters}")
        if not any(g in metrics.TIME_GROUPS for g in group_by):  # every dossier is in exactly one group
            totals = rows[COUNTS].sum().to_dict()
            expected = _oracle(wh, period, filters, left_out, no_due_overdue)
            assert {k: int(totals[k]) for k in expected} == {k: int(v) for k, v in expected.items()}, \
                f"case {case}: {period} {filters}"
    return n


def test_stored_counts_equal_row_counts_through_loads_updates_and_undo(tmp_path, monkeypatch):
    rnd = random.Random(20261202)
    wh = Warehouse(tmp_path / "w.duckdb")
    first = _rows(rnd, 400, "A")
    _load(wh, tmp_path, "a", first)
    cases = _check_cases(wh, rnd, monkeypatch, 60)
    # B: 120 of A's dossiers again with other dates and flags (updates), and new ones
    again = _rows(rnd, 120, "", codes=[row["code"] for row in first[:120]])
    _load(wh, tmp_path, "b", again + _rows(rnd, 150, "B"))
    cases += _check_cases(wh, rnd, monkeypatch, 60)
    # C: later dossiers (the data date moves) that also replace some of B's new ones
    later = _rows(rnd, 100, "C", first=dt.date(2025, 5, 1), last=dt.date(2025, 9, 20), fields=FIELDS[3:4])
    batch_c = _load(wh, tmp_path, "c", later + _rows(rnd, 30, "", codes=[f"B-{i:05d}" for i in range(30)]))
    assert metrics.data_date(wh) > LAST
    assert FIELDS[3] in metrics.fields_list(wh)
    cases += _check_cases(wh, rnd, monkeypatch, 50)
    undo_batch(wh, batch_c)
    assert metrics.data_date(wh) <= LAST  # the undo takes the data date back
    assert FIELDS[3] not in metrics.fields_list(wh)  # read from the counts: its only dossiers are gone
    cases += _check_cases(wh, rnd, monkeypatch, 50)
    # loads and undo appended change rows; a rebuild compacts them and changes no number
    with wh.read() as con:
        appended = con.execute("SELECT count(*) FROM dossier_counts").fetchone()[0]
    assert etl_main(["rebuild-counts", "--db", str(wh.path)]) == 0
    with wh.read() as con:
        assert con.execute("SELECT count(*) FROM dossier_counts").fetchone()[0] < appended
    cases += _check_cases(wh, rnd, monkeypatch, 20)
    assert cases >= 200


def test_a_write_outside_the_etl_marks_the_table_stale_and_the_kpis_read_rows(tmp_path, monkeypatch):
    wh = Warehouse(tmp_path / "w.duckdb")
    rnd = random.Random(7)
    _load(wh, tmp_path, "a", _rows(rnd, 50, "A"))
    year = periods.year(2024)
    before = metrics.dossier_counts(wh, year)
    with wh.write() as con:  # a hand-made insert that does not keep the counts
        con.execute("""INSERT INTO dossiers (code, unit_id, level, received_at, received_date, batch_id)
                       SELECT 'X-1', unit_id, level, TIMESTAMP '2024-05-05 08:00', DATE '2024-05-05', 0
                       FROM dossiers LIMIT 1""")
    with wh.read() as con:
        assert schema.counts_state(con) == "stale"
        assert not precount.usable(con, ())
    after = metrics.dossier_counts(wh, year)  # read from the rows: the new dossier counts
    assert int(after["received"].iloc[0]) == int(before["received"].iloc[0]) + 1
    assert etl_main(["rebuild-counts", "--if-stale", "--db", str(wh.path)]) == 0  # the start command's step
    with wh.read() as con:
        assert schema.counts_state(con) == "built"
        rows_after_rebuild = con.execute(f"SELECT count(*) FROM {precount.TABLE}").fetchone()[0]
    assert int(metrics.dossier_counts(wh, year, source="stored")["received"].iloc[0]) == int(after["received"].iloc[0])
    import contextlib
    import io

    said = io.StringIO()
    with contextlib.redirect_stdout(said):
        assert etl_main(["rebuild-counts", "--if-stale", "--db", str(wh.path)]) == 0  # built: nothing to do
    assert "giữ nguyên" in said.getvalue()
    with wh.read() as con:
        assert con.execute(f"SELECT count(*) FROM {precount.TABLE}").fetchone()[0] == rows_after_rebuild


def test_a_grouping_the_table_does_not_keep_reads_rows(tmp_path):
    wh = Warehouse(tmp_path / "w.duckdb")
    _load(wh, tmp_path, "a", _rows(random.Random(3), 30, "A"))
    with wh.read() as con:
        assert precount.usable(con, ("month", "unit", "field", "channel", "level"))
        assert not precount.usable(con, ("procedure",))


def _migration_creating(table: str) -> int:
    return next(i for i, sql in enumerate(schema.MIGRATIONS) if f"CREATE TABLE IF NOT EXISTS {table} " in sql)


def _table(con, grain: str) -> pd.DataFrame:
    keys = ["day", *precount.STORED_KEYS]
    frame = con.execute(f"SELECT * EXCLUDE (grain) FROM {precount.TABLE} WHERE grain = ?", [grain]).df()
    return frame.sort_values(keys).reset_index(drop=True)


def test_unit_month_rows_are_the_month_rows_summed_over_field_and_channel(tmp_path):
    wh = Warehouse(tmp_path / "w.duckdb")
    rnd = random.Random(12)
    batch = _load(wh, tmp_path, "a", _rows(rnd, 120, "A"))
    _load(wh, tmp_path, "b", _rows(rnd, 80, "B"))
    undo_batch(wh, batch)
    with wh.read() as con:
        months = con.execute(
            f"SELECT day, unit_id, level, withdrawn, sum(received) AS received, sum(open_overdue_change) AS overdue "
            f"FROM {precount.TABLE} WHERE grain = 'month' GROUP BY ALL ORDER BY ALL").fetchall()
        unit_months = con.execute(
            f"SELECT day, unit_id, level, withdrawn, sum(received), sum(open_overdue_change) FROM {precount.TABLE} "
            "WHERE grain = 'unit_month' GROUP BY ALL ORDER BY ALL").fetchall()
        assert con.execute(f"SELECT count(*) FROM {precount.TABLE} WHERE grain = 'unit_month' "
                           "AND (field IS NOT NULL OR channel IS NOT NULL)").fetchone()[0] == 0
    assert months and months == unit_months


def test_unit_month_migration_gives_an_upgraded_warehouse_what_a_rebuild_gives(tmp_path):
    wh = Warehouse(tmp_path / "w.duckdb")
    _load(wh, tmp_path, "a", _rows(random.Random(5), 150, "A"))
    with wh.write(bump_version=False) as con:
        rebuilt = _table(con, "unit_month")
        con.execute(f"DELETE FROM {precount.TABLE} WHERE grain = 'unit_month'")  # a warehouse from before it
        con.execute(schema.MIGRATIONS[_migration_creating("dossier_counts") + 1])
        assert "unit_month" in schema.MIGRATIONS[_migration_creating("dossier_counts") + 1]
        migrated = _table(con, "unit_month")
    assert len(rebuilt) > 10
    pd.testing.assert_frame_equal(migrated, rebuilt, check_dtype=False)


def test_queries_without_field_or_channel_read_unit_month_rows(tmp_path):
    """Spoil one grain at a time: only the queries that read it change."""
    wh = Warehouse(tmp_path / "w.duckdb")
    _load(wh, tmp_path, "a", _rows(random.Random(8), 100, "A"))
    year = periods.year(2024)
    field = Filters(fields=(FIELDS[0],))
    before = {"plain": metrics.dossier_counts(wh, year)["received"].sum(),
              "field": metrics.dossier_counts(wh, year, field)["received"].sum(),
              "channel": metrics.dossier_counts(wh, year, group_by=("channel",))["received"].sum()}
    with wh.write(bump_version=False) as con:
        con.execute(f"UPDATE {precount.TABLE} SET received = received + 1000 WHERE grain = 'month'")
    spoiled = {"plain": metrics.dossier_counts(wh, year)["received"].sum(),
               "field": metrics.dossier_counts(wh, year, field)["received"].sum(),
               "channel": metrics.dossier_counts(wh, year, group_by=("channel",))["received"].sum()}
    assert spoiled["plain"] == before["plain"]
    assert spoiled["field"] > before["field"] and spoiled["channel"] > before["channel"]


def test_migration_marks_a_warehouse_with_dossiers_stale_and_an_empty_one_built(tmp_path):
    import duckdb

    con = duckdb.connect(str(tmp_path / "old.duckdb"))
    schema.current_version(con)
    counts_migration = _migration_creating("dossier_counts")
    for sql in schema.MIGRATIONS[:counts_migration]:
        con.execute(sql)
    con.execute("INSERT INTO dossiers (code, unit_id, level, received_at, received_date) "
                "VALUES ('H-1', 'u', 'province', TIMESTAMP '2024-01-02 08:00', DATE '2024-01-02')")
    con.execute(schema.MIGRATIONS[counts_migration])
    assert schema.counts_state(con) == "stale"
    fresh = duckdb.connect(str(tmp_path / "new.duckdb"))
    schema.migrate(fresh)
    assert schema.counts_state(fresh) == "built"


def test_table_columns_are_the_measures_the_counts_use(tmp_path):
    wh = Warehouse(tmp_path / "w.duckdb")
    with wh.read() as con:
        columns = [r[0] for r in con.execute("SELECT column_name FROM information_schema.columns "
                                             "WHERE table_name = 'dossier_counts' ORDER BY ordinal_position").fetchall()]
    assert columns[:7] == ["grain", "day", "unit_id", "level", "field", "channel", "withdrawn"]
    assert set(columns[7:]) == set(precount.MEASURES)
    used = {m.split()[-1].lstrip("-") for terms in precount.COUNTS.values() for _, m in terms}
    assert used == set(precount.MEASURES)  # every stored measure feeds a count, every count reads the table
    assert set(precount.COUNTS) == set(COUNTS)


@pytest.mark.parametrize("time_group", [(), ("month",)])
def test_row_counts_by_procedure_split_each_units_stored_counts(tmp_path, monkeypatch, time_group):
    """The row path keeps only the columns a grouping reads (issue 16: the meeting's hot spots by
    procedure on 50M dossiers): per unit, its procedures' counts add up to the table's, any setting."""
    rnd = random.Random(16)
    wh = Warehouse(tmp_path / "w.duckdb")
    _load(wh, tmp_path, "a", _rows(rnd, 300, "A"))
    keys = (*time_group, "unit")
    for case in range(12):
        period = _random_period(rnd, metrics.data_date(wh))
        monkeypatch.setenv("TTHC_WITHDRAWN_LEFT_OUT", "true" if case % 2 else "false")
        monkeypatch.setenv("TTHC_NO_DUE_IN_PROGRESS_OVERDUE", "true" if case % 3 == 0 else "false")
        by_procedure = metrics.dossier_counts(wh, period, group_by=(*keys, "procedure"), source="rows")
        assert set(by_procedure["procedure"].dropna()) <= {"Thủ tục A", "Thủ tục B"}
        names = [c for c in by_procedure.columns if c not in COUNTS and c != "procedure"]
        added = by_procedure.groupby(names, as_index=False)[COUNTS].sum()
        stored = metrics.dossier_counts(wh, period, group_by=keys, source="stored")
        pd.testing.assert_frame_equal(_sorted(added), _sorted(stored), obj=f"case {case}: {period}")


def test_a_few_counts_read_alone_equal_the_same_columns_of_all(tmp_path, monkeypatch):
    """``columns`` narrows the query to the measures and kinds of event those counts read: the same numbers,
    from the table and from the rows, with either setting of open dossiers without due date (a group
    where nothing was counted may be left out)."""
    rnd = random.Random(1616)
    wh = Warehouse(tmp_path / "w.duckdb")
    _load(wh, tmp_path, "a", _rows(rnd, 300, "A"))
    for case in range(16):
        period = _random_period(rnd, metrics.data_date(wh))
        group_by = rnd.choice(GROUPINGS)
        columns = tuple(rnd.sample(COUNTS, rnd.randint(1, 4)))
        source = "rows" if case % 2 or "procedure" in group_by else "stored"
        monkeypatch.setenv("TTHC_NO_DUE_IN_PROGRESS_OVERDUE", "true" if case % 4 < 2 else "false")
        full = metrics.dossier_counts(wh, period, group_by=group_by, source=source)
        narrow = metrics.dossier_counts(wh, period, group_by=group_by, source=source, columns=columns)
        keys = [c for c in full.columns if c not in COUNTS]
        assert list(narrow.columns) == keys + list(columns)
        pd.testing.assert_frame_equal(_sorted_by(narrow, keys), _sorted_by(full[keys + list(columns)], keys),
                                      obj=f"case {case}: {period} {group_by} {columns} {source}")
    assert precount.measures_of(("in_progress_overdue",), False) == ("open_overdue_change",)
    assert precount.measures_of(("in_progress_overdue",), True) == ("open_no_due_change", "open_overdue_change")


def _sorted_by(frame: pd.DataFrame, keys: list[str]) -> pd.DataFrame:
    """Sorted by the keys, without groups where nothing was counted (a narrower read may not list them)."""
    counted = [c for c in frame.columns if c not in keys]
    frame = frame[(frame[counted] != 0).any(axis=1)] if keys else frame
    return frame.sort_values(keys, na_position="first").reset_index(drop=True) if keys else frame.reset_index(drop=True)

"""Dossier counts kept pre-aggregated (table ``dossier_counts``) and the one counting query.

Belongs here: what each dossier adds to which day (``EVENTS``), the period query that turns
those day sums into every dossier count of ``kpi.measures.metrics`` (``COUNTS``), and the
upkeep of the table (``apply_change``, ``rebuild``). The same ``EVENTS`` and ``COUNTS`` run
over the stored table (fast path) and over dossier rows computed on the fly (row path, for
groupings the table does not keep, such as procedure): one definition, two FROMs.

Why events: a period's in-progress figures depend on three dates of a dossier (received ≤
as_of < finished, due < as_of). Kept as a change of a running total on one date axis, they
stay exact by the day and cost units × days, not dossiers:
- open: +1 on the reception day, −1 on max(received, finished);
- open and overdue: +1 on o = max(received, due + 1), −1 on max(o, finished);
  a dossier open at day t is overdue at t exactly when due < t;
- open without due date (never overdue unless the setting says so), and the "no apology
  letter" variants of both.
The running total at day t is the sum of the changes dated ≤ t. ``as_of`` = min(end, data
date): no record is dated after the data date, so the open set at the end of a period that
runs past the data is the open set at the data date, and every in-progress figure is the
running total at as_of (DOMAIN §4). Carried over = the running total the day before P.

Rows of the table: grain 'day' (one calendar day) and grain 'month' (day = the month's
first day, the sum of its days), per unit, level, field, channel and withdrawn flag; and grain
'unit_month', the month rows summed over field and channel (both NULL), about twenty times
fewer. A query takes whole months from month rows (from unit_month rows when it neither
filters nor groups by field or channel) and only the edges from day rows. Loads and
undos append signed change rows in their own transaction (a replaced record adds −1 of its
old version); once more than ``counts_compact_rows`` of them have piled up, the load or undo
that passes the mark re-aggregates the months they touched (``compact``), so the table stays
what ``rebuild`` (``python -m etl rebuild-counts``, recovery) writes from the dossier rows.
"""
from __future__ import annotations

import datetime as dt
import json

from kpi import config
from kpi.measures import grouping
from kpi.warehouse import schema

TABLE = "dossier_counts"
STORED_KEYS = ("unit_id", "level", "field", "channel", "withdrawn")
UNIT_MONTH_KEYS = ("unit_id", "level", "withdrawn")  # grain 'unit_month': field and channel summed over
STORED_AVAILABLE = {"level", "unit_id", "field", "channel"}
ROW_KEYS = STORED_KEYS + ("procedure",)

_LATE_NO_APOLOGY = "d.apology = FALSE"  # NULL: the file did not say; only a stated 'no' counts
# What each dossier adds, and on which day: (day expression, the rows it applies to, {measure: value}).
EVENTS = (
    ("d.received_date", "TRUE", {
        "received": "1",
        "received_online": "d.channel = 'online'",
        "received_direct": "d.channel = 'direct'",
        "received_postal": "d.channel = 'postal'",
        "received_digitized": "d.digitized",
        "received_digitized_known": "d.digitized IS NOT NULL",
        "received_channel_known": "d.channel IS NOT NULL",
        "open_change": "1",
        "open_no_due_change": "d.due_date IS NULL",
        "open_no_due_no_apology_change": f"d.due_date IS NULL AND {_LATE_NO_APOLOGY}",
    }),
    ("d.finished_date", "d.finished_date IS NOT NULL", {
        "resolved": "1",
        "resolved_early": "d.finished_date < d.due_date",
        "resolved_due_day": "d.finished_date = d.due_date",
        "resolved_overdue": "d.finished_date > d.due_date",
        "resolved_no_due": "d.due_date IS NULL",
        "resolved_e_result": "d.e_result",
        "resolved_e_result_known": "d.e_result IS NOT NULL",
        "resolved_overdue_no_apology": f"d.finished_date > d.due_date AND {_LATE_NO_APOLOGY}",
        "rated": "d.rating IS NOT NULL",
        "rated_satisfied_or_better": "d.rating >= 3",
        "rated_4": "d.rating = 4",
        "rated_3": "d.rating = 3",
        "rated_2": "d.rating = 2",
        "rated_1": "d.rating = 1",
    }),
    ("greatest(d.received_date, d.finished_date)", "d.finished_date IS NOT NULL", {
        "open_change": "-1",
        "open_no_due_change": "-(d.due_date IS NULL)::INTEGER",
        "open_no_due_no_apology_change": f"-(d.due_date IS NULL AND {_LATE_NO_APOLOGY})::INTEGER",
    }),
    ("greatest(d.received_date, d.due_date + 1)", "d.due_date IS NOT NULL", {
        "open_overdue_change": "1",
        "open_overdue_no_apology_change": _LATE_NO_APOLOGY,
    }),
    ("greatest(d.received_date, d.due_date + 1, d.finished_date)", "d.due_date IS NOT NULL AND d.finished_date IS NOT NULL", {
        "open_overdue_change": "-1",
        "open_overdue_no_apology_change": f"-({_LATE_NO_APOLOGY})::INTEGER",
    }),
)
MEASURES = tuple(dict.fromkeys(name for _, _, values in EVENTS for name in values))
RUNNING = tuple(m for m in MEASURES if m.endswith("_change"))  # running totals: summed up to a day

# Every dossier count of kpi.measures.metrics.DOSSIER_COUNT_COLUMNS: a sum of (window, measure) terms.
# Windows: 'in' = the day lies in the part of P; 'before' = running total the day before it starts;
# 'asof' = running total at the part's as_of. '+ND' terms apply when an open dossier without due
# date counts as overdue (setting no_due_in_progress_overdue), '-ND' subtract then.
COUNTS = {
    "received": [("in", "received")],
    "received_online": [("in", "received_online")],
    "received_direct": [("in", "received_direct")],
    "received_postal": [("in", "received_postal")],
    "received_digitized": [("in", "received_digitized")],
    "received_digitized_known": [("in", "received_digitized_known")],
    "received_channel_known": [("in", "received_channel_known")],
    "resolved_e_result_known": [("in", "resolved_e_result_known")],
    "carried_over": [("before", "open_change")],
    "resolved": [("in", "resolved")],
    "resolved_early": [("in", "resolved_early")],
    # finished on the due day, or without a due date
    "resolved_on_time": [("in", "resolved_due_day"), ("in", "resolved_no_due")],
    "resolved_overdue": [("in", "resolved_overdue")],
    "resolved_no_due": [("in", "resolved_no_due")],
    "resolved_e_result": [("in", "resolved_e_result")],
    "in_progress": [("asof", "open_change")],
    "in_progress_within": [("asof", "open_change"), ("asof", "-open_overdue_change"), ("asof", "-ND open_no_due_change")],
    "in_progress_overdue": [("asof", "open_overdue_change"), ("asof", "+ND open_no_due_change")],
    "in_progress_no_due": [("asof", "open_no_due_change")],
    "overdue_no_apology": [("in", "resolved_overdue_no_apology"), ("asof", "open_overdue_no_apology_change"),
                           ("asof", "+ND open_no_due_no_apology_change")],
    "rated": [("in", "rated")],
    "satisfied": [("in", "rated_satisfied_or_better")],
    "rated_very_satisfied": [("in", "rated_4")],
    "rated_satisfied": [("in", "rated_3")],
    "rated_neutral": [("in", "rated_2")],
    "rated_dissatisfied": [("in", "rated_1")],
}

# Columns of the table (schema migration 8 creates it; kept here in this order for INSERT … BY NAME).
COLUMN_DOC = {
    "grain": "'day', 'month' or 'unit_month' (month rows summed over field and channel)",
    "day": "the calendar day; for grains 'month' and 'unit_month' the month's first day (the row sums that month's days)",
    "unit_id": "receiving unit", "level": "its level", "field": "lĩnh vực (NULL when unknown)",
    "channel": "online / direct / postal / other, NULL when unknown",
    "withdrawn": "status says withdrawn or cancelled (left out when withdrawn_left_out)",
}


# The dossier columns the events read (besides the keys): a change or a row-path query copies only these.
EVENT_COLUMNS = ("received_date", "finished_date", "due_date", "digitized", "e_result", "rating", "apology")


def _value(expr: str) -> str:
    return f"({expr})::INTEGER"


def _withdrawn_statuses_sql(source_sql: str) -> str:
    """The distinct status texts of ``source_sql`` that say withdrawn / cancelled (a regex per text, not per row)."""
    return f"SELECT unnest(({schema.withdrawn_list_sql(source_sql)}))"


def flagged_sql(source_sql: str, statuses_sql: str, keys: tuple[str, ...] = ROW_KEYS) -> str:
    """``source_sql``'s rows reduced to what the events read, with ``withdrawn`` from ``statuses_sql``."""
    columns = ", ".join(f"d.{c}" for c in (*[k for k in keys if k != "withdrawn"], *EVENT_COLUMNS, "_sign"))
    return (f"SELECT {columns}, coalesce(d.status IN ({statuses_sql}), FALSE) AS withdrawn "
            f"FROM ({source_sql}) d")


def events_sql(source_sql: str, keys: tuple[str, ...] = STORED_KEYS) -> str:
    """One row per (dossier, event): ``keys``, ``day`` and every measure, times the source's ``_sign``.

    ``source_sql`` yields dossier rows (alias d inside) with ``withdrawn`` and a ``_sign`` column
    (1, or −1 for a version that is being taken away); see ``flagged_sql``.
    """
    key_sql = ", ".join(f"d.{k}" for k in keys)
    branches = []
    for day, when, values in EVENTS:
        measures = ", ".join(
            f"{'d._sign * ' + _value(values[m]) if m in values else '0'} AS {m}" for m in MEASURES)
        branches.append(f"SELECT {key_sql}, {day} AS day, {measures} FROM ({source_sql}) d WHERE {when}")
    return "\nUNION ALL\n".join(branches)


def _day_rows_sql(source_sql: str) -> str:
    """The table's 'day' rows for a set of flagged dossier rows: events summed per key and day.

    Each kind of event is summed on its own (only its measures), then the kinds are put together:
    fewer columns per group-by than summing every measure over every event row.
    """
    keys = ", ".join(f"d.{k}" for k in STORED_KEYS)
    parts = []
    for day, when, values in EVENTS:
        sums = ", ".join(f"sum(d._sign * {_value(v)}) AS {m}" for m, v in values.items())
        parts.append(f"SELECT {keys}, {day} AS day, {sums} FROM ({source_sql}) d WHERE {when} GROUP BY ALL")
    return _summed_day_rows_sql(f"({' UNION ALL BY NAME '.join(parts)}) e")


def _summed_day_rows_sql(from_sql: str) -> str:
    """Day rows summed per key and day from ``from_sql`` (rows with the keys, ``day`` and every measure);
    a key and day whose every sum is 0 (changes that cancel out) keeps no row."""
    totals = ", ".join(f"coalesce(sum({m}), 0)::BIGINT AS {m}" for m in MEASURES)
    nonzero = " OR ".join(f"coalesce(sum({m}), 0) <> 0" for m in MEASURES)
    return (f"SELECT 'day' AS grain, day, {', '.join(STORED_KEYS)}, {totals} "
            f"FROM {from_sql} GROUP BY ALL HAVING {nonzero}")


def _event_sums_sql(source_sql: str, keys: tuple[str, ...], measures: tuple[str, ...] = MEASURES) -> str:
    """'day' rows of ``measures`` per ``keys`` and day, for the row path: like ``_day_rows_sql``, each
    kind of event summed on its own over only its measures (kinds without one of ``measures`` left
    out), then the kinds put together."""
    key_sql = "".join(f"d.{k}, " for k in keys)
    parts = []
    for day, when, values in EVENTS:
        if not set(values) & set(measures):
            continue
        # Every measure in the same order (0 where the kind has none): a plain UNION ALL, which the
        # Spark engine (kpi.lake) transpiles too.
        sums = ", ".join(f"sum(d._sign * {_value(values[m])}) AS {m}" if m in values else f"0 AS {m}" for m in measures)
        parts.append(f"SELECT {key_sql}{day} AS day, {sums} FROM ({source_sql}) d WHERE {when} GROUP BY ALL")
    totals = ", ".join(f"sum({m}) AS {m}" for m in measures)
    return (f"SELECT 'day' AS grain, {''.join(k + ', ' for k in keys)}day, {totals} "
            f"FROM ({' UNION ALL '.join(parts)}) e GROUP BY ALL")


def apply_change(con, source_sql: str) -> None:
    """Append the change rows of ``source_sql`` (dossier rows with ``_sign``) to the table, both grains.

    Called inside the writer's transaction (loads, undos): the counts commit with the rows.
    """
    con.execute("DROP TABLE IF EXISTS count_source")
    con.execute(f"CREATE TEMP TABLE count_source AS {source_sql}")
    flagged = flagged_sql("SELECT * FROM count_source", _withdrawn_statuses_sql("SELECT status FROM count_source"),
                          STORED_KEYS)
    con.execute("DROP TABLE IF EXISTS count_change")
    con.execute(f"CREATE TEMP TABLE count_change AS {_day_rows_sql(flagged)}")
    appended = _append_grains(con, "count_change")
    months = [m for (m,) in con.execute("SELECT DISTINCT date_trunc('month', day)::DATE FROM count_change").fetchall()]
    con.execute("DROP TABLE count_change")
    con.execute("DROP TABLE count_source")
    _note_change(con, appended, months)


def batch_change(batch_id: int, *, undo: bool) -> str:
    """Dossier rows a load batch wrote (+1) and the versions it replaced (−1); the reverse for its undo."""
    sign = -1 if undo else 1
    columns = ", ".join((*[k for k in STORED_KEYS if k != "withdrawn"], "status", *EVENT_COLUMNS))
    return (f"SELECT {columns}, {sign} AS _sign FROM dossiers WHERE batch_id = {int(batch_id)} UNION ALL "
            f"SELECT {columns}, {-sign} AS _sign FROM dossiers_replaced WHERE replaced_by = {int(batch_id)}")


def _append_grains(con, table: str, order: bool = False) -> int:
    """Append ``table``'s day rows and the month and unit_month rows summed from them; returns how many
    rows were added."""
    order_sql = "ORDER BY day" if order else ""
    added = con.execute(f"INSERT INTO {TABLE} BY NAME SELECT * FROM {table} {order_sql}").fetchone()[0]
    added += con.execute(f"INSERT INTO {TABLE} BY NAME {month_rows_sql(table, 'month', STORED_KEYS)} {order_sql}"
                         ).fetchone()[0]
    added += con.execute(f"INSERT INTO {TABLE} BY NAME {month_rows_sql(table, 'unit_month', UNIT_MONTH_KEYS)} "
                         f"{order_sql}").fetchone()[0]
    return int(added)


def month_rows_sql(table: str, grain: str, keys: tuple[str, ...]) -> str:
    """Rows of ``grain`` summed by month and ``keys`` from the day rows of ``table`` (or from its month rows)."""
    sums = ", ".join(f"sum({m})::BIGINT AS {m}" for m in MEASURES)
    return (f"SELECT '{grain}' AS grain, date_trunc('month', day)::DATE AS day, {', '.join(keys)}, {sums} "
            f"FROM {table} GROUP BY ALL")


def rebuild(con) -> int:
    """Recompute the whole table from the dossier rows (recovery, compaction); returns its row count."""
    con.execute(f"DELETE FROM {TABLE}")
    con.execute("DROP TABLE IF EXISTS count_change")
    flagged = flagged_sql("SELECT *, 1 AS _sign FROM dossiers", _withdrawn_statuses_sql("SELECT status FROM dossiers"),
                          STORED_KEYS)
    con.execute(f"CREATE TEMP TABLE count_change AS {_day_rows_sql(flagged)}")
    _append_grains(con, "count_change", order=True)
    con.execute("DROP TABLE count_change")
    schema.set_counts_state(con, "built")
    _set_pending(con, 0, [])
    return int(con.execute(f"SELECT count(*) FROM {TABLE}").fetchone()[0])


# -- compaction --------------------------------------------------------------------
# meta 'counts_pending': {"rows": change rows appended since the table was last compacted or rebuilt,
# "months": the first days of the months they touched}. Absent (a table kept before compaction
# existed): months not known, so the first compaction finds them (``_months_with_repeats``).
PENDING_KEY = "counts_pending"


def pending(con) -> tuple[int, list[dt.date] | None]:
    """(change rows appended since the last compaction, the months they touched or None: not known)."""
    row = con.execute("SELECT value FROM meta WHERE key = ?", [PENDING_KEY]).fetchone()
    if row is None:
        return 0, None
    state = json.loads(row[0])
    months = state["months"]
    return int(state["rows"]), None if months is None else [dt.date.fromisoformat(m) for m in months]


def _set_pending(con, rows: int, months: list[dt.date] | None) -> None:
    state = {"rows": rows, "months": None if months is None else sorted(m.isoformat() for m in months)}
    con.execute("INSERT OR REPLACE INTO meta VALUES (?, ?)", [PENDING_KEY, json.dumps(state)])


def _note_change(con, appended: int, months: list[dt.date]) -> None:
    """Count a load's or undo's change rows; past ``counts_compact_rows`` compact the months touched so far."""
    rows, known = pending(con)
    touched = None if known is None else sorted(set(known) | set(months))  # None stays None until compacted
    if rows + appended > int(config.get("counts_compact_rows")):
        compact(con, touched)
    else:
        _set_pending(con, rows + appended, touched)


def compact(con, months: list[dt.date] | None = None) -> int:
    """Re-aggregate the table's rows of ``months`` into the rows ``rebuild`` writes for them: per key
    and day the sum of its change rows (none when they cancel out), and the month and unit_month
    rows summed from those days. Inside the caller's write transaction; returns the table's row count. The other
    months' rows are left as they are. ``months`` None (not known): the months where a key and
    day has more than one row (one scan of the table, not a rewrite of it).
    """
    if months is None:
        months = _months_with_repeats(con)
    where, params = _months_where(months)
    con.execute("DROP TABLE IF EXISTS count_compact")
    day_rows = f"(SELECT * FROM {TABLE} WHERE grain = 'day' AND {where})"
    con.execute(f"CREATE TEMP TABLE count_compact AS {_summed_day_rows_sql(day_rows)}", params)
    con.execute(f"DELETE FROM {TABLE} WHERE {where}", params)  # every grain: a month row's day is in its month
    _append_grains(con, "count_compact", order=True)
    con.execute("DROP TABLE count_compact")
    _set_pending(con, 0, [])
    return int(con.execute(f"SELECT count(*) FROM {TABLE}").fetchone()[0])


def _months_with_repeats(con) -> list[dt.date]:
    """Months with change rows not yet summed: a key and day (or month) that has more than one row."""
    keys = ", ".join(("grain", "day", *STORED_KEYS))
    return [m for (m,) in con.execute(
        f"SELECT DISTINCT date_trunc('month', day)::DATE FROM (SELECT {keys} FROM {TABLE} GROUP BY ALL "
        "HAVING count(*) > 1) ORDER BY 1").fetchall()]


def _months_where(months: list[dt.date]) -> tuple[str, list]:
    """A filter on ``day`` for the table's rows of ``months`` (a range first, so row groups can be skipped)."""
    if not months:
        return "FALSE", []
    return (f"day BETWEEN {_date(min(months))} AND {_date(_month_end(max(months)))} "
            "AND date_trunc('month', day)::DATE IN (SELECT unnest(?::DATE[]))", [list(months)])


def by_field_or_channel(group_by: tuple[str, ...], filtered_by_field: bool) -> bool:
    """Whether a query needs the field / channel of month rows (else it reads the unit_month rows)."""
    return filtered_by_field or any(grouping.GROUPS.get(g) in ("field", "channel") for g in group_by)


def usable(con, group_by: tuple[str, ...]) -> bool:
    """Whether a query can read the table: it is built and keeps every grouping asked for."""
    wanted = {grouping.GROUPS[g] for g in group_by if g not in grouping.TIME_GROUPS}
    return wanted <= STORED_AVAILABLE and schema.counts_state(con) == "built"


# -- the period query ------------------------------------------------------------

def _date(day: dt.date) -> str:
    return f"DATE '{day.isoformat()}'"


def _windows(months: bool) -> dict[str, str]:
    """SQL of each window over a row ``d`` (grain, day, me = last day of its month) and a part ``p``.

    With month rows a day row counts only where its month row does not (the month is not whole
    inside the window), so each dossier event is counted once.
    """
    def upto(t: str) -> str:
        if not months:
            return f"(d.grain = 'open' OR d.day <= {t})"
        return (f"(d.grain = 'open' OR (d.grain = 'month' AND d.me <= {t}) "
                f"OR (d.grain = 'day' AND d.day <= {t} AND d.me > {t}))")
    if months:
        inside = ("((d.grain = 'month' AND d.day >= p.pstart AND d.me <= p.pend) OR (d.grain = 'day' "
                  "AND d.day BETWEEN p.pstart AND p.pend AND NOT (d.ms >= p.pstart AND d.me <= p.pend)))")
    else:
        inside = "(d.grain = 'day' AND d.day BETWEEN p.pstart AND p.pend)"
    return {"in": inside, "before": upto("p.pstart - 1"), "asof": upto("p.cut")}


def _terms(name: str, overdue_without_due: bool) -> list[tuple[str, str, str]]:
    """(sign, window, measure) of one count, the '±ND' terms kept only when the setting says so."""
    out = []
    for window, measure in COUNTS[name]:
        sign = "+"
        if measure.startswith(("+ND ", "-ND ")):
            if not overdue_without_due:
                continue
            sign, measure = measure[0], measure[4:]
        elif measure.startswith("-"):
            sign, measure = "-", measure[1:]
        out.append((sign, window, measure))
    return out


def measures_of(names: tuple[str, ...], overdue_without_due: bool) -> tuple[str, ...]:
    """The measures the counts ``names`` read, in ``MEASURES`` order."""
    used = {m for name in names for _, _, m in _terms(name, overdue_without_due)}
    return tuple(m for m in MEASURES if m in used)


def count_exprs(overdue_without_due: bool, names: tuple[str, ...] | None = None) -> str:
    """The select list of the dossier counts ``names`` (default: every one of COUNTS) over rows ``d``
    carrying window flags w_<window>."""
    out = []
    for name in names or tuple(COUNTS):
        parts = [f"{sign} coalesce(sum(CASE WHEN d.w_{window} THEN d.{measure} ELSE 0 END), 0)"
                 for sign, window, measure in _terms(name, overdue_without_due)]
        out.append(f"({' '.join(parts) or '0'})::BIGINT AS {name}")
    return ",\n".join(out)


def _month_start(day: dt.date) -> dt.date:
    return day.replace(day=1)


def _month_end(day: dt.date) -> dt.date:
    return (day.replace(day=28) + dt.timedelta(days=4)).replace(day=1) - dt.timedelta(days=1)


def _edge_months(parts: list, cuts: list[dt.date]) -> list[dt.date]:
    """Months whose day rows a query needs: those a window starts or ends inside of."""
    days = [p.start for p in parts if p.start.day != 1]
    days += [p.end for p in parts if p.end != _month_end(p.end)]
    days += [c for c in cuts if c != _month_end(c)]
    return sorted({_month_start(d) for d in days})


def counts_query(*, stored: bool, period, parts: list, group_by: tuple[str, ...], where: str, wparams: list,
                 data_date: dt.date | None, left_out: bool, overdue_without_due: bool,
                 withdrawn_statuses: list[str] = (), fine: bool = True,
                 only: tuple[str, ...] | None = None) -> tuple[str, list]:
    """(sql, params) of the dossier counts per part of P and grouping.

    ``stored``: read the table; else compute the same day rows from dossier rows (``where``
    applied to the dossiers; ``withdrawn_statuses`` are the status texts that say withdrawn, kept at
    write time). ``left_out``: withdrawn / cancelled dossiers are left out. ``fine``: the query
    filters or groups by field or channel, so whole months come from 'month' rows, not 'unit_month'.
    Every part's cuts are its day before start and its as_of = min(end, data date). ``only``: just
    these counts (default every one of COUNTS), summing only the measures and kinds of event they read.
    """
    measures = measures_of(only, overdue_without_due) if only else MEASURES
    cuts = [min(p.end, data_date) if data_date else p.end for p in parts]
    # Everything dated before the month of the earliest cut is summed once into 'open' rows.
    opening = _month_start(min(min(p.start - dt.timedelta(days=1), c) for p, c in zip(parts, cuts)))
    last = period.end
    not_left = "NOT d.withdrawn" if left_out else "TRUE"
    if stored:
        edges = " OR ".join(f"d.day BETWEEN {_date(m)} AND {_date(_month_end(m))}" for m in _edge_months(parts, cuts))
        # Whole months from one of the two month grains, named 'month' for the windows below.
        month_grain = "month" if fine else "unit_month"
        columns = ", ".join(f"d.{c}" for c in ("day", *STORED_KEYS, *MEASURES))
        source = (f"(SELECT CASE WHEN d.grain = 'day' THEN 'day' ELSE 'month' END AS grain, {columns} "
                  f"FROM {TABLE} d WHERE {where} AND {not_left} AND d.day <= {_date(last)} "
                  f"AND (d.grain = '{month_grain}' OR (d.grain = 'day' AND ({edges or 'FALSE'}))))")
        available, months, params, live = STORED_AVAILABLE, True, list(wparams), ""
    else:
        # The dossiers that matter to P, read once (materialized) for every kind of event.
        rows = (f"SELECT *, 1 AS _sign FROM dossiers d WHERE {where} AND d.received_date <= {_date(last)} "
                f"AND (d.finished_date IS NULL OR d.finished_date >= {_date(opening)} OR d.received_date >= {_date(opening)})")
        statuses = "SELECT unnest(?::VARCHAR[])"  # withdrawn_statuses: the texts kept at write time
        # Only the columns the grouping reads survive (the filters were applied to the dossier rows above).
        keys = tuple(grouping.GROUPS[g] for g in group_by if g in grouping.GROUPS)
        live = f"live AS MATERIALIZED ({flagged_sql(rows, statuses, tuple(dict.fromkeys((*keys, 'channel'))))}),"
        source = f"({_event_sums_sql(f'SELECT * FROM live d WHERE {not_left}', keys, measures)})"
        available, months, params = STORED_AVAILABLE | {"procedure"}, False, [list(withdrawn_statuses)] + list(wparams)
    selects, names = grouping.group_columns(group_by, available)
    group_sel = "".join(s + ", " for s in selects)
    group_names = "".join(n + ", " for n in names)
    # With month rows, the day rows before the opening month are in the month rows already.
    keep = f"d.grain <> 'day' OR d.day >= {_date(opening)}" if months else "TRUE"
    before_opening = ("d.grain = 'month' AND " if months else "") + f"d.day < {_date(opening)}"
    sums = ", ".join(f"sum(d.{m}) AS {m}" for m in measures)
    values = ", ".join(f"({_date(p.start)}, {_date(p.end)}, {_date(c)})" for p, c in zip(parts, cuts))
    windows = _windows(months)
    flags = ", ".join(f"{sql} AS w_{name}" for name, sql in windows.items())
    timed = grouping.is_timed(group_by)
    time_keys = "d.pstart AS period_start, d.pend AS period_end, " if timed else ""
    n_keys = len(names) + (2 if timed else 0)
    group_sql = ("GROUP BY " + ", ".join(str(i + 1) for i in range(n_keys))) if n_keys else ""
    sql = f"""
        WITH {live}
        p AS (SELECT * FROM (VALUES {values}) AS v(pstart, pend, cut)),
        rows AS (
            SELECT {group_sel}
                   CASE WHEN {before_opening} THEN 'open' ELSE d.grain END AS grain,
                   CASE WHEN {before_opening} THEN NULL ELSE d.day END AS day, {sums}
            FROM {source} d
            WHERE {keep}
            GROUP BY ALL
        ),
        r AS (
            SELECT p.pstart, p.pend, {flags}, d.*
            FROM (SELECT *, date_trunc('month', day)::DATE AS ms, last_day(day) AS me FROM rows) d, p
        )
        SELECT {time_keys}{group_names}{count_exprs(overdue_without_due, only)}
        FROM r d
        {group_sql}
    """
    return sql, params

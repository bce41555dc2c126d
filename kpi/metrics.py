"""Every KPI, defined once (DOMAIN §4).

Two layers:
- *counts*, computed in SQL inside DuckDB over a set of periods and groupings
  (``dossier_counts``, ``feedback_counts``, ``survey_counts``);
- *rates*, each a ratio of two counts declared in ``KPIS``; a zero denominator
  gives ``None`` ("no data"), never 0% and never 100%.

Rules, by calendar date of each timestamp:
- received: received_date in P. resolved: finished_date in P.
- early: finished < due; on time: finished = due, or no due date; overdue: finished > due.
- in progress: received ≤ to and not finished by to; overdue when due < to
  (a dossier without due date is never overdue unless the setting says so).
- carried over: received before P and not finished before P.
- satisfaction: over rated dossiers resolved in P, plus survey rows dated in P
  whose dossier is not already rated in the dossier records.
- PAKN handled: handled_date in P; on time when handled ≤ due (the due date was
  completed at load time with 15 working days when missing).
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pandas as pd

from kpi import config
from kpi.db import Warehouse
from kpi.filters import Filters, Scope, where_clause
from kpi.levels import LEVELS
from kpi.periods import Period


@dataclass(frozen=True)
class KPI:
    key: str
    numerator: str  # SQL over the count columns
    denominator: str
    family: str  # dossier | satisfaction | feedback
    numerator_count: str  # the column that names what the numerator counts (for "cần thêm N …")


KPIS: dict[str, KPI] = {
    k.key: k
    for k in (
        # TT 01/2020 report: (early + on time) / resolved.
        KPI("on_time_rate", "resolved_early + resolved_on_time", "resolved", "dossier", "resolved_in_time"),
        # Decision 766 progress: (early + on time + in progress within deadline) / all dossiers
        # to handle in P (received in P + carried over = resolved + in progress).
        KPI("progress_rate_766", "resolved_early + resolved_on_time + in_progress_within", "resolved + in_progress", "dossier", "in_time_766"),
        KPI("digitization_rate", "received_digitized", "received", "dossier", "received_digitized"),
        KPI("e_result_rate", "resolved_e_result", "resolved", "dossier", "resolved_e_result"),
        KPI("online_rate", "received_online", "received", "dossier", "received_online"),
        KPI("satisfaction_rate", "satisfied", "rated", "satisfaction", "satisfied"),
        KPI("pakn_on_time_rate", "pakn_on_time", "pakn_handled", "feedback", "pakn_on_time"),
        KPI("pakn_satisfaction_rate", "pakn_satisfied", "pakn_rated", "feedback", "pakn_satisfied"),
    )
}

# The rates `kpi summary --json` prints, in its order.
SUMMARY_RATES = (
    "on_time_rate", "digitization_rate", "e_result_rate", "online_rate",
    "satisfaction_rate", "pakn_on_time_rate", "pakn_satisfaction_rate",
)
SUMMARY_COUNTS = (
    "received", "resolved", "resolved_early", "resolved_on_time", "resolved_overdue",
    "in_progress", "in_progress_overdue",
)

DOSSIER_COUNT_COLUMNS = (
    "received", "received_online", "received_direct", "received_postal", "received_digitized",
    "carried_over", "resolved", "resolved_early", "resolved_on_time", "resolved_overdue",
    "resolved_no_due", "resolved_e_result", "in_progress", "in_progress_within", "in_progress_overdue",
    "in_progress_no_due", "overdue_no_apology", "rated", "satisfied",
    "rated_very_satisfied", "rated_satisfied", "rated_neutral", "rated_dissatisfied",
)
FEEDBACK_COUNT_COLUMNS = (
    "pakn_received", "pakn_handled", "pakn_on_time", "pakn_overdue", "pakn_rated", "pakn_satisfied",
    "pakn_backlog", "pakn_backlog_overdue", "pakn_due_assumed",
)
SURVEY_COUNT_COLUMNS = ("survey_rated", "survey_satisfied", "survey_very_satisfied", "survey_satisfied_only", "survey_neutral", "survey_dissatisfied")

# Groupings a query may ask for. Time groupings split P into its months/quarters.
GROUPS = {
    "level": "level",
    "unit": "unit_id",
    "field": "field",
    "procedure": "procedure",
    "channel": "channel",
}
TIME_GROUPS = ("month", "quarter")


def _periods_sql(period: Period, group_by: tuple[str, ...]) -> tuple[str, list]:
    if "month" in group_by:
        parts = period.months()
    elif "quarter" in group_by:
        parts = period.quarters()
    else:
        parts = [period]
    values = ", ".join("(?::DATE, ?::DATE)" for _ in parts)
    params = [d for p in parts for d in (p.start, p.end)]
    return f"SELECT * FROM (VALUES {values}) AS v(pstart, pend)", params


def _group_columns(group_by: tuple[str, ...], available: set[str]) -> tuple[list[str], list[str]]:
    """(select expressions, output names) for the non-time groupings."""
    selects, names = [], []
    for key in group_by:
        if key in TIME_GROUPS:
            continue
        if key not in GROUPS:
            raise ValueError(f"Không hỗ trợ nhóm theo '{key}'")
        column = GROUPS[key]
        expr = f"d.{column}" if column in available else "NULL::VARCHAR"
        selects.append(f"{expr} AS {column}")
        names.append(column)
    return selects, names


def _time_select(group_by: tuple[str, ...]) -> list[str]:
    return ["p.pstart AS period_start", "p.pend AS period_end"] if any(g in TIME_GROUPS for g in group_by) else []


def _counts_query(table_sql: str, table_params: list, count_exprs: str, period: Period, filters, scope, group_by,
                  available, live_when: str) -> tuple[str, list]:
    where, wparams = where_clause(filters, scope, "d")
    periods_sql, pparams = _periods_sql(period, group_by)
    selects, names = _group_columns(group_by, available)
    time_cols = _time_select(group_by)
    keys = time_cols + selects
    key_sql = (", ".join(keys) + ", ") if keys else ""
    group_sql = ("GROUP BY " + ", ".join(str(i + 1) for i in range(len(keys)))) if keys else ""
    sql = f"""
        WITH p AS ({periods_sql})
        SELECT {key_sql}{count_exprs}
        FROM {table_sql} d JOIN p ON {live_when}
        WHERE {where}
        {group_sql}
    """
    return sql, pparams + table_params + wparams


def _dossier_count_sql(overdue_without_due: bool) -> str:
    in_p_recv = "d.received_date BETWEEN p.pstart AND p.pend"
    in_p_fin = "d.finished_date BETWEEN p.pstart AND p.pend"
    open_at_end = "(d.received_date <= p.pend AND (d.finished_date IS NULL OR d.finished_date > p.pend))"
    # coalesce: a NULL due date must make the test FALSE, not NULL, or NOT(...) would drop the row too.
    ip_overdue = f"{open_at_end} AND coalesce(d.due_date < p.pend{' OR d.due_date IS NULL' if overdue_without_due else ''}, FALSE)"
    return f"""
        count(*) FILTER (WHERE {in_p_recv}) AS received,
        count(*) FILTER (WHERE {in_p_recv} AND d.channel = 'online') AS received_online,
        count(*) FILTER (WHERE {in_p_recv} AND d.channel = 'direct') AS received_direct,
        count(*) FILTER (WHERE {in_p_recv} AND d.channel = 'postal') AS received_postal,
        count(*) FILTER (WHERE {in_p_recv} AND d.digitized) AS received_digitized,
        count(*) FILTER (WHERE d.received_date < p.pstart) AS carried_over,
        count(*) FILTER (WHERE {in_p_fin}) AS resolved,
        count(*) FILTER (WHERE {in_p_fin} AND d.finished_date < d.due_date) AS resolved_early,
        count(*) FILTER (WHERE {in_p_fin} AND (d.finished_date = d.due_date OR d.due_date IS NULL)) AS resolved_on_time,
        count(*) FILTER (WHERE {in_p_fin} AND d.finished_date > d.due_date) AS resolved_overdue,
        count(*) FILTER (WHERE {in_p_fin} AND d.due_date IS NULL) AS resolved_no_due,
        count(*) FILTER (WHERE {in_p_fin} AND d.e_result) AS resolved_e_result,
        count(*) FILTER (WHERE {open_at_end}) AS in_progress,
        count(*) FILTER (WHERE {open_at_end} AND NOT ({ip_overdue})) AS in_progress_within,
        count(*) FILTER (WHERE {ip_overdue}) AS in_progress_overdue,
        count(*) FILTER (WHERE {open_at_end} AND d.due_date IS NULL) AS in_progress_no_due,
        count(*) FILTER (WHERE (({in_p_fin} AND d.finished_date > d.due_date) OR ({ip_overdue})) AND d.apology = FALSE) AS overdue_no_apology,
        count(*) FILTER (WHERE {in_p_fin} AND d.rating IS NOT NULL) AS rated,
        count(*) FILTER (WHERE {in_p_fin} AND d.rating >= 3) AS satisfied,
        count(*) FILTER (WHERE {in_p_fin} AND d.rating = 4) AS rated_very_satisfied,
        count(*) FILTER (WHERE {in_p_fin} AND d.rating = 3) AS rated_satisfied,
        count(*) FILTER (WHERE {in_p_fin} AND d.rating = 2) AS rated_neutral,
        count(*) FILTER (WHERE {in_p_fin} AND d.rating = 1) AS rated_dissatisfied
    """


DOSSIER_AVAILABLE = {"level", "unit_id", "field", "procedure", "channel"}
FEEDBACK_AVAILABLE = {"level", "unit_id", "field"}
SURVEY_AVAILABLE = {"level", "unit_id"}


def dossier_counts(wh: Warehouse | None, period: Period, filters: Filters | None = None, scope: Scope | None = None,
                   group_by: tuple[str, ...] = (), con=None) -> pd.DataFrame:
    """Dossier counts (DOSSIER_COUNT_COLUMNS) per period part and grouping."""
    # A dossier matters to P when it was received by the end and not finished before the start.
    live = "d.received_date <= p.pend AND (d.finished_date IS NULL OR d.finished_date >= p.pstart)"
    prefilter = (
        "(SELECT * FROM dossiers WHERE received_date <= ?::DATE AND (finished_date IS NULL OR finished_date >= ?::DATE))"
    )
    sql, params = _counts_query(prefilter, [period.end, period.start],
                                _dossier_count_sql(bool(config.get("no_due_in_progress_overdue"))),
                                period, filters, scope, group_by, DOSSIER_AVAILABLE, live)
    return _run(wh, con, sql, params)


def feedback_counts(wh: Warehouse | None, period: Period, filters: Filters | None = None, scope: Scope | None = None,
                    group_by: tuple[str, ...] = (), con=None) -> pd.DataFrame:
    """PAKN counts (FEEDBACK_COUNT_COLUMNS) per period part and grouping."""
    in_p_hdl = "d.handled_date BETWEEN p.pstart AND p.pend"
    backlog = "(d.received_date <= p.pend AND (d.handled_date IS NULL OR d.handled_date > p.pend))"
    exprs = f"""
        count(*) FILTER (WHERE d.received_date BETWEEN p.pstart AND p.pend) AS pakn_received,
        count(*) FILTER (WHERE {in_p_hdl}) AS pakn_handled,
        count(*) FILTER (WHERE {in_p_hdl} AND d.handled_date <= d.due_date) AS pakn_on_time,
        count(*) FILTER (WHERE {in_p_hdl} AND d.handled_date > d.due_date) AS pakn_overdue,
        count(*) FILTER (WHERE {in_p_hdl} AND d.rating IS NOT NULL) AS pakn_rated,
        count(*) FILTER (WHERE {in_p_hdl} AND d.rating >= 3) AS pakn_satisfied,
        count(*) FILTER (WHERE {backlog}) AS pakn_backlog,
        count(*) FILTER (WHERE {backlog} AND d.due_date < p.pend) AS pakn_backlog_overdue,
        count(*) FILTER (WHERE {in_p_hdl} AND d.due_assumed) AS pakn_due_assumed
    """
    live = "d.received_date <= p.pend AND (d.handled_date IS NULL OR d.handled_date >= p.pstart)"
    sql, params = _counts_query("feedback", [], exprs, period, filters, scope, group_by, FEEDBACK_AVAILABLE, live)
    return _run(wh, con, sql, params)


def survey_counts(wh: Warehouse | None, period: Period, filters: Filters | None = None, scope: Scope | None = None,
                  group_by: tuple[str, ...] = (), con=None) -> pd.DataFrame:
    """Ratings from separate survey files dated in P, except those of dossiers rated in the dossier records."""
    exprs = """
        count(*) AS survey_rated,
        count(*) FILTER (WHERE d.rating >= 3) AS survey_satisfied,
        count(*) FILTER (WHERE d.rating = 4) AS survey_very_satisfied,
        count(*) FILTER (WHERE d.rating = 3) AS survey_satisfied_only,
        count(*) FILTER (WHERE d.rating = 2) AS survey_neutral,
        count(*) FILTER (WHERE d.rating = 1) AS survey_dissatisfied
    """
    table = """(SELECT s.* FROM surveys s WHERE s.dossier_code IS NULL OR NOT EXISTS (
                 SELECT 1 FROM dossiers x WHERE x.code = s.dossier_code AND x.rating IS NOT NULL))"""
    live = "d.rated_date BETWEEN p.pstart AND p.pend"
    sql, params = _counts_query(table, [], exprs, period, filters, scope, group_by, SURVEY_AVAILABLE, live)
    return _run(wh, con, sql, params)


def _run(wh: Warehouse | None, con, sql: str, params: list) -> pd.DataFrame:
    """Run on the caller's connection when given (one open for several queries), else open one."""
    if con is not None:
        return con.execute(sql, params).df()
    with wh.read() as own:
        return own.execute(sql, params).df()


def _key_columns(group_by: tuple[str, ...]) -> list[str]:
    keys = ["period_start", "period_end"] if any(g in TIME_GROUPS for g in group_by) else []
    return keys + [GROUPS[g] for g in group_by if g not in TIME_GROUPS]


def counts(wh: Warehouse, period: Period, filters: Filters | None = None, scope: Scope | None = None,
           group_by: tuple[str, ...] = ()) -> pd.DataFrame:
    """All counts of every family, one row per group, zeros where a family has no rows."""
    group_by = tuple(group_by)
    with wh.read() as con:
        frames = [
            (dossier_counts(None, period, filters, scope, group_by, con), DOSSIER_COUNT_COLUMNS),
            (feedback_counts(None, period, filters, scope, group_by, con), FEEDBACK_COUNT_COLUMNS),
            (survey_counts(None, period, filters, scope, group_by, con), SURVEY_COUNT_COLUMNS),
        ]
    keys = _key_columns(group_by)
    if not keys:
        row = {}
        for frame, columns in frames:
            for column in columns:
                row[column] = int(frame[column].iloc[0]) if len(frame) else 0
        out = pd.DataFrame([row])
    else:
        out = None
        for frame, columns in frames:
            frame = frame[keys + list(columns)]
            out = frame if out is None else out.merge(frame, on=keys, how="outer")
        # A family with no row for a group counted nothing there.
        count_columns = [c for _, cols in frames for c in cols]
        out[count_columns] = out[count_columns].fillna(0).astype("int64")
        if "period_start" in keys:
            out = out.sort_values(keys, kind="stable").reset_index(drop=True)
    # Derived counts used by several KPIs.
    out["resolved_in_time"] = out["resolved_early"] + out["resolved_on_time"]
    out["in_time_766"] = out["resolved_in_time"] + out["in_progress_within"]
    out["rated"] = out["rated"] + out["survey_rated"]
    out["satisfied"] = out["satisfied"] + out["survey_satisfied"]
    return out


def add_rates(frame: pd.DataFrame) -> pd.DataFrame:
    """Adds one column per KPI in ``KPIS``: numerator / denominator, None when the denominator is 0."""
    frame = frame.copy()
    for kpi in KPIS.values():
        num = frame.eval(kpi.numerator).astype("float64")
        den = frame.eval(kpi.denominator).astype("float64")
        frame[kpi.key] = (num / den).where(den > 0).astype("object").where(den > 0, None)
        frame[f"{kpi.key}__num"] = num.astype("int64")
        frame[f"{kpi.key}__den"] = den.astype("int64")
    return frame


def kpi_table(wh: Warehouse, period: Period, filters: Filters | None = None, scope: Scope | None = None,
              group_by: tuple[str, ...] = ()) -> pd.DataFrame:
    """Counts and every KPI rate per group: the function pages, exports and the CLI share."""
    return add_rates(counts(wh, period, filters, scope, group_by))


def _as_summary(row: dict) -> dict:
    out = {name: int(row[name]) for name in SUMMARY_COUNTS}
    for name in SUMMARY_RATES:
        value = row[name]
        out[name] = None if value is None or pd.isna(value) else float(value)
    return out


def summary(wh: Warehouse, period: Period, filters: Filters | None = None, scope: Scope | None = None) -> dict:
    """`kpi summary --json`: totals and one object per level, exactly DOMAIN §4.

    Every record has exactly one level, so the total is the sum of the level counts
    (one pass over the data instead of two).
    """
    level_counts = counts(wh, period, filters, scope, ("level",))
    total_counts = level_counts.drop(columns=["level"]).sum(numeric_only=True).to_frame().T.astype("int64")
    total = add_rates(total_counts).iloc[0].to_dict()
    by_level = add_rates(level_counts)
    levels = {}
    for level in LEVELS:
        match = by_level[by_level["level"] == level]
        if len(match):
            levels[level] = _as_summary(match.iloc[0].to_dict())
        else:
            empty = {name: 0 for name in SUMMARY_COUNTS}
            empty.update({name: None for name in SUMMARY_RATES})
            levels[level] = empty
    return {"total": _as_summary(total), "levels": levels}


# -- drill-down ---------------------------------------------------------------

DRILL_SETS = {
    "received": "d.received_date BETWEEN ? AND ?",
    "resolved": "d.finished_date BETWEEN ? AND ?",
    "resolved_overdue": "d.finished_date BETWEEN ? AND ? AND d.finished_date > d.due_date",
    "resolved_in_time": "d.finished_date BETWEEN ? AND ? AND (d.due_date IS NULL OR d.finished_date <= d.due_date)",
    "in_progress": "d.received_date <= ?2 AND (d.finished_date IS NULL OR d.finished_date > ?2) AND ?1 IS NOT NULL",
    "in_progress_overdue": "d.received_date <= ?2 AND (d.finished_date IS NULL OR d.finished_date > ?2) AND d.due_date < ?2 AND ?1 IS NOT NULL",
    "no_due": "((d.finished_date BETWEEN ?1 AND ?2) OR (d.received_date <= ?2 AND (d.finished_date IS NULL OR d.finished_date > ?2))) AND d.due_date IS NULL",
}


def dossier_list(wh: Warehouse, period: Period, which: str = "resolved_overdue", filters: Filters | None = None,
                 scope: Scope | None = None, limit: int | None = 50_000) -> pd.DataFrame:
    """The dossiers behind a number: code, unit, field, procedure, dates, days late, channel."""
    if which not in DRILL_SETS:
        raise ValueError(f"Không có tập hồ sơ '{which}'")
    condition = DRILL_SETS[which].replace("?1", "$pstart").replace("?2", "$pend")
    condition = condition.replace("BETWEEN ? AND ?", "BETWEEN $pstart AND $pend")
    where, wparams = where_clause(filters, scope, "d")
    # where_clause uses positional '?': rewrite to named parameters.
    named = {"pstart": period.start, "pend": period.end}
    for i, value in enumerate(wparams):
        where = where.replace("?", f"$w{i}", 1)
        named[f"w{i}"] = value
    limit_sql = f"LIMIT {int(limit)}" if limit else ""
    sql = f"""
        SELECT d.code, coalesce(u.name, d.unit_id) AS unit, d.level, d.field, d.procedure, d.channel,
               d.received_at, d.due_at, d.finished_at,
               CASE WHEN d.due_date IS NULL THEN NULL
                    ELSE greatest(0, date_diff('day', d.due_date, coalesce(d.finished_date, $pend))) END AS days_late,
               d.digitized, d.e_result, d.rating, d.apology, d.unit_id
        FROM dossiers d LEFT JOIN units u USING (unit_id)
        WHERE {condition} AND {where}
        ORDER BY days_late DESC NULLS LAST, d.received_at, d.code
        {limit_sql}
    """
    with wh.read() as con:
        return con.execute(sql, named).df()


def units_frame(wh: Warehouse, scope: Scope | None = None) -> pd.DataFrame:
    """The units registry within a scope: unit_id, name, level, parent, validity, successor."""
    where, params = where_clause(None, scope, "u")
    return wh.query_df(
        f"SELECT unit_id, name, level, parent_id, valid_from, valid_to, successor_id FROM units u WHERE {where} ORDER BY level, name",
        params,
    )


def fields_list(wh: Warehouse, scope: Scope | None = None) -> list[str]:
    where, params = where_clause(None, scope, "d")
    rows = wh.query(f"SELECT DISTINCT field FROM dossiers d WHERE field IS NOT NULL AND {where} ORDER BY field", params)
    return [r[0] for r in rows]


def data_range(wh: Warehouse) -> tuple[dt.date | None, dt.date | None]:
    """First and last day with any dossier event."""
    row = wh.query("SELECT min(received_date), max(greatest(received_date, coalesce(finished_date, received_date))) FROM dossiers")[0]
    return row[0], row[1]

"""Counts from the aggregated form (Biểu số 06/VPCP/KSTT) for units that send no dossier records.

Some units only report Biểu 06: per lĩnh vực, received (online / in person + postal /
carried over), resolved (early / on time / overdue) and in progress (within / overdue).
Those rows live in ``form06_rows`` and enter the KPIs here, in the same count columns
as ``metrics.dossier_counts``, under three rules:

1. **No double counting.** A form row counts only when its unit has *no* dossier
   record received in the form's own period [period_from, period_to]: where the
   one-stop export exists, it wins over the unit's aggregate.
2. **Inside the query period.** A form row counts for a period (or a month/quarter
   part of it) only when [period_from, period_to] lies inside it; a quarterly form
   says nothing about one month.
3. **Flows add up, stocks do not.** Within one query part, several forms of the same
   unit and lĩnh vực (e.g. Q1 and Q2 inside a year) add their received and resolved
   figures; the carried-over figure is the earliest form's, in progress the latest's.
   A form contained in a longer eligible form (Q1 inside a 6-month form) is dropped,
   and a re-uploaded form (same unit, lĩnh vực, period) counts once: the newest batch.

What the form does not have stays out of the rates that need it: it feeds no
``received_digitized_known`` / ``resolved_e_result_known``, so a unit without those
figures does not pull digitization and e-result rates down (it lowers their coverage);
its channels are known (``received_channel_known``). ``agg_units`` tells how many
units' figures came from the form (the page says so); ``agg_received`` /
``agg_resolved`` how many dossiers.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from kpi.measures import grouping
from kpi.measures.filters import Filters, Scope, where_clause

AGG_COLUMNS = ("agg_units", "agg_received", "agg_resolved")

# Form column (form06_rows) → dossier count column it feeds.
_FLOW_SUMS = {
    "received": "coalesce(d.received_online, 0) + coalesce(d.received_direct, 0)",
    "received_online": "coalesce(d.received_online, 0)",
    "received_channel_known": "coalesce(d.received_online, 0) + coalesce(d.received_direct, 0)",
    "received_direct": "coalesce(d.received_direct, 0)",
    "resolved": "coalesce(d.resolved_total, 0)",
    "resolved_early": "coalesce(d.resolved_early, 0)",
    "resolved_on_time": "coalesce(d.resolved_on_time, 0)",
    "resolved_overdue": "coalesce(d.resolved_overdue, 0)",
}
_FIRST_STOCKS = {"carried_over": "coalesce(d.carried_over, 0)"}
_LAST_STOCKS = {
    "in_progress": "coalesce(d.in_progress_total, 0)",
    "in_progress_within": "coalesce(d.in_progress_within, 0)",
    "in_progress_overdue": "coalesce(d.in_progress_overdue, 0)",
}
AVAILABLE = {"level", "unit_id", "field"}

# Form rows that may count (rules 1 and the re-upload part of 3): the newest batch of each
# form, and only for units without dossier records in the form's own period.
_ELIGIBLE_CTES = """
        latest AS (
            SELECT * FROM form06_rows
            QUALIFY row_number() OVER (PARTITION BY unit_id, level, field, period_from, period_to
                                       ORDER BY batch_id DESC) = 1
        ),
        uncovered AS (
            SELECT f.* FROM latest f
            WHERE NOT EXISTS (SELECT 1 FROM dossiers x WHERE x.unit_id = f.unit_id
                                AND x.received_date BETWEEN f.period_from AND f.period_to)
        )"""


def aggregate_counts(con, period, filters: Filters | None = None, scope: Scope | None = None,
                     group_by: tuple[str, ...] = (), dossier_columns: tuple[str, ...] = ()) -> pd.DataFrame:
    """Count columns from eligible form rows, keyed like ``metrics.dossier_counts``.

    Returns the group keys, every column of ``dossier_columns`` (zeros where the form
    has no such figure) and ``AGG_COLUMNS``. ``con`` is an open read connection.
    """
    if not con.execute("SELECT EXISTS (SELECT 1 FROM form06_rows)").fetchone()[0]:
        # No form loaded (most warehouses): skip the query, whose rule 1 looks at the dossier rows.
        return _no_forms(group_by, dossier_columns)
    periods_sql, params = grouping.periods_sql(period, group_by)
    where, wparams = where_clause(filters, scope, "d")
    time_keys = ["d.pstart AS period_start", "d.pend AS period_end"] if grouping.is_timed(group_by) else []
    keys = time_keys + grouping.group_columns(group_by, AVAILABLE)[0]
    exprs = [f"sum({sql})::BIGINT AS {name}" for name, sql in _FLOW_SUMS.items()]
    exprs += [f"coalesce(sum({sql}) FILTER (WHERE d.first_rn = 1), 0)::BIGINT AS {name}" for name, sql in _FIRST_STOCKS.items()]
    exprs += [f"coalesce(sum({sql}) FILTER (WHERE d.last_rn = 1), 0)::BIGINT AS {name}" for name, sql in _LAST_STOCKS.items()]
    exprs += [
        "count(DISTINCT d.unit_id) AS agg_units",
        f"sum({_FLOW_SUMS['received']})::BIGINT AS agg_received",
        "sum(coalesce(d.resolved_total, 0))::BIGINT AS agg_resolved",
    ]
    key_sql = (", ".join(keys) + ", ") if keys else ""
    group_sql = ("GROUP BY " + ", ".join(str(i + 1) for i in range(len(keys)))) if keys else ""
    sql = f"""
        WITH p AS ({periods_sql}),{_ELIGIBLE_CTES},
        inside AS (
            SELECT p.pstart, p.pend, f.* FROM uncovered f JOIN p ON f.period_from >= p.pstart AND f.period_to <= p.pend
            WHERE NOT EXISTS (
                SELECT 1 FROM uncovered g
                WHERE g.unit_id = f.unit_id AND g.level = f.level AND g.field = f.field
                  AND g.period_from >= p.pstart AND g.period_to <= p.pend
                  AND g.period_from <= f.period_from AND g.period_to >= f.period_to
                  AND (g.period_from <> f.period_from OR g.period_to <> f.period_to))
        ),
        ranked AS (
            SELECT *, row_number() OVER (PARTITION BY pstart, unit_id, level, field ORDER BY period_from) AS first_rn,
                      row_number() OVER (PARTITION BY pstart, unit_id, level, field ORDER BY period_to DESC) AS last_rn
            FROM inside
        )
        SELECT {key_sql}{", ".join(exprs)}
        FROM ranked d
        WHERE {where}
        {group_sql}
    """
    frame = con.execute(sql, params + wparams).df()
    count_names = list(_FLOW_SUMS) + list(_FIRST_STOCKS) + list(_LAST_STOCKS) + list(AGG_COLUMNS)
    frame[count_names] = frame[count_names].fillna(0).astype("int64")
    for column in dossier_columns:
        if column not in frame.columns:
            frame[column] = 0
    return frame


def _no_forms(group_by: tuple[str, ...], dossier_columns: tuple[str, ...]) -> pd.DataFrame:
    """The empty result of ``aggregate_counts``, with its columns."""
    names = grouping.key_columns(group_by) + list(dict.fromkeys(
        list(_FLOW_SUMS) + list(_FIRST_STOCKS) + list(_LAST_STOCKS) + list(AGG_COLUMNS) + list(dossier_columns)))
    return pd.DataFrame(np.zeros((0, len(names)), dtype="int64"), columns=names)


def forms_left_out(con, period, filters: Filters | None = None, scope: Scope | None = None) -> int:
    """How many eligible forms (unit × form period) overlap ``period`` without lying inside it (rule 2).

    A form filed on TT 01 cut-off dates (15/12–14/03) lies inside no calendar quarter: a
    calendar view leaves it out and says so; the "Kỳ báo cáo TT 01" periods count it.
    """
    where, wparams = where_clause(filters, scope, "d")
    sql = f"""
        WITH {_ELIGIBLE_CTES.strip()}
        SELECT count(DISTINCT (d.unit_id, d.period_from, d.period_to)) FROM uncovered d
        WHERE d.period_from <= ? AND d.period_to >= ? AND NOT (d.period_from >= ? AND d.period_to <= ?)
          AND {where}
    """
    return int(con.execute(sql, [period.end, period.start, period.start, period.end] + wparams).fetchone()[0])


def combine(dossiers: pd.DataFrame, aggregates: pd.DataFrame, keys: list[str], columns: tuple[str, ...]) -> pd.DataFrame:
    """Dossier counts plus aggregated counts, per group; ``AGG_COLUMNS`` added (0 without forms)."""
    columns = tuple(columns) + AGG_COLUMNS
    dossiers = dossiers.copy()
    for column in AGG_COLUMNS:
        dossiers[column] = 0
    if aggregates.empty:
        return dossiers
    aggregates = aggregates[keys + list(columns)]
    if not keys:
        total = dossiers[list(columns)].fillna(0).astype("int64").iloc[:1].reset_index(drop=True) \
            if len(dossiers) else pd.DataFrame([{c: 0 for c in columns}])
        extra = aggregates[list(columns)].fillna(0).astype("int64").sum()
        return (total + extra).astype("int64")
    both = pd.concat([dossiers[keys + list(columns)], aggregates], ignore_index=True)
    out = both.groupby(keys, dropna=False, sort=False, as_index=False)[list(columns)].sum()
    out[list(columns)] = out[list(columns)].astype("int64")
    return out

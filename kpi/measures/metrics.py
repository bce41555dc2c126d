"""Every KPI, defined once (DOMAIN §4).

Two layers:
- *counts*, computed in SQL inside DuckDB over a set of periods and groupings
  (``dossier_counts``, ``feedback_counts``, ``survey_counts``);
- *rates*, each a ratio of two counts declared in ``KPIS``; a zero denominator
  gives ``None`` ("no data"), never 0% and never 100%.

Rules, by calendar date of each timestamp:
- received: received_date in P. resolved: finished_date in P.
- early: finished < due; on time: finished = due, or no due date; overdue: finished > due.
- in progress: received ≤ as_of and not finished by as_of; overdue when due < as_of
  (a dossier without due date is never overdue unless the setting says so), where
  as_of = min(to, data date) (``kpi.warehouse.schema.DATA_DATE_SQL``): past the data, a due
  date is not known to be missed. No record is dated after the data date, so only
  the overdue test needs as_of; the PAKN backlog follows the same rule.
- carried over: received before P and not finished before P.
- unknown is not "no": digitized / e_result / channel NULL means the file did not say;
  each rate counts only rows where its flag is known (``*_known`` counts), and
  ``coverage`` tells how many of the rate's rows that is. Channel 'other' is known:
  it counts in received and in the online denominator, never as online.
- unit lineage: grouped by unit, a unit that ended before the end of P counts under
  the unit that continues it (``kpi.measures.units.rollup_on``), and choosing a unit includes
  the units merged into it, so rankings and trends across 01/07/2025 follow the lineage.
- satisfaction: over rated dossiers resolved in P, plus survey rows dated in P
  whose dossier is not already rated in the dossier records.
- PAKN handled: handled_date in P; on time when handled ≤ due (the due date was
  completed at load time with 15 working days when missing).
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace

import numpy as np
import pandas as pd

from kpi import config
from kpi.measures import aggregates, grouping, precount, units
from kpi.measures.indicators import Indicator, Selection
from kpi.warehouse import schema
from kpi.warehouse.db import Warehouse
from kpi.measures.filters import Filters, Scope, where_clause
from kpi.measures.levels import LEVELS
from kpi.measures.periods import Period


@dataclass(frozen=True, kw_only=True)
class KPI(Indicator):
    """A rate: numerator / denominator over count columns, with what it says about itself
    (``kpi.measures.indicators.Indicator``: family, direction, colour, words by key).

    A new KPI is one entry of ``KPIS`` plus its words in ``kpi.text.vi.KPI_WORDS``: the
    overview, the matrix, the slides, the narrative, the pack and ``kpi summary`` read both."""

    key: str
    family: str  # dossier | satisfaction | feedback: which records it counts
    numerator: str  # SQL over the count columns
    denominator: str
    numerator_count: str  # the column that names what the numerator counts (for "cần thêm N …")
    # The count the denominator is a known part of (unknown is not "no"): coverage = denominator / this.
    coverage_of: str | None = None
    # A plan KPI: its place on the overview, the level matrix and the slides; None: not a plan KPI.
    plan_order: int | None = None
    in_summary: bool = True  # printed by `kpi summary` (--json keys and the table)
    direction: str = ">="  # higher is better; "<=" lower is
    maximum: float = 1.0
    target_kind: str = "rate"  # a plan target is a share, 0–100%
    color: str = "#000000"  # chart colour (Okabe-Ito, never a status colour)


KPIS: dict[str, KPI] = {
    k.key: k
    for k in (
        # TT 01/2020 report: (early + on time) / resolved.
        KPI(key="on_time_rate", numerator="resolved_early + resolved_on_time", denominator="resolved",
            family="dossier", numerator_count="resolved_in_time", plan_order=1, color="#000000"),
        # Decision 766 progress: (early + on time + in progress within deadline) / all dossiers
        # to handle in P (received in P + carried over = resolved + in progress).
        KPI(key="progress_rate_766", numerator="resolved_early + resolved_on_time + in_progress_within",
            denominator="resolved + in_progress", family="dossier", numerator_count="in_time_766", plan_order=2,
            color="#56B4E9"),
        # Over the rows whose flag is known: a file without the column, and Biểu 06 (which has
        # no digitization / e-result figures), stay out of numerator and denominator.
        KPI(key="digitization_rate", numerator="received_digitized", denominator="received_digitized_known",
            family="dossier", numerator_count="received_digitized", coverage_of="received", plan_order=3,
            color="#CC79A7"),
        KPI(key="e_result_rate", numerator="resolved_e_result", denominator="resolved_e_result_known",
            family="dossier", numerator_count="resolved_e_result", coverage_of="resolved", plan_order=4,
            color="#E69F00"),
        KPI(key="online_rate", numerator="received_online", denominator="received_channel_known",
            family="dossier", numerator_count="received_online", coverage_of="received", plan_order=5,
            color="#56B4E9"),
        KPI(key="satisfaction_rate", numerator="satisfied", denominator="rated", family="satisfaction",
            numerator_count="satisfied", plan_order=6, color="#CC79A7"),
        KPI(key="pakn_on_time_rate", numerator="pakn_on_time", denominator="pakn_handled", family="feedback",
            numerator_count="pakn_on_time", plan_order=7, color="#000000"),
        KPI(key="pakn_satisfaction_rate", numerator="pakn_satisfied", denominator="pakn_rated", family="feedback",
            numerator_count="pakn_satisfied", plan_order=8, color="#E69F00"),
    )
}

# Chart colours: Okabe-Ito (colour-blind safe) without the status colours of kpi.measures.verdict
# (a line is never read as "met"); one chart shows one KPI, so KPIs of different pages may share one.
# Lists of KPIs, read from the definitions at each use (``Selection``).
# The plan KPIs, in their order on the overview, the level matrix and the unit page.
PLAN_KPIS = Selection(KPIS, lambda k: k.plan_order is not None, lambda k: k.plan_order)
# The rates `kpi summary --json` prints, in its order.
SUMMARY_RATES = Selection(KPIS, lambda k: k.in_summary)
SUMMARY_COUNTS = (
    "received", "resolved", "resolved_early", "resolved_on_time", "resolved_overdue",
    "in_progress", "in_progress_overdue",
)

DOSSIER_COUNT_COLUMNS = (
    "received", "received_online", "received_direct", "received_postal", "received_digitized",
    "received_digitized_known", "received_channel_known", "resolved_e_result_known", "carried_over", "resolved", "resolved_early", "resolved_on_time", "resolved_overdue",
    "resolved_no_due", "resolved_e_result", "in_progress", "in_progress_within", "in_progress_overdue",
    "in_progress_no_due", "overdue_no_apology", "rated", "satisfied",
    "rated_very_satisfied", "rated_satisfied", "rated_neutral", "rated_dissatisfied",
)
FEEDBACK_COUNT_COLUMNS = (
    "pakn_received", "pakn_handled", "pakn_on_time", "pakn_overdue", "pakn_rated", "pakn_satisfied",
    "pakn_backlog", "pakn_backlog_overdue", "pakn_due_assumed",
)
SURVEY_COUNT_COLUMNS = ("survey_rated", "survey_satisfied", "survey_very_satisfied", "survey_satisfied_only", "survey_neutral", "survey_dissatisfied")

# Re-exported: callers ask metrics for the groupings it accepts.
GROUPS, TIME_GROUPS = grouping.GROUPS, grouping.TIME_GROUPS


def _time_select(group_by: tuple[str, ...]) -> list[str]:
    return ["p.pstart AS period_start", "p.pend AS period_end"] if grouping.is_timed(group_by) else []


def _date_sql(day: dt.date) -> str:
    # A datetime.date's ISO text is safe to inline.
    return f"DATE '{day.isoformat()}'"


def _counts_query(table_sql: str, table_params: list, count_exprs: str, period: Period, filters, scope, group_by,
                  available, live_when: str, flags: str | None = None,
                  data_date: dt.date | None = None) -> tuple[str, list]:
    """One counting query over the rows of ``table_sql`` that matter to each part of P.

    Without ``flags``: ``count_exprs`` aggregate the rows directly. With ``flags``
    (per-row categories such as "received in P", "early") the rows are first
    grouped by keys and flags, then ``count_exprs`` sum those small groups: two
    stages are several times faster on millions of rows than twenty filtered
    counts over every row. ``p.asof`` is each part's as_of: min(its end, ``data_date``).
    """
    where, wparams = where_clause(filters, scope, "d")
    timed = grouping.is_timed(group_by)
    selects, names = grouping.group_columns(group_by, available)
    keys = _time_select(group_by) + selects
    key_names = (["period_start", "period_end"] if timed else []) + names
    key_sql = (", ".join(keys) + ", ") if keys else ""
    group_sql = ("GROUP BY " + ", ".join(str(i + 1) for i in range(len(keys)))) if keys else ""
    if timed:
        periods_sql, pparams = grouping.periods_sql(period, group_by)
        as_of_sql = f"least(pend, {_date_sql(data_date)})" if data_date else "pend"
        with_sql = f"WITH p AS (SELECT pstart, pend, {as_of_sql} AS asof FROM ({periods_sql}))"
        from_sql = f"{table_sql} d JOIN p ON {live_when}"
    else:
        # One period: its dates are constants, so DuckDB filters instead of joining (3× faster).
        pparams, with_sql, from_sql = [], "", f"{table_sql} d"
        where = f"({live_when}) AND {where}"
    if flags is None:
        sql = f"""
            {with_sql}
            SELECT {key_sql}{count_exprs}
            FROM {from_sql}
            WHERE {where}
            {group_sql}
        """
    else:
        outer_keys = (", ".join(key_names) + ", ") if key_names else ""
        outer_group = ("GROUP BY " + ", ".join(key_names)) if key_names else ""
        sql = f"""
            {with_sql}{"," if with_sql else "WITH"} g AS (
                SELECT {key_sql}{flags}, count(*) AS n
                FROM {from_sql}
                WHERE {where}
                GROUP BY ALL
            )
            SELECT {outer_keys}{count_exprs}
            FROM g
            {outer_group}
        """
    if not timed:
        sql = (sql.replace("p.pstart", _date_sql(period.start)).replace("p.pend", _date_sql(period.end))
               .replace("p.asof", _date_sql(as_of(period, data_date))))
    return sql, pparams + table_params + wparams


# Per-row categories of a dossier for one part of P (the join already keeps only
# dossiers received by the end and not finished before the start).
DOSSIER_FLAGS = """
    d.received_date >= p.pstart AS in_p,
    coalesce(d.finished_date <= p.pend, FALSE) AS fin,
    sign(date_diff('day', d.due_date, d.finished_date)) AS vs_due,
    d.due_date IS NULL AS no_due,
    coalesce(d.due_date < p.asof, FALSE) AS due_passed,
    d.channel AS ch, d.digitized AS dig, d.e_result AS er, d.rating AS rt, d.apology AS ap
"""


def _dossier_count_sql(overdue_without_due: bool) -> str:
    # An open dossier without due date is overdue only when the setting says so.
    ip_overdue = "NOT fin AND (due_passed" + (" OR no_due)" if overdue_without_due else ")")

    def total(condition: str, name: str) -> str:
        return f"coalesce(sum(n) FILTER (WHERE {condition}), 0)::BIGINT AS {name}"

    return ",\n".join([
        total("in_p", "received"),
        total("in_p AND ch = 'online'", "received_online"),
        total("in_p AND ch = 'direct'", "received_direct"),
        total("in_p AND ch = 'postal'", "received_postal"),
        total("in_p AND dig", "received_digitized"),
        total("in_p AND dig IS NOT NULL", "received_digitized_known"),
        total("in_p AND ch IS NOT NULL", "received_channel_known"),
        total("NOT in_p", "carried_over"),
        total("fin", "resolved"),
        total("fin AND vs_due < 0", "resolved_early"),
        total("fin AND (vs_due = 0 OR no_due)", "resolved_on_time"),
        total("fin AND vs_due > 0", "resolved_overdue"),
        total("fin AND no_due", "resolved_no_due"),
        total("fin AND er", "resolved_e_result"),
        total("fin AND er IS NOT NULL", "resolved_e_result_known"),
        total("NOT fin", "in_progress"),
        total(f"NOT fin AND NOT ({ip_overdue})", "in_progress_within"),
        total(ip_overdue, "in_progress_overdue"),
        total("NOT fin AND no_due", "in_progress_no_due"),
        total(f"((fin AND vs_due > 0) OR ({ip_overdue})) AND ap = FALSE", "overdue_no_apology"),
        total("fin AND rt IS NOT NULL", "rated"),
        total("fin AND rt >= 3", "satisfied"),
        total("fin AND rt = 4", "rated_very_satisfied"),
        total("fin AND rt = 3", "rated_satisfied"),
        total("fin AND rt = 2", "rated_neutral"),
        total("fin AND rt = 1", "rated_dissatisfied"),
    ])


DOSSIER_AVAILABLE = {"level", "unit_id", "field", "procedure", "channel"}
FEEDBACK_AVAILABLE = {"level", "unit_id", "field"}
SURVEY_AVAILABLE = {"level", "unit_id"}


def dossier_counts(wh: Warehouse | None, period: Period, filters: Filters | None = None, scope: Scope | None = None,
                   group_by: tuple[str, ...] = (), con=None, source: str = "auto",
                   columns: tuple[str, ...] | None = None) -> pd.DataFrame:
    """Dossier counts (DOSSIER_COUNT_COLUMNS, or only ``columns`` of them: a group with none of those
    counted may then be left out) per period part and grouping.

    Counted by ``kpi.measures.precount``: from the pre-aggregated table when it is built and keeps
    the grouping (``source`` 'auto'), else from the dossier rows with the same definitions;
    ``source`` 'rows' / 'stored' forces one (tests compare them).
    """
    if con is None:
        with wh.read() as own:
            return dossier_counts(None, period, filters, scope, group_by, own, source, columns)
    where, wparams = where_clause(filters, scope, "d")
    stored = source == "stored" or (source == "auto" and precount.usable(con, tuple(group_by)))
    sql, params = precount.counts_query(
        stored=stored, period=period, parts=grouping.parts(period, group_by), group_by=tuple(group_by),
        where=where, wparams=wparams, data_date=_data_date(wh, con),
        # Withdrawn / cancelled dossiers are left out of every count (DOMAIN §4, assumed, configurable).
        left_out=bool(config.get("withdrawn_left_out")),
        # An open dossier without due date is overdue only when the setting says so.
        overdue_without_due=bool(config.get("no_due_in_progress_overdue")),
        withdrawn_statuses=[] if stored else schema.withdrawn_statuses(con),
        fine=precount.by_field_or_channel(tuple(group_by), bool(filters and filters.fields)),
        only=tuple(columns) if columns else None)
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
        count(*) FILTER (WHERE {backlog} AND d.due_date < p.asof) AS pakn_backlog_overdue,
        count(*) FILTER (WHERE {in_p_hdl} AND d.due_assumed) AS pakn_due_assumed
    """
    live = "d.received_date <= p.pend AND coalesce(d.handled_date, DATE '9999-12-31') >= p.pstart"
    # Only the PAKN that matter to P reach the per-part join (the same condition as ``live``, over all of P).
    prefilter = "(SELECT * FROM feedback WHERE received_date <= ?::DATE AND coalesce(handled_date, DATE '9999-12-31') >= ?::DATE)"
    sql, params = _counts_query(prefilter, [period.end, period.start], exprs, period, filters, scope, group_by,
                                FEEDBACK_AVAILABLE, live,
                                data_date=_data_date(wh, con))
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
    # Survey rows carry no field: NULL, so a field filter leaves them out instead of failing.
    # dossier_rated (kept at write time by kpi.warehouse.schema.refresh_derived) skips ratings already in the dossiers.
    table = "(SELECT s.*, NULL::VARCHAR AS field FROM surveys s WHERE NOT coalesce(s.dossier_rated, FALSE))"
    live = "d.rated_date BETWEEN p.pstart AND p.pend"
    sql, params = _counts_query(table, [], exprs, period, filters, scope, group_by, SURVEY_AVAILABLE, live)
    return _run(wh, con, sql, params)


def as_of(period: Period, data_date: dt.date | None) -> dt.date:
    """The day open dossiers of ``period`` are judged at: min(to, data date) (DOMAIN §4)."""
    return min(period.end, data_date) if data_date else period.end


def data_date(wh: Warehouse) -> dt.date | None:
    """The latest day any loaded record states as received, finished, handled or rated."""
    return _data_date(wh, None)


def _data_date(wh: Warehouse | None, con) -> dt.date | None:
    # Kept on every write (kpi.warehouse.schema.refresh_derived): a one-row lookup, not a scan.
    if con is not None:
        return schema.data_date(con)
    with wh.read() as own:
        return schema.data_date(own)


def _withdrawn(wh: Warehouse | None, con) -> list[str]:
    """Status texts whose dossiers no count includes: withdrawn / cancelled, when the setting says so."""
    if not config.get("withdrawn_left_out"):
        return []
    if con is not None:
        return schema.withdrawn_statuses(con)
    with wh.read() as own:
        return schema.withdrawn_statuses(own)


def forms_left_out(wh: Warehouse, period: Period, filters: Filters | None = None, scope: Scope | None = None) -> int:
    """Aggregated Biểu 06 forms this period leaves out because their own period is not inside it."""
    with wh.read() as con:
        return aggregates.forms_left_out(con, period, filters, scope)


def _run(wh: Warehouse | None, con, sql: str, params: list) -> pd.DataFrame:
    """Run on the caller's connection when given (one open for several queries), else open one."""
    if con is not None:
        return con.execute(sql, params).df()
    with wh.read() as own:
        return own.execute(sql, params).df()


def counts(wh: Warehouse | None, period: Period, filters: Filters | None = None, scope: Scope | None = None,
           group_by: tuple[str, ...] = (), con=None) -> pd.DataFrame:
    """All counts of every family, one row per group, zeros where a family has no rows (on ``con``
    when given: one connection for several reads)."""
    if con is not None:
        return _counts_on(con, period, filters, scope, tuple(group_by))
    with wh.read() as own:
        return _counts_on(own, period, filters, scope, tuple(group_by))


def _lineage(con, period: Period, filters: Filters | None, group_by: tuple[str, ...]) -> dict[str, str]:
    """The unit roll-up at the end of P, read only when the query groups or filters by unit."""
    if "unit" in group_by or (filters is not None and filters.unit_ids):
        return units.rollup_on(con, period.end)
    return {}


def _with_predecessors(filters: Filters | None, lineage: dict[str, str]) -> Filters | None:
    """Chosen units plus every unit that rolls up into one of them (a new commune's old communes)."""
    if filters is None or not filters.unit_ids or not lineage:
        return filters
    chosen = set(filters.unit_ids)
    merged = {unit for unit, current in lineage.items() if current in chosen}
    return replace(filters, unit_ids=tuple(sorted(chosen | merged)))


def _roll_up_units(frame: pd.DataFrame, lineage: dict[str, str]) -> pd.DataFrame:
    """Rows of ended units relabelled as the units that continue them (summed by ``_stack``)."""
    if not lineage or "unit_id" not in frame.columns:
        return frame
    return frame.assign(unit_id=frame["unit_id"].map(lineage).fillna(frame["unit_id"]))


def _stack(frames: list[tuple[pd.DataFrame, tuple[str, ...]]], keys: list[str], lineage: dict[str, str]) -> pd.DataFrame:
    """The families' counts side by side, one row per group, sorted by the keys: stacked as one
    integer block (a family with no row for a group counted nothing there) and summed in one
    group-by, ended units rolled up on the way. Cheaper than merging family by family."""
    columns = [c for _, cols in frames for c in cols]
    position = {c: i for i, c in enumerate(columns)}
    key_parts, blocks = [], []
    for frame, cols in frames:
        block = np.zeros((len(frame), len(columns)), dtype="int64")
        block[:, [position[c] for c in cols]] = frame[list(cols)].fillna(0).to_numpy(dtype="int64")
        blocks.append(block)
        key_parts.append(frame[keys])
    key_frame = _roll_up_units(pd.concat(key_parts, ignore_index=True), lineage)
    values = pd.DataFrame(np.vstack(blocks), columns=columns)
    return values.groupby([key_frame[k] for k in keys], dropna=False).sum().reset_index()


def _dossiers_on(con, period: Period, filters: Filters | None, scope: Scope | None, group_by: tuple[str, ...],
                 keys: list[str], columns: tuple[str, ...]) -> pd.DataFrame:
    """Dossier counts ``columns`` per group: units that only send Biểu 06 add their aggregated counts
    (kpi.measures.aggregates: no double counting)."""
    narrow = None if columns == DOSSIER_COUNT_COLUMNS else columns
    return aggregates.combine(
        dossier_counts(None, period, filters, scope, group_by, con, columns=narrow),
        aggregates.aggregate_counts(con, period, filters, scope, group_by, columns), keys, columns)


def dossier_totals(wh: Warehouse, period: Period, filters: Filters | None = None, scope: Scope | None = None,
                   group_by: tuple[str, ...] = (), columns: tuple[str, ...] = DOSSIER_COUNT_COLUMNS) -> pd.DataFrame:
    """Only ``columns`` of the dossier counts per group, as ``counts`` gives them (Biểu 06 forms added,
    ended units rolled up) and with ``AGG_COLUMNS``: a narrower read for a view that shows a few counts
    (the meeting's hot spots by procedure read dossier rows: 2 counts cost half of all 26)."""
    group_by = tuple(group_by)
    keys = grouping.key_columns(group_by)
    with wh.read() as con:
        lineage = _lineage(con, period, filters, group_by)
        dossiers = _dossiers_on(con, period, _with_predecessors(filters, lineage), scope, group_by, keys, tuple(columns))
    return _stack([(dossiers, tuple(columns) + aggregates.AGG_COLUMNS)], keys, lineage) if keys else dossiers


def _counts_on(con, period: Period, filters: Filters | None, scope: Scope | None, group_by: tuple[str, ...]) -> pd.DataFrame:
    keys = grouping.key_columns(group_by)
    lineage = _lineage(con, period, filters, group_by)
    filters = _with_predecessors(filters, lineage)
    dossiers = _dossiers_on(con, period, filters, scope, group_by, keys, DOSSIER_COUNT_COLUMNS)
    frames = [
        (dossiers, DOSSIER_COUNT_COLUMNS + aggregates.AGG_COLUMNS),
        (feedback_counts(None, period, filters, scope, group_by, con), FEEDBACK_COUNT_COLUMNS),
        (survey_counts(None, period, filters, scope, group_by, con), SURVEY_COUNT_COLUMNS),
    ]
    if not keys:
        row = {}
        for frame, columns in frames:
            for column in columns:
                row[column] = int(frame[column].iloc[0]) if len(frame) else 0
        out = pd.DataFrame([row])
    else:
        out = _stack(frames, keys, lineage)
    # Derived counts used by several KPIs.
    out["resolved_in_time"] = out["resolved_early"] + out["resolved_on_time"]
    out["in_time_766"] = out["resolved_in_time"] + out["in_progress_within"]
    out["rated"] = out["rated"] + out["survey_rated"]
    out["satisfied"] = out["satisfied"] + out["survey_satisfied"]
    return out


def _sum_columns(frame: pd.DataFrame, expression: str, arrays: dict | None = None) -> np.ndarray:
    """Evaluate 'a + b + c' over count columns (every KPI side is a sum of counts). ``arrays`` caches
    the columns as numpy arrays: selecting sub-frames costs more than the KPI query on small frames."""
    arrays = {} if arrays is None else arrays
    total = np.zeros(len(frame), dtype="int64")
    for name in (name.strip() for name in expression.strip("() ").split("+")):
        if name not in arrays:
            arrays[name] = frame[name].to_numpy(dtype="int64")
        total = total + arrays[name]
    return total


def add_rates(frame: pd.DataFrame) -> pd.DataFrame:
    """Adds one column per KPI in ``KPIS``: numerator / denominator, None when the denominator is 0.

    Also ``<kpi>__num`` and ``<kpi>__den``, and for a KPI over known flags ``<kpi>__all``
    (the rows it could cover; see ``coverage``). Built as one block and joined once:
    adding forty columns one by one costs more than the query on small frames.
    """
    columns, arrays = {}, {}
    for kpi in KPIS.values():
        num, den = _sum_columns(frame, kpi.numerator, arrays), _sum_columns(frame, kpi.denominator, arrays)
        with np.errstate(divide="ignore", invalid="ignore"):
            rate = num / den
        # object dtype: a missing rate stays None ("no data"), never NaN.
        columns[kpi.key] = pd.Series([float(r) if d > 0 else None for r, d in zip(rate, den)],
                                     index=frame.index, dtype="object")
        columns[f"{kpi.key}__num"] = num
        columns[f"{kpi.key}__den"] = den
        if kpi.coverage_of:
            columns[f"{kpi.key}__all"] = _sum_columns(frame, kpi.coverage_of, arrays)
    rates = pd.DataFrame(columns, index=frame.index)
    return pd.concat([frame.drop(columns=[c for c in columns if c in frame.columns]), rates], axis=1)


def coverage(row: dict, key: str) -> tuple[int, int] | None:
    """(rows with the flag known, rows the rate could cover) of one ``add_rates`` row; None for a
    KPI without coverage. E.g. digitization (8123, 10000): "tính trên 8.123 / 10.000 hồ sơ có dữ liệu"."""
    if not KPIS[key].coverage_of or f"{key}__all" not in row:
        return None
    return int(row[f"{key}__den"]), int(row[f"{key}__all"])


COVERAGE_RATES = Selection(KPIS, lambda k: k.coverage_of is not None)


def coverages(row: dict | None, keys=COVERAGE_RATES) -> dict[str, tuple[int, int]]:
    """{kpi: (known, total)} for those of ``keys`` that have a coverage (see ``coverage``)."""
    if not row:
        return {}
    return {key: coverage(row, key) for key in keys if key in COVERAGE_RATES and coverage(row, key)}


def _coverage_summary(row: dict) -> dict:
    return {key: dict(zip(("known", "total"), coverage(row, key))) for key in COVERAGE_RATES}


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
    (one pass over the data instead of two). ``as_of`` is the day open dossiers are
    judged at, ``data_date`` the latest day of the data (ISO text; None without data).
    """
    with wh.read() as con:
        latest = schema.data_date(con)
        level_counts = _counts_on(con, period, filters, scope, ("level",))
    return summary_of_counts(level_counts, period, latest)


def summary_of_counts(level_counts: pd.DataFrame, period: Period, latest: dt.date | None) -> dict:
    """``summary`` from counts grouped by level (``counts(…, group_by=("level",))``), e.g. several
    provinces' counts added up (kpi.lake.national); ``latest`` is the data date."""
    numbers = level_counts.drop(columns=["level"]).select_dtypes("number").astype("int64")
    # The levels and their total as rows of one frame: one add_rates call, one conversion to dicts.
    table = pd.concat([numbers, numbers.sum().to_frame().T], ignore_index=True)
    rows = add_rates(table).to_dict("records")
    total, by_level = rows[-1], dict(zip(level_counts["level"], rows[:-1]))
    levels, level_coverage = {}, {}
    for level in LEVELS:
        if level in by_level:
            levels[level] = _as_summary(by_level[level])
            level_coverage[level] = _coverage_summary(by_level[level])
        else:
            empty = {name: 0 for name in SUMMARY_COUNTS}
            empty.update({name: None for name in SUMMARY_RATES})
            levels[level] = empty
            level_coverage[level] = {key: {"known": 0, "total": 0} for key in COVERAGE_RATES}
    # coverage: per rate over known flags, how many of its rows say the flag ("known" of "total").
    return {"total": _as_summary(total), "levels": levels, "as_of": as_of(period, latest).isoformat(),
            "data_date": latest.isoformat() if latest else None,
            "coverage": {"total": _coverage_summary(total), "levels": level_coverage}}


# -- drill-down ---------------------------------------------------------------

DRILL_SETS = {
    "received": "d.received_date BETWEEN ? AND ?",
    "resolved": "d.finished_date BETWEEN ? AND ?",
    "resolved_overdue": "d.finished_date BETWEEN ? AND ? AND d.finished_date > d.due_date",
    "resolved_in_time": "d.finished_date BETWEEN ? AND ? AND (d.due_date IS NULL OR d.finished_date <= d.due_date)",
    # ?3: as_of, the day open dossiers are judged at (see ``as_of``).
    "in_progress": "d.received_date <= ?3 AND (d.finished_date IS NULL OR d.finished_date > ?3) AND ?1 IS NOT NULL",
    "in_progress_overdue": "d.received_date <= ?3 AND (d.finished_date IS NULL OR d.finished_date > ?3) AND d.due_date < ?3 AND ?1 IS NOT NULL",
    # Behind the QĐ 766 digitization and e-result points (kpi.measures.index766): a known "no", never unknown.
    "not_digitized": "d.received_date BETWEEN ? AND ? AND d.digitized = FALSE",
    "no_e_result": "d.finished_date BETWEEN ? AND ? AND d.e_result = FALSE",
    "no_due": "((d.finished_date BETWEEN ?1 AND ?2) OR (d.received_date <= ?2 AND (d.finished_date IS NULL OR d.finished_date > ?2))) AND d.due_date IS NULL",
}


def dossier_list(wh: Warehouse, period: Period, which: str = "resolved_overdue", filters: Filters | None = None,
                 scope: Scope | None = None, limit: int | None = 50_000) -> pd.DataFrame:
    """The dossiers behind a number: code, unit, field, procedure, dates, days late, channel."""
    if which not in DRILL_SETS:
        raise ValueError(f"Không có tập hồ sơ '{which}'")
    condition = DRILL_SETS[which].replace("?1", "$pstart").replace("?2", "$pend").replace("?3", "$asof")
    condition = condition.replace("BETWEEN ? AND ?", "BETWEEN $pstart AND $pend")
    # A chosen unit's list includes the units merged into it (as its counts do).
    filters = _with_predecessors(filters, units.rollup_on(wh, period.end) if filters and filters.unit_ids else {})
    where, wparams = where_clause(filters, scope, "d")
    # where_clause uses positional '?': rewrite to named parameters.
    named = {"pstart": period.start, "pend": period.end, "asof": as_of(period, data_date(wh))}
    left_out = _withdrawn(wh, None)
    if left_out:  # the dossiers behind a number are the ones it counts
        where += " AND NOT list_contains($withdrawn, coalesce(d.status, ''))"
        named["withdrawn"] = left_out
    for i, value in enumerate(wparams):
        where = where.replace("?", f"$w{i}", 1)
        named[f"w{i}"] = value
    limit_sql = f"LIMIT {int(limit)}" if limit else ""
    sql = f"""
        SELECT d.code, coalesce(u.name, d.unit_id) AS unit, d.level, d.field, d.procedure, d.channel,
               d.received_at, d.due_at, d.finished_at,
               CASE WHEN d.due_date IS NULL THEN NULL
                    ELSE greatest(0, date_diff('day', d.due_date, coalesce(d.finished_date, $asof))) END AS days_late,
               d.digitized, d.e_result, d.rating, d.apology, d.unit_id
        FROM dossiers d LEFT JOIN units u USING (unit_id)
        WHERE {condition} AND {where}
        ORDER BY days_late DESC NULLS LAST, d.received_at, d.code
        {limit_sql}
    """
    # DuckDB refuses named parameters the query does not use.
    named = {name: value for name, value in named.items() if f"${name}" in sql}
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
    with wh.read() as con:
        if precount.usable(con, ("field",)):  # the month rows of the counts, not every dossier
            sql = (f"SELECT field FROM {precount.TABLE} d WHERE grain = 'month' AND field IS NOT NULL AND {where} "
                   "GROUP BY field HAVING sum(received) > 0 ORDER BY field")
        else:
            sql = f"SELECT DISTINCT field FROM dossiers d WHERE field IS NOT NULL AND {where} ORDER BY field"
        return [r[0] for r in con.execute(sql, params).fetchall()]


def data_range(wh: Warehouse) -> tuple[dt.date | None, dt.date | None]:
    """First day with a dossier received and the data date (None, None without dossiers)."""
    with wh.read() as con:
        first = con.execute("SELECT min(received_date) FROM dossiers").fetchone()[0]
        return (first, schema.data_date(con)) if first else (None, None)

"""Data quality per unit: how complete each unit's loaded data is, worst first.

Five shares, each 0 (complete) … 1 (nothing usable), per unit in the scope:

- ``missing_column_share``: its dossiers that came from a file without a column for
  digitized / e-result / channel / rating (those rates are unknown for them);
- ``reject_share``: rows rejected for it / (rows rejected + dossiers loaded); a rejected
  row is attributed to a unit through the unit column of its own file (``column_map``);
- ``other_channel_share``: its dossiers whose channel text was none of online / direct /
  postal (loaded as 'other');
- ``months_without_share``: months of the data span (first to last received month in the
  scope) in which it received no dossier;
- ``no_due_share``: its dossiers without a due date.

``completeness`` = 1 − the mean of the shares it has (a unit with rejected rows only has
no dossier-based share: those are unknown, not 0). Every read goes through
``kpi.measures.filters.where_clause``; nothing here imports streamlit. The dossier figures come from
``kpi.measures.quality_counts`` (kept at write time), never from a scan of every dossier row.
"""
from __future__ import annotations

from dataclasses import asdict, dataclass

from kpi.warehouse.db import Warehouse
from kpi.measures import quality_counts
from kpi.measures.filters import Filters, Scope, where_clause
from kpi.text.normalize import fold, sort_key_vi

KEY_OPTIONAL = ("digitized", "e_result", "channel", "rating")  # optional columns a KPI rate stands on


@dataclass(frozen=True)
class UnitQuality:
    unit_id: str
    unit_name: str
    level: str
    dossiers: int
    from_incomplete_files: int          # dossiers from a file lacking a KEY_OPTIONAL column
    missing_columns: tuple[str, ...]    # those columns, over the unit's files
    rejected: int
    other_channel: int
    months_with_data: int
    months_without: int
    no_due: int
    shares: dict
    completeness: float


@dataclass(frozen=True)
class QualityReport:
    first_month: str | None             # 'YYYY-MM' of the scope's first received dossier
    last_month: str | None
    months: int                         # months in the span
    units: list[UnitQuality]            # worst first

    def as_json(self) -> dict:
        return {"first_month": self.first_month, "last_month": self.last_month, "months": self.months,
                "units": [{**asdict(u), "missing_columns": list(u.missing_columns)} for u in self.units]}


def _months_between(first: str, last: str) -> int:
    (y1, m1), (y2, m2) = (map(int, first.split("-")), map(int, last.split("-")))
    return (y2 - y1) * 12 + (m2 - m1) + 1


def _dossier_figures(con, where: str, params: list) -> dict[str, dict]:
    """Per unit: the dossier counts, the months with data, the optional columns its files lacked and its
    first / last received month; read from ``quality_counts`` (batches × units × fields × months rows)."""
    listed = ", ".join(f"'{n}'" for n in KEY_OPTIONAL)
    rows = con.execute(f"""
        WITH q AS (
            SELECT d.unit_id, d.batch_id, d.month, sum(d.dossiers) AS dossiers,
                   sum(d.other_channel) AS other_channel, sum(d.no_due) AS no_due
            FROM ({quality_counts.source_sql(con, where)}) d GROUP BY ALL HAVING sum(d.dossiers) > 0)
        SELECT q.unit_id, sum(q.dossiers) AS dossiers,
               coalesce(sum(q.dossiers) FILTER (WHERE list_has_any(string_split(coalesce(b.missing_columns, ''), ','),
                                                                   [{listed}])), 0) AS from_incomplete,
               sum(q.other_channel) AS other_channel, sum(q.no_due) AS no_due,
               count(DISTINCT q.month) AS months_with,
               list(DISTINCT b.missing_columns) FILTER (WHERE coalesce(b.missing_columns, '') <> '') AS missing,
               strftime(min(q.month), '%Y-%m') AS first_month, strftime(max(q.month), '%Y-%m') AS last_month
        FROM q LEFT JOIN load_batches b ON b.batch_id = q.batch_id
        GROUP BY q.unit_id""", params).fetchall()
    names = ("dossiers", "from_incomplete", "other_channel", "no_due", "months_with")
    figures = {}
    for unit_id, *counts, missing, first_month, last_month in rows:
        figure = dict(zip(names, map(int, counts)), first_month=first_month, last_month=last_month)
        lacked = {n for columns in missing or () for n in columns.split(",") if n in KEY_OPTIONAL}
        if lacked:
            figure["missing"] = lacked
        figures[unit_id] = figure
    return figures


def _span(figures: dict[str, dict]) -> tuple[str | None, str | None]:
    """First and last received month ('YYYY-MM') over the units' dossiers."""
    if not figures:
        return None, None
    return min(f["first_month"] for f in figures.values()), max(f["last_month"] for f in figures.values())


def _rejected_by_unit(con) -> dict[str, int]:
    """Rejected rows of active batches per unit, read from the unit column of each row's own file.

    Counted in SQL per (batch, unit text), so Python folds each distinct unit text once; the cost
    grows with the rejected rows (not with dossiers).
    """
    rows = con.execute("""
        WITH headers AS (
            SELECT batch_id, '$.' || to_json(json_extract_string(column_map, '$.unit_name'))::VARCHAR AS path
            FROM load_batches WHERE status = 'loaded' AND column_map IS NOT NULL
              AND json_extract_string(column_map, '$.unit_name') IS NOT NULL),
        named AS (
            SELECT r.batch_id, r.row_number, any_value(json_extract_string(r.row_json, h.path)) AS name
            FROM rejected_rows r JOIN headers h ON h.batch_id = r.batch_id GROUP BY r.batch_id, r.row_number)
        SELECT name, count(*) FROM named WHERE name IS NOT NULL GROUP BY name""").fetchall()
    if not rows:
        return {}
    keys = dict(con.execute("SELECT name_key, unit_id FROM units").fetchall())
    keys.update(con.execute("SELECT alias_key, unit_id FROM unit_aliases").fetchall())
    counts: dict[str, int] = {}
    for name, rejected in rows:
        unit_id = keys.get(fold(name))
        if unit_id is not None:
            counts[unit_id] = counts.get(unit_id, 0) + int(rejected)
    return counts


def _unit(unit_id, name, level, fig: dict, rejected: int, span_months: int) -> UnitQuality:
    dossiers = fig.get("dossiers", 0)
    months_with = fig.get("months_with", 0)
    months_without = max(span_months - months_with, 0)
    shares = {"reject_share": rejected / (rejected + dossiers) if rejected + dossiers else 0.0}
    if dossiers:
        shares.update(missing_column_share=fig["from_incomplete"] / dossiers,
                      other_channel_share=fig["other_channel"] / dossiers,
                      no_due_share=fig["no_due"] / dossiers)
    if span_months:
        shares["months_without_share"] = months_without / span_months
    completeness = 1 - sum(shares.values()) / len(shares)
    return UnitQuality(unit_id, name, level, dossiers, fig.get("from_incomplete", 0),
                       tuple(n for n in KEY_OPTIONAL if n in fig.get("missing", ())), rejected,
                       fig.get("other_channel", 0), months_with, months_without, fig.get("no_due", 0), shares,
                       completeness)


def unit_quality(wh: Warehouse, scope: Scope | None = None, filters: Filters | None = None) -> QualityReport:
    """Every unit in the scope (with dossiers or rejected rows), least complete first."""
    filters = filters or Filters()
    where, params = where_clause(filters, scope, "d")
    unit_where, unit_params = where_clause(Filters(level=filters.level, unit_ids=filters.unit_ids), scope, "u")
    with wh.read() as con:
        figures = _dossier_figures(con, where, params)
        rejected = _rejected_by_unit(con)
        units = con.execute(f"SELECT u.unit_id, u.name, u.level FROM units u WHERE {unit_where}",
                            unit_params).fetchall()
    first, last = _span(figures)
    span_months = _months_between(first, last) if first else 0
    shown = [_unit(uid, name, level, figures.get(uid, {}), rejected.get(uid, 0), span_months)
             for uid, name, level in units if uid in figures or rejected.get(uid)]
    shown.sort(key=lambda u: (u.completeness, sort_key_vi(u.unit_name)))
    return QualityReport(first, last, span_months, shown)

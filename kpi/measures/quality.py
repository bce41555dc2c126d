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
``kpi.measures.filters.where_clause``; nothing here imports streamlit.
"""
from __future__ import annotations

import json
from dataclasses import asdict, dataclass

from kpi.warehouse.db import Warehouse
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
    listed = ", ".join(f"'{n}'" for n in KEY_OPTIONAL)
    rows = con.execute(f"""
        SELECT d.unit_id, count(*) AS dossiers,
               count(*) FILTER (WHERE list_has_any(string_split(coalesce(b.missing_columns, ''), ','), [{listed}]))
                 AS from_incomplete,
               count(*) FILTER (WHERE d.channel = 'other') AS other_channel,
               count(*) FILTER (WHERE d.due_at IS NULL) AS no_due,
               count(DISTINCT strftime(d.received_date, '%Y-%m')) AS months_with
        FROM dossiers d LEFT JOIN load_batches b ON b.batch_id = d.batch_id
        WHERE {where} GROUP BY d.unit_id""", params).fetchall()
    names = ("dossiers", "from_incomplete", "other_channel", "no_due", "months_with")
    figures = {r[0]: dict(zip(names, map(int, r[1:]))) for r in rows}
    missing = con.execute(f"""
        SELECT DISTINCT d.unit_id, b.missing_columns FROM dossiers d JOIN load_batches b ON b.batch_id = d.batch_id
        WHERE {where} AND coalesce(b.missing_columns, '') <> ''""", params).fetchall()
    for unit_id, columns in missing:
        found = figures[unit_id].setdefault("missing", set())
        found.update(n for n in columns.split(",") if n in KEY_OPTIONAL)
    return figures


def _span(con, where: str, params: list) -> tuple[str | None, str | None]:
    first, last = con.execute(f"SELECT strftime(min(d.received_date), '%Y-%m'), strftime(max(d.received_date), '%Y-%m') "
                              f"FROM dossiers d WHERE {where}", params).fetchall()[0]
    return first, last


def _rejected_by_unit(con) -> dict[str, int]:
    """Rejected rows of active batches per unit, read from the unit column of each row's own file."""
    rows = con.execute("""
        SELECT r.batch_id, r.row_number, any_value(r.row_json), any_value(b.column_map)
        FROM rejected_rows r JOIN load_batches b ON b.batch_id = r.batch_id
        WHERE b.status = 'loaded' AND b.column_map IS NOT NULL GROUP BY r.batch_id, r.row_number""").fetchall()
    if not rows:
        return {}
    keys = dict(con.execute("SELECT name_key, unit_id FROM units").fetchall())
    keys.update(con.execute("SELECT alias_key, unit_id FROM unit_aliases").fetchall())
    counts: dict[str, int] = {}
    for _batch, _row, row_json, column_map in rows:
        header = json.loads(column_map or "{}").get("unit_name")
        name = json.loads(row_json or "{}").get(header) if header else None
        unit_id = keys.get(fold(str(name))) if name is not None else None
        if unit_id is not None:
            counts[unit_id] = counts.get(unit_id, 0) + 1
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
        first, last = _span(con, where, params)
        rejected = _rejected_by_unit(con)
        units = con.execute(f"SELECT u.unit_id, u.name, u.level FROM units u WHERE {unit_where}",
                            unit_params).fetchall()
    span_months = _months_between(first, last) if first else 0
    shown = [_unit(uid, name, level, figures.get(uid, {}), rejected.get(uid, 0), span_months)
             for uid, name, level in units if uid in figures or rejected.get(uid)]
    shown.sort(key=lambda u: (u.completeness, sort_key_vi(u.unit_name)))
    return QualityReport(first, last, span_months, shown)

"""QĐ 766 figures that come from outside our dossier data: the portal's published scores
(imported by ``etl.portal766``) and the publication figures an admin enters by hand.

Both live in ``portal_scores`` (schema migration 8), one row per unit, group and
sub-indicator of one period. What counts for a period is, per (unit, group, metric),
the portal's row over a manual one, then the newest batch / entry; rows of an undone
load batch never count. The index engine (``kpi.measures.index766``) lets these win
over its simulation.
"""
from __future__ import annotations

import datetime as dt

import pandas as pd

from kpi.measures.periods import Period
from kpi.warehouse import audit
from kpi.warehouse.db import Warehouse

PROVINCE_TYPE = "ADMINISTRATIVE_UNIT"
TOTAL = "TOTAL"  # grp of the row that holds a unit's total score
COLUMNS = ("period_from", "period_to", "unit_id", "unit_type", "unit_name", "unit_code", "grp", "metric", "score",
           "max_score", "numerator", "denominator", "ratio", "quality_status", "quality_message", "source",
           "batch_id")

_IN_FORCE_SQL = f"""
    SELECT {", ".join(COLUMNS)} FROM (
        SELECT s.*, row_number() OVER (
            PARTITION BY coalesce(s.unit_id, '#' || coalesce(s.unit_name, '')), s.unit_type = '{PROVINCE_TYPE}',
                         s.grp, coalesce(s.metric, '')
            ORDER BY (coalesce(s.source, 'portal') = 'portal') DESC, coalesce(s.batch_id, 0) DESC,
                     s.created_at DESC NULLS LAST) AS newest
        FROM portal_scores s LEFT JOIN load_batches b USING (batch_id)
        WHERE s.period_from = ? AND s.period_to = ? AND (s.batch_id IS NULL OR b.status = 'loaded'))
    WHERE newest = 1
"""


def in_force(wh_or_con, period: Period) -> pd.DataFrame:
    """The published / entered rows of exactly ``period`` that count (see the module docstring)."""
    params = [period.start, period.end]
    if isinstance(wh_or_con, Warehouse):
        return wh_or_con.query_df(_IN_FORCE_SQL, params)
    return wh_or_con.execute(_IN_FORCE_SQL, params).df()


def periods_published(wh: Warehouse) -> list[tuple[dt.date, dt.date]]:
    """Every (from, to) the portal published a province total for, oldest first (the trend's points)."""
    rows = wh.query(
        f"""SELECT DISTINCT s.period_from, s.period_to FROM portal_scores s LEFT JOIN load_batches b USING (batch_id)
            WHERE s.grp = '{TOTAL}' AND s.unit_type = '{PROVINCE_TYPE}' AND s.metric IS NULL
              AND (s.batch_id IS NULL OR b.status = 'loaded') ORDER BY 1, 2""")
    return [(r[0], r[1]) for r in rows]


def save_entry(wh: Warehouse, period: Period, metric: str, group: str, numerator: float, denominator: float, *,
               unit_id: str | None = None, user: str | None = None) -> None:
    """An admin's entry of a publication figure (CKMB: TTHC published / updated on time, full content,
    dossiers synced) for the province (``unit_id`` None) or one unit: numerator of denominator."""
    if denominator <= 0 or numerator < 0 or numerator > denominator:
        raise ValueError("Số liệu không hợp lệ: cần 0 ≤ tử số ≤ mẫu số và mẫu số > 0.")
    unit_type = PROVINCE_TYPE if unit_id is None else None
    with wh.write() as con:
        con.execute(
            """INSERT INTO portal_scores (period_from, period_to, unit_id, unit_type, grp, metric, numerator, denominator,
                   ratio, source, created_by, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 'manual', ?, ?)""",
            [period.start, period.end, unit_id, unit_type, group, metric, numerator, denominator,
             numerator / denominator, user, dt.datetime.now()])
        audit.record(con, user, "index_entry", metric, {"period": [str(period.start), str(period.end)],
                                                        "unit_id": unit_id, "numerator": numerator,
                                                        "denominator": denominator})

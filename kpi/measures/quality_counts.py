"""Data-quality counts kept pre-aggregated (table ``quality_counts``), read by ``kpi.measures.quality``.

Belongs here: what each dossier adds to the table (``rows_sql``: per load batch, unit, level,
field and month of reception, the dossiers, those with channel 'other' and those without due
date), its upkeep (``apply_change`` inside every load and undo, ``rebuild``) and the source the
report reads (``source_sql``: the table when built, else the same aggregate over dossier rows).
One definition, two FROMs, as ``kpi.measures.precount`` does for the KPI counts: the report's
cost grows with batches × units × fields × months, not with dossiers.

Loads and undos append signed change rows (a replaced dossier adds −1 of its old version, under
its old batch); the sum over any key is the exact number of dossiers. Keyed by batch because a
batch's file tells which optional columns were missing (``load_batches.missing_columns``).
"""
from __future__ import annotations

from kpi.warehouse import schema

TABLE = "quality_counts"
STATE = "quality_counts_state"   # meta key: 'built' when the table matches the dossiers, else 'stale'
KEYS = ("batch_id", "unit_id", "level", "field", "month")
MEASURES = ("dossiers", "other_channel", "no_due")


def rows_sql(source_sql: str) -> str:
    """The table's rows for ``source_sql`` (dossier rows, alias d inside, with a ``_sign`` of 1 or −1)."""
    return f"""
        SELECT d.batch_id, d.unit_id, d.level, d.field, date_trunc('month', d.received_date)::DATE AS month,
               sum(d._sign)::BIGINT AS dossiers,
               coalesce(sum(d._sign) FILTER (WHERE d.channel = 'other'), 0)::BIGINT AS other_channel,
               coalesce(sum(d._sign) FILTER (WHERE d.due_at IS NULL), 0)::BIGINT AS no_due
        FROM ({source_sql}) d GROUP BY ALL
        HAVING sum(d._sign) <> 0 OR sum(d._sign) FILTER (WHERE d.channel = 'other') <> 0
            OR sum(d._sign) FILTER (WHERE d.due_at IS NULL) <> 0"""


def batch_change_sql(batch_id: int, *, undo: bool) -> str:
    """Dossier rows a load batch wrote (+1) and the versions it replaced (−1); the reverse for its undo."""
    sign = -1 if undo else 1
    columns = "batch_id, unit_id, level, field, received_date, channel, due_at"
    return (f"SELECT {columns}, {sign} AS _sign FROM dossiers WHERE batch_id = {int(batch_id)} UNION ALL "
            f"SELECT {columns}, {-sign} AS _sign FROM dossiers_replaced WHERE replaced_by = {int(batch_id)}")


def apply_change(con, batch_id: int, *, undo: bool) -> None:
    """One aggregate INSERT of a batch's change rows; called inside the writer's transaction (loads: after
    the rows are written; undos: before they go), so the counts commit with the rows."""
    con.execute(f"INSERT INTO {TABLE} BY NAME {rows_sql(batch_change_sql(batch_id, undo=undo))}")


def rebuild(con) -> int:
    """Recompute the whole table from the dossier rows (recovery, compaction); returns its row count."""
    con.execute(f"DELETE FROM {TABLE}")
    con.execute(f"INSERT INTO {TABLE} BY NAME {rows_sql('SELECT *, 1 AS _sign FROM dossiers')} ORDER BY month")
    schema.set_counts_state(con, "built", STATE)
    return int(con.execute(f"SELECT count(*) FROM {TABLE}").fetchone()[0])


def usable(con) -> bool:
    return schema.counts_state(con, STATE) == "built"


def source_sql(con, where: str) -> str:
    """Rows shaped as the table (alias d), restricted by ``where`` (over d.level / d.unit_id / d.field):
    the table when it is built, else the same aggregate computed from the dossier rows."""
    if usable(con):
        return f"SELECT * FROM {TABLE} d WHERE {where}"
    return rows_sql(f"SELECT *, 1 AS _sign FROM dossiers d WHERE {where}")

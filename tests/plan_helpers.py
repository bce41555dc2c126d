"""Plan rows for the tracking and alert tests: tasks as kpi.plan's import leaves them in ``plan_tasks``.

Until kpi.plan's migration is on main the table is created here with the columns these tests use
(``IF NOT EXISTS``: with the migration applied this is a no-op and the real table is used).
"""
from __future__ import annotations

import datetime as dt

from kpi.warehouse.db import Warehouse

PLAN_TASKS_SQL = """
    CREATE SEQUENCE IF NOT EXISTS plan_task_seq START 1;
    CREATE TABLE IF NOT EXISTS plan_tasks (
      task_id BIGINT PRIMARY KEY DEFAULT nextval('plan_task_seq'),
      doc_id BIGINT NOT NULL, year INTEGER, position INTEGER NOT NULL, number VARCHAR, objective VARCHAR,
      task VARCHAR, product VARCHAR, lead VARCHAR, lead_unit_id VARCHAR, partner VARCHAR,
      deadline_text VARCHAR, deadline_kind VARCHAR, deadline_from DATE, deadline_to DATE,
      status VARCHAR NOT NULL DEFAULT 'proposed')
"""


def add_task(wh: Warehouse, number: str, task: str | None, lead: str, lead_unit_id: str | None,
             deadline_to: dt.date | None, *, objective: str = "1. Nâng cao chất lượng giải quyết TTHC",
             deadline_text: str | None = None, status: str = "confirmed", position: int | None = None) -> int:
    with wh.write() as con:
        con.execute(PLAN_TASKS_SQL)
        position = position if position is not None else con.execute(
            "SELECT count(*) + 1 FROM plan_tasks").fetchone()[0]
        return con.execute(
            "INSERT INTO plan_tasks (doc_id, year, position, number, objective, task, lead, lead_unit_id,"
            " deadline_text, deadline_from, deadline_to, status) VALUES (1, 2024, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
            " RETURNING task_id",
            [position, number, objective, task, lead, lead_unit_id,
             deadline_text or (f"Trước ngày {deadline_to:%d/%m/%Y}" if deadline_to else "Thường xuyên"),
             None, deadline_to, status]).fetchone()[0]


def add_manual_target(wh: Warehouse, key: str, threshold: float | None, year: int = 2024, *, level: str = "province",
                      reference: str = "Kế hoạch 170/KH-UBND", section: str = "I.2") -> None:
    """A confirmed non-data target, as kpi.plan's confirmation leaves it."""
    with wh.write() as con:
        doc = con.execute("SELECT doc_id FROM plan_documents WHERE reference = ? AND year = ?", [reference, year]).fetchone()
        doc_id = doc[0] if doc else con.execute(
            "INSERT INTO plan_documents (year, file_name, sha256, reference, status) VALUES (?, 'kh.docx', 'ab', ?,"
            " 'confirmed') RETURNING doc_id", [year, reference]).fetchone()[0]
        con.execute("INSERT INTO plan_manual_targets (doc_id, year, key, label, level, threshold, section, quote,"
                    " status) VALUES (?, ?, ?, ?, ?, ?, ?, 'trích dẫn', 'confirmed')",
                    [doc_id, year, key, key, level, threshold, section])

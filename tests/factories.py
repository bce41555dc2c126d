"""Hand-made warehouse rows for tests: each KPI test states its dossiers explicitly."""
from __future__ import annotations

import datetime as dt

from kpi.warehouse.db import Warehouse
from kpi.measures import precount
from kpi.measures.levels import infer_level, unit_id_for
from kpi.text.normalize import fold

UNITS = {
    "Sở Tư pháp": None,
    "UBND huyện Nhơn Trạch": None,
    "UBND xã Phú Hữu": "UBND huyện Nhơn Trạch",
    "UBND xã Phước An": None,
}


def ts(text: str) -> dt.datetime:
    """'31/01/2024 23:59' or '31/01/2024' → datetime (day first)."""
    fmt = "%d/%m/%Y %H:%M" if " " in text else "%d/%m/%Y"
    return dt.datetime.strptime(text, fmt)


def add_units(wh: Warehouse, names=UNITS) -> None:
    with wh.write() as con:
        for name, parent in names.items():
            con.execute(
                "INSERT OR IGNORE INTO units (unit_id, name, name_key, level, parent_id) VALUES (?, ?, ?, ?, ?)",
                [unit_id_for(name), name, fold(name), infer_level(name), unit_id_for(parent) if parent else None],
            )


def dossier(code, unit="Sở Tư pháp", received="01/03/2024 08:00", due=None, finished=None, *, field="Hộ tịch",
            procedure="Đăng ký khai sinh", channel="direct", digitized=False, e_result=False, rating=None,
            apology=None, level=None):
    return {
        "code": code, "unit_id": unit_id_for(unit), "level": level or infer_level(unit), "field": field,
        "procedure": procedure, "channel": channel, "received_at": ts(received),
        "due_at": ts(due) if due else None, "finished_at": ts(finished) if finished else None,
        "digitized": digitized, "e_result": e_result, "rating": rating, "apology": apology,
    }


def add_dossiers(wh: Warehouse, rows: list[dict]) -> None:
    add_units(wh)
    with wh.write() as con:
        for r in rows:
            con.execute(
                """INSERT INTO dossiers (code, unit_id, level, field, procedure, channel, received_at, due_at, finished_at,
                   received_date, due_date, finished_date, digitized, e_result, rating, apology, batch_id)
                   VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 0)""",
                [r["code"], r["unit_id"], r["level"], r["field"], r["procedure"], r["channel"], r["received_at"],
                 r["due_at"], r["finished_at"], r["received_at"].date(),
                 r["due_at"].date() if r["due_at"] else None, r["finished_at"].date() if r["finished_at"] else None,
                 r["digitized"], r["e_result"], r["rating"], r["apology"]],
            )
        precount.rebuild(con)  # as a load keeps the pre-aggregated counts, in the same transaction


def feedback(code, unit="Sở Tư pháp", received="01/03/2024", due="22/03/2024", handled=None, rating=None, due_assumed=False):
    return {"code": code, "unit_id": unit_id_for(unit), "level": infer_level(unit), "received_at": ts(received),
            "due_at": ts(due), "handled_at": ts(handled) if handled else None, "rating": rating, "due_assumed": due_assumed}


def add_feedback(wh: Warehouse, rows: list[dict]) -> None:
    add_units(wh)
    with wh.write() as con:
        for r in rows:
            con.execute(
                """INSERT INTO feedback (code, unit_id, level, received_at, due_at, handled_at, received_date, due_date,
                   handled_date, due_assumed, rating, batch_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 0)""",
                [r["code"], r["unit_id"], r["level"], r["received_at"], r["due_at"], r["handled_at"],
                 r["received_at"].date(), r["due_at"].date(), r["handled_at"].date() if r["handled_at"] else None,
                 r["due_assumed"], r["rating"]],
            )


def add_survey(wh: Warehouse, code, unit, rated, rating, dossier_code=None) -> None:
    add_units(wh)
    with wh.write() as con:
        con.execute("INSERT INTO surveys (code, dossier_code, unit_id, level, rated_date, rating, batch_id) VALUES (?, ?, ?, ?, ?, ?, 0)",
                    [code, dossier_code, unit_id_for(unit), infer_level(unit), ts(rated).date(), rating])

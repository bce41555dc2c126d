"""Plan proposals in the warehouse, and their confirmation.

``import_plan`` reads a file and, unless it is a dry run, stores the proposal (document, targets,
manual targets, tasks; status ``proposed``), audited ``plan.import``. ``confirm`` takes the reviewed
(edited) rows: each data target becomes a **new version** of ``targets`` for the plan's year — the
previous version stays, marked superseded, and the year's inherited targets are copied in first
(``kpi.measures.targets``), so confirming never silently overwrites nor loses a target — with a
source that cites the document and section ("KH 170/KH-VP ngày 18/01/2024, mục I.1.f") and
``plan_doc_id``. Manual targets and tasks are stored as reviewed; a manual target of the same year
and key from an earlier confirmed plan is marked ``superseded``. All of it in one transaction,
audited ``plan.confirm``.
"""
from __future__ import annotations

import hashlib
from dataclasses import dataclass

import pandas as pd

from kpi.measures import targets as targets_mod
from kpi.plan.deadlines import parse_deadline
from kpi.plan.parser import LEVELS, Proposal, propose
from kpi.plan.readers import read_plan
from kpi.text import plan as plan_text
from kpi.warehouse import audit
from kpi.warehouse.db import Warehouse

TASK_COLUMNS = ("number", "objective", "task", "product", "lead", "lead_unit_id", "partner", "deadline_text",
                "deadline_kind", "deadline_from", "deadline_to")


def citation(reference: str | None, file_name: str, section: str | None) -> str:
    """ "KH 170/KH-VP ngày 18/01/2024, mục I.1.f" — the document, then where in it."""
    where = ""
    if section:
        body = section.split(".")[0] in {"I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X"}
        where = ", " + (plan_text.SECTION_BODY if body else plan_text.SECTION_TASK).format(section=section)
    return f"{reference or file_name}{where}"


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def import_plan(wh: Warehouse | None, data: bytes, file_name: str, *, year: int | None = None,
                user: str | None = None, dry_run: bool = False) -> tuple[Proposal, int | None]:
    """Read and propose; store the proposal unless ``dry_run``. Returns (proposal, document id or None)."""
    proposal = propose(read_plan(data, file_name), year)
    if dry_run or wh is None:
        return proposal, None
    return proposal, save_proposal(wh, proposal, file_name, sha256(data), user)


def save_proposal(wh: Warehouse, proposal: Proposal, file_name: str, digest: str, user: str | None) -> int:
    """Store a proposal; the same file for the same year still waiting for review is not stored twice."""
    with wh.write(bump_version=False) as con:
        waiting = con.execute("SELECT doc_id FROM plan_documents WHERE sha256 = ? AND year = ? AND status = 'proposed'",
                              [digest, proposal.year]).fetchone()
        if waiting:
            return waiting[0]
        doc_id = con.execute(
            "INSERT INTO plan_documents (year, file_name, sha256, reference, imported_by) VALUES (?, ?, ?, ?, ?)"
            " RETURNING doc_id", [proposal.year, file_name, digest, proposal.reference, user]).fetchone()[0]
        _insert_rows(con, doc_id, proposal.year, [t.__dict__ for t in proposal.targets],
                     [m.__dict__ for m in proposal.manual_targets],
                     [_lead_resolved(con, t.__dict__) for t in proposal.tasks], "proposed")
        for position, (section, sentence) in enumerate(proposal.unmatched, start=1):
            con.execute("INSERT INTO plan_unmatched VALUES (?, ?, ?, ?)", [doc_id, position, section, sentence])
        audit.record(con, user, "plan.import", file_name, {
            "doc_id": doc_id, "year": proposal.year, "sha256": digest, "targets": len(proposal.targets),
            "manual_targets": len(proposal.manual_targets), "tasks": len(proposal.tasks)})
    return doc_id


def _lead_resolved(con, task: dict) -> dict:
    """The task with ``lead_unit_id`` when the lead agency's name is a unit of the registry (exact or alias)."""
    from kpi.text.normalize import fold

    key = fold(task.get("lead") or "")
    row = con.execute(
        "SELECT unit_id FROM (SELECT unit_id, 1 AS r FROM unit_aliases WHERE alias_key = ?"
        " UNION ALL SELECT unit_id, 2 FROM units WHERE name_key = ?) ORDER BY r LIMIT 1", [key, key]).fetchone() \
        if key else None
    return {**task, "lead_unit_id": task.get("lead_unit_id") or (row[0] if row else None)}


def _insert_rows(con, doc_id: int, year: int, targets: list[dict], manual: list[dict], tasks: list[dict],
                 status: str) -> None:
    for t in targets:
        con.execute("INSERT INTO plan_targets (doc_id, year, indicator, level, threshold, direction, section, quote,"
                    " status) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    [doc_id, year, t["indicator"], _level_db(t["level"]), float(t["threshold"]),
                     t.get("direction") or ">=", t.get("section"), t.get("quote"), status])
    for m in manual:
        con.execute("INSERT INTO plan_manual_targets (doc_id, year, key, label, level, threshold, direction, section,"
                    " quote, status) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    [doc_id, year, m["key"], m["label"], _level_db(m.get("level")),
                     None if m.get("threshold") is None else float(m["threshold"]), m.get("direction") or ">=",
                     m.get("section"), m.get("quote"), status])
    for position, t in enumerate(tasks, start=1):
        con.execute(f"INSERT INTO plan_tasks (doc_id, year, position, status, {', '.join(TASK_COLUMNS)})"
                    f" VALUES (?, ?, ?, ?, {', '.join('?' for _ in TASK_COLUMNS)})",
                    [doc_id, year, position, status] + [_blank_none(t.get(c)) for c in TASK_COLUMNS])


def _deadline_read(task: dict, year: int) -> dict:
    """The task with its deadline kind and dates read again from its (possibly edited) text."""
    deadline = parse_deadline(_blank_none(task.get("deadline_text")), year)
    return {**task, "deadline_text": deadline.text or None, "deadline_kind": deadline.kind,
            "deadline_from": deadline.start, "deadline_to": deadline.end}


def _level_db(level: str | None) -> str | None:
    """Levels as the targets table keeps them: NULL for all levels."""
    if level in (None, "", "all"):
        return None
    if level not in LEVELS:
        raise ValueError(f"Cấp '{level}' không hợp lệ")
    return level


def _blank_none(value):
    if value is None or (isinstance(value, float) and pd.isna(value)) or value is pd.NaT:
        return None
    if isinstance(value, str) and not value.strip():
        return None
    return value


# -- reading ---------------------------------------------------------------------------
@dataclass(frozen=True)
class StoredPlan:
    doc: dict
    targets: pd.DataFrame
    manual_targets: pd.DataFrame
    tasks: pd.DataFrame
    unmatched: pd.DataFrame  # section, sentence: a percentage no rule reads, for the reviewer to judge


def documents(wh: Warehouse) -> pd.DataFrame:
    return wh.query_df("SELECT doc_id, year, file_name, reference, status, imported_by, imported_at, confirmed_by,"
                       " confirmed_at FROM plan_documents ORDER BY doc_id DESC")


def load(wh: Warehouse, doc_id: int) -> StoredPlan:
    with wh.read() as con:
        doc = con.execute("SELECT * FROM plan_documents WHERE doc_id = ?", [doc_id]).df()
        if doc.empty:
            raise ValueError(f"Không có văn bản kế hoạch #{doc_id}")
        frames = [con.execute(f"SELECT * FROM {table} WHERE doc_id = ? ORDER BY {order}", [doc_id]).df()
                  for table, order in (("plan_targets", "plan_target_id"),
                                       ("plan_manual_targets", "manual_target_id"), ("plan_tasks", "position"),
                                       ("plan_unmatched", "position"))]
    frames[0]["level"] = frames[0]["level"].fillna("all")
    frames[1]["level"] = frames[1]["level"].fillna("all")
    return StoredPlan(doc.iloc[0].to_dict(), *frames)


# -- confirming ---------------------------------------------------------------------------
@dataclass(frozen=True)
class Confirmed:
    doc_id: int
    year: int
    new_versions: int
    unchanged: int
    manual_targets: int
    tasks: int


def confirm(wh: Warehouse, doc_id: int, targets: list[dict], manual_targets: list[dict], tasks: list[dict],
            user: str | None) -> Confirmed:
    """Adopt the reviewed proposal (module doc). ``targets`` rows: indicator, level, threshold, section, quote."""
    for t in targets:
        targets_mod.validate(t["indicator"], float(t["threshold"]), t.get("direction") or ">=")
    with wh.write() as con:
        doc = con.execute("SELECT year, file_name, reference, status FROM plan_documents WHERE doc_id = ?",
                          [doc_id]).fetchone()
        if doc is None:
            raise ValueError(f"Không có văn bản kế hoạch #{doc_id}")
        year, file_name, reference, status = doc
        if status != "proposed":
            raise ValueError(f"Văn bản kế hoạch #{doc_id} đã được xác nhận")
        for table in ("plan_targets", "plan_manual_targets", "plan_tasks"):
            con.execute(f"DELETE FROM {table} WHERE doc_id = ?", [doc_id])
        tasks = [_lead_resolved(con, _deadline_read(t, int(year))) for t in tasks]
        _insert_rows(con, doc_id, year, targets, manual_targets, tasks, "confirmed")
        targets_mod.copy_inherited(con, int(year), user)
        new, same = 0, 0
        for t in targets:
            source = citation(reference, file_name, t.get("section"))
            target_id = _new_version(con, int(year), t, source, doc_id, user)
            new, same = (new + 1, same) if target_id else (new, same + 1)
            if target_id:
                con.execute("UPDATE plan_targets SET target_id = ? WHERE doc_id = ? AND indicator = ?"
                            " AND level IS NOT DISTINCT FROM ?", [target_id, doc_id, t["indicator"],
                                                                  _level_db(t["level"])])
        con.execute("UPDATE plan_manual_targets SET status = 'superseded' WHERE year = ? AND status = 'confirmed'"
                    " AND doc_id <> ? AND key IN (SELECT key FROM plan_manual_targets WHERE doc_id = ?)",
                    [year, doc_id, doc_id])
        con.execute("UPDATE plan_documents SET status = 'confirmed', confirmed_by = ?, confirmed_at = current_timestamp"
                    " WHERE doc_id = ?", [user, doc_id])
        con.execute("UPDATE plan_targets SET reviewed_by = ?, reviewed_at = current_timestamp WHERE doc_id = ?",
                    [user, doc_id])
        result = Confirmed(doc_id, int(year), new, same, len(manual_targets), len(tasks))
        audit.record(con, user, "plan.confirm", file_name, {**result.__dict__, "reference": reference})
    return result


def _new_version(con, year: int, t: dict, source: str, doc_id: int, user: str | None) -> int | None:
    """A new version of one target, the previous one superseded; None when the current one already says the same."""
    key = [year, t["indicator"], _level_db(t["level"]), None]
    key_sql = targets_mod.KEY_SQL
    current = con.execute(f"SELECT threshold, direction, source FROM targets WHERE {key_sql} AND superseded_at IS NULL",
                          key).fetchone()
    direction = t.get("direction") or ">="
    if current and abs(current[0] - float(t["threshold"])) < 1e-9 and current[1] == direction and current[2] == source:
        return None
    version = con.execute(f"SELECT coalesce(max(version), 0) FROM targets WHERE {key_sql}", key).fetchone()[0]
    con.execute(f"UPDATE targets SET superseded_at = current_timestamp WHERE {key_sql} AND superseded_at IS NULL", key)
    return con.execute(
        "INSERT INTO targets (year, indicator, level, unit_id, threshold, direction, source, version, created_by,"
        " plan_doc_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING target_id",
        key + [float(t["threshold"]), direction, source, version + 1, user, doc_id]).fetchone()[0]

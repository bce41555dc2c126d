"""Progress of the plan's tasks (issue 15 item 2).

The tasks themselves are the appendix rows ``kpi.plan`` imported into ``plan_tasks`` (number, objective,
task, product, lead agency and its unit, deadline text and dates). Their progress is ours: each update
is a row of ``plan_task_updates`` (status, evidence, note, who, when) and a task's state is its latest
update; nothing is overwritten, so the history of a task is its updates.

Status is one of ``not_started`` / ``in_progress`` / ``done``; "quá hạn" (``overdue``) is never stored:
it is derived from the deadline and today — a task not done whose last deadline day is before today.
A task whose deadline has no date ("Thường xuyên", "Hàng tháng") is never overdue.

Lead agencies see and update only their own tasks: the lead's unit goes through the same ``Scope`` and
``where_clause`` as data rows (a task whose lead is no registered unit is visible to province scopes
only), updating needs the ``update_tasks`` permission, and every update is audited (``task.update``).
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from kpi import config
from kpi.access import permissions
from kpi.access.permissions import AuthError, User
from kpi.measures.filters import Scope, where_clause
from kpi.warehouse import audit
from kpi.warehouse.db import Warehouse

NOT_STARTED, IN_PROGRESS, DONE, OVERDUE = "not_started", "in_progress", "done", "overdue"
STATUSES = (NOT_STARTED, IN_PROGRESS, DONE)
SHOWN_STATUSES = (NOT_STARTED, IN_PROGRESS, DONE, OVERDUE)

# Which imported rows are tasks to follow: those the admin confirmed in the plan review (kpi.plan).
TRACKED_SQL = "t.status = 'confirmed'"


@dataclass(frozen=True)
class Task:
    task_id: int
    number: str | None
    objective: str | None
    task: str
    product: str | None
    lead: str | None
    lead_unit_id: str | None
    lead_level: str | None
    partner: str | None
    deadline_text: str | None
    deadline_from: dt.date | None
    deadline_to: dt.date | None
    status: str = NOT_STARTED
    evidence_no: str | None = None
    evidence_link: str | None = None
    evidence_file_name: str | None = None
    note: str | None = None
    updated_by: str | None = None
    updated_at: dt.datetime | None = None

    @property
    def title(self) -> str:
        """What the task is: its task text, else the objective cell (plans such as seed 001 write the task
        there and leave no separate task column), else its product."""
        return self.task or self.objective or self.product or (self.number or "")

    def shown_status(self, today: dt.date) -> str:
        """The stored status, or ``overdue`` when not done and the last deadline day is before today."""
        if self.status != DONE and self.deadline_to is not None and self.deadline_to < today:
            return OVERDUE
        return self.status

    def due_in_month(self, today: dt.date) -> bool:
        """Not done and due from today to the end of today's month."""
        month_end = (today.replace(day=28) + dt.timedelta(days=4)).replace(day=1) - dt.timedelta(days=1)
        return self.status != DONE and self.deadline_to is not None and today <= self.deadline_to <= month_end


def available(wh: Warehouse) -> bool:
    """Whether the plan's task table exists (``kpi.plan``'s migration)."""
    return bool(wh.query("SELECT count(*) FROM duckdb_tables() WHERE table_name = 'plan_tasks'")[0][0])


_COLUMNS = ("task_id", "number", "objective", "task", "product", "lead", "lead_unit_id", "lead_level", "partner",
            "deadline_text", "deadline_from", "deadline_to", "status", "evidence_no", "evidence_link",
            "evidence_file_name", "note", "updated_by", "updated_at")


def _select(scope: Scope | None, extra: str = "TRUE", extra_params: list | None = None) -> tuple[str, list]:
    where, params = where_clause(None, scope, "s")
    sql = f"""
        WITH latest AS (
          SELECT * FROM plan_task_updates QUALIFY row_number() OVER (PARTITION BY task_id ORDER BY update_id DESC) = 1),
        s AS (
          SELECT t.task_id, t.number, t.objective, t.task, t.product, t.lead, t.lead_unit_id AS unit_id,
                 u.level, t.partner, t.deadline_text, t.deadline_from, t.deadline_to,
                 coalesce(l.status, '{NOT_STARTED}') AS status, l.evidence_no, l.evidence_link, l.evidence_file_name,
                 l.note, l.updated_by, l.updated_at, t.position
          FROM plan_tasks t LEFT JOIN units u ON u.unit_id = t.lead_unit_id LEFT JOIN latest l USING (task_id)
          WHERE {TRACKED_SQL})
        SELECT task_id, number, objective, task, product, lead, unit_id, level, partner, deadline_text,
               deadline_from, deadline_to, status, evidence_no, evidence_link, evidence_file_name, note,
               updated_by, updated_at
        FROM s WHERE {where} AND {extra} ORDER BY task_id"""
    return sql, params + list(extra_params or [])


def list_tasks(wh: Warehouse, scope: Scope | None) -> list[Task]:
    """The tracked tasks ``scope`` may see, in the plan's order, each with its latest update."""
    if not available(wh):
        return []
    sql, params = _select(scope)
    return [Task(*row) for row in wh.query(sql, params)]


def get_task(wh: Warehouse, task_id: int, scope: Scope | None) -> Task | None:
    sql, params = _select(scope, "task_id = ?", [int(task_id)])
    rows = wh.query(sql, params)
    return Task(*rows[0]) if rows else None


def overdue(wh: Warehouse, today: dt.date, scope: Scope | None = None) -> list[Task]:
    return [t for t in list_tasks(wh, scope) if t.shown_status(today) == OVERDUE]


def due_this_month(tasks: list[Task], today: dt.date) -> list[Task]:
    return [t for t in tasks if t.due_in_month(today)]


@dataclass(frozen=True)
class ObjectiveProgress:
    objective: str
    total: int
    done: int
    in_progress: int
    overdue: int

    @property
    def share_done(self) -> float | None:
        return self.done / self.total if self.total else None


def progress_by_objective(tasks: list[Task], today: dt.date) -> list[ObjectiveProgress]:
    """Per objective, in the plan's order: tasks, done, in progress, overdue."""
    order: dict[str, list[Task]] = {}
    for task in tasks:
        order.setdefault(task.objective or "", []).append(task)
    out = []
    for objective, items in order.items():
        shown = [t.shown_status(today) for t in items]
        out.append(ObjectiveProgress(objective, len(items), shown.count(DONE), shown.count(IN_PROGRESS),
                                     shown.count(OVERDUE)))
    return out


def can_update(user: User | None, task: Task) -> bool:
    """The ``update_tasks`` permission and the task's lead unit inside the user's scope."""
    if not permissions.can(user, "update_tasks"):
        return False
    if user.scope.is_province:
        return True
    return task.lead_unit_id is not None and user.scope.allows_unit(task.lead_unit_id, task.lead_level)


def update(wh: Warehouse, user: User, task_id: int, status: str, *, evidence_no: str | None = None,
           evidence_link: str | None = None, evidence_file_name: str | None = None,
           evidence_file: bytes | None = None, note: str | None = None, now: dt.datetime | None = None) -> Task:
    """Record a new state of a task (a new row; the previous ones stay) and audit it. ``AuthError`` when the
    user may not update it (a task outside the scope reads as absent, so its existence is not told)."""
    from kpi.text import tracking as tracking_text

    if status not in STATUSES:
        raise ValueError(f"unknown task status {status!r}")
    task = get_task(wh, task_id, user.scope)
    if task is None or not can_update(user, task):
        raise AuthError(tracking_text.TASK_NOT_YOURS)
    limit = int(config.get("evidence_max_mb")) * 1024 * 1024
    if evidence_file is not None and len(evidence_file) > limit:
        raise AuthError(tracking_text.EVIDENCE_TOO_BIG.format(mb=config.get("evidence_max_mb")))
    now = now or dt.datetime.now()
    clean = {k: (v.strip() or None) if isinstance(v, str) else v for k, v in
             {"evidence_no": evidence_no, "evidence_link": evidence_link,
              "evidence_file_name": evidence_file_name if evidence_file else None, "note": note}.items()}
    for key in ("evidence_no", "evidence_link", "evidence_file_name"):  # evidence given once stays shown
        clean[key] = clean[key] or getattr(task, key)
    with wh.write() as con:
        con.execute(
            "INSERT INTO plan_task_updates (task_id, status, evidence_no, evidence_link, evidence_file_name,"
            " evidence_file, note, updated_by, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [task.task_id, status, clean["evidence_no"], clean["evidence_link"], clean["evidence_file_name"],
             evidence_file, clean["note"], user.name, now])
        audit.record(con, user.name, "task.update", str(task.task_id),
                     {"number": task.number, "from": task.status, "to": status, **clean}, at=now)
    return get_task(wh, task_id, user.scope)


def audited_evidence_file(wh: Warehouse, user: User, task_id: int) -> bytes:
    """The evidence file's bytes for a download, with an ``export`` audit row (who took which task's evidence)."""
    stored = evidence_file(wh, task_id, user.scope)
    if stored is None:
        raise AuthError("Không có tệp minh chứng của nhiệm vụ này trong phạm vi của bạn.")
    audit.record(wh, user.name, "export", f"evidence:{task_id}", {"file": stored[0], "set": "plan_task_evidence"})
    return stored[1]


def evidence_file(wh: Warehouse, task_id: int, scope: Scope | None) -> tuple[str, bytes] | None:
    """The latest uploaded evidence file of a task the scope may see: (name, bytes)."""
    if get_task(wh, task_id, scope) is None:
        return None
    rows = wh.query("SELECT evidence_file_name, evidence_file FROM plan_task_updates WHERE task_id = ?"
                    " AND evidence_file IS NOT NULL ORDER BY update_id DESC LIMIT 1", [int(task_id)])
    return (rows[0][0], bytes(rows[0][1])) if rows else None

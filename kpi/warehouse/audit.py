"""The audit log: who did what, when, and whether it worked.

From the application the log is append-only: this module only inserts and reads.
There is deliberately no function that updates or deletes a row; retention, if
ever needed, is an operator's job on the database file, outside the app.

Callers record their own events through ``record``: logins and account changes
(kpi.access.accounts), CLI calls (kpi.cli.users, etl), uploads and undos (etl), target
edits (kpi.measures.targets), exports (pages). Action names in use:

=====================  ==============================================
``login``              password login (success or failure)
``login_sso``          single sign-on login mapped to an account
``logout``             explicit logout or expired session
``user.create``        account created (also the first admin)
``user.set_password``  password set or reset
``user.unlock``        lockout cleared
``user.set_role``      role changed
``user.set_scope``     scope changed
``user.set_email``     e-mail changed
``user.deactivate``    account deactivated / ``user.activate``
``cli``                one ``python -m kpi users …`` call
``upload`` ``undo`` ``export``  recorded by their modules (``export``: the drill-down Excel too,
                       written when the file is downloaded)
``target.set``         one target changed: year, indicator, level, unit, old → new (kpi.measures.targets)
``target.confirm``     a year's inherited targets adopted as its own
``plan.import``        a plan document read and its proposal stored (kpi.plan.store)
``plan.confirm``       a reviewed plan adopted: new target versions, manual targets, tasks
``meeting_link.create`` / ``meeting_link.revoke``  read-only meeting links (kpi.access.sessions)
``alert.send``         one alert delivered to a recipient (target) on a channel; failed deliveries with success false
``task.update``        a plan task's status or evidence changed (kpi.tracking.tasks)
``manual.enter``       a figure of a non-data target entered by hand (kpi.tracking.manual)
=====================  ==============================================

``detail`` is free text or a dict (stored as JSON). Never put a password, a hash
or a token in it.
"""
from __future__ import annotations

import datetime as dt
import getpass
import json
from typing import TYPE_CHECKING, Iterable

from kpi.warehouse.db import Warehouse

if TYPE_CHECKING:  # pandas is only needed by read_log; the CLI starts faster without it
    import pandas as pd

DEFAULT_LIMIT = 1000


def cli_actor() -> str:
    """Who a command-line call is recorded as: 'cli:<login name of the operator>'."""
    try:
        name = getpass.getuser()
    except Exception:  # noqa: BLE001 - no login name in some containers
        name = "unknown"
    return f"cli:{name}"


def _detail_text(detail: object) -> str | None:
    if detail is None:
        return None
    if isinstance(detail, str):
        return detail
    return json.dumps(detail, ensure_ascii=False, default=str, sort_keys=True)


def record(
    con_or_wh,
    user_name: str | None,
    action: str,
    target: str | None = None,
    detail: object = None,
    success: bool = True,
    at: dt.datetime | None = None,
) -> None:
    """Append one row to the audit log.

    ``con_or_wh`` is either a Warehouse (the row is written in its own short
    transaction, without bumping the data version) or an open connection from
    ``wh.write()``, so the row commits or rolls back with the change it records.
    """
    if not action:
        raise ValueError("audit action must not be empty")
    row = [
        at or dt.datetime.now(),
        user_name,
        action,
        None if target is None else str(target),
        _detail_text(detail),
        bool(success),
    ]
    sql = 'INSERT INTO audit_log (logged_at, user_name, action, target, detail, success) VALUES (?, ?, ?, ?, ?, ?)'
    if isinstance(con_or_wh, Warehouse):
        with con_or_wh.write(bump_version=False) as con:
            con.execute(sql, row)
    else:
        con_or_wh.execute(sql, row)


def _day_end(value) -> dt.datetime:
    if isinstance(value, dt.datetime):
        return value
    return dt.datetime.combine(value, dt.time.max)


def _day_start(value) -> dt.datetime:
    if isinstance(value, dt.datetime):
        return value
    return dt.datetime.combine(value, dt.time.min)


def read_log(
    wh: Warehouse,
    user: str | None = None,
    action: str | Iterable[str] | None = None,
    since: dt.date | dt.datetime | None = None,
    until: dt.date | dt.datetime | None = None,
    limit: int | None = DEFAULT_LIMIT,
    success: bool | None = None,
) -> pd.DataFrame:
    """Audit rows, newest first.

    ``since``/``until`` are inclusive; a date means the whole day. ``action`` is
    one name, several names, or a prefix ending in '.' (``'user.'`` = every
    account change).
    """
    parts, params = ["TRUE"], []
    if user:
        parts.append("user_name = ?")
        params.append(user)
    if action:
        names = [action] if isinstance(action, str) else list(action)
        ors = []
        for name in names:
            if name.endswith("."):
                ors.append("starts_with(action, ?)")
            else:
                ors.append("action = ?")
            params.append(name)
        parts.append("(" + " OR ".join(ors) + ")")
    if since is not None:
        parts.append("logged_at >= ?")
        params.append(_day_start(since))
    if until is not None:
        parts.append("logged_at <= ?")
        params.append(_day_end(until))
    if success is not None:
        parts.append("success = ?")
        params.append(bool(success))
    sql = (
        'SELECT audit_id, logged_at, user_name, action, target, detail, success FROM audit_log WHERE '
        + " AND ".join(parts)
        + ' ORDER BY logged_at DESC, audit_id DESC'
    )
    if limit:
        sql += f" LIMIT {int(limit)}"
    return wh.query_df(sql, params)


def distinct_values(wh: Warehouse) -> dict[str, list[str]]:
    """The user names and actions present in the log (for the filter pickers)."""
    users = [r[0] for r in wh.query("SELECT DISTINCT user_name FROM audit_log WHERE user_name IS NOT NULL ORDER BY 1")]
    actions = [r[0] for r in wh.query("SELECT DISTINCT action FROM audit_log ORDER BY 1")]
    return {"users": users, "actions": actions}

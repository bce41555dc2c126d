"""Sessions that survive a reload, and read-only meeting links (issue 17 item 7).

Streamlit keeps a login in the browser tab's server session, which F5 or a browser
restart throws away. Two kinds of bearer token, checked here on the server:

``login``    issued at each login; the browser keeps it in a cookie (ui.session_token)
             and sends it when the page is opened again. Valid while the session is not
             idle for more than ``session_minutes`` (the same rule as the in-tab session),
             not revoked (logout), and only for an active account: the account row is
             re-read, so a deactivated account or a changed role takes effect at once.
``meeting``  a link an admin issues for the meeting-room PC: it opens meeting mode alone,
             read-only, within the scope chosen when it was issued, until it expires
             (``meeting_link_hours``) or an admin revokes it. No password on that PC.

Tokens are 256-bit random (``secrets.token_urlsafe``); only their SHA-256 is stored, so
a copy of the database opens nothing. A fast hash is right here (unlike passwords): the
token is random, there is nothing to guess. Issuing, revoking and opening a meeting link
are audited; the token itself is never logged.

Nothing here imports streamlit.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import json
import secrets
from dataclasses import dataclass

from kpi import config
from kpi.text import vi
from kpi.warehouse import audit
from kpi.warehouse.db import Warehouse

LOGIN, MEETING = "login", "meeting"
KEEP_DAYS = 30     # ended sessions older than this are deleted (issue_login)
TOUCH_SECONDS = 60  # a login token's last use is written at most once a minute, not on every rerun
_COLUMNS = "session_id, kind, user_name, scope_json, label, created_at, last_seen_at, expires_at, revoked_at"


@dataclass(frozen=True)
class Session:
    session_id: int
    kind: str
    user_name: str | None      # login: the account; meeting: the admin who issued the link
    scope_json: str | None     # meeting: the scope the link shows
    label: str | None
    created_at: dt.datetime
    last_seen_at: dt.datetime
    expires_at: dt.datetime | None
    revoked_at: dt.datetime | None

    @property
    def meeting_name(self) -> str:
        """How a meeting-link viewer is named in the audit log and the sidebar."""
        return f"giaoban#{self.session_id}"


def session_expired(last_seen: dt.datetime | float | None, now: dt.datetime | float | None = None) -> bool:
    """Whether a session idle since ``last_seen`` has expired (setting ``session_minutes``).

    Accepts datetimes or epoch seconds; a missing ``last_seen`` counts as expired.
    """
    if last_seen is None:
        return True
    now = dt.datetime.now() if now is None else now
    if isinstance(last_seen, (int, float)):
        last_seen = dt.datetime.fromtimestamp(last_seen)
    if isinstance(now, (int, float)):
        now = dt.datetime.fromtimestamp(now)
    return now - last_seen > dt.timedelta(minutes=float(config.get("session_minutes")))


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def _now(now: dt.datetime | None) -> dt.datetime:
    return now or dt.datetime.now()


def _insert(wh: Warehouse, kind: str, user_name: str | None, now: dt.datetime, *, scope_json: str | None = None,
            label: str | None = None, expires_at: dt.datetime | None = None, con=None) -> tuple[str, int]:
    token = secrets.token_urlsafe(32)
    sql = ("INSERT INTO sessions (token_hash, kind, user_name, scope_json, label, created_at, last_seen_at, expires_at)"
           " VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING session_id")
    params = [_hash(token), kind, user_name, scope_json, label, now, now, expires_at]
    if con is not None:
        return token, int(con.execute(sql, params).fetchone()[0])
    with wh.write(bump_version=False) as write:
        return token, int(write.execute(sql, params).fetchone()[0])


def issue_login(wh: Warehouse, user_name: str, now: dt.datetime | None = None) -> str:
    """A new login token for ``user_name`` (returned once; only its hash is kept).

    Rows of sessions over for ``KEEP_DAYS`` are dropped here, so the table stays small; the audit
    log, not this table, is the record of who signed in.
    """
    now = _now(now)
    with wh.write(bump_version=False) as con:
        con.execute("DELETE FROM sessions WHERE coalesce(revoked_at, expires_at, last_seen_at) < ?",
                    [now - dt.timedelta(days=KEEP_DAYS)])
        return _insert(wh, LOGIN, user_name, now, con=con)[0]


def _row(wh: Warehouse, token: str | None) -> Session | None:
    if not isinstance(token, str) or not token or len(token) > 200:
        return None
    rows = wh.query(f"SELECT {_COLUMNS} FROM sessions WHERE token_hash = ?", [_hash(token)])
    return Session(*rows[0]) if rows else None


def _valid(session: Session, now: dt.datetime) -> bool:
    if session.revoked_at is not None:
        return False
    if session.kind == MEETING:
        return session.expires_at is not None and now < session.expires_at
    return not session_expired(session.last_seen_at, now)


def resolve(wh: Warehouse, token: str | None, kind: str, now: dt.datetime | None = None) -> Session | None:
    """The session a token stands for, when it is of ``kind``, not revoked and not expired; else None.

    A login token's idle clock restarts with each use (written at most every ``TOUCH_SECONDS``).
    """
    now = _now(now)
    session = _row(wh, token)
    if session is None or session.kind != kind or not _valid(session, now):
        return None
    if kind == LOGIN and (now - session.last_seen_at).total_seconds() >= TOUCH_SECONDS:
        with wh.write(bump_version=False) as con:
            con.execute("UPDATE sessions SET last_seen_at = ? WHERE session_id = ?", [now, session.session_id])
    return session


def revoke(wh: Warehouse, token: str | None, by: str | None = None, now: dt.datetime | None = None,
           kind: str = LOGIN) -> bool:
    """End the session of a token of ``kind`` (logout). Returns whether there was one to end.

    Only a login token by default: a meeting PC whose tab idles out must not kill the link itself.
    """
    session = _row(wh, token)
    if session is None or session.kind != kind or session.revoked_at is not None:
        return False
    with wh.write(bump_version=False) as con:
        con.execute("UPDATE sessions SET revoked_at = ?, revoked_by = ? WHERE session_id = ?",
                    [_now(now), by, session.session_id])
    return True


# -- meeting links -----------------------------------------------------------------------------
def issue_meeting_link(wh: Warehouse, admin: str, scope: dict, *, hours: float | None = None, label: str = "",
                       now: dt.datetime | None = None) -> tuple[str, Session]:
    """A read-only meeting link's token (shown once) and its row; audited ``meeting_link.create``."""
    now = _now(now)
    hours = float(config.get("meeting_link_hours") if hours is None else hours)
    if not 0 < hours <= 24 * 31:
        raise ValueError("Thời hạn liên kết phải từ 1 giờ đến 31 ngày.")
    expires = now + dt.timedelta(hours=hours)
    scope_json = json.dumps(scope, ensure_ascii=False, sort_keys=True)
    with wh.write(bump_version=False) as con:
        token, session_id = _insert(wh, MEETING, admin, now, scope_json=scope_json, label=label.strip() or None,
                                    expires_at=expires, con=con)
        audit.record(con, admin, "meeting_link.create", f"giaoban#{session_id}",
                     {"scope": scope, "expires_at": vi.time_and_date(expires), "name": label.strip() or None}, at=now)
    return token, _by_id(wh, session_id)


def _by_id(wh: Warehouse, session_id: int) -> Session | None:
    rows = wh.query(f"SELECT {_COLUMNS} FROM sessions WHERE session_id = ?", [int(session_id)])
    return Session(*rows[0]) if rows else None


def meeting_links(wh: Warehouse, now: dt.datetime | None = None) -> list[Session]:
    """Meeting links still usable (not revoked, not expired), newest first."""
    rows = wh.query(f"SELECT {_COLUMNS} FROM sessions WHERE kind = ? AND revoked_at IS NULL AND expires_at > ?"
                    " ORDER BY session_id DESC", [MEETING, _now(now)])
    return [Session(*r) for r in rows]


def revoke_meeting_link(wh: Warehouse, session_id: int, admin: str, now: dt.datetime | None = None) -> bool:
    """Revoke a meeting link by its number; audited ``meeting_link.revoke``. The meeting PC is out at its next rerun."""
    now = _now(now)
    with wh.write(bump_version=False) as con:
        done = con.execute("UPDATE sessions SET revoked_at = ?, revoked_by = ? WHERE session_id = ? AND kind = ?"
                           " AND revoked_at IS NULL RETURNING session_id", [now, admin, int(session_id), MEETING]).fetchall()
        if done:
            audit.record(con, admin, "meeting_link.revoke", f"giaoban#{int(session_id)}", at=now)
    return bool(done)

"""The password store: accounts, Argon2 hashing, login, lockout (rows of the ``users`` table).

Passwords are hashed with Argon2id (argon2-cffi ``PasswordHasher``) and rehashed
on login when the parameters change. There is no default password: the first
admin is created by the first-run form or ``python -m kpi users add``. No function
here stores, logs or returns a plaintext password. After ``lockout_attempts``
failed logins in a row an account is locked for ``lockout_minutes``; a locked account is refused
with the same message and after the same work as a wrong password (no enumeration).

Roles, permissions and scopes: ``kpi.access.permissions``. Nothing here imports streamlit.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
import threading
import unicodedata

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

from kpi import config
from kpi.access.permissions import ROLES, AuthError, User, resolve_scope, scope_to_json
from kpi.warehouse import audit
from kpi.warehouse.db import Warehouse

GENERIC_LOGIN_ERROR = ("Tên đăng nhập hoặc mật khẩu không đúng (sau nhiều lần nhập sai, đăng nhập bị chặn trong "
                       "ít phút). Hãy thử lại sau hoặc liên hệ quản trị viên.")

_HASHER = PasswordHasher()
_DUMMY: dict[tuple, str] = {}


def _dummy_hash() -> str:
    """Verified against when the user does not exist, so both paths cost one Argon2 verify
    (made with the current hasher's parameters, so it costs what an account's hash costs)."""
    params = (_HASHER.time_cost, _HASHER.memory_cost, _HASHER.parallelism)
    if params not in _DUMMY:
        _DUMMY[params] = _HASHER.hash("không-phải-mật-khẩu-của-ai")
    return _DUMMY[params]


_NAME_RE = re.compile(r"^[a-z0-9][a-z0-9._@-]{1,63}$")


# -- validation ----------------------------------------------------------
def normalize_name(name: str) -> str:
    return unicodedata.normalize("NFC", str(name or "")).strip().lower()


def _check_name(name: str) -> str:
    key = normalize_name(name)
    if not _valid_login_name(key):
        raise AuthError(
            "Tên đăng nhập phải dài 2–64 ký tự, chỉ gồm chữ không dấu, số và . _ - @."
        )
    return key


def _check_role(role: str) -> str:
    if role not in ROLES:
        raise AuthError(f"Vai trò không hợp lệ: {role!r}. Dùng leader, analyst hoặc admin.")
    return role


def _check_email(email: str | None) -> str | None:
    if email is None or not str(email).strip():
        return None
    value = unicodedata.normalize("NFC", str(email)).strip().lower()
    if "@" not in value or " " in value:
        raise AuthError(f"Địa chỉ email không hợp lệ: {value!r}.")
    return value


def check_password(password: str, name: str | None = None) -> None:
    """Raise ``AuthError`` unless the password is acceptable."""
    minimum = int(config.get("min_password_length"))
    if not isinstance(password, str) or len(password) < minimum:
        raise AuthError(f"Mật khẩu phải có ít nhất {minimum} ký tự.")
    maximum = int(config.get("max_password_length"))
    if len(password) > maximum:
        raise AuthError(f"Mật khẩu dài quá {maximum} ký tự.")
    if not password.strip():
        raise AuthError("Mật khẩu không được chỉ gồm khoảng trắng.")
    if name and normalize_name(password) == normalize_name(name):
        raise AuthError("Mật khẩu không được trùng tên đăng nhập.")


def _hash(password: str) -> str:
    return _HASHER.hash(password)


def _now(now: dt.datetime | None) -> dt.datetime:
    return now or dt.datetime.now()


# -- accounts ------------------------------------------------------------
def has_users(wh: Warehouse) -> bool:
    """Whether any account exists (none: the app shows the first-run admin form)."""
    return bool(wh.query("SELECT count(*) FROM users")[0][0])


def _email_taken(con, email: str | None, except_name: str | None = None) -> bool:
    if not email:
        return False
    row = con.execute(
        "SELECT count(*) FROM users WHERE lower(email) = ? AND name IS DISTINCT FROM ?",
        [email, except_name],
    ).fetchone()
    return bool(row[0])


def create_user(
    wh: Warehouse,
    name: str,
    password: str | None,
    role: str,
    scope_json: str | dict | None = '{"kind":"province"}',
    email: str | None = None,
    actor: str | None = None,
    *,
    only_if_no_users: bool = False,
) -> User:
    """Create an account; returns it. ``AuthError`` on any invalid input.

    ``password=None`` creates an account that can only sign in by single sign-on
    (it needs an email). ``only_if_no_users`` is the first-run guard: the account
    is created only if the table is still empty, checked inside the transaction.
    """
    key = _check_name(name)
    _check_role(role)
    scope_text = scope_to_json(scope_json)
    email = _check_email(email)
    if password is None:
        if not email:
            raise AuthError("Tài khoản không có mật khẩu phải có email để đăng nhập một lần (SSO).")
        password_hash = None
    else:
        check_password(password, key)
        password_hash = _hash(password)
    now = dt.datetime.now()
    with wh.write(bump_version=False) as con:
        if only_if_no_users and con.execute("SELECT count(*) FROM users").fetchone()[0]:
            raise AuthError("Đã có tài khoản quản trị; hãy đăng nhập.")
        if con.execute("SELECT count(*) FROM users WHERE name = ?", [key]).fetchone()[0]:
            raise AuthError(f"Tên đăng nhập {key!r} đã tồn tại.")
        if _email_taken(con, email):
            raise AuthError(f"Email {email} đã gắn với một tài khoản khác.")
        con.execute(
            "INSERT INTO users (name, password_hash, role, scope_json, email, failed_attempts, locked_until,"
            " active, created_at, updated_at) VALUES (?, ?, ?, ?, ?, 0, NULL, TRUE, ?, ?)",
            [key, password_hash, role, scope_text, email, now, now],
        )
        audit.record(
            con, actor or key, "user.create", key,
            {"role": role, "scope": json.loads(scope_text), "email": email, "password": password is not None},
            at=now,
        )
    return User(key, role, resolve_scope(wh, scope_text), email)


def create_first_admin(wh: Warehouse, name: str, password: str) -> User:
    """The first-run account: an admin over the whole province, only while no account exists."""
    return create_user(wh, name, password, "admin", {"kind": "province"}, actor=normalize_name(name),
                       only_if_no_users=True)


_ACCOUNT_COLUMNS = ("name", "password_hash", "role", "scope_json", "email", "failed_attempts", "locked_until", "active")


def _account(con, where: str, params: list) -> dict | None:
    """One row of ``users`` as a dict by column name (the first by name when several match)."""
    row = con.execute(f"SELECT {', '.join(_ACCOUNT_COLUMNS)} FROM users WHERE {where} ORDER BY name LIMIT 1",
                      params).fetchone()
    return dict(zip(_ACCOUNT_COLUMNS, row)) if row is not None else None


def _row(con, name: str) -> dict | None:
    return _account(con, "name = ?", [normalize_name(name)])


def _require_row(con, name: str) -> dict:
    row = _row(con, name)
    if row is None:
        raise AuthError(f"Không có tài khoản {normalize_name(name)!r}.")
    return row


def _user_from_row(wh: Warehouse, row: dict) -> User:
    return User(row["name"], row["role"], resolve_scope(wh, row["scope_json"]), row["email"])


def get_user(wh: Warehouse, name: str) -> User | None:
    """The active account ``name`` as a ``User``, or None."""
    with wh.read() as con:
        row = _row(con, name)
    if row is None or not row["active"]:
        return None
    return _user_from_row(wh, row)


def refresh_user(wh: Warehouse, user: User) -> User | None:
    """``user`` as the table has it now: None if deactivated, updated if its role,
    scope or email changed. An account absent from the table (a test seeding a
    session) is returned unchanged."""
    with wh.read() as con:
        row = _row(con, user.name)
    if row is None:
        return user
    if not row["active"]:
        return None
    fresh = _user_from_row(wh, row)
    return user if fresh == user else fresh


def login_name_marker(name: str) -> str:
    """What the audit log keeps of a login name that is no account: a short hash, never the text
    (a password typed into the name box, a megabyte of junk). Equal inputs give equal markers."""
    digest = hashlib.sha256(normalize_name(name).encode("utf-8", "surrogatepass")).hexdigest()
    return f"?{digest[:12]}"


def _valid_login_name(key: str) -> bool:
    return len(key) <= int(config.get("max_username_length")) and bool(_NAME_RE.match(key))


# Argon2 takes ~64 MB and a core for ~0.1 s: a flood of logins (from many clients, past the per-client
# throttle) must not take every core and the memory from the dashboard and the CLI. At most this many
# verifications run at once; the others queue (no connection is open while they wait).
_VERIFY_SLOTS = threading.BoundedSemaphore(2)


def _verify(password_hash: str, password: str) -> bool:
    with _VERIFY_SLOTS:
        try:
            return bool(_HASHER.verify(password_hash, password))
        except (VerifyMismatchError, VerificationError, InvalidHashError):
            return False


def authenticate(wh: Warehouse, name: str, password: str, now: dt.datetime | None = None) -> User:
    """Check a password login; returns the ``User`` or raises ``AuthError``.

    Every attempt is audited and every refusal says the same (``GENERIC_LOGIN_ERROR``) after the
    same work: an unknown name, an inactive account, a wrong password and a locked account all
    cost exactly one Argon2 verify (a dummy hash for names that are no account), so neither the
    message nor the time tells them apart. The verify runs outside the warehouse write lock and
    with no connection open; the counters and the audit row follow in one short write, so failed
    logins never hold readers (or a CLI report) up. A name that is no account is audited as a
    hash, never as typed; names and passwords longer than the settings allow are refused unread.
    """
    now = _now(now)
    key = normalize_name(name)
    password = password if isinstance(password, str) else ""
    password_fits = len(password) <= int(config.get("max_password_length"))
    row = None
    if _valid_login_name(key):
        with wh.read() as con:
            row = _row(con, key)
    usable = row is not None and bool(row["active"]) and row["password_hash"] is not None and password_fits
    matched = _verify(row["password_hash"] if usable else _dummy_hash(), password if password_fits else "") and usable
    new_hash = _hash(password) if matched and _HASHER.check_needs_rehash(row["password_hash"]) else None
    with wh.write(bump_version=False) as con:
        if not usable:
            _audit_refused(con, key, row, password_fits, now)
            user_ok = False
        else:
            user_ok = _record_attempt(con, key, matched, new_hash, now)
    if not user_ok:
        raise AuthError(GENERIC_LOGIN_ERROR)
    return _user_from_row(wh, row)


def _audit_refused(con, key: str, row: dict | None, password_fits: bool, now: dt.datetime) -> None:
    """The audit row of an attempt on no usable account (the name kept only when it is an account)."""
    if row is None:
        audit.record(con, None, "login", login_name_marker(key), {"reason": "unknown user"}, success=False, at=now)
        return
    reason = ("inactive" if not row["active"] else "no password (SSO only)" if row["password_hash"] is None
              else "password too long")
    audit.record(con, key, "login", key, {"reason": reason}, success=False, at=now)


def _record_attempt(con, key: str, matched: bool, new_hash: str | None, now: dt.datetime) -> bool:
    """Counters, lockout and audit of an attempt on an account, read and written in one short
    transaction (so concurrent attempts count exactly). True when the login succeeds."""
    limit = int(config.get("lockout_attempts"))
    failures, locked_until = con.execute(
        "SELECT failed_attempts, locked_until FROM users WHERE name = ?", [key]).fetchone()
    if locked_until is not None and locked_until > now:
        audit.record(con, key, "login", key, {"reason": "locked", "locked_until": locked_until},
                     success=False, at=now)
        return False
    if matched:
        if new_hash:
            con.execute("UPDATE users SET password_hash = ? WHERE name = ?", [new_hash, key])
        con.execute("UPDATE users SET failed_attempts = 0, locked_until = NULL WHERE name = ?", [key])
        audit.record(con, key, "login", key, {"method": "password"}, at=now)
        return True
    failures = (0 if locked_until is not None else int(failures or 0)) + 1
    if failures >= limit:
        until = now + dt.timedelta(minutes=int(config.get("lockout_minutes")))
        con.execute("UPDATE users SET failed_attempts = 0, locked_until = ? WHERE name = ?", [until, key])
        audit.record(con, key, "login", key, {"reason": "wrong password", "locked_until": until},
                     success=False, at=now)
    else:
        con.execute("UPDATE users SET failed_attempts = ?, locked_until = NULL WHERE name = ?", [failures, key])
        audit.record(con, key, "login", key, {"reason": "wrong password", "failures": failures},
                     success=False, at=now)
    return False


def user_by_email(wh: Warehouse, email: str | None, now: dt.datetime | None = None) -> User:
    """Map a single sign-on identity to an account by email (audited as ``login_sso``)."""
    now = _now(now)
    value = (email or "").strip().lower()
    with wh.write(bump_version=False) as con:
        row = _account(con, "lower(email) = ? AND active", [value]) if value else None
        audit.record(con, row["name"] if row else None, "login_sso", value or None,
                     None if row else {"reason": "no active account with this email"}, success=row is not None, at=now)
    if row is None:
        raise AuthError(
            f"Email {value or '(trống)'} chưa được cấp quyền truy cập bảng điều khiển. "
            "Hãy liên hệ quản trị viên."
        )
    return _user_from_row(wh, row)


def set_password(wh: Warehouse, name: str, password: str, actor: str | None = None) -> None:
    """Set (or reset) a password; also clears a lockout."""
    key = normalize_name(name)
    check_password(password, key)
    password_hash = _hash(password)
    with wh.write(bump_version=False) as con:
        _require_row(con, key)
        con.execute(
            "UPDATE users SET password_hash = ?, failed_attempts = 0, locked_until = NULL, updated_at = ? WHERE name = ?",
            [password_hash, dt.datetime.now(), key],
        )
        audit.record(con, actor or key, "user.set_password", key)


def unlock(wh: Warehouse, name: str, actor: str | None) -> None:
    """Clear failed attempts and any lockout."""
    key = normalize_name(name)
    with wh.write(bump_version=False) as con:
        row = _require_row(con, key)
        con.execute(
            "UPDATE users SET failed_attempts = 0, locked_until = NULL, updated_at = ? WHERE name = ?",
            [dt.datetime.now(), key],
        )
        audit.record(con, actor, "user.unlock", key, {"was_locked_until": row["locked_until"]})


def _active_admins(con, except_name: str) -> int:
    return con.execute(
        "SELECT count(*) FROM users WHERE role = 'admin' AND active AND name <> ?", [except_name]
    ).fetchone()[0]


def set_role(wh: Warehouse, name: str, role: str, actor: str | None) -> None:
    key = normalize_name(name)
    _check_role(role)
    with wh.write(bump_version=False) as con:
        row = _require_row(con, key)
        if row["role"] == "admin" and role != "admin" and row["active"] and not _active_admins(con, key):
            raise AuthError("Không thể bỏ vai trò quản trị của quản trị viên cuối cùng.")
        con.execute("UPDATE users SET role = ?, updated_at = ? WHERE name = ?", [role, dt.datetime.now(), key])
        audit.record(con, actor, "user.set_role", key, {"from": row["role"], "to": role})


def set_scope(wh: Warehouse, name: str, scope_json: str | dict, actor: str | None) -> None:
    key = normalize_name(name)
    scope_text = scope_to_json(scope_json)
    with wh.write(bump_version=False) as con:
        row = _require_row(con, key)
        con.execute("UPDATE users SET scope_json = ?, updated_at = ? WHERE name = ?",
                    [scope_text, dt.datetime.now(), key])
        audit.record(con, actor, "user.set_scope", key, {"from": json.loads(row["scope_json"]),
                                                             "to": json.loads(scope_text)})


def set_email(wh: Warehouse, name: str, email: str | None, actor: str | None) -> None:
    key = normalize_name(name)
    value = _check_email(email)
    with wh.write(bump_version=False) as con:
        row = _require_row(con, key)
        if _email_taken(con, value, except_name=key):
            raise AuthError(f"Email {value} đã gắn với một tài khoản khác.")
        con.execute("UPDATE users SET email = ?, updated_at = ? WHERE name = ?", [value, dt.datetime.now(), key])
        audit.record(con, actor, "user.set_email", key, {"from": row["email"], "to": value})


def deactivate(wh: Warehouse, name: str, actor: str | None) -> None:
    """Disable an account (rows are never deleted: the audit log refers to them)."""
    key = normalize_name(name)
    with wh.write(bump_version=False) as con:
        row = _require_row(con, key)
        if row["role"] == "admin" and row["active"] and not _active_admins(con, key):
            raise AuthError("Không thể vô hiệu hoá quản trị viên cuối cùng.")
        con.execute("UPDATE users SET active = FALSE, updated_at = ? WHERE name = ?", [dt.datetime.now(), key])
        audit.record(con, actor, "user.deactivate", key)


def activate(wh: Warehouse, name: str, actor: str | None) -> None:
    key = normalize_name(name)
    with wh.write(bump_version=False) as con:
        _require_row(con, key)
        con.execute(
            "UPDATE users SET active = TRUE, failed_attempts = 0, locked_until = NULL, updated_at = ? WHERE name = ?",
            [dt.datetime.now(), key],
        )
        audit.record(con, actor, "user.activate", key)


def list_users(wh: Warehouse, now: dt.datetime | None = None) -> list[dict]:
    """Every account without its password hash, sorted by name."""
    now = _now(now)
    columns = ("name", "role", "scope_json", "email", "active", "failed_attempts", "locked_until", "created_at",
               "updated_at")
    rows = [dict(zip(columns, r)) for r in wh.query(f"SELECT {', '.join(columns)} FROM users ORDER BY name")]
    return [
        {
            "name": r["name"], "role": r["role"], "scope": json.loads(r["scope_json"]), "email": r["email"],
            "active": bool(r["active"]), "failed_attempts": int(r["failed_attempts"] or 0),
            "locked_until": r["locked_until"], "locked": r["locked_until"] is not None and r["locked_until"] > now,
            "created_at": r["created_at"], "updated_at": r["updated_at"],
        }
        for r in rows
    ]

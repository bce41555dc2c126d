"""Issue 17 item 7: a reload keeps the user signed in (login token in a cookie), and an admin's
revocable, scoped, read-only meeting link opens meeting mode and nothing else."""
from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from argon2 import PasswordHasher
from streamlit.testing.v1 import AppTest

from kpi.access import accounts, permissions, sessions
from kpi.warehouse import audit
from kpi.access.permissions import User
from kpi.warehouse.db import Warehouse
from kpi.measures.filters import Scope
from tests.report_data import build_report_db
from ui import session_token
from ui import text_auth

ROOT = Path(__file__).resolve().parent.parent
AUTH_APP = Path(__file__).resolve().parent / "apps" / "auth_app.py"
PASSWORD = "Mat-khau-rat-dai-2024"
T0 = dt.datetime(2026, 12, 2, 9, 0)


@pytest.fixture(autouse=True)
def fast_hashing(monkeypatch):
    monkeypatch.setattr(accounts, "_HASHER", PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1))


@pytest.fixture()
def wh(tmp_path, monkeypatch) -> Warehouse:
    monkeypatch.setenv("TTHC_DB", str(tmp_path / "s.duckdb"))
    return Warehouse(tmp_path / "s.duckdb")


# -- kpi.access.sessions --------------------------------------------------------------------------------
def test_login_token_is_random_stored_hashed_and_idles_out(wh, monkeypatch):
    monkeypatch.setenv("TTHC_SESSION_MINUTES", "30")
    token = sessions.issue_login(wh, "an", now=T0)
    assert len(token) >= 43 and token != sessions.issue_login(wh, "an", now=T0)
    stored = [r[0] for r in wh.query("SELECT token_hash FROM sessions")]
    assert token not in stored and len(stored[0]) == 64
    assert sessions.resolve(wh, token, sessions.LOGIN, T0 + dt.timedelta(minutes=29)).user_name == "an"
    # that use restarted the idle clock: 29 + 30 minutes is still inside
    assert sessions.resolve(wh, token, sessions.LOGIN, T0 + dt.timedelta(minutes=58)) is not None
    assert sessions.resolve(wh, token, sessions.LOGIN, T0 + dt.timedelta(minutes=58 + 31)) is None
    assert sessions.resolve(wh, token, sessions.MEETING, T0) is None      # a login token is no meeting link
    assert sessions.resolve(wh, "made-up", sessions.LOGIN, T0) is None


def test_revoked_login_token_opens_nothing(wh):
    token = sessions.issue_login(wh, "an", now=T0)
    assert sessions.revoke(wh, token, by="an", now=T0)
    assert sessions.resolve(wh, token, sessions.LOGIN, T0) is None
    assert not sessions.revoke(wh, token, by="an")


def test_meeting_link_expires_is_revocable_and_audited(wh):
    scope = {"kind": "level", "level": "district"}
    token, link = sessions.issue_meeting_link(wh, "quantri", scope, hours=2, label="Phòng họp tầng 3", now=T0)
    assert link.expires_at == T0 + dt.timedelta(hours=2) and json.loads(link.scope_json) == scope
    assert sessions.resolve(wh, token, sessions.MEETING, T0 + dt.timedelta(minutes=119)).session_id == link.session_id
    assert sessions.resolve(wh, token, sessions.MEETING, T0 + dt.timedelta(hours=2)) is None
    assert sessions.resolve(wh, token, sessions.LOGIN, T0) is None
    assert [s.session_id for s in sessions.meeting_links(wh, T0)] == [link.session_id]
    assert not sessions.revoke(wh, token, by="x")                      # a logout never ends a meeting link
    assert sessions.revoke_meeting_link(wh, link.session_id, "quantri", now=T0)
    assert sessions.resolve(wh, token, sessions.MEETING, T0) is None and sessions.meeting_links(wh, T0) == []
    logged = audit.read_log(wh, action="meeting_link.")
    assert list(logged["action"]) == ["meeting_link.revoke", "meeting_link.create"]
    assert token not in " ".join(logged["detail"].fillna(""))
    with pytest.raises(ValueError):
        sessions.issue_meeting_link(wh, "quantri", scope, hours=0)


# -- a reload keeps the login (AppTest) ------------------------------------------------------------
def reload(monkeypatch, token: str | None) -> AppTest:
    """A new browser tab session (F5): empty session state, the browser sends the cookie."""
    monkeypatch.setattr(session_token, "cookie_token", lambda: token)
    return AppTest.from_file(str(AUTH_APP), default_timeout=30)


def texts(at: AppTest) -> list[str]:
    return [m.value for m in at.markdown]


def cookie_scripts(at: AppTest) -> list[str]:
    return [h.proto.body for h in at.get("html") if "tthc_phien=" in h.proto.body]


def test_password_login_survives_a_reload_until_logout(wh, monkeypatch):
    accounts.create_user(wh, "an", PASSWORD, "analyst", "level:district")
    at = reload(monkeypatch, None).run()
    at.text_input(key="auth_login_name").input("an")
    at.text_input(key="auth_login_password").input(PASSWORD)
    at.button(key="auth_login_submit").click().run()
    assert "OK an" in texts(at)
    token = at.session_state[session_token.TOKEN_KEY]
    [script] = cookie_scripts(at)
    assert f"tthc_phien={token}; Path=/; Max-Age=28800; SameSite=Strict" in script

    again = reload(monkeypatch, token).run()              # F5: no password asked
    assert not again.exception and "OK an" in texts(again) and not again.text_input
    assert again.session_state["user"].scope == Scope(kind="level", level="district")
    assert audit.read_log(wh, action="login").iloc[0]["detail"] == '{"method": "token"}'

    again.sidebar.button(key="auth_logout").click().run()  # logout revokes the token
    after = reload(monkeypatch, token).run()
    assert [t.value for t in after.title] == [text_auth.LOGIN_TITLE]
    assert any("tthc_phien=; Path=/; Max-Age=0" in s for s in cookie_scripts(after))  # and clears the cookie


def test_expired_or_deactivated_token_asks_for_the_password(wh, monkeypatch):
    accounts.create_user(wh, "an", PASSWORD, "leader")
    accounts.create_user(wh, "quantri", PASSWORD, "admin")
    monkeypatch.setenv("TTHC_SESSION_MINUTES", "30")
    old = sessions.issue_login(wh, "an", now=dt.datetime.now() - dt.timedelta(minutes=31))
    at = reload(monkeypatch, old).run()
    assert [t.value for t in at.title] == [text_auth.LOGIN_TITLE]
    fresh = sessions.issue_login(wh, "an")
    accounts.deactivate(wh, "an", actor="quantri")
    at = reload(monkeypatch, fresh).run()
    assert [t.value for t in at.title] == [text_auth.LOGIN_TITLE]


# -- the meeting link (AppTest, the real entry script) ---------------------------------------------
@pytest.fixture(scope="module")
def report_db(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("links") / "links.duckdb"
    build_report_db(path)
    return path


def meeting_pc(monkeypatch, db: Path, token: str) -> AppTest:
    monkeypatch.setenv("TTHC_DB", str(db))
    monkeypatch.setattr(session_token, "cookie_token", lambda: None)
    at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=60)
    at.query_params["giaoban"] = token
    return at


def test_meeting_link_opens_meeting_mode_only_within_its_scope(monkeypatch, report_db):
    wh = Warehouse(report_db)
    scope = {"kind": "level", "level": "district"}
    token, link = sessions.issue_meeting_link(wh, "quantri", scope, hours=4)
    at = meeting_pc(monkeypatch, report_db, token).run()
    assert not at.exception, [e.value for e in at.exception]
    user = at.session_state["user"]
    assert user == User(f"giaoban#{link.session_id}", "leader", permissions.resolve_scope(wh, json.dumps(scope)))
    assert not permissions.can(user, "upload") and not permissions.can(user, "edit_targets")   # read-only
    assert not at.text_input or all(t.key != "auth_login_password" for t in at.text_input)
    assert [b.key for b in at.button if b.key in ("meeting_prev", "meeting_next")] == ["meeting_prev", "meeting_next"]
    assert at.session_state["meeting_opt_cap"] == "district"       # the slides follow the link's scope
    # other pages cannot be opened: the navigation holds the meeting page alone
    for other in ("overview", "admin_users", "upload"):
        with pytest.raises(ValueError, match=r"Known pages: \['[^']*pages/meeting.py'\]"):
            at.switch_page(f"pages/{other}.py")
    # F5 on the meeting PC: a new session with the same address is signed in again
    assert meeting_pc(monkeypatch, report_db, token).run().session_state["user"].name == user.name


def test_revoked_or_expired_meeting_link_opens_nothing(monkeypatch, report_db):
    wh = Warehouse(report_db)
    if not accounts.has_users(wh):
        accounts.create_user(wh, "quantri", PASSWORD, "admin")      # so the login form (not the first-run form) shows
    token, link = sessions.issue_meeting_link(wh, "quantri", {"kind": "province"}, hours=4)
    at = meeting_pc(monkeypatch, report_db, token).run()
    assert at.session_state["user"].name == link.meeting_name
    sessions.revoke_meeting_link(wh, link.session_id, "quantri")
    at.run()                                               # the open screen is out at its next rerun
    assert "user" not in at.session_state or not isinstance(at.session_state["user"], User)
    assert any(text_auth.MEETING_LINK_INVALID in i.value for i in at.info)
    expired, _ = sessions.issue_meeting_link(wh, "quantri", {"kind": "province"}, hours=1,
                                             now=dt.datetime.now() - dt.timedelta(hours=2))
    at = meeting_pc(monkeypatch, report_db, expired).run()
    assert any(text_auth.MEETING_LINK_INVALID in i.value for i in at.info)
    assert "user" not in at.session_state


def test_admin_makes_and_revokes_a_link_on_the_users_page(wh):
    accounts.create_user(wh, "quantri", PASSWORD, "admin")
    at = AppTest.from_file(str(ROOT / "pages" / "admin_users.py"), default_timeout=30)
    at.session_state["user"] = User("quantri", "admin")
    at.session_state["last_seen"] = dt.datetime.now()
    at.run()
    assert not at.exception
    at.text_input(key="ml_label").input("Phòng họp tầng 3")
    at.number_input(key="ml_hours").set_value(3)
    [submit] = [b for b in at.button if b.label == text_auth.MEETING_LINK_CREATE]
    submit.click().run()
    assert not at.exception
    url = at.code[0].value
    token = url.split("?giaoban=", 1)[1]
    found = sessions.resolve(wh, token, sessions.MEETING)
    assert found.label == "Phòng họp tầng 3" and found.user_name == "quantri"
    assert (found.expires_at - found.created_at) == dt.timedelta(hours=3)
    at.run()
    assert not at.code                                     # shown once
    at.button(key="ml_revoke").click().run()
    assert sessions.resolve(wh, token, sessions.MEETING) is None
    assert "giaoban#" in at.success[0].value


def test_no_cookie_in_a_bare_run_means_the_login_form(wh):
    accounts.create_user(wh, "an", PASSWORD, "leader")
    at = AppTest.from_file(str(AUTH_APP), default_timeout=30).run()   # st.context without a browser
    assert not at.exception and [t.value for t in at.title] == [text_auth.LOGIN_TITLE]
    assert sessions.resolve(wh, None, sessions.LOGIN) is None and sessions.resolve(wh, 42, sessions.LOGIN) is None


def test_old_ended_sessions_are_dropped_at_the_next_login(wh):
    old = sessions.issue_login(wh, "an", now=T0 - dt.timedelta(days=40))
    sessions.revoke(wh, old, by="an", now=T0 - dt.timedelta(days=40))
    link, _ = sessions.issue_meeting_link(wh, "quantri", {"kind": "province"}, hours=2, now=T0 - dt.timedelta(days=2))
    sessions.issue_login(wh, "an", now=T0)
    # the 40-day-old revoked login is gone; the 2-day-old expired link and the new login stay
    assert sorted(r[0] for r in wh.query("SELECT kind FROM sessions")) == ["login", "meeting"]

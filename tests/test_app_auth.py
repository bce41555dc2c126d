"""The login contract in a running Streamlit script (AppTest), and the admin pages' gate."""
from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from argon2 import PasswordHasher
from streamlit.testing.v1 import AppTest

from kpi.access import accounts, permissions
from kpi.warehouse import audit
from kpi.access.permissions import User
from kpi.warehouse.db import Warehouse
from kpi.measures.filters import Scope
from ui import text_auth

ROOT = Path(__file__).resolve().parent.parent
APP = Path(__file__).resolve().parent / "apps" / "auth_app.py"
PASSWORD = "Mat-khau-rat-dai-2024"
TIMEOUT = 30


@pytest.fixture(autouse=True)
def fast_hashing(monkeypatch):
    """Cheap Argon2 parameters: these tests are about flows; test_auth checks the real hasher."""
    monkeypatch.setattr(accounts, "_HASHER", PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1))


@pytest.fixture()
def wh(tmp_path, monkeypatch) -> Warehouse:
    path = tmp_path / "app.duckdb"
    monkeypatch.setenv("TTHC_DB", str(path))
    return Warehouse(path)


def app(script: Path = APP) -> AppTest:
    return AppTest.from_file(str(script), default_timeout=TIMEOUT)


def texts(at: AppTest) -> list[str]:
    return [m.value for m in at.markdown]


def login(at: AppTest, name: str, password: str) -> AppTest:
    at.text_input(key="auth_login_name").input(name)
    at.text_input(key="auth_login_password").input(password)
    return at.button(key="auth_login_submit").click().run()


def as_user(at: AppTest, user: User, idle_minutes: float = 0) -> AppTest:
    at.session_state["user"] = user
    at.session_state["last_seen"] = dt.datetime.now() - dt.timedelta(minutes=idle_minutes)
    return at


def test_first_run_creates_the_admin(wh):
    at = app().run()
    assert [t.value for t in at.title] == [text_auth.FIRST_RUN_TITLE]
    assert not any(t.startswith("OK") for t in texts(at))
    at.text_input(key="auth_first_name").input("quantri")
    at.text_input(key="auth_first_password").input(PASSWORD)
    at.text_input(key="auth_first_again").input(PASSWORD + "x")
    at.button(key="auth_first_submit").click().run()
    assert [e.value for e in at.error] == [text_auth.PASSWORD_MISMATCH]
    assert not accounts.has_users(wh)

    at.text_input(key="auth_first_name").input("quantri")
    at.text_input(key="auth_first_password").input(PASSWORD)
    at.text_input(key="auth_first_again").input(PASSWORD)
    at.button(key="auth_first_submit").click().run()
    assert not at.exception
    assert "OK quantri" in texts(at)
    assert at.session_state["user"] == User("quantri", "admin", Scope(), None)
    assert [(u["name"], u["role"]) for u in accounts.list_users(wh)] == [("quantri", "admin")]
    # Once an account exists, the first-run form is gone for everybody.
    fresh = app().run()
    assert [t.value for t in fresh.title] == [text_auth.LOGIN_TITLE]


def test_first_run_enforces_minimum_length(wh):
    at = app().run()
    at.text_input(key="auth_first_name").input("quantri")
    at.text_input(key="auth_first_password").input("ngan")
    at.text_input(key="auth_first_again").input("ngan")
    at.button(key="auth_first_submit").click().run()
    assert "ít nhất" in at.error[0].value
    assert not accounts.has_users(wh)


def test_login_success_and_failure(wh):
    accounts.create_user(wh, "an", PASSWORD, "analyst", "level:district")
    at = app().run()
    assert [t.value for t in at.title] == [text_auth.LOGIN_TITLE]
    assert [w.label for w in at.text_input] == [text_auth.LOGIN_NAME, text_auth.LOGIN_PASSWORD]
    login(at, "an", "sai-mat-khau-roi")
    assert [e.value for e in at.error] == [accounts.GENERIC_LOGIN_ERROR]
    assert "user" not in at.session_state
    login(at, "khong-co-ai", "sai-mat-khau-roi")
    assert [e.value for e in at.error] == [accounts.GENERIC_LOGIN_ERROR]
    login(at, "an", PASSWORD)
    assert not at.exception
    assert "OK an" in texts(at)
    assert at.session_state["user"].scope == Scope(kind="level", level="district")
    # The next interaction keeps the session.
    at.run()
    assert "OK an" in texts(at)
    log = audit.read_log(wh, action="login")
    assert list(log["success"]) == [True, False, False]


def test_locked_account_is_refused_like_a_wrong_password(wh, monkeypatch):
    monkeypatch.setenv("TTHC_LOCKOUT_ATTEMPTS", "2")
    accounts.create_user(wh, "an", PASSWORD, "leader")
    at = app().run()
    login(at, "an", "sai-mat-khau-roi")
    login(at, "an", "sai-mat-khau-roi")
    assert [e.value for e in at.error] == [accounts.GENERIC_LOGIN_ERROR]
    login(at, "an", PASSWORD)
    # The lock is not told apart from a wrong password (issue 12: enumeration); the admin page shows it.
    assert [e.value for e in at.error] == [accounts.GENERIC_LOGIN_ERROR]
    assert not any(t.startswith("OK") for t in texts(at))
    assert [u["locked"] for u in accounts.list_users(wh)] == [True]


def test_seeded_session_acts_as_a_role(wh):
    at = as_user(app(), User("lan", "leader", Scope(kind="level", level="commune"))).run()
    assert not at.exception
    assert "OK lan" in texts(at)
    assert at.session_state["last_seen"] > dt.datetime.now() - dt.timedelta(seconds=30)


def test_expired_session_returns_to_login(wh, monkeypatch):
    monkeypatch.setenv("TTHC_SESSION_MINUTES", "30")
    accounts.create_user(wh, "an", PASSWORD, "leader")
    at = as_user(app(), User("an", "leader"), idle_minutes=31).run()
    assert [t.value for t in at.title] == [text_auth.LOGIN_TITLE]
    assert [i.value for i in at.info] == [text_auth.SESSION_EXPIRED]
    assert "user" not in at.session_state
    assert not any(t.startswith("OK") for t in texts(at))
    assert audit.read_log(wh, action="logout")["detail"].iloc[0] == '{"reason": "expired"}'
    login(at, "an", PASSWORD)
    assert "OK an" in texts(at)


def test_deactivated_account_is_logged_out_at_next_run(wh):
    accounts.create_user(wh, "quantri", PASSWORD, "admin")
    accounts.create_user(wh, "an", PASSWORD, "leader")
    at = as_user(app(), User("an", "leader")).run()
    assert "OK an" in texts(at)
    accounts.deactivate(wh, "an", actor="quantri")
    at.run()
    assert [t.value for t in at.title] == [text_auth.LOGIN_TITLE]
    assert "user" not in at.session_state


def test_logout_button(wh):
    accounts.create_user(wh, "an", PASSWORD, "leader")
    at = as_user(app(), User("an", "leader")).run()
    at.sidebar.button(key="auth_logout").click().run()
    assert [t.value for t in at.title] == [text_auth.LOGIN_TITLE]
    assert "user" not in at.session_state
    assert list(audit.read_log(wh, action="logout")["user_name"]) == ["an"]


def test_single_sign_on_maps_email_to_account(wh):
    accounts.create_user(wh, "quantri", PASSWORD, "admin")
    accounts.create_user(wh, "an", None, "analyst", "level:commune", email="an@tinh.gov.vn")
    at = app()
    at.secrets["auth"] = {"redirect_uri": "http://localhost:8501/oauth2callback", "cookie_secret": "x"}
    at.run()
    assert text_auth.LOGIN_SSO in [b.label for b in at.button]  # offered next to the password form
    at.user = {"is_logged_in": True, "email": "An@Tinh.gov.vn"}
    at.run()
    assert "OK an" in texts(at)
    assert at.session_state["user"].role == "analyst"

    stranger = app()
    stranger.secrets["auth"] = {"redirect_uri": "http://localhost:8501/oauth2callback", "cookie_secret": "x"}
    stranger.user = {"is_logged_in": True, "email": "la@ngoai.vn"}
    stranger.run()
    assert "chưa được cấp quyền" in stranger.error[0].value
    assert not any(t.startswith("OK") for t in texts(stranger))
    assert list(audit.read_log(wh, action="login_sso")["success"]) == [False, True]


def test_no_sso_button_without_auth_secrets(wh):
    accounts.create_user(wh, "an", PASSWORD, "leader")
    at = app().run()
    assert text_auth.LOGIN_SSO not in [b.label for b in at.button]


# -- the admin pages -----------------------------------------------------
USERS_PAGE = ROOT / "pages" / "admin_users.py"
AUDIT_PAGE = ROOT / "pages" / "admin_audit.py"


@pytest.mark.parametrize("page", [USERS_PAGE, AUDIT_PAGE])
@pytest.mark.parametrize("role", ["leader", "analyst"])
def test_admin_pages_refuse_non_admins(wh, page, role):
    accounts.create_user(wh, "quantri", PASSWORD, "admin")
    at = as_user(app(page), User("x", role)).run()
    assert not at.exception
    assert [e.value for e in at.error] == [text_auth.NOT_ALLOWED]
    assert not at.dataframe and not at.text_input


def test_admin_pages_require_login(wh):
    accounts.create_user(wh, "quantri", PASSWORD, "admin")
    at = app(USERS_PAGE).run()
    assert [t.value for t in at.title] == [text_auth.LOGIN_TITLE]
    assert not at.dataframe


def test_users_page_lists_adds_and_unlocks(wh, monkeypatch):
    accounts.create_user(wh, "quantri", PASSWORD, "admin", actor="cli:ops")
    with wh.write() as con:
        con.execute("INSERT INTO units (unit_id, name, name_key, level) VALUES ('huyen-a', 'UBND huyện A', 'huyen a', 'district')")
        con.execute("INSERT INTO units (unit_id, name, name_key, level, parent_id) VALUES ('xa-a1', 'UBND xã A1', 'xa a1', 'commune', 'huyen-a')")
    admin = User("quantri", "admin")
    at = as_user(app(USERS_PAGE), admin).run()
    assert not at.exception
    assert at.title[0].value == text_auth.USERS_TITLE
    table = at.dataframe[0].value
    assert list(table[text_auth.USERS_COLUMNS["name"]]) == ["quantri"]

    at.text_input(key="add_name").input("an")
    at.text_input(key="add_email").input("an@tinh.gov.vn")
    at.selectbox(key="add_role").select("analyst")
    at.selectbox(key="add_kind").select("units")
    at.multiselect(key="add_units").select("huyen-a")
    at.text_input(key="add_password").input(PASSWORD)
    at.text_input(key="add_again").input(PASSWORD)
    at.button(key="add_submit").click().run()
    assert not at.exception
    assert not at.error, [e.value for e in at.error]
    assert at.success[0].value == text_auth.done("Đã tạo tài khoản", "an")
    user = accounts.authenticate(wh, "an", PASSWORD)
    assert user.scope == Scope(kind="units", unit_ids=("huyen-a", "xa-a1"))
    created = audit.read_log(wh, action="user.create", user="quantri")
    assert list(created["target"]) == ["an"]
    assert "Đơn vị: UBND huyện A" in list(at.dataframe[0].value[text_auth.USERS_COLUMNS["scope"]])

    monkeypatch.setenv("TTHC_LOCKOUT_ATTEMPTS", "1")
    with pytest.raises(permissions.AuthError):
        accounts.authenticate(wh, "an", "sai-mat-khau-roi")
    at.run()
    at.selectbox(key="edit_pick").select("an").run()
    at.button(key="edit_an_unlock").click().run()
    assert not at.exception
    assert not accounts.list_users(wh)[0]["locked"]
    assert list(audit.read_log(wh, action="user.unlock")["user_name"]) == ["quantri"]


def test_users_page_resets_password_and_deactivates(wh):
    accounts.create_user(wh, "quantri", PASSWORD, "admin")
    accounts.create_user(wh, "an", PASSWORD, "leader")
    at = as_user(app(USERS_PAGE), User("quantri", "admin")).run()
    at.selectbox(key="edit_pick").select("an").run()
    at.text_input(key="edit_an_pw").input("Mat-khau-moi-2025")
    at.text_input(key="edit_an_pw_again").input("Mat-khau-moi-2025")
    at.button(key="edit_an_reset").click().run()
    assert not at.exception and not at.error
    assert accounts.authenticate(wh, "an", "Mat-khau-moi-2025").name == "an"
    at.button(key="edit_an_deactivate").click().run()
    assert not at.exception
    assert accounts.get_user(wh, "an") is None
    # An admin cannot deactivate their own account from the page.
    at.selectbox(key="edit_pick").select("quantri").run()
    assert at.button(key="edit_quantri_deactivate").disabled


def test_audit_page_shows_and_filters_the_log(wh):
    accounts.create_user(wh, "quantri", PASSWORD, "admin", actor="cli:ops")
    accounts.authenticate(wh, "quantri", PASSWORD)
    with pytest.raises(permissions.AuthError):
        accounts.authenticate(wh, "quantri", "sai-mat-khau-roi")
    at = as_user(app(AUDIT_PAGE), User("quantri", "admin")).run()
    assert not at.exception
    assert at.title[0].value == text_auth.AUDIT_TITLE
    table = at.dataframe[0].value
    assert len(table) == 3
    assert set(table[text_auth.AUDIT_COLUMNS["action"]]) == {text_auth.action_label("login"), text_auth.action_label("user.create")}
    at.selectbox(key="audit_action").select("login").run()
    assert len(at.dataframe[0].value) == 2
    at.checkbox(key="audit_failed").check().run()
    assert list(at.dataframe[0].value[text_auth.AUDIT_COLUMNS["success"]]) == [False]
    at.selectbox(key="audit_user").select("cli:ops").run()
    assert [i.value for i in at.info] == [text_auth.AUDIT_NONE]

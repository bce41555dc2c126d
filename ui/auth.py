"""Login on the Streamlit side: the contract between dashboard.py, the pages and kpi.access (accounts, permissions).

``require_user()`` is called at the top of the entry script (and of every page
that must not render for a stranger). It returns the logged-in ``kpi.access.permissions.User``
or draws a form and stops the run:

- a ``User`` in ``st.session_state["user"]`` whose session has not been idle for
  more than ``session_minutes`` is returned, and ``st.session_state["last_seen"]``
  is moved to now (tests seed both keys to act as a role);
- when the warehouse has no account at all, the first-run form creates the
  first admin;
- otherwise the login form ('Đăng nhập'); with an ``[auth]`` section in
  ``st.secrets`` it also offers single sign-on (``st.login()``), and a signed-in
  identity is mapped by its email to an account (role and scope from that row).

Deactivating an account or changing its role/scope takes effect on the user's
next interaction: the row is re-read on every run.
"""
from __future__ import annotations

import datetime as dt
import math
import secrets

import streamlit as st

from kpi import config
from kpi.access import accounts, permissions, sessions, throttle
from kpi.warehouse import audit
from kpi.access.permissions import AuthError, User
from ui import nav, session_token, text_auth
from ui.warehouse import get_warehouse

USER_KEY = "user"
LAST_SEEN_KEY = "last_seen"
METHOD_KEY = "auth_method"
MEETING_LINK = "meeting_link"  # METHOD_KEY of a session opened by a meeting link: meeting mode only
_NOTICE_KEY = "_auth_notice"
_SSO_REFUSED_KEY = "_auth_sso_refused"
_CLIENT_KEY = "_auth_client"


def _now() -> dt.datetime:
    return dt.datetime.now()


# -- sessions ------------------------------------------------------------
def _start_session(user: User, method: str, now: dt.datetime) -> User:
    st.session_state[USER_KEY] = user
    st.session_state[LAST_SEEN_KEY] = now
    st.session_state[METHOD_KEY] = method
    st.session_state.pop(_NOTICE_KEY, None)
    if method == "password":  # kept in a cookie so F5 or a browser restart keeps the session (ui.session_token)
        session_token.remember(get_warehouse(), user)
    return user


def _end_session(user: User | None, reason: str) -> str | None:
    """Forget everything of the session (filters included); returns how the user had logged in."""
    method = st.session_state.get(METHOD_KEY)
    if user is not None:
        try:
            session_token.forget(get_warehouse(), user.name)
            audit.record(get_warehouse(), user.name, "logout", user.name, {"reason": reason})
        except Exception:  # noqa: BLE001 - a busy warehouse must not keep a session alive
            pass
    for key in list(st.session_state.keys()):
        del st.session_state[key]
    return method


# -- single sign-on ------------------------------------------------------
def sso_configured() -> bool:
    """Whether ``st.secrets`` has an ``[auth]`` section (single sign-on set up)."""
    try:
        return bool(st.secrets.load_if_toml_exists() and st.secrets.get("auth"))
    except Exception:  # noqa: BLE001 - unreadable secrets: no SSO
        return False


def _sso_user(wh) -> User | None:
    """The account of the identity ``st.login()`` signed in, or None when nobody is signed in."""
    try:
        logged_in = bool(st.user.get("is_logged_in"))
    except Exception:  # noqa: BLE001
        return None
    if not logged_in:
        return None
    email = str(st.user.get("email") or "")
    refused = st.session_state.get(_SSO_REFUSED_KEY)
    if refused is None or refused[0] != email:
        try:
            return accounts.user_by_email(wh, email)
        except AuthError as error:
            st.session_state[_SSO_REFUSED_KEY] = (email, str(error))
            refused = st.session_state[_SSO_REFUSED_KEY]
    st.title(text_auth.LOGIN_TITLE)
    st.error(refused[1])
    if st.button(text_auth.SSO_SIGN_OUT, key="auth_sso_logout"):
        st.session_state.pop(_SSO_REFUSED_KEY, None)
        st.logout()
    st.stop()


def _sso_button() -> None:
    if st.button(text_auth.LOGIN_SSO, key="auth_sso_login"):
        from streamlit.auth_util import is_authlib_installed

        if not is_authlib_installed():
            st.warning(text_auth.LOGIN_SSO_MISSING)
        else:
            st.login()


# -- forms ---------------------------------------------------------------
def _login_form(wh, sso: bool) -> User | None:
    st.title(text_auth.LOGIN_TITLE)
    notice = st.session_state.get(_NOTICE_KEY)
    if notice:
        st.info(notice)
    if sso:
        _sso_button()
    with st.form("auth_login", clear_on_submit=True):
        name = st.text_input(text_auth.LOGIN_NAME, key="auth_login_name", autocomplete="username",
                             max_chars=int(config.get("max_username_length")))
        password = st.text_input(text_auth.LOGIN_PASSWORD, type="password", key="auth_login_password",
                                 autocomplete="current-password", max_chars=int(config.get("max_password_length")))
        submitted = st.form_submit_button(text_auth.LOGIN_SUBMIT, type="primary", key="auth_login_submit")
    if not submitted:
        return None
    if not name.strip() or not password:
        st.error(text_auth.LOGIN_EMPTY)
        return None
    return _throttled_login(wh, name, password)


def _client_keys() -> list[str]:
    """Who is trying, for kpi.access.throttle: this browser session and, behind a network, its IP address."""
    token = st.session_state.setdefault(_CLIENT_KEY, secrets.token_hex(8))
    keys = [f"session:{token}"]
    try:
        ip = st.context.ip_address
    except Exception:  # noqa: BLE001 - no request context (tests, bare mode)
        ip = None
    if ip:
        keys.append(f"ip:{ip}")
    return keys


def _throttled_login(wh, name: str, password: str) -> User | None:
    """kpi.access.accounts.authenticate behind the per-client brake (refused before any hashing while it holds)."""
    keys = _client_keys()
    wait = throttle.LOGINS.wait_seconds(keys)
    if wait > 0:
        st.error(text_auth.LOGIN_THROTTLED.format(seconds=math.ceil(wait)))
        return None
    try:
        user = accounts.authenticate(wh, name, password)
    except AuthError as error:
        throttle.LOGINS.failed(keys)
        st.error(str(error))
        return None
    throttle.LOGINS.succeeded(keys)
    return user


def _first_run_form(wh) -> User | None:
    minimum = int(config.get("min_password_length"))
    st.title(text_auth.FIRST_RUN_TITLE)
    st.info(text_auth.FIRST_RUN_INTRO)
    with st.form("auth_first_run", clear_on_submit=True):
        name = st.text_input(text_auth.LOGIN_NAME, key="auth_first_name", autocomplete="username")
        password = st.text_input(text_auth.LOGIN_PASSWORD, type="password", key="auth_first_password",
                                 autocomplete="new-password", help=text_auth.password_hint(minimum))
        again = st.text_input(text_auth.PASSWORD_AGAIN, type="password", key="auth_first_again",
                              autocomplete="new-password")
        st.caption(text_auth.password_hint(minimum))
        submitted = st.form_submit_button(text_auth.FIRST_RUN_SUBMIT, type="primary", key="auth_first_submit")
    if not submitted:
        return None
    if password != again:
        st.error(text_auth.PASSWORD_MISMATCH)
        return None
    try:
        user = accounts.create_first_admin(wh, name, password)
    except AuthError as error:
        st.error(str(error))
        return None
    audit.record(wh, user.name, "login", user.name, {"method": "first_run"})
    return user


# -- the contract --------------------------------------------------------
def require_user() -> User:
    """The logged-in user; otherwise draws the login (or first-run) form and stops the run."""
    now = _now()
    user = st.session_state.get(USER_KEY)
    if isinstance(user, User):
        last_seen = st.session_state.get(LAST_SEEN_KEY)
        if last_seen is not None and sessions.session_expired(last_seen, now):
            method = _end_session(user, "expired")
            if method == "sso":
                st.logout()
                st.stop()
            st.session_state[_NOTICE_KEY] = text_auth.SESSION_EXPIRED
        elif st.session_state.get(METHOD_KEY) == MEETING_LINK:
            if session_token.meeting_link_valid(get_warehouse(), now):
                st.session_state[LAST_SEEN_KEY] = now
                return user
            _end_session(user, "revoked")
            st.session_state[_NOTICE_KEY] = text_auth.MEETING_LINK_INVALID
        else:
            fresh = accounts.refresh_user(get_warehouse(), user)
            if fresh is not None:
                st.session_state[USER_KEY] = fresh
                st.session_state[LAST_SEEN_KEY] = now
                return fresh
            _end_session(user, "deactivated")

    wh = get_warehouse()
    restored = session_token.restore(wh, now)  # a reload: the login cookie, or a meeting link in the address
    if restored is not None:
        return _start_session(*restored, now)
    sso = sso_configured()
    if sso:
        user = _sso_user(wh)
        if user is not None:
            return _start_session(user, "sso", now)

    box = st.empty()
    with box.container():
        if not accounts.has_users(wh):
            user = _first_run_form(wh)
        else:
            user = _login_form(wh, sso)
    if user is None:
        st.stop()
    box.empty()
    return _start_session(user, "password", now)


def require_permission(user: User, action: str) -> None:
    """Stop the page with an error unless ``user`` may do ``action``."""
    if not permissions.can(user, action):
        st.error(text_auth.NOT_ALLOWED)
        st.stop()


def require_page(name: str) -> User:
    """The logged-in user, when its role may open page ``name`` (its action in ``ui.nav.PAGES``,
    the same that decides the menu); otherwise the page stops with an error."""
    user = require_user()
    require_permission(user, nav.BY_NAME[name].permission)
    return user


def logout_button() -> None:
    """Who is logged in and a 'Đăng xuất' button, in the sidebar."""
    user = st.session_state.get(USER_KEY)
    if not isinstance(user, User):
        return
    st.sidebar.caption(f"{user.name} · {text_auth.ROLE_LABELS.get(user.role, user.role)}")
    if st.sidebar.button(text_auth.LOGOUT, key="auth_logout"):
        method = _end_session(user, "logout")
        if method == "sso":
            st.logout()
        st.rerun()

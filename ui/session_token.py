"""The browser side of kpi.access.sessions: a login that survives F5, and the meeting link.

Streamlit 1.67 reads cookies (``st.context.cookies``, sent when the page opens) but has
no call that writes one, so ``_set_cookie`` writes it with a few lines of JavaScript
(``st.html``, JavaScript allowed, our own constant text plus a random token). The cookie
is ``SameSite=Strict``, ``Secure`` under HTTPS, limited to ``session_minutes``; it holds
only the random token, which the server checks against its stored hash on every open
(kpi.access.sessions). It cannot be HttpOnly (JavaScript sets it): a script injected into the
page could read it, which is why nothing user-supplied is ever rendered as HTML here.

The meeting link carries its token in the address (``?giaoban=…``): that is what a
bookmark on the meeting-room PC needs. It opens meeting mode only (dashboard.py), is
read-only and scoped, expires and can be revoked.
"""
from __future__ import annotations

import datetime as dt

import streamlit as st

from kpi import config
from kpi.access import accounts, permissions, sessions
from kpi.warehouse import audit
from kpi.access.permissions import User
from ui import text_auth

COOKIE = "tthc_phien"
MEETING_PARAM = "giaoban"
TOKEN_KEY = "_session_token"
_MARKER = "tthc-session-cookie"
_HIDE = "<style>[data-testid='stElementContainer']:has(.%s) {display: none;}</style>" % _MARKER
_SCRIPT = """<span class="%(marker)s"></span><script>
(function () {
  const doc = window.parent && window.parent.document ? window.parent.document : document;
  const secure = doc.location.protocol === "https:" ? "; Secure" : "";
  doc.cookie = "%(name)s=%(value)s; Path=/; Max-Age=%(age)d; SameSite=Strict" + secure;
})();
</script>"""


def cookie_token() -> str | None:
    """The login token the browser sent when this page was opened, if any."""
    try:
        value = st.context.cookies.get(COOKIE)
    except Exception:  # noqa: BLE001 - no browser context (bare mode)
        return None
    return value if isinstance(value, str) and value else None  # AppTest's context is a stand-in object


def meeting_token() -> str | None:
    value = st.query_params.get(MEETING_PARAM)
    return value if isinstance(value, str) and value else None


def _set_cookie(value: str, max_age: int) -> None:
    # the token is url-safe base64: nothing in it can break out of the JavaScript string
    safe = "".join(ch for ch in value if ch.isalnum() or ch in "-_")
    st.html(_HIDE)
    st.html(_SCRIPT % {"marker": _MARKER, "name": COOKIE, "value": safe, "age": max_age},
            unsafe_allow_javascript=True)


def remember(wh, user: User) -> None:
    """After a login: issue a login token and keep it in the browser for ``session_minutes``."""
    token = sessions.issue_login(wh, user.name)
    st.session_state[TOKEN_KEY] = token
    _set_cookie(token, int(float(config.get("session_minutes")) * 60))


def forget(wh, by: str | None) -> None:
    """At logout or expiry: the token is revoked on the server (the cookie then opens nothing)."""
    token = st.session_state.get(TOKEN_KEY) or cookie_token()
    if token:
        sessions.revoke(wh, token, by=by)


def _meeting_user(wh, session: sessions.Session) -> User:
    return User(session.meeting_name, "leader", permissions.resolve_scope(wh, session.scope_json))


def restore(wh, now: dt.datetime) -> tuple[User, str] | None:
    """(user, method) from a meeting link in the address or a login cookie; None when neither is valid.

    An invalid meeting link leaves a notice for the login form; an invalid cookie is cleared.
    """
    token = meeting_token()
    if token:
        found = sessions.resolve(wh, token, sessions.MEETING, now)
        if found is None:
            st.session_state["_auth_notice"] = text_auth.MEETING_LINK_INVALID
            return None
        user = _meeting_user(wh, found)
        audit.record(wh, user.name, "login", user.name, {"method": "meeting_link"})
        st.session_state[TOKEN_KEY] = token
        return user, "meeting_link"
    token = cookie_token()
    if not token:
        return None
    found = sessions.resolve(wh, token, sessions.LOGIN, now)
    user = accounts.get_user(wh, found.user_name) if found else None
    if user is None:
        _set_cookie("", 0)
        return None
    audit.record(wh, user.name, "login", user.name, {"method": "token"})
    st.session_state[TOKEN_KEY] = token
    _set_cookie(token, int(float(config.get("session_minutes")) * 60))  # the idle clock restarted
    return user, "token"


def meeting_link_valid(wh, now: dt.datetime) -> bool:
    """Whether the meeting link this session opened with is still valid (checked on every rerun)."""
    return sessions.resolve(wh, st.session_state.get(TOKEN_KEY), sessions.MEETING, now) is not None

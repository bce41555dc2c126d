"""Admin panel: read-only meeting links for the meeting-room PC (kpi.access.sessions, issue 17 item 7).

Drawn at the bottom of the users page. The link is shown once, when it is made: only
its hash is stored, so a lost link is revoked and a new one made.
"""
from __future__ import annotations

from typing import Callable
from urllib.parse import urlsplit

import pandas as pd
import streamlit as st

from kpi import config
from kpi.access import sessions
from kpi.access.permissions import User
from kpi.text.vi import datetime as fmt_datetime
from ui import text_auth
from ui.session_token import MEETING_PARAM

NEW_LINK_KEY = "_meeting_link_new"


def link_url(token: str) -> str:
    """The address the meeting PC opens: this server's root with the token."""
    try:
        parts = urlsplit(st.context.url or "")
        base = f"{parts.scheme}://{parts.netloc}/" if parts.scheme and parts.netloc else "/"
    except Exception:  # noqa: BLE001 - no browser context
        base = "/"
    return f"{base}?{MEETING_PARAM}={token}"


def _create_form(wh, user: User, scope_picker: Callable[[str], dict | None]) -> None:
    with st.form("meeting_link_new"):
        label = st.text_input(text_auth.MEETING_LINK_LABEL, key="ml_label")
        scope = scope_picker("ml")
        hours = st.number_input(text_auth.MEETING_LINK_HOURS, min_value=1, max_value=24 * 31, step=1,
                                value=int(config.get("meeting_link_hours")), key="ml_hours")
        submitted = st.form_submit_button(text_auth.MEETING_LINK_CREATE, type="primary")
    if not submitted:
        return
    if scope is None:
        st.error(text_auth.USER_SCOPE_UNITS_EMPTY)
        return
    token, made = sessions.issue_meeting_link(wh, user.name, scope, hours=float(hours), label=label)
    st.session_state[NEW_LINK_KEY] = (made.session_id, link_url(token), made.expires_at)


def _show_new_link() -> None:
    new = st.session_state.pop(NEW_LINK_KEY, None)
    if new:
        session_id, url, expires = new
        st.success(text_auth.MEETING_LINK_MADE.format(id=session_id, until=fmt_datetime(expires)))
        st.code(url, language=None)


def _list(wh, user: User, scope_text: Callable[[str], str]) -> None:
    links = sessions.meeting_links(wh)
    if not links:
        st.caption(text_auth.MEETING_LINK_NONE)
        return
    st.dataframe(pd.DataFrame({
        text_auth.MEETING_LINK_COLUMNS["id"]: [s.meeting_name for s in links],
        text_auth.MEETING_LINK_COLUMNS["label"]: [s.label or "" for s in links],
        text_auth.MEETING_LINK_COLUMNS["scope"]: [scope_text(s.scope_json) for s in links],
        text_auth.MEETING_LINK_COLUMNS["by"]: [s.user_name or "" for s in links],
        text_auth.MEETING_LINK_COLUMNS["expires"]: [fmt_datetime(s.expires_at) for s in links],
    }), hide_index=True, width="stretch")
    left, right = st.columns([3, 1])
    pick = left.selectbox(text_auth.MEETING_LINK_PICK, [s.session_id for s in links], key="ml_revoke_pick",
                          format_func=lambda i: next(f"{s.meeting_name} {s.label or ''}".strip()
                                                     for s in links if s.session_id == i))
    if right.button(text_auth.MEETING_LINK_REVOKE, key="ml_revoke"):
        sessions.revoke_meeting_link(wh, pick, user.name)
        st.session_state["_users_flash"] = text_auth.MEETING_LINK_REVOKED.format(id=pick)
        st.rerun()


def panel(wh, user: User, scope_picker: Callable[[str], dict | None], scope_text: Callable[[str], str]) -> None:
    """Make, list and revoke meeting links (the caller checks the admin permission)."""
    st.subheader(text_auth.MEETING_LINK_TITLE)
    st.caption(text_auth.MEETING_LINK_INTRO)
    _create_form(wh, user, scope_picker)
    _show_new_link()
    _list(wh, user, scope_text)


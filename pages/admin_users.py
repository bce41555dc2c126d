"""Người dùng: accounts, roles and data scope (admins only). Thin over kpi.access.accounts."""
from __future__ import annotations

import pandas as pd
import streamlit as st

from kpi import config
from kpi.access import accounts, permissions
from kpi.measures import units as units_mod
from ui import flash, meeting_links, text_auth
from ui.auth import require_page
from ui.scope_picker import scope_picker as pick_scope
from ui.unit_names import UnitNames
from ui.warehouse import get_warehouse

FLASH = "_users_flash"
user = require_page("admin_users")
wh = get_warehouse()

st.title(text_auth.USERS_TITLE)
flash.show(FLASH)
unit_directory = UnitNames.of(units_mod.list_units(wh))
unit_names = unit_directory.names


def scope_picker(prefix: str, current: dict | None = None) -> dict | None:
    return pick_scope(unit_directory, prefix, current)


def attempt(change, message: str) -> None:
    flash.attempt(FLASH, change, message, (permissions.AuthError,))


# -- the list -------------------------------------------------------------
users = accounts.list_users(wh)
st.subheader(text_auth.USERS_LIST)
if users:
    table = pd.DataFrame(
        {
            text_auth.USERS_COLUMNS["name"]: [u["name"] for u in users],
            text_auth.USERS_COLUMNS["role"]: [text_auth.ROLE_LABELS.get(u["role"], u["role"]) for u in users],
            text_auth.USERS_COLUMNS["scope"]: [text_auth.scope_label(u["scope"], unit_names) for u in users],
            text_auth.USERS_COLUMNS["email"]: [u["email"] or "" for u in users],
            text_auth.USERS_COLUMNS["state"]: [text_auth.state_label(u) for u in users],
            text_auth.USERS_COLUMNS["failed_attempts"]: [u["failed_attempts"] for u in users],
        }
    )
    st.dataframe(table, hide_index=True, width="stretch")
else:
    st.info(text_auth.USERS_NONE)

# -- add ------------------------------------------------------------------
with st.expander(text_auth.USER_ADD, expanded=not users):
    with st.form("users_add", clear_on_submit=False):
        name = st.text_input(text_auth.LOGIN_NAME, key="add_name")
        email = st.text_input(text_auth.USER_EMAIL, key="add_email")
        role = st.selectbox(text_auth.USER_ROLE, permissions.ROLES, format_func=text_auth.ROLE_LABELS.get, key="add_role")
        scope = scope_picker("add")
        password = st.text_input(text_auth.LOGIN_PASSWORD, type="password", key="add_password")
        again = st.text_input(text_auth.PASSWORD_AGAIN, type="password", key="add_again")
        st.caption(text_auth.password_hint(config.get("min_password_length")))
        submitted = st.form_submit_button(text_auth.USER_ADD_SUBMIT, type="primary", key="add_submit")
    if submitted:
        if password != again:
            st.error(text_auth.PASSWORD_MISMATCH)
        elif scope is None:
            st.error(text_auth.USER_SCOPE_UNITS_EMPTY)
        else:
            try:
                created = accounts.create_user(wh, name, password, role, scope, email or None, actor=user.name)
            except permissions.AuthError as error:
                st.error(str(error))
            else:
                for key in ("add_name", "add_email", "add_password", "add_again"):
                    st.session_state.pop(key, None)
                flash.done(FLASH, text_auth.done("Đã tạo tài khoản", created.name))

# -- edit -----------------------------------------------------------------
if users:
    st.subheader(text_auth.USER_EDIT)
    by_name = {u["name"]: u for u in users}
    picked = st.selectbox(text_auth.USER_PICK, list(by_name), key="edit_pick",
                          format_func=lambda n: f"{n} · {text_auth.ROLE_LABELS.get(by_name[n]['role'])} · {text_auth.state_label(by_name[n])}")
    target = by_name[picked]
    prefix = f"edit_{picked}"

    with st.form(f"{prefix}_form"):
        new_role = st.selectbox(text_auth.USER_ROLE, permissions.ROLES, index=permissions.ROLES.index(target["role"]),
                                format_func=text_auth.ROLE_LABELS.get, key=f"{prefix}_role")
        new_scope = scope_picker(prefix, target["scope"])
        new_email = st.text_input(text_auth.USER_EMAIL, value=target["email"] or "", key=f"{prefix}_email")
        save = st.form_submit_button(text_auth.USER_SAVE_ROLE_SCOPE, key=f"{prefix}_save")
    if save:
        if new_scope is None:
            st.error(text_auth.USER_SCOPE_UNITS_EMPTY)
        else:
            def save_changes() -> None:
                if new_role != target["role"]:
                    accounts.set_role(wh, picked, new_role, actor=user.name)
                if permissions.parse_scope(new_scope) != permissions.parse_scope(target["scope"]):
                    accounts.set_scope(wh, picked, new_scope, actor=user.name)
                if (new_email.strip().lower() or None) != target["email"]:
                    accounts.set_email(wh, picked, new_email or None, actor=user.name)
            attempt(save_changes, text_auth.done("Đã lưu", picked))

    with st.form(f"{prefix}_password", clear_on_submit=True):
        st.markdown(f"**{text_auth.USER_RESET_PASSWORD}**")
        new_password = st.text_input(text_auth.USER_NEW_PASSWORD, type="password", key=f"{prefix}_pw")
        new_again = st.text_input(text_auth.PASSWORD_AGAIN, type="password", key=f"{prefix}_pw_again")
        reset = st.form_submit_button(text_auth.USER_RESET_PASSWORD, key=f"{prefix}_reset")
    if reset:
        if new_password != new_again:
            st.error(text_auth.PASSWORD_MISMATCH)
        else:
            attempt(lambda: accounts.set_password(wh, picked, new_password, actor=user.name),
                    text_auth.done("Đã đặt lại mật khẩu", picked))

    left, right = st.columns(2)
    if left.button(text_auth.USER_UNLOCK, key=f"{prefix}_unlock",
                   disabled=not (target["locked"] or target["failed_attempts"])):
        attempt(lambda: accounts.unlock(wh, picked, actor=user.name), text_auth.done("Đã mở khoá", picked))
    if target["active"]:
        if right.button(text_auth.USER_DEACTIVATE, key=f"{prefix}_deactivate", disabled=picked == user.name):
            attempt(lambda: accounts.deactivate(wh, picked, actor=user.name), text_auth.done("Đã vô hiệu hoá", picked))
    elif right.button(text_auth.USER_ACTIVATE, key=f"{prefix}_activate"):
        attempt(lambda: accounts.activate(wh, picked, actor=user.name), text_auth.done("Đã kích hoạt lại", picked))

# -- meeting links: the meeting-room PC opens meeting mode without a password (issue 17) ----------
meeting_links.panel(wh, user, scope_picker, lambda scope: text_auth.scope_label(scope, unit_names))

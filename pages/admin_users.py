"""Người dùng: accounts, roles and data scope (admins only). Thin over kpi.access.accounts."""
from __future__ import annotations

import pandas as pd
import streamlit as st

from kpi import config
from kpi.access import accounts, permissions
from kpi.measures.levels import LEVELS
from kpi.text.normalize import sort_key_vi
from kpi.text.vi import CHOOSE, LEVEL_LABELS, LEVEL_SHORT
from ui import text_auth as T
from ui import meeting_links
from ui.auth import require_page
from ui.warehouse import get_warehouse

user = require_page("admin_users")
wh = get_warehouse()

st.title(T.USERS_TITLE)
flash = st.session_state.pop("_users_flash", None)
if flash:
    st.success(flash)

units = permissions.unit_options(wh)
unit_names = {u["unit_id"]: u["name"] for u in units}
level_rank = {level: i for i, level in enumerate(LEVELS)}
unit_ids = [u["unit_id"] for u in sorted(units, key=lambda u: (level_rank.get(u["level"], 9), sort_key_vi(u["name"])))]
unit_levels = {u["unit_id"]: u["level"] for u in units}


def unit_label(unit_id: str) -> str:
    return f"{unit_names.get(unit_id, unit_id)} ({LEVEL_SHORT.get(unit_levels.get(unit_id), '?')})"


def done(message: str) -> None:
    st.session_state["_users_flash"] = message
    st.rerun()


def scope_picker(prefix: str, current: dict | None = None) -> dict | None:
    """Kind, level and units pickers (all shown: a form cannot react before submit)."""
    current = current or {"kind": "province"}
    kinds = list(T.SCOPE_KIND_LABELS)
    kind = st.selectbox(T.USER_SCOPE_KIND, kinds, index=kinds.index(current["kind"]),
                        format_func=T.SCOPE_KIND_LABELS.get, key=f"{prefix}_kind")
    level = st.selectbox(T.USER_SCOPE_LEVEL, LEVELS, format_func=LEVEL_LABELS.get, key=f"{prefix}_level",
                         index=LEVELS.index(current["level"]) if current.get("level") in LEVELS else 1)
    options = unit_ids + [u for u in current.get("unit_ids", []) if u not in unit_names]
    chosen = st.multiselect(T.USER_SCOPE_UNITS, options, default=current.get("unit_ids", []),
                            format_func=unit_label, key=f"{prefix}_units", placeholder=CHOOSE)
    if kind == "province":
        return {"kind": "province"}
    if kind == "level":
        return {"kind": "level", "level": level}
    return {"kind": "units", "unit_ids": list(chosen)} if chosen else None


# -- the list -------------------------------------------------------------
users = accounts.list_users(wh)
st.subheader(T.USERS_LIST)
if users:
    table = pd.DataFrame(
        {
            T.USERS_COLUMNS["name"]: [u["name"] for u in users],
            T.USERS_COLUMNS["role"]: [T.ROLE_LABELS.get(u["role"], u["role"]) for u in users],
            T.USERS_COLUMNS["scope"]: [T.scope_label(u["scope"], unit_names) for u in users],
            T.USERS_COLUMNS["email"]: [u["email"] or "" for u in users],
            T.USERS_COLUMNS["state"]: [T.state_label(u) for u in users],
            T.USERS_COLUMNS["failed_attempts"]: [u["failed_attempts"] for u in users],
        }
    )
    st.dataframe(table, hide_index=True, width="stretch")
else:
    st.info(T.USERS_NONE)

# -- add ------------------------------------------------------------------
with st.expander(T.USER_ADD, expanded=not users):
    with st.form("users_add", clear_on_submit=False):
        name = st.text_input(T.LOGIN_NAME, key="add_name")
        email = st.text_input(T.USER_EMAIL, key="add_email")
        role = st.selectbox(T.USER_ROLE, permissions.ROLES, format_func=T.ROLE_LABELS.get, key="add_role")
        scope = scope_picker("add")
        password = st.text_input(T.LOGIN_PASSWORD, type="password", key="add_password")
        again = st.text_input(T.PASSWORD_AGAIN, type="password", key="add_again")
        st.caption(T.password_hint(config.get("min_password_length")))
        submitted = st.form_submit_button(T.USER_ADD_SUBMIT, type="primary", key="add_submit")
    if submitted:
        if password != again:
            st.error(T.PASSWORD_MISMATCH)
        elif scope is None:
            st.error(T.USER_SCOPE_UNITS_EMPTY)
        else:
            try:
                created = accounts.create_user(wh, name, password, role, scope, email or None, actor=user.name)
            except permissions.AuthError as error:
                st.error(str(error))
            else:
                for key in ("add_name", "add_email", "add_password", "add_again"):
                    st.session_state.pop(key, None)
                done(T.done("Đã tạo tài khoản", created.name))

# -- edit -----------------------------------------------------------------
if users:
    st.subheader(T.USER_EDIT)
    by_name = {u["name"]: u for u in users}
    picked = st.selectbox(T.USER_PICK, list(by_name), key="edit_pick",
                          format_func=lambda n: f"{n} · {T.ROLE_LABELS.get(by_name[n]['role'])} · {T.state_label(by_name[n])}")
    target = by_name[picked]
    prefix = f"edit_{picked}"

    with st.form(f"{prefix}_form"):
        new_role = st.selectbox(T.USER_ROLE, permissions.ROLES, index=permissions.ROLES.index(target["role"]),
                                format_func=T.ROLE_LABELS.get, key=f"{prefix}_role")
        new_scope = scope_picker(prefix, target["scope"])
        new_email = st.text_input(T.USER_EMAIL, value=target["email"] or "", key=f"{prefix}_email")
        save = st.form_submit_button(T.USER_SAVE_ROLE_SCOPE, key=f"{prefix}_save")
    if save:
        if new_scope is None:
            st.error(T.USER_SCOPE_UNITS_EMPTY)
        else:
            try:
                if new_role != target["role"]:
                    accounts.set_role(wh, picked, new_role, actor=user.name)
                if permissions.parse_scope(new_scope) != permissions.parse_scope(target["scope"]):
                    accounts.set_scope(wh, picked, new_scope, actor=user.name)
                if (new_email.strip().lower() or None) != target["email"]:
                    accounts.set_email(wh, picked, new_email or None, actor=user.name)
            except permissions.AuthError as error:
                st.error(str(error))
            else:
                done(T.done("Đã lưu", picked))

    with st.form(f"{prefix}_password", clear_on_submit=True):
        st.markdown(f"**{T.USER_RESET_PASSWORD}**")
        new_password = st.text_input(T.USER_NEW_PASSWORD, type="password", key=f"{prefix}_pw")
        new_again = st.text_input(T.PASSWORD_AGAIN, type="password", key=f"{prefix}_pw_again")
        reset = st.form_submit_button(T.USER_RESET_PASSWORD, key=f"{prefix}_reset")
    if reset:
        if new_password != new_again:
            st.error(T.PASSWORD_MISMATCH)
        else:
            try:
                accounts.set_password(wh, picked, new_password, actor=user.name)
            except permissions.AuthError as error:
                st.error(str(error))
            else:
                done(T.done("Đã đặt lại mật khẩu", picked))

    left, right = st.columns(2)
    if left.button(T.USER_UNLOCK, key=f"{prefix}_unlock",
                   disabled=not (target["locked"] or target["failed_attempts"])):
        accounts.unlock(wh, picked, actor=user.name)
        done(T.done("Đã mở khoá", picked))
    if target["active"]:
        if right.button(T.USER_DEACTIVATE, key=f"{prefix}_deactivate", disabled=picked == user.name):
            try:
                accounts.deactivate(wh, picked, actor=user.name)
            except permissions.AuthError as error:
                st.error(str(error))
            else:
                done(T.done("Đã vô hiệu hoá", picked))
    elif right.button(T.USER_ACTIVATE, key=f"{prefix}_activate"):
        accounts.activate(wh, picked, actor=user.name)
        done(T.done("Đã kích hoạt lại", picked))

# -- meeting links: the meeting-room PC opens meeting mode without a password (issue 17) ----------
meeting_links.panel(wh, user, scope_picker, lambda scope: T.scope_label(scope, unit_names))

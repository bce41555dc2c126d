"""Danh mục đơn vị: the units registry, name aliases for uploads, merges and renames (thin over kpi.measures.units)."""
from __future__ import annotations

import pandas as pd
import streamlit as st

from kpi.access import permissions
from kpi.measures import units as U
from kpi.measures.levels import LEVELS, TWO_LEVEL_FROM
from kpi.text.normalize import fold, sort_key_vi
from kpi.text.vi import CHOOSE, LEVEL_LABELS, LEVEL_SHORT, date as fmt_date
from ui import text_data as T
from ui.auth import require_page
from ui.warehouse import get_warehouse

user = require_page("units")
wh = get_warehouse()
may_edit = permissions.can(user, "edit_units")
may_alias = may_edit or permissions.can(user, "upload")
alias_scope = None if may_edit else user.scope  # kpi.measures.units.add_alias refuses units (and names) outside it

st.title(T.UNITS_TITLE)
st.caption(T.UNITS_INTRO)
flash = st.session_state.pop("_units_flash", None)
if flash:
    st.success(flash)


def done(message: str = T.SAVED) -> None:
    st.session_state["_units_flash"] = message
    st.rerun()


registry = U.list_units(wh)
visible = U.list_units(wh, user.scope)
names = dict(zip(registry["unit_id"], registry["name"]))
levels = dict(zip(registry["unit_id"], registry["level"]))
ordered_ids = [u for u, _ in sorted(names.items(), key=lambda kv: (LEVELS.index(levels[kv[0]]) if levels[kv[0]] in LEVELS else 9,
                                                                   sort_key_vi(kv[1])))]


def label(unit_id: str | None) -> str:
    if unit_id is None:
        return T.NONE_OPTION
    return f"{names.get(unit_id, unit_id)} ({LEVEL_SHORT.get(levels.get(unit_id), '?')})"


tabs = st.tabs([T.UNITS_TAB_LIST, T.UNITS_TAB_ALIASES] + ([T.UNITS_TAB_SUCCESSION, T.UNITS_TAB_ADD] if may_edit else []))

# -- list ---------------------------------------------------------------------
with tabs[0]:
    if visible.empty:
        st.info(T.UNITS_NONE)
    else:
        query = st.text_input(T.UNITS_SEARCH, key="units_search")
        shown = visible
        if query.strip():
            key = fold(query)
            shown = visible[[key in fold(n) for n in visible["name"]]]
        current = int(visible["successor_id"].isna().sum())
        st.caption(T.units_count(len(visible), current))
        table = pd.DataFrame({
            T.UNITS_COLUMNS["name"]: shown["name"],
            T.UNITS_COLUMNS["level"]: [LEVEL_LABELS.get(v, v) for v in shown["level"]],
            T.UNITS_COLUMNS["valid_from"]: [fmt_date(v) if pd.notna(v) else "" for v in shown["valid_from"]],
            T.UNITS_COLUMNS["valid_to"]: [fmt_date(v) if pd.notna(v) else "" for v in shown["valid_to"]],
            T.UNITS_COLUMNS["successor"]: [names.get(s, "") if isinstance(s, str) else "" for s in shown["successor_id"]],
            T.UNITS_COLUMNS["current_name"]: shown["current_name"],
            T.UNITS_COLUMNS["aliases"]: shown["aliases"].astype(int),
            T.UNITS_COLUMNS["unit_id"]: shown["unit_id"],
        })
        st.dataframe(table, hide_index=True, width="stretch")

# -- aliases ------------------------------------------------------------------------
with tabs[1]:
    st.caption(T.ALIAS_INTRO)
    allowed_ids = [u for u in ordered_ids if may_edit or user.scope.allows_unit(u, levels.get(u))]
    unmatched = U.unmatched_names(wh, user=user.name, scope=alias_scope)
    pending = list(dict.fromkeys(st.session_state.get("pending_unit_names", []) + unmatched))
    pending = [n for n in pending if U.resolve(wh, n) is None]
    if not may_alias:
        st.info(T.NOT_ALLOWED_EDIT)
    elif not pending:
        st.info(T.ALIAS_PENDING_NONE)
    for i, name in enumerate(pending if may_alias else []):
        suggestions = [s for s in U.suggest(wh, name, 5) if s["unit_id"] in allowed_ids]
        options = [s["unit_id"] for s in suggestions] + [u for u in allowed_ids if u not in {s["unit_id"] for s in suggestions}]
        scores = {s["unit_id"]: s["score"] for s in suggestions}
        with st.container(border=True):
            c1, c2, c3 = st.columns([3, 4, 1.3], vertical_alignment="bottom")
            c1.text_input(T.ALIAS_NAME, value=name, disabled=True, key=f"alias_name_{i}")
            picked = c2.selectbox(T.ALIAS_PICK, options, key=f"alias_pick_{i}",
                                  format_func=lambda u: T.suggestion_label(names[u], LEVEL_SHORT.get(levels[u], "?"), scores.get(u)),
                                  help=None if suggestions else T.ALIAS_NO_SUGGESTION)
            if c3.button(T.ALIAS_SAVE, key=f"alias_save_{i}", type="primary") and picked:
                try:
                    U.add_alias(wh, name, picked, user=user.name, scope=alias_scope)
                except U.UnitError as error:
                    st.error(str(error))
                else:
                    st.session_state["pending_unit_names"] = [n for n in st.session_state.get("pending_unit_names", []) if n != name]
                    done(f"{T.SAVED} “{name}” → {names[picked]}")
    if may_alias and allowed_ids:
        with st.expander(T.ALIAS_MANUAL):
            with st.form("alias_manual"):
                alias = st.text_input(T.ALIAS_NAME, key="alias_manual_name")
                picked = st.selectbox(T.ALIAS_PICK, allowed_ids, format_func=label, key="alias_manual_pick")
                submitted = st.form_submit_button(T.ALIAS_SAVE)
            if submitted:
                try:
                    U.add_alias(wh, alias, picked, user=user.name, scope=alias_scope)
                except U.UnitError as error:
                    st.error(str(error))
                else:
                    done()
    aliases = U.aliases_frame(wh, alias_scope)
    if not aliases.empty:
        st.subheader(T.ALIAS_EXISTING)
        st.dataframe(aliases.rename(columns=T.ALIAS_COLUMNS)[list(T.ALIAS_COLUMNS.values())], hide_index=True, width="stretch")

if may_edit:
    # -- merges and renames ---------------------------------------------------------
    with tabs[2]:
        st.caption(T.SUCCESSION_INTRO)
        with st.form("succession"):
            old = st.multiselect(T.SUCCESSION_OLD, ordered_ids, format_func=label, key="succ_old", placeholder=CHOOSE)
            into = st.selectbox(T.SUCCESSION_INTO, [None] + ordered_ids, format_func=label, key="succ_into")
            new_name = st.text_input(T.SUCCESSION_NEW_NAME, key="succ_new")
            on = st.date_input(T.SUCCESSION_DATE, value=TWO_LEVEL_FROM, format="DD/MM/YYYY", key="succ_on")
            c1, c2 = st.columns(2)
            save = c1.form_submit_button(T.SUCCESSION_SAVE, type="primary")
            clear = c2.form_submit_button(T.SUCCESSION_CLEAR)
        if save:
            if not old or not (into or new_name.strip()):
                st.error(T.SUCCESSION_NEED)
            else:
                try:
                    if len(old) == 1 and not into:
                        U.rename_unit(wh, old[0], new_name, on=on, user=user.name)
                    else:
                        U.merge_units(wh, old, into or new_name, on=on, user=user.name)
                except U.UnitError as error:
                    st.error(str(error))
                else:
                    done()
        if clear and old:
            for unit_id in old:
                U.set_successor(wh, unit_id, None, valid_to=None, user=user.name)
            done()

    # -- add ------------------------------------------------------------------------------
    with tabs[3]:
        with st.form("unit_add"):
            name = st.text_input(T.ADD_NAME, key="add_unit_name")
            level = st.selectbox(T.ADD_LEVEL, [None, *LEVELS], format_func=lambda v: T.NONE_OPTION if v is None else LEVEL_LABELS[v],
                                 key="add_unit_level")
            parent = st.selectbox(T.ADD_PARENT, [None] + ordered_ids, format_func=label, key="add_unit_parent")
            submitted = st.form_submit_button(T.ADD_SUBMIT, type="primary")
        if submitted:
            try:
                U.add_unit(wh, name, level, parent_id=parent, user=user.name)
            except U.UnitError as error:
                st.error(str(error))
            else:
                done()

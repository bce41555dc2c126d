"""Danh mục đơn vị: the units registry, name aliases for uploads, merges and renames (thin over kpi.measures.units)."""
from __future__ import annotations

import pandas as pd
import streamlit as st

from kpi.access import permissions
from kpi.measures import units as units_mod
from kpi.measures.levels import LEVELS, TWO_LEVEL_FROM
from kpi.text import vi
from kpi.text.normalize import fold
from kpi.text.vi import CHOOSE, LEVEL_LABELS
from ui import flash, text_data
from ui.auth import require_page
from ui.unit_names import UnitNames
from ui.warehouse import get_warehouse

FLASH = "_units_flash"
user = require_page("units")
wh = get_warehouse()
may_edit = permissions.can(user, "edit_units")
may_alias = may_edit or permissions.can(user, "upload")
alias_scope = None if may_edit else user.scope  # kpi.measures.units.add_alias refuses units (and names) outside it

st.title(text_data.UNITS_TITLE)
st.caption(text_data.UNITS_INTRO)
flash.show(FLASH)


def attempt(change, message: str = text_data.SAVED) -> None:
    flash.attempt(FLASH, change, message, (units_mod.UnitError,))


registry = units_mod.list_units(wh)
visible = units_mod.list_units(wh, user.scope)
unit_directory = UnitNames.of(registry, none_label=text_data.NONE_OPTION)
names, levels, label = unit_directory.names, unit_directory.levels, unit_directory.label
ordered_ids = unit_directory.ordered()
tabs = st.tabs([text_data.UNITS_TAB_LIST, text_data.UNITS_TAB_ALIASES] + ([text_data.UNITS_TAB_SUCCESSION, text_data.UNITS_TAB_ADD] if may_edit else []))

# -- list ---------------------------------------------------------------------
with tabs[0]:
    if visible.empty:
        st.info(text_data.UNITS_NONE)
    else:
        query = st.text_input(text_data.UNITS_SEARCH, key="units_search")
        shown = visible
        if query.strip():
            key = fold(query)
            shown = visible[[key in fold(n) for n in visible["name"]]]
        current = int(visible["successor_id"].isna().sum())
        st.caption(text_data.units_count(len(visible), current))
        table = pd.DataFrame({
            text_data.UNITS_COLUMNS["name"]: shown["name"],
            text_data.UNITS_COLUMNS["level"]: [LEVEL_LABELS.get(v, v) for v in shown["level"]],
            text_data.UNITS_COLUMNS["valid_from"]: [vi.date(v) if pd.notna(v) else "" for v in shown["valid_from"]],
            text_data.UNITS_COLUMNS["valid_to"]: [vi.date(v) if pd.notna(v) else "" for v in shown["valid_to"]],
            text_data.UNITS_COLUMNS["successor"]: [names.get(s, "") if isinstance(s, str) else "" for s in shown["successor_id"]],
            text_data.UNITS_COLUMNS["current_name"]: shown["current_name"],
            text_data.UNITS_COLUMNS["aliases"]: shown["aliases"].astype(int),
            text_data.UNITS_COLUMNS["unit_id"]: shown["unit_id"],
        })
        st.dataframe(table, hide_index=True, width="stretch")

# -- aliases ------------------------------------------------------------------------
with tabs[1]:
    st.caption(text_data.ALIAS_INTRO)
    allowed_ids = [u for u in ordered_ids if may_edit or user.scope.allows_unit(u, levels.get(u))]
    unmatched = units_mod.unmatched_names(wh, user=user.name, scope=alias_scope)
    pending = list(dict.fromkeys(st.session_state.get("pending_unit_names", []) + unmatched))
    pending = [n for n in pending if units_mod.resolve(wh, n) is None]
    if not may_alias:
        st.info(text_data.NOT_ALLOWED_EDIT)
    elif not pending:
        st.info(text_data.ALIAS_PENDING_NONE)
    for i, name in enumerate(pending if may_alias else []):
        suggestions = [s for s in units_mod.suggest(wh, name, 5) if s["unit_id"] in allowed_ids]
        options = [s["unit_id"] for s in suggestions] + [u for u in allowed_ids if u not in {s["unit_id"] for s in suggestions}]
        scores = {s["unit_id"]: s["score"] for s in suggestions}
        with st.container(border=True):
            c1, c2, c3 = st.columns([3, 4, 1.3], vertical_alignment="bottom")
            c1.text_input(text_data.ALIAS_NAME, value=name, disabled=True, key=f"alias_name_{i}")
            picked = c2.selectbox(text_data.ALIAS_PICK, options, key=f"alias_pick_{i}",
                                  format_func=lambda u: text_data.suggestion_label(names[u], unit_directory.level_short(u), scores.get(u)),
                                  help=None if suggestions else text_data.ALIAS_NO_SUGGESTION)
            if c3.button(text_data.ALIAS_SAVE, key=f"alias_save_{i}", type="primary") and picked:
                def save_alias() -> None:
                    units_mod.add_alias(wh, name, picked, user=user.name, scope=alias_scope)
                    st.session_state["pending_unit_names"] = [n for n in st.session_state.get("pending_unit_names", []) if n != name]
                attempt(save_alias, f"{text_data.SAVED} “{name}” → {names[picked]}")
    if may_alias and allowed_ids:
        with st.expander(text_data.ALIAS_MANUAL):
            with st.form("alias_manual"):
                alias = st.text_input(text_data.ALIAS_NAME, key="alias_manual_name")
                picked = st.selectbox(text_data.ALIAS_PICK, allowed_ids, format_func=label, key="alias_manual_pick")
                submitted = st.form_submit_button(text_data.ALIAS_SAVE)
            if submitted:
                attempt(lambda: units_mod.add_alias(wh, alias, picked, user=user.name, scope=alias_scope))
    aliases = units_mod.aliases_frame(wh, alias_scope)
    if not aliases.empty:
        st.subheader(text_data.ALIAS_EXISTING)
        st.dataframe(aliases.rename(columns=text_data.ALIAS_COLUMNS)[list(text_data.ALIAS_COLUMNS.values())], hide_index=True, width="stretch")

if may_edit:
    # -- merges and renames ---------------------------------------------------------
    with tabs[2]:
        st.caption(text_data.SUCCESSION_INTRO)
        with st.form("succession"):
            old = st.multiselect(text_data.SUCCESSION_OLD, ordered_ids, format_func=label, key="succ_old", placeholder=CHOOSE)
            into = st.selectbox(text_data.SUCCESSION_INTO, [None] + ordered_ids, format_func=label, key="succ_into")
            new_name = st.text_input(text_data.SUCCESSION_NEW_NAME, key="succ_new")
            on = st.date_input(text_data.SUCCESSION_DATE, value=TWO_LEVEL_FROM, format="DD/MM/YYYY", key="succ_on")
            c1, c2 = st.columns(2)
            save = c1.form_submit_button(text_data.SUCCESSION_SAVE, type="primary")
            clear = c2.form_submit_button(text_data.SUCCESSION_CLEAR)
        if save:
            if not old or not (into or new_name.strip()):
                st.error(text_data.SUCCESSION_NEED)
            elif len(old) == 1 and not into:
                attempt(lambda: units_mod.rename_unit(wh, old[0], new_name, on=on, user=user.name))
            else:
                attempt(lambda: units_mod.merge_units(wh, old, into or new_name, on=on, user=user.name))
        if clear and old:
            def clear_successors() -> None:
                for unit_id in old:
                    units_mod.set_successor(wh, unit_id, None, valid_to=None, user=user.name)
            attempt(clear_successors)

    # -- add ------------------------------------------------------------------------------
    with tabs[3]:
        with st.form("unit_add"):
            name = st.text_input(text_data.ADD_NAME, key="add_unit_name")
            level = st.selectbox(text_data.ADD_LEVEL, [None, *LEVELS], format_func=lambda v: text_data.NONE_OPTION if v is None else LEVEL_LABELS[v],
                                 key="add_unit_level")
            parent = st.selectbox(text_data.ADD_PARENT, [None] + ordered_ids, format_func=label, key="add_unit_parent")
            submitted = st.form_submit_button(text_data.ADD_SUBMIT, type="primary")
        if submitted:
            attempt(lambda: units_mod.add_unit(wh, name, level, parent_id=parent, user=user.name))

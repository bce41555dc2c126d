"""Chỉ tiêu kế hoạch: targets per year, indicator, level and unit; admins edit (versioned), others read."""
from __future__ import annotations

import datetime as dt

import pandas as pd
import streamlit as st

from kpi.access import permissions
from kpi.measures import targets as targets_mod
from kpi.measures.levels import LEVELS
from kpi.measures.metrics import KPIS
from kpi.text.vi import KPI_LABELS, LEVEL_LABELS, datetime as fmt_datetime, plan_year_note, target_phrase
from ui import text_data
from ui.auth import require_page
from ui.warehouse import get_warehouse

user = require_page("targets")
wh = get_warehouse()
targets_mod.ensure_seeded(wh)
may_edit = permissions.can(user, "edit_targets")

st.title(text_data.TARGETS_TITLE)
st.caption(text_data.TARGETS_INTRO)
flash = st.session_state.pop("_targets_flash", None)
if flash:
    st.success(flash)

history = targets_mod.targets_frame(wh, include_history=True)
unit_names = dict(wh.query("SELECT unit_id, name FROM units"))
this_year = dt.date.today().year
years = targets_mod.years_offered(wh)
year = st.selectbox(text_data.TARGETS_YEAR, years, index=years.index(this_year), key="targets_year")


def level_label(level) -> str:
    return LEVEL_LABELS.get(level, text_data.TARGETS_ALL_LEVELS) if isinstance(level, str) else text_data.TARGETS_ALL_LEVELS


def from_year_label(source_year: int) -> str:
    return text_data.TARGETS_OWN.format(year=year) if source_year == year else text_data.TARGETS_INHERITED.format(year=source_year)


def in_force_rows(in_force: list[targets_mod.Target]) -> pd.DataFrame:
    """The current rows of the targets in force for the year, inherited ones included (their own year kept)."""
    current = history[history["superseded_at"].isna()]
    keys = {(t.source_year, t.indicator, t.level or "", t.unit_id or "") for t in in_force}
    mask = [(int(r.year), r.indicator, r.level if isinstance(r.level, str) else "",
             r.unit_id if isinstance(r.unit_id, str) else "") in keys for r in current.itertuples()]
    return current[mask].sort_values(["indicator", "level"], na_position="first")


def table(rows: pd.DataFrame, with_history: bool = False) -> pd.DataFrame:
    out = pd.DataFrame({
        text_data.TARGETS_COLUMNS["indicator"]: [KPI_LABELS.get(i, i) for i in rows["indicator"]],
        text_data.TARGETS_COLUMNS["level"]: [level_label(v) for v in rows["level"]],
        text_data.TARGETS_COLUMNS["unit"]: [unit_names.get(u, u) if isinstance(u, str) else "" for u in rows["unit_id"]],
        text_data.TARGETS_COLUMNS["target"]: [target_phrase(t, d) for t, d in zip(rows["threshold"], rows["direction"])],
        **({text_data.TARGETS_COLUMNS["from_year"]: [from_year_label(int(y)) for y in rows["year"]]} if not with_history else {}),
        text_data.TARGETS_COLUMNS["source"]: rows["source"].fillna(""),
        text_data.TARGETS_COLUMNS["version"]: rows["version"].astype(int),
        text_data.TARGETS_COLUMNS["created_by"]: rows["created_by"].fillna(""),
        text_data.TARGETS_COLUMNS["created_at"]: [fmt_datetime(v.to_pydatetime()) if pd.notna(v) else "" for v in rows["created_at"]],
    })
    if with_history:
        out[text_data.TARGETS_COLUMNS["superseded_at"]] = [fmt_datetime(v.to_pydatetime()) if pd.notna(v) else ""
                                                   for v in rows["superseded_at"]]
    return out


in_force = targets_mod.targets_for_year(wh, year)
plan = targets_mod.plan_year(in_force, year)
note = plan_year_note(plan)
if not in_force:
    st.info(text_data.TARGETS_NONE)
else:
    if note:
        st.info(text_data.TARGETS_UNCONFIRMED.format(year=year, applied=note, button=text_data.TARGETS_CONFIRM.format(year=year)))
        if may_edit and st.button(text_data.TARGETS_CONFIRM.format(year=year), key="targets_confirm",
                                  help=text_data.TARGETS_CONFIRM_HELP):
            copied = targets_mod.confirm_year(wh, int(year), user=user.name)
            st.session_state["_targets_flash"] = text_data.TARGETS_CONFIRMED.format(n=copied, year=year)
            st.rerun()
    st.dataframe(table(in_force_rows(in_force)), hide_index=True, width="stretch")

if may_edit:
    st.subheader(text_data.TARGETS_EDIT)
    with st.form("target_edit"):
        c1, c2, c3 = st.columns(3)
        indicator = c1.selectbox(text_data.TARGETS_INDICATOR, list(KPIS), format_func=lambda k: KPI_LABELS.get(k, k), key="t_indicator")
        level = c2.selectbox(text_data.TARGETS_LEVEL, [None, *LEVELS], format_func=level_label, key="t_level")
        unit = c3.selectbox(text_data.TARGETS_UNIT, [None, *sorted(unit_names, key=lambda u: unit_names[u])],
                            format_func=lambda u: text_data.NONE_OPTION if u is None else unit_names[u], key="t_unit")
        c4, c5, c6 = st.columns([1, 1, 2])
        threshold = c4.number_input(text_data.TARGETS_THRESHOLD, min_value=0.0, max_value=100.0, value=97.0, step=0.5,
                                    format="%.1f", key="t_threshold")
        direction = c5.selectbox(text_data.TARGETS_DIRECTION, targets_mod.DIRECTIONS, format_func=text_data.TARGETS_DIRECTIONS.get, key="t_direction")
        source = c6.text_input(text_data.TARGETS_SOURCE, key="t_source")
        submitted = st.form_submit_button(text_data.TARGETS_SAVE, type="primary")
    if submitted:
        unit_level = None
        if unit:
            unit_level = wh.query("SELECT level FROM units WHERE unit_id = ?", [unit])[0][0]
        try:
            version = targets_mod.set_target(wh, int(year), indicator, float(threshold) / 100.0, level=level or unit_level,
                                    unit_id=unit, direction=direction, source=source.strip(), user=user.name)
        except ValueError as error:
            st.error(str(error))
        else:
            st.session_state["_targets_flash"] = text_data.TARGETS_SAVED.format(
                indicator=KPI_LABELS.get(indicator, indicator), year=year,
                target=target_phrase(float(threshold) / 100.0, direction), version=version)
            st.rerun()
else:
    st.caption(text_data.TARGETS_READ_ONLY)

with st.expander(text_data.TARGETS_HISTORY):
    past = history[history["year"] == year].sort_values(["indicator", "level", "version"], na_position="first")
    st.dataframe(table(past, with_history=True), hide_index=True, width="stretch")

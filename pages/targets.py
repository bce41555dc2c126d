"""Chỉ tiêu kế hoạch: targets per year, indicator, level and unit; admins edit (versioned), others read."""
from __future__ import annotations

import datetime as dt

import pandas as pd
import streamlit as st

from kpi import auth, targets as TG
from kpi.levels import LEVELS
from kpi.metrics import KPIS
from kpi.text_vi import KPI_LABELS, LEVEL_LABELS, datetime as fmt_datetime, target_phrase
from ui import text_data as T
from ui.auth import require_permission, require_user
from ui.warehouse import get_warehouse

user = require_user()
require_permission(user, "view")
wh = get_warehouse()
TG.ensure_seeded(wh)
may_edit = auth.can(user, "edit_targets")

st.title(T.TARGETS_TITLE)
st.caption(T.TARGETS_INTRO)
flash = st.session_state.pop("_targets_flash", None)
if flash:
    st.success(flash)

history = TG.targets_frame(wh, include_history=True)
unit_names = dict(wh.query("SELECT unit_id, name FROM units"))
this_year = dt.date.today().year
years = sorted({int(y) for y in history["year"]} | {this_year, this_year + 1}, reverse=True)
year = st.selectbox(T.TARGETS_YEAR, years, index=years.index(this_year), key="targets_year")


def level_label(level) -> str:
    return LEVEL_LABELS.get(level, T.TARGETS_ALL_LEVELS) if isinstance(level, str) else T.TARGETS_ALL_LEVELS


def table(frame: pd.DataFrame, with_history: bool = False) -> pd.DataFrame:
    out = pd.DataFrame({
        T.TARGETS_COLUMNS["indicator"]: [KPI_LABELS.get(i, i) for i in frame["indicator"]],
        T.TARGETS_COLUMNS["level"]: [level_label(v) for v in frame["level"]],
        T.TARGETS_COLUMNS["unit"]: [unit_names.get(u, u) if isinstance(u, str) else "" for u in frame["unit_id"]],
        T.TARGETS_COLUMNS["target"]: [target_phrase(t, d) for t, d in zip(frame["threshold"], frame["direction"])],
        T.TARGETS_COLUMNS["source"]: frame["source"].fillna(""),
        T.TARGETS_COLUMNS["version"]: frame["version"].astype(int),
        T.TARGETS_COLUMNS["created_by"]: frame["created_by"].fillna(""),
        T.TARGETS_COLUMNS["created_at"]: [fmt_datetime(v.to_pydatetime()) if pd.notna(v) else "" for v in frame["created_at"]],
    })
    if with_history:
        out[T.TARGETS_COLUMNS["superseded_at"]] = [fmt_datetime(v.to_pydatetime()) if pd.notna(v) else ""
                                                   for v in frame["superseded_at"]]
    return out


current = history[(history["year"] == year) & history["superseded_at"].isna()]
if current.empty:
    in_force = TG.targets_for_year(wh, year)
    st.info(T.TARGETS_NONE_YEAR.format(year=year)
            + (f" Đang áp dụng chỉ tiêu năm {in_force[0].source_year}." if in_force else ""))
else:
    st.dataframe(table(current), hide_index=True, width="stretch")

if may_edit:
    st.subheader(T.TARGETS_EDIT)
    with st.form("target_edit"):
        c1, c2, c3 = st.columns(3)
        indicator = c1.selectbox(T.TARGETS_INDICATOR, list(KPIS), format_func=lambda k: KPI_LABELS.get(k, k), key="t_indicator")
        level = c2.selectbox(T.TARGETS_LEVEL, [None, *LEVELS], format_func=level_label, key="t_level")
        unit = c3.selectbox(T.TARGETS_UNIT, [None, *sorted(unit_names, key=lambda u: unit_names[u])],
                            format_func=lambda u: T.NONE_OPTION if u is None else unit_names[u], key="t_unit")
        c4, c5, c6 = st.columns([1, 1, 2])
        threshold = c4.number_input(T.TARGETS_THRESHOLD, min_value=0.0, max_value=100.0, value=97.0, step=0.5,
                                    format="%.1f", key="t_threshold")
        direction = c5.selectbox(T.TARGETS_DIRECTION, TG.DIRECTIONS, format_func=T.TARGETS_DIRECTIONS.get, key="t_direction")
        source = c6.text_input(T.TARGETS_SOURCE, key="t_source")
        submitted = st.form_submit_button(T.TARGETS_SAVE, type="primary")
    if submitted:
        unit_level = None
        if unit:
            unit_level = wh.query("SELECT level FROM units WHERE unit_id = ?", [unit])[0][0]
        try:
            version = TG.set_target(wh, int(year), indicator, float(threshold) / 100.0, level=level or unit_level,
                                    unit_id=unit, direction=direction, source=source.strip(), user=user.name)
        except ValueError as error:
            st.error(str(error))
        else:
            st.session_state["_targets_flash"] = T.TARGETS_SAVED.format(
                indicator=KPI_LABELS.get(indicator, indicator), year=year,
                target=target_phrase(float(threshold) / 100.0, direction), version=version)
            st.rerun()
else:
    st.caption(T.TARGETS_READ_ONLY)

with st.expander(T.TARGETS_HISTORY):
    past = history[history["year"] == year].sort_values(["indicator", "level", "version"], na_position="first")
    st.dataframe(table(past, with_history=True), hide_index=True, width="stretch")

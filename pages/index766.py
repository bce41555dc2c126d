"""Chỉ số 766: the province's service-index score and grade, each group against its maximum, the
trend by month with the portal's publication points, units ranked among peers of their type,
the units that lose most points, what raises the score most (down to the dossiers), and the
published scores reconciled with ours. Numbers: kpi.measures.index766(_insight); drawing: ui.index766."""
from __future__ import annotations

import streamlit as st

from kpi.measures import index766_insight as insight
from kpi.text import index766 as T
from ui import charts
from ui import forecast as forecast_ui
from ui import frame as frame_mod
from ui import index766 as V
from ui import widgets as W

frame = frame_mod.current()
W.style()
frame_mod.header(frame, T.TITLE)
st.caption(T.INTRO)
report = V.report(frame)
province = report.province

left, right = st.columns([2, 3])
with left, st.container(border=True):
    V.total_tiles(province)
with right:
    charts.show(V.group_bullets(province), key="ix_bullets")

st.subheader(T.GROUPS_HEADING)
st.dataframe(V.groups_table(province), hide_index=True, width="stretch")
forecast_ui.index_section(frame)  # where the year ends at this pace (simulated)

charts.show(V.trend(V.monthly(frame, V.trend_window(frame))), key="ix_trend")

st.subheader(T.GAINS_HEADING)
V.gains_section(frame, insight.gains(report), province)

if report.levels and not frame.filters.unit_ids:
    st.subheader(T.LEVELS_HEADING)
    st.dataframe(V.levels_table(report), hide_index=True, width="stretch")

ranked = insight.ranking(report)
if not ranked.empty:
    st.subheader(T.RANKING_HEADING)
    st.caption(V.peers_caption(ranked) + " · " + T.RANKING_NOTE)
    st.dataframe(V.ranking_table(ranked), hide_index=True, width="stretch", height=420)

losing = insight.losing_units(report)
if not losing.empty:
    st.subheader(T.LOSING_HEADING)
    st.caption(T.LOSING_CAPTION)
    st.dataframe(V.losing_table(losing), hide_index=True, width="stretch")

reconciled = insight.reconciliation(report)
if not reconciled.empty:
    st.subheader(T.RECONCILE_HEADING)
    st.dataframe(V.reconciliation_table(reconciled), hide_index=True, width="stretch")
if report.unmatched and frame.scope.is_province:  # portal names, not units of a scope
    st.caption(T.UNMATCHED_UNITS.format(names=", ".join(report.unmatched)))

V.ckmb_entry(frame)

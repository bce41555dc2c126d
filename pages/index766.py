"""Chỉ số 766: the province's service-index score and grade, each group against its maximum, the
trend by month with the portal's publication points, units ranked among peers of their type,
the units that lose most points, what raises the score most (down to the dossiers), and the
published scores reconciled with ours. Numbers: kpi.measures.index766(_insight); drawing: ui.index766."""
from __future__ import annotations

import streamlit as st

from kpi.measures import index766_insight as insight
from kpi.text import index766 as index_text
from ui import charts
from ui import forecast as forecast_ui
from ui import frame as frame_mod
from ui import index766 as index_view
from ui import widgets

frame = frame_mod.current()
widgets.style()
frame_mod.header(frame, index_text.TITLE)
st.caption(index_text.INTRO)
report = index_view.report(frame)
province = report.province

left, right = st.columns([2, 3])
with left, st.container(border=True):
    index_view.total_tiles(province)
with right:
    charts.show(index_view.group_bullets(province), key="ix_bullets")

st.subheader(index_text.GROUPS_HEADING)
st.dataframe(index_view.groups_table(province), hide_index=True, width="stretch")
forecast_ui.index_section(frame)  # where the year ends at this pace (simulated)

charts.show(index_view.trend(index_view.monthly(frame, index_view.trend_window(frame))), key="ix_trend")

st.subheader(index_text.GAINS_HEADING)
index_view.gains_section(frame, insight.gains(report), province)

if report.levels and not frame.filters.unit_ids:
    st.subheader(index_text.LEVELS_HEADING)
    st.dataframe(index_view.levels_table(report), hide_index=True, width="stretch")

ranked = insight.ranking(report)
if not ranked.empty:
    st.subheader(index_text.RANKING_HEADING)
    st.caption(index_view.peers_caption(ranked) + " · " + index_text.RANKING_NOTE)
    st.dataframe(index_view.ranking_table(ranked), hide_index=True, width="stretch", height=420)

losing = insight.losing_units(report)
if not losing.empty:
    st.subheader(index_text.LOSING_HEADING)
    st.caption(index_text.LOSING_CAPTION)
    st.dataframe(index_view.losing_table(losing), hide_index=True, width="stretch")

reconciled = insight.reconciliation(report)
if not reconciled.empty:
    st.subheader(index_text.RECONCILE_HEADING)
    st.dataframe(index_view.reconciliation_table(reconciled), hide_index=True, width="stretch")
if report.unmatched and frame.scope.is_province:  # portal names, not units of a scope
    st.caption(index_text.UNMATCHED_UNITS.format(names=", ".join(report.unmatched)))

index_view.ckmb_entry(frame)

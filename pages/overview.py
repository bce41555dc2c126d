"""Tổng quan: every plan KPI against its target for the selection, the levels × KPIs
matrix and the units furthest below the on-time target."""
from __future__ import annotations

import streamlit as st

from kpi.measures import metrics
from kpi.text import vi
from ui import forecast as forecast_ui
from ui import manual as manual_ui
from ui import widgets
from ui.kpi_page import kpi_page

frame, selected, unit_id, row, previous = kpi_page("overview")
level = selected.level
if unit_id and not level:
    level = frame.units().set_index("unit_id")["level"].get(unit_id)
# One verdict (kpi.measures.verdict) for the headline, the tiles and the matrix: they cannot disagree.
judged = widgets.selection_verdict(frame)

# Five-second answer: how many targets are met, which are not, and what is left out of the count.
st.markdown("### " + judged.headline())
plan_note = vi.plan_year_note(frame.plan_year())
if plan_note:
    st.caption(plan_note)
if judged.missed:
    st.markdown(judged.missed_sentence())
for note in judged.notes():
    st.caption(note)

st.caption(vi.ON_TIME_PAIR)
plan_kpis = tuple(metrics.PLAN_KPIS)
forecasts, _ = forecast_ui.selection_forecast(frame, plan_kpis, level)
for chunk in widgets.rows_of(plan_kpis):
    for column, kpi in zip(st.columns(widgets.TILES_PER_ROW), chunk):
        with column:
            widgets.tile(frame, kpi, row, previous, level, unit_id, kv=judged.kpis[kpi],
                         forecast_lines=forecast_ui.tile_lines(frame, forecasts, kpi))
if forecast_ui.note(forecasts):
    st.caption(forecast_ui.note(forecasts))

manual_ui.section(frame)  # the plan's targets without dossier data, entered by hand

province = frame.province_totals()
if province is not None:
    # Only aggregates of the whole province, for comparison, where the admin allows it.
    st.subheader(vi.PROVINCE_COMPARE_TITLE)
    st.caption(vi.PROVINCE_COMPARE_NOTE)
    for column, kpi in zip(st.columns(len(plan_kpis)), plan_kpis):
        column.metric(vi.KPI_LABELS[kpi], vi.pct(province[kpi]))

st.subheader(vi.MATRIX_TITLE)
st.markdown(widgets.level_matrix(frame, judged, plan_kpis), unsafe_allow_html=True)

widgets.attention_section(frame)

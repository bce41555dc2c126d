"""Tổng quan: every plan KPI against its target for the selection, the levels × KPIs
matrix and the units furthest below the on-time target."""
from __future__ import annotations

import streamlit as st

from kpi import text_vi as T
from kpi.filters import Filters
from kpi.targets import NOT_MET
from ui import frame as frame_mod
from ui import widgets as W

frame = frame_mod.current()
W.style()
frame_mod.header(frame, T.PAGE_TITLES["overview"])

f = frame.filters
unit_id = f.unit_ids[0] if f.unit_ids else None
level = f.level
if unit_id and not level:
    level = frame.units().set_index("unit_id")["level"].get(unit_id)
row = frame.totals()
previous = frame.totals(frame.period.previous())
by_level = frame.table(("level",), filters=Filters(unit_ids=f.unit_ids, fields=f.fields))

# Five-second answer: how many targets are met, which are not.
assessed = [(kpi, W.plan_status(frame, kpi, row, level, unit_id, by_level)) for kpi in T.OVERVIEW_PLAN_KPIS]
assessed = [(kpi, status) for kpi, status in assessed if status is not None]
missed = [T.KPI_LABELS[k] for k, s in assessed if s == NOT_MET]
st.markdown("### " + T.OVERVIEW_SCORE.format(year=frame.period.end.year, met=len(assessed) - len(missed),
                                            total=len(assessed), period=frame.period.label))
plan_note = T.plan_year_note(frame.plan_year())
if plan_note:
    st.caption(plan_note)
if missed:
    st.markdown(T.OVERVIEW_SCORE_MISSED.format(names=", ".join(missed)))

st.caption(T.ON_TIME_PAIR)
for chunk in (T.OVERVIEW_PLAN_KPIS[:4], T.OVERVIEW_PLAN_KPIS[4:]):
    for column, kpi in zip(st.columns(4), chunk):
        with column:
            W.tile(frame, kpi, row, previous, level, unit_id, by_level=by_level)

province = frame.province_totals()
if province is not None:
    # Only aggregates of the whole province, for comparison, where the admin allows it.
    st.subheader(T.PROVINCE_COMPARE_TITLE)
    st.caption(T.PROVINCE_COMPARE_NOTE)
    for column, kpi in zip(st.columns(len(T.OVERVIEW_PLAN_KPIS)), T.OVERVIEW_PLAN_KPIS):
        column.metric(T.KPI_LABELS[kpi], T.pct(province[kpi]))

st.subheader(T.MATRIX_TITLE)
st.markdown(W.level_matrix(frame, by_level, T.OVERVIEW_PLAN_KPIS), unsafe_allow_html=True)

st.subheader(T.WORST_TITLE)
units = W.with_targets(frame, frame.table(("unit",), filters=Filters(level=f.level, fields=f.fields)), "on_time_rate")
worst = units[units["status"] == NOT_MET].copy()
worst = worst.sort_values(["gap", "name"], ascending=[False, True]).head(5)
if worst.empty:
    st.success(T.WORST_NONE)
else:
    widths = [4, 2, 3, 2, 2]
    for column, text in zip(st.columns(widths), T.WORST_COLUMNS):
        column.markdown(f"**{text}**")
    month = W.period_month_param(frame.period)
    for r in worst.to_dict("records"):
        c = st.columns(widths, vertical_alignment="center")
        c[0].markdown(f"**{r['name']}**")
        c[1].markdown(T.pct(r["on_time_rate"]))
        c[2].markdown(f"−{T.points(r['target'].threshold - r['on_time_rate'])} · "
                      + T.gap_phrase("on_time_rate", r["gap"], r["target"].threshold).lower())
        c[3].markdown(T.num(r["resolved_overdue"]))
        with c[4]:
            W.drill_button(T.SEE_OVERDUE.format(n=T.num(r["resolved_overdue"])), f"worst_{r['unit_id']}",
                           "resolved_overdue", unit=r["unit_id"], month=month)

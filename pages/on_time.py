"""Giải quyết đúng hạn: TT 01 and QĐ 766 rates, early/on time/overdue by month, overdue in
progress, dossiers without due date, units and fields ranked against 97%."""
from __future__ import annotations

import streamlit as st

from kpi.text import vi
from ui import charts
from ui import widgets
from ui.kpi_page import kpi_page

frame, selected, unit_id, row, previous = kpi_page("on_time")
month = widgets.period_month_param(frame.period)
field = selected.fields[0] if selected.fields else None

st.caption(vi.ON_TIME_PAIR)
c = st.columns(5)
with c[0]:
    widgets.tile(frame, "on_time_rate", row, previous, selected.level, unit_id)
with c[1]:
    widgets.tile(frame, "progress_rate_766", row, previous, selected.level, unit_id)
with c[2], st.container(border=True):
    st.metric(vi.DRILL_SET_LABELS["resolved_overdue"], vi.num(row["resolved_overdue"]))
    widgets.drill_button(vi.DRILL_RESOLVED_OVERDUE, "ot_drill_ro", "resolved_overdue", unit_id, field, month,
                         disabled=not row["resolved_overdue"])
with c[3], st.container(border=True):
    st.metric(vi.COUNT_LABELS["in_progress_overdue"], vi.num(row["in_progress_overdue"]))
    st.caption(f"{vi.COUNT_LABELS['in_progress']}: {vi.num(row['in_progress'])}")
    widgets.drill_button(vi.DRILL_IN_PROGRESS_OVERDUE, "ot_drill_ipo", "in_progress_overdue", unit_id, field, month,
                         disabled=not row["in_progress_overdue"])
with c[4], st.container(border=True):
    no_due = int(row["resolved_no_due"]) + int(row["in_progress_no_due"])
    st.metric(vi.NO_DUE_LABEL, vi.num(no_due), help=vi.NO_DUE_HELP)
    st.caption(f"{vi.COUNT_LABELS['resolved_no_due']}: {vi.num(row['resolved_no_due'])} · "
               f"{vi.COUNT_LABELS['in_progress_no_due']}: {vi.num(row['in_progress_no_due'])}")
    widgets.drill_button(vi.DRILL_NO_DUE, "ot_drill_nodue", "no_due", unit_id, field, month,
                         disabled=not no_due)

window = widgets.trend_period(frame)
monthly = frame.table(("month",), period=window)
left, right = st.columns(2)
with left:
    charts.show(charts.stacked_months(monthly, {k: vi.COUNT_LABELS[k] for k in vi.OUTCOME_COLORS}, vi.OUTCOME_COLORS,
                                      vi.RESOLVED_BY_MONTH), key="ot_stack")
with right:
    by_level = frame.table(("month", "level"), period=window)
    charts.show(charts.kpi_trend(by_level, "on_time_rate", widgets.level_targets(frame, "on_time_rate"),
                                 vi.TREND_TITLE.format(kpi=vi.KPI_LABELS["on_time_rate"])), key="ot_trend")
left, right = st.columns(2)
with left:
    charts.show(charts.stacked_months(monthly, {"in_progress_overdue": vi.COUNT_LABELS["in_progress_overdue"]},
                                      {"in_progress_overdue": vi.OUTCOME_COLORS["resolved_overdue"]}, vi.IN_PROGRESS_OVERDUE_BY_MONTH),
                key="ot_ipo")
with right:
    charts.show(charts.kpi_trend(by_level, "progress_rate_766", widgets.level_targets(frame, "progress_rate_766"),
                                 vi.TREND_TITLE.format(kpi=vi.KPI_LABELS["progress_rate_766"])), key="ot_trend766")

widgets.ranking_section(frame, "on_time_rate", "resolved_overdue", "ot_rank", count_column="resolved_overdue")
widgets.field_section(frame, "on_time_rate", "resolved_overdue", "ot_field", count_column="resolved_overdue")

"""PAKN: handled on time against 97%, satisfaction against 93%, the backlog."""
from __future__ import annotations

import streamlit as st

from kpi.text import vi
from ui import charts
from ui import widgets
from ui.kpi_page import kpi_page

frame, selected, unit_id, row, previous = kpi_page("pakn")

c = st.columns(4)
with c[0]:
    widgets.tile(frame, "pakn_on_time_rate", row, previous, selected.level, unit_id)
with c[1]:
    widgets.tile(frame, "pakn_satisfaction_rate", row, previous, selected.level, unit_id)
with c[2], st.container(border=True):
    st.metric(vi.PAKN_COUNTS["pakn_backlog"], vi.num(row["pakn_backlog"]), help=vi.PAKN_BACKLOG_HELP)
    st.caption(f"{vi.PAKN_COUNTS['pakn_backlog_overdue']}: {vi.num(row['pakn_backlog_overdue'])}")
with c[3], st.container(border=True):
    st.metric(vi.PAKN_COUNTS["pakn_received"], vi.num(row["pakn_received"]))
    st.caption(f"{vi.PAKN_COUNTS['pakn_handled']}: {vi.num(row['pakn_handled'])}")
if int(row["pakn_due_assumed"]):
    st.caption(vi.PAKN_DUE_ASSUMED.format(n=vi.num(row["pakn_due_assumed"])))

window = widgets.trend_period(frame)
monthly_level = frame.table(("month", "level"), period=window)
levels = tuple(sorted(set(monthly_level["level"])))
left, right = st.columns(2)
with left:
    charts.show(charts.kpi_trend(monthly_level, "pakn_on_time_rate", widgets.level_targets(frame, "pakn_on_time_rate", levels),
                                 vi.TREND_TITLE.format(kpi=vi.KPI_LABELS["pakn_on_time_rate"])), key="pk_trend")
with right:
    charts.show(charts.kpi_trend(monthly_level, "pakn_satisfaction_rate",
                                 widgets.level_targets(frame, "pakn_satisfaction_rate", levels),
                                 vi.TREND_TITLE.format(kpi=vi.KPI_LABELS["pakn_satisfaction_rate"])), key="pk_sat")
monthly = frame.table(("month",), period=window)
# The same count as the tile, month by month: the backlog at each month's end, split into
# within deadline and overdue (the two parts add up to "PAKN tồn cuối kỳ").
monthly = monthly.assign(pakn_backlog_within=monthly["pakn_backlog"] - monthly["pakn_backlog_overdue"])
charts.show(charts.stacked_months(monthly, vi.PAKN_BACKLOG_PARTS,
                                  {"pakn_backlog_within": vi.OUTCOME_COLORS["resolved_on_time"],
                                   "pakn_backlog_overdue": vi.OUTCOME_COLORS["resolved_overdue"]}, vi.PAKN_BACKLOG_TITLE), key="pk_backlog")

widgets.ranking_section(frame, "pakn_on_time_rate", "resolved", "pk_rank", count_column="pakn_backlog")
widgets.field_section(frame, "pakn_on_time_rate", "resolved", "pk_field")

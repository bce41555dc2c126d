"""Số hóa & kết quả điện tử: each level against its own threshold (70/40/35%, 80/30/20%)."""
from __future__ import annotations

import streamlit as st

from kpi.text import vi
from kpi.measures.filters import Filters
from ui import charts
from ui import widgets
from ui.kpi_page import kpi_page

frame, selected, unit_id, row, previous = kpi_page("digitization")
by_level = frame.table(("level",), filters=Filters(unit_ids=selected.unit_ids, fields=selected.fields))
if selected.level:
    by_level = by_level[by_level["level"] == selected.level]

window = widgets.trend_period(frame)
monthly = frame.table(("month", "level"), period=window)
for kpi in ("digitization_rate", "e_result_rate"):
    st.subheader(vi.KPI_LABELS[kpi])
    c = st.columns([1, 2, 2])
    with c[0]:
        widgets.tile(frame, kpi, row, previous, selected.level, unit_id)
    with c[1]:
        charts.show(charts.level_bars(by_level[by_level[f"{kpi}__den"] > 0], kpi, widgets.level_targets(frame, kpi),
                                      vi.BY_LEVEL_TITLE.format(kpi=vi.KPI_LABELS[kpi]), period=frame.period),
                    key=f"dg_levels_{kpi}")
    with c[2]:
        trend = monthly if not selected.level else monthly[monthly["level"] == selected.level]
        levels = tuple(sorted(set(trend["level"])))
        charts.show(charts.kpi_trend(trend, kpi, widgets.level_targets(frame, kpi, levels),
                                     vi.TREND_TITLE.format(kpi=vi.KPI_LABELS[kpi])), key=f"dg_trend_{kpi}")

widgets.ranking_section(frame, "digitization_rate", "received", "dg_rank")
widgets.ranking_section(frame, "e_result_rate", "resolved", "er_rank")
widgets.field_section(frame, "digitization_rate", "received", "dg_field")

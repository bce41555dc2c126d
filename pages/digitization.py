"""Số hóa & kết quả điện tử: each level against its own threshold (70/40/35%, 80/30/20%)."""
from __future__ import annotations

import streamlit as st

from kpi.text import vi
from kpi.measures.filters import Filters
from ui import charts
from ui import frame as frame_mod
from ui import widgets as W

frame = frame_mod.current()
W.style()
frame_mod.header(frame, vi.PAGE_TITLES["digitization"])
f = frame.filters
unit_id = f.unit_ids[0] if f.unit_ids else None
row = frame.totals()
previous = frame.totals(frame.period.previous())
by_level = frame.table(("level",), filters=Filters(unit_ids=f.unit_ids, fields=f.fields))
if f.level:
    by_level = by_level[by_level["level"] == f.level]

window = W.trend_period(frame)
monthly = frame.table(("month", "level"), period=window)
for kpi in ("digitization_rate", "e_result_rate"):
    st.subheader(vi.KPI_LABELS[kpi])
    c = st.columns([1, 2, 2])
    with c[0]:
        W.tile(frame, kpi, row, previous, f.level, unit_id)
    with c[1]:
        charts.show(charts.level_bars(by_level[by_level[f"{kpi}__den"] > 0], kpi, W.level_targets(frame, kpi),
                                      vi.BY_LEVEL_TITLE.format(kpi=vi.KPI_LABELS[kpi]), period=frame.period),
                    key=f"dg_levels_{kpi}")
    with c[2]:
        trend = monthly if not f.level else monthly[monthly["level"] == f.level]
        levels = tuple(sorted(set(trend["level"])))
        charts.show(charts.kpi_trend(trend, kpi, W.level_targets(frame, kpi, levels),
                                     vi.TREND_TITLE.format(kpi=vi.KPI_LABELS[kpi])), key=f"dg_trend_{kpi}")

W.ranking_section(frame, "digitization_rate", "received", "dg_rank")
W.ranking_section(frame, "e_result_rate", "resolved", "er_rank")
W.field_section(frame, "digitization_rate", "received", "dg_field")

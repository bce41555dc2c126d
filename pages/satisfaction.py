"""Mức độ hài lòng: the four ratings, the trend against 94%, units and fields."""
from __future__ import annotations

import streamlit as st

from kpi.text import vi
from ui import charts
from ui import frame as frame_mod
from ui import widgets as W

frame = frame_mod.current()
W.style()
frame_mod.header(frame, vi.PAGE_TITLES["satisfaction"])
f = frame.filters
unit_id = f.unit_ids[0] if f.unit_ids else None
row = frame.totals()
previous = frame.totals(frame.period.previous())
colors = {k: vi.RATING_COLORS[r] for k, r in zip(vi.RATINGS_COLUMNS, (4, 3, 2, 1))}

c = st.columns([1, 2, 2])
with c[0]:
    W.tile(frame, "satisfaction_rate", row, previous, f.level, unit_id)
    if int(row["survey_rated"]):
        st.caption(vi.SURVEY_NOTE.format(n=vi.num(row["survey_rated"])))
with c[1]:
    by_level = frame.table(("level",))
    by_level = by_level[by_level[list(vi.RATINGS_COLUMNS)].sum(axis=1) > 0].copy()
    by_level["name"] = [vi.LEVEL_LABELS[level] for level in by_level["level"]]
    charts.show(charts.share_bars(by_level, "name", vi.RATINGS_COLUMNS, colors, vi.RATINGS_TITLE), key="sa_ratings")
with c[2]:
    window = W.trend_period(frame)
    monthly = frame.table(("month", "level"), period=window)
    levels = tuple(sorted(set(monthly["level"])))
    charts.show(charts.kpi_trend(monthly, "satisfaction_rate", W.level_targets(frame, "satisfaction_rate", levels),
                                 vi.TREND_TITLE.format(kpi=vi.KPI_LABELS["satisfaction_rate"])), key="sa_trend")

W.ranking_section(frame, "satisfaction_rate", "resolved", "sa_rank")
W.field_section(frame, "satisfaction_rate", "resolved", "sa_field")

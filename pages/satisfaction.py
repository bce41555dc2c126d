"""Mức độ hài lòng: the four ratings, the trend against 94%, units and fields."""
from __future__ import annotations

import streamlit as st

from kpi.text import vi
from ui import charts
from ui import widgets
from ui.kpi_page import kpi_page

frame, selected, unit_id, row, previous = kpi_page("satisfaction")
colors = {k: vi.RATING_COLORS[r] for k, r in zip(vi.RATINGS_COLUMNS, (4, 3, 2, 1))}

c = st.columns([1, 2, 2])
with c[0]:
    widgets.tile(frame, "satisfaction_rate", row, previous, selected.level, unit_id)
    if int(row["survey_rated"]):
        st.caption(vi.SURVEY_NOTE.format(n=vi.num(row["survey_rated"])))
with c[1]:
    by_level = frame.table(("level",))
    by_level = by_level[by_level[list(vi.RATINGS_COLUMNS)].sum(axis=1) > 0].copy()
    by_level["name"] = [vi.LEVEL_LABELS[level] for level in by_level["level"]]
    charts.show(charts.share_bars(by_level, "name", vi.RATINGS_COLUMNS, colors, vi.RATINGS_TITLE), key="sa_ratings")
with c[2]:
    window = widgets.trend_period(frame)
    monthly = frame.table(("month", "level"), period=window)
    levels = tuple(sorted(set(monthly["level"])))
    charts.show(charts.kpi_trend(monthly, "satisfaction_rate", widgets.level_targets(frame, "satisfaction_rate", levels),
                                 vi.TREND_TITLE.format(kpi=vi.KPI_LABELS["satisfaction_rate"])), key="sa_trend")

widgets.ranking_section(frame, "satisfaction_rate", "resolved", "sa_rank")
widgets.field_section(frame, "satisfaction_rate", "resolved", "sa_field")

"""Nộp hồ sơ trực tuyến: the online channel's share, by level, field and unit."""
from __future__ import annotations

import streamlit as st

from kpi.text import vi
from ui import charts
from ui import widgets
from ui.kpi_page import kpi_page

frame, selected, unit_id, row, previous = kpi_page("online")
channels = {"received_online": vi.CHANNEL_LABELS["online"], "received_direct": vi.CHANNEL_LABELS["direct"],
            "received_postal": vi.CHANNEL_LABELS["postal"]}
colors = {"received_online": vi.OKABE_ITO[0], "received_direct": vi.OKABE_ITO[1], "received_postal": vi.OKABE_ITO[4]}

c = st.columns([1, 2, 2])
with c[0]:
    widgets.tile(frame, "online_rate", row, previous, selected.level, unit_id)
    if widgets.pick(frame.targets(), "online_rate", selected.level, unit_id) is None:
        st.caption(vi.NO_TARGET_NOTE)
with c[1]:
    by_level = frame.table(("level",))
    by_level = by_level[by_level["received"] > 0].copy()
    by_level["name"] = [vi.LEVEL_LABELS[level] for level in by_level["level"]]
    charts.show(charts.share_bars(by_level, "name", channels, colors, vi.CHANNEL_TITLE), key="on_levels")
with c[2]:
    window = widgets.trend_period(frame)
    monthly = frame.table(("month", "level"), period=window)
    levels = tuple(sorted(set(monthly["level"])))
    charts.show(charts.kpi_trend(monthly, "online_rate", widgets.level_targets(frame, "online_rate", levels),
                                 vi.TREND_TITLE.format(kpi=vi.KPI_LABELS["online_rate"])), key="on_trend")

fields = frame.table(("field",))
fields = fields[(fields["received"] > 0) & fields["field"].notna()].sort_values("online_rate", key=lambda s: s.astype(float))
charts.show(charts.share_bars(fields, "field", channels, colors, vi.CHANNEL_FIELD_TITLE), key="on_fields")
widgets.ranking_section(frame, "online_rate", "received", "on_rank")
widgets.field_section(frame, "online_rate", "received", "on_field")

"""The overview's section of the plan's non-data targets: each figure entered by hand (kpi.tracking.manual)
against its target, coloured like the data KPIs, with its "nhập tay" provenance."""
from __future__ import annotations

import pandas as pd
import streamlit as st

from kpi.measures import status as target_status
from kpi.measures.filters import Filters, Scope
from kpi.measures.periods import Period
from kpi.reports.manual_slide import table_rows
from kpi.text import tracking as tracking_text
from kpi.tracking import manual
from kpi.warehouse.db import Warehouse
from ui import text_tracking as page_text
from ui.frame import Frame


def _fill(statuses: list[str]):
    """Cell backgrounds of the verdict column, one per row (the same fills as the levels × KPIs matrix)."""
    def style(column: pd.Series) -> list[str]:
        if column.name != tracking_text.MANUAL_COLUMNS[3]:
            return [""] * len(column)
        return [f"background-color: {target_status.FILLS.get(s, '#ffffff')}" for s in statuses]
    return style


@st.cache_data(show_spinner=False, max_entries=64, ttl=600)
def _figures(db: str, version: int, period: Period, scope: Scope | None, filters: Filters) -> list[manual.Figure]:
    """Keyed on the data version: an entry or a confirmed plan bumps it (kpi.warehouse.db.write)."""
    return manual.figures(Warehouse(db), period, scope, filters)


def section(frame: Frame) -> None:
    """Nothing when the year has no non-data target and the period no figure entered by hand."""
    figures = _figures(str(frame.wh.path), frame.version, frame.period, frame.scope, frame.filters)
    if not figures:
        return
    st.subheader(tracking_text.MANUAL_SECTION_TITLE)
    st.caption(page_text.MANUAL_OVERVIEW_NOTE)
    table = pd.DataFrame(table_rows(figures), columns=list(tracking_text.MANUAL_COLUMNS))
    st.dataframe(table.style.apply(_fill([f.status for f in figures])), hide_index=True, width="stretch",
                 key="overview_manual")

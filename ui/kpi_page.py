"""The opening the KPI pages share (on time, digitization, online, satisfaction, PAKN, overview).

``kpi_page(name)`` takes the run's frame, styles the page, draws its header and reads the
selection's totals for the period and the period before (for the tiles' change arrows).
"""
from __future__ import annotations

from typing import NamedTuple

from kpi.measures.filters import Filters
from kpi.text import vi
from ui import frame as frame_mod
from ui import widgets
from ui.frame import Frame


class KpiPage(NamedTuple):
    frame: Frame
    selected: Filters        # the shared filters' level, unit and field
    unit_id: str | None      # the one unit picked in the filters, if any
    row: dict                # totals of the selection in the period
    previous: dict           # the same for the previous comparable period


def kpi_page(name: str) -> KpiPage:
    """Frame, style and header of page ``name`` (a key of ``vi.PAGE_TITLES``), and its totals."""
    frame = frame_mod.current()
    widgets.style()
    frame_mod.header(frame, vi.PAGE_TITLES[name])
    selected = frame.filters
    unit_id = selected.unit_ids[0] if selected.unit_ids else None
    return KpiPage(frame, selected, unit_id, frame.totals(), frame.totals(frame.period.previous()))

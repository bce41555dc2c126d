"""Target status, in one place: what the statuses are, how one value is judged against its
target, how several statuses roll up into one, and the one colour of each status.

Every surface takes its colour from here: the dashboard's tiles (badges), the levels × KPIs
matrix and the unit scorecard (cell fills), the ranking charts, the meeting slides and their
charts (``kpi.reports.slide_charts``), the meeting page's headline and the PDF pack. The words
of each status are in ``kpi.text.verdict`` (STATUS_LABELS, STATUS_MARKS).

Colours are Okabe-Ito (colour-blind safe) and every status is also written in words or a mark
(✔ / ✘), never by colour alone: met bluish green, not met vermillion, no data / too few
dossiers / abolished level grey, no target (a rate shown without a plan target) blue.
"""
from __future__ import annotations

import math
from collections.abc import Iterable

from kpi.text import verdict as verdict_text

MET, NOT_MET, NO_DATA = "met", "not_met", "no_data"
NO_TARGET = "no_target"   # a rate without a plan target: shown, not judged
FEW = "few"               # a level with fewer dossiers than ``verdict_min_dossiers``: shown, not judged
ABOLISHED = "abolished"   # a level that no longer exists in the period (district after 01/07/2025)
INFO = "info"             # a slide whose headline rate has no target (slides say info for NO_TARGET)
JUDGED = (MET, NOT_MET)

_GREEN, _VERMILLION, _GREY, _BLUE = "#009E73", "#D55E00", "#999999", "#0072B2"
COLORS = {MET: _GREEN, NOT_MET: _VERMILLION, NO_DATA: _GREY, NO_TARGET: _BLUE, FEW: _GREY, ABOLISHED: _GREY,
          INFO: _BLUE}
# Light backgrounds of the same hues, for table cells.
FILLS = {MET: "#d4efe6", NOT_MET: "#fbd9c4", NO_DATA: "#f0f0f0", NO_TARGET: "#ffffff", FEW: "#f0f0f0",
         ABOLISHED: "#f0f0f0", INFO: "#ffffff"}
# Streamlit markdown badges take only named colours: the nearest to COLORS.
BADGE_COLORS = {MET: "green", NOT_MET: "orange", NO_DATA: "gray", FEW: "gray", ABOLISHED: "gray"}
INK = "#1a1a1a"  # text of a figure that carries no verdict (no target, info)


def assess(value: float | None, threshold: float, direction: str = ">=") -> str:
    """met / not_met / no_data. A tiny tolerance keeps 0.97 from failing 97/100 on float noise."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return NO_DATA
    if direction == ">=":
        return MET if value >= threshold - 1e-12 else NOT_MET
    return MET if value <= threshold + 1e-12 else NOT_MET


def combine(statuses: Iterable[str]) -> str:
    """The status of a KPI over several cells (levels): not met when any cell misses, met when
    one is met and none misses, else the most telling of the rest."""
    statuses = set(statuses)
    for status in (NOT_MET, MET, FEW, NO_DATA, ABOLISHED):
        if status in statuses:
            return status
    return NO_TARGET


def text_color(status: str) -> str:
    """The colour of a headline figure: its status's, or ink when it carries no verdict."""
    return COLORS[status] if status in JUDGED or status in (NO_DATA, FEW, ABOLISHED) else INK


def rgb(color: str) -> tuple[int, int, int]:
    """'#009E73' → (0, 158, 115), for the PDF."""
    return tuple(int(color[i:i + 2], 16) for i in (1, 3, 5))


def badge(status: str) -> str:
    """A Streamlit markdown badge: ':green-badge[✔ Đạt]'; '' for a status without one."""
    if status not in BADGE_COLORS:
        return ""
    mark = verdict_text.STATUS_MARKS.get(status)
    words = verdict_text.STATUS_LABELS[status]
    return f":{BADGE_COLORS[status]}-badge[{mark + ' ' if mark else ''}{words}]"

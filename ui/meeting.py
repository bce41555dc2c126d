"""Drawing of meeting mode (pages/meeting.py): the wall-screen style, one slide, the URL options.

The page file stays a thin script; what it draws and how the URL parameters are read lives here.
"""
from __future__ import annotations

import html
import time

import streamlit as st

from kpi.measures import periods
from kpi.measures import status as target_status
from kpi.measures.filters import Scope
from kpi.measures.levels import LEVELS
from kpi.measures.periods import Period
from kpi.reports import slide_charts
from kpi.text import report as report_text, vi
from ui import errors, text_errors

POLL_SECONDS = 15          # how often the screen checks for newly loaded data
AUTO_CHOICES = (0, 15, 30, 60, 120)
MONTH_CHOICES = 36          # months offered in the options panel, newest first
SCREEN_TABLE_ROWS = 5       # table rows on the wall; the PDF pack shows more
SCREEN_CHART_WITH_TABLE = 420
SLIDE_KEY = "meeting_slide"
CHANGED_KEY = "meeting_changed_at"

CSS = """
<style>
header[data-testid="stHeader"], [data-testid="stToolbar"], [data-testid="stSidebar"],
[data-testid="stSidebarCollapsedControl"], [data-testid="stDecoration"], [data-testid="stStatusWidget"],
#MainMenu, footer { display: none !important; }
[data-testid="stMainBlockContainer"], .block-container { padding: 1.2rem 2.5rem 1rem 2.5rem !important; max-width: 100% !important; }
html, body, [data-testid="stAppViewContainer"] { font-size: 24px; }
[data-testid="stMarkdownContainer"] p, [data-testid="stMarkdownContainer"] li,
[data-testid="stMarkdownContainer"] td, [data-testid="stMarkdownContainer"] th { font-size: 26px; line-height: 1.4; }
.mt-title { font-size: 46px; font-weight: 700; line-height: 1.15; margin: 0 0 0.3rem 0; color: #1a1a1a; }
.mt-sub { font-size: 26px; color: #3d3d3d; margin-bottom: 0.6rem; }
.mt-headline { font-size: 104px; font-weight: 800; line-height: 1.0; margin: 0.2rem 0; }
.mt-label { font-size: 32px; font-weight: 600; color: #1a1a1a; }
.mt-narrative { font-size: 30px; line-height: 1.45; color: #1a1a1a; margin-top: 1rem; }
.mt-counter { font-size: 26px; text-align: center; color: #3d3d3d; padding-top: 0.4rem; }
.mt-table { border-collapse: collapse; width: 100%; margin-top: 0.5rem; }
.mt-table th, .mt-table td { font-size: 24px; padding: 6px 12px; border-bottom: 1px solid #d0d0d0; text-align: left; }
.mt-table td.n, .mt-table th.n { text-align: right; }
.mt-foot { font-size: 24px; color: #555; }
[data-testid="stBaseButton-secondary"] p, [data-testid="stBaseButton-primary"] p, button p { font-size: 28px !important; }
[data-testid="stBaseButton-secondary"], [data-testid="stBaseButton-primary"] { min-height: 3.2rem; }
[data-testid="stExpander"] summary p { font-size: 24px; }
</style>
"""


# -- the URL ------------------------------------------------------------------------------
def param(name: str) -> str | None:
    value = st.query_params.get(name)
    return str(value) if value not in (None, "") else None


def int_param(name: str, default: int) -> int:
    try:
        return max(0, int(param(name) or default))
    except ValueError:
        return 0


def allowed_level(scope: Scope, wanted: str | None) -> str | None:
    """The level shown: a level-scoped user's own, else the one asked for when it is a level."""
    if scope.kind == "level":
        return scope.level
    return wanted if wanted in LEVELS else None


def warn_bad_params(scope: Scope) -> None:
    """Say which URL parameters were ignored (a bookmark '?ky=0001-01' shows the default, not a traceback)."""
    ky, cap = param("ky"), param("cap")
    if ky and periods.from_param(ky) is None:
        errors.bad_param("ky", ky, text_errors.BAD_PERIOD)
    if cap and cap not in LEVELS or (cap and scope.kind == "level" and cap != scope.level):
        errors.bad_param("cap", cap, text_errors.BAD_LEVEL)


def start_slide() -> None:
    """The slide of the URL ('slide=3'), once per browser session."""
    if SLIDE_KEY not in st.session_state:
        st.session_state[SLIDE_KEY] = max(0, int_param("slide", 1) - 1)
        st.session_state[CHANGED_KEY] = time.monotonic()


def go(delta: int, total: int) -> None:
    st.session_state[SLIDE_KEY] = (st.session_state.get(SLIDE_KEY, 0) + delta) % max(total, 1)
    st.session_state[CHANGED_KEY] = time.monotonic()


def apply_options() -> None:
    """Copy the options panel into the URL (so the screen can be bookmarked) and restart at slide 1."""
    ky = st.session_state.get("meeting_opt_ky")
    cap = st.session_state.get("meeting_opt_cap")
    auto = st.session_state.get("meeting_opt_auto")
    if ky:
        st.query_params["ky"] = ky
    _set_or_drop("cap", cap if cap in LEVELS else None)
    _set_or_drop("tu_dong", str(auto) if auto else None)
    st.session_state[SLIDE_KEY] = 0
    st.query_params["slide"] = "1"


def _set_or_drop(name: str, value: str | None) -> None:
    if value:
        st.query_params[name] = value
    elif name in st.query_params:
        del st.query_params[name]


def month_choices(period: Period, data_range: tuple) -> list[str]:
    """Period codes of the options panel: the months with data, newest first, and the one shown."""
    first, last = data_range
    months = [periods.to_param(p) for p in periods.calendar_options("month", first, last)[:MONTH_CHOICES]] \
        if first is not None else []
    current = periods.to_param(period)
    return months if current in months else [current] + months


# -- drawing ---------------------------------------------------------------------------
def table_html(table: dict) -> str:
    head = "".join(f"<th{' class=n' if i >= 2 else ''}>{html.escape(c)}</th>" for i, c in enumerate(table["columns"]))
    body = "".join(
        "<tr>" + "".join(f"<td{' class=n' if i >= 2 else ''}>{html.escape(str(v))}</td>" for i, v in enumerate(row))
        + "</tr>" for row in table["rows"])
    label = report_text.MORE_UNITS_NEXT if table.get("continued") else report_text.MORE_UNITS
    more = f"<p class='mt-foot'>{label.format(n=vi.num(table['more']))}</p>" if table.get("more") else ""
    return f"<table class='mt-table'><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>{more}"


def draw_slide(slide) -> None:
    color = target_status.text_color(slide.status)  # one palette: kpi.measures.status
    st.markdown(f"<div class='mt-title'>{html.escape(slide.title)}</div>"
                f"<div class='mt-sub'>{html.escape(slide.subtitle)}</div>", unsafe_allow_html=True)
    left, right = st.columns([2, 3], gap="large")
    with left:
        st.markdown(
            f"<div class='mt-label'>{html.escape(slide.headline_label)}</div>"
            f"<div class='mt-headline' style='color:{color}'>{html.escape(slide.headline)}</div>"
            f"<div class='mt-narrative'>{html.escape(slide.narrative)}</div>",
            unsafe_allow_html=True)
    with right:
        # With a table under it the chart gets flatter, so the whole slide fits 1080 px.
        fig = slide_charts.figure(slide.figure, height=SCREEN_CHART_WITH_TABLE if slide.table else None)
        if fig is not None:
            st.plotly_chart(fig, config={"displayModeBar": False, "responsive": True}, key=f"chart_{slide.key}",
                            theme=None)
        elif slide.table is None:
            st.markdown(f"<div class='mt-narrative'>{html.escape(vi.NO_DATA)}</div>", unsafe_allow_html=True)
    if slide.table:
        rows = slide.table["rows"]
        fit = SCREEN_TABLE_ROWS if fig is not None else len(rows)  # a table without chart has the room
        shown = dict(slide.table, rows=rows[:fit], more=int(slide.table.get("more") or 0) + max(0, len(rows) - fit))
        st.markdown(table_html(shown), unsafe_allow_html=True)


def counter(index: int, total: int, data_until) -> None:
    """'Trang 2/7 · Số liệu đến ngày 31/10/2024' under the slide."""
    freshness = " · " + report_text.DATA_UNTIL.format(date=vi.date(data_until)) if data_until else ""
    st.markdown(f"<div class='mt-counter'>{report_text.SLIDE_COUNTER.format(i=index + 1, n=total)}{freshness}</div>",
                unsafe_allow_html=True)

"""Chế độ trình chiếu: the monthly review on the wall screen (1920×1080, read from 5 m).

One slide at a time ('◀ Trước' / 'Sau ▶', optional auto-advance), no header,
sidebar or toolbar, large type. The period, level and slide live in the URL so a
presenter can bookmark ``?trinhchieu=1&ky=2024-10&cap=district&slide=3``. A
fragment polls ``wh.data_version()``: when a load commits, the numbers on screen
change without reloading the browser.
"""
from __future__ import annotations

import datetime as dt
import html
import io
import time

import streamlit as st

from kpi.measures import metrics, status
from kpi.reports import slide_charts, slides as slides_mod
from kpi.text import report as report_text, vi
from kpi.warehouse.db import Warehouse
from kpi.measures.filters import Scope
from kpi.measures.levels import LEVELS
from kpi.measures import periods
from kpi.measures.periods import Period, month

POLL_SECONDS = 15          # how often the screen checks for newly loaded data
AUTO_CHOICES = (0, 15, 30, 60, 120)
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


# -- who and what -----------------------------------------------------------------------

def _current_user():
    """The logged-in user through ui.auth.require_user(); without that module, the session's user."""
    try:
        from ui.auth import require_user
    except ImportError:
        user = st.session_state.get("user")
        if user is None:
            st.warning(report_text.NEED_LOGIN)
            st.stop()
        return user
    return require_user()


def _warehouse() -> Warehouse:
    try:
        from ui.warehouse import get_warehouse
    except ImportError:
        return Warehouse()
    return get_warehouse()


@st.cache_data(show_spinner=False, max_entries=64, ttl=24 * 3600)
def _slides(db: str, version: int, period: Period, scope: Scope | None, level: str | None) -> list:
    return slides_mod.build_slides(Warehouse(db), period, scope, level)


@st.cache_data(show_spinner=False, max_entries=16, ttl=24 * 3600)
def _months(db: str, version: int) -> list[str]:
    first, last = metrics.data_range(Warehouse(db))
    if first is None:
        return []
    out, y, m = [], last.year, last.month
    while (y, m) >= (first.year, first.month) and len(out) < 36:
        out.append(f"{y}-{m:02d}")
        y, m = (y - 1, 12) if m == 1 else (y, m - 1)
    return out


def _param(name: str) -> str | None:
    value = st.query_params.get(name)
    return str(value) if value not in (None, "") else None


def _default_period(wh: Warehouse) -> Period:
    """The last complete month with data (the review looks back at a finished month)."""
    first, last = metrics.data_range(wh)
    day = last or dt.date.today()
    current = month(day.year, day.month)
    if day < current.end and (first is None or first < current.start):
        return current.previous()
    return current


def _warn_bad_params(scope: Scope) -> None:
    """Say which URL parameters were ignored (a bookmark '?ky=0001-01' shows the default, not a traceback)."""
    from ui import errors, text_errors

    ky, cap = _param("ky"), _param("cap")
    if ky and periods.from_param(ky) is None:
        errors.bad_param("ky", ky, text_errors.BAD_PERIOD)
    if cap and cap not in LEVELS or (cap and scope.kind == "level" and cap != scope.level):
        errors.bad_param("cap", cap, text_errors.BAD_LEVEL)


def _allowed_level(scope: Scope, wanted: str | None) -> str | None:
    if scope.kind == "level":
        return scope.level
    return wanted if wanted in LEVELS else None


# -- drawing ---------------------------------------------------------------------------

def _table_html(table: dict) -> str:
    head = "".join(f"<th{' class=n' if i >= 2 else ''}>{html.escape(c)}</th>" for i, c in enumerate(table["columns"]))
    body = "".join(
        "<tr>" + "".join(f"<td{' class=n' if i >= 2 else ''}>{html.escape(str(v))}</td>" for i, v in enumerate(row))
        + "</tr>" for row in table["rows"])
    label = report_text.MORE_UNITS_NEXT if table.get("continued") else report_text.MORE_UNITS
    more = f"<p class='mt-foot'>{label.format(n=vi.num(table['more']))}</p>" if table.get("more") else ""
    return f"<table class='mt-table'><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>{more}"


def _draw(slide, index: int, total: int) -> None:
    color = status.text_color(slide.status)  # one palette: kpi.measures.status
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
        st.markdown(_table_html(shown), unsafe_allow_html=True)


def _go(delta: int, total: int) -> None:
    st.session_state[SLIDE_KEY] = (st.session_state.get(SLIDE_KEY, 0) + delta) % max(total, 1)
    st.session_state[CHANGED_KEY] = time.monotonic()


# -- the page ----------------------------------------------------------------------------

try:
    st.set_page_config(page_title=report_text.MEETING_TITLE, layout="wide", initial_sidebar_state="collapsed")
except Exception:  # noqa: BLE001 - already set by dashboard.py
    pass
st.markdown(CSS, unsafe_allow_html=True)

user = _current_user()
scope: Scope = getattr(user, "scope", None) or Scope()
wh = _warehouse()
period = periods.from_param(_param("ky")) or _default_period(wh)
level = _allowed_level(scope, _param("cap"))
_warn_bad_params(scope)
try:
    auto_seconds = max(0, int(_param("tu_dong") or 0))
except ValueError:
    auto_seconds = 0
if SLIDE_KEY not in st.session_state:
    try:
        st.session_state[SLIDE_KEY] = max(0, int(_param("slide") or 1) - 1)
    except ValueError:
        st.session_state[SLIDE_KEY] = 0
    st.session_state[CHANGED_KEY] = time.monotonic()


@st.fragment(run_every=min(auto_seconds, POLL_SECONDS) if auto_seconds else POLL_SECONDS)
def presentation() -> None:
    version = wh.data_version()  # a load that commits changes this, and with it the cache key
    deck = _slides(str(wh.path), version, period, scope, level)
    total = len(deck)
    if auto_seconds and time.monotonic() - st.session_state.get(CHANGED_KEY, 0) >= auto_seconds - 0.5:
        _go(1, total)
    index = min(st.session_state.get(SLIDE_KEY, 0), total - 1)
    st.session_state[SLIDE_KEY] = index
    st.query_params["slide"] = str(index + 1)
    _draw(deck[index], index, total)
    prev_col, counter_col, next_col = st.columns([1, 2, 1])
    with prev_col:
        st.button(report_text.BTN_PREV, key="meeting_prev", on_click=_go, args=(-1, total), width="stretch",
                  shortcut="Left")
    with counter_col:
        freshness = ""
        until = metrics.data_range(wh)[1]
        if until:
            freshness = " · " + report_text.DATA_UNTIL.format(date=vi.date(until))
        st.markdown(f"<div class='mt-counter'>{report_text.SLIDE_COUNTER.format(i=index + 1, n=total)}{freshness}</div>",
                    unsafe_allow_html=True)
    with next_col:
        st.button(report_text.BTN_NEXT, key="meeting_next", on_click=_go, args=(1, total), type="primary", width="stretch",
                  shortcut="Right")


presentation()


def _apply_options() -> None:
    ky = st.session_state.get("meeting_opt_ky")
    cap = st.session_state.get("meeting_opt_cap")
    auto = st.session_state.get("meeting_opt_auto")
    if ky:
        st.query_params["ky"] = ky
    if cap in LEVELS:
        st.query_params["cap"] = cap
    elif "cap" in st.query_params:
        del st.query_params["cap"]
    if auto:
        st.query_params["tu_dong"] = str(auto)
    elif "tu_dong" in st.query_params:
        del st.query_params["tu_dong"]
    st.session_state[SLIDE_KEY] = 0
    st.query_params["slide"] = "1"


@st.fragment
def _pack_download() -> None:
    """The meeting pack as a PDF: the same slides, built on request (about ten seconds).

    A fragment: the click reruns only this block, so the download button appears
    right under the build button instead of after a full-page rerun that could
    redraw the options panel closed (issue 17: the button showed only after
    reopening the panel)."""
    key = f"meeting_pack_{periods.to_param(period)}_{level or ''}_{wh.data_version()}"
    if st.button(report_text.BTN_MAKE_PACK, key="meeting_make_pack"):
        from kpi.warehouse import audit
        from kpi.reports import pack

        buffer = io.BytesIO()
        with st.spinner(report_text.MAKING_PACK):
            try:
                pack.build_pack(wh, period, scope, buffer, level=level)
            except (RuntimeError, ValueError) as error:
                st.error(str(error))
                return
        st.session_state[key] = buffer.getvalue()
        audit.record(wh, getattr(user, "name", None), "pack", period.label, {"level": level})
    if key in st.session_state:
        st.download_button(report_text.BTN_DOWNLOAD_PACK, st.session_state[key], mime="application/pdf",
                           file_name=f"giao-ban-{periods.to_param(period)}.pdf", key="meeting_pack_download")


with st.expander(report_text.OPTIONS, expanded=False):
    months = _months(str(wh.path), wh.data_version())
    current_ky = periods.to_param(period)
    options = months if current_ky in months else [current_ky] + months
    c1, c2, c3 = st.columns(3)
    with c1:
        st.selectbox(report_text.OPT_PERIOD, options, index=options.index(current_ky), key="meeting_opt_ky",
                     format_func=lambda k: (periods.from_param(k).label if periods.from_param(k) else k),
                     on_change=_apply_options)
    with c2:
        levels = [scope.level] if scope.kind == "level" else [""] + list(LEVELS)
        st.selectbox(report_text.OPT_LEVEL, levels, index=levels.index(level or "") if (level or "") in levels else 0,
                     key="meeting_opt_cap", format_func=lambda v: vi.LEVEL_LABELS.get(v, report_text.OPT_ALL_LEVELS),
                     on_change=_apply_options)
    with c3:
        st.selectbox(report_text.OPT_AUTO, AUTO_CHOICES, index=AUTO_CHOICES.index(auto_seconds) if auto_seconds in AUTO_CHOICES else 0,
                     key="meeting_opt_auto", on_change=_apply_options)
    _pack_download()

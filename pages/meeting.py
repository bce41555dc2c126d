"""Chế độ trình chiếu: the monthly review on the wall screen (1920×1080, read from 5 m).

One slide at a time ('◀ Trước' / 'Sau ▶', optional auto-advance), no header,
sidebar or toolbar, large type. The period, level and slide live in the URL so a
presenter can bookmark ``?trinhchieu=1&ky=2024-10&cap=district&slide=3``. A
fragment polls ``wh.data_version()``: when a load commits, the numbers on screen
change without reloading the browser. Drawing and URL handling: ``ui.meeting``.
"""
from __future__ import annotations

import io
import time

import streamlit as st

from kpi.measures import periods
from kpi.measures.levels import LEVELS
from kpi.reports import pack
from kpi.text import report as report_text, vi
from kpi.warehouse import audit
from ui import cache
from ui import frame as frame_mod
from ui import meeting as screen

st.set_page_config(page_title=report_text.MEETING_TITLE, layout="wide", initial_sidebar_state="collapsed")
st.markdown(screen.CSS, unsafe_allow_html=True)

page_frame = frame_mod.current(require_data=False, with_filters=False)
scope = page_frame.scope
wh = page_frame.wh
period = periods.from_param(screen.param("ky")) or periods.default_month(*page_frame.data_range)
level = screen.allowed_level(scope, screen.param("cap"))
screen.warn_bad_params(scope)
auto_seconds = screen.int_param("tu_dong", 0)
screen.start_slide()


@st.fragment(run_every=min(auto_seconds, screen.POLL_SECONDS) if auto_seconds else screen.POLL_SECONDS)
def presentation() -> None:
    version = wh.data_version()  # a load that commits changes this, and with it the cache key
    deck = cache.slides(wh, period, scope, level, version)
    total = len(deck)
    if auto_seconds and time.monotonic() - st.session_state.get(screen.CHANGED_KEY, 0) >= auto_seconds - 0.5:
        screen.go(1, total)
    index = min(st.session_state.get(screen.SLIDE_KEY, 0), total - 1)
    st.session_state[screen.SLIDE_KEY] = index
    st.query_params["slide"] = str(index + 1)
    screen.draw_slide(deck[index])
    prev_col, counter_col, next_col = st.columns([1, 2, 1])
    with prev_col:
        st.button(report_text.BTN_PREV, key="meeting_prev", on_click=screen.go, args=(-1, total), width="stretch",
                  shortcut="Left")
    with counter_col:
        screen.counter(index, total, cache.data_range(wh, version)[1])
    with next_col:
        st.button(report_text.BTN_NEXT, key="meeting_next", on_click=screen.go, args=(1, total), type="primary",
                  width="stretch", shortcut="Right")


presentation()


@st.fragment
def pack_download() -> None:
    """The meeting pack as a PDF: the same slides, built on request (about ten seconds).

    A fragment: the click reruns only this block, so the download button appears
    right under the build button instead of after a full-page rerun that could
    redraw the options panel closed (issue 17: the button showed only after
    reopening the panel)."""
    key = f"meeting_pack_{periods.to_param(period)}_{level or ''}_{wh.data_version()}"
    if st.button(report_text.BTN_MAKE_PACK, key="meeting_make_pack"):
        buffer = io.BytesIO()
        with st.spinner(report_text.MAKING_PACK):
            try:
                pack.build_pack(wh, period, scope, buffer, level=level)
            except (RuntimeError, ValueError) as error:
                st.error(str(error))
                return
        st.session_state[key] = buffer.getvalue()
        audit.record(wh, page_frame.user.name, "pack", period.label, {"level": level})
    if key in st.session_state:
        st.download_button(report_text.BTN_DOWNLOAD_PACK, st.session_state[key], mime="application/pdf",
                           file_name=f"giao-ban-{periods.to_param(period)}.pdf", key="meeting_pack_download")


with st.expander(report_text.OPTIONS, expanded=False):
    options = screen.month_choices(period, page_frame.data_range)
    current_ky = periods.to_param(period)
    period_col, level_col, auto_col = st.columns(3)
    with period_col:
        st.selectbox(report_text.OPT_PERIOD, options, index=options.index(current_ky), key="meeting_opt_ky",
                     format_func=lambda k: (periods.from_param(k).label if periods.from_param(k) else k),
                     on_change=screen.apply_options)
    with level_col:
        levels = [scope.level] if scope.kind == "level" else [""] + list(LEVELS)
        st.selectbox(report_text.OPT_LEVEL, levels, index=levels.index(level or "") if (level or "") in levels else 0,
                     key="meeting_opt_cap", format_func=lambda v: vi.LEVEL_LABELS.get(v, report_text.OPT_ALL_LEVELS),
                     on_change=screen.apply_options)
    with auto_col:
        choices = screen.AUTO_CHOICES
        st.selectbox(report_text.OPT_AUTO, choices, index=choices.index(auto_seconds) if auto_seconds in choices else 0,
                     key="meeting_opt_auto", on_change=screen.apply_options)
    pack_download()

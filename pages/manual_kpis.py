"""Chỉ tiêu nhập tay: figures of the plan's non-data targets entered per period with numerator,
denominator and evidence, by an analyst (units in scope) or an admin; who and when are kept and
audited (thin over kpi.tracking.manual)."""
from __future__ import annotations

import datetime as dt

import pandas as pd
import streamlit as st

from kpi.access.permissions import AuthError
from kpi.measures import periods
from kpi.reports.manual_slide import table_rows
from kpi.text import tracking as tracking_text, vi
from kpi.tracking import manual
from ui import frame as frame_mod, text_tracking as page_text
from ui.auth import require_page

KINDS = ("month", "quarter", "half", "year")

user = require_page("manual_kpis")
frame = frame_mod.current(require_data=False)
wh = frame.wh

st.title(page_text.MANUAL_TITLE)
st.markdown(f"**{frame_mod.scope_line(frame)}**")
st.caption(page_text.MANUAL_INTRO)
flash = st.session_state.pop("_manual_flash", None)
if flash:
    st.success(flash)

# -- which period -------------------------------------------------------------------------------
today = dt.date.today()
c1, c2, c3 = st.columns(3)
kind = c1.selectbox(page_text.MANUAL_PERIOD_KIND, KINDS, format_func=vi.PERIOD_KINDS.get, key="manual_kind")
year = c2.selectbox(page_text.MANUAL_YEAR, list(range(today.year, today.year - 6, -1)), key="manual_year")
if kind == "month":
    number = c3.selectbox(page_text.MANUAL_NUMBER["month"], range(1, 13), index=today.month - 1, key="manual_month")
    period = periods.month(year, number)
elif kind == "quarter":
    number = c3.selectbox(page_text.MANUAL_NUMBER["quarter"], range(1, 5), index=(today.month - 1) // 3,
                          format_func=lambda q: periods.quarter(year, q).label, key="manual_quarter")
    period = periods.quarter(year, number)
elif kind == "half":
    number = c3.selectbox(page_text.MANUAL_NUMBER["half"], (1, 2), format_func=vi.HALF_LABELS.get, key="manual_half")
    period = periods.half(year, number)
else:
    period = periods.year(year)

# -- the form -----------------------------------------------------------------------------------
in_force = manual.targets_for_year(wh, year)
keys = list(in_force) + [k for k in manual.indicator_labels() if k not in in_force]
units = frame.units()
unit_choices = ([None] if user.scope.is_province else []) + list(units["unit_id"])
unit_names = dict(zip(units["unit_id"], units["name"]))


def indicator_text(key: str) -> str:
    target = in_force.get(key)
    if target is None or target.threshold is None:
        return manual.label(key)
    return page_text.MANUAL_TARGET_OF.format(label=manual.label(key), target=target.phrase())


st.subheader(page_text.MANUAL_FORM)
if not unit_choices:
    st.info(page_text.MANUAL_NO_UNITS)
    st.stop()
with st.form("manual_entry"):
    key = st.selectbox(page_text.MANUAL_INDICATOR, keys, format_func=indicator_text, key="manual_indicator")
    unit_id = st.selectbox(page_text.MANUAL_UNIT, unit_choices, key="manual_unit",
                           format_func=lambda u: page_text.MANUAL_PROVINCE if u is None else unit_names.get(u, u))
    c1, c2 = st.columns(2)
    numerator = c1.number_input(page_text.MANUAL_NUMERATOR, min_value=0.0, step=1.0, format="%.0f", key="manual_numerator")
    denominator = c2.number_input(page_text.MANUAL_DENOMINATOR, min_value=0.0, step=1.0, format="%.0f",
                                  key="manual_denominator")
    evidence = st.text_input(page_text.MANUAL_EVIDENCE, key="manual_evidence")
    saved = st.form_submit_button(page_text.MANUAL_SAVE, type="primary")
if saved:
    if not evidence.strip():
        st.error(page_text.MANUAL_NEED_EVIDENCE)
    else:
        try:
            entry = manual.enter(wh, user, key, period, numerator, denominator or None, evidence=evidence,
                                 unit_id=unit_id)
        except (AuthError, ValueError) as error:
            st.error(str(error))
        else:
            shown = manual.figure(key, [entry], in_force.get(key)).value_text()
            st.session_state["_manual_flash"] = page_text.MANUAL_SAVED.format(label=manual.label(key), period=period.label,
                                                                      value=shown)
            st.rerun()

# -- what the period shows, and the year's entries ----------------------------------------------
st.subheader(page_text.MANUAL_FIGURES.format(period=period.label))
figures = manual.figures(wh, period, user.scope)
if figures:
    st.dataframe(pd.DataFrame(table_rows(figures), columns=list(tracking_text.MANUAL_COLUMNS)), hide_index=True,
                 width="stretch", key="manual_figures")
else:
    st.info(page_text.MANUAL_NONE.format(year=year))

history = manual.entries(wh, user.scope, within=periods.year(year), include_history=True)
if history:
    st.subheader(page_text.MANUAL_HISTORY.format(year=year))
    C = page_text.MANUAL_HISTORY_COLUMNS
    st.dataframe(pd.DataFrame({
        C["indicator"]: [manual.label(e.key) for e in history],
        C["period"]: [f"{vi.date(e.period_from)} – {vi.date(e.period_to)}" for e in history],
        C["unit"]: [page_text.MANUAL_PROVINCE if e.unit_id is None else unit_names.get(e.unit_id, e.unit_id) for e in history],
        C["numerator"]: [vi.num(e.numerator) for e in history],
        C["denominator"]: ["" if e.denominator is None else vi.num(e.denominator) for e in history],
        C["evidence"]: [e.evidence or "" for e in history],
        C["entered_by"]: [e.entered_by for e in history],
        C["entered_at"]: [vi.datetime(e.entered_at) for e in history],
        C["superseded_at"]: [vi.datetime(e.superseded_at) if e.superseded_at else "" for e in history],
    }), hide_index=True, width="stretch", key="manual_history")

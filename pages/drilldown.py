"""Tra cứu hồ sơ: the dossiers behind a number (code, procedure, dates, days late, channel),
filterable and downloadable as Excel. Opened from any ranking or tile with the set, unit,
field and month in the URL (?set=resolved_overdue&unit=…&field=…&month=2025-09)."""
from __future__ import annotations

import pandas as pd
import streamlit as st

from kpi.access import permissions
from kpi.measures import periods
from kpi.text import vi
from kpi.reports.drill_export import audited_xlsx
from kpi.measures.filters import Filters
from ui import frame as frame_mod
from ui import errors, text_errors
from ui import widgets

LIMIT, SHOWN = 50_000, 2_000

frame = frame_mod.current()
widgets.style()
params = dict(st.query_params) or dict(st.session_state.get("drill") or {})
params.pop("trinhchieu", None)
names = frame.unit_names()

period = frame.period
if params.get("month"):
    period = periods.from_param(str(params["month"])) or period
    if periods.from_param(str(params["month"])) is None:
        errors.bad_param("month", params["month"], text_errors.BAD_PERIOD)
unit = params.get("unit") if params.get("unit") in names else None
if params.get("unit") and unit is None:
    errors.bad_param("unit", params["unit"], text_errors.BAD_UNIT)
field = params.get("field") or None
from_link = bool(params.get("unit") or params.get("field") or params.get("month"))
if from_link:
    filters = Filters(unit_ids=(unit,) if unit else (), fields=(field,) if field else ())
else:
    filters = frame.filters

st.title(vi.PAGE_TITLES["drilldown"])
if from_link:
    what = " · ".join(x for x in (period.label, names.get(unit) if unit else None, field) if x)
    left, right = st.columns([3, 1], vertical_alignment="center")
    left.info(vi.DRILL_FROM_LINK.format(what=what))
    if right.button(vi.DRILL_CLEAR, key="dd_clear"):
        st.query_params.clear()
        st.session_state.pop("drill", None)
        st.rerun()
else:
    frame_mod.header(frame, vi.PAGE_TITLES["drilldown"])

sets = list(vi.DRILL_SET_LABELS)
which_param = params.get("set") if params.get("set") in sets else "resolved_overdue"
if st.session_state.get("_dd_last_param") != which_param:
    st.session_state["dd_set"] = which_param
    st.session_state["_dd_last_param"] = which_param
c = st.columns([2, 3, 2])
which = c[0].selectbox(vi.DRILL_SET_LABEL, sets, key="dd_set", format_func=vi.DRILL_SET_LABELS.get)
search = c[1].text_input(vi.DRILL_SEARCH, key="dd_search").strip().lower()
channels = c[2].multiselect(vi.DRILL_CHANNEL, list(vi.CHANNEL_LABELS), format_func=vi.CHANNEL_LABELS.get, key="dd_channel",
                              placeholder=vi.CHOOSE)

rows = frame.dossiers(which, period, filters, limit=LIMIT)
if search:
    rows = rows[rows["code"].str.lower().str.contains(search, regex=False)
                | rows["procedure"].fillna("").str.lower().str.contains(search, regex=False)]
if channels:
    rows = rows[rows["channel"].isin(channels)]

st.subheader(f"{vi.DRILL_SET_LABELS[which]} · {vi.DRILL_COUNT.format(n=vi.num(len(rows)))}")
if rows.empty:
    st.info(vi.DRILL_NONE)
    st.stop()


shown = rows.head(SHOWN)
table = pd.DataFrame({
    vi.DOSSIER_COLUMNS["code"]: shown["code"],
    vi.DOSSIER_COLUMNS["unit"]: shown["unit"],
    vi.DOSSIER_COLUMNS["field"]: shown["field"],
    vi.DOSSIER_COLUMNS["procedure"]: shown["procedure"],
    vi.DOSSIER_COLUMNS["received_at"]: [vi.datetime(v) for v in shown["received_at"]],
    vi.DOSSIER_COLUMNS["due_at"]: [vi.datetime(v) for v in shown["due_at"]],
    vi.DOSSIER_COLUMNS["finished_at"]: [vi.datetime(v) for v in shown["finished_at"]],
    vi.DOSSIER_COLUMNS["days_late"]: [vi.num(v) if pd.notna(v) else "" for v in shown["days_late"]],
    vi.DOSSIER_COLUMNS["channel"]: [vi.CHANNEL_LABELS.get(v, v or "") for v in shown["channel"]],
})
if len(rows) > SHOWN:
    st.caption(vi.DRILL_LIMIT.format(shown=vi.num(SHOWN), limit=vi.num(len(rows))))
st.dataframe(table, hide_index=True, width="stretch", height=560)
if permissions.can(frame.user, "export"):
    title = f"{vi.DRILL_SET_LABELS[which]} – {period.label}" + (f" – {names[unit]}" if unit else "") + (
        f" – {field}" if field else "")
    file_name = vi.DRILL_FILE.format(which=vi.file_slug(vi.DRILL_SET_LABELS[which]), start=f"{period.start:%Y%m%d}",
                                    end=f"{period.end:%Y%m%d}")
    export = {"file": file_name, "set": which, "period": period.label, "unit": unit, "field": field, "rows": len(rows)}
    st.download_button(vi.DRILL_DOWNLOAD, data=lambda: audited_xlsx(frame.wh, frame.user, rows, title, export),
                       icon=":material/download:", on_click="ignore", file_name=file_name,
                       mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", key="dd_download")

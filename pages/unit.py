"""Đơn vị: one unit's scorecard month by month against its targets, its fields and
procedures with the most overdue dossiers, and its rank among peers of its level."""
from __future__ import annotations

import html

import pandas as pd
import streamlit as st

from kpi.measures import metrics, verdict
from kpi.text import verdict as verdict_text, vi
from kpi.measures.filters import Filters
from kpi.measures import status as target_status
from kpi.measures.targets import pick
from kpi.text.normalize import sort_key_vi
from kpi.measures.units import lineage
from ui import charts
from ui import filters as filters_ui
from ui import frame as frame_mod
from ui import widgets

frame = frame_mod.current()
widgets.style()
frame_mod.header(frame, vi.PAGE_TITLES["unit"])
f = frame.filters
units = frame.units().set_index("unit_id")
names = dict(zip(units.index, units["name"]))
# Units alive in the period and with dossiers in it, in Vietnamese order.
active = frame.table(("unit",), filters=Filters(level=f.level))
active = set(active.loc[(active["received"] + active["resolved"] + active["in_progress"]) > 0, "unit_id"])
candidates = [u for u, _ in filters_ui.units_in(frame.wh, frame.scope, frame.period, f.level, frame.version) if u in active]
if not candidates:
    st.info(vi.NO_DATA)
    st.stop()
if f.unit_ids:
    unit_id = f.unit_ids[0]
else:
    st.caption(vi.UNIT_PICK_HINT)
    unit_id = st.selectbox(vi.UNIT_PICK, candidates, format_func=names.get, key="unit_page_pick")
level = units.loc[unit_id, "level"]
st.header(names[unit_id])
st.caption(vi.LEVEL_LABELS[level])

mine = Filters(unit_ids=(unit_id,), fields=f.fields)
row = frame.totals(filters=mine)
previous = frame.totals(frame.period.previous(), filters=mine)
kpis = tuple(metrics.PLAN_KPIS)
for chunk in widgets.rows_of(kpis):
    for column, kpi in zip(st.columns(widgets.TILES_PER_ROW), chunk):
        with column:
            widgets.tile(frame, kpi, row, previous, level, unit_id)

# Rank among the units of the same level.
peers = frame.table(("unit",), filters=Filters(level=level, fields=f.fields))
cells = []
for kpi in kpis:
    ranked = peers[peers[f"{kpi}__den"] > 0].copy()
    ranked["v"] = pd.to_numeric(ranked[kpi])
    ranked = ranked.sort_values("v", ascending=False).reset_index(drop=True)
    position = ranked.index[ranked["unit_id"] == unit_id]
    if len(ranked) < verdict.MIN_PEERS:
        text = verdict_text.RANK_TOO_FEW.format(n=verdict.MIN_PEERS)
    else:
        text = vi.UNIT_RANK_VALUE.format(rank=position[0] + 1, n=len(ranked)) if len(position) else vi.NO_DATA
    cells.append(f"<td>{html.escape(text)}</td>")
head = widgets.kpi_headers(kpis)
# A rank among fewer than three peers ("Hạng 1/1") says nothing: not shown.
if len(peers) >= verdict.MIN_PEERS:
    st.subheader(vi.UNIT_RANK.format(n=vi.num(len(peers)), level=vi.LEVEL_LABELS[level].lower()))
    st.markdown(f"<table class='kpi-matrix'><thead><tr>{head}</tr></thead><tbody><tr>{''.join(cells)}</tr></tbody></table>",
                unsafe_allow_html=True)

# Scorecard over time, with the history of the units merged or renamed into this one.
st.subheader(vi.UNIT_SCORECARD)
history_ids = lineage(zip(units.index, units["successor_id"]), unit_id)
if len(history_ids) > 1:
    st.caption(vi.UNIT_LINEAGE.format(names=", ".join(sorted((names[u] for u in history_ids[1:]), key=sort_key_vi))))
window = widgets.trend_period(frame)
monthly = frame.table(("month",), period=window, filters=Filters(unit_ids=history_ids, fields=f.fields))
left, right = st.columns(2)
with left:
    charts.show(charts.kpi_trend(monthly, "on_time_rate", {None: pick(frame.targets(), "on_time_rate", level, unit_id)},
                                 vi.TREND_TITLE.format(kpi=vi.KPI_LABELS["on_time_rate"])), key="un_trend")
with right:
    charts.show(charts.kpi_trend(monthly, "digitization_rate",
                                 {None: pick(frame.targets(), "digitization_rate", level, unit_id)},
                                 vi.TREND_TITLE.format(kpi=vi.KPI_LABELS["digitization_rate"])), key="un_dg")
rows = []
for r in monthly.to_dict("records"):
    cells = [f"<td>{vi.month_short(pd.Timestamp(r['period_start']).date())}</td>"]
    for kpi in kpis:
        v = widgets.value(r, kpi)
        target = pick(frame.targets(pd.Timestamp(r["period_start"]).year), kpi, level, unit_id)
        status = verdict.cell_status(v, int(r.get(f"{kpi}__den", 0)), target, level_cell=False)
        mark = f" {verdict_text.STATUS_MARKS[status]}" if status in verdict_text.STATUS_MARKS else ""
        cells.append(f"<td class='kpi-{status}' style='background:{target_status.FILLS[status]}'>"
                     f"{html.escape(verdict.rate_text(v, target))}{mark}</td>")
    rows.append(f"<tr>{''.join(cells)}</tr>")
st.markdown(f"<table class='kpi-matrix'><thead><tr><th>{vi.UNIT_MONTH}</th>{head}</tr></thead>"
            f"<tbody>{''.join(rows[::-1])}</tbody></table>", unsafe_allow_html=True)

# Where the overdue dossiers are.
month = widgets.period_month_param(frame.period)
for group, title, key in (("field", vi.UNIT_OVERDUE_FIELDS, "un_fd"), ("procedure", vi.UNIT_OVERDUE_PROCEDURES, "un_pr")):
    st.subheader(title)
    table = frame.table((group,), filters=mine)
    table["total"] = table["resolved_overdue"] + table["in_progress_overdue"]
    table = table[table["total"] > 0].sort_values(["total", group], ascending=[False, True]).head(10)
    if table.empty:
        st.success(vi.UNIT_NONE_OVERDUE)
        continue
    shown = pd.DataFrame({
        vi.UNIT_OVERDUE_COLUMNS["name"]: table[group].fillna(vi.NO_DATA),
        vi.UNIT_OVERDUE_COLUMNS["total"]: [vi.num(v) for v in table["total"]],
        vi.UNIT_OVERDUE_COLUMNS["resolved_overdue"]: [vi.num(v) for v in table["resolved_overdue"]],
        vi.UNIT_OVERDUE_COLUMNS["in_progress_overdue"]: [vi.num(v) for v in table["in_progress_overdue"]],
        vi.UNIT_OVERDUE_COLUMNS["on_time_rate"]: [vi.pct(v) for v in table["on_time_rate"]],
    })
    st.dataframe(shown, hide_index=True, width="stretch")
    if group == "field":
        options = [v for v in table["field"] if v]
        left, right = st.columns([3, 1], vertical_alignment="bottom")
        chosen = left.selectbox(vi.DRILL_PICK_FIELD, options, key=f"{key}_pick")
        with right:
            widgets.drill_button(vi.DRILL_RESOLVED_OVERDUE, f"{key}_go", "resolved_overdue", unit=unit_id, field=chosen,
                           month=month, disabled=not chosen)

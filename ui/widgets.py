"""Page building blocks shared by the dashboard pages: KPI tiles, the levels × KPIs
matrix, unit rankings, field breakdowns and the buttons that open the dossiers
behind a number. No SQL, no KPI arithmetic: values come from the core through the
frame, words and formats from kpi.text_vi."""
from __future__ import annotations

import datetime as dt
import html

import pandas as pd
import streamlit as st

from kpi import metrics, periods
from kpi import text_vi as T
from kpi.filters import Filters
from kpi.levels import LEVELS
from kpi.periods import Period
from kpi.targets import MET, NOT_MET, assess, gap_count, pick
from kpi.text import sort_key_vi
from ui import charts
from ui.frame import Frame, page

CSS = """
<style>
[data-testid="stMetricValue"] { font-size: 2.6rem; }
[data-testid="stMetricLabel"] p { font-size: 1.15rem; font-weight: 600; }
.kpi-matrix { border-collapse: collapse; width: 100%; font-size: 1.15rem; }
.kpi-matrix th, .kpi-matrix td { border: 1px solid #ccc; padding: 0.45rem 0.6rem; text-align: center; }
.kpi-matrix th:first-child, .kpi-matrix td:first-child { text-align: left; font-weight: 600; }
.kpi-met { background: #d6e9f8; }
.kpi-notmet { background: #fbd9c4; font-weight: 700; }
.kpi-nodata { background: #f0f0f0; color: #666; }
.kpi-target { display: block; font-size: 0.85rem; color: #444; font-weight: 400; }
</style>
"""


def style() -> None:
    st.markdown(CSS, unsafe_allow_html=True)


def value(row: dict, kpi: str):
    v = row.get(kpi)
    return None if v is None or (isinstance(v, float) and pd.isna(v)) else float(v)


# -- tiles -----------------------------------------------------------------------
def level_status(frame: Frame, kpi: str, by_level: pd.DataFrame | None) -> list[tuple[str, float | None, object, str]]:
    """(level, value, target, status) for a KPI whose plan sets one target per level."""
    if by_level is None or by_level.empty:
        return []
    out = []
    for r in by_level.to_dict("records"):
        target = pick(frame.targets(), kpi, r["level"])
        if target is None or target.level is None or not int(r.get(f"{kpi}__den", 0)):
            continue
        v = value(r, kpi)
        out.append((r["level"], v, target, target.assess(v)))
    return sorted(out, key=lambda item: LEVELS.index(item[0]))


def plan_status(frame: Frame, kpi: str, row: dict, level: str | None, unit_id: str | None,
                by_level: pd.DataFrame | None) -> str | None:
    """Met / not met for the selection; per-level targets count as met only when every level meets its own."""
    target = pick(frame.targets(), kpi, level, unit_id)
    if target is not None:
        return target.assess(value(row, kpi)) if value(row, kpi) is not None else None
    statuses = [s for *_, s in level_status(frame, kpi, by_level)]
    if not statuses:
        return None
    return NOT_MET if NOT_MET in statuses else MET


def tile(frame: Frame, kpi: str, row: dict, previous: dict | None, level: str | None, unit_id: str | None = None,
         label: str | None = None, by_level: pd.DataFrame | None = None) -> None:
    """One plan KPI: value, its target for the selection, Đạt/Chưa đạt, change, counts, gap in dossiers."""
    v = value(row, kpi)
    target = pick(frame.targets(), kpi, level, unit_id)
    before = value(previous, kpi) if previous else None
    delta = (v - before) if v is not None and before is not None else None
    # An unchanged rate (as shown, to 0,1 point) gets neither arrow nor colour.
    unchanged = delta is not None and round(delta * 1000) == 0
    with st.container(border=True):
        st.metric(label or T.KPI_LABELS[kpi], T.pct(v), delta=T.signed_points(delta),
                  delta_description=f"so với {frame.period.previous().label}" if delta is not None else None,
                  delta_color="off" if unchanged else ("normal" if (target is None or target.direction == ">=") else "inverse"),
                  delta_arrow="off" if unchanged else "auto",
                  help=T.KPI_HELP[kpi])
        num, den = int(row.get(f"{kpi}__num", 0)), int(row.get(f"{kpi}__den", 0))
        per_level = level_status(frame, kpi, by_level) if target is None and level is None else []
        if target is not None:
            status = target.assess(v)
            badge = {MET: T.MET_BADGE, NOT_MET: T.NOT_MET_BADGE}.get(status, T.NO_DATA_BADGE)
            st.markdown(f"{badge} {T.TARGET_TEXT.format(target=T.target_phrase(target.threshold, target.direction))}")
        elif per_level:
            met = sum(1 for *_, s in per_level if s == MET)
            badge = T.MET_BADGE if met == len(per_level) else T.NOT_MET_BADGE
            st.markdown(f"{badge} {T.LEVELS_MET.format(met=met, total=len(per_level))}")
            st.markdown("  \n".join(
                f"{T.LEVEL_LABELS[lvl]}: **{T.pct(lv)}** {'✔' if s == MET else '✘'} "
                f"({T.target_phrase(t.threshold, t.direction)})" for lvl, lv, t, s in per_level))
        else:
            st.markdown(f"{T.NO_DATA_BADGE if v is None else ''} {T.NO_TARGET}".strip())
        st.caption(T.counts_phrase(kpi, num, den))
        coverage = T.coverage_note(metrics.coverage(row, kpi))  # unknown is not "no": say what the rate covers
        if coverage:
            st.caption(coverage)
        if target is not None and target.assess(v) == NOT_MET:
            st.markdown(f"**{T.gap_phrase(kpi, gap_count(num, den, target.threshold, target.direction), target.threshold)}**")


# -- levels × KPIs ------------------------------------------------------------------
def level_matrix(frame: Frame, by_level: pd.DataFrame, kpis: tuple[str, ...]) -> str:
    """An HTML table: one row per level present in the period, one column per KPI, coloured vs each level's target."""
    levels_present = [level for level in LEVELS if level in set(by_level["level"])]
    # A level with no dossier, no PAKN and no rating in the period is not shown (e.g. district after 07/2025).
    rows = by_level.set_index("level")
    head = "".join(f"<th>{html.escape(T.KPI_LABELS[k])}</th>" for k in kpis)
    body = []
    for level in levels_present:
        r = rows.loc[level].to_dict()
        if not any(int(r.get(f"{k}__den", 0)) for k in kpis):
            continue
        cells = []
        for k in kpis:
            v = value(r, k)
            target = pick(frame.targets(), k, level)
            status = assess(v, target.threshold, target.direction) if target else None
            css = {MET: "kpi-met", NOT_MET: "kpi-notmet"}.get(status, "kpi-nodata" if v is None else "")
            mark = {MET: " ✔", NOT_MET: " ✘"}.get(status, "")
            sub = f"<span class='kpi-target'>{html.escape(T.target_phrase(target.threshold, target.direction))}</span>" if target else ""
            cells.append(f"<td class='{css}'>{html.escape(T.pct(v))}{mark}{sub}</td>")
        body.append(f"<tr><td>{html.escape(T.LEVEL_LABELS[level])}</td>{''.join(cells)}</tr>")
    return (f"<table class='kpi-matrix'><thead><tr><th>{T.MATRIX_LEVEL}</th>{head}</tr></thead>"
            f"<tbody>{''.join(body)}</tbody></table>")


# -- drill-down links -------------------------------------------------------------------
def open_drilldown(which: str, unit: str | None = None, field: str | None = None, month: str | None = None) -> None:
    """Go to 'Tra cứu hồ sơ' with the set and filters in the URL (shareable, survives a refresh)."""
    params = {"set": which}
    if unit:
        params["unit"] = unit
    if field:
        params["field"] = field
    if month:
        params["month"] = month
    st.session_state["drill"] = params
    st.switch_page(page("drilldown"), query_params=params)


def drill_button(label: str, key: str, which: str, unit: str | None = None, field: str | None = None,
                 month: str | None = None, disabled: bool = False) -> None:
    if st.button(label, key=key, disabled=disabled, icon=":material/list:"):
        open_drilldown(which, unit, field, month)


def period_month_param(period: Period) -> str | None:
    return f"{period.start.year}-{period.start.month:02d}" if period.kind == "month" else None


# -- rankings and breakdowns ------------------------------------------------------------
def with_targets(frame: Frame, table: pd.DataFrame, kpi: str) -> pd.DataFrame:
    """Adds name, level, target, status and gap (in dossiers) per unit row."""
    units = frame.units().set_index("unit_id")
    out = table.copy()
    out["name"] = [units["name"].get(u, u) for u in out["unit_id"]]
    out["unit_level"] = [units["level"].get(u) for u in out["unit_id"]]
    out["target"] = [pick(frame.targets(), kpi, lvl, u) for lvl, u in zip(out["unit_level"], out["unit_id"])]
    out["status"] = [assess(value(r, kpi), t.threshold, t.direction) if t else None
                     for r, t in zip(out.to_dict("records"), out["target"])]
    out["gap"] = [gap_count(int(n), int(d), t.threshold, t.direction) if t else None
                  for n, d, t in zip(out[f"{kpi}__num"], out[f"{kpi}__den"], out["target"])]
    return out


def ranking_section(frame: Frame, kpi: str, which: str, key: str, count_column: str | None = None,
                    limit: int = 15) -> pd.DataFrame:
    """Units ranked on a KPI (worst first) with the goal line, and buttons to their dossiers."""
    st.subheader(T.RANKING_TITLE.format(kpi=T.KPI_LABELS[kpi]))
    peers = Filters(level=frame.filters.level, fields=frame.filters.fields)
    table = with_targets(frame, frame.table(("unit",), filters=peers), kpi)
    table = table[table[f"{kpi}__den"] > 0]
    if table.empty:
        st.info(T.NO_DATA)
        return table
    below = table[table["status"] == NOT_MET]
    st.caption(T.RANKING_BELOW.format(n=len(below), total=len(table)))
    show_all = len(table) <= limit or st.toggle(T.RANKING_SHOW_ALL.format(n=len(table)), key=f"{key}_all")
    shown = table if show_all else table.sort_values(kpi, key=lambda s: pd.to_numeric(s)).head(limit)
    if not show_all:
        st.caption(T.RANKING_WORST_N.format(n=limit))
    charts.show(charts.ranking(shown, kpi), key=f"{key}_chart")
    _drill_picker(table, "unit_id", "name", which, key, count_column, T.DRILL_PICK_UNIT, kpi=kpi)
    return table


def _drill_picker(table: pd.DataFrame, id_col: str, name_col: str, which: str, key: str, count_column: str | None,
                  label: str, field_mode: bool = False, kpi: str = "on_time_rate") -> None:
    if count_column:
        ordered = table.sort_values(count_column, ascending=False, kind="stable")
    else:  # worst first: the unit a leader asks about
        ordered = table.assign(_v=pd.to_numeric(table[kpi], errors="coerce")).sort_values("_v", kind="stable")
    ids = list(ordered[id_col])
    names = dict(zip(ordered[id_col], ordered[name_col]))
    counts = dict(zip(ordered[id_col], ordered[count_column])) if count_column else {}
    left, right = st.columns([3, 1], vertical_alignment="bottom")
    chosen = left.selectbox(label, ids, key=f"{key}_pick",
                            format_func=lambda u: f"{names[u]} ({T.num(counts[u])})" if counts else names[u])
    with right:
        n = counts.get(chosen) if counts else None
        text = T.SEE_OVERDUE.format(n=T.num(n)) if n is not None and which.endswith("overdue") else T.SEE_DOSSIERS
        drill_button(text, f"{key}_go", which, unit=None if field_mode else chosen, field=chosen if field_mode else None,
                     month=None, disabled=chosen is None)


def breakdown_frame(frame: Frame, table: pd.DataFrame, kpi: str, name_col: str) -> pd.DataFrame:
    """A readable table: name, rate, counts, target, Đạt/Chưa đạt (strings, Vietnamese formats)."""
    rows = []
    for r in table.to_dict("records"):
        target = r.get("target")
        v = value(r, kpi)
        status = assess(v, target.threshold, target.direction) if target else None
        rows.append({
            T.BREAKDOWN_COLUMNS["name"]: r[name_col],
            T.BREAKDOWN_COLUMNS["value"]: T.pct(v),
            T.BREAKDOWN_COLUMNS["num"]: T.num(r[f"{kpi}__num"]),
            T.BREAKDOWN_COLUMNS["den"]: T.num(r[f"{kpi}__den"]),
            T.BREAKDOWN_COLUMNS["target"]: T.target_phrase(target.threshold, target.direction) if target else "",
            T.BREAKDOWN_COLUMNS["status"]: T.STATUS_LABELS.get(status, "") if status else "",
            T.BREAKDOWN_COLUMNS["gap"]: T.num(gap_count(int(r[f"{kpi}__num"]), int(r[f"{kpi}__den"]), target.threshold,
                                                       target.direction)) if target and status == NOT_MET else "",
        })
    return pd.DataFrame(rows)


def field_section(frame: Frame, kpi: str, which: str, key: str, count_column: str | None = None) -> None:
    """The KPI by field (lĩnh vực), sorted worst first, with a link to each field's dossiers."""
    st.subheader(T.FIELD_TITLE.format(kpi=T.KPI_LABELS[kpi]))
    table = frame.table(("field",))
    table = table[(table[f"{kpi}__den"] > 0) & table["field"].notna()].copy()
    if table.empty:
        st.info(T.NO_DATA)
        return
    table["target"] = [pick(frame.targets(), kpi, frame.filters.level,
                            frame.filters.unit_ids[0] if frame.filters.unit_ids else None)] * len(table)
    table = table.sort_values(kpi, key=lambda s: pd.to_numeric(s))
    st.dataframe(breakdown_frame(frame, table, kpi, "field"), hide_index=True, width="stretch")
    _drill_picker(table, "field", "field", which, key, count_column, T.DRILL_PICK_FIELD, field_mode=True, kpi=kpi)


# -- time windows -----------------------------------------------------------------------
def trend_period(frame: Frame, months: int = 12) -> Period:
    """The months a trend shows: the period itself when it spans 6 months or more, else the
    ``months`` months ending with it (never before the first data)."""
    period = frame.period
    if len(period.months()) >= 6:
        return period
    y, m = period.end.year, period.end.month
    index = y * 12 + m - 1 - (months - 1)
    start = dt.date(index // 12, index % 12 + 1, 1)
    first = frame.data_range[0]
    if first and start < first.replace(day=1):
        start = first.replace(day=1)
    return periods.custom(start, period.end)


def level_targets(frame: Frame, kpi: str, levels: tuple[str, ...] = LEVELS) -> dict:
    return {level: pick(frame.targets(), kpi, level) for level in levels}


def sorted_names(names: dict) -> list[str]:
    return sorted(names, key=lambda u: sort_key_vi(names[u]))

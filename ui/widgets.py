"""Page building blocks shared by the dashboard pages: KPI tiles, the levels × KPIs
matrix, unit rankings, field breakdowns and the buttons that open the dossiers
behind a number. No SQL, no KPI arithmetic: values come from the core through the
frame, words and formats from kpi.text.vi."""
from __future__ import annotations

import datetime as dt
import html

import pandas as pd
import streamlit as st

from kpi.measures import metrics, periods, verdict
from kpi.measures import status as target_status
from kpi.text import plan as plan_text
from kpi.text import verdict as verdict_text
from kpi.text import vi
from kpi.measures.filters import Filters
from kpi.measures.levels import LEVELS
from kpi.measures.periods import Period
from kpi.measures.targets import NOT_MET, gap_count, pick
from kpi.text.normalize import sort_key_vi
from ui import charts
from ui.frame import Frame, page

CSS = """
<style>
[data-testid="stMetricValue"] { font-size: 2.6rem; }
[data-testid="stMetricLabel"] p { font-size: 1.15rem; font-weight: 600; }
/* Tile titles wrap instead of ending in "…" on a 1366 px laptop. */
[data-testid="stMetricLabel"], [data-testid="stMetricLabel"] * { white-space: normal !important;
  overflow: visible !important; text-overflow: clip !important; height: auto !important; }
.kpi-matrix { border-collapse: collapse; width: 100%; font-size: 1.15rem; }
.kpi-matrix th, .kpi-matrix td { border: 1px solid #ccc; padding: 0.45rem 0.6rem; text-align: center; }
.kpi-matrix th:first-child, .kpi-matrix td:first-child { text-align: left; font-weight: 600; }
.kpi-not_met { font-weight: 700; }
.kpi-no_data, .kpi-few, .kpi-abolished { color: #555; }
.kpi-target { display: block; font-size: 0.85rem; color: #444; font-weight: 400; }
</style>
"""


def style() -> None:
    st.markdown(CSS, unsafe_allow_html=True)


def value(row: dict, kpi: str):
    v = row.get(kpi)
    return None if v is None or (isinstance(v, float) and pd.isna(v)) else float(v)


# -- the verdict ---------------------------------------------------------------------
def unit_level(frame: Frame, unit_id: str | None) -> str | None:
    if not unit_id:
        return None
    return frame.units().set_index("unit_id")["level"].get(unit_id)


def selection_verdict(frame: Frame, kpis: tuple[str, ...] = metrics.PLAN_KPIS,
                      filters: Filters | None = None) -> verdict.Verdict:
    """The verdict of the page's selection (kpi.measures.verdict.judge on the cached per-level table)."""
    f = frame.filters if filters is None else filters
    by_level = frame.table(("level",), filters=Filters(unit_ids=f.unit_ids, fields=f.fields))
    unit_id = f.unit_ids[0] if len(f.unit_ids) == 1 else None
    return verdict.judge(frame.period, by_level, frame.targets(), kpis, scope=frame.scope, filters=f,
                         unit_level=unit_level(frame, unit_id))


def badge(status: str) -> str:
    return target_status.badge(status)


def _cell_line(cell: verdict.Cell, period: Period) -> str:
    mark = verdict_text.STATUS_MARKS.get(cell.status, "")
    extra = "" if cell.status in verdict.JUDGED or cell.status == verdict.NO_TARGET else f" — {verdict_text.STATUS_LABELS[cell.status].lower()}"
    target = f" ({vi.target_phrase(cell.target.threshold, cell.target.direction)})" if cell.target else ""
    gap = f" · {verdict_text.GAP_SHORT.format(n=vi.num(cell.gap))}" if cell.gap else ""
    return f"{vi.LEVEL_LABELS.get(cell.level, '')}: **{cell.text}** {mark}{target}{gap}{extra}".replace("  ", " ")


# -- tiles -----------------------------------------------------------------------
TILES_PER_ROW = 4  # four tiles of 2,6 rem figures fit a 1366 px laptop


def rows_of(kpis, per_row: int = TILES_PER_ROW) -> list[tuple[str, ...]]:
    """The KPIs in rows of tiles: (8 KPIs → 4 + 4; a ninth starts a third row)."""
    kpis = tuple(kpis)
    return [kpis[i:i + per_row] for i in range(0, len(kpis), per_row)]


def kpi_headers(kpis) -> str:
    """Table headers of narrow KPI columns: the short label, the long one on hover."""
    return "".join(f"<th title='{html.escape(vi.KPI_LABELS[k])}'>{html.escape(vi.KPI_SHORT[k])}</th>" for k in kpis)


def tile(frame: Frame, kpi: str, row: dict, previous: dict | None, level: str | None = None, unit_id: str | None = None,
         label: str | None = None, kv: verdict.KpiVerdict | None = None, forecast_lines: list[str] = ()) -> None:
    """One plan KPI: value, its target(s) for the selection, the verdict, change, counts, gap in dossiers,
    and under the value the year-end forecast and pace when given (ui.forecast)."""
    if kv is None:
        chosen = Filters(level=level, unit_ids=(unit_id,) if unit_id else (), fields=frame.filters.fields)
        kv = selection_verdict(frame, (kpi,), chosen).kpis[kpi]
    v = value(row, kpi)
    target = kv.target
    before = value(previous, kpi) if previous else None
    delta = (v - before) if v is not None and before is not None else None
    # An unchanged rate (as shown, to 0,1 point) gets neither arrow nor colour.
    unchanged = delta is not None and round(delta * 1000) == 0
    with st.container(border=True):
        st.metric(label or vi.KPI_LABELS[kpi], verdict.rate_text(v, target), delta=vi.signed_points(delta),
                  delta_description=f"so với {frame.period.previous().label}" if delta is not None else None,
                  delta_color="off" if unchanged else ("normal" if _higher_is_better(kpi, target) else "inverse"),
                  delta_arrow="off" if unchanged else "auto",
                  help=vi.KPI_HELP[kpi])
        if forecast_lines:
            st.markdown("  \n".join(forecast_lines))
        num, den = int(row.get(f"{kpi}__num", 0)), int(row.get(f"{kpi}__den", 0))
        if kv.per_level:
            judged = [c for c in kv.cells if c.status in verdict.JUDGED]
            met = sum(1 for c in judged if c.status == verdict.MET)
            head = f"{badge(kv.status)} {verdict_text.LEVELS_MET.format(met=met, total=len(judged))}" if judged else badge(kv.status)
            st.markdown(head, help=plan_text.cited([c.target.source for c in kv.cells if c.target]))
            st.markdown("  \n".join(_cell_line(c, frame.period)
                                     for c in list(kv.cells) + [a for a in kv.apart if a.den]))
        elif target is not None:
            st.markdown(f"{badge(kv.status)} {vi.TARGET_TEXT.format(target=vi.target_phrase(target.threshold, target.direction))}",
                        help=plan_text.cited([target.source]))
            if any(c.den for c in kv.apart):
                st.markdown("  \n".join(_cell_line(c, frame.period) for c in kv.apart if c.den))
        else:
            st.markdown(f"{badge(verdict.NO_DATA) if v is None else ''} {vi.NO_TARGET}".strip())
        st.caption(vi.counts_phrase(kpi, num, den))
        coverage = vi.coverage_note(metrics.coverage(row, kpi))  # unknown is not "no": say what the rate covers
        if coverage:
            st.caption(coverage)
        if target is not None and kv.status == verdict.NOT_MET:
            cell = kv.cells[0]
            st.markdown(f"**{vi.gap_phrase(kpi, cell.gap, target.threshold)}**")


def _higher_is_better(kpi: str, target) -> bool:
    """The target's direction when there is one, else the KPI's own (its definition)."""
    return target.direction == ">=" if target is not None else metrics.KPIS[kpi].higher_is_better


# -- levels × KPIs ------------------------------------------------------------------
def level_matrix(frame: Frame, judged: verdict.Verdict, kpis: tuple[str, ...]) -> str:
    """An HTML table: one row per level of the verdict (abolished levels last, marked), one column per
    KPI, each cell coloured by its status in the verdict."""
    head = "".join(f"<th>{html.escape(vi.KPI_LABELS[k])}</th>" for k in kpis)
    body = []
    for level in judged.levels + judged.apart_levels:
        cells = [judged.cell(k, level) for k in kpis]
        if not any(c is not None and c.den for c in cells):
            continue  # a level with no dossier, no PAKN and no rating in the period
        tds = []
        for c in cells:
            status = c.status if c is not None else verdict.NO_DATA
            mark = verdict_text.STATUS_MARKS.get(status, "")
            target = f"<span class='kpi-target'>{html.escape(vi.target_phrase(c.target.threshold, c.target.direction))}</span>" \
                if c is not None and c.target else ""
            note = f"<span class='kpi-target'>{html.escape(verdict_text.FEW_NOTE)}</span>" if status == verdict.FEW else ""
            text = c.text if c is not None else vi.NO_DATA
            tds.append(f"<td class='kpi-{status}' style='background:{target_status.FILLS[status]}'>"
                       f"{html.escape(text)}{(' ' + mark) if mark else ''}{target}{note}</td>")
        name = vi.level_label_in(level, frame.period) if level in judged.apart_levels else vi.LEVEL_LABELS[level]
        body.append(f"<tr><td>{html.escape(name)}</td>{''.join(tds)}</tr>")
    return (f"<table class='kpi-matrix'><thead><tr><th>{vi.MATRIX_LEVEL}</th>{head}</tr></thead>"
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
def unit_ranking(frame: Frame, kpi: str) -> verdict.Ranking:
    """Units of the selection's level and fields ranked by impact (kpi.measures.verdict.rank_units)."""
    f = frame.filters
    table = frame.table(("unit",), filters=Filters(level=f.level, fields=f.fields))
    units = frame.units()
    return verdict.rank_units(frame.period, table, kpi, frame.targets(), dict(zip(units["unit_id"], units["name"])),
                              dict(zip(units["unit_id"], units["level"])))


def ranking_frame(ranking_: verdict.Ranking, table: pd.DataFrame, kpi: str) -> pd.DataFrame:
    """The ranking in its order as a table (name, value, target, status, gap) joined to the unit counts."""
    rows = [{"unit_id": u.unit_id, "name": u.name, "unit_level": u.level, kpi: u.value, f"{kpi}__num": u.num,
             f"{kpi}__den": u.den, "target": u.target, "status": u.status, "gap": u.gap}
            for u in ranking_.ordered]
    out = pd.DataFrame(rows, columns=["unit_id", "name", "unit_level", kpi, f"{kpi}__num", f"{kpi}__den", "target",
                                      "status", "gap"])
    counts = table.drop(columns=[c for c in out.columns if c in table.columns and c != "unit_id"])
    return out.merge(counts, on="unit_id", how="left")


def ranking_section(frame: Frame, kpi: str, which: str, key: str, count_column: str | None = None,
                    limit: int = 15) -> pd.DataFrame:
    """Units ranked by impact: below target by the dossiers they miss, then the rest by rate;
    the goal line, and buttons to their dossiers."""
    st.subheader(vi.RANKING_TITLE.format(kpi=vi.KPI_LABELS[kpi]))
    f = frame.filters
    ranked = unit_ranking(frame, kpi)
    table = ranking_frame(ranked, frame.table(("unit",), filters=Filters(level=f.level, fields=f.fields)), kpi)
    if table.empty:
        st.info(vi.NO_DATA)
        return table
    st.caption(vi.RANKING_BELOW.format(n=len(ranked.below), total=ranked.with_data))
    show_all = len(table) <= limit or st.toggle(vi.RANKING_SHOW_ALL.format(n=len(table)), key=f"{key}_all")
    shown = table if show_all else table.head(limit)
    if not show_all:
        st.caption(vi.RANKING_WORST_N.format(n=limit))
    charts.show(charts.ranking(shown, kpi), key=f"{key}_chart")
    if ranked.apart:
        st.caption(verdict_text.APART_UNITS.format(n=len(ranked.apart), names=", ".join(u.name for u in ranked.apart)))
    _drill_picker(table, "unit_id", "name", which, key, count_column, vi.DRILL_PICK_UNIT, kpi=kpi)
    return table


def attention_section(frame: Frame, limit: int = 5) -> None:
    """Overview: the units below the on-time target that miss the most dossiers, with links to them."""
    kpi = "on_time_rate"
    ranked = unit_ranking(frame, kpi)
    f = frame.filters
    overdue = frame.table(("unit",), filters=Filters(level=f.level, fields=f.fields)).set_index("unit_id")["resolved_overdue"]
    st.subheader(verdict_text.ATTENTION_TITLE.format(n=vi.num(len(ranked.below))))
    if not ranked.below:
        st.success(vi.WORST_NONE)
    else:
        shown = ranked.below[:limit]
        st.caption(verdict_text.ATTENTION_TOP.format(shown=len(shown)))
        widths = [4, 3, 2, 1.5, 1.8]
        for column, text in zip(st.columns(widths), verdict_text.ATTENTION_COLUMNS):
            column.markdown(f"**{text}**")
        month = period_month_param(frame.period)
        for u in shown:
            c = st.columns(widths, vertical_alignment="center")
            c[0].markdown(f"**{u.name}**")
            c[1].markdown(vi.gap_phrase(kpi, u.gap, u.target.threshold))
            c[2].markdown(f"{u.text} ({vi.num(u.num)}/{vi.num(u.den)})")
            n_overdue = int(overdue.get(u.unit_id, 0))
            c[3].markdown(vi.num(n_overdue))
            with c[4]:
                # The count is in the column beside it: a short label fits the button at 1366 px.
                drill_button(vi.SEE_DOSSIERS, f"worst_{u.unit_id}", "resolved_overdue",
                             unit=u.unit_id, month=month)
        rest = ranked.below[limit:]
        if rest:
            with st.expander(verdict_text.ATTENTION_MORE.format(n=vi.num(len(rest)))):
                st.markdown("  \n".join(f"{i}. {u.name}: {verdict_text.GAP_SHORT.format(n=vi.num(u.gap))} · {u.text}"
                                          for i, u in enumerate(rest, start=limit + 1)))
    if ranked.apart:
        st.caption(verdict_text.APART_UNITS.format(n=len(ranked.apart), names=", ".join(u.name for u in ranked.apart)))


def _drill_picker(table: pd.DataFrame, id_col: str, name_col: str, which: str, key: str, count_column: str | None,
                  label: str, field_mode: bool = False, kpi: str = "on_time_rate") -> None:
    if count_column:
        ordered = table.sort_values(count_column, ascending=False, kind="stable")
    else:  # the table's own order: impact first for units, worst first for fields
        ordered = table
    ids = list(ordered[id_col])
    names = dict(zip(ordered[id_col], ordered[name_col]))
    counts = dict(zip(ordered[id_col], ordered[count_column])) if count_column else {}
    left, right = st.columns([3, 1], vertical_alignment="bottom")
    chosen = left.selectbox(label, ids, key=f"{key}_pick",
                            format_func=lambda u: f"{names[u]} ({vi.num(counts[u])})" if counts else names[u])
    with right:
        n = counts.get(chosen) if counts else None
        text = vi.SEE_OVERDUE.format(n=vi.num(n)) if n is not None and which.endswith("overdue") else vi.SEE_DOSSIERS
        drill_button(text, f"{key}_go", which, unit=None if field_mode else chosen, field=chosen if field_mode else None,
                     month=None, disabled=chosen is None)


def breakdown_frame(frame: Frame, table: pd.DataFrame, kpi: str, name_col: str) -> pd.DataFrame:
    """A readable table: name, rate, counts, target, Đạt/Chưa đạt (strings, Vietnamese formats)."""
    rows = []
    for r in table.to_dict("records"):
        target = r.get("target")
        v = value(r, kpi)
        status = verdict.cell_status(v, int(r[f"{kpi}__den"]), target, level_cell=False) if target else None
        rows.append({
            vi.BREAKDOWN_COLUMNS["name"]: r[name_col],
            vi.BREAKDOWN_COLUMNS["value"]: verdict.rate_text(v, target),
            vi.BREAKDOWN_COLUMNS["num"]: vi.num(r[f"{kpi}__num"]),
            vi.BREAKDOWN_COLUMNS["den"]: vi.num(r[f"{kpi}__den"]),
            vi.BREAKDOWN_COLUMNS["target"]: vi.target_phrase(target.threshold, target.direction) if target else "",
            vi.BREAKDOWN_COLUMNS["status"]: verdict.status_label(status) if status else "",
            vi.BREAKDOWN_COLUMNS["gap"]: vi.num(gap_count(int(r[f"{kpi}__num"]), int(r[f"{kpi}__den"]), target.threshold,
                                                       target.direction)) if target and status == NOT_MET else "",
        })
    return pd.DataFrame(rows)


def field_section(frame: Frame, kpi: str, which: str, key: str, count_column: str | None = None) -> None:
    """The KPI by field (lĩnh vực), sorted worst first, with a link to each field's dossiers."""
    st.subheader(vi.FIELD_TITLE.format(kpi=vi.KPI_LABELS[kpi]))
    table = frame.table(("field",))
    table = table[(table[f"{kpi}__den"] > 0) & table["field"].notna()].copy()
    if table.empty:
        st.info(vi.NO_DATA)
        return
    table["target"] = [pick(frame.targets(), kpi, frame.filters.level,
                            frame.filters.unit_ids[0] if frame.filters.unit_ids else None)] * len(table)
    table = table.sort_values(kpi, key=lambda s: pd.to_numeric(s))
    st.dataframe(breakdown_frame(frame, table, kpi, "field"), hide_index=True, width="stretch")
    _drill_picker(table, "field", "field", which, key, count_column, vi.DRILL_PICK_FIELD, field_mode=True, kpi=kpi)


# -- time windows -----------------------------------------------------------------------
def trend_period(frame: Frame, months: int = 12) -> Period:
    """The months a trend shows: the period itself when it spans 6 months or more, else the
    ``months`` months ending with it (never before the first data, never after the data date:
    no empty future months)."""
    period = frame.period
    first, last = frame.data_range
    end = min(period.end, last) if last and last >= period.start else period.end
    if len(period.months()) >= 6:
        return periods.custom(period.start, end) if end != period.end else period
    y, m = period.end.year, period.end.month
    index = y * 12 + m - 1 - (months - 1)
    start = dt.date(index // 12, index % 12 + 1, 1)
    if first and start < first.replace(day=1):
        start = first.replace(day=1)
    return periods.custom(start, end)


def level_targets(frame: Frame, kpi: str, levels: tuple[str, ...] = LEVELS) -> dict:
    return {level: pick(frame.targets(), kpi, level) for level in levels}


def sorted_names(names: dict) -> list[str]:
    return sorted(names, key=lambda u: sort_key_vi(names[u]))

"""Drawing helpers of the 'Chỉ số 766' page: cached reads of the index, bullet bars, the monthly
trend with the publication points, and the readable tables. The numbers come from
``kpi.measures.index766`` and ``kpi.measures.index766_insight``; nothing is computed here."""
from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from kpi.measures import index766, index766_insight as insight
from kpi.measures.filters import Filters, Scope
from kpi.measures.periods import Period, custom
from kpi.text import index766 as index_text
from kpi.text import vi
from kpi.warehouse.db import Warehouse
from ui import charts
from ui import widgets
from ui.frame import Frame

_TTL = 24 * 3600
SCORE_COLOUR, MAX_COLOUR = "#1f4e79", "#e0e0e0"


@st.cache_data(show_spinner=False, max_entries=64, ttl=_TTL)
def _report(db: str, version: int, period: Period, filters: Filters, scope: Scope) -> index766.IndexReport:
    return index766.compute(Warehouse(db), period, filters, scope)


@st.cache_data(show_spinner=False, max_entries=64, ttl=_TTL)
def _monthly(db: str, version: int, period: Period, filters: Filters, scope: Scope) -> list:
    return index766.monthly(Warehouse(db), period, filters, scope)


def report(frame: Frame) -> index766.IndexReport:
    return _report(str(frame.wh.path), frame.version, frame.period, frame.filters, frame.scope)


def monthly(frame: Frame, window: Period) -> list:
    return _monthly(str(frame.wh.path), frame.version, window, frame.filters, frame.scope)


# -- the headline -----------------------------------------------------------------------------
def total_tiles(score: index766.IndexScore) -> None:
    """Total (with the points it covers when partial), grade, and where the figure comes from."""
    st.metric(index_text.TOTAL_TILE, index_text.total_line(score.total, score.max_covered, score.partial))
    grade = index_text.GRADE_LABELS[score.grade] if score.grade is not None else vi.NO_DATA
    st.metric(index_text.GRADE_TILE, grade, help=index_text.GRADE_PARTIAL.format(grade=grade) if score.partial else None)
    st.caption(index_text.source_label(score.source))


def group_bullets(score: index766.IndexScore) -> go.Figure:
    """One bar per group: its maximum in grey, its score in the group's colour, 'Chưa có dữ liệu' where none."""
    groups = list(score.groups.values())[::-1]
    labels = [index_text.GROUP_LABELS[g.group] for g in groups]
    fig = go.Figure()
    fig.add_trace(go.Bar(y=labels, x=[g.maximum for g in groups], orientation="h", name=index_text.BULLET_MAX,
                         marker={"color": MAX_COLOUR}, hoverinfo="skip"))
    fig.add_trace(go.Bar(y=labels, x=[g.score or 0 for g in groups], orientation="h", name=index_text.BULLET_SCORE, width=0.45,
                         marker={"color": SCORE_COLOUR},
                         text=[f"{index_text.score(g.score)} / {index_text.score(g.maximum, 0)}" if g.score is not None else vi.NO_DATA
                               for g in groups], textposition="outside", cliponaxis=False))
    fig.update_layout(barmode="overlay", showlegend=False, xaxis={"range": [0, 26], "title": None})
    return charts.layout(fig, index_text.BULLETS_TITLE, height=360, percent_axis=None)


def groups_table(score: index766.IndexScore) -> pd.DataFrame:
    """Per group: score / maximum, source, and the input rates behind it (CLGQ: rates only)."""
    rows = []
    for g in score.groups.values():
        inputs = "; ".join(f"{index_text.SUB_LABELS[s.key]}: {vi.pct(s.rate)}" + (f" ⚠ {s.quality}" if s.quality else "")
                           for s in g.subs if s.rate is not None)
        rows.append({index_text.COLUMNS["group"]: index_text.GROUP_LABELS[g.group], index_text.COLUMNS["score"]: index_text.group_line(
            g.score, g.maximum, g.max_covered, g.partial) if g.group not in index766.RATES_ONLY_GROUPS
            else index_text.CLGQ_NO_FORMULA,
            index_text.COLUMNS["max"]: index_text.score(g.maximum, 0), index_text.COLUMNS["source"]: index_text.source_label(g.source),
            index_text.COLUMNS["inputs"]: inputs or index_text.NO_COLUMN})
    return pd.DataFrame(rows)


def trend(points: list) -> go.Figure:
    """The total month by month: simulated (over the points with data), and the portal's published
    total as a marker on the months it was imported for (``index766.monthly`` lets it win)."""
    fig = go.Figure()
    fig.add_trace(go.Scatter(x=[p.start.isoformat() for p, _ in points],
                             y=[index766.per_hundred(s.ours_total, _covered(s)) for _, s in points],
                             mode="lines+markers", name=index_text.TREND_SIMULATED,
                             line={"width": 4, "color": "#1f78b4"}, marker={"size": 9},
                             customdata=[index_text.total_line(s.ours_total, _covered(s), True) for _, s in points],
                             hovertemplate="%{x|T%m/%Y}: %{customdata}<extra></extra>"))
    published_points = [(p, s) for p, s in points if s.source == index766.PORTAL]
    if published_points:
        fig.add_trace(go.Scatter(x=[p.start.isoformat() for p, _ in published_points],
                                 y=[s.total for _, s in published_points], mode="markers", name=index_text.TREND_PUBLISHED,
                                 marker={"size": 16, "symbol": "diamond", "color": "#e31a1c"}))
    fig.update_layout(yaxis={"range": [0, 100], "title": None})
    return charts.layout(fig, index_text.TREND_TITLE, height=380, percent_axis=None)


def _covered(score: index766.IndexScore) -> float:
    return sum(g.ours.max_covered for g in score.groups.values() if g.ours is not None and g.ours.score is not None)


# -- tables -----------------------------------------------------------------------------------
def levels_table(report_: index766.IndexReport) -> pd.DataFrame:
    return pd.DataFrame([{index_text.COLUMNS["level"]: vi.LEVEL_LABELS.get(lv.key, lv.key),
                          index_text.COLUMNS["total"]: index_text.total_line(lv.total, lv.max_covered, lv.partial),
                          **{index_text.GROUP_LABELS[c]: index_text.score(g.score) for c, g in lv.groups.items()
                             if c not in index766.RATES_ONLY_GROUPS}} for lv in report_.levels])


def ranking_table(ranked: pd.DataFrame) -> pd.DataFrame:
    return pd.DataFrame({
        index_text.COLUMNS["rank"]: [vi.num(r) if pd.notna(r) else "—" for r in ranked["rank"]],
        index_text.COLUMNS["name"]: ranked["name"],
        index_text.COLUMNS["unit_type"]: [index_text.UNIT_TYPE_LABELS.get(t, t) for t in ranked["unit_type"]],
        index_text.COLUMNS["total"]: [index_text.total_line(None if pd.isna(t) else t, c, p) for t, c, p in
                             zip(ranked["total"], ranked["max_covered"], ranked["partial"])],
        index_text.COLUMNS["per_hundred"]: [index_text.score(None if pd.isna(v) else v) for v in ranked["per_hundred"]],
        index_text.COLUMNS["grade"]: [index_text.GRADE_LABELS[int(g)] if pd.notna(g) else vi.NO_DATA for g in ranked["grade"]],
        index_text.COLUMNS["below_p75"]: [index_text.score(b) if pd.notna(b) and b > 0 else "" for b in ranked["below_p75"]],
    })


def peers_caption(ranked: pd.DataFrame) -> str:
    lines = []
    for unit_type, peers in ranked.groupby("unit_type", sort=False):
        first = peers.iloc[0]
        lines.append(index_text.RANKING_PEERS.format(type=index_text.UNIT_TYPE_LABELS.get(unit_type, unit_type), n=vi.num(first["peers"]),
                                            median=index_text.score(first["median"]), p75=index_text.score(first["p75"])))
    return " · ".join(lines)


def losing_table(losing: pd.DataFrame) -> pd.DataFrame:
    return pd.DataFrame({index_text.COLUMNS["name"]: losing["name"],
                         index_text.COLUMNS["unit_type"]: [index_text.UNIT_TYPE_LABELS.get(t, t) for t in losing["unit_type"]],
                         index_text.COLUMNS["points"]: [index_text.score(p, 2) for p in losing["points"]],
                         index_text.COLUMNS["main_group"]: [index_text.GROUP_LABELS.get(g, g) for g in losing["main_group"]]})


def gain_line(gain: insight.Gain, province: index766.IndexScore) -> str:
    if gain.kind == "pp":
        sub = next(s for g in province.groups.values() for s in g.subs if s.key == gain.sub)
        lever = index_text.PP_LEVER.format(label=index_text.SUB_LABELS[gain.sub], rate=vi.pct(sub.rate), raised=vi.pct(sub.rate + 0.01))
    else:
        lever = index_text.UNITS_LEVER.format(n=len(gain.unit_ids), names=", ".join(gain.unit_names),
                                     action=index_text.ACTIONS[gain.sub].format(n=vi.num(gain.extra)))
    return index_text.GAIN_LINE.format(lever=lever, group=f"{index_text.GROUP_LABELS[gain.group]} ({gain.group})",
                              points=index_text.score(gain.points, 2))


def gains_section(frame: Frame, levers: list, province: index766.IndexScore, limit: int = 8) -> None:
    """The levers ranked, then a picker that opens the dossiers behind the chosen one (Tra cứu hồ sơ)."""
    if not levers:
        st.info(index_text.GAINS_NONE)
        return
    shown = levers[:limit]
    st.markdown("\n".join(f"{i}. {gain_line(g, province)}" for i, g in enumerate(shown, start=1)))
    with_drill = [i for i, g in enumerate(shown) if g.drill]
    if not with_drill:
        return
    left, middle, right = st.columns([3, 2, 1], vertical_alignment="bottom")
    chosen = left.selectbox(index_text.GAINS_PICK, with_drill, key="ix_gain_pick",
                            format_func=lambda i: f"{i + 1}. {index_text.GROUP_LABELS[shown[i].group]} · {index_text.SUB_LABELS[shown[i].sub]}")
    gain = shown[chosen]
    units = [None, *gain.unit_ids]
    names = dict(zip(gain.unit_ids, gain.unit_names))
    unit = middle.selectbox(index_text.GAINS_UNIT, units, key="ix_gain_unit",
                            format_func=lambda u: index_text.GAINS_ALL_UNITS if u is None else names[u])
    with right:
        widgets.drill_button(index_text.GAINS_GO, "ix_gain_go", gain.drill[0], unit=unit, month=widgets.period_month_param(frame.period))


def reconciliation_table(rows: pd.DataFrame) -> pd.DataFrame:
    return pd.DataFrame({
        index_text.COLUMNS["name"]: [vi.ALL_PROVINCE if k == "province" else n for k, n in zip(rows["key"], rows["name"])],
        index_text.COLUMNS["group"]: [index_text.GROUP_LABELS.get(g, g) for g in rows["group"]],
        index_text.COLUMNS["published"]: [index_text.score(v, 2) for v in rows["published"]],
        index_text.COLUMNS["ours"]: [index_text.score(None if pd.isna(v) else v, 2) for v in rows["ours"]],
        index_text.COLUMNS["difference"]: [index_text.signed(None if pd.isna(v) else v) for v in rows["difference"]],
        index_text.COLUMNS["reason"]: [index_text.reason_text(r, f) for r, f in zip(rows["reason"], rows["figures"])],
    })


def trend_window(frame: Frame) -> Period:
    window = widgets.trend_period(frame)
    return custom(window.start, window.end)


def ckmb_entry(frame: Frame) -> None:
    """An admin enters a CKMB publication figure for the period (kpi.measures.published.save_entry)."""
    from kpi.access import permissions
    from kpi.measures import published

    if not permissions.can(frame.user, "edit_targets"):
        return
    metrics_ = [sub.key for sub in index766.SUBS if sub.group == "CKMB"]
    units = [None, *sorted(frame.unit_names(), key=frame.unit_names().get)]
    with st.expander(index_text.ENTRY_HEADING), st.form("ix_entry"):
        st.caption(index_text.ENTRY_INTRO)
        left, right = st.columns(2)
        metric = left.selectbox(index_text.ENTRY_METRIC, metrics_, format_func=index_text.SUB_LABELS.get, key="ix_entry_metric")
        unit = right.selectbox(index_text.ENTRY_UNIT, units, key="ix_entry_unit",
                               format_func=lambda u: vi.ALL_PROVINCE if u is None else frame.unit_names()[u])
        left, right = st.columns(2)
        numerator = left.number_input(index_text.ENTRY_NUMERATOR, min_value=0, step=1, key="ix_entry_num")
        denominator = right.number_input(index_text.ENTRY_DENOMINATOR, min_value=1, step=1, key="ix_entry_den")
        if st.form_submit_button(index_text.ENTRY_SAVE):
            try:
                published.save_entry(frame.wh, frame.period, metric, "CKMB", numerator, denominator, unit_id=unit,
                                     user=frame.user.name)
            except ValueError as error:
                st.error(str(error))
                return
            st.success(index_text.ENTRY_SAVED.format(metric=index_text.SUB_LABELS[metric], numerator=vi.num(numerator),
                                            denominator=vi.num(denominator), period=frame.period.label))

"""Plotly figures drawn the same way on every page.

- Vietnamese numbers: ``separators=',.'`` makes plotly print 97,5 and 12.345.
- Months on axes as 'T10/2024'; dates elsewhere dd/mm/yyyy.
- Okabe-Ito colours (colour-blind safe); met/not met is also written in words.
- Large fonts: the dashboard is projected in the monthly meeting.
- A goal line is a shape named ``target:<kpi>:<level|all>`` with its value in
  ``y0``/``x0`` and a label naming the plan ('Chỉ tiêu 97% – KH 170/KH-VP').
- The 2025 reform is drawn honestly: no district series after 30/06/2025 and a
  vertical marker on 01/07/2025 when the axis spans it.
"""
from __future__ import annotations

import datetime as dt
import math
import textwrap

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from kpi.measures import metrics, status as target_status, verdict
from kpi.text import verdict as verdict_text, vi
from kpi.measures.levels import DISTRICT, LEVELS, TWO_LEVEL_FROM
from kpi.measures.targets import NOT_MET

FONT_SIZE = 17
CONFIG = {"displaylogo": False, "modeBarButtonsToRemove": ["lasso2d", "select2d"]}


TITLE_CHARS = 28  # a chart title wraps past this many characters (a third of a 1366 px page is narrow)


def wrap_title(title: str, width: int = TITLE_CHARS) -> str:
    """A long title on two or more lines ('<br>'), so a narrow chart never cuts it."""
    return "<br>".join(textwrap.wrap(title, width)) if len(title) > width else title


def layout(fig: go.Figure, title: str | None = None, height: int = 430, percent_axis: str | None = "y") -> go.Figure:
    lines = wrap_title(title).count("<br>") + 1 if title else 0
    fig.update_layout(
        title={"text": wrap_title(title), "font": {"size": FONT_SIZE + 4}, "y": 0.97, "yref": "container",
               "yanchor": "top", "x": 0.01, "xref": "container", "xanchor": "left"} if title else None,
        separators=",.",
        font={"size": FONT_SIZE, "family": "Arial, Helvetica, sans-serif"},
        colorway=list(vi.OKABE_ITO),
        height=height,
        margin={"l": 70, "r": 20, "t": 40 + 30 * lines if title else 30, "b": 60},
        legend={"orientation": "h", "yanchor": "top", "y": -0.12, "xanchor": "left", "x": 0, "title": None},
        hoverlabel={"font_size": FONT_SIZE},
        plot_bgcolor="white",
    )
    grid = {"showgrid": True, "gridcolor": "#e5e5e5", "zeroline": False}
    fig.update_xaxes(**grid, automargin=True)
    fig.update_yaxes(**grid, automargin=True)
    if percent_axis == "y":
        fig.update_yaxes(tickformat=".0%", rangemode="tozero")
    elif percent_axis == "x":
        fig.update_xaxes(tickformat=".0%", rangemode="tozero")
    return fig


def show(fig: go.Figure, key: str | None = None) -> None:
    st.plotly_chart(fig, width="stretch", config=CONFIG, key=key, theme=None)


# -- goal lines and the reform marker --------------------------------------------
def target_line(fig: go.Figure, kpi: str, target, level: str | None = None, axis: str = "y",
                color: str = vi.TARGET_COLOR, label_level: bool = False, slot: int = 0) -> None:
    """A dashed goal line at ``target.threshold`` across the plot, labelled with its plan.

    The label sits above the plot area (``slot`` stacks several), never over a point or a bar."""
    if target is None:
        return
    text = vi.target_line_label(target.threshold, target.source)
    if label_level and level:
        text += f" ({vi.LEVEL_LABELS[level]})"
    name = f"target:{kpi}:{level or 'all'}"
    line = {"color": color, "width": 3, "dash": "dash"}
    if axis == "y":
        fig.add_shape(type="line", xref="paper", x0=0, x1=1, yref="y", y0=target.threshold, y1=target.threshold,
                      line=line, name=name, layer="above")
        fig.add_annotation(xref="paper", x=1, xanchor="right", yref="paper", y=1, yanchor="bottom", yshift=4 + 24 * slot,
                           text=text, showarrow=False, font={"size": FONT_SIZE - 1, "color": color},
                           bgcolor="rgba(255,255,255,0.8)", name=name)
    else:
        fig.add_shape(type="line", yref="paper", y0=0, y1=1, xref="x", x0=target.threshold, x1=target.threshold,
                      line=line, name=name, layer="above")
        fig.add_annotation(yref="paper", y=1, yanchor="bottom", xref="x", x=target.threshold, xanchor="center",
                           text=text, showarrow=False, font={"size": FONT_SIZE - 1, "color": color},
                           bgcolor="rgba(255,255,255,0.8)", name=name)


def spans_switch(start: dt.date, end: dt.date) -> bool:
    return start < TWO_LEVEL_FROM <= end


def switch_marker(fig: go.Figure, start: dt.date, end: dt.date) -> None:
    """The vertical 01/07/2025 marker when the time axis spans the reform."""
    if not spans_switch(start, end):
        return
    x = pd.Timestamp(TWO_LEVEL_FROM) - pd.Timedelta(days=15)  # between the June and July points
    fig.add_shape(type="line", xref="x", x0=x, x1=x, yref="paper", y0=0, y1=1,
                  line={"color": "#555555", "width": 2, "dash": "dot"}, name="two_level_switch")
    # Named in the legend, not over the plot: a label there would cover points on a narrow chart.
    fig.add_trace(go.Scatter(x=[None], y=[None], mode="lines", name=vi.TWO_LEVEL_SWITCH, hoverinfo="skip",
                             line={"color": "#555555", "width": 2, "dash": "dot"}))


def _month_axis(fig: go.Figure, months: list) -> None:
    """Months on the x axis, from the first to the last month with data and no further: a fixed
    range, since plotly would otherwise widen it to fit a long annotation (empty future months)."""
    # Ticks far enough apart that 'T10/2025' never overlaps on a half-width chart at 1366 px.
    n = len(months)
    dtick = "M1" if n <= 3 else "M2" if n <= 6 else "M4" if n <= 12 else "M6" if n <= 24 else "M12"
    first, last = pd.Timestamp(min(months)), pd.Timestamp(max(months))
    fig.update_xaxes(type="date", tickformat="T%m/%Y", dtick=dtick, hoverformat="T%m/%Y", tickangle=0,
                     range=[(first - pd.Timedelta(days=16)).strftime("%Y-%m-%d"),
                            (last + pd.Timedelta(days=16)).strftime("%Y-%m-%d")])


def honest_levels(table: pd.DataFrame) -> pd.DataFrame:
    """Drop district points from months after the reform (no district level then)."""
    if "level" not in table.columns or "period_start" not in table.columns:
        return table
    after = pd.to_datetime(table["period_start"]) >= pd.Timestamp(TWO_LEVEL_FROM)
    return table[~((table["level"] == DISTRICT) & after)]


def status_color(status: str | None) -> str:
    """A bar's colour by its status (kpi.measures.status); grey when it has none."""
    return target_status.COLORS.get(status, target_status.COLORS[target_status.NO_DATA])


# -- the KPI vs target chart -------------------------------------------------------
def line_color(kpi: str, level: str | None) -> str:
    """A level's colour on a chart with one line per level, else the KPI's own (its definition)."""
    return vi.LEVEL_COLORS[level] if level in vi.LEVEL_COLORS and level is not None else metrics.KPIS[kpi].color


def kpi_trend(monthly: pd.DataFrame, kpi: str, targets: dict, title: str | None = None, height: int = 430) -> go.Figure:
    """A KPI month by month against its target(s).

    ``monthly`` has period_start, the KPI column and its ``__num``/``__den``, and
    optionally ``level`` (one line per level, each with its own goal line).
    ``targets`` maps level (or None for one line) → Target.
    """
    fig = go.Figure()
    monthly = honest_levels(monthly)
    by_level = "level" in monthly.columns
    groups = [(level, monthly[monthly["level"] == level]) for level in LEVELS] if by_level else [(None, monthly)]
    months = sorted(pd.to_datetime(monthly["period_start"]).unique()) if len(monthly) else []
    for level, part in groups:
        if part.empty:
            continue
        part = part.sort_values("period_start")
        values = pd.to_numeric(part[kpi], errors="coerce")
        custom = [[vi.pct(v) if pd.notna(v) else vi.NO_DATA, vi.num(n), vi.num(d)]
                  for v, n, d in zip(values, part[f"{kpi}__num"], part[f"{kpi}__den"])]
        fig.add_trace(go.Scatter(
            x=pd.to_datetime(part["period_start"]).dt.strftime("%Y-%m-%d").tolist(), y=values.astype(object).where(values.notna(), None).tolist(), mode="lines+markers",
            name=vi.LEVEL_LABELS.get(level, vi.KPI_LABELS[kpi]),
            line={"color": line_color(kpi, level), "width": 4}, marker={"size": 10},
            customdata=custom, connectgaps=False,
            hovertemplate="%{x|T%m/%Y}: %{customdata[0]}<br>%{customdata[1]} / %{customdata[2]}<extra>%{fullData.name}</extra>",
        ))
    distinct = {}
    for level, target in targets.items():
        if target is not None:
            distinct.setdefault(round(target.threshold, 6), []).append((level, target))
    several = len(distinct) > 1
    for slot, entries in enumerate(distinct.values()):
        level, target = entries[0]
        color = vi.LEVEL_COLORS.get(level, vi.TARGET_COLOR) if several else vi.TARGET_COLOR
        target_line(fig, kpi, target, level if several else None, color=color, label_level=several, slot=slot)
    layout(fig, title, height)
    if distinct:  # room between the title and the plot for the stacked goal labels
        fig.update_layout(margin={"t": fig.layout.margin.t + 24 * len(distinct) - 10})
    # Rates near 100% (on time, satisfaction) would be a flat line on a 0–100% axis: start the
    # axis a little below the lowest value or goal, in whole tens, and say so with the tick labels.
    floor_values = [v for v in pd.to_numeric(monthly[kpi], errors="coerce").dropna()] + [
        t.threshold for t in targets.values() if t is not None]
    low = max(0.0, math.floor((min(floor_values) - 0.05) * 10) / 10) if floor_values else 0.0
    fig.update_yaxes(range=[low, 1.02])
    if months:
        _month_axis(fig, months)
        switch_marker(fig, pd.Timestamp(months[0]).date(), (pd.Timestamp(months[-1]) + pd.offsets.MonthEnd(0)).date())
    return fig


def ranking(rows: pd.DataFrame, kpi: str, title: str | None = None) -> go.Figure:
    """Units as horizontal bars in the order given (kpi.measures.verdict.rank_units: the units missing the
    most dossiers at the top), against their targets.

    ``rows`` has name, the KPI value, its ``__num``/``__den``, ``target`` (a Target or None),
    ``status`` and ``gap`` per row. One goal line when every row shares a threshold, else a
    mark at each unit's own target.
    """
    rows = rows[pd.to_numeric(rows[kpi], errors="coerce").notna()].copy()
    rows["value"] = pd.to_numeric(rows[kpi])
    status = list(rows["status"])
    colors = [status_color(s) for s in status]
    text = [(f"✘ {verdict.rate_text(v, t)} · {verdict_text.GAP_SHORT.format(n=vi.num(g))}" if s == NOT_MET
             else verdict.rate_text(v, t)) for v, t, s, g in zip(rows["value"], rows["target"], status, rows["gap"])]
    custom = [[vi.num(n), vi.num(d), verdict.status_label(s or "")] for n, d, s in
              zip(rows[f"{kpi}__num"], rows[f"{kpi}__den"], status)]
    fig = go.Figure(go.Bar(
        x=rows["value"].tolist(), y=rows["name"].tolist(), orientation="h", marker={"color": colors}, text=text,
        # Inside, from the start of the bar: a value never sits on the goal line near the bar's end.
        textposition=["inside" if v >= 0.3 else "outside" for v in rows["value"]], insidetextanchor="start",
        textfont={"color": ["white" if v >= 0.3 else "#1a1a1a" for v in rows["value"]]},
        cliponaxis=False, customdata=custom, name=vi.KPI_LABELS[kpi],
        hovertemplate="%{y}: %{x:.1%}<br>%{customdata[0]} / %{customdata[1]} · %{customdata[2]}<extra></extra>",
    ))
    thresholds = {round(t.threshold, 6): t for t in rows["target"] if t is not None}
    if len(thresholds) == 1:
        target_line(fig, kpi, next(iter(thresholds.values())), axis="x")
    elif thresholds:
        marks = rows[rows["target"].notna()]
        fig.add_trace(go.Scatter(
            x=[t.threshold for t in marks["target"]], y=marks["name"].tolist(), mode="markers", name=vi.LEVEL_TARGET_MARK,
            marker={"symbol": "line-ns", "size": 26, "line": {"width": 4, "color": vi.TARGET_COLOR}},
            hovertemplate="Chỉ tiêu %{x:.0%}<extra></extra>",
        ))
    height = max(260, 44 * len(rows) + 120)
    layout(fig, title, height, percent_axis="x")
    fig.update_layout(uniformtext={"minsize": FONT_SIZE - 2, "mode": "show"})
    fig.update_xaxes(range=[0, 1.12])
    fig.update_yaxes(autorange="reversed", showgrid=False, title=None, automargin=True)
    fig.update_layout(showlegend=len(thresholds) > 1, bargap=0.25)
    return fig


def stacked_months(monthly: pd.DataFrame, columns: dict, colors: dict, title: str | None = None,
                   height: int = 430) -> go.Figure:
    """Counts month by month, stacked (e.g. early / on time / overdue)."""
    fig = go.Figure()
    x = pd.to_datetime(monthly["period_start"])
    for column, label in columns.items():
        fig.add_trace(go.Bar(x=x.dt.strftime("%Y-%m-%d").tolist(), y=monthly[column].tolist(), name=label, marker={"color": colors.get(column)},
                             hovertemplate="%{x|T%m/%Y}: %{y:,.0f}<extra>" + label + "</extra>"))
    layout(fig, title, height, percent_axis=None)
    fig.update_layout(barmode="stack")
    fig.update_yaxes(tickformat=",.0f")
    if len(monthly):
        _month_axis(fig, list(x))
        switch_marker(fig, x.min().date(), (x.max() + pd.offsets.MonthEnd(0)).date())
    return fig


def level_bars(by_level: pd.DataFrame, kpi: str, targets: dict, title: str | None = None, height: int = 380,
               period=None) -> go.Figure:
    """One bar per level, each with its own goal segment over it. The value and the goal are
    written under the bar, on the axis: no label can cover a bar or a goal line. A level that
    no longer exists in ``period`` (district after the reform) is grey and says so."""
    rows = by_level.set_index("level")
    levels = [level for level in LEVELS if level in rows.index]
    values = [pd.to_numeric(rows.loc[level, kpi], errors="coerce") for level in levels]
    status = [verdict.cell_status(v if pd.notna(v) else None, int(rows.loc[l, f"{kpi}__den"]), targets.get(l),
                                  level_cell=True, abolished=period is not None and verdict.abolished_in(period, l))
              for v, l in zip(values, levels)]
    names = []
    for v, s, l in zip(values, status, levels):
        target = targets.get(l)
        # Short lines: three levels side by side on a third of a 1366 px page.
        lines = [vi.LEVEL_SHORT[l] + (f"<br>({vi.ABOLISHED_SHORT})" if s == verdict.ABOLISHED else ""),
                 f"<b>{verdict.rate_text(v if pd.notna(v) else None, target)}</b> {verdict_text.STATUS_MARKS.get(s, '')}".strip()]
        if target:
            lines.append(vi.target_phrase(target.threshold, target.direction))
        names.append("<br>".join(lines))
    fig = go.Figure(go.Bar(
        x=names, y=values, name=vi.KPI_LABELS[kpi],
        marker={"color": [status_color(s) for s in status]},
        hovertemplate="%{y:.1%}<extra></extra>",
    ))
    for i, level in enumerate(levels):
        target = targets.get(level)
        if target is None:
            continue
        fig.add_shape(type="line", xref="x", x0=i - 0.45, x1=i + 0.45, yref="y", y0=target.threshold, y1=target.threshold,
                      line={"color": vi.TARGET_COLOR, "width": 4, "dash": "dash"}, name=f"target:{kpi}:{level}")
    layout(fig, title, height)
    fig.update_yaxes(range=[0, 1.05])
    fig.update_xaxes(tickangle=0)
    fig.update_layout(showlegend=False)
    return fig


def share_bars(rows: pd.DataFrame, category: str, columns: dict, colors: dict, title: str | None = None,
               height: int | None = None) -> go.Figure:
    """Horizontal 100% stacked bars (e.g. the four ratings per level, or channels per field)."""
    fig = go.Figure()
    totals = rows[list(columns)].sum(axis=1).replace(0, pd.NA)
    for column, label in columns.items():
        share = (rows[column] / totals).astype("float64")
        fig.add_trace(go.Bar(
            y=rows[category].tolist(), x=share.astype(object).where(share.notna(), None).tolist(), name=label, orientation="h", marker={"color": colors.get(column)},
            customdata=[[vi.num(v)] for v in rows[column]],
            text=[vi.pct(v, 0) if pd.notna(v) and v >= 0.06 else "" for v in share], textposition="inside",
            hovertemplate="%{y} · " + label + ": %{x:.1%} (%{customdata[0]})<extra></extra>",
        ))
    layout(fig, title, height or max(240, 56 * len(rows) + 120), percent_axis="x")
    fig.update_layout(barmode="stack")
    fig.update_xaxes(range=[0, 1])
    fig.update_yaxes(autorange="reversed", showgrid=False, automargin=True)
    return fig

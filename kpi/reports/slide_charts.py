"""Plotly figures of the meeting slides, shared by the meeting page and the PDF pack.

Okabe-Ito colours (colour-blind safe), Vietnamese separators (',' decimal, '.'
thousands), large type for a wall screen read from 5 m. Bar labels are the very
strings ``vi.pct`` gives the narrative, so the chart and the text agree.
"""
from __future__ import annotations

import plotly.graph_objects as go
from plotly.subplots import make_subplots

from kpi.measures import status, verdict
from kpi.text import report as report_text, verdict as verdict_text, vi

OKABE_ITO = {
    "black": "#000000", "orange": "#E69F00", "sky_blue": "#56B4E9", "bluish_green": "#009E73",
    "yellow": "#F0E442", "blue": "#0072B2", "vermillion": "#D55E00", "reddish_purple": "#CC79A7",
    "grey": "#999999",
}
# The status colours (kpi.measures.status), "info" (a rate without target) included.
STATUS_COLORS = status.COLORS
FONT = "DejaVu Sans, Noto Sans, Arial, sans-serif"
# Wall screen (1920×1080, read from 5 m): no chart text under 24 px (titles, ticks, in-bar values).
MIN_SCREEN_PX = 24
SCREEN = {"font": 26, "height": 560, "bar_px": 48}
PRINT = {"font": 26, "height": 820, "bar_px": 70}


def _short(text: str, limit: int = 38) -> str:
    text = str(text)
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _layout(fig: go.Figure, size: dict, height: int | None = None) -> go.Figure:
    fig.update_layout(
        separators=",.",
        font={"family": FONT, "size": size["font"], "color": "#1a1a1a"},
        template="simple_white",
        height=height or size["height"],
        margin={"l": 10, "r": 40, "t": 30, "b": 40},
        showlegend=False,
        paper_bgcolor="white",
        plot_bgcolor="white",
        # Never shrink a bar's value below the wall-screen minimum to fit it (print keeps plotly's fit).
        uniformtext={"minsize": MIN_SCREEN_PX, "mode": "show"} if size is SCREEN else None,
    )
    return fig


def _legend_html(items: list[dict], has_target: bool) -> str:
    """A one-line key: the bar colours present and the target tick."""
    names = dict(verdict_text.STATUS_LABELS, info=verdict_text.STATUS_LABELS["no_target"])
    present = [s for s in ("met", "not_met", "info", "few", "abolished") if any(i["status"] == s for i in items)]
    parts = [f"<span style='color:{STATUS_COLORS[s]}'>■</span> {names[s]}" for s in present]
    if has_target:
        parts.append(f"<b>|</b> {report_text.TARGET_WORD}")
    return "    ".join(parts)


def _rates_figure(spec: dict, size: dict, height: int | None = None) -> go.Figure:
    items = list(reversed(spec["items"]))  # first item on top
    labels = [_short(i["label"]) for i in items]
    values = [None if i["value"] is None else i["value"] * 100 for i in items]
    texts = [i.get("text") or verdict.rate_text_for(i["value"], i["threshold"], i.get("direction") or ">=")
             for i in items]
    colors = [STATUS_COLORS.get(i["status"], STATUS_COLORS[status.INFO]) for i in items]
    # Long bars carry their value inside (white) at their start, far from the target tick near their end.
    positions = ["inside" if v is not None and v >= 25 else "outside" for v in values]
    text_colors = ["white" if p == "inside" else "#1a1a1a" for p in positions]
    fig = go.Figure()
    fig.add_bar(
        y=labels, x=[v if v is not None else 0 for v in values], orientation="h",
        marker={"color": colors}, text=texts, textposition=positions, insidetextanchor="start",
        cliponaxis=False, textfont={"size": size["font"], "color": text_colors},
        hovertemplate="%{y}: %{text}<extra></extra>", name=report_text.VALUE_WORD,
    )
    # No target tick where there is no value: it would cross the "Chưa có dữ liệu" label.
    targets = [(lab, i["threshold"] * 100) for lab, i in zip(labels, items)
               if i["threshold"] is not None and i["value"] is not None]
    height = height or int(max(size["height"] * 0.6, min(size["height"], size["bar_px"] * 1.6 * len(items) + 120)))
    tick_px = min(size["bar_px"], int((height - 110) / max(len(items), 1) * 0.8))
    if targets:
        fig.add_scatter(
            y=[t[0] for t in targets], x=[t[1] for t in targets], mode="markers", name=report_text.TARGET_WORD,
            marker={"symbol": "line-ns", "size": tick_px, "line": {"width": 5, "color": OKABE_ITO["black"]}},
            hovertemplate=f"{report_text.TARGET_WORD} %{{x:.0f}}%<extra></extra>",
        )
    ticks = [0, 50, 100]  # few ticks: large type must not rotate on a narrow chart
    fig.update_xaxes(range=[0, 112], tickvals=ticks, ticktext=[f"{t}%" for t in ticks], showgrid=True,
                     gridcolor="#e5e5e5", title=None)
    fig.update_yaxes(title=None, automargin=True, ticks="")
    _layout(fig, size, height)
    fig.update_layout(margin={"l": 10, "r": 30, "t": 60, "b": 40}, bargap=0.3)
    fig.add_annotation(text=_legend_html(items, bool(targets)), xref="paper", yref="paper", x=1, y=1.0,
                       xanchor="right", yanchor="bottom", showarrow=False,
                       font={"size": max(MIN_SCREEN_PX, size["font"] - 2)})
    return fig


def _hotspots_figure(spec: dict, size: dict) -> go.Figure:
    """Three stacked panels (units, lĩnh vực, procedures), top items each, resolved + in-progress overdue."""
    groups = [g for g in spec["groups"] if g["items"]] or spec["groups"][:1]
    counts = [max(1, len(g["items"])) for g in groups]
    fig = make_subplots(rows=len(groups), cols=1, subplot_titles=[g["title"] for g in groups],
                        row_heights=[c / sum(counts) for c in counts], vertical_spacing=0.09)
    top = max([i["total"] for g in groups for i in g["items"]] or [1])
    for row, group in enumerate(groups, start=1):
        items = list(reversed(group["items"]))
        labels = [_short(i["name"], 44) for i in items]
        fig.add_bar(y=labels, x=[i["resolved"] for i in items], orientation="h", row=row, col=1,
                    marker={"color": OKABE_ITO["orange"]}, name=report_text.OVERDUE_RESOLVED, legendgroup="resolved",
                    showlegend=row == 1, hovertemplate="%{y}: %{x:,}<extra>" + report_text.OVERDUE_RESOLVED + "</extra>")
        fig.add_bar(y=labels, x=[i["in_progress"] for i in items], orientation="h", row=row, col=1,
                    marker={"color": OKABE_ITO["vermillion"]}, name=report_text.OVERDUE_IN_PROGRESS, legendgroup="in_progress",
                    showlegend=row == 1, text=[vi.num(i["total"]) for i in items], textposition="outside",
                    cliponaxis=False, textfont={"size": max(MIN_SCREEN_PX, size["font"] - 2)},
                    hovertemplate="%{y}: %{x:,}<extra>" + report_text.OVERDUE_IN_PROGRESS + "</extra>")
        fig.update_xaxes(range=[0, top * 1.15], row=row, col=1, showgrid=True, gridcolor="#e5e5e5",
                         tickformat=",d", showticklabels=row == len(groups))
    fig.update_layout(barmode="stack", bargap=0.25)
    fig.update_yaxes(automargin=True, ticks="")
    _layout(fig, size, size["height"] + 160)
    small = max(MIN_SCREEN_PX, size["font"] - 2)
    fig.update_layout(showlegend=True, legend={"orientation": "h", "y": -0.06, "yanchor": "top", "x": 0.5,
                                               "xanchor": "center", "font": {"size": small}},
                      margin={"l": 10, "r": 30, "t": 40, "b": 70})
    fig.update_annotations(font_size=size["font"], x=0, xanchor="left")
    fig.update_yaxes(tickfont={"size": small})
    fig.update_xaxes(tickfont={"size": small})
    return fig


def figure(spec: dict | None, *, for_print: bool = False, height: int | None = None) -> go.Figure | None:
    """The plotly figure of a slide's chart spec (None when the slide has no chart).

    ``height`` (px) fixes the height of a rates chart, e.g. to fit a PDF box.
    """
    if not spec:
        return None
    size = PRINT if for_print else SCREEN
    if spec["type"] == "rates":
        return _rates_figure(spec, size, height)
    if spec["type"] == "hotspots":
        return _hotspots_figure(spec, size)
    raise ValueError(f"Không có loại biểu đồ '{spec['type']}'")

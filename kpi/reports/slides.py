"""The monthly review ("giao ban") as data: one ``Slide`` per screen, in the meeting's order.

1. the whole scope against its targets; 2. each level (``levels_on`` the period) against
its targets; 3. units below the on-time target; 4. PAKN; 5. while the year is open, each plan KPI's
year-end forecast and the pace still needed (``kpi.reports.forecast_slide``); 6. the period's
overdue hot spots (units, lĩnh vực, procedures with most overdue dossiers).

A slide carries its numbers (``data``), the narrative written from them
(``kpi.reports.narrative``) and a chart *spec* drawn by ``kpi.reports.slide_charts.figure`` — the
meeting page and the PDF pack both draw from the same spec, so text, figure and
headline always agree. Nothing here imports streamlit.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field as dc_field

import pandas as pd

from kpi.measures import metrics, status as target_status, targets as tg, verdict
from kpi.reports import narrative
from kpi.text import report as report_text, verdict as verdict_text, vi
from kpi.warehouse.db import Warehouse
from kpi.measures.filters import Filters, Scope
from kpi.measures.indicators import Selection
from kpi.measures.levels import LEVELS
from kpi.measures.periods import Period

# The plan KPIs on the summary and level slides, in their overview order; PAKN has its own slide.
# Read from the definitions (kpi.measures.metrics.KPIS) at each use.
PAKN_FAMILY = "feedback"
DOSSIER_RATES = Selection(metrics.KPIS, lambda k: k.plan_order is not None and k.family != PAKN_FAMILY,
                          lambda k: k.plan_order)
PAKN_RATES = Selection(metrics.KPIS, lambda k: k.plan_order is not None and k.family == PAKN_FAMILY,
                       lambda k: k.plan_order)
HEADLINE = "on_time_rate"
MAX_UNITS_CHART = 6      # bars on the "below target" chart: thick enough for 24 px values
FIRST_TABLE_ROWS = 5    # rows under the chart of the first "below target" slide (fits 1080 px)
MAX_TABLE_ROWS = 8      # rows of each following slide listing the rest (fits 1080 px without a chart)
HOTSPOT_TOP = 5
HOTSPOT_COUNTS = ("resolved_overdue", "in_progress_overdue")  # what the hot-spot slide shows per unit, field, procedure


@dataclass
class Slide:
    key: str                 # summary | level:district | below | pakn | hotspots
    kind: str                # summary | level | below | pakn | hotspots
    title: str
    headline: str            # the big figure, formatted ("96,8%", "3/12", "1.234")
    headline_label: str
    subtitle: str
    narrative: str
    status: str = tg.NO_DATA  # met | not_met | no_data | info
    figure: dict | None = None  # chart spec for kpi.reports.slide_charts.figure
    table: dict | None = None   # {"columns": [...], "rows": [[str, ...], ...]}
    data: dict = dc_field(default_factory=dict)


# -- inputs -------------------------------------------------------------------------

def _none(value):
    if value is None or value is pd.NA:
        return None
    if isinstance(value, float) and math.isnan(value):
        return None
    return value


def in_force_targets(wh: Warehouse, year: int) -> list[tg.Target]:
    """Targets in force; when the warehouse has none yet, the seed file's (read only, nothing written)."""
    found = tg.targets_for_year(wh, year)
    if found:
        return found
    rows = tg.seed_rows()
    years = sorted({int(r["year"]) for r in rows})
    earlier = [y for y in years if y <= year]
    source_year = earlier[-1] if earlier else years[0]
    return [tg.Target(r["indicator"], float(r["threshold"]), r["direction"], r["level"] or None,
                      r["unit_id"] or None, r["source"], year, source_year)
            for r in rows if int(r["year"]) == source_year]


def _rate(key: str, row: dict | None, prev: dict | None, in_force, level=None, unit_id=None,
          judged: verdict.KpiVerdict | None = None, cell: verdict.Cell | None = None) -> dict:
    """A rate dict for the narrative and the chart; its status comes from the verdict (``judged`` for
    the whole selection, ``cell`` for one level), so slides say what the overview says."""
    target = tg.pick(in_force, key, level, unit_id)
    if judged is not None and judged.per_level:
        target = None if len({(c.target.threshold, c.target.direction) for c in judged.cells if c.target}) != 1 \
            else next(c.target for c in judged.cells if c.target)
    value = _none(row.get(key)) if row else None
    previous = _none(prev.get(key)) if prev else None
    rate = {
        "key": key, "label": metrics.KPIS[key].label,
        "value": None if value is None else float(value),
        "previous": None if previous is None else float(previous),
        "threshold": target.threshold if target else None,
        "direction": target.direction if target else ">=",
        "num": int(row.get(f"{key}__num", 0)) if row else 0,
        "den": int(row.get(f"{key}__den", 0)) if row else 0,
    }
    if cell is not None:
        rate["status"] = cell.status
    elif judged is not None:
        rate["status"] = judged.status
        if judged.per_level and judged.missed:
            rate["levels_missed"] = verdict.missed_levels_text(judged)
    return rate


def _total_row(frame: pd.DataFrame) -> dict:
    counts = frame.drop(columns=[c for c in ("level", "unit_id") if c in frame.columns])
    base = [c for c in counts.columns if not c.endswith("__num") and not c.endswith("__den")
            and c not in metrics.KPIS]
    summed = counts[base].sum(numeric_only=True).to_frame().T.astype("int64") if len(counts) else \
        pd.DataFrame([{c: 0 for c in base}]).astype("int64")
    return metrics.add_rates(summed).iloc[0].to_dict()


def _by_level(frame: pd.DataFrame) -> dict[str, dict]:
    return {r["level"]: r for r in frame.to_dict("records")} if len(frame) else {}


def _status_of(rate: dict) -> str:
    status = narrative.status(rate)
    return target_status.INFO if status == target_status.NO_TARGET else status


def _target_subtitle(rate: dict) -> str:
    if rate["threshold"] is None:
        return ""
    sign = "≥" if rate["direction"] == ">=" else "≤"
    return f"{report_text.TARGET_WORD} {sign} {narrative.target_text(rate['threshold'])} · {verdict.status_label(narrative.status(rate))}"


def _rates_spec(rates: list[dict]) -> dict:
    return {"type": "rates", "items": [
        {"label": r["label"], "value": r["value"], "threshold": r["threshold"], "direction": r["direction"],
         "status": _status_of(r)} for r in rates]}


def _scope_label(scope: Scope | None, level: str | None, period: Period) -> str:
    if level:
        return vi.level_label_in(level, period)
    if scope is None or scope.is_province:
        return report_text.SCOPE_PROVINCE
    if scope.kind == "level":
        return vi.LEVEL_LABELS.get(scope.level, scope.level)
    return report_text.SCOPE_OWN


def _has_dossiers(row: dict | None) -> bool:
    return bool(row) and any(int(row.get(k) or 0) for k in ("received", "resolved", "in_progress", "carried_over"))


# -- slides ---------------------------------------------------------------------------

def _scope_slide(kind: str, key: str, title: str, scope_label: str, period: Period, row, prev, in_force,
                 judged: verdict.Verdict, level=None, below_units=None) -> Slide:
    if kind == "level":  # one level of the deck: its own cells
        rates = [_rate(k, row, prev, in_force, level, cell=judged.cell(k, level)) for k in DOSSIER_RATES]
    else:  # the deck's selection: the verdict of every judged level
        rates = [_rate(k, row, prev, in_force, level, judged=judged.kpis[k]) for k in DOSSIER_RATES]
    headline = rates[0]
    data = {
        "scope_label": scope_label, "period_label": period.label, "period_kind": period.kind,
        "received": int(row.get("received", 0)) if row else 0, "resolved": int(row.get("resolved", 0)) if row else 0,
        "in_progress": int(row.get("in_progress", 0)) if row else 0,
        "carried_over": int(row.get("carried_over", 0)) if row else 0,
        "headline": headline, "rates": rates,
    }
    if kind == "level" and level in judged.apart_levels or (kind == "summary" and judged.apart_levels):
        data["apart_note"] = verdict.abolished_note()
    if below_units is not None:
        data["below_units"] = below_units
    subtitle_parts = [period.label, scope_label, _target_subtitle(headline)]
    if _has_dossiers(row):
        subtitle_parts.append(f"{vi.num(data['resolved'])} hồ sơ đã giải quyết")
    return Slide(
        key=key, kind=kind, title=title,
        headline=verdict.rate_text_for(headline["value"], headline["threshold"], headline["direction"]),
        headline_label=report_text.HEADLINE_ON_TIME, subtitle=" · ".join(p for p in subtitle_parts if p),
        narrative=" ".join(t for t in (narrative.for_slide(kind, data),
                                       vi.coverage_sentences(metrics.coverages(row, DOSSIER_RATES))) if t),
        status=_status_of(headline), figure=_rates_spec(rates), data=data,
    )


def _below_data(period: Period, ranking: verdict.Ranking, in_force, level) -> dict:
    below = ranking.below
    thresholds = {u.target.threshold for u in ranking.ordered if u.target is not None}
    common = tg.pick(in_force, HEADLINE, level)
    threshold = common.threshold if common else (thresholds.pop() if len(thresholds) == 1 else None)
    return {"period_label": period.label, "period_kind": period.kind, "key": HEADLINE, "threshold": threshold,
            "direction": common.direction if common else ">=", "units_with_data": ranking.with_data,
            "units": [{"name": u.name, "value": u.value, "num": u.num, "den": u.den, "gap": u.gap} for u in below],
            "apart_units": [u.name for u in ranking.apart]}


def _below_rows(units) -> list[list[str]]:
    return [[u.name, vi.LEVEL_SHORT.get(u.level, ""), vi.num(u.gap), u.text,
             f"{vi.num(u.num)}/{vi.num(u.den)}"] for u in units]


BELOW_COLUMNS = (report_text.COL_UNIT, report_text.COL_LEVEL, report_text.COL_GAP, report_text.COL_RATE, report_text.COL_RESOLVED)


def _below_slides(period: Period, ranking: verdict.Ranking, in_force, level) -> list[Slide]:
    """Units below the on-time target ranked by the dossiers they miss; the ones that do not fit
    the first slide follow on their own slides, so "… và N đơn vị khác" is never the end."""
    below = ranking.below
    data = _below_data(period, ranking, in_force, level)
    threshold = data["threshold"]
    shown = below[:MAX_UNITS_CHART]
    figure = {"type": "rates", "items": [
        {"label": u.name, "value": u.value, "threshold": u.target.threshold if u.target else None,
         "direction": u.target.direction if u.target else ">=", "status": u.status,
         "text": f"{u.text} · {verdict_text.GAP_SHORT.format(n=vi.num(u.gap))}"} for u in shown]} if shown else None
    rest = list(below[FIRST_TABLE_ROWS:])
    chunks = [rest[i:i + MAX_TABLE_ROWS] for i in range(0, len(rest), MAX_TABLE_ROWS)]
    table = {"columns": list(BELOW_COLUMNS), "rows": _below_rows(below[:FIRST_TABLE_ROWS]),
             "more": len(rest), "continued": bool(rest)} if below else None
    headline = f"{vi.num(len(below))}/{vi.num(ranking.with_data)}" if ranking.with_data else vi.NO_DATA
    status = tg.NO_DATA if not ranking.with_data else (tg.MET if not below else tg.NOT_MET)
    sub = [period.label, f"{report_text.TARGET_WORD} ≥ {narrative.target_text(threshold)}" if threshold is not None else "",
           report_text.BELOW_ORDER if below else ""]
    subtitle = " · ".join(p for p in sub if p)
    slides = [Slide(key="below", kind="below", title=report_text.SLIDE_BELOW_TITLE, headline=headline,
                    headline_label=report_text.HEADLINE_BELOW, subtitle=subtitle,
                    narrative=narrative.for_slide("below", data), status=status, figure=figure, table=table, data=data)]
    first = FIRST_TABLE_ROWS + 1
    for i, chunk in enumerate(chunks, start=2):
        more = dict(data, first=first, last=first + len(chunk) - 1)
        left = len(below) - (first + len(chunk) - 1)
        slides.append(Slide(key=f"below:{i}", kind="below_more", title=f"{report_text.SLIDE_BELOW_TITLE} ({report_text.CONTINUED})",
                            headline=headline, headline_label=report_text.HEADLINE_BELOW, subtitle=subtitle,
                            narrative=narrative.for_slide("below_more", more), status=status, figure=None,
                            table={"columns": list(BELOW_COLUMNS), "rows": _below_rows(chunk), "more": max(0, left),
                                   "continued": left > 0},
                            data=more))
        first += len(chunk)
    return slides


def _pakn_slide(period: Period, row, prev, in_force, level, scope_label, judged: verdict.Verdict) -> Slide:
    rates = {k: _rate(k, row, prev, in_force, level, judged=judged.kpis[k]) for k in PAKN_RATES}
    on_time, satisfaction = rates["pakn_on_time_rate"], rates["pakn_satisfaction_rate"]
    data = {"period_label": period.label, "period_kind": period.kind,
            "pakn_received": int(row.get("pakn_received", 0)) if row else 0,
            "pakn_handled": int(row.get("pakn_handled", 0)) if row else 0,
            "pakn_backlog": int(row.get("pakn_backlog", 0)) if row else 0,
            "pakn_backlog_overdue": int(row.get("pakn_backlog_overdue", 0)) if row else 0,
            "on_time": on_time, "satisfaction": satisfaction}
    sub = [period.label, scope_label, _target_subtitle(on_time)]
    if data["pakn_handled"]:
        sub.append(f"{vi.num(data['pakn_handled'])} PAKN đã xử lý")
    return Slide(key="pakn", kind="pakn", title=report_text.SLIDE_PAKN_TITLE,
                 headline=verdict.rate_text_for(on_time["value"], on_time["threshold"], on_time["direction"]),
                 headline_label=report_text.HEADLINE_PAKN, subtitle=" · ".join(p for p in sub if p),
                 narrative=narrative.for_slide("pakn", data), status=_status_of(on_time),
                 figure=_rates_spec(list(rates.values())), data=data)


def _overdue_items(frame: pd.DataFrame, column: str, names: dict | None = None) -> list[dict]:
    if not len(frame):
        return []
    frame = frame.assign(total=frame["resolved_overdue"] + frame["in_progress_overdue"])
    frame = frame[frame["total"] > 0]
    items = []
    for rec in frame.to_dict("records"):
        raw = _none(rec[column])
        name = (names or {}).get(raw, raw) if raw is not None else report_text.UNKNOWN
        items.append({"name": str(name), "total": int(rec["total"]), "resolved": int(rec["resolved_overdue"]),
                      "in_progress": int(rec["in_progress_overdue"])})
    items.sort(key=lambda x: (-x["total"], x["name"]))
    return items[:HOTSPOT_TOP]


def _hotspots_slide(wh, period, filters, scope, row, names) -> Slide:
    # dossier_totals, not dossier_counts: units that only file Biểu 06 count here as in the totals. Only the
    # two counts shown: by procedure they come from the dossier rows (the table keeps no procedure).
    by = {g: metrics.dossier_totals(wh, period, filters, scope, (g,), HOTSPOT_COUNTS) for g in ("unit", "field", "procedure")}
    data = {"period_label": period.label, "period_kind": period.kind, "has_data": _has_dossiers(row),
            "resolved_overdue": int(row.get("resolved_overdue", 0)) if row else 0,
            "in_progress_overdue": int(row.get("in_progress_overdue", 0)) if row else 0,
            "units": _overdue_items(by["unit"], "unit_id", names),
            "fields": _overdue_items(by["field"], "field"),
            "procedures": _overdue_items(by["procedure"], "procedure")}
    total = data["resolved_overdue"] + data["in_progress_overdue"]
    groups = [{"title": title, "items": data[key]} for key, title in
              (("units", report_text.HOTSPOT_UNITS), ("fields", report_text.HOTSPOT_FIELDS), ("procedures", report_text.HOTSPOT_PROCEDURES))]
    figure = {"type": "hotspots", "groups": groups} if total else None
    sub = [period.label, f"{report_text.OVERDUE_RESOLVED}: {vi.num(data['resolved_overdue'])}",
           f"{report_text.OVERDUE_IN_PROGRESS}: {vi.num(data['in_progress_overdue'])}"] if data["has_data"] else [period.label]
    no_apology = int(row.get("overdue_no_apology", 0)) if row else 0
    if no_apology:
        sub.append(f"{vi.COUNT_LABELS['overdue_no_apology']}: {vi.num(no_apology)}")
    return Slide(key="hotspots", kind="hotspots", title=report_text.SLIDE_HOTSPOT_TITLE,
                 headline=vi.num(total) if data["has_data"] else vi.NO_DATA,
                 headline_label=report_text.HEADLINE_OVERDUE, subtitle=" · ".join(sub),
                 narrative=narrative.for_slide("hotspots", data),
                 status=tg.NO_DATA if not data["has_data"] else ("met" if total == 0 else "not_met"),
                 figure=figure, data=data)


def build_slides(wh: Warehouse, period: Period, scope: Scope | None = None, level: str | None = None,
                 filters: Filters | None = None) -> list[Slide]:
    """The meeting's slides for a period and scope (optionally one level), in presentation order."""
    filters = filters or Filters()
    if level:
        filters = Filters(level=level, unit_ids=filters.unit_ids, fields=filters.fields)
    period = period.until(metrics.data_date(wh))  # "số liệu đến ngày …" past the data
    in_force = in_force_targets(wh, period.end.year)
    previous = period.previous()
    current_units = metrics.kpi_table(wh, period, filters, scope, ("level", "unit"))
    current = metrics.add_rates(_level_counts(current_units))
    prev = metrics.kpi_table(wh, previous, filters, scope, ("level",))
    cur_levels, prev_levels = _by_level(current), _by_level(prev)
    total, prev_total = _total_row(current), _total_row(prev)
    names = {r.unit_id: r.name for r in metrics.units_frame(wh, scope).itertuples()}
    # One verdict (kpi.measures.verdict) for every slide, the same the overview shows.
    judged = verdict.judge(period, current, in_force, tuple(DOSSIER_RATES) + tuple(PAKN_RATES), scope=scope, filters=filters)
    ranking = verdict.rank_units(period, current_units, HEADLINE, in_force, names)

    view_levels = [lv for lv in LEVELS if lv in judged.levels or lv in judged.apart_levels]
    one_level = view_levels[0] if len(view_levels) == 1 else None
    scope_label = _scope_label(scope, level or (scope.level if scope is not None and scope.kind == "level" else None),
                               period)

    slides = [_scope_slide("summary", "summary", report_text.SLIDE_SUMMARY_TITLE.format(scope=scope_label), scope_label, period,
                           total, prev_total, in_force, judged, one_level,
                           below_units=[u.name for u in ranking.below] if one_level else None)]
    if len(view_levels) > 1:
        for lv in view_levels:
            label = vi.level_label_in(lv, period)
            below = [u.name for u in ranking.below if u.level == lv]
            slides.append(_scope_slide("level", f"level:{lv}", report_text.SLIDE_LEVEL_TITLE.format(level=label), label, period,
                                       cur_levels.get(lv), prev_levels.get(lv), in_force, judged, lv,
                                       below_units=below))
    slides.extend(_below_slides(period, ranking, in_force, one_level))
    slides.append(_pakn_slide(period, total, prev_total, in_force, one_level, scope_label, judged))
    from kpi.reports.manual_slide import manual_slide  # it builds a Slide: imported here, not at the top

    manual = manual_slide(wh, period, scope, scope_label)
    slides += [manual] if manual is not None else []
    # Units of an abolished level keep their overdue leftovers on the hot-spot list, named as such.
    abolished = {r["unit_id"] for r in current_units.to_dict("records") if verdict.abolished_in(period, r["level"])}
    marked = {u: f"{n} ({report_text.ABOLISHED_SHORT})" if u in abolished else n for u, n in names.items()}
    # Where the year will end at this pace, and the pace still needed (none once the year is over).
    from kpi.reports.forecast_slide import forecast_slides

    slides.extend(forecast_slides(wh, period, in_force, DOSSIER_RATES + PAKN_RATES, scope_label, filters, scope))
    slides.append(_hotspots_slide(wh, period, filters, scope, total, marked))
    return slides


def _level_counts(unit_frame: pd.DataFrame) -> pd.DataFrame:
    """Per-level counts summed from the per-unit table (one query instead of two)."""
    count_cols = [c for c in unit_frame.columns if c not in ("level", "unit_id") and not c.endswith("__num")
                  and not c.endswith("__den") and c not in metrics.KPIS]
    if not len(unit_frame):
        return pd.DataFrame(columns=["level"] + count_cols)
    return unit_frame.groupby("level", as_index=False)[count_cols].sum()


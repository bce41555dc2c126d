"""The meeting's year-end slide: each plan KPI's forecast for 31/12 and the monthly pace still needed
(``kpi.measures.forecast``), as a ``kpi.reports.slides.Slide`` the meeting page and the PDF pack draw
like any other. No slide when the year of the period is over or has no data."""
from __future__ import annotations

from kpi.measures import forecast, forecast766, targets as tg
from kpi.measures.filters import Filters, Scope
from kpi.measures.periods import Period
from kpi.text import forecast as forecast_text, vi
from kpi.warehouse.db import Warehouse

ROWS_PER_SLIDE = 7


def rows_for(result: dict, scope_label: str) -> list[tuple[str, str, forecast.Forecast]]:
    """(KPI label, scope label, forecast) per table row: the selection when its KPI has one target,
    else each level with a target (digitization 70/40/35%). Only open forecasts with a target."""
    out = []
    for kpi, sf in result.items():
        if sf.total.target is not None or not sf.levels:
            pairs = [(scope_label, sf.total)]
        else:
            pairs = [(vi.LEVEL_LABELS.get(lv, lv), f) for lv, f in sf.levels.items()]
        out += [(vi.KPI_LABELS[kpi], label, f) for label, f in pairs if f.open and f.target is not None]
    return out


def pace_cell(f: forecast.Forecast) -> str:
    rate = forecast.rate_text(f.required) if f.required is not None else ""
    if f.pace == forecast.CERTAIN:
        return forecast_text.PACE_SHORT_CERTAIN
    if f.pace == forecast.IMPOSSIBLE:
        return forecast_text.PACE_SHORT_IMPOSSIBLE.format(rate=rate)
    template = forecast_text.PACE_SHORT_NEEDED if f.target.direction == ">=" else forecast_text.PACE_SHORT_CEILING
    return template.format(rate=rate)


def _row(kpi_label: str, scope: str, f: forecast.Forecast) -> list[str]:
    value = f"{forecast.rate_text(f.value)} ({forecast.bound_text(f.low)}–{forecast.bound_text(f.high)})"
    return [kpi_label, scope, vi.pct(f.so_far), value, vi.target_phrase(f.target.threshold, f.target.direction),
            pace_cell(f)]


def _method(f: forecast.Forecast) -> str:
    if f.method == forecast.SEASONAL:
        return forecast_text.SLIDE_METHOD_SEASONAL.format(years=", ".join(str(y) for y in f.seasonal_years))
    return forecast_text.SLIDE_METHOD_LINEAR.format(year=f.year)


def narrative(items: list[tuple[str, str, forecast.Forecast]]) -> str:
    """Unreachable targets first, then those needing a faster pace than forecast, else 'on track'."""
    def name(kpi_label, scope, multi):
        return f"{kpi_label} ({scope})" if multi else kpi_label

    multi = {k for k, _, _ in items if sum(1 for kk, _, _ in items if kk == k) > 1}
    impossible = [name(k, s, k in multi) for k, s, f in items if f.pace == forecast.IMPOSSIBLE]
    behind = [forecast_text.NARRATIVE_NEEDED_ITEM.format(kpi=name(k, s, k in multi), rate=forecast.rate_text(f.required))
              for k, s, f in items
              if f.pace == forecast.NEEDED and tg.assess(f.value, f.target.threshold, f.target.direction) == tg.NOT_MET]
    sentences = []
    if impossible:
        sentences.append(forecast_text.NARRATIVE_IMPOSSIBLE.format(names=", ".join(impossible)))
    if behind:
        sentences.append(forecast_text.NARRATIVE_NEEDED.format(items="; ".join(behind)))
    on_track = len(items) - len(impossible) - len(behind)
    if not sentences:
        sentences.append(forecast_text.NARRATIVE_ON_TRACK)
    elif on_track:
        sentences.append(forecast_text.NARRATIVE_REST_ON_TRACK)
    return " ".join(sentences)


def index_sentence(index: forecast766.IndexForecast) -> str:
    """'Chỉ số 766 (mô phỏng) dự báo cuối năm 37,28 điểm (37,04–37,52) trên 48 điểm có dữ liệu.' or ''."""
    if index.value is None or not index.open:
        return ""
    return forecast_text.NARRATIVE_INDEX.format(value=vi.num(index.value, 2), low=vi.num(index.low, 2),
                                                high=vi.num(index.high, 2), covered=vi.num(index.max_covered, 0))


def forecast_slides(wh: Warehouse, period: Period, in_force: list[tg.Target], kpis: tuple[str, ...],
                    scope_label: str, filters: Filters | None = None, scope: Scope | None = None) -> list:
    """[the year-end slide] for the period's year as of min(end of the period, data date); [] when nothing is open."""
    from kpi.reports.slides import Slide  # slides builds the deck and imports this module

    year = period.end.year
    filters = filters or Filters()
    # One read for the plan KPIs and the 766 groups.
    table, as_of = forecast.monthly_table(wh, year, period.end, Filters(unit_ids=filters.unit_ids,
                                                                        fields=filters.fields), scope)
    unit_id = filters.unit_ids[0] if len(filters.unit_ids) == 1 else None
    result = forecast.forecast_selection(table, year, as_of, in_force, kpis, level=filters.level, unit_id=unit_id)
    index = forecast766.forecast_index(table, year, as_of, level=filters.level,
                                       has_feedback=forecast766.has_feedback(wh))
    items = rows_for(result, scope_label)
    if not items:
        return []
    met = sum(1 for _, _, f in items if tg.assess(f.value, f.target.threshold, f.target.direction) == tg.MET)
    rows = [_row(*item) for item in items]
    subtitle = forecast_text.SLIDE_SUBTITLE.format(year=year, as_of=vi.date(as_of), method=_method(items[0][2]),
                                                   level=round(forecast.INTERVAL_LEVEL * 100))
    data = {"year": year, "as_of": as_of.isoformat(), "met": met, "total": len(items)}
    slides = []
    # At most ROWS_PER_SLIDE rows a screen (1080 px at 24 px type); the rest follow on the next slide.
    for number, first in enumerate(range(0, len(rows), ROWS_PER_SLIDE), start=1):
        chunk = rows[first:first + ROWS_PER_SLIDE]
        slides.append(Slide(
            key="forecast" if number == 1 else f"forecast:{number}", kind="forecast",
            title=forecast_text.SLIDE_TITLE.format(year=year) + ("" if number == 1 else forecast_text.SLIDE_CONTINUED),
            headline=f"{met}/{len(items)}", headline_label=forecast_text.SLIDE_HEADLINE_LABEL, subtitle=subtitle,
            narrative=(" ".join(t for t in (narrative(items), index_sentence(index)) if t) if number == 1
                       else forecast_text.SLIDE_CONTINUED_NOTE.format(year=year)),
            status=tg.MET if met == len(items) else tg.NOT_MET, figure=None,
            table={"columns": list(forecast_text.SLIDE_COLUMNS), "rows": chunk,
                   "widths": list(forecast_text.SLIDE_COLUMN_WIDTHS)},
            data=dict(data, rows_from=first + 1)))
    return slides

"""`python -m kpi forecast`: each plan KPI's year-end forecast and the monthly pace still needed.

    python -m kpi forecast --db PATH --year Y [--as-of YYYY-MM-DD] [--json]

Thin over ``kpi.measures.forecast.for_warehouse``; as_of = min(--as-of, data date, 31/12/Y).
Exit status: 0, or 2 on error (message in Vietnamese on stderr).
"""
from __future__ import annotations

import argparse
import json
import sys

from kpi.measures import forecast, forecast766, metrics, targets
from kpi.measures.periods import parse_iso
from kpi.text import forecast as forecast_text, vi
from kpi.warehouse.db import Warehouse, WarehouseError

NAMES = ("forecast",)


def register(subparsers) -> argparse.ArgumentParser:
    parser = subparsers.add_parser("forecast", help="Dự báo cuối năm và nhịp độ cần đạt của từng chỉ tiêu",
                                   description="Dự báo cuối năm và nhịp độ cần đạt của từng chỉ tiêu kế hoạch")
    parser.add_argument("--db", default=None)
    parser.add_argument("--year", type=int, required=True, help="năm kế hoạch")
    parser.add_argument("--as-of", dest="as_of", default=None, help="dự báo tính đến ngày, YYYY-MM-DD")
    parser.add_argument("--json", action="store_true")
    parser.set_defaults(func=run)
    return parser


def run(args) -> int:
    try:
        as_of = parse_iso(args.as_of) if args.as_of else None
        wh = Warehouse(args.db)
        in_force = targets.targets_for_year(wh, args.year)
        table, day = forecast.monthly_table(wh, args.year, as_of)  # one read for the KPIs and the 766 groups
        result = forecast.forecast_selection(table, args.year, day, in_force)
        index = forecast766.forecast_index(table, args.year, day, has_feedback=forecast766.has_feedback(wh))
        data_date = metrics.data_date(wh)
    except (ValueError, WarehouseError) as error:
        print(f"Lỗi: {error}", file=sys.stderr)
        return 2
    if args.json:
        print(json.dumps(as_json(result, args.year, day, data_date, index), ensure_ascii=False, indent=2))
    else:
        print(render(result, args.year, day, data_date, index))
    return 0


def _forecast_json(f: forecast.Forecast) -> dict:
    return {
        "method": f.method, "so_far": f.so_far, "value": f.value, "low": f.low, "high": f.high,
        "numerator_so_far": f.num_so_far, "denominator_so_far": f.den_so_far,
        "expected_denominator": f.expected_den, "remaining_denominator": f.remaining_den,
        "seasonal_years": list(f.seasonal_years),
        "target": None if f.target is None else {"threshold": f.target.threshold, "direction": f.target.direction,
                                                 "level": f.target.level, "plan_year": f.target.source_year},
        "required_monthly_rate": f.required, "pace": f.pace,
    }


def _points_json(item) -> dict:
    return {"so_far": item.so_far, "value": item.value, "low": item.low, "high": item.high}


def index_json(index: forecast766.IndexForecast) -> dict:
    """{"total": {…, "max_covered", "partial"}, "groups": {"TDGQ": {…, "max", "subs": {key: {…}}}}, "source"}."""
    return {
        "source": "simulated",
        "total": dict(_points_json(index), max_covered=index.max_covered, partial=index.partial),
        "groups": {g: dict(_points_json(gf), max=gf.maximum, max_covered=gf.max_covered, partial=gf.partial,
                           subs={s.key: dict(_points_json(s), max=s.maximum,
                                             rate=None if s.rate is None else _forecast_json(s.rate))
                                 for s in gf.subs})
                   for g, gf in index.groups.items()},
    }


def as_json(result: dict, year: int, as_of, data_date, index: forecast766.IndexForecast | None = None) -> dict:
    """{"year", "as_of", "data_date", "interval_level", "kpis": {kpi: {"total": {...}, "levels": {level: {...}}}},
    "index766": {...}}."""
    out = {
        "year": year, "as_of": as_of.isoformat() if as_of else None,
        "data_date": data_date.isoformat() if data_date else None,
        "interval_level": forecast.INTERVAL_LEVEL,
        "kpis": {kpi: {"total": _forecast_json(sf.total),
                       "levels": {lv: _forecast_json(f) for lv, f in sf.levels.items()}}
                 for kpi, sf in result.items()},
    }
    if index is not None:
        out["index766"] = index_json(index)
    return out


def render(result: dict, year: int, as_of, data_date, index: forecast766.IndexForecast | None = None) -> str:
    """A plain-text table: one row per KPI and scope (the whole selection, then each level)."""
    if as_of is None:
        return forecast_text.CLI_NO_DATA.format(year=year)
    lines = [forecast_text.CLI_TITLE.format(year=year, as_of=vi.date(as_of)), ""]
    widths = (32, 10, 12, 13, 15, 12, 0)
    lines.append("".join(f"{h:<{w}}" if w else h for h, w in zip(forecast_text.CLI_COLUMNS, widths)))
    for kpi, sf in result.items():
        rows = [(forecast_text.ALL_SCOPE, sf.total)] + [(vi.LEVEL_LABELS[lv], f) for lv, f in sf.levels.items()]
        for i, (scope_name, f) in enumerate(rows):
            interval = f"{vi.pct(f.low)}–{vi.pct(f.high)}" if f.open else ""
            goal = vi.target_phrase(f.target.threshold, f.target.direction) if f.target else ""
            pace = forecast.pace_line(f, data_date) or ""
            cells = (vi.KPI_LABELS[kpi] if i == 0 else "", scope_name, vi.pct(f.so_far),
                     vi.pct(f.value) if f.open else "", interval, goal, pace)
            lines.append("".join(f"{c:<{w}}" if w else c for c, w in zip(cells, widths)).rstrip())
    if index is not None and index.value is not None:
        lines += ["", forecast_text.CLI_INDEX_TITLE.format(year=year)]
        for group, gf in index.groups.items():
            value = (forecast_text.CLI_INDEX_ROW.format(value=vi.num(gf.value, 2), low=vi.num(gf.low, 2),
                                                        high=vi.num(gf.high, 2), covered=vi.num(gf.max_covered, 0))
                     if gf.value is not None else vi.NO_DATA)
            lines.append(f"  {group:<6}{value}")
        lines.append(f"  {forecast_text.CLI_INDEX_TOTAL:<6}" + forecast_text.CLI_INDEX_ROW.format(
            value=vi.num(index.value, 2), low=vi.num(index.low, 2), high=vi.num(index.high, 2),
            covered=vi.num(index.max_covered, 0)))
    notes = {forecast.method_note(sf.total) for sf in result.values()} - {None}
    if notes:
        lines += [""] + sorted(notes)
    return "\n".join(lines)

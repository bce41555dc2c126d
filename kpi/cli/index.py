"""`python -m kpi index`: the QĐ 766 index of a period (province, levels, units), as JSON or a table.

Thin over ``kpi.measures.index766.compute``; ``--unit`` narrows the selection to one unit
(its own published scores, when imported, win over the simulation). ``--lake DIR --engine
duckdb|spark``: each province's index and the nation's over the lake (``kpi.lake.national.index``).
"""
from __future__ import annotations

import argparse
import json
import sys

from kpi.cli import lake as lake_cli
from kpi.measures import index766
from kpi.measures.filters import Filters
from kpi.measures.periods import custom, parse_iso
from kpi.text import index766 as index_text
from kpi.text import vi
from kpi.warehouse.db import Warehouse, WarehouseError

NAMES = ("index",)

def register(subparsers) -> argparse.ArgumentParser:
    parser = subparsers.add_parser("index", help="Chỉ số 766 của một kỳ (mô phỏng hoặc điểm công bố)",
                                   description="Chỉ số phục vụ người dân, doanh nghiệp theo QĐ 766/QĐ-TTg")
    parser.add_argument("--db", default=None)
    parser.add_argument("--from", dest="start", required=True, help="ngày đầu kỳ, YYYY-MM-DD")
    parser.add_argument("--to", dest="end", required=True, help="ngày cuối kỳ, YYYY-MM-DD")
    parser.add_argument("--unit", default=None, help="mã đơn vị (unit_id) để xem riêng một đơn vị")
    parser.add_argument("--json", action="store_true")
    lake_cli.add_engine_arguments(parser)
    parser.set_defaults(func=run)
    return parser


def run(args) -> int:
    if args.lake:
        return run_lake(args)
    try:
        period = custom(parse_iso(args.start), parse_iso(args.end))
        wh = Warehouse(args.db)
        filters = Filters(unit_ids=(args.unit,)) if args.unit else None
        report = index766.compute(wh, period, filters)
    except (ValueError, WarehouseError) as error:
        print(f"Lỗi: {error}", file=sys.stderr)
        return 2
    main_score = report.province
    if args.unit:
        main_score = next((u for u in report.units if u.key == args.unit), None)
        if main_score is None:
            print(f"Lỗi: không có số liệu của đơn vị «{args.unit}» trong kỳ này.", file=sys.stderr)
            return 2
    result = as_json(report, main_score)
    print(json.dumps(result, ensure_ascii=False, indent=2) if args.json else render(result))
    return 0


def _total(score: index766.IndexScore) -> dict:
    return {"score": score.total, "max_covered": score.max_covered, "partial": score.partial,
            "grade": None if score.grade is None else index_text.GRADE_LABELS[score.grade], "source": score.source}


def _groups(score: index766.IndexScore) -> dict:
    return {code: {"score": g.score, "max": g.maximum, "max_covered": g.max_covered, "partial": g.partial,
                   "source": g.source,
                   "inputs": {s.key: {"rate": s.rate, "score": s.score, "max": s.maximum, "numerator": s.numerator,
                                      "denominator": s.denominator, "source": s.source,
                                      **({"quality": s.quality} if s.quality else {})} for s in g.subs}}
            for code, g in score.groups.items()}


def as_json(report: index766.IndexReport, main_score: index766.IndexScore) -> dict:
    """The shape PROTOCOL/issue 14 fixes: total, groups (with their inputs), units; plus levels and period."""
    units = [{"unit_id": u.key, "name": u.name, "unit_type": u.unit_type, "level": u.level, **_total(u),
              "groups": {code: g.score for code, g in u.groups.items()}}
             for u in report.units if main_score.kind != "unit" or u.key == main_score.key]
    return {"period": {"from": report.period.start.isoformat(), "to": report.period.end.isoformat()},
            "total": _total(main_score), "groups": _groups(main_score),
            "levels": {lv.key: _total(lv) for lv in report.levels} if main_score.kind == "province" else {},
            "units": units, "unmatched_portal_units": report.unmatched}


def render(result: dict) -> str:
    """A plain-text summary: total, then one line per group with its source."""
    total = result["total"]
    lines = [f"{index_text.TITLE} kỳ {vi.date(parse_iso(result['period']['from']))} – "
             f"{vi.date(parse_iso(result['period']['to']))}",
             f"Tổng: {index_text.total_line(total['score'], total['max_covered'], total['partial'])}"
             + (f" · {total['grade']}" if total["grade"] else "") + f" ({index_text.source_label(total['source'])})", ""]
    for code, group in result["groups"].items():
        shown = index_text.score(group["score"])
        note = index_text.CLGQ_NO_FORMULA if code in index766.RATES_ONLY_GROUPS else index_text.source_label(group["source"])
        lines.append(f"{index_text.GROUP_LABELS[code]:<28}{shown:>18} / {index_text.score(group['max'], 0):>3}  {note}")
    return "\n".join(lines)


def run_lake(args) -> int:
    """``--lake``: the index of every province (or ``--province``) and of the nation, as JSON or a table."""
    from kpi.lake import national

    try:
        if args.unit:
            raise ValueError("--unit chỉ dùng với kho của một tỉnh (--db), không dùng với --lake.")
        period = custom(parse_iso(args.start), parse_iso(args.end))
        with lake_cli.lake_engine(args) as engine:
            reports, nation = national.index(engine, period, args.province)
            engine_name = engine.name
    except lake_cli.engine_errors() as error:
        print(f"Lỗi: {error}", file=sys.stderr)
        return 2
    result = {"engine": engine_name, "national": as_json(nation, nation.province),
              "provinces": {code: as_json(report, report.province) for code, report in reports.items()}}
    print(json.dumps(result, ensure_ascii=False, indent=2) if args.json else render_lake(result))
    return 0


def render_lake(result: dict) -> str:
    """One line per province and the nation: total, grade, then each group's points."""
    from kpi.text import lake as lake_text

    period = result["national"]["period"]
    lines = [f"{index_text.TITLE} kỳ {vi.date(parse_iso(period['from']))} – {vi.date(parse_iso(period['to']))} "
             f"({lake_text.ENGINE_NOTE.format(engine=result['engine'])})", ""]
    header = (f"{lake_text.COLUMN_PROVINCE:<26}{index_text.TOTAL_TILE:>26}{index_text.GRADE_TILE:>12}"
              + "".join(f"{code:>8}" for code in index766.GROUPS))
    lines += [header, "-" * len(header)]
    rows = [(lake_text.NATIONAL, result["national"])] + [
        (lake_text.province_name(code), found) for code, found in result["provinces"].items()]
    for name, found in rows:
        total = found["total"]
        lines.append(f"{name:<26}{index_text.total_line(total['score'], total['max_covered'], total['partial']):>26}"
                     f"{total['grade'] or '—':>12}"
                     + "".join(f"{index_text.score(g['score']) if g['score'] is not None else '—':>8}"
                             for g in found["groups"].values()))
    return "\n".join(lines)

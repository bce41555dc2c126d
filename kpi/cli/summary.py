"""`python -m kpi summary`: the plan KPIs of a period, as JSON or a readable Vietnamese table."""
from __future__ import annotations

import argparse
import datetime as dt
import json
import sys

from kpi.cli import lake as lake_cli
from kpi.measures import metrics, targets
from kpi.text import verdict as verdict_text, vi
from kpi.warehouse.db import Warehouse, WarehouseError
from kpi.measures.periods import custom, parse_iso


NAMES = ("summary",)


def register(subparsers) -> None:
    parser = subparsers.add_parser("summary", help="chỉ số KPI của một kỳ (JSON hoặc bảng)",
                                   description="Chỉ số KPI của một kỳ, toàn tỉnh và theo cấp.")
    parser.add_argument("--db", default=None, help="đường dẫn tệp DuckDB")
    parser.add_argument("--from", dest="start", required=True, help="ngày đầu kỳ, YYYY-MM-DD")
    parser.add_argument("--to", dest="end", required=True, help="ngày cuối kỳ, YYYY-MM-DD")
    parser.add_argument("--json", action="store_true", help="in JSON")
    lake_cli.add_engine_arguments(parser)
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """Print ``metrics.summary`` of the period: JSON, or a table with targets and verdicts."""
    if getattr(args, "lake", None):
        return run_lake(args)
    try:
        period = custom(parse_iso(args.start), parse_iso(args.end))
        wh = Warehouse(args.db)
        result = metrics.summary(wh, period)
    except (ValueError, WarehouseError) as error:
        print(f"Lỗi: {error}", file=sys.stderr)
        return 2
    if args.json:
        print(json.dumps(result, ensure_ascii=False, indent=2))
        return 0
    period = period.until(dt.date.fromisoformat(result["data_date"]) if result["data_date"] else None)
    print(render_table(result, targets.targets_for_year(wh, period.end.year), period))
    return 0


def render_table(result: dict, in_force: list, period) -> str:
    """A plain-text table: one row per KPI, one column per scope, with target and Đạt/Chưa đạt."""
    scopes = [("Toàn tỉnh", None, result["total"])] + [
        (vi.LEVEL_LABELS[level], level, values) for level, values in result["levels"].items()
    ]
    lines = [f"Chỉ số KPI kỳ {period.label}", ""]
    header = f"{'Chỉ tiêu':<32}" + "".join(f"{name:>34}" for name, _, _ in scopes)
    lines += [header, "-" * len(header)]
    for count in metrics.SUMMARY_COUNTS:
        lines.append(f"{vi.COUNT_LABELS[count]:<32}" + "".join(f"{vi.num(v[count]):>34}" for _, _, v in scopes))
    lines.append("")
    for rate in metrics.SUMMARY_RATES:
        cells = []
        for _, level, values in scopes:
            target = targets.pick(in_force, rate, level)
            cell = vi.pct(values[rate])
            if target:
                cell += f" / ≥{vi.pct(target.threshold, 0)} {verdict_text.STATUS_LABELS[target.assess(values[rate])]}"
            cells.append(f"{cell:>34}")
        lines.append(f"{vi.KPI_LABELS[rate]:<32}" + "".join(cells))
    coverage = result.get("coverage", {}).get("total", {})
    notes = vi.coverage_sentences({k: (v["known"], v["total"]) for k, v in coverage.items()})
    if notes:
        lines += ["", f"{vi.ALL_PROVINCE}: {notes}"]
    return "\n".join(lines)


def run_lake(args: argparse.Namespace) -> int:
    """``--lake``: every province's summary and the national one (``kpi.lake.national.summary``)."""
    from kpi.lake import national

    try:
        period = custom(parse_iso(args.start), parse_iso(args.end))
        with lake_cli.lake_engine(args) as engine:
            result = national.summary(engine, period, args.province)
    except lake_cli.engine_errors() as error:
        print(f"Lỗi: {error}", file=sys.stderr)
        return 2
    print(json.dumps(result, ensure_ascii=False, indent=2) if args.json else render_lake_table(result))
    return 0


def render_lake_table(result: dict) -> str:
    """One row per province and the national row; one column per KPI rate."""
    from kpi.text import lake as lake_text

    rows = [(lake_text.NATIONAL, result["national"])] + [
        (lake_text.province_name(code), values) for code, values in result["provinces"].items()]
    start, end = (dt.date.fromisoformat(result[k]).strftime("%d/%m/%Y") for k in ("from", "to"))
    lines = [lake_text.CLI_HEADER.format(start=start, end=end, engine=result["engine"]), ""]
    header = f"{lake_text.COLUMN_PROVINCE:<26}" + "".join(f"{vi.KPI_LABELS[r][:22]:>24}" for r in metrics.SUMMARY_RATES)
    lines += [header, "-" * len(header)]
    for name, values in rows:
        lines.append(f"{name:<26}" + "".join(f"{vi.pct(values['total'][r]):>24}" for r in metrics.SUMMARY_RATES))
    return "\n".join(lines)

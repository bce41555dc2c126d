"""`python -m kpi report …` and `python -m kpi pack …`: the office's periodic form and the meeting pack.

    python -m kpi report --form 06 --from 2024-10-01 --to 2024-10-31 [--level district] [--db PATH] --out bieu06.xlsx
    python -m kpi pack --from 2024-10-01 --to 2024-10-31 [--level district] [--db PATH] --out giaoban.pdf

Exit 0 on success, 2 with a Vietnamese message on bad input or an unusable warehouse.
Both record an audit row (action ``export``) when ``kpi.warehouse.audit`` is available.
"""
from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from kpi.measures.levels import LEVELS

FORMS = ("06",)


class _Parser(argparse.ArgumentParser):
    """argparse that exits with 2 and a Vietnamese line instead of its English usage error."""

    def error(self, message: str):  # noqa: D401
        self.print_usage(sys.stderr)
        print(f"Lỗi: tham số không hợp lệ ({message}).", file=sys.stderr)
        raise SystemExit(2)


def _parser(command: str) -> argparse.ArgumentParser:
    if command == "report":
        parser = _Parser(prog="python -m kpi report", description="Xuất biểu mẫu báo cáo định kỳ (TT 01/2020/TT-VPCP)")
        parser.add_argument("--form", required=True, help="số biểu, hiện có: 06")
    else:
        parser = _Parser(prog="python -m kpi pack", description="Tài liệu giao ban (PDF) từ các trang trình chiếu")
    parser.add_argument("--from", dest="start", required=True, help="ngày đầu kỳ, YYYY-MM-DD")
    parser.add_argument("--to", dest="end", required=True, help="ngày cuối kỳ, YYYY-MM-DD")
    parser.add_argument("--level", choices=LEVELS, default=None, help="chỉ một cấp: province, district, commune")
    parser.add_argument("--db", default=None, help="đường dẫn tệp DuckDB")
    parser.add_argument("--out", required=True, help="tệp kết quả")
    parser.add_argument("--user", default=None, help="tên người xuất (ghi vào nhật ký)")
    if command == "report":
        parser.add_argument("--unit", default=None, help="tên đơn vị báo cáo in trên biểu")
    return parser


def _audit(wh, user: str, action: str, target: str, detail: dict) -> None:
    try:
        from kpi.warehouse import audit
    except ImportError:  # the audit module is optional for this command
        return
    try:
        audit.record(wh, user, action, target, detail)
    except Exception as error:  # an audit failure must not lose the file already written
        print(f"Cảnh báo: không ghi được nhật ký ({error}).", file=sys.stderr)


def _period(args):
    """The period of --from/--to; a whole calendar or TT 01 reporting month/quarter/half/year is labelled as such."""
    from kpi.measures import periods as P

    start, end = P.parse_iso(args.start), P.parse_iso(args.end)
    reporting = [P.cutoff_containing(kind, end) for kind in ("month", "quarter", "half", "year")]
    for candidate in (P.month(start.year, start.month), P.quarter(start.year, (start.month - 1) // 3 + 1),
                      P.half(start.year, 1 if start.month <= 6 else 2), P.year(start.year), *reporting):
        if candidate.start == start and candidate.end == end:
            return candidate
    return P.custom(start, end)


def main(argv: list[str]) -> int:
    if not argv or argv[0] not in {"report", "pack"}:
        print("Dùng: python -m kpi report … hoặc python -m kpi pack …", file=sys.stderr)
        return 2
    command = argv[0]
    try:
        args = _parser(command).parse_args(argv[1:])
    except SystemExit as exit_:
        return int(exit_.code or 0)
    from kpi.warehouse.db import Warehouse, WarehouseError

    from kpi.warehouse.audit import cli_actor

    user = args.user or cli_actor()
    try:
        period = _period(args)
        if command == "report" and args.form.strip().lstrip("0") not in {f.lstrip("0") for f in FORMS}:
            raise ValueError(f"Biểu '{args.form}' chưa được hỗ trợ; hiện có: {', '.join(FORMS)}")
        db_path = Path(args.db) if args.db else None
        if db_path is not None and not db_path.exists():
            raise ValueError(f"Không tìm thấy cơ sở dữ liệu {db_path}")
        out = Path(args.out)
        if not out.parent.exists():
            raise ValueError(f"Thư mục {out.parent} không tồn tại")
        wh = Warehouse(db_path)
        started = time.perf_counter()
        if command == "report":
            from kpi.reports import form06

            kwargs = {"reporting_unit": args.unit} if args.unit else {}
            rows = form06.export_form06(wh, period, None, args.level, out, **kwargs)
            violations = form06.check_identities(rows)
            detail = {"form": "06", "from": str(period.start), "to": str(period.end), "level": args.level,
                      "rows": len(rows), "identity_violations": len(violations)}
            for v in violations[:10]:
                print(f"Cảnh báo: dòng '{v['label']}' không thỏa {v['formula']} ({v['left']} ≠ {v['right']}).",
                      file=sys.stderr)
            _audit(wh, user, "export", f"bieu06:{out.name}", detail)
            print(f"Đã xuất Biểu số 06 kỳ {period.label} ra {out} ({len(rows)} dòng).")
        else:
            from kpi.reports import pack

            result = pack.build_pack(wh, period, None, out, level=args.level)
            detail = {"pack": "pdf", "from": str(period.start), "to": str(period.end), "level": args.level,
                      "pages": result["pages"], "seconds": round(time.perf_counter() - started, 2)}
            _audit(wh, user, "export", f"pack:{out.name}", detail)
            print(f"Đã lập tài liệu giao ban kỳ {period.label} ra {out} ({result['pages']} trang, "
                  f"{time.perf_counter() - started:.1f} giây).")
    except (ValueError, WarehouseError, OSError) as error:
        print(f"Lỗi: {error}", file=sys.stderr)
        return 2
    except RuntimeError as error:  # e.g. no browser for the charts
        print(f"Lỗi: {error}", file=sys.stderr)
        return 2
    return 0

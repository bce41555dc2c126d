"""`python -m kpi report …` and `python -m kpi pack …`: the office's periodic form and the meeting pack.

    python -m kpi report --form 06 --from 2024-10-01 --to 2024-10-31 [--level district] [--db PATH] --out bieu06.xlsx
    python -m kpi pack --from 2024-10-01 --to 2024-10-31 [--level district] [--db PATH] --out giaoban.pdf

Exit 0 on success, 2 with a Vietnamese message on bad input or an unusable warehouse.
Both record an audit row (action ``export``). ``--user NAME`` applies that account's scope; without it
they are province-wide operator tools (said in ``--help``).
"""
from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from kpi.access import accounts, permissions
from kpi.access.permissions import AuthError
from kpi.measures import periods
from kpi.measures.filters import Scope
from kpi.measures.levels import LEVELS
from kpi.reports import form06, pack
from kpi.warehouse import audit
from kpi.warehouse.audit import cli_actor
from kpi.warehouse.db import Warehouse, WarehouseError

FORMS = ("06",)


NAMES = ("report", "pack")

USER_HELP = ("tài khoản xuất: áp dụng phạm vi của tài khoản này và ghi tên vào nhật ký. Không có --user: "
             "công cụ vận hành toàn tỉnh (mọi đơn vị), ghi nhật ký là cli:<người dùng hệ điều hành>")


def register(subparsers) -> None:
    report = subparsers.add_parser("report", help="xuất biểu mẫu báo cáo định kỳ (Biểu 06)",
                                   description="Xuất biểu mẫu báo cáo định kỳ (TT 01/2020/TT-VPCP)")
    report.add_argument("--form", required=True, help="số biểu, hiện có: 06")
    report.add_argument("--unit", default=None, help="tên đơn vị báo cáo in trên biểu")
    pack = subparsers.add_parser("pack", help="tài liệu giao ban (PDF)",
                                 description="Tài liệu giao ban (PDF) từ các trang trình chiếu")
    for command, parser in (("report", report), ("pack", pack)):
        parser.add_argument("--from", dest="start", required=True, help="ngày đầu kỳ, YYYY-MM-DD")
        parser.add_argument("--to", dest="end", required=True, help="ngày cuối kỳ, YYYY-MM-DD")
        parser.add_argument("--level", choices=LEVELS, default=None, help="chỉ một cấp: province, district, commune")
        parser.add_argument("--db", default=None, help="đường dẫn tệp DuckDB")
        parser.add_argument("--out", required=True, help="tệp kết quả")
        parser.add_argument("--user", default=None, help=USER_HELP)
        parser.set_defaults(func=run)


def _period(args):
    """The period of --from/--to; a whole calendar or TT 01 reporting month/quarter/half/year is labelled as such."""
    start, end = periods.parse_iso(args.start), periods.parse_iso(args.end)
    reporting = [periods.cutoff_containing(kind, end) for kind in ("month", "quarter", "half", "year")]
    for candidate in (periods.month(start.year, start.month), periods.quarter(start.year, (start.month - 1) // 3 + 1),
                      periods.half(start.year, 1 if start.month <= 6 else 2), periods.year(start.year), *reporting):
        if candidate.start == start and candidate.end == end:
            return candidate
    return periods.custom(start, end)


def run(args: argparse.Namespace) -> int:
    """Write the form or the pack of the period; exit 2 with a Vietnamese line on any refusal."""
    try:
        wh, period, out = _checked_inputs(args)
        actor, scope = _actor_and_scope(wh, args.user)
        write = _write_form06 if args.command == "report" else _write_pack
        target, detail, line = write(wh, args, period, scope, out)
    except (ValueError, WarehouseError, AuthError, OSError, RuntimeError) as error:  # RuntimeError: no browser
        print(f"Lỗi: {error}", file=sys.stderr)
        return 2
    try:
        audit.record(wh, actor, "export", target, detail)
    except Exception as error:  # noqa: BLE001 - an audit failure must not lose the file already written
        print(f"Cảnh báo: không ghi được nhật ký ({error}).", file=sys.stderr)
    print(line)
    return 0


def _checked_inputs(args) -> tuple[Warehouse, object, Path]:
    period = _period(args)
    if args.command == "report" and args.form.strip().lstrip("0") not in {f.lstrip("0") for f in FORMS}:
        raise ValueError(f"Biểu '{args.form}' chưa được hỗ trợ; hiện có: {', '.join(FORMS)}")
    db_path = Path(args.db) if args.db else None
    if db_path is not None and not db_path.exists():
        raise ValueError(f"Không tìm thấy cơ sở dữ liệu {db_path}")
    out = Path(args.out)
    if not out.parent.exists():
        raise ValueError(f"Thư mục {out.parent} không tồn tại")
    return Warehouse(db_path), period, out


def _actor_and_scope(wh: Warehouse, user_name: str | None) -> tuple[str, Scope | None]:
    """Without --user: the province-wide operator tool. With it: that account's scope, and its right to export."""
    if not user_name:
        return cli_actor(), None
    user = accounts.get_user(wh, user_name)
    if user is None:
        raise ValueError(f"Không có tài khoản «{user_name}» (hoặc tài khoản đã bị vô hiệu). "
                         "Bỏ --user để xuất toàn tỉnh với quyền vận hành.")
    if not permissions.can(user, "export"):
        raise ValueError(f"Tài khoản «{user.name}» không có quyền xuất báo cáo.")
    return user.name, user.scope


def _write_form06(wh, args, period, scope, out: Path) -> tuple[str, dict, str]:
    kwargs = {"reporting_unit": args.unit} if args.unit else {}
    rows = form06.write_form06(wh, period, scope, args.level, out, **kwargs)
    violations = form06.check_identities(rows)
    for v in violations[:10]:
        print(f"Cảnh báo: dòng '{v['label']}' không thỏa {v['formula']} ({v['left']} ≠ {v['right']}).",
              file=sys.stderr)
    detail = {"form": "06", "from": str(period.start), "to": str(period.end), "level": args.level,
              "rows": len(rows), "identity_violations": len(violations)}
    return f"bieu06:{out.name}", detail, f"Đã xuất Biểu số 06 kỳ {period.label} ra {out} ({len(rows)} dòng)."


def _write_pack(wh, args, period, scope, out: Path) -> tuple[str, dict, str]:
    started = time.perf_counter()
    result = pack.build_pack(wh, period, scope, out, level=args.level)
    seconds = time.perf_counter() - started
    detail = {"pack": "pdf", "from": str(period.start), "to": str(period.end), "level": args.level,
              "pages": result["pages"], "seconds": round(seconds, 2)}
    line = f"Đã lập tài liệu giao ban kỳ {period.label} ra {out} ({result['pages']} trang, {seconds:.1f} giây)."
    return f"pack:{out.name}", detail, line

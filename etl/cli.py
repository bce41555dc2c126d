"""The `python -m etl load | history | undo` commands: thin over etl.load.

Exit codes of `load`: 0 every data row of every file loaded; 3 some rows were
rejected; 2 a file was refused entirely. With several files each is its own
transaction and the worst outcome wins (2, then 3, then 0).
"""
from __future__ import annotations

import json
import sys

from etl import formats
from etl.columns import summary_lines
from etl.headers import KIND_LABELS
from etl.load import UndoError, history, load_file, undo_batch
from kpi import config
from kpi.warehouse import audit
from kpi.warehouse.db import Warehouse, WarehouseError
from kpi.text.vi import num as _n, sheets_line, unknown_channels_line

OK, REJECTED, REFUSED = 0, 3, 2
_SEVERITY = {OK: 0, REJECTED: 1, REFUSED: 2}


def _summary(result, db: str) -> str:
    c = result.counts
    other = formats.by_name(result.kind)  # Biểu 06, portal scores: their format's own label
    where = f", trang «{result.sheet}», tiêu đề ở dòng {result.header_row}" if result.header_row else ""
    lines = [
        f"{result.file_name}: lượt nạp #{result.batch_id} — "
        f"{other.label if other else KIND_LABELS.get(result.kind, result.kind)}{where}",
        f"  đọc {_n(c['rows_read'])} dòng · nạp {_n(c['rows_loaded'])} · bị loại {_n(c['rows_rejected'])} · "
        f"mới {_n(c['new'])} · cập nhật {_n(c['updated'])} · không đổi {_n(c['unchanged'])} · "
        f"trùng mã trong tệp {_n(c['duplicates'])}",
    ]
    if len(result.sheets) > 1 or result.skipped_sheets:
        lines.append("  " + sheets_line(result.sheets, result.skipped_sheets))
    lines += summary_lines(result.kind, result.verdicts, result.absent)
    if result.unknown_channels:
        lines.append("  " + unknown_channels_line(result.unknown_channels))
    if c["rows_rejected"] or c["duplicates"]:
        lines.append(f"  Lý do từng dòng bị loại (và dòng trùng mã bị bỏ): bảng rejected_rows của lượt nạp #{result.batch_id} "
                     f"(xem lịch sử: python -m etl history --db {db})")
    return "\n".join(lines)


def cmd_load(args) -> int:
    db = str(config.db_path(args.db))
    wh = Warehouse(db)
    worst = OK
    user = getattr(args, "user", None) or audit.cli_actor()
    for path in args.files:
        try:
            result = load_file(wh, path, user=user)
            audit.record(wh, user, "upload", result.file_name,
                         {"batch": result.batch_id, "status": result.status, **(result.counts or {})},
                         success=not result.refused)
        except WarehouseError as error:
            print(f"{path}: KHÔNG NẠP ĐƯỢC — {error}", file=sys.stderr)
            code = REFUSED
        else:
            if result.refused:
                print(f"{_printable(result.file_name)}: BỊ TỪ CHỐI — {_printable(result.reason)}", file=sys.stderr)
                code = REFUSED
            else:
                print(_summary(result, db))
                code = REJECTED if result.counts["rows_rejected"] else OK
        worst = max(worst, code, key=_SEVERITY.get)
    return worst


def _printable(text) -> str:
    """``text`` safe for a terminal: control characters (an ANSI escape in an uploaded file's name) become '?'."""
    return "".join(ch if ch.isprintable() else "?" for ch in str(text or ""))


def cmd_history(args) -> int:
    batches = history(Warehouse(args.db))
    if args.json:
        print(json.dumps(batches, ensure_ascii=False, indent=1))
        return 0
    if not batches:
        print("Chưa có lượt nạp nào.")
        return 0
    print(f"{'#':>5}  {'thời điểm':19}  {'trạng thái':10}  {'loại':9}  {'đọc':>9}  {'nạp':>9}  {'loại bỏ':>8}  tệp")
    for b in batches:
        print(f"{b['id']:>5}  {(b['loaded_at'] or '')[:19]:19}  {b['status']:10}  {b['kind'] or '':9}  "
              f"{_n(b['rows_read']):>9}  {_n(b['rows_loaded']):>9}  {_n(b['rows_rejected']):>8}  {_printable(b['file'])}")
        if b["status"] == "refused" and b["message"]:
            print(f"{'':7}↳ {_printable(b['message'])}")
    return 0


def cmd_undo(args) -> int:
    wh, user = Warehouse(args.db), getattr(args, "user", None) or audit.cli_actor()
    try:
        done = undo_batch(wh, args.batch_id, user=user)
    except (UndoError, WarehouseError) as error:
        print(str(error), file=sys.stderr)
        if isinstance(error, UndoError):
            audit.record(wh, user, "undo", str(args.batch_id), {"reason": str(error)}, success=False)
        return REFUSED
    audit.record(wh, user, "undo", str(args.batch_id), done)
    print(f"Đã hoàn tác lượt nạp #{args.batch_id}: xóa {_n(done['removed'])} dòng, "
          f"khôi phục {_n(done['restored'])} dòng phiên bản trước.")
    return OK


def cmd_quality(args) -> int:
    """Units ranked by the completeness of their data (kpi.measures.quality), worst first; province-wide."""
    from kpi.measures import quality
    from kpi.text import quality as quality_text

    report = quality.unit_quality(Warehouse(str(config.db_path(args.db))))
    if args.json:
        print(json.dumps(report.as_json(), ensure_ascii=False, indent=1))
        return 0
    if not report.units:
        print(quality_text.QUALITY_NONE)
        return 0
    print(quality_text.QUALITY_SPAN.format(first=report.first_month, last=report.last_month, months=report.months))
    for row in quality_text.quality_rows(report):
        print("  ".join(f"{k}: {v}" for k, v in row.items()))
    return 0



def cmd_rebuild_counts(args) -> int:
    """Recompute the pre-aggregated dossier counts and data-quality counts from the dossier rows (recovery;
    also compacts the change rows that loads and undos append). ``--if-stale``: only the tables that do
    not match the dossiers (an upgraded warehouse). One transaction: readers see the old tables until it commits."""
    import time

    from kpi.measures import precount, quality_counts

    from kpi.warehouse import schema

    rebuilds = {precount.TABLE: ("counts_state", precount.rebuild),
                quality_counts.TABLE: (quality_counts.STATE, quality_counts.rebuild)}
    wh = Warehouse(str(config.db_path(args.db)))
    with wh.read() as con:
        states = {table: schema.counts_state(con, key) for table, (key, _) in rebuilds.items()}
    chosen = [t for t in rebuilds if not getattr(args, "if_stale", False) or states[t] != "built"]
    for table in rebuilds:
        if table not in chosen:
            print(f"Bảng số liệu tổng hợp {table} khớp hồ sơ: giữ nguyên.")
    if not chosen:
        return OK
    with wh.write() as con:
        for table in chosen:
            started = time.perf_counter()
            rows = rebuilds[table][1](con)
            print(f"Đã tính lại bảng số liệu tổng hợp {table}: {_n(rows)} dòng trong "
                  f"{_n(round(time.perf_counter() - started))} giây.")
    return OK
    started = time.perf_counter()
    with wh.write() as con:
        rows = precount.rebuild(con)
    print(f"Đã tính lại bảng số liệu tổng hợp {precount.TABLE}: {_n(rows)} dòng trong "
          f"{_n(round(time.perf_counter() - started))} giây.")
    return OK

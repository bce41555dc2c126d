"""`python -m etl …`: a thin command line over the ETL functions (load, sample, sample-lake, history, undo, quality,
rebuild-counts).

Built like ``python -m kpi`` (``kpi.cli.main``): argparse sub-commands, each bound to one ``cmd_*``
function with ``set_defaults(func=…)``. Exit codes of `load`: 0 every row loaded, 3 some rows
rejected, 2 a file refused.
"""
from __future__ import annotations

import argparse
import sys

from etl.cli import cmd_history, cmd_load, cmd_quality, cmd_rebuild_counts, cmd_undo
from etl.sample import cmd_sample
from etl.sample_lake import cmd_sample_lake
from kpi.warehouse.db import WarehouseError


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m etl", description="Nạp dữ liệu TTHC vào kho DuckDB")
    sub = parser.add_subparsers(dest="command", required=True, metavar="LỆNH")

    p = sub.add_parser("load", help="nạp một hoặc nhiều tệp .xlsx/.xls/.csv")
    p.add_argument("files", nargs="+")
    p.add_argument("--db", default=None)
    p.add_argument("--user", default=None, help="tên người nạp (ghi vào lịch sử)")
    p.set_defaults(func=cmd_load)

    p = sub.add_parser("sample", help="tạo cơ sở dữ liệu mẫu")
    p.add_argument("--db", default=None)
    p.add_argument("--scale", type=float, default=None, help="tỷ lệ (1.0 ≈ 3 triệu hồ sơ)")
    p.add_argument("--force", action="store_true", help="tạo lại dù đã có dữ liệu")
    p.add_argument("--if-empty", action="store_true", help="chỉ tạo khi kho chưa có hồ sơ (lệnh chạy ứng dụng dùng)")
    p.set_defaults(func=cmd_sample)

    p = sub.add_parser("sample-lake", help="dựng kho toàn quốc mô phỏng: tỉnh mẫu dựng lại cho từng tỉnh rồi xuất Parquet")
    p.add_argument("--out", required=True, help="thư mục kho")
    p.add_argument("--provinces", type=int, default=34, help="số tỉnh (mặc định 34)")
    p.add_argument("--scale", type=float, default=0.1, help="quy mô mỗi tỉnh (1.0 ≈ 3 triệu hồ sơ)")
    p.add_argument("--seed", type=int, default=None, help="hạt giống của tỉnh đầu tiên (mỗi tỉnh sau +1)")
    p.add_argument("--distinct", type=int, default=None,
                   help="chỉ sinh số tỉnh này; các tỉnh còn lại là bản sao tệp của chúng (kho rất lớn trên máy nhỏ)")
    p.set_defaults(func=cmd_sample_lake)

    p = sub.add_parser("history", help="lịch sử các lượt nạp")
    p.add_argument("--db", default=None)
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_history)

    p = sub.add_parser("undo", help="hoàn tác một lượt nạp")
    p.add_argument("batch_id", type=int)
    p.add_argument("--db", default=None)
    p.add_argument("--user", default=None)
    p.set_defaults(func=cmd_undo)

    p = sub.add_parser("quality", help="chất lượng dữ liệu theo đơn vị (đơn vị kém đầy đủ nhất trước)")
    p.add_argument("--db", default=None)
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_quality)

    p = sub.add_parser("rebuild-counts", help="tính lại các bảng số liệu tổng hợp (dossier_counts, quality_counts) từ các hồ sơ")
    p.add_argument("--db", default=None)
    p.add_argument("--if-stale", action="store_true",
                   help="chỉ tính lại khi bảng không khớp hồ sơ (kho nâng cấp từ bản cũ; lệnh chạy ứng dụng dùng)")
    p.set_defaults(func=cmd_rebuild_counts)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return args.func(args)
    except WarehouseError as error:  # busy, disk full, read-only: the message says what to do
        print(str(error), file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())

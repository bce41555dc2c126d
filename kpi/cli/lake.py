"""`python -m kpi lake export`: publish a province to the lake (Parquet, partitioned by province, year, month).

    python -m kpi lake export --db PATH --province CODE --out DIR

A simulated national lake: ``python -m etl sample-lake`` (etl/sample_lake.py).

Exit 0 on success, 2 with a Vietnamese message on bad input or an unusable warehouse or lake.
"""
from __future__ import annotations

import json
import sys

from kpi.warehouse.db import WarehouseError

NAMES = ("lake",)


def register(subparsers) -> None:
    parser = subparsers.add_parser("lake", help="kho dữ liệu toàn quốc (Parquet): xuất dữ liệu một tỉnh",
                                   description="Kho dữ liệu toàn quốc: Parquet phân vùng theo tỉnh, năm, tháng")
    commands = parser.add_subparsers(dest="lake_command", required=True)
    export = commands.add_parser("export", help="xuất dữ liệu của tỉnh vào kho (ghi đè phân vùng của tỉnh)")
    export.add_argument("--db", default=None, help="đường dẫn tệp DuckDB của tỉnh")
    export.add_argument("--province", required=True, help="mã tỉnh, ví dụ 75 hoặc DNA")
    export.add_argument("--out", required=True, help="thư mục kho (hoặc bản sao cục bộ của kho trên object storage)")
    parser.set_defaults(func=run)


def run(args) -> int:
    try:
        from kpi.lake.export import export_province
        from kpi.warehouse.db import Warehouse

        result = export_province(Warehouse(args.db), args.province, args.out)
    except (ValueError, OSError, WarehouseError) as error:
        print(f"Lỗi: {error}", file=sys.stderr)
        return 2
    print(json.dumps(result, ensure_ascii=False, indent=2, default=str))
    return 0

"""`python -m kpi lake export`: publish a province to the lake (Parquet, partitioned by province, year, month).

    python -m kpi lake export --db PATH --province CODE --out DIR

A simulated national lake: ``python -m etl sample-lake`` (etl/sample_lake.py).
The commands that read a lake (``kpi summary --lake``, ``kpi index --lake``) take their
engine arguments from ``add_engine_arguments`` and open it with ``lake_engine``.

Exit 0 on success, 2 with a Vietnamese message on bad input or an unusable warehouse or lake.
"""
from __future__ import annotations

import contextlib
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


def add_engine_arguments(parser) -> None:
    """``--lake``, ``--engine``, ``--spark-remote`` and ``--province``, for a command that reads the lake."""
    parser.add_argument("--lake", default=None, help="thư mục kho toàn quốc (Parquet): tính cho các tỉnh trong kho")
    parser.add_argument("--engine", choices=("duckdb", "spark"), default="duckdb",
                        help="bộ máy tính trên kho: duckdb (một máy) hoặc spark (cụm Spark)")
    parser.add_argument("--spark-remote", default=None,
                        help="địa chỉ Spark Connect, ví dụ sc://may-chu:15002 (với --engine spark); "
                             "mặc định: biến SPARK_REMOTE, nếu không có thì thiết lập spark_master")
    parser.add_argument("--province", action="append", default=None, help="chỉ tỉnh này (lặp lại được); mặc định mọi tỉnh")


def open_engine(args):
    """The engine the arguments ask for over ``args.lake`` (Spark: the Connect endpoint, else setting spark_master)."""
    from kpi import config
    from kpi.lake import engines

    if args.spark_remote and args.engine != "spark":
        raise ValueError("--spark-remote chỉ dùng cùng --engine spark.")
    if args.spark_remote and not args.spark_remote.startswith("sc://"):
        raise ValueError(f"Địa chỉ Spark Connect «{args.spark_remote}» phải có dạng sc://máy-chủ:cổng.")
    if args.engine != "spark":
        return engines.open_engine(args.engine, args.lake)
    spark = engines.spark_session(config.get("spark_master") or None, remote=args.spark_remote)
    return engines.open_engine(args.engine, args.lake, spark)


@contextlib.contextmanager
def lake_engine(args):
    """``open_engine(args)`` for the length of a ``with`` block, closed afterwards (Spark: the session)."""
    engine = open_engine(args)
    try:
        yield engine
    finally:
        engine.close()


def engine_errors() -> tuple[type[Exception], ...]:
    """What a lake command reports as a message rather than a trace: bad input, unreadable files, and
    Spark's own errors (an unreachable Connect endpoint, a failed job)."""
    try:
        from pyspark.errors import PySparkException
    except ImportError:  # pyspark is only needed for --engine spark
        return ValueError, OSError
    return ValueError, OSError, PySparkException

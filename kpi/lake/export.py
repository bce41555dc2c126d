"""Publish one province's warehouse to the lake (``python -m kpi lake export``).

Every table of ``layout.TABLES`` is written by DuckDB's ``COPY … (FORMAT parquet,
PARTITION_BY …)`` into a staging directory inside the lake, then each table's
``province=<CODE>`` directory is swapped for the staged one by a rename: a re-export
replaces exactly that province's partitions, never another province's, and a reader
sees either the old or the new files of a table, never half of them. The manifest
(``_provinces/<CODE>.json``) is written last, so a province appears in the national
view only once its files are in place.
"""
from __future__ import annotations

import datetime as dt
import json
import os
import shutil
import uuid
from pathlib import Path

from kpi.lake import layout
from kpi.warehouse import schema
from kpi.warehouse.db import Warehouse


def _partitioned_select(table: layout.Table, province: str) -> tuple[str, list[str]]:
    """The table's rows with their partition columns added, and those columns.

    The code is inlined (COPY takes no parameters): ``layout.check_province`` allows letters,
    digits, - and _ only."""
    code = f"'{layout.check_province(province)}'::VARCHAR"
    if table.date_column:
        column = table.date_column
        return (f"SELECT *, {code} AS province, year({column})::INTEGER AS year, month({column})::INTEGER AS month "
                f"FROM ({table.select})", ["province", "year", "month"])
    return f"SELECT *, {code} AS province FROM ({table.select})", ["province"]


def _columns(con, select: str) -> list[list[str]]:
    return [[name, str(kind)] for name, kind, *_ in con.execute(f"DESCRIBE {select}").fetchall()]


def _write_schema_file(lake: Path, columns: dict[str, list]) -> None:
    """Write ``_lake.json``; refuse a lake of another schema version (mixing them would mislead)."""
    existing = layout.read_schema(lake)
    if existing is not None and existing.get("lake_schema_version") != layout.SCHEMA_VERSION:
        raise ValueError(f"Kho {lake} có phiên bản cấu trúc {existing.get('lake_schema_version')}; "
                         f"bản xuất này là phiên bản {layout.SCHEMA_VERSION}. Hãy xuất sang một kho mới.")
    spec = {"lake_schema_version": layout.SCHEMA_VERSION,
            "tables": {t.name: {"columns": columns[t.name],
                                "partition_by": ["province", "year", "month"] if t.date_column else ["province"]}
                       for t in layout.TABLES}}
    _write_json_atomically(lake / layout.SCHEMA_FILE, spec)


def _write_json_atomically(path: Path, content: dict) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    staged = path.with_name(f".{path.name}.{uuid.uuid4().hex}")
    staged.write_text(json.dumps(content, ensure_ascii=False, indent=2, default=str), encoding="utf-8")
    os.replace(staged, path)


def _swap_in(lake: Path, staging: Path, table: str, province: str) -> None:
    """Replace the table's province directory by the staged one (absent when the table has no rows)."""
    final = layout.province_dir(lake, table, province)
    fresh = layout.province_dir(staging, table, province)
    if final.exists():
        final.rename(staging / f"old-{table}")
    if fresh.exists():
        final.parent.mkdir(parents=True, exist_ok=True)
        fresh.rename(final)


def export_province(wh: Warehouse, province: str, lake: str | Path) -> dict:
    """Write the province's facts to ``lake``; returns the manifest (rows per table, data date)."""
    province = layout.check_province(province)
    lake = Path(lake)
    lake.mkdir(parents=True, exist_ok=True)
    staging = lake / layout.STAGING / f"{province}-{uuid.uuid4().hex}"
    staging.mkdir(parents=True)
    try:
        rows, columns = {}, {}
        with wh.read() as con:
            for table in layout.TABLES:
                select, partition_by = _partitioned_select(table, province)
                columns[table.name] = _columns(con, table.select)
                rows[table.name] = int(con.execute(f"SELECT count(*) FROM ({table.select})").fetchone()[0])
                if rows[table.name]:
                    target = (staging / table.name).as_posix().replace("'", "''")
                    con.execute(f"COPY ({select}) TO '{target}' (FORMAT parquet, COMPRESSION zstd, "
                                f"PARTITION_BY ({', '.join(partition_by)}))")
            latest = schema.data_date(con)
        _write_schema_file(lake, columns)
        for table in layout.TABLE_NAMES:
            _swap_in(lake, staging, table, province)
        result = {"province": province, "lake_schema_version": layout.SCHEMA_VERSION,
                  "data_date": latest.isoformat() if latest else None,
                  "exported_at": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"), "rows": rows}
        _write_json_atomically(lake / layout.MANIFESTS / f"{province}.json", result)
        return result
    finally:
        shutil.rmtree(staging, ignore_errors=True)

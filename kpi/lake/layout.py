"""Where each table of the lake lives, what it holds, and the lake's schema version.

A lake is a directory (a local disk, or object storage synced from one)::

    _lake.json                                   schema version and every table's columns
    _provinces/<CODE>.json                       one manifest per province export (rows, data date, time)
    dossiers/province=<CODE>/year=<Y>/month=<M>/*.parquet
    feedback/…  surveys/…  form06_rows/…         dated tables, by year and month of their date
    dossier_counts/…                             the pre-aggregated counts, by year and month of their day
    units/province=<CODE>/*.parquet              undated tables, by province only
    targets/…  meta/…  portal_scores/…  load_batches/…

Table names are the warehouse's own (``kpi.warehouse.schema``), so the queries of
``kpi.measures.metrics`` read the lake unchanged. Columns that name people or hold their
words (a dossier's applicant, a PAKN's title, who entered a 766 figure) are not published.
"""
from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path

# Bump when a table's columns or partitioning change: readers refuse a lake of another version.
# 2: the QĐ 766 figures published by the portal or entered by an admin (portal_scores, and the
#    status of the load batches they came in), so the lake gives each province's own index.
SCHEMA_VERSION = 2
SCHEMA_FILE = "_lake.json"
MANIFESTS = "_provinces"
STAGING = "_staging"
PROVINCE_CODE = re.compile(r"^[A-Za-z0-9_-]{1,32}$")


@dataclass(frozen=True)
class Table:
    name: str
    select: str  # the rows a province publishes, from its warehouse
    date_column: str | None = None  # partitions by its year and month; None: by province only


# Every meta key a KPI query reads (kpi.warehouse.schema.data_date / withdrawn_statuses / counts_state).
META_KEYS = ("data_date", "withdrawn_statuses", "counts_state")

TABLES: tuple[Table, ...] = (
    Table("dossiers", "SELECT * EXCLUDE (applicant) FROM dossiers", "received_date"),
    Table("feedback", "SELECT * EXCLUDE (title) FROM feedback", "received_date"),
    Table("surveys", "SELECT * FROM surveys", "rated_date"),
    Table("form06_rows", "SELECT * FROM form06_rows", "period_from"),
    # The pre-aggregated counts (kpi.measures.precount): the KPIs read them instead of the dossier rows.
    Table("dossier_counts", "SELECT * FROM dossier_counts", "day"),
    Table("units", "SELECT * FROM units"),
    Table("targets", "SELECT * FROM targets"),
    Table("meta", "SELECT key, value FROM meta WHERE key IN ('" + "', '".join(META_KEYS) + "')"),
    # The index's published / entered figures (kpi.measures.published) and whether their batch still counts.
    Table("portal_scores", "SELECT * EXCLUDE (created_by) FROM portal_scores"),
    Table("load_batches",
          "SELECT batch_id, status FROM load_batches WHERE batch_id IN (SELECT batch_id FROM portal_scores)"),
)
TABLE_NAMES = tuple(t.name for t in TABLES)


def check_province(code: str) -> str:
    """The province code as given, when it is safe as a partition value (letters, digits, - and _)."""
    if not PROVINCE_CODE.match(code or ""):
        raise ValueError(f"Mã tỉnh «{code}» không hợp lệ: chỉ dùng chữ, số, dấu - và _ (tối đa 32 ký tự).")
    return code


def province_dir(lake: Path, table: str, province: str) -> Path:
    return Path(lake) / table / f"province={province}"


def read_schema(lake: Path) -> dict | None:
    """The lake's schema file, or None for a directory that is no lake yet."""
    path = Path(lake) / SCHEMA_FILE
    if not path.exists():
        return None
    return json.loads(path.read_text(encoding="utf-8"))


def require_schema(lake: Path) -> dict:
    """The schema of a lake of this version; a Vietnamese error otherwise."""
    found = read_schema(lake)
    if found is None:
        raise ValueError(f"{lake} không phải kho dữ liệu toàn quốc (thiếu {SCHEMA_FILE}).")
    if found.get("lake_schema_version") != SCHEMA_VERSION:
        raise ValueError(f"Kho {lake} có phiên bản cấu trúc {found.get('lake_schema_version')}, "
                         f"chương trình này đọc phiên bản {SCHEMA_VERSION}.")
    return found


def provinces(lake: Path) -> list[str]:
    """Codes of the provinces that have published to the lake, sorted."""
    folder = Path(lake) / MANIFESTS
    return sorted(p.stem for p in folder.glob("*.json")) if folder.exists() else []


def manifest(lake: Path, province: str) -> dict:
    return json.loads((Path(lake) / MANIFESTS / f"{province}.json").read_text(encoding="utf-8"))


def version(lake: Path) -> tuple:
    """Changes whenever a province publishes (its manifest is rewritten last): what caches key on."""
    folder = Path(lake) / MANIFESTS
    if not folder.exists():
        return ()
    return tuple(sorted((p.name, p.stat().st_mtime_ns) for p in folder.glob("*.json")))

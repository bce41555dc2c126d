"""A simulated national lake (`python -m etl sample-lake`): the sample province (``etl.sample``) built once per province.

Each province gets its own seed (so its own units' behaviour, volumes and ratings) and its
own code from ``kpi.text.lake.PROVINCES``, is built in a temporary warehouse, published with
``export.export_province`` exactly as a real province would, and the warehouse is deleted.
``keep`` keeps the warehouses (tests compare the lake with each province's own numbers).
"""
from __future__ import annotations

import json
import shutil
import tempfile
import time
from pathlib import Path

from etl.sample import build_sample
from kpi.lake import export, layout
from kpi.text import lake as lake_text
from kpi.warehouse.db import Warehouse

FIRST_SEED = 20250701


def province_codes(count: int) -> list[str]:
    """The first ``count`` codes of the 34 provinces; beyond 34, numbered codes (for load tests)."""
    codes = list(lake_text.PROVINCES)
    return codes[:count] if count <= len(codes) else codes + [f"X{i:03d}" for i in range(count - len(codes))]


def simulate_lake(out: str | Path, provinces: int = 34, scale: float = 0.1, seed: int | None = None,
                  keep: str | Path | None = None, distinct: int | None = None) -> dict:
    """Build ``provinces`` sample provinces at ``scale`` and export each into ``out``; returns rows and seconds.

    ``distinct`` (for lakes of hundreds of millions of rows on a small machine): only that many
    provinces are generated; each other province gets a copy of one of their files under its own
    code (its manifest says ``replica_of``), so the lake has the full size at a fraction of the time.
    """
    if provinces < 1 or (distinct is not None and distinct < 1):
        raise ValueError("Số tỉnh phải từ 1 trở lên.")
    started, rows = time.perf_counter(), {}
    codes = province_codes(provinces)
    built = codes[:distinct] if distinct else codes
    work = Path(keep) if keep else Path(tempfile.mkdtemp(prefix="lake-sim-"))
    work.mkdir(parents=True, exist_ok=True)
    try:
        for index, code in enumerate(built):
            wh = Warehouse(work / f"{code}.duckdb")
            build_sample(wh, scale=scale, seed=(seed or FIRST_SEED) + index, replace=True)
            rows[code] = export.export_province(wh, code, out)["rows"]["dossiers"]
            if not keep:
                Path(wh.path).unlink()
    finally:
        if not keep:
            shutil.rmtree(work, ignore_errors=True)
    for index, code in enumerate(codes[len(built):]):
        source = built[index % len(built)]
        _replicate(Path(out), source, code)
        rows[code] = rows[source]
    return {"lake": str(out), "provinces": len(rows), "generated": len(built), "dossiers": sum(rows.values()),
            "per_province": rows, "seconds": round(time.perf_counter() - started, 1)}


def _replicate(lake: Path, source: str, code: str) -> None:
    """Province ``code`` published as a copy of ``source``'s files (real copies: no shared page cache)."""
    for table in layout.TABLE_NAMES:
        origin, target = layout.province_dir(lake, table, source), layout.province_dir(lake, table, code)
        shutil.rmtree(target, ignore_errors=True)
        if origin.exists():
            shutil.copytree(origin, target)
    manifest = {**layout.manifest(lake, source), "province": code, "replica_of": source}
    (lake / layout.MANIFESTS / f"{code}.json").write_text(json.dumps(manifest, ensure_ascii=False, indent=2),
                                                         encoding="utf-8")


def cmd_sample_lake(args) -> int:
    try:
        result = simulate_lake(args.out, provinces=args.provinces, scale=args.scale, seed=args.seed,
                               distinct=args.distinct)
    except (ValueError, OSError) as error:
        print(f"Lỗi: {error}")
        return 2
    print(json.dumps(result, ensure_ascii=False, indent=2))
    return 0

"""A simulated national lake (`python -m etl sample-lake`): the sample province (``etl.sample``) built once per province.

Each province gets its own seed (so its own units' behaviour, volumes and ratings) and its
own code from ``kpi.text.lake.PROVINCES``, is built in a temporary warehouse, published with
``export.export_province`` exactly as a real province would, and the warehouse is deleted.
``keep`` keeps the warehouses (tests compare the lake with each province's own numbers).
"""
from __future__ import annotations

import shutil
import tempfile
import time
from pathlib import Path

from etl.sample import build_sample
from kpi.lake import export
from kpi.text import lake as lake_text
from kpi.warehouse.db import Warehouse

FIRST_SEED = 20250701


def province_codes(count: int) -> list[str]:
    """The first ``count`` codes of the 34 provinces; beyond 34, numbered codes (for load tests)."""
    codes = list(lake_text.PROVINCES)
    return codes[:count] if count <= len(codes) else codes + [f"X{i:03d}" for i in range(count - len(codes))]


def simulate_lake(out: str | Path, provinces: int = 34, scale: float = 0.1, seed: int | None = None,
                  keep: str | Path | None = None) -> dict:
    """Build ``provinces`` sample provinces at ``scale`` and export each into ``out``; returns rows and seconds."""
    if provinces < 1:
        raise ValueError("Số tỉnh phải từ 1 trở lên.")
    started, rows = time.perf_counter(), {}
    work = Path(keep) if keep else Path(tempfile.mkdtemp(prefix="lake-sim-"))
    work.mkdir(parents=True, exist_ok=True)
    try:
        for index, code in enumerate(province_codes(provinces)):
            wh = Warehouse(work / f"{code}.duckdb")
            build_sample(wh, scale=scale, seed=(seed or FIRST_SEED) + index, replace=True)
            rows[code] = export.export_province(wh, code, out)["rows"]["dossiers"]
            if not keep:
                Path(wh.path).unlink()
    finally:
        if not keep:
            shutil.rmtree(work, ignore_errors=True)
    return {"lake": str(out), "provinces": len(rows), "dossiers": sum(rows.values()), "per_province": rows,
            "seconds": round(time.perf_counter() - started, 1)}


def cmd_sample_lake(args) -> int:
    import json

    try:
        result = simulate_lake(args.out, provinces=args.provinces, scale=args.scale, seed=args.seed)
    except (ValueError, OSError) as error:
        print(f"Lỗi: {error}")
        return 2
    print(json.dumps(result, ensure_ascii=False, indent=2))
    return 0

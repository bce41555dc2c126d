"""Sample build timing (prints figures; not a test).

    .venv/bin/python bench/sample.py [--scale 1.0] [--out PATH] [--seed N]

Builds the generated sample province into a fresh DuckDB file and prints the
build time (target at scale 1.0, about 3 million dossiers: < 60 s on this 2-core
machine), row counts and file size. ``--scale 3.4`` gives about 10 million
dossiers for bench/kpi.py; ``--out`` keeps the file (otherwise a temp file is
used and removed).
"""
from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from etl.sample import DEFAULT_SEED, build_sample  # noqa: E402
from kpi.warehouse.db import Warehouse  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED)
    parser.add_argument("--out", default=None, help="keep the database at this path (must not exist)")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="tthc-sample-") as tmp:
        path = Path(args.out) if args.out else Path(tmp) / "sample.duckdb"
        if path.exists():
            print(f"{path} already exists; remove it or choose another --out", file=sys.stderr)
            return 2
        wh = Warehouse(path)
        wh.query("SELECT 1")  # create the schema outside the timing
        start = time.perf_counter()
        counts = build_sample(wh, scale=args.scale, seed=args.seed)
        seconds = time.perf_counter() - start
        wal = path.with_name(path.name + ".wal")
        size = path.stat().st_size + (wal.stat().st_size if wal.exists() else 0)
        print(f"scale {args.scale:g}, seed {args.seed}: built in {seconds:.1f} s (target < 60 s at scale 1.0)")
        for key in ("units", "dossiers", "feedback", "surveys"):
            print(f"  {key:<9} {counts[key]:>12,}")
        print(f"  dossiers/s {counts['dossiers'] / seconds:>11,.0f}")
        print(f"  file size  {size / 2**20:>10,.1f} MB  {path if args.out else '(temp, removed)'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

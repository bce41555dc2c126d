"""Time to render each dashboard page with AppTest: first run and second (cached) run.

    .venv/bin/python bench/pages.py                 # builds a scale-0.2 sample in a temp dir
    .venv/bin/python bench/pages.py --db data/warehouse.duckdb   # the full sample (python -m etl sample)

Every page an admin's menu lists (``ui.nav.pages_for``), in menu order. Targets (issue 16, on a
50-million-dossier warehouse): ≤ 0.5 s once the cache is warm, ≤ 2 s on the first run.
"""
from __future__ import annotations

import argparse
import datetime as dt
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

WARM_TARGET_S, COLD_TARGET_S = 0.5, 2.0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Thời gian hiển thị từng trang (AppTest)")
    parser.add_argument("--db", default=None, help="warehouse to use (default: build a scale-0.2 sample)")
    parser.add_argument("--scale", type=float, default=0.2)
    args = parser.parse_args(argv)

    from kpi.warehouse.db import Warehouse

    if args.db:
        db = Path(args.db)
    else:
        from etl.sample import build_sample

        db = Path(tempfile.mkdtemp()) / "bench.duckdb"
        started = time.perf_counter()
        build_sample(Warehouse(db), scale=args.scale)
        print(f"sample scale {args.scale}: {time.perf_counter() - started:.1f} s → {db}")
    os.environ["TTHC_DB"] = str(db)
    rows = Warehouse(db).query("SELECT count(*) FROM dossiers")[0][0]
    print(f"{rows:,} dossiers".replace(",", "."))

    from streamlit.testing.v1 import AppTest

    # Each page's first run starts from an empty cache (other pages share some queries).
    import streamlit as st

    from kpi.access.permissions import User
    from ui.nav import pages_for

    print(f"{'page':<14}{'first (s)':>11}{'cached (s)':>12}")
    worst, worst_cold = 0.0, 0.0
    for page in [spec.name for spec in pages_for(User("bench", "admin"))]:
        st.cache_data.clear()
        at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=600)
        at.session_state["user"] = User("bench", "admin")
        at.session_state["last_seen"] = dt.datetime.now()
        started = time.perf_counter()
        at.run()  # the entry page (overview) first
        times = [time.perf_counter() - started] if page == "overview" else []
        while len(times) < 2:
            at.session_state["last_seen"] = dt.datetime.now()
            if page != "overview":
                at.switch_page(f"pages/{page}.py")
            started = time.perf_counter()
            at.run()
            times.append(time.perf_counter() - started)
            if at.exception:
                print(f"{page}: {at.exception[0].message}", file=sys.stderr)
                return 1
        worst, worst_cold = max(worst, times[1]), max(worst_cold, times[0])
        print(f"{page:<14}{times[0]:>11.2f}{times[1]:>12.2f}")
    print(f"slowest cached page: {worst:.2f} s ({'met' if worst <= WARM_TARGET_S else 'over'} the "
          f"{WARM_TARGET_S} s target); slowest first run: {worst_cold:.2f} s "
          f"({'met' if worst_cold <= COLD_TARGET_S else 'over'} the {COLD_TARGET_S} s target)")
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""The national lake at scale: DuckDB over every province, Spark (local) over a subset (prints figures).

    .venv/bin/python -m etl sample-lake --out /data/lake --provinces 34 --scale 3.0 --distinct 2
    .venv/bin/python bench/lake.py --lake /data/lake [--year 2025] [--spark-provinces 6]

Each case runs in a fresh process (its peak memory is its own): the national summary of one year
(``kpi summary --lake``: every KPI of every level for every province, then the national roll-up)
from the pre-aggregated counts, the QĐ 766 index of every province and the nation (``kpi index
--lake``), the summary from the dossier rows (what a grouping the counts do not keep costs), and a
bare scan of every dossier row; with Spark (local[*], this machine) the summary and the index from
the counts over the first provinces (about 50 million dossiers), the summary through a local Spark
Connect server (``connect``), and a scan of their rows. ``cpu_s`` is this process's CPU time.
"""
from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def _jvm_peak_mb() -> float | None:
    """Peak resident memory of the Spark JVM this process started (VmHWM of its java descendant)."""
    children: dict[int, list[int]] = {}
    names: dict[int, str] = {}
    peaks: dict[int, int] = {}
    for status in Path("/proc").glob("[0-9]*/status"):
        try:
            fields = dict(line.split(":\t", 1) for line in status.read_text().splitlines() if ":\t" in line)
        except OSError:
            continue
        pid = int(status.parent.name)
        children.setdefault(int(fields.get("PPid", "0").strip()), []).append(pid)
        names[pid] = fields.get("Name", "").strip()
        peaks[pid] = int(fields.get("VmHWM", "0 kB").split()[0]) if "VmHWM" in fields else 0
    todo, found = [os.getpid()], []
    while todo:
        pid = todo.pop()
        for child in children.get(pid, []):
            todo.append(child)
            if names.get(child) == "java":
                found.append(peaks[child] / 1024)
    return max(found) if found else None


def _engine(kind: str, lake: str, rows_path: bool):
    """duckdb; spark (a classic local[*] session); connect (pyspark starts a local Spark Connect server
    and this process is its gRPC client, as against a production endpoint)."""
    from kpi.lake import engines

    if kind == "duckdb":
        return engines.DuckDBEngine(lake, rows=rows_path)
    session = engines.spark_session(remote="local[*]") if kind == "connect" else engines.spark_session("local[*]")
    return engines.SparkEngine(lake, session, rows=rows_path)


def _case(name: str, lake: str, year: int, provinces: int | None) -> dict:
    """One measurement, inside this (fresh) process."""
    from kpi.lake import engines, layout, national
    from kpi.measures import periods

    period = periods.year(year)
    codes = layout.provinces(lake)[:provinces] if provinces else None
    started = time.perf_counter()
    if name == "duckdb-scan":
        from kpi.warehouse.db import scratch

        with scratch() as con:
            rows = con.execute(f"SELECT count(*), count(finished_date), count(DISTINCT unit_id) "
                               f"FROM read_parquet('{lake}/dossiers/**/*.parquet')").fetchone()
        result = {"rows": rows[0]}
    elif name == "spark-scan":
        spark = engines.spark_session("local[*]")
        frames = [spark.read.parquet(str(layout.province_dir(Path(lake), "dossiers", c))) for c in codes]
        frame = frames[0]
        for other in frames[1:]:
            frame = frame.unionByName(other)
        frame.createOrReplaceTempView("all_dossiers")
        rows = spark.sql("SELECT count(*), count(finished_date), count(DISTINCT unit_id) FROM all_dossiers").collect()[0]
        result = {"rows": rows[0]}
    else:
        kind, source = name.split("-")
        engine = _engine(kind, lake, rows_path=source == "rows")
        if source == "index":
            reports, nation = national.index(engine, period, codes)
            result = {"national_index": round(nation.province.total, 3), "provinces": len(reports)}
        else:
            summary = national.summary(engine, period, codes)
            result = {"received": summary["national"]["total"]["received"],
                      "on_time_rate": summary["national"]["total"]["on_time_rate"],
                      "provinces": len(summary["provinces"])}
    result["seconds"] = round(time.perf_counter() - started, 2)
    result["cpu_s"] = round(time.process_time(), 2)  # this process only: a Spark JVM's CPU is its own
    result["peak_mb"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)
    jvm = _jvm_peak_mb()
    if jvm:
        result["jvm_peak_mb"] = round(jvm)
    return result


def _run(name: str, args, provinces: int | None = None) -> dict:
    command = [sys.executable, __file__, "--lake", args.lake, "--year", str(args.year), "--case", name]
    if provinces:
        command += ["--provinces", str(provinces)]
    done = subprocess.run(command, capture_output=True, text=True, timeout=args.timeout)
    if done.returncode:
        return {"error": done.stderr.strip().splitlines()[-1] if done.stderr.strip() else f"exit {done.returncode}"}
    return json.loads(done.stdout.strip().splitlines()[-1])


def _lake_facts(lake: str, provinces: int | None = None) -> tuple[int, int, float]:
    from kpi.lake import layout

    codes = layout.provinces(lake)[:provinces] if provinces else layout.provinces(lake)
    rows = sum(layout.manifest(lake, c)["rows"]["dossiers"] for c in codes)
    size = sum(p.stat().st_size for c in codes for t in ("dossiers", "dossier_counts")
               for p in layout.province_dir(Path(lake), t, c).rglob("*.parquet"))
    return len(codes), rows, size / 1e9


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--lake", required=True)
    parser.add_argument("--year", type=int, default=2025)
    parser.add_argument("--spark-provinces", type=int, default=6)
    parser.add_argument("--skip", action="append", default=[], help="a case to leave out (e.g. duckdb-rows)")
    parser.add_argument("--timeout", type=int, default=3600)
    parser.add_argument("--case", help=argparse.SUPPRESS)
    parser.add_argument("--provinces", type=int, default=None, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.case:
        print(json.dumps(_case(args.case, args.lake, args.year, args.provinces)))
        return
    n, rows, gb = _lake_facts(args.lake)
    print(f"lake {args.lake}: {n} provinces, {rows:,} dossiers, dossiers + counts {gb:.1f} GB of Parquet")
    cases = [("duckdb-counts", None), ("duckdb-index", None), ("duckdb-rows", None), ("duckdb-scan", None),
             ("spark-counts", args.spark_provinces), ("spark-index", args.spark_provinces),
             ("connect-counts", args.spark_provinces), ("spark-scan", args.spark_provinces)]
    for name, provinces in cases:
        if name in args.skip:
            continue
        scope = "all provinces" if not provinces else "{} provinces, {:,} dossiers".format(*_lake_facts(args.lake, provinces)[:2])
        print(f"  {name:<14} ({scope}): {json.dumps(_run(name, args, provinces), ensure_ascii=False)}", flush=True)


if __name__ == "__main__":
    main()

"""What each class of hostile file costs the loader (prints figures; not a test).

    .venv/bin/python bench/hostile.py [--only NAME ...] [--keep DIR]

Generates one file per class with tests/hostile_files.py (and the legacy-font export of
tests/corpus_exports.py), loads each with ``python -m etl load FILE --db NEW.duckdb`` in a
subprocess and prints its exit code, seconds and peak memory (ru_maxrss from wait4: the load
and every process it waited for, the reading child included).

Targets: no process over 1.5 GB or 60 s, none killed by a signal (exit 0, 2 or 3).
"""
from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests import corpus_exports, hostile_files as H  # noqa: E402
from tests.fixtures_etl import make_rows, write_messy  # noqa: E402

MAX_MB, MAX_S = 1536, 60


def _many_lines_csv(path: Path) -> Path:
    """2 100 000 short lines: over max_rows (2 000 000) before anything is parsed."""
    path.write_bytes("Mã hồ sơ;Cơ quan tiếp nhận\n".encode() + b"H;S\n" * 2_100_000)
    return path


def _huge_shared_string(path: Path) -> Path:
    """A real export whose one shared string is 3 million characters (Excel stops at 32 767)."""
    path = write_messy(path, make_rows(5))
    return H.rewrite_member(path, "xl/sharedStrings.xml",
                            lambda xml: xml.replace(b"<t>", b"<t>" + b"a" * 3_000_000, 1))


CLASSES = {  # name → (what it is, writer(directory) → path)
    "far_cell_xlsx": ("small export .xlsx, a cell at XFD1048576", lambda d: H.far_cell_xlsx(d / "xa.xlsx")),
    "far_cell_lying": ("the same, declared range A1:N21", lambda d: H.lying_dimension_xlsx(d / "noi_doi.xlsx")),
    "far_cell_no_dimension": ("the same, no <dimension>", lambda d: H.no_dimension_xlsx(d / "khong_khai_bao.xlsx")),
    "column_cv_xlsx": (".xlsx, a cell at CV1048576", lambda d: H.far_cell_xlsx(d / "cv.xlsx", "CV")),
    "column_cv_lying": ("the same, declared range A1:N21", lambda d: H.lying_dimension_xlsx(d / "cv_noi_doi.xlsx", "CV")),
    "far_cell_xls": (".xls, a cell at IV65536 (BIFF8's last)", lambda d: H.far_cell_xls(d / "xa.xls")),
    "separators_csv": ("1 MB CSV, one line of 10⁶ separators", lambda d: H.separators_csv(d / "phan_cach.csv")),
    "huge_cell_csv": ("CSV, one cell of 100 000 characters", lambda d: H.huge_cell_csv(d / "o_lon.csv")),
    "many_lines_csv": ("CSV of 2 100 000 lines", lambda d: _many_lines_csv(d / "nhieu_dong.csv")),
    "zip_bomb": (".xlsx, 200 MB of zeros deflated", lambda d: H.zip_bomb_xlsx(d / "bom.xlsx", 200)),
    "deep_xml": (".xlsx, rich text nested 10⁶ deep", lambda d: H.deep_xml_xlsx(d / "sau.xlsx")),
    "shared_strings_count": (".xlsx declaring 2·10⁹ shared strings", lambda d: H.shared_strings_count_xlsx(d / "sst.xlsx")),
    "huge_shared_string": (".xlsx, one string of 3·10⁶ characters", lambda d: _huge_shared_string(d / "chuoi_dai.xlsx")),
    "fifty_sheets": ("50 sheets × 1 000 dossiers", lambda d: H.many_sheets_xlsx(d / "50_trang.xlsx")),
    "tcvn3_csv": ("TCVN3 (.VnTime) CSV, ASCII headers", lambda d: corpus_exports.tcvn3_csv(d)),
    "truncated_xlsx": ("a 2 000-row .xlsx cut in half", lambda d: H.truncated_xlsx(d / "cut.xlsx")),
}


def measure(name: str, directory: Path) -> dict:
    what, write = CLASSES[name]
    folder = directory / name
    folder.mkdir()
    path = write(folder)
    run = H.run_load([path], folder / "w.duckdb", timeout=300)
    killed = run["code"] < 0
    ok = not killed and run["code"] in (0, 2, 3) and run["seconds"] <= MAX_S and run["peak_mb"] <= MAX_MB
    message = (run["stderr"].strip().splitlines() or run["stdout"].strip().splitlines() or [""])[-1]
    return {"name": name, "what": what, "bytes": path.stat().st_size, **run, "ok": ok, "message": message}


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--only", nargs="*", choices=sorted(CLASSES), help="only these classes")
    parser.add_argument("--keep", type=Path, help="write the files here and keep them")
    args = parser.parse_args()
    directory = args.keep or Path(tempfile.mkdtemp(prefix="hostile-"))
    directory.mkdir(parents=True, exist_ok=True)
    print(f"| class | file | size | exit | seconds | peak MB | within targets |")
    print(f"|---|---|---:|---:|---:|---:|---|")
    results = []
    for name in args.only or CLASSES:
        r = measure(name, directory)
        results.append(r)
        print(f"| {r['name']} | {r['what']} | {r['bytes'] / 1024:,.1f} KB | {r['code']} | {r['seconds']:.2f} | "
              f"{r['peak_mb']:,.0f} | {'yes' if r['ok'] else 'NO'} |", flush=True)
    print()
    for r in results:
        print(f"{r['name']}: {r['message'][:300]}")
    return 0 if all(r["ok"] for r in results) else 1


if __name__ == "__main__":
    sys.exit(main())

"""End to end: seven exports of one small province, in the styles of different systems, loaded with the real
CLI; every KPI of every month, the half-year and a period past the data, per level and in total, against
the truth computed independently from the generated records (``tests/truth_exports.py``, DOMAIN.md §4).

Counts exact, rates to 1e-9, None where there is no data; each file exits as a person expects (0 clean,
3 for the files with a bad date or a level contradicting the registry, never 2).
"""
from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests import truth_exports

ROOT = Path(__file__).resolve().parent.parent
PERIODS = [(dt.date(2024, m, 1), (dt.date(2024, m + 1, 1) - dt.timedelta(days=1))) for m in range(1, 6)] + [
    (dt.date(2024, 6, 1), dt.date(2024, 6, 30)),   # June: the data stops on 27/06
    (dt.date(2024, 1, 1), dt.date(2024, 6, 30)),   # the half-year
    (dt.date(2024, 4, 1), dt.date(2024, 9, 30)),   # runs past the data
    (dt.date(2024, 7, 1), dt.date(2024, 7, 31)),   # after the data: no dossier received or resolved
    (dt.date(2024, 3, 15), dt.date(2024, 4, 14)),  # a TT 01 cut-off month
    (dt.date(2024, 6, 27), dt.date(2024, 6, 27)),  # the data date alone
]


def _run(*args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.run([sys.executable, *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)


@pytest.fixture(scope="module")
def loaded(tmp_path_factory):
    folder = tmp_path_factory.mktemp("truth")
    records = truth_exports.make_dossiers()
    exports = truth_exports.write_exports(folder, records)
    db = folder / "kho.duckdb"
    codes = {}
    for export in exports:
        done = _run("-m", "etl", "load", str(export.path), "--db", str(db))
        codes[export.path.name] = (done.returncode, export.exit_code, done.stdout + done.stderr)
    summaries = {}
    for start, end in PERIODS:
        done = _run("-m", "kpi", "summary", "--db", str(db), "--from", start.isoformat(), "--to", end.isoformat(),
                    "--json")
        assert done.returncode == 0, done.stderr
        summaries[(start, end)] = json.loads(done.stdout)
    return truth_exports.final_states(exports), codes, summaries


def test_every_file_exits_as_a_person_expects(loaded):
    _, codes, _ = loaded
    wrong = {name: (got, want, out[-1500:]) for name, (got, want, out) in codes.items() if got != want}
    assert not wrong, wrong


@pytest.mark.parametrize("period", PERIODS, ids=[f"{a:%Y%m%d}-{b:%Y%m%d}" for a, b in PERIODS])
def test_every_kpi_matches_the_truth(loaded, period):
    final, _, summaries = loaded
    got, want = summaries[period], truth_exports.truth(final, *period)
    assert (got["as_of"], got["data_date"]) == (want["as_of"], want["data_date"])
    mismatches = []
    for scope, expected, actual in [("total", want["total"], got["total"])] + [
            (level, want["levels"][level], got["levels"][level]) for level in truth_exports.LEVELS]:
        for key in truth_exports.COUNTS:
            if actual[key] != expected[key]:
                mismatches.append((scope, key, actual[key], expected[key]))
        for key in truth_exports.RATES:
            a, e = actual[key], expected[key]
            if (a is None) != (e is None) or (e is not None and abs(a - e) > 1e-9):
                mismatches.append((scope, key, a, e))
    assert not mismatches, mismatches


def test_the_truth_exercises_every_case(loaded):
    """The generated data holds each case the truth distinguishes (else the comparison proves less)."""
    final, _, _ = loaded
    half = truth_exports.truth(final, dt.date(2024, 1, 1), dt.date(2024, 6, 30))["total"]
    assert min(half[k] for k in truth_exports.COUNTS) > 0
    assert any(d.due is None and d.finished for d in final) and any(d.due is None and not d.finished for d in final)
    assert any(d.channel == "other" for d in final)
    for flag in ("e_result", "rating", "digitized"):
        assert any(flag not in d.known for d in final) and any(flag in d.known for d in final)
    past = truth_exports.truth(final, dt.date(2024, 4, 1), dt.date(2024, 9, 30))
    assert past["as_of"] == "2024-06-27"


@pytest.mark.xfail(strict=True, reason="cells merged down the data rows (a unit name merged over its dossiers) read back "
                   "blank below the first row: fastexcel does not expose merged ranges, so those rows are rejected "
                   "for a missing unit (exit 3); filling them needs the sheet's mergeCells in etl/read.py")
def test_a_unit_merged_down_its_rows_loads_every_row(tmp_path):
    import xlsxwriter

    path = tmp_path / "don_vi_gop_o.xlsx"
    book = xlsxwriter.Workbook(str(path))
    sheet = book.add_worksheet("Hồ sơ")
    sheet.write_row(0, 0, ["Mã hồ sơ", "Cơ quan tiếp nhận", "Ngày tiếp nhận", "Ngày hẹn trả", "Ngày có kết quả"])
    sheet.merge_range(1, 1, 3, 1, "Sở Tư pháp")
    for i in range(3):
        sheet.write_row(1 + i, 0, [f"GO-{i}"])
        sheet.write_row(1 + i, 2, [f"0{i + 1}/03/2024 08:00", "10/03/2024"])
    book.close()
    done = _run("-m", "etl", "load", str(path), "--db", str(tmp_path / "kho.duckdb"))
    assert done.returncode == 0, done.stdout + done.stderr

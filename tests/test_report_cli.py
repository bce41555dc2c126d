"""`python -m kpi report` and `python -m kpi pack` as a user runs them: files, exit codes, Vietnamese errors, audit."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import openpyxl
import pytest

from kpi.access import accounts
from kpi.measures import periods
from kpi.reports import form06, slides as slides_mod
from kpi.warehouse.db import Warehouse
from tests.report_data import build_report_db

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def db(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("cli") / "cli.duckdb"
    wh = build_report_db(path)
    accounts.create_user(wh, "chuyenvien", "Mat-khau-dai-2025!", "analyst")
    accounts.create_user(wh, "lanhdao-tuphap", "Mat-khau-dai-2025!", "leader", "level:province")
    return path


def run(*args: str, timeout: int = 180) -> subprocess.CompletedProcess:
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    env.pop("TTHC_DB", None)
    return subprocess.run([sys.executable, "-m", "kpi", *args], cwd=ROOT, capture_output=True, text=True,
                          timeout=timeout, env=env)


def test_report_form06_writes_the_form(db, tmp_path):
    out = tmp_path / "bieu06.xlsx"
    result = run("report", "--form", "06", "--from", "2024-10-01", "--to", "2024-10-31", "--db", str(db),
                 "--out", str(out), "--user", "chuyenvien")
    assert result.returncode == 0, result.stderr
    assert "Đã xuất Biểu số 06 kỳ Tháng 10/2024" in result.stdout
    ws = openpyxl.load_workbook(out)["Biểu 06"]
    rows = form06.form06_rows(Warehouse(db), periods.month(2024, 10))
    total_row = form06.DATA_FIRST_ROW + len(rows) - 1
    assert ws.cell(total_row, 2).value == "TỔNG CỘNG"
    assert [ws.cell(total_row, c).value for c in range(3, 14)] == [rows[-1][c] for c in form06.NUMBER_COLUMNS]
    from kpi.warehouse import audit

    log = audit.read_log(Warehouse(db), action="export")
    assert (log["user_name"] == "chuyenvien").any() and log["target"].str.contains("bieu06").any()


def test_report_user_scope_is_applied(db, tmp_path):
    """--user exports what that account may see: a province-level account gets no district or commune rows."""
    out = tmp_path / "tinh.xlsx"
    result = run("report", "--form", "06", "--from", "2024-10-01", "--to", "2024-10-31", "--db", str(db),
                 "--out", str(out), "--user", "lanhdao-tuphap")
    assert result.returncode == 0, result.stderr
    ws = openpyxl.load_workbook(out)["Biểu 06"]
    labels = [ws.cell(r, 2).value for r in range(form06.DATA_FIRST_ROW, ws.max_row + 1)]
    assert "Cấp tỉnh" in labels and "Cấp huyện" not in labels and "Cấp xã" not in labels


def test_report_unknown_user_is_refused(db, tmp_path):
    result = run("report", "--form", "06", "--from", "2024-10-01", "--to", "2024-10-31", "--db", str(db),
                 "--out", str(tmp_path / "x.xlsx"), "--user", "khong-co-ai")
    assert result.returncode == 2 and "Không có tài khoản «khong-co-ai»" in result.stderr
    assert not (tmp_path / "x.xlsx").exists()


def test_help_says_what_no_user_means():
    result = run("report", "--help")
    assert result.returncode == 0 and "toàn tỉnh" in result.stdout and "--user" in result.stdout


def test_report_one_level(db, tmp_path):
    out = tmp_path / "huyen.xlsx"
    result = run("report", "--form", "06", "--from", "2024-07-01", "--to", "2024-09-30", "--level", "district",
                 "--db", str(db), "--out", str(out))
    assert result.returncode == 0, result.stderr
    ws = openpyxl.load_workbook(out)["Biểu 06"]
    labels = [ws.cell(r, 2).value for r in range(form06.DATA_FIRST_ROW, ws.max_row + 1)]
    assert "Cấp huyện" in labels and "Cấp tỉnh" not in labels and "Cấp xã" not in labels
    assert any(isinstance(v, str) and "Quý III/2024" in v for r in ws.iter_rows(max_row=8) for v in (c.value for c in r))


@pytest.mark.parametrize("args, message", [
    (("--form", "06", "--from", "2024-10-31", "--to", "2024-10-01"), "Kỳ không hợp lệ"),
    (("--form", "06", "--from", "31/10/2024", "--to", "2024-10-31"), "YYYY-MM-DD"),
    (("--form", "07", "--from", "2024-10-01", "--to", "2024-10-31"), "chưa được hỗ trợ"),
])
def test_report_bad_input_exits_2_in_vietnamese(db, tmp_path, args, message):
    result = run("report", *args, "--db", str(db), "--out", str(tmp_path / "x.xlsx"))
    assert result.returncode == 2
    assert message in result.stderr and "Lỗi" in result.stderr
    assert not (tmp_path / "x.xlsx").exists()


def test_missing_db_and_missing_option(tmp_path):
    result = run("report", "--form", "06", "--from", "2024-10-01", "--to", "2024-10-31",
                 "--db", str(tmp_path / "khong-co.duckdb"), "--out", str(tmp_path / "x.xlsx"))
    assert result.returncode == 2 and "Không tìm thấy cơ sở dữ liệu" in result.stderr
    result = run("report", "--from", "2024-10-01", "--to", "2024-10-31", "--out", str(tmp_path / "x.xlsx"))
    assert result.returncode == 2 and "tham số không hợp lệ" in result.stderr


def test_pack_writes_a_pdf(db, tmp_path):
    out = tmp_path / "giaoban.pdf"
    result = run("pack", "--from", "2024-10-01", "--to", "2024-10-31", "--db", str(db), "--out", str(out))
    assert result.returncode == 0, result.stderr
    assert out.read_bytes()[:5] == b"%PDF-"
    deck = slides_mod.build_slides(Warehouse(db), periods.month(2024, 10))  # one page per slide
    assert "Đã lập tài liệu giao ban kỳ Tháng 10/2024" in result.stdout and f"({len(deck)} trang" in result.stdout
    from kpi.warehouse import audit

    assert audit.read_log(Warehouse(db), action="export")["target"].str.startswith("pack:").any()


def test_pack_without_browser_exits_2(db, tmp_path):
    env = dict(os.environ, PYTHONPATH=str(ROOT), BROWSER_PATH=str(tmp_path / "khong-co"))
    result = subprocess.run([sys.executable, "-m", "kpi", "pack", "--from", "2024-10-01", "--to", "2024-10-31",
                             "--db", str(db), "--out", str(tmp_path / "x.pdf")], cwd=ROOT, capture_output=True,
                            text=True, timeout=120, env=env)
    assert result.returncode == 2
    assert "Không tìm thấy trình duyệt Chromium" in result.stderr

"""Hostile files are refused within bounded time and memory, with a Vietnamese reason naming the file
and the limit; the parser runs in a child process whose death never takes the caller with it.

Before these limits: the 5.7 KB far-cell workbook aborted the process (calamine allocating 512 GiB,
exit 134), the column-CV variant cost 3.7 GB, the million-separator CSV 7 minutes and 9.3 GB, and a
cell over 128 KB ended in a ``_csv.Error`` traceback.
"""
from __future__ import annotations

import json
import time
from pathlib import Path

import pandas as pd
import pytest

from etl import isolate, limits, read as read_mod
from etl.load import FileRefused, history, load_file, prepare
from etl.read import RawSheet, read_file
from kpi.warehouse.db import Warehouse
from tests import hostile_files as H
from tests.fixtures_etl import Traits, make_rows, write_messy


@pytest.fixture()
def no_child(monkeypatch):
    """Fail if the reading child is started: the refusal must come from metadata alone."""
    monkeypatch.setattr(isolate, "_parse_in_child", lambda *a, **k: pytest.fail("the file reached the parser"))


def refusal(path, **kw) -> str:
    with pytest.raises(FileRefused) as error:
        read_file(path, **kw)
    return error.value.reason


# -- metadata, before any parsing ---------------------------------------------------------

def test_far_cell_workbook_refused_from_its_declared_range_in_milliseconds(tmp_path, no_child):
    path = H.far_cell_xlsx(tmp_path / "xa.xlsx")
    assert path.stat().st_size < 8000
    started = time.perf_counter()
    reason = refusal(path)
    assert time.perf_counter() - started < 0.5
    assert reason.startswith("Trang tính «Dữ liệu» của tệp «xa.xlsx» khai báo vùng dữ liệu đến ô XFD1048576 "
                             "(16.384 cột × 1.048.576 dòng), vượt giới hạn 1.000 cột (cài đặt max_columns).")


def test_column_cv_workbook_refused_on_its_area(tmp_path, no_child):
    reason = refusal(H.far_cell_xlsx(tmp_path / "cv.xlsx", "CV"))
    # 100 columns × 1 048 576 rows = 104 857 600 cells > 15 000 000
    assert "(100 cột × 1.048.576 dòng), tức 104.857.600 ô, vượt giới hạn 15.000.000 ô (cài đặt max_cells)" in reason


def test_far_row_refused_on_rows(tmp_path, no_child, monkeypatch):
    monkeypatch.setenv("TTHC_MAX_ROWS", "5000")
    reason = refusal(H.far_cell_xlsx(tmp_path / "dai.xlsx", "A", 9000))
    assert "đến ô N9000 (14 cột × 9.000 dòng), vượt giới hạn 5.000 dòng dữ liệu (cài đặt max_rows)" in reason


def test_sheet_without_dimension_is_streamed_for_its_largest_reference(tmp_path, no_child):
    reason = refusal(H.no_dimension_xlsx(tmp_path / "khong_khai_bao.xlsx", "ALM", 30))
    assert "có vùng dữ liệu đến ô ALM30 (1.001 cột × 30 dòng), vượt giới hạn 1.000 cột" in reason


def test_shared_strings_count_is_checked(tmp_path, no_child):
    reason = refusal(H.shared_strings_count_xlsx(tmp_path / "chuoi.xlsx"))
    assert "khai báo 2.000.000.000 chuỗi văn bản, vượt giới hạn 15.000.000 ô" in reason


def test_million_separator_line_refused_quickly(tmp_path, no_child):
    path = H.separators_csv(tmp_path / "phan_cach.csv")
    started = time.perf_counter()
    reason = refusal(path)
    assert time.perf_counter() - started < 1.0
    assert reason.startswith("Dòng 2 của tệp «phan_cach.csv» dài hơn 256 KB (cài đặt max_line_kb)")


def test_many_fields_in_a_line_refused(tmp_path, no_child):
    path = tmp_path / "cot.csv"
    path.write_bytes(b"Ma ho so;Don vi\n" + b"x;" * 1500 + b"\n")
    assert "Dòng 2 của tệp «cot.csv» có 1.501 cột, vượt giới hạn 1.000 cột (cài đặt max_columns)" in refusal(path)


def test_huge_csv_cell_refused_without_a_csv_error(tmp_path, no_child):
    reason = refusal(H.huge_cell_csv(tmp_path / "o_lon.csv"))
    assert "Tệp «o_lon.csv» có ô dài 100.000 ký tự (dòng 3), vượt giới hạn 32.767 ký tự một ô" in reason


def test_cell_size_of_utf16_text_is_counted_in_characters(tmp_path, no_child):
    ok = tmp_path / "unicode.csv"
    ok.write_bytes(("Mã hồ sơ;Đơn vị\n" + "Ý" * 20_000 + ";x\n").encode("utf-16"))  # 40 KB, 20 000 characters
    limits.check_before_parse(ok.read_bytes(), ok.name, "csv")
    big = tmp_path / "unicode_lon.csv"
    big.write_bytes(("Mã hồ sơ;Đơn vị\n" + "Ý" * 40_000 + ";x\n").encode("utf-16"))
    assert "Tệp «unicode_lon.csv» có ô dài 40.000 ký tự (dòng 2)" in refusal(big)


def test_too_many_csv_lines(tmp_path, no_child, monkeypatch):
    monkeypatch.setenv("TTHC_MAX_ROWS", "10")
    path = tmp_path / "nhieu.csv"
    path.write_bytes(b"Ma ho so;Don vi\n" + b"x;y\n" * 1020)
    assert "Tệp «nhieu.csv» có hơn 1.010 dòng, vượt giới hạn 10 dòng dữ liệu (cài đặt max_rows)" in refusal(path)


def test_limits_follow_their_settings(monkeypatch):
    monkeypatch.setenv("TTHC_MAX_COLUMNS", "20")
    monkeypatch.setenv("TTHC_MAX_CELLS", "100")
    monkeypatch.setenv("TTHC_MAX_LINE_KB", "1")
    now = limits.Limits.current()
    assert (now.columns, now.cells, now.line_bytes, now.cell_chars, now.rows) == (20, 100, 1024, 32767, 2_001_000)
    with pytest.raises(limits.LimitExceeded):
        limits.check_area("a.xlsx", None, 6, 17, now)  # 102 cells
    limits.check_area("a.xlsx", None, 5, 20, now)  # 100 cells: at the limit is allowed
    assert (limits.column_number("XFD"), limits.column_letters(16384), limits.column_letters(1001)) == (16384, "XFD", "ALM")


def test_real_exports_pass_the_limits(tmp_path):
    for name, traits in (("a.xlsx", Traits(title_rows=3, two_row_header=True, footer=True, cover_sheet=True)),
                         ("b.csv", Traits(footer=True)), ("c.xls", Traits(extra_columns=True))):
        raw = read_file(write_messy(tmp_path / name, make_rows(40), traits))
        assert raw.sheets[-1].cells.shape[0] >= 41


# -- the parse, in a child process -------------------------------------------------------------

def test_isolated_read_equals_the_in_process_parse(tmp_path):
    files = [write_messy(tmp_path / "a.xlsx", make_rows(60), Traits(title_rows=2, two_row_header=True, cover_sheet=True)),
             write_messy(tmp_path / "b.xls", make_rows(60), Traits(cover_sheet=True, date_style="mixed")),
             write_messy(tmp_path / "c.csv", make_rows(60), Traits(footer=True))]
    for path in files:
        data = path.read_bytes()
        expected = read_mod.parse_sheets(data, path.name, read_mod.sniff_format(data, path.name))
        for source in (path, data):
            got = read_file(source, path.name).sheets
            assert [s.name for s in got] == [s.name for s in expected]
            for a, b in zip(got, expected):
                pd.testing.assert_frame_equal(a.cells, b.cells)


def test_a_lying_dimension_ends_the_child_not_the_caller(tmp_path):
    # The sheet says A1:N21; its cell at XFD1048576 makes calamine ask for 512 GiB: the child aborts.
    path = H.lying_dimension_xlsx(tmp_path / "noi_doi.xlsx")
    started = time.perf_counter()
    reason = refusal(path)
    assert time.perf_counter() - started < 30
    assert reason.startswith("Đọc tệp «noi_doi.xlsx» cần nhiều bộ nhớ hơn giới hạn 1.536 MB (cài đặt read_memory_mb)")


def test_a_small_lie_is_caught_after_the_parse(tmp_path):
    # Declared A1:N21, a cell at ALM30: small enough to parse, then the parsed area is over 1 000 columns.
    reason = refusal(H.lying_dimension_xlsx(tmp_path / "lech.xlsx", "ALM", 30))
    assert "Trang tính «Dữ liệu» của tệp «lech.xlsx» có vùng dữ liệu đến ô ALM30 (1.001 cột × 30 dòng)" in reason


def test_the_child_time_limit(tmp_path, monkeypatch):
    path = write_messy(tmp_path / "cham.xlsx", make_rows(3000))  # parsing it takes well over 10 ms
    monkeypatch.setenv("TTHC_READ_TIMEOUT_S", "0.01")
    reason = refusal(path)
    assert reason.startswith("Đọc tệp «cham.xlsx» quá 0,01 giây (cài đặt read_timeout_s) nên đã dừng.")


def test_the_child_memory_limit(tmp_path, monkeypatch):
    monkeypatch.setenv("TTHC_READ_MEMORY_MB", "100")  # below what Python with pandas needs to start
    reason = refusal(write_messy(tmp_path / "it_bo_nho.xlsx", make_rows(5)))
    assert "Đọc tệp «it_bo_nho.xlsx» cần nhiều bộ nhớ hơn giới hạn 100 MB (cài đặt read_memory_mb)" in reason


def test_the_child_limits_its_own_memory_and_cpu_time(monkeypatch):
    import subprocess
    import sys

    monkeypatch.setenv("TTHC_READ_MEMORY_MB", "900")
    monkeypatch.setenv("TTHC_READ_TIMEOUT_S", "30")
    probe = ("import resource; from etl import isolate; isolate._limit_memory(); "
             "print(resource.getrlimit(resource.RLIMIT_AS), resource.getrlimit(resource.RLIMIT_CPU))")
    out = subprocess.run([sys.executable, "-c", probe], cwd=isolate.ROOT, capture_output=True, text=True, check=True)
    assert out.stdout.strip() == f"({900 * 1024 * 1024}, {900 * 1024 * 1024}) (35, 40)"


def test_an_unexpected_reader_error_is_a_plain_refusal(tmp_path, monkeypatch):
    # In the child: any exception (pyo3's PanicException is a BaseException) becomes an 'error' outcome…
    monkeypatch.setattr(isolate, "_limit_memory", lambda: None)
    monkeypatch.setattr(read_mod, "parse_sheets", lambda *a: (_ for _ in ()).throw(RuntimeError("boom")))
    (tmp_path / isolate.REQUEST).write_text('{"source": "%s", "name": "x.xlsx", "format": "xlsx"}' % (tmp_path / "x"))
    (tmp_path / "x").write_bytes(b"")
    assert isolate.child_main([str(tmp_path)]) == 0
    outcome = json.loads((tmp_path / isolate.RESULT).read_text())
    assert outcome.pop("cpu_s") >= 0  # the child's own CPU time, which bench/etl.py adds to the load's
    assert outcome == {"error": "RuntimeError: boom"}

    # …which the parent turns into a Vietnamese refusal naming the file, without a traceback.
    def child(work):
        (work / isolate.RESULT).write_text('{"error": "RuntimeError: boom"}')
        return "done", 0, 0.1

    monkeypatch.setattr(isolate, "_run_child", child)
    with pytest.raises(FileRefused) as error:
        isolate.parse(b"PK", "hong.xlsx", "xlsx")
    assert error.value.reason == ("Không đọc được tệp «hong.xlsx» (tệp hỏng hoặc không đúng định dạng). "
                                  "Hãy mở bằng Excel, lưu lại dạng .xlsx rồi nạp lại.")


def test_a_child_killed_by_a_signal_is_a_refusal(monkeypatch):
    def child(work):
        (work / isolate.STDERR).write_text("Segmentation fault")
        return "died", -11, 0.2

    monkeypatch.setattr(isolate, "_run_child", child)
    with pytest.raises(FileRefused) as error:
        isolate.parse(b"x", "vo.xlsx", "xlsx")
    assert error.value.reason.startswith("Trình đọc bảng tính dừng bất thường khi đọc tệp «vo.xlsx» "
                                         "(giới hạn bộ nhớ 1.536 MB, thời gian 60 giây).")


def test_a_refused_file_is_not_parsed_twice(tmp_path, monkeypatch):
    path = H.lying_dimension_xlsx(tmp_path / "hai_lan.xlsx")
    first = refusal(path)
    monkeypatch.setattr(isolate, "_parse_in_child", lambda *a, **k: pytest.fail("parsed again"))
    assert refusal(path) == first


@pytest.mark.parametrize("stop", ["parent_gone", "terminated"])
def test_the_reader_server_removes_its_socket_directory_when_it_ends(stop):
    """Each start makes a private directory for its socket; a server that ended used to leave it
    behind (1 765 of them in /tmp on the development machine after a day of tests)."""
    server = isolate._ReaderServer()
    socket_dir = Path(server._ensure()).parent
    assert socket_dir.is_dir()
    if stop == "parent_gone":
        server._proc.stdin.close()
    else:
        server._proc.terminate()
    assert server._proc.wait(10) == 0
    assert not socket_dir.exists()


def test_check_parsed_measures_cells_in_characters():
    frame = pd.DataFrame({0: pd.array(["a", None, "Ý" * 40_000], dtype="str"), 1: pd.array(["b", "c", None], dtype="str")})
    with pytest.raises(limits.LimitExceeded) as error:
        limits.check_parsed([RawSheet("S", frame)], "f.csv")
    assert "Trang tính «S» của tệp «f.csv» có ô dài 40.000 ký tự (cột A, dòng 3)" in error.value.reason
    limits.check_parsed([RawSheet("S", frame.iloc[:2])], "f.csv")
    # 20 000 characters in 40 000 bytes: over the limit in bytes, within it in characters
    limits.check_parsed([RawSheet("S", pd.DataFrame({0: pd.array(["Ý" * 20_000], dtype="str")}))], "f.csv")


# -- through the loader and the CLI ----------------------------------------------------------------

def test_load_records_the_refusal_and_changes_nothing(tmp_path, empty_db):
    wh = Warehouse(empty_db)
    result = load_file(wh, H.far_cell_xlsx(tmp_path / "xa.xlsx"))
    assert result.refused and "«xa.xlsx»" in result.reason and "1.000 cột" in result.reason
    assert wh.query("SELECT count(*) FROM dossiers")[0][0] == 0
    assert history(wh)[0]["status"] == "refused"
    with pytest.raises(FileRefused):
        prepare(H.separators_csv(tmp_path / "s.csv").read_bytes(), "s.csv")


@pytest.mark.parametrize("make, words", [
    (lambda d: H.far_cell_xlsx(d / "xa.xlsx"), ("xa.xlsx", "1.000 cột")),
    (lambda d: H.lying_dimension_xlsx(d / "cv.xlsx", "CV"), ("cv.xlsx", "1.536 MB")),
    (lambda d: H.separators_csv(d / "sep.csv"), ("sep.csv", "256 KB")),
    (lambda d: H.huge_cell_csv(d / "cell.csv"), ("cell.csv", "32.767 ký tự")),
])
def test_cli_refuses_hostile_files_in_bounded_time_and_memory(tmp_path, make, words):
    run = H.run_load([make(tmp_path)], tmp_path / "w.duckdb", timeout=60)
    assert run["code"] == 2, run
    assert run["seconds"] < 30 and run["peak_mb"] < 1536, run
    assert "Traceback" not in run["stderr"] and "Error" not in run["stderr"], run["stderr"]
    assert "BỊ TỪ CHỐI" in run["stderr"] and all(word in run["stderr"] for word in words), run["stderr"]


def test_upload_inspection_survives_a_file_that_kills_its_reader(tmp_path, empty_db):
    from etl import upload

    wh = Warehouse(empty_db)
    data = H.lying_dimension_xlsx(tmp_path / "noi_doi.xlsx").read_bytes()
    ins = upload.inspect(wh, data, "noi_doi.xlsx")
    assert ins.refusal.startswith("Đọc tệp «noi_doi.xlsx» cần nhiều bộ nhớ hơn giới hạn 1.536 MB")
    ok = upload.inspect(wh, write_messy(tmp_path / "tot.xlsx", make_rows(3)).read_bytes(), "tot.xlsx")
    assert ok.ready and ok.counts["new"] == 3


def test_upload_page_shows_the_refusal_by_name_and_limit(tmp_path, empty_db, monkeypatch):
    from kpi.access.permissions import User
    from tests.upload_helpers import no_exceptions, page, upload

    monkeypatch.setenv("TTHC_DB", str(empty_db))
    at = page("upload", User("chuyenvien", "analyst")).run()
    at = upload(at, ("xa.xlsx", H.far_cell_xlsx(tmp_path / "xa.xlsx").read_bytes()))
    no_exceptions(at)
    errors = [e.value for e in at.error]
    assert any("«xa.xlsx»" in e and "vượt giới hạn 1.000 cột (cài đặt max_columns)" in e for e in errors), errors

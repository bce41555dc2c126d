"""Files refused as a whole: one clear reason, nothing loaded, one 'refused' batch row."""
from __future__ import annotations

import datetime as dt
import io
import zipfile

import openpyxl
import pytest

from etl import read as read_mod
from etl.load import FileRefused, history, load_file, prepare
from kpi.measures import metrics, periods
from kpi.warehouse.db import Warehouse
from tests.fixtures_etl import make_rows, write_messy

DATA_TABLES = ("units", "dossiers", "dossiers_replaced", "feedback", "feedback_replaced", "surveys", "surveys_replaced",
               "rejected_rows", "batch_units")


@pytest.fixture()
def wh(empty_db, tmp_path) -> Warehouse:
    wh = Warehouse(empty_db)
    load_file(wh, write_messy(tmp_path / "base.xlsx", make_rows(5)))  # something that must stay as it is
    return wh


def counts(wh):
    return {t: wh.query(f"SELECT count(*) FROM {t}")[0][0] for t in DATA_TABLES}


def kpis(wh):
    return metrics.summary(wh, periods.custom(dt.date(2020, 1, 1), dt.date(2030, 12, 31)))


def assert_refused(wh, path, *words):
    before, batches, summary = counts(wh), len(history(wh)), kpis(wh)
    result = load_file(wh, path)
    assert result.status == "refused" and result.refused
    for word in words:
        assert word in result.reason, result.reason
    assert counts(wh) == before
    assert kpis(wh) == summary
    latest = history(wh)
    assert len(latest) == batches + 1
    assert latest[0]["status"] == "refused" and latest[0]["message"] == result.reason
    assert latest[0]["rows_loaded"] == 0
    return result


def test_not_a_spreadsheet(wh, tmp_path):
    path = tmp_path / "anh.png"
    path.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 4)
    assert_refused(wh, path, "Không phải tệp bảng tính")


def test_empty_files(wh, tmp_path):
    (tmp_path / "rong.csv").write_bytes(b"")
    assert_refused(wh, tmp_path / "rong.csv", "Tệp rỗng")
    openpyxl.Workbook().save(tmp_path / "rong.xlsx")
    assert_refused(wh, tmp_path / "rong.xlsx", "Tệp rỗng")


def test_no_recognizable_header(wh, tmp_path):
    wb = openpyxl.Workbook()
    for row in [["Tên", "Tuổi"], ["An", 30], ["Bình", 41]]:
        wb.active.append(row)
    wb.save(tmp_path / "khac.xlsx")
    assert_refused(wh, tmp_path / "khac.xlsx", "Không tìm thấy dòng tiêu đề")


def test_required_column_missing_is_named_with_its_expected_header(wh, tmp_path):
    path = write_messy(tmp_path / "thieu.xlsx", make_rows(5), drop=("due_at",))
    result = assert_refused(wh, path, "Thiếu cột bắt buộc", "«Ngày hẹn trả»", "'Ngày hẹn trả'")
    assert result.kind == "dossiers"


def test_header_without_data_rows(wh, tmp_path):
    path = write_messy(tmp_path / "chi_tieu_de.xlsx", [], footer=True)
    assert_refused(wh, path, "không có dòng dữ liệu")


def test_too_large_before_reading(wh, tmp_path, monkeypatch):
    monkeypatch.setenv("TTHC_MAX_UPLOAD_MB", "1")
    path = tmp_path / "lon.csv"
    path.write_bytes(b"Ma ho so;Don vi\n" + b"x;y\n" * 300_000)
    assert_refused(wh, path, "Tệp quá lớn", "tối đa 1 MB")
    with pytest.raises(FileRefused) as error:
        prepare(path.read_bytes(), "lon.csv")
    assert error.value.file_name == "lon.csv" and "quá lớn" in error.value.reason


def _bomb(path, megabytes: int):
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/workbook.xml", "<workbook/>")
        with archive.open("xl/worksheets/sheet1.xml", "w") as member:
            block = b"0" * (1024 * 1024)
            for _ in range(megabytes):
                member.write(block)
    return path


def test_decompression_bomb_refused_from_the_directory(wh, tmp_path, monkeypatch):
    path = _bomb(tmp_path / "bom.xlsx", 40)  # 40 MB of zeros in ~40 KB: absurd ratio
    # Refused from the zip directory alone: the workbook reader must never be reached.
    monkeypatch.setattr(read_mod, "read_workbook", lambda *a, **k: pytest.fail("the bomb was decompressed"))
    assert_refused(wh, path, "giải nén ra quá lớn")
    monkeypatch.setenv("TTHC_MAX_UNZIPPED_MB", "2")
    assert_refused(wh, _bomb(tmp_path / "bom2.xlsx", 3), "giải nén ra quá lớn")


def test_encrypted_workbook(wh, tmp_path):
    # An encrypted .xlsx is an OLE container holding EncryptionInfo and EncryptedPackage streams.
    body = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 504
    body += "EncryptionInfo".encode("utf-16-le") + b"\x00" * 50 + "EncryptedPackage".encode("utf-16-le") + b"\x00" * 600
    path = tmp_path / "matkhau.xlsx"
    path.write_bytes(body)
    assert_refused(wh, path, "mật khẩu")


def test_corrupt_workbooks(wh, tmp_path):
    (tmp_path / "hong.xlsx").write_bytes(b"PK\x03\x04" + b"garbage" * 100)
    assert_refused(wh, tmp_path / "hong.xlsx", "bị hỏng")
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("word/document.xml", "<w/>")
    (tmp_path / "van_ban.xlsx").write_bytes(buffer.getvalue())
    assert_refused(wh, tmp_path / "van_ban.xlsx", "Không phải tệp bảng tính Excel")


def test_too_many_rows(wh, tmp_path, monkeypatch):
    monkeypatch.setenv("TTHC_MAX_ROWS", "8")
    assert_refused(wh, write_messy(tmp_path / "nhieu.xlsx", make_rows(9), footer=True), "hơn 8 dòng")
    ok = load_file(wh, write_messy(tmp_path / "vua.xlsx", make_rows(8, code_prefix="V"), footer=True))
    assert ok.status == "loaded"


def test_html_saved_as_xls(wh, tmp_path):
    path = tmp_path / "bao_cao.xls"
    path.write_text("<html><body><table><tr><td>Mã hồ sơ</td></tr></table></body></html>", encoding="utf-8")
    assert_refused(wh, path, "trang HTML", ".xlsx")


def test_missing_path(wh, tmp_path):
    assert_refused(wh, tmp_path / "khong_co.xlsx", "Không tìm thấy tệp")

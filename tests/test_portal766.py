"""Importing the portal's published QĐ 766 scores (etl/portal766.py) and letting them win.

The warehouse is the one of tests/test_index766.py (March 2024): simulated TDGQ of Sở Tư pháp 12,
of xã Phước An 20, of the province 20 × 5/7. The portal files are tests/portal766_files.py.
"""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import openpyxl
import pytest

from etl import portal766
from etl.load import load_file, undo_batch
from kpi.measures import index766 as X
from kpi.warehouse.db import Warehouse
from tests import portal766_files as F
from tests.factories import add_dossiers, add_feedback, feedback
from tests.test_index766 import MARCH, SO, XA, _agency_dossiers, _commune_dossiers, _sub, _unit

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture()
def wh(empty_db) -> Warehouse:
    wh = Warehouse(empty_db)
    add_dossiers(wh, _agency_dossiers() + _commune_dossiers())
    add_feedback(wh, [feedback("P1", handled="10/03/2024", due="15/03/2024", rating=4),
                      feedback("P2", handled="18/03/2024", due="15/03/2024", rating=2)])
    return wh


def _scores(wh) -> int:
    return wh.query("SELECT count(*) FROM portal_scores")[0][0]


def test_parent_children_shape_published_beats_simulated(wh, tmp_path):
    result = load_file(wh, F.write(tmp_path / "tien-do-thang-03-2024.json", F.progress_tree()))
    assert result.status == "loaded" and result.kind == "portal766"
    report = X.compute(wh, MARCH)
    so, xa = _unit(report, SO), _unit(report, XA)
    assert (so.groups["TDGQ"].score, so.groups["TDGQ"].source) == (15.5, "portal")
    assert so.groups["TDGQ"].ours.score == pytest.approx(12.0)  # the simulation is kept for the reconciliation
    assert (xa.groups["TDGQ"].score, xa.unit_type) == (19.0, "COMMUNE")
    assert report.province.groups["TDGQ"].score == 16.0
    on_time = _sub(so, "ON_TIME")
    assert (on_time.numerator, on_time.denominator, on_time.rate) == (4, 5, pytest.approx(0.775))
    assert so.groups["MDHL"].source == "simulated"  # nothing published for it: still ours
    assert report.unmatched == ["UBND xã Không Có"]  # kept, listed, never guessed


def test_overview_evaluation_shape_keeps_quality_flags(wh, tmp_path):
    result = load_file(wh, F.write(tmp_path / "hai-long-2024-03.json", F.satisfaction_overview()))
    assert result.status == "loaded"
    report = X.compute(wh, MARCH)
    province = report.province
    assert (province.groups["MDHL"].score, province.groups["MDHL"].source) == (9.81, "portal")
    flagged = _sub(province, "PETITION_PROCESSING_ON_TIME")
    assert flagged.quality == "TEMP_NATIONAL_REPORT_DENOMINATOR — Mẫu số đang dùng số tạm."
    so = _unit(report, SO)
    assert so.groups["MDHL"].score == 8.67 and so.unit_type == "AGENCY"
    assert _sub(so, "DOSSIER_RECEIVING_SATISFACTION").rate == pytest.approx(0.4)
    stored = wh.query("SELECT DISTINCT metric FROM portal_scores WHERE metric LIKE 'PETITION_CLASS%'")
    assert stored == []  # unscored classification shares are not sub-indicators


def test_published_total_wins_and_is_not_partial(wh, tmp_path):
    load_file(wh, F.write(tmp_path / "chi-so-766-thang-03-2024.json", F.service_results()))
    report = X.compute(wh, MARCH)
    assert (report.province.total, report.province.partial, report.province.source) == (71.5, False, "portal")
    assert report.province.ours_total == pytest.approx(report.province.groups["TDGQ"].ours.score + sum(
        g.ours.score for c, g in report.province.groups.items() if c != "TDGQ" and g.ours.score is not None))
    assert _unit(report, XA).total == 88.0 and _unit(report, SO).total == 64.25


def test_a_newer_upload_wins_and_undo_brings_the_older_back(wh, tmp_path):
    first = load_file(wh, F.write(tmp_path / "a-2024-03.json", F.progress_tree(so=15.5)))
    second = load_file(wh, F.write(tmp_path / "b-2024-03.json", F.progress_tree(so=17.0)))
    assert second.counts["updated"] == 2 and second.counts["new"] == 0  # Sở Tư pháp: its TDGQ row and ON_TIME row
    assert _unit(X.compute(wh, MARCH), SO).groups["TDGQ"].score == 17.0
    undo_batch(wh, second.batch_id)
    assert _unit(X.compute(wh, MARCH), SO).groups["TDGQ"].score == 15.5
    undo_batch(wh, first.batch_id)
    assert _unit(X.compute(wh, MARCH), SO).groups["TDGQ"].source == "simulated"


@pytest.mark.parametrize("content, message", [
    (b'{"code":"OK","data":{"parent":{"totalScore": 15.6', "Tệp JSON không đọc được"),
    (b'{"code":"OK","data":{"items":[1,2,3]}}', "không phải kết quả đánh giá Chỉ số 766"),
    (b'[1, 2, 3]', "không phải kết quả đánh giá Chỉ số 766"),
])
def test_bad_json_is_refused_with_a_reason_and_nothing_written(wh, tmp_path, content, message):
    path = tmp_path / "chi-so-2024-03.json"
    path.write_bytes(content)
    result = load_file(wh, path)
    assert result.status == "refused" and message in result.reason
    assert "không có số liệu nào được ghi" in result.reason.lower()
    assert _scores(wh) == 0
    assert wh.query("SELECT count(*) FROM load_batches WHERE status = 'loaded'")[0][0] == 0


def test_json_without_a_period_is_refused(wh, tmp_path):
    result = load_file(wh, F.write(tmp_path / "chi-so.json", F.progress_tree()))
    assert result.status == "refused" and "Chưa rõ kỳ" in result.reason
    assert _scores(wh) == 0


def test_period_from_the_request_keys():
    assert portal766.period_of({"timeType": "quarter", "year": 2025, "quarter": 3}, "x.json") == (
        MARCH.start.replace(year=2025, month=7), MARCH.end.replace(year=2025, month=9, day=30))
    assert portal766.period_of({"fromDate": "2025-07-01", "toDate": "2025-09-30"}, "x.json")[1].month == 9
    assert portal766.period_of({}, "766_2025-10.json")[0].month == 10


def test_excel_table_of_scores(wh, tmp_path):
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["KẾT QUẢ ĐÁNH GIÁ CHỈ SỐ PHỤC VỤ NGƯỜI DÂN, DOANH NGHIỆP - Tháng 03/2024"])
    sheet.append([])
    sheet.append(["STT", "Đơn vị", "Công khai, minh bạch", "Tiến độ giải quyết", "Dịch vụ công trực tuyến",
                  "Thanh toán trực tuyến", "Mức độ hài lòng", "Số hóa hồ sơ", "Tổng điểm"])
    sheet.append([1, "Toàn tỉnh", 12.5, 16.2, 8.1, 4.4, 14.0, 9.3, 64.5])
    sheet.append([2, "Sở Tư pháp - Tỉnh Đồng Nai", 11, 14.25, "7,5", 5, 12, 10, 59.75])
    path = tmp_path / "bang-diem.xlsx"
    book.save(path)
    result = load_file(wh, path)
    assert result.status == "loaded" and result.kind == "portal766"
    report = X.compute(wh, MARCH)
    assert report.province.total == 64.5 and report.province.groups["CLGQ"].score == 8.1
    so = _unit(report, SO)
    assert (so.groups["TDGQ"].score, so.groups["CLGQ"].score, so.total) == (14.25, 7.5, 59.75)


def test_etl_load_command_exit_codes(wh, tmp_path):
    good = F.write(tmp_path / "tien-do-thang-03-2024.json", F.progress_tree())
    bad = tmp_path / "hong-2024-03.json"
    bad.write_bytes(b"{not json")
    run = [sys.executable, "-m", "etl", "load", "--db", str(wh.path)]
    ok = subprocess.run(run + [good], cwd=ROOT, capture_output=True, text=True)
    assert ok.returncode == 0, ok.stderr
    refused = subprocess.run(run + [str(bad)], cwd=ROOT, capture_output=True, text=True)
    assert refused.returncode == 2 and "Tệp JSON không đọc được" in refused.stderr


# -- the upload page ----------------------------------------------------------------------
def test_upload_page_previews_then_loads_portal_json(wh, monkeypatch):
    from kpi.access.permissions import User
    from tests.upload_helpers import button, metrics as page_metrics, no_exceptions, page, upload

    monkeypatch.setenv("TTHC_DB", str(wh.path))
    at = page("upload", User("chuyenvien", "analyst"))
    at.run()
    at = upload(at, ("tien-do-thang-03-2024.json", json.dumps(F.progress_tree()).encode()))
    no_exceptions(at)
    assert _scores(wh) == 0  # nothing written before the confirmation
    assert page_metrics(at)["Dòng bị loại"] == "0"
    assert any("UBND xã Không Có" in i.value for i in at.info)  # the unmatched portal unit is named
    preview = at.dataframe[0].value
    assert "Sở Tư pháp - Tỉnh Đồng Nai" in set(preview["Đơn vị (trên Cổng)"])
    button(at, "Xác nhận nạp").click().run()
    no_exceptions(at)
    assert _scores(wh) == 8
    assert _unit(X.compute(wh, MARCH), SO).groups["TDGQ"].score == 15.5


def test_upload_page_refuses_bad_json_and_asks_for_a_missing_period(wh, monkeypatch):
    from kpi.access.permissions import User
    from tests.upload_helpers import no_exceptions, page, upload

    monkeypatch.setenv("TTHC_DB", str(wh.path))
    at = page("upload", User("chuyenvien", "analyst"))
    at.run()
    at = upload(at, ("hong.json", b'{"data": {"parent": '), ("chi-so.json", json.dumps(F.progress_tree()).encode()))
    no_exceptions(at)
    assert any("Tệp JSON không đọc được" in e.value for e in [*at.error, *at.warning])
    assert any("Chưa rõ kỳ" in w.value for w in at.warning)
    assert not [b for b in at.button if b.label == "Xác nhận nạp"]
    assert _scores(wh) == 0


def _desk_app():
    """The upload desk (ui/upload_desk.py) alone, as pages/upload.py will draw it."""
    import os

    import streamlit as st

    from kpi.access.permissions import User
    from kpi.warehouse.db import Warehouse
    from ui.upload_desk import UploadDesk

    desk = UploadDesk.open(Warehouse(os.environ["TTHC_DB"]), User("chuyenvien", "analyst"))
    for uploaded in st.file_uploader("Tệp", accept_multiple_files=True, key="files") or []:
        desk.file_section(uploaded, 200)


def test_upload_desk_previews_then_loads_portal_json(wh, monkeypatch):
    from streamlit.testing.v1 import AppTest

    from tests.upload_helpers import button, no_exceptions

    monkeypatch.setenv("TTHC_DB", str(wh.path))
    at = AppTest.from_function(_desk_app, default_timeout=60)
    at.run()
    at.file_uploader[0].set_value([("tien-do-thang-03-2024.json", json.dumps(F.progress_tree()).encode(),
                                    "application/json")])
    at.run()
    no_exceptions(at)
    assert _scores(wh) == 0 and any("UBND xã Không Có" in i.value for i in at.info)
    button(at, "Xác nhận nạp").click().run()
    no_exceptions(at)
    assert _scores(wh) == 8


def test_history_names_a_portal_batch(wh, tmp_path, monkeypatch):
    from kpi.access.permissions import User
    from tests.upload_helpers import no_exceptions, page

    load_file(wh, F.write(tmp_path / "tien-do-thang-03-2024.json", F.progress_tree()))
    monkeypatch.setenv("TTHC_DB", str(wh.path))
    at = page("history", User("quan-tri", "admin"))
    at.run()
    no_exceptions(at)
    table = at.dataframe[0].value
    assert "Điểm Chỉ số 766 công bố trên Cổng DVCQG" in set(table.iloc[:, :].astype(str).stack())

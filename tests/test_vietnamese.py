"""Issue 17 item 8, Vietnamese everywhere: Streamlit's own widget strings, audit rows in words,
download names without diacritics, Excel panes frozen below the header, reject reports with
real dates and numeric STT, no 'None' in the upload preview."""
from __future__ import annotations

import datetime as dt
import io
import json

import pandas as pd
import pytest
import streamlit
from openpyxl import load_workbook
from streamlit.testing.v1 import AppTest

from etl import upload as etl_upload
from kpi.warehouse import audit
from kpi.measures import targets
from kpi.text import vi
from kpi.access.permissions import User
from kpi.warehouse.db import Warehouse
from kpi.reports.drill_export import dossiers_xlsx
from tests.test_pages import ROOT, make_app, no_exception
from tests.upload_helpers import page
from ui import text_audit, widget_text


# -- Streamlit's own strings -----------------------------------------------------------------
@pytest.mark.parametrize("english,vietnamese", [
    ("Choose options", "Chọn…"),
    ("Choose an option", "Chọn…"),
    ("No results", "Không có kết quả"),
    ("Select 4 matches", "Chọn 4 mục khớp"),
    ("Select all", "Chọn tất cả"),
    ("Drag and drop files here", "Kéo thả tệp vào đây"),
    ("Upload", "Tải tệp lên"),
    ("Browse files", "Chọn tệp"),
    ("200MB per file • XLSX, XLS, CSV", "Tối đa 200 MB mỗi tệp • XLSX, XLS, CSV"),
    ("Date range", "Khoảng ngày"),
    ("Hồ sơ quá hạn", "Hồ sơ quá hạn"),   # our own text is never touched
    ("Uploads", "Uploads"),               # only whole texts match
])
def test_widget_strings_translate(english, vietnamese):
    assert widget_text.translate(english) == vietnamese


def test_the_script_carries_the_same_rules():
    script = widget_text.script()
    for english, vietnamese in widget_text.EXACT.items():
        assert f'"{english}": "{vietnamese}"' in script
    assert "MutationObserver" in script


def test_the_entry_script_installs_the_translator(monkeypatch, sample_db):
    monkeypatch.setenv("TTHC_DB", str(sample_db))
    at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=60)
    at.session_state["user"] = User("kiem-thu", "leader")
    at.session_state["last_seen"] = dt.datetime.now()
    at.run()  # one run: AppTest drops the entry script's own elements from its tree on a second run
    no_exception(at)
    scripts = [e.proto for e in at.get("html") if "__tthcWidgetText" in e.proto.body]
    assert len(scripts) == 1 and scripts[0].unsafe_allow_javascript


def test_multiselects_say_chon(monkeypatch, sample_db):
    at = make_app(monkeypatch, sample_db, page="drilldown")
    no_exception(at)
    assert at.multiselect(key="dd_channel").proto.placeholder == "Chọn…"


# -- file names and Excel ------------------------------------------------------------------------
def test_drilldown_file_name_has_no_english_and_no_diacritics_and_the_download_is_audited(monkeypatch, sample_copy):
    calls = []
    original = streamlit.download_button

    def spy(*args, **kwargs):
        calls.append(kwargs)
        return original(*args, **kwargs)

    monkeypatch.setattr(streamlit, "download_button", spy)
    at = make_app(monkeypatch, sample_copy, page="drilldown", role="leader")
    no_exception(at)
    name = "ho-so-da-giai-quyet-qua-han-20241001-20241031.xlsx"
    assert calls and calls[-1]["file_name"] == name
    wh = Warehouse(sample_copy)
    assert audit.read_log(wh, action="export").empty          # drawing the button downloads nothing
    data = calls[-1]["data"]()                                # the browser asks for the file
    assert data[:2] == b"PK"
    row = audit.read_log(wh, action="export").iloc[0]
    detail = json.loads(row["detail"])
    assert row["user_name"] == "kiem-thu" and row["target"] == name
    assert detail["set"] == "resolved_overdue" and detail["period"] == "Tháng 10/2024" and detail["rows"] > 0


def test_file_slugs():
    assert vi.file_slug("Đã giải quyết quá hạn") == "da-giai-quyet-qua-han"
    assert vi.rejects_file_name("Tháng 1 (Sở Tư pháp).xlsx") == "thang-1-so-tu-phap-dong-bi-loai.xlsx"
    assert vi.rejects_file_name("mc.xlsx", 12) == "mc-luot-12-dong-bi-loai.xlsx"


def test_drilldown_excel_freezes_below_the_header():
    frame = pd.DataFrame([{"code": "H1", "unit": "Sở Tư pháp", "field": "Hộ tịch", "procedure": "Khai sinh",
                           "received_at": dt.datetime(2024, 10, 1, 8), "due_at": None, "finished_at": None,
                           "days_late": 2, "channel": "online"}])
    with_title = load_workbook(io.BytesIO(dossiers_xlsx(frame, "Tiêu đề"))).active
    assert with_title["A3"].value == vi.DOSSIER_COLUMNS["code"] and with_title.freeze_panes == "A4"
    without = load_workbook(io.BytesIO(dossiers_xlsx(frame))).active
    assert without["A1"].value == vi.DOSSIER_COLUMNS["code"] and without.freeze_panes == "A2"


def test_reject_report_writes_real_dates_and_numeric_stt():
    report = pd.DataFrame(
        {"STT": ["7"], "Mã hồ sơ": ["000123"], "Ngày tiếp nhận": ["05/03/2024 08:30"],
         "Ngày hẹn trả": ["2024-03-15 00:00:00"], "Ngày có kết quả": ["31/02/2024"], "Lỗi": ["Ngày không hợp lệ"]},
        index=pd.Index([9], name="Dòng"))
    ws = load_workbook(io.BytesIO(etl_upload.rejects_xlsx(report))).active
    assert [c.value for c in ws[1]] == ["Dòng", "STT", "Mã hồ sơ", "Ngày tiếp nhận", "Ngày hẹn trả", "Ngày có kết quả", "Lỗi"]
    row = ws[2]
    assert row[0].value == 9 and row[1].value == 7                      # numbers
    assert row[2].value == "000123"                                     # a code keeps its zeros
    assert row[3].value == dt.datetime(2024, 3, 5, 8, 30) and row[3].number_format == "dd/mm/yyyy hh:mm"
    assert row[4].value == dt.datetime(2024, 3, 15) and row[4].number_format == "dd/mm/yyyy"
    assert row[5].value == "31/02/2024"                                 # not a date: kept as the analyst typed it
    assert ws.freeze_panes == "A2"


def test_preview_never_shows_none():
    shown = etl_upload.display_frame(pd.DataFrame({"Trạng thái": [None, "Đã trả kết quả", pd.NA], "Số": [1, 2, 3]}))
    assert list(shown["Trạng thái"]) == ["", "Đã trả kết quả", ""]


# -- audit rows in words -------------------------------------------------------------------------
def test_audit_sentences():
    kpi = vi.KPI_LABELS["on_time_rate"]
    new = {"year": 2026, "indicator": "on_time_rate", "level": None, "unit_id": None, "old": 0.97, "new": 0.98}
    assert text_audit.sentence("target.set", "2026/on_time_rate/*/*", new) == f"Sửa chỉ tiêu {kpi} 2026: 97% → 98%"
    assert text_audit.sentence("target.set", "2026/digitization_rate/district/*", "0.4500 >= (phiên bản 2)") == \
        f"Sửa chỉ tiêu {vi.KPI_LABELS['digitization_rate']} 2026 (cấp huyện): đặt 45%"
    assert text_audit.sentence("target.confirm", "2025", '{"year": 2025, "from_years": [2024], "count": 11}') == \
        "Xác nhận 11 chỉ tiêu năm 2025 (chép từ năm 2024)"
    assert text_audit.sentence("login", "an", '{"reason": "wrong password", "failures": 2}', success=False) == \
        "Đăng nhập không thành công (an): sai mật khẩu (lần sai thứ 2)"
    assert text_audit.sentence("upload", "thang1.xlsx", {"batch_id": 3, "new": 60, "updated": 0, "unchanged": 1,
                                                          "rows_rejected": 2}) == \
        "Nạp tệp «thang1.xlsx» (lượt #3): 60 mới, 0 cập nhật, 1 không đổi, 2 dòng bị loại"
    assert text_audit.sentence("user.set_role", "an", {"from": "leader", "to": "analyst"}) == \
        "Đổi vai trò của «an»: Lãnh đạo → Chuyên viên"
    assert "{" not in text_audit.sentence("unit.add", "u1", {"name": "UBND xã A", "level": "commune"})


def test_audit_page_shows_words_not_keys_or_json(tmp_path, monkeypatch):
    wh = Warehouse(tmp_path / "audit.duckdb")
    monkeypatch.setenv("TTHC_DB", str(wh.path))
    targets.ensure_seeded(wh)
    targets.set_target(wh, 2026, "on_time_rate", 0.98, user="quantri")
    at = page("admin_audit", User("quantri", "admin"))
    at.run()
    assert not at.exception
    table = at.dataframe[0].value
    shown = " ".join(str(v) for v in table.to_numpy().ravel())
    assert f"Sửa chỉ tiêu {vi.KPI_LABELS['on_time_rate']} 2026: 97% → 98%" in shown
    assert "on_time_rate" not in shown and "{" not in shown


def test_dates_and_times_are_formatted_day_first_in_one_place():
    """kpi.text.vi formats every date and time the pages show (issue 13): day first, missing → ''."""
    moment = dt.datetime(2024, 10, 31, 8, 5)
    assert vi.datetime(moment) == "31/10/2024 08:05"
    assert vi.datetime(pd.Timestamp(moment)) == "31/10/2024 08:05"
    assert vi.datetime("2024-10-31T08:05:00") == "31/10/2024 08:05"
    assert [vi.datetime(v) for v in (None, "", float("nan"), pd.NaT)] == ["", "", "", ""]
    assert vi.time_and_date(moment) == "08:05 31/10/2024"
    assert vi.freshness_line(dt.date(2024, 10, 31), moment) == "Dữ liệu đến ngày 31/10/2024, nạp lúc 08:05 31/10/2024"

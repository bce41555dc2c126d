"""Column-wise coercion and per-row reject reasons."""
from __future__ import annotations

import datetime as dt
import json

import numpy as np
import pandas as pd

from etl.holidays import add_working_days, read_calendar
from etl.load import prepare
from etl.validate import map_distinct, parse_bools, parse_channel, parse_datetimes, parse_rating
from etl.values import UNKNOWN_SCALE
from kpi.measures.filters import Scope
from kpi.measures.levels import unit_id_for
from tests.fixtures_etl import Traits, make_rows, write_csv, write_messy


def _s(values) -> pd.Series:
    return pd.Series(values, dtype="str")


def test_dates_are_day_first_and_impossible_dates_are_rejected():
    values, bad = parse_datetimes(_s([
        "02/03/2024", "2/3/2024 7:05", "31/12/2024 23:59:59", "15-01-2024", "15.01.2024", "2024-01-15",
        "2024-01-15 08:30:00", "45306", "45306.5", "31/02/2024", "13/13/2024", "hôm qua", None, "08:30 15/01/2024",
    ]))
    expected = [dt.datetime(2024, 3, 2), dt.datetime(2024, 3, 2, 7, 5), dt.datetime(2024, 12, 31, 23, 59, 59),
                dt.datetime(2024, 1, 15), dt.datetime(2024, 1, 15), dt.datetime(2024, 1, 15),
                dt.datetime(2024, 1, 15, 8, 30), dt.datetime(2024, 1, 15), dt.datetime(2024, 1, 15, 12)]
    assert values[:9].tolist() == expected
    assert bad.tolist() == [False] * 9 + [True, True, True, False, False]
    assert values[13] == dt.datetime(2024, 1, 15, 8, 30)
    assert pd.isna(values[12])


def test_dates_outside_a_sane_range_are_rejected():
    _, bad = parse_datetimes(_s(["5", "01/01/1900", "01/01/2024"]))
    assert bad.tolist() == [True, True, False]


def test_yes_no_spellings():
    values, bad = parse_bools(_s(["Có", "Không", "1", "0", "TRUE", "FALSE", "Đã số hóa", "Chưa", "có", None, "bừa"]))
    assert values.tolist()[:8] == [True, False, True, False, True, False, True, False]
    assert pd.isna(values[9]) and bad.tolist() == [False] * 10 + [True]
    marks, _ = parse_bools(_s(["x", None, "X"]))
    assert marks.tolist() == [True, False, True]  # with x-marks, blank means no


def test_channels_and_ratings():
    assert [parse_channel(v) for v in ["Trực tuyến", "DVC trực tuyến toàn trình", "DVC trực tuyến một phần",
                                       "Nộp trực tuyến", "Trực tiếp", "Nộp trực tiếp", "Qua bưu chính", "BCCI",
                                       "TRUC TIEP"]] == \
        ["online"] * 4 + ["direct"] * 2 + ["postal"] * 2 + ["direct"]
    assert [parse_rating(v, 4) for v in ["Rất hài lòng", "Hài lòng", "Bình thường", "Không hài lòng", "4", "Chưa đánh giá"]] \
        == [4, 3, 2, 1, 4, None]
    assert parse_rating("4") is UNKNOWN_SCALE  # a bare number means nothing without its scale
    parsed, bad = map_distinct(_s(["Hài lòng", "tuyệt", None]), parse_rating)
    assert parsed.tolist() == [3, None, None] and bad.tolist() == [False, True, False]


def _bad_rows():
    rows = make_rows(8)
    rows[1]["code"] = None
    rows[2]["finished_at"] = rows[2]["received_at"] - dt.timedelta(days=3)
    rows[3]["due_at"] = None  # no deadline: valid
    rows[4]["due_at"] = rows[4]["received_at"] - dt.timedelta(days=2)
    rows[5]["rating"] = "Tuyệt vời"
    return rows


def test_rejects_say_row_column_value_and_what_to_do(tmp_path):
    rows = _bad_rows()
    path = write_messy(tmp_path / "t.xlsx", rows, title_rows=2, date_style="dmy_time")
    prepared = prepare(path)
    assert prepared.rows_read == 8 and prepared.rows_rejected == 4 and len(prepared.data) == 4
    rej = prepared.rejects.set_index("row_number")
    # header on row 3: data row i sits on spreadsheet row 4 + i
    assert set(rej.index) == {5, 6, 8, 9}
    assert rej.loc[5, "column_name"] == "Mã hồ sơ" and "Thiếu Mã hồ sơ" in rej.loc[5, "reason"]
    assert rej.loc[6, "column_name"] == "Ngày có kết quả" and "trước ngày tiếp nhận" in rej.loc[6, "reason"]
    assert rej.loc[8, "column_name"] == "Ngày hẹn trả"
    assert rej.loc[9, "raw_value"] == "Tuyệt vời" and "Rất hài lòng" in rej.loc[9, "reason"]
    original = json.loads(rej.loc[9, "row_json"])
    assert original["Mức độ hài lòng"] == "Tuyệt vời" and original["Mã hồ sơ"] == rows[5]["code"]
    assert rows[3]["code"] in set(prepared.data["code"])


def test_impossible_date_text_is_a_reject(tmp_path):
    rows = make_rows(3)
    path = write_messy(tmp_path / "t.xlsx", rows, date_style="dmy")
    import openpyxl
    wb = openpyxl.load_workbook(path)
    wb.worksheets[0]["D3"] = "31/02/2024"  # received_at column of the second data row
    wb.save(path)
    prepared = prepare(path)
    assert prepared.rejects["raw_value"].tolist() == ["31/02/2024"]
    assert "dd/mm/yyyy" in prepared.rejects["reason"].iloc[0]


def test_same_code_twice_the_later_row_wins(tmp_path):
    rows = make_rows(5)
    later = dict(rows[1], field="Đất đai", procedure="Thủ tục sau")
    prepared = prepare(write_messy(tmp_path / "t.xlsx", rows + [later]))
    assert prepared.duplicates == 1 and prepared.rows_rejected == 0 and len(prepared.data) == 5
    assert prepared.data.set_index("code").loc[rows[1]["code"], "procedure"] == "Thủ tục sau"


def test_level_from_column_else_inferred(tmp_path):
    rows = make_rows(11)
    prepared = prepare(write_messy(tmp_path / "t.xlsx", rows))
    levels = dict(zip(prepared.data["unit_name"], prepared.data["level"]))
    assert levels["Sở Tư pháp"] == "province" and levels["UBND huyện Nhơn Trạch"] == "district"
    assert levels["UBND xã Phú Hữu"] == "commune"
    rows[0]["level"] = "Cấp huyện"
    with_column = prepare(write_messy(tmp_path / "l.xlsx", rows, with_level=True))
    assert with_column.data.set_index("code").loc[rows[0]["code"], "level"] == "district"


def test_scope_rejects_units_outside_it(tmp_path):
    rows = make_rows(11)
    scope = Scope(kind="units", unit_ids=(unit_id_for("UBND huyện Nhơn Trạch"),))
    prepared = prepare(write_messy(tmp_path / "t.xlsx", rows), scope=scope)
    assert set(prepared.data["unit_id"]) == {unit_id_for("UBND huyện Nhơn Trạch")}
    # Without a registry the other names cannot be placed: rejected with what to do, not silently skipped.
    assert prepared.rows_rejected == 10 and prepared.out_of_scope == 0
    assert "chưa có trong danh mục đơn vị" in prepared.rejects["reason"].iloc[0]


def test_feedback_without_due_gets_working_days(tmp_path):
    rows = make_rows(4, "feedback", start=dt.datetime(2024, 2, 7, 9))
    for r in rows:
        r["received_at"] = dt.datetime(2024, 2, 7, 9)  # Wednesday before Tết Giáp Thìn (8–14/02 off)
        r["handled_at"] = None
        if r["due_at"] is not None:
            r["due_at"] = dt.datetime(2024, 2, 28, 17)
    prepared = prepare(write_messy(tmp_path / "pakn.xlsx", rows, kind="feedback"))
    assert prepared.kind == "feedback" and prepared.rows_rejected == 0
    data = prepared.data.set_index("code")
    assumed = data[data["due_assumed"]]
    given = data[~data["due_assumed"]]
    assert len(assumed) == 2 and assumed["due_at"].isna().all()
    # 15 working days from 07/02/2024, skipping the weekend-bridged Tết break
    assert (assumed["due_date"] == pd.Timestamp("2024-03-06")).all()
    assert (given["due_date"] == pd.Timestamp("2024-02-28")).all()


def test_survey_without_form_number_gets_a_stable_code(tmp_path):
    rows = make_rows(6, "survey")
    path = write_messy(tmp_path / "ks.xlsx", rows, kind="survey", drop=("code",))
    first, second = prepare(path), prepare(path)
    assert first.kind == "survey" and first.rows_rejected == 0
    assert first.data["code"].tolist() == second.data["code"].tolist()
    assert first.data["code"].str.startswith("SV-").all() and first.data["code"].is_unique


def test_csv_blank_due_date_is_not_an_error(tmp_path):
    rows = make_rows(13)
    prepared = prepare(write_csv(tmp_path / "t.csv", rows))
    assert prepared.rows_rejected == 0
    assert prepared.data["due_at"].isna().sum() == sum(r["due_at"] is None for r in rows) > 0


def test_holiday_calendar():
    off, worked = read_calendar()
    years = {d.astype(object).year for d in off}
    assert years == set(range(2020, 2028))
    assert np.datetime64("2024-02-10") in off and np.datetime64("2025-04-07") in off  # Tết, Giỗ Tổ
    assert np.datetime64("2024-05-04") in worked  # Saturday worked for the 29/04/2024 swap
    days = np.array(["2024-03-04", "2024-03-09"], dtype="datetime64[D]")  # Monday, Saturday
    assert add_working_days(days, 5).tolist() == np.busday_offset(days, 5, roll="forward").tolist()
    # the swapped Saturday counts: 26/04/2024 (Fri) + 3 working days (02/05, 03/05, then Saturday 04/05)
    assert add_working_days(np.array(["2024-04-26"], dtype="datetime64[D]"), 3)[0] == np.datetime64("2024-05-04")

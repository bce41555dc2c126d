"""Values as Vietnamese one-stop systems and Excel write them (etl.values), through prepare/load too."""
from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from etl.cli import cmd_load
from etl.load import load_file, prepare
from etl.values import (UNKNOWN_SCALE, ValueOptions, no_deadline_mask, parse_bools, parse_channel, parse_channels,
                        parse_datetimes, parse_rating, parse_ratings, rating_scale_of)
from kpi.warehouse.db import Warehouse
from tests.upload_helpers import HEADERS, dossier_row, write_table

D = dt.datetime


def _s(values) -> pd.Series:
    return pd.Series(values, dtype="str")


@pytest.mark.parametrize("text, expected", [
    ("05/03/2024", D(2024, 3, 5)),
    ("5/3/24", D(2024, 3, 5)),
    ("05-03-2024 08:30", D(2024, 3, 5, 8, 30)),
    ("05.03.2024", D(2024, 3, 5)),
    ("2024/03/05", D(2024, 3, 5)),
    ("05/03/2024 8h30", D(2024, 3, 5, 8, 30)),
    ("8h30 05/03/2024", D(2024, 3, 5, 8, 30)),
    ("8h 05/03/2024", D(2024, 3, 5, 8, 0)),
    ("05/03/2024 lúc 8 giờ 30 phút", D(2024, 3, 5, 8, 30)),
    ("05/03/2024, 14:05", D(2024, 3, 5, 14, 5)),
    ("14:05, 05/03/2024", D(2024, 3, 5, 14, 5)),              # a one-stop front end's "HH:mm, DD/MM/YYYY"
    ("2024-03-05T07:05:00.000Z", D(2024, 3, 5, 14, 5)),       # … and its ISO "YYYY-MM-DDTHH:mm:ss.SSS[Z]"
    ("05/03/2024 2:05:09 CH", D(2024, 3, 5, 14, 5, 9)),   # Excel on Vietnamese Windows: SA/CH = AM/PM
    ("05/03/2024 12:10 SA", D(2024, 3, 5, 0, 10)),
    ("5/3/2024 8:30 PM", D(2024, 3, 5, 20, 30)),
    ("ngày 05 tháng 3 năm 2024", D(2024, 3, 5)),
    ("08:30 ngày 5 tháng 03 năm 2024", D(2024, 3, 5, 8, 30)),
    ("2024-03-05T08:00:00", D(2024, 3, 5, 8, 0)),
    ("2024-03-05T08:00:00+07:00", D(2024, 3, 5, 8, 0)),      # Vietnam time already
    ("2024-03-05T08:00:00.000+0700", D(2024, 3, 5, 8, 0)),
    ("2024-03-05T01:00:00Z", D(2024, 3, 5, 8, 0)),           # UTC → Vietnam time (+7)
    ("2024-03-04T20:30:00-05:00", D(2024, 3, 5, 8, 30)),     # 01:30 UTC next day → 08:30 in Vietnam
    ("2024-03-05 08:30:15.500", D(2024, 3, 5, 8, 30, 15, 500000)),
    ("45356.5", D(2024, 3, 5, 12, 0)),
])
def test_dates_and_times_as_exports_write_them(text, expected):
    values, bad = parse_datetimes(_s([text]))
    assert not bad[0] and values[0] == expected


def test_offsets_in_a_whole_column_never_crash_and_mix_with_plain_dates():
    values, bad = parse_datetimes(_s(["2024-03-05T08:00:00+07:00", "2024-03-05 09:00:00", "06/03/2024", "-", None]))
    assert values[:3].tolist() == [D(2024, 3, 5, 8), D(2024, 3, 5, 9), D(2024, 3, 6)]
    assert bad.tolist() == [False] * 5 and values[3:].isna().all()  # a dash is a blank, not an error


@pytest.mark.parametrize("text", ["03/25/2024", "31/02/2024", "hôm qua", "05/03/2024 25:00", "2024-13-01T08:00+07:00"])
def test_dates_with_no_clear_meaning_are_rejected(text):
    values, bad = parse_datetimes(_s([text]))
    assert bad[0] and pd.isna(values[0])


def test_no_deadline_texts():
    texts = ["Không quy định", "Không có thời hạn", "Không xác định", "Không có ngày hẹn trả", "Không thời hạn",
             "KHONG QUY DINH", "Thủ tục không có ngày hẹn trả", "15/03/2024", "Sai ngày", None]
    assert no_deadline_mask(_s(texts)).tolist() == [True] * 7 + [False] * 3


def test_yes_no_spellings_and_what_a_blank_means():
    values, bad = parse_bools(_s(["Có", "Không", "1", "0", "TRUE", "false", "Đã số hóa", "Chưa số hóa", "Đúng", "Sai",
                                  "✓", "☐", "Có KQĐT", "Đã", "Chưa", None, "bừa"]))
    assert values.tolist()[:15] == [True, False] * 5 + [True, False, True, True, False]
    assert bad.tolist() == [False] * 16 + [True]
    assert pd.isna(values[15])  # the column writes both yes and no: a blank is unknown
    marks, _ = parse_bools(_s(["x", None, "✔", "Đã số hóa", None]))
    assert marks.tolist() == [True, False, True, True, False]  # only ever marks yes: a blank is no
    states, bad = parse_bools(_s(["Được số hóa", "Chưa số hóa", "Tái sử dụng", "Tái sử dụng từ kết quả hồ sơ khác",
                                  "Không được số hóa"]))
    assert states.tolist() == [True, False, True, True, False] and not bad.any()
    blank, _ = parse_bools(_s([None, None]))
    assert blank.isna().all()  # a column blank throughout says nothing


def test_ratings_by_meaning_and_numbers_only_on_a_known_scale():
    words = ["Rất hài lòng", "RAT HAI LONG", "hài lòng", "Bình thường", "Không hài lòng", "4 - Rất hài lòng",
             "Hài lòng (3)", "Chưa đánh giá", "5 sao"]
    assert [parse_rating(w) for w in words] == [4, 4, 3, 2, 1, 4, 3, None, 4]
    assert parse_rating("3") is UNKNOWN_SCALE and parse_rating("3", 3) == 3 and parse_rating("3", 5) == 2
    assert parse_rating("5", 4) is not UNKNOWN_SCALE and parse_rating("4,0", 4) == 4
    ratings, bad, unknown = parse_ratings(_s(["4", "Hài lòng", "tuyệt", None]))
    assert ratings[1] == 3 and bad.tolist() == [False, False, True, False] and unknown.tolist() == [True, False, False, False]
    assert [rating_scale_of(h) for h in ["Mức độ hài lòng (1-4)", "Đánh giá (thang 5)", "Kết quả đánh giá (3 mức)",
                                         "Mức độ hài lòng"]] == [4, 5, 3, None]


def test_channels_by_meaning_unknown_is_other_and_listed():
    known = {"Trực tuyến": "online", "DVC trực tuyến toàn trình": "online", "Một phần": "online", "Mức độ 4": "online",
             "Online": "online", "Nộp trực tuyến, nhận kết quả qua BCCI": "online", "Trực tiếp": "direct",
             "Tại quầy": "direct", "DVC mức độ 2": "direct", "Qua bưu chính công ích": "postal", "BCCI": "postal",
             "Khác": "other"}
    assert {text: parse_channel(text) for text in known} == known
    channels, unknown = parse_channels(_s(["Kiosk", "Trực tiếp", "Kiosk", "3", None]))
    assert channels.tolist()[:4] == ["other", "direct", "other", "other"] and pd.isna(channels[4])
    assert unknown == {"Kiosk": 2, "3": 1}
    mapped, unknown = parse_channels(_s(["Kiosk", "3"]), ValueOptions.from_dict({"channel_map": {"KIOSK": "direct"}}).channel_map)
    assert mapped.tolist() == ["direct", "other"] and unknown == {"3": 1}


# -- through prepare / load ------------------------------------------------------------------

def _file(tmp_path, rows, headers=HEADERS, name="t.xlsx"):
    return write_table(tmp_path / name, headers, rows)


def test_a_no_deadline_text_is_no_due_date_and_finished_is_on_time(tmp_path, empty_db):
    rows = [dossier_row("A1", due="Không quy định", finished="20/03/2024 10:00"),
            dossier_row("A2", due="Không có ngày hẹn trả", finished=None),
            dossier_row("A3", due="15/03/2024", finished="20/03/2024")]
    wh = Warehouse(empty_db)
    result = load_file(wh, _file(tmp_path, rows))
    assert result.counts["rows_rejected"] == 0 and result.counts["rows_loaded"] == 3
    stored = dict(wh.query("SELECT code, due_date FROM dossiers"))
    assert stored == {"A1": None, "A2": None, "A3": dt.date(2024, 3, 15)}
    from kpi.measures import metrics, periods
    counts = metrics.dossier_counts(wh, periods.month(2024, 3)).iloc[0]
    # A1 finished without a deadline: on time (DOMAIN §4); A3 finished after its due date: overdue
    assert (counts["resolved"], counts["resolved_on_time"], counts["resolved_overdue"]) == (2, 1, 1)


def test_an_unknown_channel_is_received_as_other_and_listed(tmp_path, empty_db, capsys):
    rows = [dossier_row("C1", channel="Kiosk tự phục vụ"), dossier_row("C2", channel="Kiosk tự phục vụ"),
            dossier_row("C3", channel="Trực tuyến"), dossier_row("C4", channel="")]
    path = _file(tmp_path, rows)
    prepared = prepare(path)
    assert prepared.rows_rejected == 0 and prepared.unknown_channels == {"Kiosk tự phục vụ": 2}
    args = type("Args", (), {"db": str(empty_db), "files": [str(path)], "user": "an"})()
    assert cmd_load(args) == 0
    out = capsys.readouterr().out
    assert "«Kiosk tự phục vụ» 2 dòng" in out and "«Khác»" in out
    wh = Warehouse(empty_db)
    assert dict(wh.query("SELECT code, channel FROM dossiers")) == {"C1": "other", "C2": "other", "C3": "online",
                                                                    "C4": None}
    from kpi.measures import metrics, periods
    counts = metrics.dossier_counts(wh, periods.month(2024, 3)).iloc[0]
    assert (counts["received"], counts["received_online"]) == (4, 1)


def test_a_channel_map_of_the_source_profile_applies(tmp_path):
    rows = [dossier_row("C1", channel="Kiosk"), dossier_row("C2", channel="Trực tiếp")]
    prepared = prepare(_file(tmp_path, rows), values={"channel_map": {"Kiosk": "online"}})
    assert dict(zip(prepared.data["code"], prepared.data["channel"])) == {"C1": "online", "C2": "direct"}
    assert prepared.unknown_channels == {}


def test_a_file_without_flag_columns_stores_null_not_false(tmp_path, empty_db):
    headers = ["Mã hồ sơ", "Cơ quan tiếp nhận", "Ngày tiếp nhận", "Ngày hẹn trả", "Ngày có kết quả"]
    rows = [["N1", "Sở Tư pháp", "05/03/2024", "15/03/2024", "10/03/2024"],
            ["N2", "Sở Tư pháp", "06/03/2024", "16/03/2024", None]]
    wh = Warehouse(empty_db)
    result = load_file(wh, _file(tmp_path, rows, headers))
    assert result.counts["rows_loaded"] == 2
    assert wh.query("SELECT count(*) FROM dossiers WHERE digitized IS NULL AND e_result IS NULL AND channel IS NULL "
                    "AND rating IS NULL AND apology IS NULL")[0][0] == 2


def test_a_blank_flag_in_a_yes_no_column_is_unknown_in_a_mark_column_no(tmp_path):
    rows = [dossier_row("F1", digitized="Có", e_result="x"), dossier_row("F2", digitized="", e_result=""),
            dossier_row("F3", digitized="Không", e_result="x")]
    data = prepare(_file(tmp_path, rows)).data.set_index("code")
    assert data["digitized"].astype(object).tolist() == [True, pd.NA, False]  # writes yes and no: blank unknown
    assert data["e_result"].tolist() == [True, False, True]                   # only marks yes: blank is no


def test_bare_rating_numbers_are_rejected_until_the_scale_is_known(tmp_path):
    headers = HEADERS + ["Mức độ hài lòng"]
    rows = [dossier_row("R1") + ["4"], dossier_row("R2") + ["Hài lòng"]]
    path = _file(tmp_path, rows, headers)
    unknown = prepare(path)
    assert unknown.rows_rejected == 1 and unknown.unknown_scale_rows == 1
    assert "thang" in unknown.rejects["reason"].iloc[0]
    known = prepare(path, values={"rating_scale": 4})
    assert known.rows_rejected == 0 and dict(zip(known.data["code"], known.data["rating"])) == {"R1": 4, "R2": 3}
    stated = prepare(_file(tmp_path, rows, HEADERS + ["Mức độ hài lòng (thang 5)"], "s.xlsx"))
    assert dict(zip(stated.data["code"], stated.data["rating"])) == {"R1": 3, "R2": 3}


def test_spread_gives_the_same_series_as_an_object_array():
    """``spread`` builds a column from its distinct values (code −1: missing) without a Python object
    per row; the result is the Series the object array would give, dtype and missing values included."""
    import numpy as np

    from etl.values import spread

    codes = np.array([1, 0, -1, 1, 2, 0])
    index = pd.RangeIndex(10, 16)
    cases = {"str": ["Sở Tư pháp", "UBND xã An Bình", None], "boolean": [True, False, None], "Int8": [4, 1, None]}
    for dtype, parsed in cases.items():
        expected = pd.Series(np.array(parsed + [None], dtype=object)[codes], index=index, dtype=dtype)
        got = spread(parsed, codes, index, dtype)
        pd.testing.assert_series_equal(got, expected)
    assert spread(["a", "b"], np.array([1, -1]), pd.RangeIndex(2), "str").tolist()[0] == "b"

"""Finding the header, mapping it to canonical fields and telling the file's kind."""
from __future__ import annotations

import unicodedata

import pandas as pd

from etl.headers import FIELDS, choose_sheet, find_header, match_field
from etl.read import RawSheet
from kpi.text.normalize import fold


def _cells(rows: list[list]) -> pd.DataFrame:
    width = max(len(r) for r in rows)
    return pd.DataFrame([r + [None] * (width - len(r)) for r in rows], dtype="str")


DOSSIER_HEAD = ["STT", "Mã hồ sơ", "Cơ quan tiếp nhận", "Ngày tiếp nhận", "Ngày hẹn trả", "Ngày có kết quả", "Số hóa"]
ROW = ["1", "H1", "Sở Tư pháp", "2024-01-02 08:00:00", "2024-01-09 00:00:00", None, "Có"]


def test_header_on_row_15_below_a_title_block():
    rows = [["UBND TỈNH"], [], ["BÁO CÁO HỒ SƠ"]] + [[]] * 11 + [DOSSIER_HEAD, ROW]
    found = find_header(_cells(rows))
    assert found.kind == "dossiers"
    assert found.header_row == 15 and found.header_rows == 1
    assert found.data_start == 15
    assert found.mapping["code"] == 1 and found.mapping["finished_at"] == 5


def test_case_diacritics_nfd_and_line_breaks_do_not_matter():
    head = ["MÃ HỒ SƠ", "Co quan tiep nhan", unicodedata.normalize("NFD", "Ngày tiếp nhận"), "Ngày\nhẹn  trả",
            "ngay co ket qua"]
    found = find_header(_cells([head, ROW[1:6]]))
    assert set(found.mapping) == {"code", "unit_name", "received_at", "due_at", "finished_at"}
    assert found.missing == []


def test_group_header_over_sub_headers():
    top = ["Mã hồ sơ", "Đơn vị tiếp nhận", "Ngày", None, None, "Trạng thái"]
    sub = [None, None, "Tiếp nhận", "Hẹn trả", "Có kết quả", None]
    found = find_header(_cells([["Báo cáo"], top, sub, ROW[1:6] + ["x"]]))
    assert found.header_row == 2 and found.header_rows == 2 and found.data_start == 3
    assert [found.mapping[f] for f in ("received_at", "due_at", "finished_at")] == [2, 3, 4]
    assert found.label("due_at") == "Ngày / Hẹn trả"


def test_a_data_row_is_not_taken_for_a_second_header_line():
    found = find_header(_cells([DOSSIER_HEAD, ROW]))
    assert found.header_rows == 1


def test_qualifiers_abbreviations_and_sureness():
    assert match_field("Ngày tiếp nhận (dd/mm/yyyy)", "dossiers") == ("received_at", True)
    assert match_field("Số hồ sơ", "dossiers") == ("code", True)
    assert match_field("KQ ĐT", "dossiers") == ("e_result", True)
    assert match_field("dueDate", "dossiers") == ("due_at", True)  # OpenCPS field name
    assert match_field("Mã hồ sơ liên thông cũ", "dossiers") == ("code", False)  # extra words: 'có thể'
    assert match_field("Nộp TT", "dossiers") == ("channel", False)
    assert match_field("Tổng tiền", "dossiers") is None
    assert match_field("Ngày hẹn trả bổ sung", "dossiers") is None  # a supplement appointment, not the due date


def test_kind_detection():
    feedback = ["Mã PAKN", "Đơn vị xử lý", "Tiêu đề", "Ngày tiếp nhận", "Hạn xử lý", "Ngày xử lý", "Mức độ hài lòng"]
    survey = ["Mã phiếu", "Mã hồ sơ", "Đơn vị", "Ngày đánh giá", "Mức độ hài lòng"]
    assert find_header(_cells([DOSSIER_HEAD])).kind == "dossiers"
    assert find_header(_cells([feedback])).kind == "feedback"
    assert find_header(_cells([survey])).kind == "survey"
    survey_without_form_number = ["Mã hồ sơ", "Đơn vị", "Ngày đánh giá", "Mức độ hài lòng"]
    found = find_header(_cells([survey_without_form_number]))
    assert found.kind == "survey" and found.missing == []


def test_file_name_hints_break_a_tie():
    head = ["Mã", "Đơn vị", "Ngày tiếp nhận", "Ngày hoàn thành"]
    assert find_header(_cells([head]), "PAKN_thang1.xlsx").kind == "feedback"


def test_missing_required_column_is_reported():
    head = ["Mã hồ sơ", "Cơ quan tiếp nhận", "Ngày tiếp nhận", "Ngày có kết quả", "Tên thủ tục", "Hình thức nộp"]
    found = find_header(_cells([head]))
    assert found.kind == "dossiers" and found.missing == ["due_at"]


def test_manual_mapping_overrides():
    head = ["Số biên nhận", "Cột B", "Ngày tiếp nhận", "Cột D", "Ngày có kết quả"]
    auto = find_header(_cells([head]))
    assert "due_at" not in auto.mapping and "unit_name" not in auto.mapping
    found = find_header(_cells([head]), mapping={"due_at": "Cột D", "unit_name": "Cột B"})
    assert found.mapping["due_at"] == 3 and found.mapping["unit_name"] == 1 and found.missing == []
    assert {v.index: v.note for v in found.verdicts}[3] == "manual"


def test_nothing_like_a_header():
    assert find_header(_cells([["a", "b"], ["1", "2"]])) is None


def test_choose_the_data_sheet():
    cover = RawSheet("Bìa", _cells([["Hướng dẫn sử dụng"], ["Mã hồ sơ là mã in trên giấy biên nhận"]]))
    data = RawSheet("DL", _cells([DOSSIER_HEAD, ROW]))
    sheet, found = choose_sheet([cover, data], "x.xlsx")
    assert sheet.name == "DL" and found.kind == "dossiers"


def test_every_required_field_has_a_label_and_synonyms():
    for kind, fields in FIELDS.items():
        for name, spec in fields.items():
            assert spec.label and spec.synonyms, (kind, name)


def test_best_score_wins_not_the_first_column():
    found = find_header(_cells([["Mã hồ sơ liên thông cũ", "Mã hồ sơ", "Cơ quan tiếp nhận", "Ngày tiếp nhận",
                                 "Ngày hẹn trả", "Ngày có kết quả"]]))
    assert found.mapping["code"] == 1
    first = next(v for v in found.verdicts if v.index == 0)
    assert first.field is None and first.note == "near:code"  # reported, not silently dropped


def test_a_tie_is_mapped_left_but_reported_as_unsure():
    found = find_header(_cells([["Mã hồ sơ", "Cơ quan tiếp nhận", "Ngày tiếp nhận", "Ngày hẹn trả", "Hạn xử lý",
                                 "Ngày có kết quả"]]))
    due = next(v for v in found.verdicts if v.field == "due_at")
    assert (due.index, due.sure, due.note, due.confidence) == (3, False, "tie:Hạn xử lý", "maybe")
    assert next(v for v in found.verdicts if v.index == 4).confidence == "ignored"


def test_every_column_gets_a_verdict_and_absent_optional_fields_are_listed():
    found = find_header(_cells([DOSSIER_HEAD]))
    assert [v.confidence for v in found.verdicts] == ["ignored"] + ["sure"] * 6
    assert "e_result" in found.absent and "digitized" not in found.absent and "code" not in found.absent


def test_a_one_stop_export_worded_its_own_way_maps_every_field():
    head = ["STT", "Số hồ sơ", "Tên TTHC", "Lĩnh vực", "Chủ hồ sơ", "Địa chỉ", "Số điện thoại", "Ngày tiếp nhận",
            "Hạn giải quyết (theo quy định)", "Ngày trả KQ", "Trạng thái", "Hình thức nộp", "Đơn vị xử lý", "Đã số hóa",
            "KQĐT", "Đánh giá mức độ hài lòng của tổ chức, công dân", "Phiếu xin lỗi (nếu có)", "Ghi chú"]
    found = find_header(_cells([["DANH SÁCH HỒ SƠ TIẾP NHẬN VÀ TRẢ KẾT QUẢ"], head]))
    assert found.kind == "dossiers" and found.header_row == 2 and found.missing == []
    became = {head[v.index]: v.field for v in found.verdicts}
    assert became == {"STT": None, "Số hồ sơ": "code", "Tên TTHC": "procedure", "Lĩnh vực": "field",
                      "Chủ hồ sơ": "applicant", "Địa chỉ": None, "Số điện thoại": None, "Ngày tiếp nhận": "received_at",
                      "Hạn giải quyết (theo quy định)": "due_at", "Ngày trả KQ": "finished_at", "Trạng thái": "status",
                      "Hình thức nộp": "channel", "Đơn vị xử lý": "unit_name", "Đã số hóa": "digitized",
                      "KQĐT": "e_result", "Đánh giá mức độ hài lòng của tổ chức, công dân": "rating",
                      "Phiếu xin lỗi (nếu có)": "apology", "Ghi chú": None}
    assert found.absent == ["level"]


def test_opencps_style_field_names():
    head = ["dossierNo", "govAgencyName", "serviceName", "applicantName", "receiveDate", "dueDate", "finishDate",
            "dossierStatus"]
    found = find_header(_cells([head]))
    assert found.kind == "dossiers" and found.missing == []
    assert [found.mapping[f] for f in ("code", "unit_name", "procedure", "applicant", "received_at", "due_at",
                                       "finished_at", "status")] == list(range(8))


def test_pakn_and_survey_exports_in_other_words_are_told_apart():
    pakn = find_header(_cells([["STT", "Số PAKN", "Nội dung phản ánh", "Cơ quan xử lý", "Ngày gửi", "Hạn XL",
                                "Ngày trả lời", "Đánh giá"]]))
    assert pakn.kind == "feedback" and pakn.missing == []
    assert pakn.mapping == {"code": 1, "title": 2, "unit_name": 3, "received_at": 4, "due_at": 5, "handled_at": 6,
                            "rating": 7}
    survey = find_header(_cells([["Số phiếu khảo sát", "Mã HS", "Đơn vị", "Thời gian khảo sát", "Mức độ hài lòng"]]))
    assert survey.kind == "survey" and survey.missing == []
    assert survey.mapping == {"code": 0, "dossier_code": 1, "unit_name": 2, "rated_at": 3, "rating": 4}


def test_a_column_numbering_row_under_the_header_belongs_to_the_header():
    numbers = [f"({i})" for i in range(1, len(DOSSIER_HEAD) + 1)]
    found = find_header(_cells([["BÁO CÁO"], DOSSIER_HEAD, numbers, ROW]))
    assert (found.header_row, found.header_rows, found.data_start) == (2, 2, 3)
    plain = find_header(_cells([DOSSIER_HEAD, [str(i) for i in range(1, 8)], ROW]))
    assert plain.data_start == 2
    not_numbers = find_header(_cells([DOSSIER_HEAD, ["1", "H1", "Sở Tư pháp", "2024-01-02", "2024-01-09", None, "Có"]]))
    assert not_numbers.data_start == 1  # a record whose first cell is its row number is data


def test_specific_words_beat_loose_ones_and_a_count_of_days_is_not_a_date():
    found = find_header(_cells([["Ngày nộp", "Ngày tiếp nhận", "Mã HS", "Thời hạn giải quyết (ngày)", "Thời hạn",
                                 "Ngày hẹn trả", "Cơ quan", "Ngày có kết quả"]]))
    assert found.mapping["received_at"] == 1 and found.mapping["due_at"] == 5
    verdicts = {v.label: v for v in found.verdicts}
    assert verdicts["Ngày tiếp nhận"].confidence == "sure" and verdicts["Ngày hẹn trả"].confidence == "sure"
    assert verdicts["Ngày nộp"].note == "near:received_at" and verdicts["Thời hạn"].note == "near:due_at"
    assert verdicts["Thời hạn giải quyết (ngày)"].field is None and verdicts["Thời hạn giải quyết (ngày)"].score == 0

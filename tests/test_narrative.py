"""Slide narratives from hand-made numbers: exact Vietnamese sentences for every case."""
from __future__ import annotations

import random

from kpi.reports import narrative as N
from kpi.text import vi


def rate(value, previous=None, threshold=0.97, key="on_time_rate", num=None, den=None):
    return {"key": key, "value": value, "previous": previous, "threshold": threshold, "direction": ">=",
            "num": num, "den": den}


def test_not_met_and_decline_the_brief_example():
    assert N.rate_sentence(rate(0.9684, 0.9731), "tháng 10/2024") == (
        "Tỷ lệ giải quyết đúng hạn tháng 10/2024 đạt 96,8%, thấp hơn chỉ tiêu 97% là 0,2 điểm; "
        "giảm 0,5 điểm so với tháng trước.")


def test_met_and_improvement():
    assert N.rate_sentence(rate(0.9812, 0.975), "tháng 10/2024") == (
        "Tỷ lệ giải quyết đúng hạn tháng 10/2024 đạt 98,1%, vượt chỉ tiêu 97% là 1,1 điểm; "
        "tăng 0,6 điểm so với tháng trước.")


def test_met_exactly_and_unchanged_after_rounding():
    # 97,04% and 96,96% both show as 97,0%: the text must not invent a change.
    assert N.rate_sentence(rate(0.9704, 0.9696), "quý IV/2024", "quarter") == (
        "Tỷ lệ giải quyết đúng hạn quý IV/2024 đạt 97,0%, đạt chỉ tiêu 97%; không đổi so với quý trước.")


def test_not_met_by_less_than_what_is_shown():
    # Just under the target: printed with the decimals that keep it under (never "97,0% ✗", issue 17).
    assert N.rate_sentence(rate(0.96996, None), "tháng 10/2024") == (
        "Tỷ lệ giải quyết đúng hạn tháng 10/2024 đạt 96,996%, chưa đạt chỉ tiêu 97% (còn thiếu dưới 0,1 điểm); "
        "tháng trước chưa có dữ liệu để so sánh.")
    assert N.rate_sentence(rate(0.9696, None), "tháng 10/2024").startswith(
        "Tỷ lệ giải quyết đúng hạn tháng 10/2024 đạt 96,96%, chưa đạt chỉ tiêu 97%")


def test_no_data_is_never_zero():
    assert N.rate_sentence(rate(None, 0.95), "tháng 10/2024") == "Tỷ lệ giải quyết đúng hạn tháng 10/2024: chưa có dữ liệu."
    data = {"scope_label": "Toàn tỉnh", "period_label": "Tháng 10/2024", "period_kind": "month",
            "received": 0, "resolved": 0, "in_progress": 0, "headline": rate(None), "rates": [rate(None)]}
    assert N.summary_narrative(data) == "Trong tháng 10/2024, toàn tỉnh chưa có dữ liệu về hồ sơ."
    assert "0%" not in N.summary_narrative(data)


def test_no_target():
    assert N.rate_sentence(rate(0.5, 0.4, threshold=None, key="online_rate"), "năm 2024", "year") == (
        "Tỷ lệ nộp hồ sơ trực tuyến năm 2024 đạt 50,0%; tăng 10,0 điểm so với năm trước.")


def test_summary_for_a_level_with_units_below_target():
    data = {
        "scope_label": "Cấp huyện", "period_label": "Tháng 10/2024", "period_kind": "month",
        "received": 12345, "resolved": 11001, "in_progress": 900,
        "headline": rate(0.9684, 0.9731),
        "rates": [rate(0.9684, 0.9731),
                  rate(0.41, None, 0.40, "digitization_rate"),
                  rate(0.25, None, 0.30, "e_result_rate"),
                  rate(None, None, 0.94, "satisfaction_rate"),
                  rate(0.6, None, None, "online_rate")],
        "below_units": ["UBND huyện Nhơn Trạch", "UBND huyện Long Thành", "UBND thành phố Biên Hòa"],
    }
    assert N.summary_narrative(data) == (
        "Trong tháng 10/2024, cấp huyện tiếp nhận 12.345 hồ sơ, đã giải quyết 11.001 hồ sơ. "
        "Tỷ lệ giải quyết đúng hạn tháng 10/2024 đạt 96,8%, thấp hơn chỉ tiêu 97% là 0,2 điểm; "
        "giảm 0,5 điểm so với tháng trước. "
        "Các chỉ tiêu khác đạt 1/2; chưa đạt: kết quả điện tử. "
        "3 đơn vị dưới chỉ tiêu giải quyết đúng hạn: UBND huyện Nhơn Trạch, UBND huyện Long Thành và "
        "UBND thành phố Biên Hòa.")


def test_summary_all_met_no_units_below():
    data = {"scope_label": "Toàn tỉnh", "period_label": "Tháng 09/2024", "period_kind": "month",
            "received": 10, "resolved": 8, "in_progress": 2, "headline": rate(1.0, 1.0),
            "rates": [rate(1.0, 1.0), rate(0.8, None, 0.7, "digitization_rate")], "below_units": []}
    assert N.summary_narrative(data) == (
        "Trong tháng 09/2024, toàn tỉnh tiếp nhận 10 hồ sơ, đã giải quyết 8 hồ sơ. "
        "Tỷ lệ giải quyết đúng hạn tháng 09/2024 đạt 100,0%, vượt chỉ tiêu 97% là 3,0 điểm; "
        "không đổi so với tháng trước. Các chỉ tiêu khác có dữ liệu đều đạt (1/1). "
        "Không có đơn vị nào dưới chỉ tiêu giải quyết đúng hạn.")


def test_below_target_slide():
    units = [{"name": "Sở Tài nguyên và Môi trường", "value": 0.85, "num": 17, "den": 20},
             {"name": "UBND xã Long Đức", "value": 0.9, "num": 9, "den": 10}]
    data = {"period_label": "Tháng 10/2024", "period_kind": "month", "key": "on_time_rate", "threshold": 0.97,
            "direction": ">=", "units_with_data": 12, "units": units}
    assert N.below_target_narrative(data) == (
        "Trong tháng 10/2024, 2/12 đơn vị có tỷ lệ giải quyết đúng hạn dưới chỉ tiêu 97%. "
        "Thiếu nhiều nhất là Sở Tài nguyên và Môi trường: cần thêm 3 hồ sơ đúng hạn (85,0%, 17/20 hồ sơ đúng hạn). "
        "Các đơn vị này còn thiếu tổng cộng 4 hồ sơ đúng hạn để đạt chỉ tiêu.")  # 3 + 1
    assert N.below_target_narrative(dict(data, units=[])) == (
        "Trong tháng 10/2024, cả 12 đơn vị có hồ sơ đã giải quyết đều đạt chỉ tiêu tỷ lệ giải quyết đúng hạn 97%.")
    assert N.below_target_narrative(dict(data, units=[], units_with_data=0)) == (
        "Trong tháng 10/2024, chưa có dữ liệu về hồ sơ đã giải quyết của các đơn vị.")


def test_pakn_slide():
    data = {"period_label": "Tháng 10/2024", "period_kind": "month", "pakn_received": 1200, "pakn_handled": 1100,
            "pakn_backlog": 50, "pakn_backlog_overdue": 3,
            "on_time": rate(0.95, 0.96, 0.97, "pakn_on_time_rate"),
            "satisfaction": rate(0.94, 0.94, 0.93, "pakn_satisfaction_rate")}
    assert N.pakn_narrative(data) == (
        "Trong tháng 10/2024, tiếp nhận 1.200 PAKN, đã xử lý 1.100 PAKN; còn 50 PAKN đang xử lý, trong đó 3 PAKN quá hạn. "
        "Tỷ lệ PAKN xử lý đúng hạn tháng 10/2024 đạt 95,0%, thấp hơn chỉ tiêu 97% là 2,0 điểm; "
        "giảm 1,0 điểm so với tháng trước. "
        "Tỷ lệ hài lòng về xử lý PAKN tháng 10/2024 đạt 94,0%, vượt chỉ tiêu 93% là 1,0 điểm; "
        "không đổi so với tháng trước.")
    empty = dict(data, pakn_received=0, pakn_handled=0, pakn_backlog=0)
    assert N.pakn_narrative(empty) == "Trong tháng 10/2024, chưa có dữ liệu về phản ánh, kiến nghị."


def test_hotspots_slide():
    data = {"period_label": "Tháng 10/2024", "period_kind": "month", "has_data": True,
            "resolved_overdue": 9, "in_progress_overdue": 63,
            "units": [{"name": "Sở Xây dựng", "total": 20}, {"name": "UBND xã Long Đức", "total": 12},
                      {"name": "Sở Tư pháp", "total": 5}, {"name": "UBND xã Phú Hữu", "total": 1}],
            "fields": [{"name": "Đất đai", "total": 30}], "procedures": [{"name": "Đăng ký khai sinh", "total": 8}]}
    assert N.hotspots_narrative(data) == (
        "Trong tháng 10/2024 có 72 hồ sơ quá hạn: 9 hồ sơ đã giải quyết quá hạn và 63 hồ sơ đang giải quyết quá hạn. "
        "Nhiều nhất ở Sở Xây dựng (20), UBND xã Long Đức (12), Sở Tư pháp (5). "
        "Tập trung nhất: lĩnh vực Đất đai (30 hồ sơ); thủ tục Đăng ký khai sinh (8 hồ sơ).")
    assert N.hotspots_narrative(dict(data, resolved_overdue=0, in_progress_overdue=0)) == (
        "Trong tháng 10/2024, không có hồ sơ quá hạn.")
    assert N.hotspots_narrative(dict(data, has_data=False)) == "Trong tháng 10/2024, chưa có dữ liệu về hồ sơ."


def test_other_targets_none_met():
    rates = [rate(0.5, None, 0.7, "digitization_rate"), rate(0.1, None, 0.3, "e_result_rate"), rate(None, None, 0.94, "satisfaction_rate")]
    assert N.targets_sentence(rates) == "Các chỉ tiêu khác có dữ liệu đều chưa đạt: số hóa hồ sơ, kết quả điện tử."
    assert N.targets_sentence([rate(None)]) == ""


def test_names_are_cut_after_five():
    names = [f"Xã {i}" for i in range(1, 9)]
    assert N.names_text(names) == "Xã 1, Xã 2, Xã 3, Xã 4, Xã 5 và 3 đơn vị khác"
    assert N.names_text(["A"]) == "A" and N.names_text(["A", "B"]) == "A và B"


def test_displayed_percent_matches_the_formatter():
    rng = random.Random(7)
    for _ in range(2000):
        value = rng.random()
        shown = N.shown_percent(value)
        assert vi.pct(value) == vi.num(float(shown), 1) + "%"


def test_sentence_count_two_to_four():
    data = {"scope_label": "Toàn tỉnh", "period_label": "Tháng 10/2024", "period_kind": "month",
            "received": 5, "resolved": 5, "in_progress": 0, "headline": rate(0.9, 0.9),
            "rates": [rate(0.9, 0.9), rate(0.5, None, 0.7, "digitization_rate")], "below_units": ["A", "B"]}
    text = N.summary_narrative(data)
    assert 2 <= text.count(". ") + 1 <= 4


def test_district_level_after_the_reform_is_labelled_as_backlog():
    from kpi.measures import periods
    from kpi.text import vi

    assert vi.level_label_in("district", periods.month(2025, 6)) == "Cấp huyện"
    assert "đã giải thể từ 01/07/2025" in vi.level_label_in("district", periods.month(2025, 10))
    assert vi.level_label_in("commune", periods.month(2025, 10)) == "Cấp xã"

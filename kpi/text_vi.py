"""Every Vietnamese label and every number/date formatter the product shows.

Code speaks English; people read Vietnamese. Pages, exports, the CLI and the
narrative take their words and number formats from here so "97,5%" and
"12.345" look the same everywhere.
"""
from __future__ import annotations

import datetime as dt
import math

from babel.numbers import format_decimal, format_percent

LOCALE = "vi_VN"
NO_DATA = "Chưa có dữ liệu"

LEVEL_LABELS = {"province": "Cấp tỉnh", "district": "Cấp huyện", "commune": "Cấp xã"}
LEVEL_SHORT = {"province": "Tỉnh", "district": "Huyện", "commune": "Xã"}
CHANNEL_LABELS = {"online": "Trực tuyến", "direct": "Trực tiếp", "postal": "Bưu chính"}
RATING_LABELS = {4: "Rất hài lòng", 3: "Hài lòng", 2: "Bình thường", 1: "Không hài lòng"}
STATUS_LABELS = {"met": "Đạt", "not_met": "Chưa đạt", "no_data": NO_DATA}

KPI_LABELS = {
    "on_time_rate": "Giải quyết đúng hạn (TT 01)",
    "progress_rate_766": "Tiến độ giải quyết (QĐ 766)",
    "digitization_rate": "Số hóa hồ sơ",
    "e_result_rate": "Kết quả điện tử",
    "online_rate": "Nộp trực tuyến",
    "satisfaction_rate": "Mức độ hài lòng",
    "pakn_on_time_rate": "PAKN xử lý đúng hạn",
    "pakn_satisfaction_rate": "Hài lòng về xử lý PAKN",
}
# What a KPI's numerator and denominator count, for "12.345 / 12.701 hồ sơ" and gap sentences.
KPI_UNITS = {
    "on_time_rate": ("hồ sơ đúng hạn", "hồ sơ đã giải quyết"),
    "progress_rate_766": ("hồ sơ trong hạn", "hồ sơ phải giải quyết"),
    "digitization_rate": ("hồ sơ số hóa", "hồ sơ tiếp nhận"),
    "e_result_rate": ("kết quả điện tử", "hồ sơ đã giải quyết"),
    "online_rate": ("hồ sơ trực tuyến", "hồ sơ tiếp nhận"),
    "satisfaction_rate": ("đánh giá hài lòng", "lượt đánh giá"),
    "pakn_on_time_rate": ("PAKN đúng hạn", "PAKN đã xử lý"),
    "pakn_satisfaction_rate": ("PAKN hài lòng", "PAKN được đánh giá"),
}
COUNT_LABELS = {
    "received": "Tiếp nhận",
    "resolved": "Đã giải quyết",
    "resolved_early": "Trước hạn",
    "resolved_on_time": "Đúng hạn",
    "resolved_overdue": "Quá hạn",
    "in_progress": "Đang giải quyết",
    "in_progress_within": "Đang giải quyết trong hạn",
    "in_progress_overdue": "Đang giải quyết quá hạn",
    "carried_over": "Kỳ trước chuyển sang",
    "resolved_no_due": "Không có ngày hẹn trả (đã giải quyết)",
    "in_progress_no_due": "Không có ngày hẹn trả (đang giải quyết)",
    "overdue_no_apology": "Quá hạn chưa có phiếu xin lỗi",
    "pakn_received": "PAKN tiếp nhận",
    "pakn_handled": "PAKN đã xử lý",
    "pakn_backlog": "PAKN tồn",
}


def _missing(value) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value))


def pct(value: float | None, digits: int = 1) -> str:
    """0.975 → '97,5%'; None → 'Chưa có dữ liệu' (missing data is never 0%)."""
    if _missing(value):
        return NO_DATA
    pattern = "#,##0" + ("." + "0" * digits if digits else "") + "%"
    return format_percent(value, format=pattern, locale=LOCALE)


def points(delta: float | None, digits: int = 1) -> str:
    """A difference of two rates in percentage points: 0.005 → '0,5 điểm'."""
    if _missing(delta):
        return NO_DATA
    return f"{format_decimal(abs(delta) * 100, format='#,##0.' + '0' * digits, locale=LOCALE)} điểm"


def num(value: int | float | None, digits: int = 0) -> str:
    """12345 → '12.345'."""
    if _missing(value):
        return NO_DATA
    pattern = "#,##0" + ("." + "0" * digits if digits else "")
    return format_decimal(value, format=pattern, locale=LOCALE)


def date(value: dt.date | dt.datetime | None) -> str:
    """dd/mm/yyyy, never month-first."""
    if value is None or (hasattr(value, "year") is False):
        return ""
    return f"{value:%d/%m/%Y}"


def datetime(value: dt.datetime | None) -> str:
    if value is None:
        return ""
    return f"{value:%d/%m/%Y %H:%M}"


def level_label(level: str | None) -> str:
    return LEVEL_LABELS.get(level or "", "Toàn tỉnh")

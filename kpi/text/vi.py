"""Every Vietnamese label and every number/date formatter the product shows.

Code speaks English; people read Vietnamese. Pages, exports, the CLI and the
narrative take their words and number formats from here so "97,5%" and
"12.345" look the same everywhere.
"""
from __future__ import annotations

import datetime as dt
import math
from collections.abc import Mapping
from dataclasses import dataclass

from babel.numbers import format_decimal, format_percent

LOCALE = "vi_VN"
NO_DATA = "Chưa có dữ liệu"

LEVEL_LABELS = {"province": "Cấp tỉnh", "district": "Cấp huyện", "commune": "Cấp xã"}
LEVEL_SHORT = {"province": "Tỉnh", "district": "Huyện", "commune": "Xã"}
CHANNEL_LABELS = {"online": "Trực tuyến", "direct": "Trực tiếp", "postal": "Bưu chính", "other": "Khác"}
RATING_LABELS = {4: "Rất hài lòng", 3: "Hài lòng", 2: "Bình thường", 1: "Không hài lòng"}


@dataclass(frozen=True)
class KpiWords:
    """Everything a KPI (or 766 sub-indicator) is called, kept with its key in ``KPI_WORDS``."""

    label: str                 # long label: tiles, matrix, tables
    short: str                 # short label: narrow table headers
    report_name: str           # in running text: "Tỷ lệ … đạt 96,8%"
    counts: tuple[str, str] = ("", "")  # what its numerator and denominator count ("12.345 / 12.701 hồ sơ …")
    help: str = ""             # how it is computed, under the tile's (?)


class _WordsColumn(Mapping):
    """One kind of word of every KPI (``KPI_LABELS`` = the labels), read from ``KPI_WORDS`` at each use."""

    def __init__(self, attribute: str):
        self._attribute = attribute

    def __getitem__(self, key: str) -> str:
        return getattr(KPI_WORDS[key], self._attribute)

    def __iter__(self):
        return iter(KPI_WORDS)

    def __len__(self) -> int:
        return len(KPI_WORDS)


KPI_WORDS: dict[str, KpiWords] = {
    "on_time_rate": KpiWords(
        "Giải quyết đúng hạn (TT 01)", "Đúng hạn (TT 01)", "Tỷ lệ giải quyết đúng hạn",
        ("hồ sơ đúng hạn", "hồ sơ đã giải quyết"),
        "TT 01/2020/TT-VPCP: (trước hạn + đúng hạn) / hồ sơ đã giải quyết trong kỳ."),
    "progress_rate_766": KpiWords(
        "Tiến độ giải quyết (QĐ 766)", "Tiến độ (QĐ 766)", "Tỷ lệ tiến độ giải quyết (QĐ 766)",
        ("hồ sơ trong hạn", "hồ sơ phải giải quyết"),
        "QĐ 766/QĐ-TTg: (trước hạn + đúng hạn + đang giải quyết trong hạn) / hồ sơ phải giải quyết trong kỳ."),
    "digitization_rate": KpiWords(
        "Số hóa hồ sơ", "Số hóa", "Tỷ lệ số hóa hồ sơ",
        ("hồ sơ số hóa", "hồ sơ tiếp nhận"),
        "Hồ sơ được số hóa khi tiếp nhận / hồ sơ tiếp nhận trong kỳ."),
    "e_result_rate": KpiWords(
        "Kết quả điện tử", "KQ điện tử", "Tỷ lệ cấp kết quả điện tử",
        ("kết quả điện tử", "hồ sơ đã giải quyết"),
        "Hồ sơ trả kết quả điện tử / hồ sơ đã giải quyết trong kỳ."),
    "online_rate": KpiWords(
        "Nộp trực tuyến", "Trực tuyến", "Tỷ lệ nộp hồ sơ trực tuyến",
        ("hồ sơ trực tuyến", "hồ sơ tiếp nhận"),
        "Hồ sơ nộp trực tuyến / hồ sơ tiếp nhận trong kỳ."),
    "satisfaction_rate": KpiWords(
        "Mức độ hài lòng", "Hài lòng", "Tỷ lệ hài lòng",
        ("đánh giá hài lòng", "lượt đánh giá"),
        "(Rất hài lòng + Hài lòng) / lượt đánh giá trong kỳ."),
    "pakn_on_time_rate": KpiWords(
        "PAKN xử lý đúng hạn", "PAKN đúng hạn", "Tỷ lệ PAKN xử lý đúng hạn",
        ("PAKN đúng hạn", "PAKN đã xử lý"),
        "PAKN xử lý đúng hạn / PAKN đã xử lý trong kỳ."),
    "pakn_satisfaction_rate": KpiWords(
        "Hài lòng về xử lý PAKN", "PAKN hài lòng", "Tỷ lệ hài lòng về xử lý PAKN",
        ("PAKN hài lòng", "PAKN được đánh giá"),
        "PAKN được đánh giá hài lòng / PAKN được đánh giá trong kỳ."),
}
KPI_LABELS = _WordsColumn("label")
KPI_SHORT = _WordsColumn("short")
KPI_REPORT_NAMES = _WordsColumn("report_name")
# What a KPI's numerator and denominator count, for "12.345 / 12.701 hồ sơ" and gap sentences.
KPI_UNITS = _WordsColumn("counts")
KPI_HELP = _WordsColumn("help")
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


def datetime(value: dt.datetime | str | None) -> str:
    """dd/mm/yyyy hh:mm; '' for a missing value (None, '', NaN, NaT). ISO text is read first."""
    if value is None or value == "" or value != value:  # NaN and NaT differ from themselves
        return ""
    if isinstance(value, str):
        value = dt.datetime.fromisoformat(value)
    return f"{value:%d/%m/%Y %H:%M}"


def time_and_date(value: dt.datetime) -> str:
    """'14:05 31/10/2024': the hour first, for a moment of today or soon (a lock, an expiry, a load)."""
    return f"{value:%H:%M %d/%m/%Y}"


def level_label(level: str | None) -> str:
    return LEVEL_LABELS.get(level or "", "Toàn tỉnh")


def level_label_in(level: str, period) -> str:
    """A level's label for a period: after the 2025 reform the district level only holds
    the backlog of abolished districts, and says so instead of looking like a live level."""
    from kpi.measures.levels import DISTRICT, TWO_LEVEL_FROM

    if level == DISTRICT and period.start >= TWO_LEVEL_FROM:
        return f"{LEVEL_LABELS[level]} (đã giải thể từ {TWO_LEVEL_FROM:%d/%m/%Y}, hồ sơ còn tồn)"
    return LEVEL_LABELS.get(level, level)


# -- dashboard (pages, filters, charts) ---------------------------------------
APP_TITLE = "Bảng điều khiển kiểm soát TTHC"
ALL_PROVINCE = "Toàn tỉnh"
ALL_UNITS = "Tất cả đơn vị"
ALL_FIELDS = "Tất cả lĩnh vực"

NAV_GROUPS = {
    "overview": "Tổng quan",
    "kpi": "Chỉ số",
    "unit": "Đơn vị",
    "plan": "Kế hoạch",
    "data": "Dữ liệu",
    "admin": "Quản trị",
    "meeting": "Giao ban",
}
PAGE_TITLES = {
    "overview": "Tổng quan",
    "national": "Toàn quốc",
    "on_time": "Giải quyết đúng hạn",
    "digitization": "Số hóa & kết quả điện tử",
    "online": "Nộp hồ sơ trực tuyến",
    "satisfaction": "Mức độ hài lòng",
    "pakn": "Phản ánh, kiến nghị (PAKN)",
    "index766": "Chỉ số 766",
    "unit": "Đơn vị",
    "drilldown": "Tra cứu hồ sơ",
    "upload": "Nạp dữ liệu",
    "history": "Lịch sử nạp",
    "targets": "Chỉ tiêu kế hoạch",
    "plan_import": "Nhập kế hoạch",
    "units": "Danh mục đơn vị",
    "quality": "Chất lượng dữ liệu",
    "admin_users": "Người dùng",
    "admin_audit": "Nhật ký",
    "meeting": "Giao ban",
    "plan_tasks": "Nhiệm vụ kế hoạch",
    "manual_kpis": "Chỉ tiêu nhập tay",
}

FILTERS_HEADER = "Bộ lọc"
PERIOD_KIND_LABEL = "Kỳ báo cáo"
PERIOD_KINDS = {"month": "Tháng", "quarter": "Quý", "half": "6 tháng", "year": "Năm", "cutoff": "Kỳ báo cáo TT 01",
                "custom": "Tùy chọn"}
PERIOD_PICK_LABEL = {"month": "Tháng", "quarter": "Quý", "half": "6 tháng", "year": "Năm",
                     "cutoff": "Kỳ báo cáo (quý, 6 tháng, năm; chốt số liệu theo TT 01/2020/TT-VPCP)",
                     "custom": "Từ ngày – đến ngày"}
LEVEL_FILTER_LABEL = "Cấp"
UNIT_FILTER_LABEL = "Đơn vị"
FIELD_FILTER_LABEL = "Lĩnh vực"
CUSTOM_INCOMPLETE = "Chọn đủ ngày bắt đầu và ngày kết thúc."

EMPTY_TITLE = "Chưa có dữ liệu"
EMPTY_BODY = (
    "Kho dữ liệu chưa có hồ sơ nào, nên chưa có chỉ số để hiển thị.\n\n"
    "**Việc cần làm tiếp theo**\n"
    "- Cán bộ Phòng Kiểm soát TTHC (vai trò *chuyên viên* hoặc *quản trị*) xuất tệp Excel từ phần mềm "
    "Một cửa điện tử, cổng PAKN và khảo sát hài lòng, rồi tải lên ở trang **Nạp dữ liệu**.\n"
    "- Để dùng thử, quản trị viên có thể tạo dữ liệu mẫu bằng lệnh `python -m etl sample`."
)
EMPTY_PERIOD = "Kỳ {period} không có hồ sơ nào trong phạm vi đã chọn. Hãy chọn kỳ hoặc đơn vị khác."
NO_TARGET = "Chưa có chỉ tiêu"
TWO_LEVEL_SWITCH = "Chính quyền 2 cấp từ 01/07/2025"
ABOLISHED_SHORT = "đã giải thể"
OKABE_ITO = ("#0072B2", "#E69F00", "#009E73", "#D55E00", "#CC79A7", "#56B4E9", "#F0E442", "#000000")
LEVEL_COLORS = {"province": "#0072B2", "district": "#E69F00", "commune": "#009E73", None: "#000000"}
# Status colours (met, not met …) are in kpi.measures.status, the one place every surface reads.
TARGET_COLOR = "#222222"
OUTCOME_COLORS = {"resolved_early": "#009E73", "resolved_on_time": "#56B4E9", "resolved_overdue": "#D55E00"}
RATING_COLORS = {4: "#009E73", 3: "#56B4E9", 2: "#E69F00", 1: "#D55E00"}

DRILL_SET_LABELS = {
    "resolved_overdue": "Đã giải quyết quá hạn",
    "in_progress_overdue": "Đang giải quyết quá hạn",
    "resolved_in_time": "Đã giải quyết đúng hạn",
    "resolved": "Đã giải quyết",
    "received": "Tiếp nhận",
    "in_progress": "Đang giải quyết",
    "no_due": "Không có ngày hẹn trả",
    "not_digitized": "Tiếp nhận chưa số hóa",
    "no_e_result": "Giải quyết chưa có kết quả điện tử",
}
DOSSIER_COLUMNS = {
    "code": "Mã hồ sơ",
    "unit": "Đơn vị",
    "field": "Lĩnh vực",
    "procedure": "Thủ tục",
    "received_at": "Ngày tiếp nhận",
    "due_at": "Ngày hẹn trả",
    "finished_at": "Ngày có kết quả",
    "days_late": "Số ngày trễ",
    "channel": "Kênh nộp",
}


def month_short(value: dt.date) -> str:
    """A month as on chart axes: 'T10/2024'."""
    return f"T{value.month:02d}/{value.year}"


def target_phrase(threshold: float, direction: str = ">=") -> str:
    """'≥ 97%'."""
    return f"{'≥' if direction == '>=' else '≤'} {pct(threshold, 0 if round(threshold * 100, 6).is_integer() else 1)}"


def plan_source(source: str | None) -> str:
    """The short plan reference of a target's source: 'KH 170/KH-VP ngày 18/01/2024 (…)' → 'KH 170/KH-VP'."""
    if not source:
        return "kế hoạch"
    words = source.split()
    return " ".join(words[:2]) if len(words) >= 2 else source


def target_line_label(threshold: float, source: str | None) -> str:
    """'Chỉ tiêu 97% – KH 170/KH-VP'."""
    return f"Chỉ tiêu {pct(threshold, 0 if round(threshold * 100, 6).is_integer() else 1)} – {plan_source(source)}"


def counts_phrase(kpi: str, numerator: int, denominator: int) -> str:
    """'12.345 / 12.701 hồ sơ đã giải quyết'."""
    return f"{num(numerator)} / {num(denominator)} {KPI_UNITS[kpi][1]}"


def gap_phrase(kpi: str, gap: int | None, threshold: float) -> str:
    """'Cần thêm 38 hồ sơ đúng hạn để đạt 97%'."""
    if gap is None:
        return ""
    return f"Cần thêm {num(gap)} {KPI_UNITS[kpi][0]} để đạt {pct(threshold, 0 if round(threshold * 100, 6).is_integer() else 1)}"


def change_phrase(delta: float | None, previous_label: str) -> str | None:
    """'+0,5 điểm % so với Tháng 09/2025'; None when either period has no data."""
    if _missing(delta):
        return None
    sign = "±" if _all_zero(points(delta)) else ("+" if delta > 0 else "−")
    return f"{sign}{points(delta)} % so với {previous_label.lower() if previous_label.startswith('Tháng') else previous_label}"


def freshness_line(data_until, loaded_at) -> str:
    """'Dữ liệu đến ngày 31/10/2025, nạp lúc 08:15 01/11/2025'."""
    text = f"Dữ liệu đến ngày {date(data_until)}" if data_until else "Chưa có dữ liệu"
    if loaded_at:
        text += f", nạp lúc {time_and_date(loaded_at)}"
    return text
ALL_IN_SCOPE = "Toàn bộ phạm vi được giao"
PERIOD_CAPTION = "Kỳ: {period} · {level} · {unit} · {field}"
HALF_LABELS = {1: "6 tháng đầu năm", 2: "6 tháng cuối năm"}
TARGET_BY_LEVEL = "Chỉ tiêu theo từng cấp (xem bảng theo cấp)"
TARGET_TEXT = "Chỉ tiêu {target}"
ON_TIME_PAIR = "Hai cách tính tỷ lệ đúng hạn: **TT 01/2020** (đúng hạn / đã giải quyết) và **QĐ 766** (đúng hạn + đang giải quyết trong hạn / phải giải quyết)."
MATRIX_TITLE = "Chỉ số theo cấp, so với chỉ tiêu của từng cấp"
MATRIX_LEVEL = "Cấp"
WORST_NONE = "Không có đơn vị nào dưới chỉ tiêu giải quyết đúng hạn trong kỳ này."
SEE_OVERDUE = "Xem {n} hồ sơ quá hạn"
SEE_DOSSIERS = "Xem hồ sơ"
RANKING_TITLE = "Xếp hạng đơn vị: {kpi}"
RANKING_SHOW_ALL = "Hiện tất cả {n} đơn vị"
RANKING_WORST_N = "Đang hiện {n} đơn vị thấp nhất."
RANKING_BELOW = "{n} / {total} đơn vị chưa đạt chỉ tiêu."
FIELD_TITLE = "Theo lĩnh vực: {kpi}"
DRILL_PICK_UNIT = "Xem hồ sơ của đơn vị"
DRILL_PICK_FIELD = "Xem hồ sơ của lĩnh vực"
TREND_TITLE = "{kpi} theo tháng"
NO_TARGET_NOTE = "Kế hoạch năm chưa đặt chỉ tiêu cho chỉ số này."
BREAKDOWN_COLUMNS = {"name": "Tên", "value": "Tỷ lệ", "num": "Tử số", "den": "Mẫu số", "target": "Chỉ tiêu", "status": "Đánh giá", "gap": "Cần thêm (hồ sơ)"}


def signed_points(delta: float | None) -> str | None:
    """'+0,5 điểm %' / '-1,2 điểm %' (ASCII sign: st.metric reads it for the arrow); None without data."""
    if _missing(delta):
        return None
    # The sign follows the rounded figure: -0,04 point is "0,0 điểm %", never "-0,0".
    text = points(delta)
    sign = "" if _all_zero(text) else ("+" if delta > 0 else "-")
    return f"{sign}{text} %"


def _all_zero(text: str) -> bool:
    """Whether a formatted number shows only zeros ('0,0 điểm')."""
    return not any(ch in "123456789" for ch in text)
PLAN_YEAR_APPLIED = "Chỉ tiêu năm {applied} áp dụng cho {year}"
PLAN_YEAR_PARTLY = " ({own} chỉ tiêu đã đặt riêng cho năm {year})"


def plan_year_note(plan) -> str | None:
    """'Chỉ tiêu năm 2024 áp dụng cho 2025' while a year's targets are inherited (kpi.measures.targets.PlanYear); None once confirmed."""
    if plan.confirmed or plan.applied is None:
        return None
    note = PLAN_YEAR_APPLIED.format(applied=plan.applied, year=plan.year)
    return note + (PLAN_YEAR_PARTLY.format(own=plan.own, year=plan.year) if plan.own else "")


OVERVIEW_SCORE = "Kế hoạch năm {year}: **{met}/{total}** chỉ tiêu đạt trong kỳ {period}"
OVERVIEW_SCORE_MISSED = "Chưa đạt: {names}."
LEVELS_MET = "Đạt ở {met}/{total} cấp"
NO_DUE_HELP = "Thủ tục không có ngày hẹn trả: đã giải quyết được tính là đúng hạn, đang giải quyết không bao giờ quá hạn."
NO_DUE_LABEL = "Hồ sơ không có ngày hẹn trả"
RESOLVED_BY_MONTH = "Hồ sơ đã giải quyết theo tháng: trước hạn, đúng hạn, quá hạn"
IN_PROGRESS_OVERDUE_BY_MONTH = "Hồ sơ đang giải quyết quá hạn (cuối mỗi tháng)"
BY_LEVEL_TITLE = "{kpi} theo cấp, so với chỉ tiêu của từng cấp"
CHANNEL_TITLE = "Kênh nộp hồ sơ theo cấp"
CHANNEL_FIELD_TITLE = "Kênh nộp hồ sơ theo lĩnh vực"
RATINGS_TITLE = "Phân bố bốn mức đánh giá theo cấp"
RATINGS_COLUMNS = {"rated_very_satisfied": "Rất hài lòng", "rated_satisfied": "Hài lòng", "rated_neutral": "Bình thường",
                   "rated_dissatisfied": "Không hài lòng"}
SURVEY_NOTE = "Ngoài đánh giá trên hồ sơ còn {n} lượt khảo sát riêng (tính vào tỷ lệ hài lòng, không chia theo lĩnh vực)."
PAKN_BACKLOG_TITLE = "PAKN tồn cuối kỳ (chưa xử lý) theo tháng: trong hạn và quá hạn"
PAKN_BACKLOG_PARTS = {"pakn_backlog_within": "PAKN tồn trong hạn", "pakn_backlog_overdue": "PAKN tồn quá hạn"}
PAKN_BACKLOG_HELP = "PAKN đã tiếp nhận đến ngày cuối kỳ mà chưa xử lý xong tại ngày đó (gồm cả trong hạn và quá hạn)."
PAKN_BACKLOG_UNITS = "Đơn vị có nhiều PAKN tồn nhất"
PAKN_COUNTS = {"pakn_received": "PAKN tiếp nhận", "pakn_handled": "PAKN đã xử lý", "pakn_backlog": "PAKN tồn cuối kỳ (chưa xử lý)",
               "pakn_backlog_overdue": "Trong đó quá hạn"}
PAKN_DUE_ASSUMED = "{n} PAKN không có hạn xử lý trong tệp: hạn được tính bằng ngày nhận + 15 ngày làm việc."
DRILL_RESOLVED_OVERDUE = "Xem hồ sơ đã giải quyết quá hạn"
DRILL_IN_PROGRESS_OVERDUE = "Xem hồ sơ đang giải quyết quá hạn"
DRILL_NO_DUE = "Xem hồ sơ không có ngày hẹn trả"
UNIT_PICK = "Chọn đơn vị"
UNIT_PICK_HINT = "Chọn một đơn vị ở bộ lọc bên trái hoặc ngay tại đây."
UNIT_SCORECARD = "Bảng điểm theo tháng so với chỉ tiêu"
UNIT_MONTH = "Tháng"
UNIT_RANK = "Thứ hạng trong {n} đơn vị {level}"
UNIT_RANK_VALUE = "Hạng {rank}/{n}"
UNIT_OVERDUE_FIELDS = "Lĩnh vực có nhiều hồ sơ quá hạn nhất"
UNIT_OVERDUE_PROCEDURES = "Thủ tục có nhiều hồ sơ quá hạn nhất"
UNIT_OVERDUE_COLUMNS = {"name": "Tên", "resolved_overdue": "Đã giải quyết quá hạn", "in_progress_overdue": "Đang giải quyết quá hạn",
                        "total": "Tổng quá hạn", "on_time_rate": "Tỷ lệ đúng hạn"}
UNIT_NONE_OVERDUE = "Không có hồ sơ quá hạn trong kỳ."
UNIT_INVALID = "Đơn vị {name} không hoạt động trong kỳ đã chọn (hiệu lực {valid})."

DRILL_SET_LABEL = "Tập hồ sơ"
DRILL_MONTH = "Tháng {month}"
DRILL_SEARCH = "Tìm theo mã hồ sơ hoặc thủ tục"
DRILL_CHANNEL = "Kênh nộp"
DRILL_COUNT = "{n} hồ sơ"
DRILL_LIMIT = "Chỉ hiện {shown} hồ sơ đầu tiên (trễ nhiều nhất trước); tải Excel để có {limit} hồ sơ."
DRILL_DOWNLOAD = "Tải Excel"
DRILL_FILE = "ho-so-{which}-{start}-{end}.xlsx"  # which: file_slug of the set's label
REJECTS_FILE = "{stem}-dong-bi-loai.xlsx"
REJECTS_BATCH_FILE = "{stem}-luot-{batch}-dong-bi-loai.xlsx"
CHOOSE = "Chọn…"


def file_slug(text: str) -> str:
    """A download file name part in Vietnamese without diacritics: 'Đã giải quyết quá hạn' → 'da-giai-quyet-qua-han'."""
    from kpi.text.normalize import fold

    return fold(text).replace(" ", "-") or "tep"


def rejects_file_name(uploaded_name: str, batch: int | None = None) -> str:
    """'thang-1-dong-bi-loai.xlsx' for 'Tháng 1.xlsx' (with the load batch when there is one)."""
    stem = file_slug(uploaded_name.rsplit(".", 1)[0])
    return REJECTS_FILE.format(stem=stem) if batch is None else REJECTS_BATCH_FILE.format(stem=stem, batch=batch)  # placeholder of every selectbox / multiselect (Streamlit's own is English)
DRILL_SHEET = "Hồ sơ"
DRILL_NONE = "Không có hồ sơ nào trong tập này."
DRILL_CLEAR = "Bỏ chọn từ liên kết, dùng bộ lọc chung"
DRILL_FROM_LINK = "Đang xem theo liên kết: {what}."
LEVEL_TARGET_MARK = "Chỉ tiêu của cấp"

# Source of the figures when some units only sent the aggregated form.
FROM_FORM06 = ("Số liệu gồm {n} đơn vị chỉ báo cáo tổng hợp theo Biểu số 06/VPCP/KSTT (không có chi tiết hồ sơ): "
               "số tiếp nhận, giải quyết, đúng hạn của các đơn vị này lấy từ biểu; tỷ lệ số hóa và kết quả điện tử "
               "chỉ tính trên hồ sơ chi tiết.")

PROVINCE_COMPARE_TITLE = "So sánh với toàn tỉnh"
PROVINCE_COMPARE_NOTE = "Số liệu tổng hợp toàn tỉnh (không có chi tiết đơn vị ngoài phạm vi), hiển thị theo cho phép của quản trị."
UNIT_LINEAGE = "Theo tháng, gồm cả lịch sử của các đơn vị đã sáp nhập hoặc đổi tên vào đơn vị này: {names}."


# -- loading: channel texts the ETL could not place (etl.values) --------------------
UNKNOWN_CHANNELS = ("Hình thức nộp không nhận ra, đã tính là «Khác» (có trong số tiếp nhận, không tính là trực tuyến): "
                    "{items}. Có thể chọn kênh cho từng cách ghi ở trang Nạp dữ liệu.")


def unknown_channels_line(counts: dict[str, int], limit: int = 8) -> str:
    """'Hình thức nộp không nhận ra …: «Kiosk» 12 dòng, «3» 4 dòng' (the most frequent first)."""
    items = [f"«{text}» {num(n)} dòng" for text, n in list(counts.items())[:limit]]
    if len(counts) > limit:
        items.append(f"và {num(len(counts) - limit)} cách ghi khác")
    return UNKNOWN_CHANNELS.format(items=", ".join(items))


def sheets_line(sheets: list[dict], skipped: list[str], limit: int = 12) -> str:
    """'50 trang dữ liệu: «Sở A» 1.000 dòng, …; bỏ qua (không phải bảng dữ liệu): «Hướng dẫn»'."""
    items = [f"«{s['sheet']}» {num(s['rows'])} dòng" for s in sheets[:limit]]
    if len(sheets) > limit:
        items.append(f"và {num(len(sheets) - limit)} trang khác")
    line = f"{num(len(sheets))} trang dữ liệu: " + ", ".join(items)
    if skipped:
        line += "; bỏ qua (không phải bảng dữ liệu): " + ", ".join(f"«{name}»" for name in skipped)
    return line


# -- coverage: unknown is not "no" (DOMAIN §4) ----------------------------------------
COVERAGE_NOTE = "tính trên {known} / {total} hồ sơ có dữ liệu"
COVERAGE_SENTENCE = "{label}: {note}."
FORM06_CHANNEL_NOTE = ("Ghi chú: {n} hồ sơ tiếp nhận không rõ kênh nộp hoặc nộp qua kênh khác "
                       "(không phải trực tuyến, trực tiếp, bưu chính): có trong cột (3), không có trong cột (4), (5).")


def coverage_note(cov: tuple[int, int] | None) -> str | None:
    """'tính trên 8.123 / 10.000 hồ sơ có dữ liệu' when a rate covers fewer rows than it could; else None."""
    if not cov:
        return None
    known, total = cov
    if total <= 0 or known >= total:
        return None
    return COVERAGE_NOTE.format(known=num(known), total=num(total))


def coverage_sentences(coverages: dict) -> str:
    """{kpi: (known, total)} → one sentence per rate below full coverage, joined:
    'Số hóa hồ sơ: tính trên 8.123 / 10.000 hồ sơ có dữ liệu.'"""
    notes = [(key, coverage_note(cov)) for key, cov in coverages.items()]
    return " ".join(COVERAGE_SENTENCE.format(label=KPI_LABELS[key], note=note) for key, note in notes if note)
FORM06_LEFT_OUT = ("{n} biểu tổng hợp (Biểu số 06) không được tính trong kỳ này vì kỳ báo cáo của biểu không nằm "
                   "trọn trong kỳ đang xem (ví dụ biểu chốt số liệu theo TT 01, từ ngày 15 tháng trước); "
                   "chọn «Kỳ báo cáo TT 01» để xem số liệu của các biểu này.")

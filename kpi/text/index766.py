"""Words of the provincial service index (QĐ 766/QĐ-TTg): groups, sub-indicators, grades, sources.

The index engine (``kpi.measures.index766``) keeps the numbers; the page, the CLI and the
portal import take their Vietnamese from here.
"""
from __future__ import annotations

from babel.numbers import format_decimal

from kpi.text.vi import LOCALE, NO_DATA, KpiWords

TITLE = "Chỉ số 766"
PROVINCE_NAME = "Toàn tỉnh"
GROUP_LABELS = {
    "CKMB": "Công khai, minh bạch",
    "TDGQ": "Tiến độ giải quyết",
    "CLGQ": "Dịch vụ công trực tuyến",
    "TTTT": "Thanh toán trực tuyến",
    "MDHL": "Mức độ hài lòng",
    "MDSH": "Số hóa hồ sơ",
}
# Names as the portal writes them (its metric codes are the keys).
SUB_LABELS = {
    "PUBLISH_ON_TIME": "Tỷ lệ TTHC công bố đúng hạn",
    "PUBLIC_UPDATE_ON_TIME": "Tỷ lệ TTHC cập nhật, công khai đúng hạn",
    "PUBLIC_CONTENT_FULL": "Tỷ lệ TTHC công khai đầy đủ nội dung",
    "DOSSIER_SYNC": "Tỷ lệ hồ sơ đồng bộ lên Cổng DVCQG",
    "ON_TIME": "Tỷ lệ hồ sơ đúng hạn, trong hạn",
    "FULL": "Tỷ lệ dịch vụ công toàn trình",
    "ONLINE_DOSSIERS": "Tỷ lệ hồ sơ nộp trực tuyến",
    "ONLINE_ON_TIME": "Tỷ lệ hồ sơ trực tuyến giải quyết đúng hạn",
    "PAY_DOSSIERS": "Tỷ lệ hồ sơ thanh toán trực tuyến",
    "PAY_FORMALITIES": "Tỷ lệ TTHC có giao dịch thanh toán trực tuyến",
    "PAY_PROVISION": "Tỷ lệ TTHC có nghĩa vụ tài chính được cung cấp trên Cổng DVCQG",
    "DOSSIER_RECEIVING_SATISFACTION": "Tỷ lệ hài lòng trong tiếp nhận, giải quyết TTHC",
    "PETITION_PROCESSING_ON_TIME": "Tỷ lệ PAKN xử lý đúng hạn",
    "PETITION_HANDLING_SATISFACTION": "Tỷ lệ hài lòng trong xử lý PAKN",
    "ORIGINAL_RESULT_AVAILABLE": "Tỷ lệ hồ sơ có cấp kết quả giải quyết TTHC điện tử",
    "SO_HOA_GIAY_TO_GIAI_QUYET": "Tỷ lệ hồ sơ TTHC thực hiện số hóa hồ sơ",
    "REUSED_DIGITIZED_DATA": "Tỷ lệ hồ sơ khai thác, sử dụng lại thông tin, dữ liệu số hóa",
    "SYNCED_WITH_DVCQG_PERSONAL_STORAGE": "Tỷ lệ hồ sơ được số hóa có kết nối, chia sẻ dữ liệu phục vụ tái sử dụng",
    "CITIZEN_DATA_CONNECTED_DOSSIER": "Tỷ lệ hồ sơ TTHC có sử dụng thông tin, dữ liệu dân cư",
    "CITIZEN_DATA_CONNECTED_FORMALITY": "Tỷ lệ TTHC triển khai kết nối, chia sẻ dữ liệu dân cư",
    "ELECTRONIC_CERTIFIED_COPY": "Tỷ lệ cung cấp dịch vụ chứng thực bản sao điện tử từ bản chính",
}


def sub_words(key: str) -> KpiWords:
    """A sub-indicator's words in the shape of a KPI's (kpi.measures.indicators): the portal's name."""
    return KpiWords(SUB_LABELS[key], SUB_LABELS[key], SUB_LABELS[key])


UNIT_TYPE_LABELS = {
    "ADMINISTRATIVE_UNIT": "Tỉnh",
    "AGENCY": "Sở, ban, ngành",
    "DISTRICT": "UBND cấp huyện",
    "COMMUNE": "UBND cấp xã",
}
GRADE_LABELS = ("Xuất sắc", "Tốt", "Khá", "Trung bình", "Yếu")
SOURCE_LABELS = {
    "simulated": "mô phỏng từ dữ liệu của tỉnh",
    "portal": "điểm công bố trên Cổng DVCQG",
    "manual": "số liệu công bố do quản trị nhập",
    "mixed": "một phần công bố, một phần mô phỏng từ dữ liệu của tỉnh",
}
CLGQ_NO_FORMULA = "Công thức chấm điểm chưa được công bố: chỉ hiện tỷ lệ, không tính điểm."
NO_COLUMN = "Tệp xuất của phần mềm Một cửa chưa có cột này: chưa có dữ liệu."
PARTIAL_NOTE = "{score} / {covered} điểm có dữ liệu"
TOTAL_LINE = "{score} / 100 điểm"


def score(value: float | None, digits: int = 1) -> str:
    """62.4 → '62,4'; None → 'Chưa có dữ liệu' (a group without data is never 0)."""
    if value is None:
        return NO_DATA
    return format_decimal(value, format="#,##0." + "0" * digits, locale=LOCALE)


def total_line(total: float | None, covered: float, partial: bool) -> str:
    """'62,4 / 70 điểm có dữ liệu' for a partial total, '81,2 / 100 điểm' for a full one."""
    if total is None:
        return NO_DATA
    if partial:
        return PARTIAL_NOTE.format(score=score(total), covered=score(covered, 0))
    return TOTAL_LINE.format(score=score(total))


def group_line(value: float | None, maximum: float, covered: float, partial: bool) -> str:
    """'18,0 / 20 điểm'; '4,5 / 10 điểm có dữ liệu (tối đa 22)' for a group scored on part of its points."""
    if value is None:
        return NO_DATA
    if partial:
        return f"{PARTIAL_NOTE.format(score=score(value), covered=score(covered, 0))} (tối đa {score(maximum, 0)})"
    return f"{score(value)} / {score(maximum, 0)} điểm"


def source_label(source: str | None) -> str:
    return SOURCE_LABELS.get(source or "", NO_DATA)


# -- the page (pages/index766.py, ui/index766.py) -------------------------------------------
INTRO = ("Điểm theo Quyết định 766/QĐ-TTg (6 nhóm, 100 điểm). Công thức tính lại từ Cổng DVCQG, không chính thức; "
         "điểm công bố trên Cổng, khi đã nạp, được dùng thay điểm mô phỏng.")
TOTAL_TILE = "Tổng điểm"
GRADE_TILE = "Xếp loại"
GRADE_PARTIAL = "{grade}: xếp theo tỷ lệ điểm trên phần có dữ liệu"
BULLETS_TITLE = "Điểm từng nhóm"
BULLET_MAX = "Điểm tối đa"
BULLET_SCORE = "Điểm"
TREND_TITLE = "Tổng điểm theo tháng"
TREND_SIMULATED = "Mô phỏng (quy đổi thang 100 trên phần có dữ liệu)"
TREND_PUBLISHED = "Điểm công bố trên Cổng"
TREND_COVERED = "Số điểm có dữ liệu"
GROUPS_HEADING = "Các nhóm chỉ số"
LEVELS_HEADING = "Theo cấp"
RANKING_HEADING = "Xếp hạng đơn vị (so với đơn vị cùng loại)"
RANKING_NOTE = "Xếp theo điểm quy đổi thang 100 (điểm / số điểm có dữ liệu × 100), để đơn vị thiếu dữ liệu một nhóm không bị xếp sai."
RANKING_PEERS = "{type}: {n} đơn vị · trung vị {median} · P75 {p75} (quy đổi /100)"
LOSING_HEADING = "Đơn vị làm mất nhiều điểm nhất"
LOSING_CAPTION = "Số điểm của lựa chọn tăng thêm nếu đơn vị không còn hồ sơ trễ hạn, chưa số hóa, chưa có kết quả điện tử…"
GAINS_HEADING = "Việc gì nâng điểm nhiều nhất"
GAINS_PICK = "Xem hồ sơ phía sau"
GAINS_UNIT = "Đơn vị"
GAINS_ALL_UNITS = "Tất cả đơn vị"
GAINS_GO = "Mở danh sách hồ sơ"
GAINS_NONE = "Chưa có chỉ số nào tính được từ dữ liệu để gợi ý."
RECONCILE_HEADING = "Đối chiếu điểm công bố và điểm mô phỏng"
UNMATCHED_UNITS = "Đơn vị trên Cổng chưa khớp danh mục (điểm được giữ, chưa dùng): {names}"
COLUMNS = {
    "rank": "Hạng", "name": "Đơn vị", "unit_type": "Loại", "total": "Tổng điểm", "grade": "Xếp loại",
    "source": "Nguồn", "below_p75": "Kém P75", "points": "Điểm mất", "main_group": "Nhóm mất nhiều nhất",
    "group": "Nhóm", "score": "Điểm", "max": "Tối đa", "inputs": "Tỷ lệ đầu vào", "level": "Cấp",
    "published": "Công bố", "ours": "Mô phỏng", "difference": "Chênh lệch", "reason": "Lý do có thể",
    "gain": "Tăng điểm", "lever": "Việc cần làm", "per_hundred": "Quy đổi /100",
}
PP_LEVER = "Tăng 1 điểm phần trăm «{label}» ({rate} → {raised})"
UNITS_LEVER = "Nếu {n} đơn vị này ({names}) {action}"
ACTIONS = {
    "ON_TIME": "giải quyết đúng hạn thêm {n} hồ sơ",
    "DOSSIER_RECEIVING_SATISFACTION": "có thêm {n} hồ sơ được đánh giá hài lòng",
    "PETITION_PROCESSING_ON_TIME": "xử lý đúng hạn thêm {n} PAKN",
    "PETITION_HANDLING_SATISFACTION": "có thêm {n} PAKN được đánh giá hài lòng",
    "ORIGINAL_RESULT_AVAILABLE": "cấp kết quả điện tử thêm {n} hồ sơ",
    "SO_HOA_GIAY_TO_GIAI_QUYET": "số hóa thêm {n} hồ sơ",
}
GAIN_LINE = "{lever}, {group} +{points} điểm"
REASONS = {
    "timing": "Thời điểm: số liệu của tỉnh mới đến ngày {data_date}, kỳ chưa đủ",
    "denominator": "Mẫu số khác: Cổng tính trên {portal} hồ sơ, tỉnh có {ours}",
    "coverage": "Độ phủ: dữ liệu của tỉnh chỉ tính được {covered} / {maximum} điểm của nhóm",
    "formula": "Cách tính của Cổng khác (làm tròn, thời điểm chốt số liệu)",
    "no_data": "Tỉnh chưa có dữ liệu cho nhóm này",
}


def reason_text(reason: str, figures: dict) -> str:
    from kpi.text.vi import date, num

    shown = {k: (date(v) if hasattr(v, "year") else num(v) if isinstance(v, (int, float)) else v)
             for k, v in (figures or {}).items()}
    return REASONS[reason].format(**shown)


def signed(points: float | None) -> str:
    """+3,5 / −1,2 points."""
    if points is None:
        return NO_DATA
    return ("+" if points >= 0 else "−") + score(abs(points), 2 if abs(points) < 1 else 1)

ENTRY_HEADING = "Nhập số liệu công khai, minh bạch (CKMB) theo công bố của Cổng"
ENTRY_INTRO = ("Phần mềm Một cửa không có số liệu công bố, công khai TTHC: quản trị nhập tử số / mẫu số Cổng DVCQG công bố "
               "cho kỳ đang xem. Số liệu của tỉnh dùng cho các xã (như Cổng); sở, ngành dùng số liệu riêng nếu có.")
ENTRY_METRIC = "Chỉ tiêu"
ENTRY_UNIT = "Áp dụng cho"
ENTRY_NUMERATOR = "Tử số"
ENTRY_DENOMINATOR = "Mẫu số"
ENTRY_SAVE = "Lưu số liệu"
ENTRY_SAVED = "Đã lưu {metric}: {numerator} / {denominator} cho {period}."

"""Words of the provincial service index (QĐ 766/QĐ-TTg): groups, sub-indicators, grades, sources.

The index engine (``kpi.measures.index766``) keeps the numbers; the page, the CLI and the
portal import take their Vietnamese from here.
"""
from __future__ import annotations

from babel.numbers import format_decimal

from kpi.text.vi import LOCALE, NO_DATA

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


def source_label(source: str | None) -> str:
    return SOURCE_LABELS.get(source or "", NO_DATA)

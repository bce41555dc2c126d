"""Words of the national view (Toàn quốc) and of `kpi summary --lake`.

``PROVINCES``: the 34 provinces and centrally-run cities from 01/07/2025, by the code a province
publishes under (the code of the province that kept its name in the merge). A code not listed
is shown as it is.
"""
from __future__ import annotations

from kpi.text import vi

PROVINCES = {
    "01": "Hà Nội", "04": "Cao Bằng", "08": "Tuyên Quang", "11": "Điện Biên", "12": "Lai Châu",
    "14": "Sơn La", "15": "Lào Cai", "19": "Thái Nguyên", "20": "Lạng Sơn", "22": "Quảng Ninh",
    "24": "Bắc Ninh", "25": "Phú Thọ", "31": "Hải Phòng", "33": "Hưng Yên", "37": "Ninh Bình",
    "38": "Thanh Hóa", "40": "Nghệ An", "42": "Hà Tĩnh", "44": "Quảng Trị", "46": "Huế",
    "48": "Đà Nẵng", "51": "Quảng Ngãi", "52": "Gia Lai", "56": "Khánh Hòa", "66": "Đắk Lắk",
    "68": "Lâm Đồng", "75": "Đồng Nai", "79": "TP. Hồ Chí Minh", "80": "Tây Ninh", "82": "Đồng Tháp",
    "86": "Vĩnh Long", "91": "An Giang", "92": "Cần Thơ", "96": "Cà Mau",
}

PAGE_TITLE = "Toàn quốc"
PAGE_HEADING = "Toàn quốc: xếp hạng các tỉnh theo từng chỉ tiêu"
PAGE_CAPTION = ("Số liệu do từng tỉnh xuất vào kho dữ liệu chung; mỗi tỉnh được tính đến ngày số liệu của tỉnh đó. "
                "Tỷ lệ toàn quốc tính trên tổng số hồ sơ của các tỉnh, không phải trung bình các tỷ lệ.")
CHOOSE_KPI = "Chỉ tiêu xếp hạng"
PERIOD_LINE = "Kỳ {period} · {n} tỉnh, thành phố đã gửi số liệu."
NOT_CONFIGURED = ("Chưa cấu hình kho dữ liệu toàn quốc (thiết lập TTHC_LAKE), hoặc tài khoản này chỉ xem "
                  "được số liệu trong phạm vi của mình.")
CHART_TITLE = "Xếp hạng các tỉnh: {kpi}"
MATRIX_TITLE = "Chỉ số 766 và mọi chỉ tiêu theo tỉnh"
COLUMN_INDEX = "Chỉ số 766"
COLUMN_GRADE = "Xếp loại 766"
COLUMN_TARGET = "Chỉ tiêu của tỉnh"
COLUMN_STATUS = "Đánh giá"
NATIONAL = "Toàn quốc"
NO_PROVINCES = "Kho dữ liệu toàn quốc chưa có tỉnh nào xuất số liệu."
LAKE_ERROR = "Không đọc được kho dữ liệu toàn quốc: {error}"
COLUMN_RANK = "Hạng"
COLUMN_PROVINCE = "Tỉnh, thành phố"
COLUMN_RATE = "Tỷ lệ"
COLUMN_NUMERATOR = "Đạt"
COLUMN_DENOMINATOR = "Trên tổng"
COLUMN_DATA_DATE = "Số liệu đến ngày"
NO_DATA = vi.NO_DATA
CLI_HEADER = "Chỉ số KPI toàn quốc kỳ {start} – {end} (bộ máy {engine})"
ENGINE_NOTE = "toàn quốc, bộ máy {engine}"


def province_name(code: str) -> str:
    """'Đồng Nai (75)' for a known code, else the code itself."""
    name = PROVINCES.get(code)
    return f"{name} ({code})" if name else code

"""Vietnamese words of the periodic reports, the meeting slides and their narrative.

Kept next to ``kpi.text.vi`` (which holds the shared labels and formatters) so the
form, the slides, the PDF pack and the CLI say the same thing the same way.
"""
from __future__ import annotations

from kpi.text import vi

# -- Biểu số 06/VPCP/KSTT (TT 01/2020/TT-VPCP) --------------------------------
FORM06_CODE = "Biểu số 06/VPCP/KSTT"
FORM06_BASIS = "Ban hành kèm theo Thông tư số 01/2020/TT-VPCP ngày 21/10/2020"
NATIONAL_NAME = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
NATIONAL_MOTTO = "Độc lập - Tự do - Hạnh phúc"
FORM06_TITLE = "TÌNH HÌNH, KẾT QUẢ GIẢI QUYẾT THỦ TỤC HÀNH CHÍNH"
FORM06_PERIOD = "Kỳ báo cáo: {label} (từ ngày {start} đến ngày {end})"
FORM06_REPORTING_UNIT = "Đơn vị báo cáo: {unit}"
FORM06_RECEIVING_UNIT = "Đơn vị nhận báo cáo: {unit}"
FORM06_COUNT_UNIT = "Đơn vị tính: Số hồ sơ TTHC"
DEFAULT_REPORTING_UNIT = "UBND tỉnh"
DEFAULT_RECEIVING_UNIT = "Văn phòng Chính phủ"
FORM06_SHEET = "Biểu 06"
FORM06_SCOPE_NOTE = "Phạm vi số liệu: {scope}"

FORM06_HEAD_STT = "STT"
FORM06_HEAD_FIELD = "Lĩnh vực, công việc giải quyết theo cấp"
FORM06_HEAD_RECEIVED = "Số hồ sơ nhận giải quyết"
FORM06_HEAD_RESOLVED = "Số hồ sơ đã giải quyết"
FORM06_HEAD_IN_PROGRESS = "Số hồ sơ đang giải quyết"
FORM06_HEAD_TOTAL = "Tổng số"
FORM06_HEAD_OF_WHICH = "Trong đó"
FORM06_HEAD_ONLINE = "Trực tuyến"
FORM06_HEAD_DIRECT = "Trực tiếp, dịch vụ bưu chính"
FORM06_HEAD_CARRIED = "Từ kỳ trước chuyển qua"
FORM06_HEAD_EARLY = "Trước hạn"
FORM06_HEAD_ON_TIME = "Đúng hạn"
FORM06_HEAD_OVERDUE = "Quá hạn"
FORM06_HEAD_WITHIN = "Trong hạn"
FORM06_TOTAL_ROW = "TỔNG CỘNG"
FORM06_NO_FIELD = "(Chưa xác định lĩnh vực)"
FORM06_NO_DATA_ROW = "(Không có hồ sơ trong kỳ)"
FORM06_PREPARER = "NGƯỜI LẬP BIỂU"
FORM06_HEAD_OF_UNIT = "THỦ TRƯỞNG ĐƠN VỊ"
FORM06_SIGN_NOTE = "(Ký, ghi rõ họ tên)"
FORM06_SIGN_NOTE_SEAL = "(Ký tên, đóng dấu)"
FORM06_DATE_LINE = "......, ngày {d} tháng {m} năm {y}"
FORM06_FOOTER = "Trang &P/&N"
FORM06_IDENTITIES = {
    "received_by_channel": "(3) = (4) + (5) + (6)",
    "received_by_outcome": "(3) = (7) + (11)",
    "resolved_split": "(7) = (8) + (9) + (10)",
    "in_progress_split": "(11) = (12) + (13)",
}

# -- periods in running text ---------------------------------------------
PREVIOUS_BY_KIND = {"month": "tháng trước", "quarter": "quý trước", "half": "6 tháng trước",
                    "year": "năm trước", "custom": "kỳ trước"}

# -- indicator names in running text ("Tỷ lệ … đạt 96,8%") -----------------
RATE_NAMES = vi.KPI_REPORT_NAMES  # each KPI's own words (kpi.text.vi.KPI_WORDS)

# -- slides ----------------------------------------------------------------
SLIDE_SUMMARY_TITLE = "Kết quả so với chỉ tiêu — {scope}"
SLIDE_LEVEL_TITLE = "{level}: kết quả so với chỉ tiêu"
SLIDE_BELOW_TITLE = "Đơn vị chưa đạt chỉ tiêu giải quyết đúng hạn"
SLIDE_PAKN_TITLE = "Phản ánh, kiến nghị (PAKN)"
SLIDE_HOTSPOT_TITLE = "Điểm nóng hồ sơ quá hạn"
SCOPE_PROVINCE = "Toàn tỉnh"
SCOPE_OWN = "Phạm vi được giao"
HEADLINE_ON_TIME = "Giải quyết đúng hạn"
HEADLINE_BELOW = "Đơn vị dưới chỉ tiêu"
HEADLINE_PAKN = "PAKN xử lý đúng hạn"
HEADLINE_OVERDUE = "Hồ sơ quá hạn"
TARGET_WORD = "Chỉ tiêu"
VALUE_WORD = "Kết quả"
HOTSPOT_UNITS = "Đơn vị"
HOTSPOT_FIELDS = "Lĩnh vực"
HOTSPOT_PROCEDURES = "Thủ tục"
OVERDUE_RESOLVED = "Đã giải quyết quá hạn"
OVERDUE_IN_PROGRESS = "Đang giải quyết quá hạn"
COL_UNIT = "Đơn vị"
COL_LEVEL = "Cấp"
COL_RATE = "Tỷ lệ"
COL_RESOLVED = "Đúng hạn / đã giải quyết"
COL_GAP = "Còn thiếu (hồ sơ)"
BELOW_ORDER = "xếp theo số hồ sơ còn thiếu"
CONTINUED = "tiếp theo"
ABOLISHED_SHORT = "đã giải thể"
MORE_UNITS = "… và {n} đơn vị khác"
MORE_UNITS_NEXT = "… và {n} đơn vị khác ở trang sau"
UNKNOWN = "(Chưa xác định)"

# -- meeting page and PDF pack -----------------------------------------------
MEETING_TITLE = "Chế độ trình chiếu"
BTN_PREV = "◀ Trước"
BTN_NEXT = "Sau ▶"
SLIDE_COUNTER = "Trang {i}/{n}"
OPTIONS = "Tùy chọn trình chiếu"
OPT_PERIOD = "Kỳ (tháng)"
OPT_LEVEL = "Cấp"
OPT_ALL_LEVELS = "Tất cả các cấp"
OPT_AUTO = "Tự chuyển trang sau (giây, 0 = không)"
NO_DATA_AT_ALL = "Chưa có dữ liệu để trình chiếu."
DATA_UNTIL = "Dữ liệu đến ngày {date}"
PACK_TITLE = "Tài liệu giao ban kiểm soát TTHC"
PACK_FOOTER = "{period} · Lập lúc {generated} · Trang {page}/{pages}"
PACK_NO_BROWSER = (
    "Không tìm thấy trình duyệt Chromium để vẽ biểu đồ cho tài liệu PDF. "
    "Cài gói chromium (Debian: apt-get install chromium) hoặc đặt biến môi trường "
    "BROWSER_PATH trỏ tới tệp chạy Chrome/Chromium."
)
PACK_NO_FONT = "Không tìm thấy phông chữ TTF có dấu tiếng Việt (DejaVuSans hoặc NotoSans)."

BTN_MAKE_PACK = "Tạo tài liệu giao ban (PDF)"
MAKING_PACK = "Đang dựng tài liệu giao ban…"
BTN_DOWNLOAD_PACK = "Tải tài liệu giao ban (PDF)"

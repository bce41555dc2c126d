"""Vietnamese strings of the error boundary, the bad-URL notices and the sidebar menu (ui/errors.py, ui/nav.py)."""
from __future__ import annotations

INCIDENT = ("Đã có lỗi khi hiển thị trang này. Hãy tải lại trang hoặc thử lại sau ít phút; nếu lỗi còn, "
            "báo quản trị viên mã sự cố **{incident}** (chi tiết kỹ thuật đã được ghi ở máy chủ).")
BUSY = "Đang có người nạp dữ liệu, thử lại sau ít giây… (lần {attempt}/{limit})"
BUSY_GAVE_UP = ("Đang có người nạp dữ liệu nên chưa đọc được số liệu. Hãy bấm “Thử lại” sau ít phút.")
RETRY = "Thử lại"
BAD_PARAM = "Tham số «{name}={value}» trong đường dẫn không hợp lệ nên được bỏ qua: {what}"
BAD_PERIOD = "kỳ phải có dạng 2024-10 (tháng), 2024-Q3 (quý), 2024-H1 (6 tháng) hoặc 2024 (năm), từ năm 1990 đến 2100."
BAD_LEVEL = "cấp phải là province, district hoặc commune (trong phạm vi của bạn)."
BAD_UNIT = "không có đơn vị này trong phạm vi của bạn."

"""Vietnamese words of the alerts (kpi.alerts): each alert's line, the digest e-mail, the CLI output."""
from __future__ import annotations

UNIT_BELOW = "{unit}: {kpi} tháng {month} đạt {value}, dưới chỉ tiêu {target} ({gap})"
UNIT_BELOW_GAP = "cần thêm {n} hồ sơ"
FORECAST_MISS = "{scope}: {kpi} dự báo cả năm {year} đạt {value}, không đạt chỉ tiêu {target}"
TASK_OVERDUE = "Nhiệm vụ quá hạn ({lead}): {task} — hạn {deadline}"
NO_UPLOAD = "{unit}: không có dữ liệu mới trong {days} ngày (lần nạp gần nhất: {last})"
NO_UPLOAD_NEVER = "{unit}: chưa từng nạp dữ liệu"
PROVINCE = "Toàn tỉnh"

RULE_HEADINGS = {
    "unit_below": "Đơn vị dưới chỉ tiêu",
    "forecast_miss": "Dự báo không đạt chỉ tiêu năm",
    "task_overdue": "Nhiệm vụ kế hoạch quá hạn",
    "no_upload": "Đơn vị lâu chưa nạp dữ liệu",
}

SUBJECT = "[Cảnh báo KPI TTHC] {n} cảnh báo mới ngày {day}"
GREETING = "Kính gửi {name},"
INTRO = "Bảng điều khiển KPI kiểm soát TTHC có {n} cảnh báo mới trong phạm vi của anh/chị:"
SEE_AT = "Xem: {url}"
FOOTER = ("Thư này được gửi tự động; mỗi cảnh báo chỉ gửi một lần. "
          "Xem chi tiết trên bảng điều khiển.")

CLI_QUIET = "Đang trong giờ yên lặng ({hours}): không gửi cảnh báo nào, lần chạy sau sẽ gửi."
CLI_SKIPPED = "Bỏ qua quy tắc {rule}: {reason}"
CLI_DIGEST = "{recipient} ({channel}): {n} cảnh báo"
CLI_DRY_RUN = "Chạy thử: không gửi, không ghi nhận."
CLI_TOTAL = "Tổng: {alerts} cảnh báo, {sent} lượt gửi, {failed} lượt lỗi."
CLI_FAILED = "Gửi lỗi tới {recipient} ({channel}): {error}"

SKIP_NO_TASKS = "chưa có bảng nhiệm vụ kế hoạch (plan_tasks)"
SKIP_NO_DATA = "kho dữ liệu chưa có số liệu"

"""Vietnamese words of plan tracking (kpi.tracking): task progress, figures entered by hand."""
from __future__ import annotations

TASK_STATUS_LABELS = {
    "not_started": "Chưa bắt đầu",
    "in_progress": "Đang làm",
    "done": "Hoàn thành",
    "overdue": "Quá hạn",
}
TASK_NOT_YOURS = "Nhiệm vụ này không thuộc đơn vị trong phạm vi của anh/chị, hoặc tài khoản không có quyền cập nhật."
EVIDENCE_TOO_BIG = "Tệp minh chứng lớn quá {mb} MB."

# -- the tasks' Excel export (kpi.reports.tasks_export) ------------------------------------------
TASKS_SHEET = "Nhiệm vụ"
TASKS_TITLE = "NHIỆM VỤ KẾ HOẠCH KIỂM SOÁT TTHC — tình hình thực hiện đến ngày {day}"
TASKS_FILE = "nhiem-vu-ke-hoach-{day:%Y%m%d}.xlsx"
TASK_COLUMNS = {
    "number": "Số TT",
    "objective": "Mục tiêu",
    "task": "Nhiệm vụ",
    "product": "Sản phẩm",
    "lead": "Cơ quan chủ trì",
    "partner": "Cơ quan phối hợp",
    "deadline_text": "Thời hạn",
    "deadline_to": "Hạn cuối",
    "status": "Trạng thái",
    "evidence_no": "Số văn bản minh chứng",
    "evidence_link": "Liên kết minh chứng",
    "evidence_file_name": "Tệp minh chứng",
    "note": "Ghi chú",
    "updated_by": "Người cập nhật",
    "updated_at": "Cập nhật lúc",
}

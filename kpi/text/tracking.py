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

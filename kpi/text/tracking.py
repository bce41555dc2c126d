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

# -- figures of non-data targets entered by hand (kpi.tracking.manual) -----------------------------
# Counts a plan follows without a rate target (the plan's own manual keys are kpi.text.plan.MANUAL_LABELS).
EXTRA_MANUAL_LABELS = {
    "hotline_1022_handled": "Cuộc gọi tổng đài 1022 được tiếp nhận, xử lý",
    "desk_cameras": "Bộ phận Một cửa có camera giám sát",
}
PROVENANCE_WORD = "nhập tay"
PROVENANCE = "nhập tay: {who}, {when}"
MANUAL_NOT_ALLOWED = "Tài khoản này không được nhập số liệu chỉ tiêu."
MANUAL_NOT_IN_SCOPE = ("Đơn vị này không thuộc phạm vi của anh/chị (số liệu toàn tỉnh chỉ tài khoản phạm vi toàn "
                       "tỉnh được nhập).")
MANUAL_UNKNOWN_KEY = "Chỉ tiêu không có trong danh mục nhập tay: {key}."
MANUAL_UNKNOWN_UNIT = "Không có đơn vị {unit} trong danh mục."
MANUAL_BAD_NUMERATOR = "Số đạt phải là số không âm."
MANUAL_BAD_DENOMINATOR = "Tổng số (mẫu số) phải lớn hơn 0, hoặc để trống khi chỉ tiêu là một con số đếm."
MANUAL_NUM_OVER_DEN = "Số đạt không được lớn hơn tổng số."

# -- the slide and the overview section ------------------------------------------------------------
MANUAL_SECTION_TITLE = "Chỉ tiêu không có dữ liệu hồ sơ (nhập tay)"
MANUAL_SLIDE_HEADLINE = "chỉ tiêu nhập tay đạt"
MANUAL_SLIDE_NARRATIVE = "{met} trên {judged} chỉ tiêu nhập tay có số liệu đạt chỉ tiêu kế hoạch."
MANUAL_SLIDE_MISSED = " Chưa đạt: {names}."
MANUAL_SLIDE_MISSING = " Chưa nhập số liệu: {n} chỉ tiêu."
MANUAL_COLUMNS = ("Chỉ tiêu", "Kết quả", "Chỉ tiêu KH", "Đánh giá", "Nguồn")
MANUAL_NO_TARGET = "—"  # a count followed without a target

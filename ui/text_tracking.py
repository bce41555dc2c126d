"""Vietnamese words of the plan-tracking pages: Nhiệm vụ kế hoạch (pages/plan_tasks.py) and
Chỉ tiêu nhập tay (pages/manual_kpis.py)."""
from __future__ import annotations

# -- Nhiệm vụ kế hoạch ---------------------------------------------------------------------
TASKS_TITLE = "Nhiệm vụ kế hoạch"
TASKS_INTRO = ("Nhiệm vụ trong phụ lục kế hoạch đã xác nhận: trạng thái, minh chứng, ai cập nhật và khi nào. "
               "\"Quá hạn\" tính theo hạn cuối và ngày hôm nay ({today}).")
TASKS_NONE = ("Chưa có nhiệm vụ kế hoạch nào trong phạm vi của anh/chị. Nhiệm vụ có sau khi quản trị viên "
              "nhập và xác nhận kế hoạch năm.")
SCOPE_ALL = "Phạm vi: Toàn tỉnh"
SCOPE_OWN = "Phạm vi: nhiệm vụ do đơn vị của anh/chị chủ trì"
METRIC_TOTAL = "Tổng số nhiệm vụ"
METRIC_DONE = "Hoàn thành"
METRIC_IN_PROGRESS = "Đang làm"
METRIC_OVERDUE = "Quá hạn"
METRIC_DUE_MONTH = "Đến hạn trong tháng"
FILTER_OBJECTIVE = "Mục tiêu"
FILTER_LEAD = "Cơ quan chủ trì"
FILTER_STATUS = "Trạng thái"
ALL = "Tất cả"
PROGRESS_TITLE = "Tiến độ theo mục tiêu"
PROGRESS_COLUMNS = {"objective": "Mục tiêu", "total": "Số nhiệm vụ", "done": "Hoàn thành",
                    "in_progress": "Đang làm", "overdue": "Quá hạn", "share": "Tỷ lệ hoàn thành"}
OVERDUE_TITLE = "Nhiệm vụ quá hạn ({n})"
OVERDUE_NONE = "Không có nhiệm vụ quá hạn."
DUE_MONTH_TITLE = "Đến hạn trong tháng {month} ({n})"
DUE_MONTH_NONE = "Không có nhiệm vụ đến hạn trong tháng này."
ALL_TITLE = "Tất cả nhiệm vụ ({n})"
DOWNLOAD = "Tải Excel"
UPDATE_TITLE = "Cập nhật nhiệm vụ"
UPDATE_NONE = "Không có nhiệm vụ nào anh/chị được cập nhật (chỉ cơ quan chủ trì cập nhật nhiệm vụ của mình)."
READ_ONLY = "Chế độ chỉ đọc: tài khoản lãnh đạo xem, không cập nhật nhiệm vụ."
UPDATE_TASK = "Nhiệm vụ"
UPDATE_STATUS = "Trạng thái"
UPDATE_EVIDENCE_NO = "Số, ký hiệu văn bản minh chứng"
UPDATE_EVIDENCE_LINK = "Liên kết minh chứng"
UPDATE_EVIDENCE_FILE = "Tệp minh chứng"
UPDATE_NOTE = "Ghi chú"
UPDATE_SAVE = "Lưu cập nhật"
UPDATE_SAVED = "Đã lưu: nhiệm vụ {number} — {status}."
UPDATE_STATE = "Trạng thái hiện tại: {status} · thời hạn: {deadline}."
UPDATE_LAST = "Cập nhật gần nhất: {who} lúc {when}."
UPDATE_NEVER = "Chưa có cập nhật nào."
EVIDENCE_DOWNLOAD = "Tải tệp minh chứng ({name})"
BAD_LINK = "Liên kết minh chứng phải bắt đầu bằng http:// hoặc https://."
MANUAL_OVERVIEW_NOTE = ("Số liệu do đơn vị nhập tay kèm minh chứng (trang Chỉ tiêu nhập tay), theo bộ lọc cấp và "
                        "đơn vị đang chọn; bộ lọc lĩnh vực không áp dụng vì số liệu nhập tay không chia theo lĩnh vực.")

# -- Chỉ tiêu nhập tay ----------------------------------------------------------------------------
MANUAL_TITLE = "Chỉ tiêu nhập tay"
MANUAL_INTRO = ("Chỉ tiêu kế hoạch không có dữ liệu hồ sơ (TTHC công khai đúng hạn, quy trình điện tử, tổng đài "
                "1022…): nhập số đạt, tổng số và minh chứng theo từng kỳ. Mỗi lần nhập được ghi lại người nhập, "
                "thời điểm; nhập lại cùng kỳ thay cho số cũ (số cũ vẫn lưu trong lịch sử). Số liệu hiện trên "
                "Tổng quan, slide giao ban và bộ tài liệu PDF với nguồn \"nhập tay\".")
MANUAL_PERIOD_KIND = "Loại kỳ"
MANUAL_YEAR = "Năm"
MANUAL_NUMBER = {"month": "Tháng", "quarter": "Quý", "half": "6 tháng"}
MANUAL_FORM = "Nhập số liệu"
MANUAL_INDICATOR = "Chỉ tiêu"
MANUAL_TARGET_OF = "{label} — chỉ tiêu {target}"
MANUAL_UNIT = "Đơn vị"
MANUAL_PROVINCE = "Toàn tỉnh (số liệu chung)"
MANUAL_NUMERATOR = "Số đạt (tử số)"
MANUAL_DENOMINATOR = "Tổng số (mẫu số; để 0 nếu chỉ tiêu là một con số đếm)"
MANUAL_EVIDENCE = "Minh chứng (số, ký hiệu văn bản, báo cáo hoặc liên kết)"
MANUAL_SAVE = "Lưu số liệu"
MANUAL_SAVED = "Đã lưu {label}, {period}: {value}."
MANUAL_NEED_EVIDENCE = "Hãy ghi minh chứng cho số liệu (số, ký hiệu văn bản, báo cáo hoặc liên kết)."
MANUAL_FIGURES = "Kết quả kỳ {period}"
MANUAL_NONE = ("Chưa có chỉ tiêu nhập tay nào cho năm {year} (chưa xác nhận kế hoạch) và chưa nhập số liệu kỳ này.")
MANUAL_HISTORY = "Lịch sử nhập năm {year}"
MANUAL_HISTORY_COLUMNS = {"indicator": "Chỉ tiêu", "period": "Kỳ", "unit": "Đơn vị", "numerator": "Số đạt",
                          "denominator": "Tổng số", "evidence": "Minh chứng", "entered_by": "Người nhập",
                          "entered_at": "Thời điểm nhập", "superseded_at": "Bị thay lúc"}
MANUAL_NO_UNITS = "Phạm vi của anh/chị chưa có đơn vị nào để nhập số liệu."

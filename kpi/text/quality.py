"""Vietnamese strings of column accounting (load summary, upload preview) and the data-quality page."""
from __future__ import annotations

from kpi.text.vi import num, pct

# -- every column accounted for ------------------------------------------------------------
CONFIDENCE = {"sure": "chắc chắn", "maybe": "có thể", "ignored": "bỏ qua"}
COLUMNS_TITLE = "Các cột của tệp"
COLUMN_HEAD = "Cột trong tệp"
FIELD_HEAD = "Thành trường"
CONFIDENCE_HEAD = "Mức chắc chắn"
NOTE_HEAD = "Ghi chú"
IGNORED_FIELD = "—"
NOTE_MANUAL = "chọn tay"
NOTE_TIE = "ngang điểm với cột «{other}»: hãy kiểm tra, chọn tay nếu sai"
NOTE_NEAR = "gần giống «{field}» nhưng chưa đủ chắc: chọn tay nếu đúng"
UNSURE_TITLE = "Cột chưa chắc chắn: kiểm tra, chọn lại nếu sai"
UNSURE_APPLY = "Xác nhận các cột này (lưu cho lần nạp sau)"
CLI_COLUMNS = "  Các cột:"
CLI_COLUMN_LINE = "    «{column}» → {field} ({confidence}){note}"
CLI_IGNORED_LINE = "    «{column}» → bỏ qua (không dùng){note}"
CLI_ABSENT_LINE = "  ! {sentence}"

ABSENT_SENTENCE = "tệp không có cột {label}: {consequence}"
# What a missing optional column means for the figures (DOMAIN.md §4: unknown is not "no").
ABSENT_CONSEQUENCE = {
    ("dossiers", "digitized"): "tỷ lệ số hóa của các hồ sơ trong tệp là chưa có dữ liệu",
    ("dossiers", "e_result"): "tỷ lệ KQĐT của các hồ sơ trong tệp là chưa có dữ liệu",
    ("dossiers", "channel"): "tỷ lệ nộp trực tuyến của các hồ sơ trong tệp là chưa có dữ liệu",
    ("dossiers", "rating"): "mức độ hài lòng của các hồ sơ trong tệp là chưa có dữ liệu",
    ("dossiers", "apology"): "số hồ sơ quá hạn chưa có phiếu xin lỗi là chưa có dữ liệu",
    ("dossiers", "level"): "cấp của hồ sơ lấy theo danh mục đơn vị",
    ("dossiers", "field"): "không lọc, không nhóm được các hồ sơ trong tệp theo lĩnh vực",
    ("dossiers", "procedure"): "không có tên thủ tục của các hồ sơ trong tệp",
    ("dossiers", "status"): "không có trạng thái hồ sơ (rút, hủy, chờ bổ sung) của các hồ sơ trong tệp",
    ("dossiers", "applicant"): "không có tên chủ hồ sơ của các hồ sơ trong tệp",
    ("feedback", "due_at"): "hạn xử lý tính bằng ngày tiếp nhận + 15 ngày làm việc",
    ("feedback", "rating"): "mức độ hài lòng của các PAKN trong tệp là chưa có dữ liệu",
    ("feedback", "level"): "cấp lấy theo danh mục đơn vị",
    ("feedback", "field"): "không lọc được các PAKN trong tệp theo lĩnh vực",
    ("feedback", "title"): "không có tiêu đề của các PAKN trong tệp",
    ("survey", "dossier_code"): "không đối chiếu được phiếu khảo sát với hồ sơ",
    ("survey", "level"): "cấp lấy theo danh mục đơn vị",
}
ABSENT_DEFAULT = "giá trị của trường này là chưa có dữ liệu"

# -- data quality page ----------------------------------------------------------------------
QUALITY_TITLE = "Chất lượng dữ liệu"
QUALITY_INTRO = (
    "Xếp hạng các đơn vị theo độ đầy đủ của dữ liệu đã nạp: tệp thiếu cột (số hóa, kết quả điện tử, hình thức "
    "nộp, mức độ hài lòng), dòng bị loại, hình thức nộp không xác định («khác»), tháng không có dữ liệu, hồ sơ "
    "không có ngày hẹn trả. Đơn vị kém đầy đủ nhất ở đầu bảng."
)
QUALITY_NONE = "Chưa có hồ sơ nào trong phạm vi bạn được xem."
QUALITY_SPAN = "Khoảng dữ liệu: tháng {first} đến tháng {last} ({months} tháng)."
QUALITY_COLUMNS = {
    "rank": "Hạng",
    "unit_name": "Đơn vị",
    "dossiers": "Hồ sơ",
    "completeness": "Độ đầy đủ",
    "missing_column_share": "Hồ sơ từ tệp thiếu cột",
    "missing_columns": "Cột thiếu",
    "rejected": "Dòng bị loại",
    "other_channel": "Hình thức nộp «khác»",
    "months_without": "Tháng không có dữ liệu",
    "no_due": "Không có ngày hẹn trả",
}
QUALITY_HOW = (
    "Độ đầy đủ = 1 − trung bình của năm tỷ lệ: hồ sơ đến từ tệp thiếu cột, dòng bị loại trên tổng số dòng, "
    "hồ sơ có hình thức nộp «khác», tháng không có dữ liệu trên số tháng của khoảng dữ liệu, hồ sơ không có "
    "ngày hẹn trả."
)
FIELD_NAMES = {"digitized": "Số hóa", "e_result": "Kết quả điện tử", "channel": "Hình thức nộp",
               "rating": "Mức độ hài lòng"}


def quality_rows(report) -> list[dict]:
    """A ``kpi.measures.quality.QualityReport`` as rows with Vietnamese headers and formatted figures (CLI and page)."""
    c = QUALITY_COLUMNS
    return [{c["rank"]: rank, c["unit_name"]: u.unit_name, c["dossiers"]: num(u.dossiers),
             c["completeness"]: pct(u.completeness),
             c["missing_column_share"]: num(u.from_incomplete_files),
             c["missing_columns"]: ", ".join(FIELD_NAMES[n] for n in u.missing_columns) or "—",
             c["rejected"]: num(u.rejected), c["other_channel"]: num(u.other_channel),
             c["months_without"]: num(u.months_without), c["no_due"]: num(u.no_due)}
            for rank, u in enumerate(report.units, start=1)]

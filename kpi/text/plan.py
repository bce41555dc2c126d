"""Words of the plan import (``kpi.plan``, ``python -m kpi plan``, the *Nhập kế hoạch* page)."""
from __future__ import annotations

# -- refusals of a plan file (kpi.plan.readers) --------------------------------
REFUSED_TOO_BIG = "Tệp {name} lớn hơn {mb} MB, quá giới hạn cho một văn bản kế hoạch (thiết lập plan_max_mb)."
REFUSED_TOO_LONG = ("Tệp {name} chứa hơn {chars} ký tự, quá giới hạn cho một văn bản kế hoạch "
                    "(thiết lập plan_max_chars).")
REFUSED_PAGES = "Tệp {name} có {pages} trang, quá giới hạn {limit} trang (thiết lập plan_max_pages)."
REFUSED_SUFFIX = "Không đọc được tệp {name}: chỉ nhận văn bản kế hoạch dạng {suffixes}."
REFUSED_BROKEN = "Không đọc được tệp {name}: tệp không phải là văn bản {kind} hợp lệ hoặc đã bị hỏng."
REFUSED_BOMB = "Tệp {name} khi giải nén lớn bất thường so với kích thước tệp; không đọc để bảo vệ máy chủ."
REFUSED_NO_TEXT = ("Tệp PDF {name} không có lớp chữ (có thể là bản quét ảnh). "
                   "Hãy dùng bản Word hoặc bản PDF xuất từ Word.")
REFUSED_EMPTY = "Tệp {name} không có nội dung chữ nào để đọc."
REFUSED_ENCODING = "Tệp {name} không phải văn bản UTF-8 hoặc UTF-16; hãy lưu lại dưới dạng UTF-8."
NO_YEAR = "Không tìm thấy năm của kế hoạch trong văn bản; hãy chọn năm (--year)."

# -- levels as a plan writes them --------------------------------------------
LEVEL_ALL = "Tất cả các cấp"

# -- non-data targets (plan_manual_targets.key → label) ----------------------------
MANUAL_LABELS = {
    "tthc_announced_on_time": "Bộ TTHC được công bố, ban hành kịp thời",
    "tthc_published_on_time": "TTHC được công khai đầy đủ, đúng hạn",
    "tthc_posted_at_desk": "TTHC được niêm yết công khai tại nơi tiếp nhận",
    "e_process_configured": "Quy trình điện tử được cấu hình trên phần mềm Một cửa điện tử",
    "tthc_simplification_recommended": "TTHC được kiến nghị đơn giản hóa",
    "declared_info_reduced": "Giảm thông tin phải khai báo nhờ tái sử dụng dữ liệu số hóa",
    "internal_tthc_reviewed": "TTHC nội bộ được rà soát, thống kê, công khai",
    "one_stop_regulations": "Bộ phận Một cửa có quy chế hoạt động",
    "one_stop_evaluated": "Bộ phận Một cửa được giám sát, đánh giá hoạt động",
    "tthc_on_one_stop_software": "TTHC được tiếp nhận, giải quyết trên phần mềm Một cửa điện tử",
}

# -- deadlines (kpi.plan.deadlines kinds) -------------------------------------------------
DEADLINE_KINDS = {
    "continuous": "Thường xuyên",
    "as_required": "Định kỳ / đột xuất",
    "monthly": "Hàng tháng",
    "quarterly": "Hàng quý",
    "yearly": "Hàng năm",
    "date": "Hạn ngày",
    "month": "Trong tháng",
    "quarter": "Trong quý",
    "half": "Trong 6 tháng",
    "range": "Khoảng thời gian",
    "year": "Trong năm",
    "reference": "Theo văn bản khác",
    "unparsed": "Chưa hiểu được",
}

# -- citations -------------------------------------------------------------------
SECTION_BODY = "mục {section}"
SECTION_TASK = "nhiệm vụ {section}"

# -- the command line --------------------------------------------------------------
CLI_HELP = "Nhập văn bản kế hoạch năm: đề xuất chỉ tiêu, chỉ tiêu nhập tay và nhiệm vụ"
CLI_STORED = ("Đã lưu đề xuất #{doc_id} ({file}, năm {year}): {targets} chỉ tiêu có dữ liệu, "
              "{manual} chỉ tiêu nhập tay, {tasks} nhiệm vụ. Quản trị viên xem lại và xác nhận trên trang "
              "“Nhập kế hoạch”.")
CLI_DRY_RUN = "Chạy thử: không lưu gì."
CLI_SUMMARY = ("Năm {year}: {targets} chỉ tiêu có dữ liệu, {manual} chỉ tiêu nhập tay, {tasks} nhiệm vụ "
               "({parsed}/{tasks} thời hạn đọc được).")
CLI_TARGET_LINE = "  {indicator:<24} {level:<9} {threshold:>6}  {section}"
CLI_TASK_LINE = "  {number:<6} {deadline:<28} {lead}"
CLI_ERROR = "Lỗi: {error}"

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

# -- the page "Nhập kế hoạch" (pages/plan_import.py) -----------------------------------------
PAGE_TITLE = "Nhập kế hoạch"
PAGE_INTRO = ("Tải lên văn bản kế hoạch kiểm soát TTHC của năm (Word, PDF có lớp chữ hoặc văn bản thuần). "
              "Hệ thống đề xuất các chỉ tiêu và nhiệm vụ kèm câu trích trong văn bản; quản trị viên xem lại, sửa "
              "và xác nhận. Chỉ tiêu được xác nhận thành một phiên bản mới của bảng chỉ tiêu, không ghi đè phiên bản cũ.")
UPLOAD_LABEL = "Văn bản kế hoạch (.docx, .pdf, .txt)"
YEAR_LABEL = "Năm kế hoạch"
YEAR_AUTO = "Theo năm ghi trong văn bản"
READ_BUTTON = "Đọc văn bản"
READ_DONE = ("Đã đọc {file}: {targets} chỉ tiêu có dữ liệu, {manual} chỉ tiêu nhập tay, {tasks} nhiệm vụ "
             "({parsed}/{tasks} thời hạn đọc được). Hãy xem lại bên dưới rồi xác nhận.")
PICK_LABEL = "Đề xuất cần xem lại"
PICK_FORMAT = "#{doc_id} · {name} · năm {year} · nhập {at} bởi {by}"
NOTHING_TO_REVIEW = "Chưa có đề xuất nào chờ xác nhận. Hãy tải lên một văn bản kế hoạch."
DOC_HEADER = "{name} — kế hoạch năm {year}"
TARGETS_HEADER = "Chỉ tiêu có dữ liệu"
TARGETS_HELP = ("Mỗi dòng là một chỉ tiêu đề xuất, bên cạnh câu trích từ văn bản và số mục. Sửa ngưỡng hoặc cấp "
                "nếu đọc sai; xóa dòng không phải chỉ tiêu. Cột “Đang áp dụng” là chỉ tiêu hiện hành của năm.")
MANUAL_HEADER = "Chỉ tiêu không có dữ liệu hồ sơ (nhập tay theo kỳ)"
TASKS_HEADER = "Nhiệm vụ trong phụ lục"
TASKS_HELP = ("Thời hạn được đọc lại từ cột “Thời hạn” khi xác nhận: “Thường xuyên”, “Hàng tháng”, “Quý III/2024”, "
              "“Trước ngày 14/3/2024”, “Từ tháng 02 đến tháng 9/2021”, “Tháng 12/2024”, “Năm 2024”.")
UNMATCHED_HEADER = "Câu có tỷ lệ % chưa nhận ra chỉ tiêu ({n})"
CONFIRM_BUTTON = "Xác nhận kế hoạch năm {year}"
CONFIRM_HELP = ("Các chỉ tiêu trên thành phiên bản mới trong bảng chỉ tiêu năm {year} (phiên bản cũ được giữ trong "
                "lịch sử), nguồn ghi rõ văn bản và mục; chỉ tiêu nhập tay và nhiệm vụ được lưu để theo dõi.")
CONFIRMED = ("Đã xác nhận kế hoạch năm {year}: {new} chỉ tiêu thành phiên bản mới, {same} chỉ tiêu không đổi, "
             "{manual} chỉ tiêu nhập tay, {tasks} nhiệm vụ.")
HISTORY_HEADER = "Các văn bản kế hoạch đã nhập"
NOT_ALLOWED = "Chỉ quản trị viên được nhập kế hoạch."
STATUS_LABELS = {"proposed": "Chờ xác nhận", "confirmed": "Đã xác nhận"}
COLUMNS = {
    "indicator": "Chỉ tiêu", "level": "Cấp", "threshold": "Ngưỡng (%)", "current": "Đang áp dụng",
    "section": "Mục", "quote": "Câu trích trong văn bản", "label": "Nội dung", "key": "Mã",
    "number": "Số", "objective": "Mục tiêu", "task": "Nhiệm vụ", "product": "Kết quả/Sản phẩm",
    "lead": "Cơ quan chủ trì", "partner": "Cơ quan phối hợp", "deadline_text": "Thời hạn",
    "deadline_from": "Từ ngày", "deadline_to": "Đến ngày",
    "doc_id": "Số đề xuất", "year": "Năm", "file_name": "Tệp", "reference": "Văn bản", "status": "Trạng thái",
    "imported_by": "Người nhập", "imported_at": "Lúc nhập", "confirmed_by": "Người xác nhận",
    "confirmed_at": "Lúc xác nhận",
}


def cited(sources: list[str | None]) -> str | None:
    """The tooltip of a tile's target line: "Căn cứ: KH 170/KH-VP ngày 18/01/2024, mục I.1.f" (each source once)."""
    unique = list(dict.fromkeys(s for s in sources if s))
    return f"{CITED_PREFIX}{'; '.join(unique)}" if unique else None


CITED_PREFIX = "Căn cứ: "

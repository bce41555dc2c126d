"""Vietnamese strings of the analyst's data pages: upload, load history, targets, units registry."""
from __future__ import annotations

from kpi.text.vi import num

# -- shared -------------------------------------------------------------------
YES, NO = "Có", "Không"
NOT_ALLOWED_EDIT = "Bạn chỉ có quyền xem trang này."

# -- units registry -------------------------------------------------------------
UNITS_TITLE = "Danh mục đơn vị"
UNITS_INTRO = (
    "Danh mục các cơ quan, đơn vị tiếp nhận hồ sơ. Từ 01/07/2025 chính quyền địa phương còn 2 cấp: "
    "đơn vị bị sáp nhập hoặc đổi tên được ghi **hiệu lực đến** và **đơn vị kế thừa**, để số liệu trước "
    "đó được cộng dồn về đơn vị hiện nay."
)
UNITS_TAB_LIST = "Danh sách"
UNITS_TAB_ALIASES = "Ánh xạ tên đơn vị"
UNITS_TAB_SUCCESSION = "Sáp nhập, đổi tên"
UNITS_TAB_ADD = "Thêm đơn vị"
UNITS_SEARCH = "Tìm đơn vị (không cần gõ dấu)"
UNITS_NONE = "Danh mục chưa có đơn vị nào. Đơn vị được thêm khi nạp dữ liệu, hoặc ở thẻ “Thêm đơn vị”."
UNITS_COLUMNS = {
    "unit_id": "Mã", "name": "Tên đơn vị", "level": "Cấp", "valid_from": "Hiệu lực từ", "valid_to": "Hiệu lực đến",
    "successor": "Đơn vị kế thừa", "current_name": "Đơn vị hiện nay", "aliases": "Số tên gọi khác",
}
UNITS_COUNT = "{n} đơn vị, trong đó {current} đang hoạt động."
ALIAS_INTRO = (
    "Tên đơn vị trong tệp tải lên không khớp danh mục thì các dòng đó bị từ chối. Chọn đơn vị đúng cho từng tên "
    "dưới đây: lần nạp sau, tên này được nhận ra tự động (không phân biệt hoa thường, có dấu hay không dấu)."
)
ALIAS_PENDING_NONE = "Không có tên đơn vị nào đang chờ ánh xạ."
ALIAS_NAME = "Tên trong tệp"
ALIAS_PICK = "Đơn vị trong danh mục"
ALIAS_SAVE = "Lưu ánh xạ"
ALIAS_MANUAL = "Ánh xạ một tên khác"
ALIAS_EXISTING = "Các ánh xạ đã lưu"
ALIAS_COLUMNS = {"alias_key": "Tên (đã chuẩn hoá)", "name": "Đơn vị", "created_by": "Người lưu", "created_at": "Lúc"}
ALIAS_NO_SUGGESTION = "(không có gợi ý gần đúng — chọn trong toàn bộ danh mục)"
ALIAS_OUT_OF_SCOPE = "Bạn chỉ được ánh xạ tên về đơn vị thuộc phạm vi của mình."
SUCCESSION_INTRO = (
    "Sáp nhập: chọn các đơn vị cũ và đơn vị tiếp nhận (có sẵn hoặc tên mới). Đổi tên: chọn một đơn vị và nhập tên mới. "
    "Số liệu cũ vẫn giữ nguyên theo đơn vị cũ và được cộng dồn về đơn vị kế thừa."
)
SUCCESSION_OLD = "Đơn vị cũ"
SUCCESSION_INTO = "Đơn vị kế thừa (có sẵn)"
SUCCESSION_NEW_NAME = "…hoặc tên đơn vị mới"
SUCCESSION_DATE = "Có hiệu lực từ ngày"
SUCCESSION_SAVE = "Lưu sáp nhập / đổi tên"
SUCCESSION_CLEAR = "Bỏ liên kết kế thừa"
SUCCESSION_NEED = "Chọn đơn vị cũ và đơn vị kế thừa (hoặc nhập tên mới)."
ADD_NAME = "Tên đơn vị"
ADD_LEVEL = "Cấp (để trống: suy ra từ tên)"
ADD_PARENT = "Đơn vị cấp trên (không bắt buộc)"
ADD_SUBMIT = "Thêm đơn vị"
NONE_OPTION = "—"
SAVED = "Đã lưu."


def units_count(n: int, current: int) -> str:
    return UNITS_COUNT.format(n=num(n), current=num(current))


def suggestion_label(name: str, level_short: str, score: float | None) -> str:
    return f"{name} ({level_short})" + (f" · {score:.0f}%" if score is not None else "")


# -- targets -----------------------------------------------------------------------
TARGETS_TITLE = "Chỉ tiêu kế hoạch"
TARGETS_INTRO = (
    "Ngưỡng từng chỉ số theo năm, cấp và (nếu cần) từng đơn vị. Mỗi lần sửa tạo một phiên bản mới; "
    "phiên bản cũ vẫn được lưu, ghi rõ người sửa và thời điểm."
)
TARGETS_YEAR = "Năm"
TARGETS_NONE_YEAR = "Năm {year} chưa có chỉ tiêu riêng."
TARGETS_NONE = "Chưa có chỉ tiêu nào."
TARGETS_COLUMNS = {
    "indicator": "Chỉ số", "level": "Cấp", "unit": "Đơn vị", "target": "Chỉ tiêu", "from_year": "Áp dụng",
    "source": "Căn cứ",
    "version": "Phiên bản", "created_by": "Người sửa", "created_at": "Thời điểm", "superseded_at": "Hết hiệu lực lúc",
}
TARGETS_EDIT = "Sửa hoặc thêm chỉ tiêu"
TARGETS_INDICATOR = "Chỉ số"
TARGETS_LEVEL = "Cấp áp dụng"
TARGETS_ALL_LEVELS = "Mọi cấp"
TARGETS_UNIT = "Đơn vị (để trống: áp dụng cho cả cấp)"
TARGETS_THRESHOLD = "Ngưỡng (%)"
TARGETS_DIRECTION = "Chiều so sánh"
TARGETS_DIRECTIONS = {">=": "≥ (không thấp hơn)", "<=": "≤ (không cao hơn)"}
TARGETS_SOURCE = "Căn cứ (kế hoạch, văn bản)"
TARGETS_SAVE = "Lưu chỉ tiêu"
TARGETS_SAVED = "Đã lưu chỉ tiêu {indicator} năm {year}: {target} (phiên bản {version})."
TARGETS_HISTORY = "Lịch sử sửa đổi"
TARGETS_OWN = "Chỉ tiêu năm {year}"
TARGETS_INHERITED = "Kế thừa từ {year}"
TARGETS_UNCONFIRMED = (
    "Năm {year} chưa xác nhận chỉ tiêu riêng: {applied}. Các chỉ tiêu ghi “kế thừa” được lấy từ năm trước; "
    "sửa một chỉ tiêu hoặc bấm “{button}” sẽ chép toàn bộ chỉ tiêu kế thừa thành chỉ tiêu của năm {year}."
)
TARGETS_CONFIRM = "Xác nhận chỉ tiêu năm {year}"
TARGETS_CONFIRM_HELP = "Chép các chỉ tiêu đang kế thừa thành chỉ tiêu của năm này (ghi nhật ký); không đổi ngưỡng nào."
TARGETS_CONFIRMED = "Đã xác nhận {n} chỉ tiêu kế thừa thành chỉ tiêu năm {year}."
TARGETS_READ_ONLY = "Chỉ quản trị viên được sửa chỉ tiêu; bạn đang xem ở chế độ chỉ đọc."

# -- upload ------------------------------------------------------------------------------
UPLOAD_TITLE = "Nạp dữ liệu"
UPLOAD_INTRO = (
    "Tải lên tệp xuất từ phần mềm Một cửa điện tử, cổng PAKN, khảo sát hài lòng (.xlsx, .xls, .csv, hoặc .txt "
    "lưu từ Excel dạng “Unicode Text”) hoặc "
    "Biểu số 06/VPCP/KSTT của đơn vị chưa có dữ liệu chi tiết. Mỗi tệp được kiểm tra trước: **chưa có gì được ghi** "
    "cho đến khi bạn bấm “Xác nhận nạp”."
)
UPLOAD_PICK = "Chọn một hoặc nhiều tệp (tối đa {mb} MB mỗi tệp)"
UPLOAD_TYPES = ("xlsx", "xls", "csv", "txt", "tsv", "json")  # .txt: Excel's "Unicode Text"; .json: QĐ 766 portal scores
UPLOAD_CHECKING = "Đang đọc và kiểm tra tệp {name}…"
UPLOAD_REFUSED = "Không nạp được tệp này: {reason}"
UPLOAD_TOO_LARGE = "Tệp quá lớn ({size} MB, tối đa {mb} MB). Hãy xuất theo từng tháng hoặc từng đơn vị rồi nạp từng tệp."
UPLOAD_KIND = "Loại dữ liệu"
UPLOAD_SHEET = "Trang tính"
UPLOAD_HEADER_ROW = "Dòng tiêu đề"
UPLOAD_ROWS_READ = "Số dòng đọc được"
UPLOAD_ROWS_FOUND = "Số dòng dữ liệu dưới tiêu đề"
UPLOAD_READ_SUMMARY = "Những gì đọc được trong tệp: {summary}"


def mapping_option(sample) -> str:
    """'Cột F — Ngày hẹn trả (vd: 05/03/2024, 12/03/2024)' for an etl.describe.ColumnSample."""
    text = f"Cột {sample.letter} — {sample.label}"
    return text + (f" (vd: {', '.join(sample.samples)})" if sample.samples else " (cột trống)")


UPLOAD_PROFILE_USED = "Đã áp dụng cấu hình nguồn dữ liệu đã lưu: «{name}»."
UPLOAD_MAPPING = "Cột trong tệp được dùng cho từng trường"
UPLOAD_MAPPING_FIELD = "Trường dữ liệu"
UPLOAD_MAPPING_SOURCE = "Cột trong tệp"
UPLOAD_MAPPING_MISSING = "(không tìm thấy)"
UPLOAD_MANUAL_TITLE = "Chọn cột cho các trường bắt buộc chưa nhận ra"
UPLOAD_MANUAL_INTRO = (
    "Phần mềm chưa nhận ra một số cột bắt buộc. Chọn cột tương ứng trong tệp cho từng trường, đặt tên cho cấu hình: "
    "lần sau, tệp có cùng dòng tiêu đề sẽ được nhận ra tự động."
)
UPLOAD_MANUAL_PICK = "Chọn cột…"
UPLOAD_PROFILE_NAME = "Tên cấu hình nguồn dữ liệu"
UPLOAD_PROFILE_DEFAULT = "Một cửa điện tử – báo cáo chi tiết"
UPLOAD_MANUAL_APPLY = "Lưu cấu hình và kiểm tra lại"
UPLOAD_MANUAL_INCOMPLETE = "Hãy chọn cột cho tất cả các trường bắt buộc."
UPLOAD_COUNTS = {"new": "Hồ sơ mới", "updated": "Cập nhật", "unchanged": "Không đổi", "rejected": "Dòng bị loại"}
UPLOAD_COUNTS_FORM06 = {"new": "Dòng mới", "updated": "Cập nhật", "unchanged": "Không đổi", "rejected": "Dòng bị loại"}
UPLOAD_COUNTS_HELP = "So với dữ liệu đang có trong kho (theo mã hồ sơ)."
UPLOAD_OUT_OF_SCOPE = "Thuộc đơn vị khác, bỏ qua: {n} dòng (ngoài phạm vi được phân quyền của bạn; không phải lỗi)."
UPLOAD_OUTSIDE_VALIDITY = ("{n} hồ sơ có ngày tiếp nhận ngoài thời gian hoạt động của đơn vị trong danh mục "
                           "(ví dụ đơn vị đã sáp nhập): vẫn được nạp và tính cho đơn vị kế thừa.")
UPLOAD_PREVIEW = "Xem trước {n} dòng đầu như sẽ được lưu (ngày dạng dd/mm/yyyy)"
UPLOAD_DUPLICATES = ("{n} dòng trùng mã trong tệp không được nạp: với mỗi mã giữ một dòng — trạng thái đã hoàn thành "
                     "trước, rồi thời điểm có kết quả / tiếp nhận mới nhất, rồi dòng đủ thông tin hơn, rồi dòng sau "
                     "cùng. Các dòng bị bỏ có trong danh sách dòng bị loại (lý do «Trùng mã»).")
UPLOAD_REJECTS = "Các dòng bị loại ({n} dòng) — sẽ không được nạp"
UPLOAD_REJECTS_NONE = "Không có dòng nào bị loại."
UPLOAD_REJECTS_DOWNLOAD = "Tải các dòng bị loại (Excel, có cột “Lỗi”)"
UPLOAD_REJECTS_HINT = "Sửa các dòng trong tệp Excel này rồi tải lại lên: cột “Dòng” và “Lỗi” được bỏ qua khi nạp."
UPLOAD_NEW_UNITS = "Đơn vị chưa có trong danh mục ({n}) — kiểm tra trước khi nạp"
UPLOAD_NEW_UNITS_INTRO = (
    "Các tên dưới đây chưa khớp đơn vị nào trong danh mục. Nếu là cách viết khác của một đơn vị đã có, chọn đơn vị đó "
    "(tên được lưu làm tên gọi khác); nếu là đơn vị mới, giữ “Thêm đơn vị mới”."
)
UPLOAD_NEW_UNITS_ADDED = "{n} đơn vị mới sẽ được thêm vào danh mục: {names}."
UPLOAD_NEW_UNIT_OPTION = "➕ Thêm đơn vị mới"
UPLOAD_NEW_UNITS_APPLY = "Lưu ánh xạ đơn vị và kiểm tra lại"
UPLOAD_CONFIRM = "Xác nhận nạp"
UPLOAD_CONFIRM_HELP = "Ghi các dòng hợp lệ vào kho trong một lượt (có thể hoàn tác ở trang Lịch sử nạp)."
UPLOAD_NOTHING_TO_LOAD = "Tệp không có dòng hợp lệ nào để nạp."
UPLOAD_VALUES_TITLE = "Giá trị chưa nhận ra — chọn cách hiểu cho nguồn dữ liệu này"
UPLOAD_VALUES_INTRO = ("Lựa chọn được lưu vào cấu hình nguồn dữ liệu (cùng ánh xạ cột) và tự áp dụng cho các tệp sau "
                       "có cùng dòng tiêu đề.")
UPLOAD_CHANNEL_PICK = "Hình thức nộp «{text}» ({n} dòng) là kênh"
UPLOAD_RATING_SCALE = "{n} dòng ghi mức độ hài lòng bằng số: thang điểm của hệ thống là"
UPLOAD_RATING_SCALE_PICK = "Chọn thang…"
UPLOAD_RATING_SCALES = {3: "3 mức (3 Hài lòng, 2 Bình thường, 1 Không hài lòng)",
                        4: "4 mức (4 Rất hài lòng … 1 Không hài lòng)",
                        5: "5 mức (5 Rất hài lòng, 4 Hài lòng, 3 Bình thường, 2–1 Không hài lòng)"}
UPLOAD_VALUES_APPLY = "Lưu vào cấu hình và kiểm tra lại"
UPLOAD_LOADING = "Đang nạp…"
UPLOAD_DONE = "Đã nạp xong lượt #{batch}: {new} mới, {updated} cập nhật, {unchanged} không đổi, {rejected} dòng bị loại."
UPLOAD_DONE_HINT = "Các chỉ số đã được cập nhật. Xem hoặc hoàn tác lượt nạp ở trang “Lịch sử nạp”."
UPLOAD_DONE_REFUSED = "Tệp bị từ chối: {reason}"
UPLOAD_NONE = "Chưa chọn tệp nào."
UPLOAD_FORM06_TITLE = "Biểu số 06/VPCP/KSTT — số liệu tổng hợp"
UPLOAD_FORM06_INTRO = (
    "Số liệu tổng hợp chỉ được dùng cho đơn vị và kỳ **không có** dữ liệu chi tiết từng hồ sơ "
    "(nếu có, số liệu chi tiết được ưu tiên, không cộng trùng). Số hóa và kết quả điện tử không có trong biểu."
)
UPLOAD_FORM06_UNIT = "Đơn vị báo cáo"
UPLOAD_FORM06_FROM = "Kỳ báo cáo từ ngày"
UPLOAD_FORM06_TO = "đến ngày"
UPLOAD_FORM06_PICK_UNIT = "— chọn đơn vị —"
UPLOAD_FORM06_IDENTITIES = "Kiểm tra các đẳng thức của biểu"
UPLOAD_FORM06_READING = {
    "both": "Cột (3) bằng cả (4)+(5)+(6) và (7)+(11) ở mọi dòng.",
    "received_by_channel": "Cột (3) theo cách tính (3) = (4)+(5)+(6) (mẫu biểu theo kênh tiếp nhận).",
    "received_by_outcome": "Cột (3) theo cách tính (3) = (7)+(11) (mẫu biểu theo kết quả giải quyết).",
    None: "Cột (3) không theo cùng một cách tính ở mọi dòng — xem các dòng bị loại.",
}
UPLOAD_FORM06_COLUMNS = {
    "level": "Cấp", "field": "Lĩnh vực", "received_total": "(3) Tổng nhận", "received_online": "(4) Trực tuyến",
    "received_direct": "(5) Trực tiếp, BC", "carried_over": "(6) Kỳ trước", "resolved_total": "(7) Đã GQ",
    "resolved_early": "(8) Trước hạn", "resolved_on_time": "(9) Đúng hạn", "resolved_overdue": "(10) Quá hạn",
    "in_progress_total": "(11) Đang GQ", "in_progress_within": "(12) Trong hạn", "in_progress_overdue": "(13) Quá hạn",
}


def identity_line(formula: str, holds: int, fails: int) -> str:
    total = holds + fails
    mark = "✔" if fails == 0 else "✘"
    return f"{mark} {formula}: đúng {num(holds)}/{num(total)} dòng"


def upload_done(batch: int, counts: dict) -> str:
    text = UPLOAD_DONE.format(batch=batch, new=num(counts.get("new", 0)), updated=num(counts.get("updated", 0)),
                              unchanged=num(counts.get("unchanged", 0)), rejected=num(counts.get("rows_rejected", 0)))
    if counts.get("out_of_scope"):
        text += " " + UPLOAD_OUT_OF_SCOPE.format(n=num(counts["out_of_scope"]))
    return text


# -- history ------------------------------------------------------------------------------
HISTORY_TITLE = "Lịch sử nạp"
HISTORY_INTRO = "Mọi lượt nạp: ai nạp, lúc nào, tệp nào, kết quả ra sao. Hoàn tác một lượt đưa dữ liệu về đúng trạng thái trước lượt đó."
HISTORY_NONE = "Chưa có lượt nạp nào."
HISTORY_COLUMNS = {
    "id": "Lượt", "loaded_at": "Thời điểm", "user": "Người nạp", "file": "Tệp", "sha": "SHA-256", "kind": "Loại",
    "rows_read": "Đọc", "rows_new": "Mới", "rows_updated": "Cập nhật", "rows_unchanged": "Không đổi",
    "rows_rejected": "Bị loại", "status": "Trạng thái",
}
STATUS_LABELS = {"loaded": "Đã nạp", "refused": "Bị từ chối", "undone": "Đã hoàn tác"}
HISTORY_ONLY_MINE = "Chỉ hiện lượt nạp của tôi"
HISTORY_UNDO_TITLE = "Hoàn tác một lượt nạp"
HISTORY_UNDO_PICK = "Chọn lượt nạp"
HISTORY_UNDO = "Hoàn tác"
HISTORY_UNDO_NONE = "Không có lượt nạp nào bạn được phép hoàn tác."
HISTORY_UNDO_RULE_ANALYST = "Chuyên viên chỉ hoàn tác được lượt nạp do mình thực hiện; quản trị viên hoàn tác được mọi lượt."
HISTORY_UNDO_CONFIRM = (
    "Hoàn tác lượt #{id} ({file}, {n} dòng đã nạp)? Các hồ sơ lượt này thêm mới sẽ bị xóa, các hồ sơ lượt này cập nhật "
    "được trả về phiên bản trước. Thao tác được ghi vào nhật ký."
)
HISTORY_UNDO_YES = "Xác nhận hoàn tác"
HISTORY_UNDO_NO = "Thôi"
HISTORY_UNDONE = "Đã hoàn tác lượt #{id}: xóa {removed} dòng, khôi phục {restored} dòng phiên bản trước."
HISTORY_REJECTS_TITLE = "Tải các dòng bị loại của một lượt"
HISTORY_REJECTS_NONE = "Không có lượt nào có dòng bị loại (trong các lượt bạn được xem)."
HISTORY_REJECTS_DOWNLOAD = "Tải Excel các dòng bị loại của lượt #{id}"
HISTORY_REFUSAL = "Lý do từ chối"


def batch_label(batch: dict, kind_label: str) -> str:
    when = (batch.get("loaded_at") or "")[:16].replace("T", " ")
    if when:
        d, _, t = when.partition(" ")
        y, m, dd = d.split("-")
        when = f"{dd}/{m}/{y} {t}"
    return f"#{batch['id']} · {batch['file']} · {kind_label} · {when} · {batch.get('user') or '—'}"

# -- QĐ 766 scores published by the national portal (etl/portal766.py) ----------------------------
UPLOAD_PORTAL_INTRO = ("Điểm Chỉ số 766 tải từ Cổng Dịch vụ công quốc gia (tệp JSON kết quả đánh giá hoặc bảng Excel). "
                       "Điểm công bố được dùng thay điểm mô phỏng ở trang Chỉ số 766, cho đúng kỳ đã chọn.")
UPLOAD_PORTAL_SCOPE = "Điểm công bố của cả tỉnh chỉ tài khoản phạm vi toàn tỉnh được nạp."
UPLOAD_PORTAL_UNMATCHED = "Đơn vị trên Cổng chưa có trong danh mục (điểm được giữ, chưa dùng; hãy gán tên ở Danh mục đơn vị): {names}"
UPLOAD_PORTAL_COLUMNS = {"unit_name": "Đơn vị (trên Cổng)", "unit_type": "Loại", "grp": "Nhóm", "metric": "Chỉ tiêu thành phần",
                         "score": "Điểm", "max_score": "Tối đa", "ratio": "Tỷ lệ (%)", "quality_status": "Cảnh báo dữ liệu"}

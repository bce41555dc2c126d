"""Vietnamese words of the verdict (``kpi.measures.verdict``): statuses, the headline, notes.

Apart from ``kpi.text.vi`` so the one place that decides met / not met also has
one place for how it is said, on the dashboard, the slides and the PDF alike.
"""
from __future__ import annotations

STATUS_LABELS = {
    "met": "Đạt",
    "not_met": "Chưa đạt",
    "no_data": "Chưa có dữ liệu",
    "no_target": "Không có chỉ tiêu",
    "few": "Ít hồ sơ, không kết luận",
    "abolished": "Đã giải thể, không kết luận",
}
STATUS_MARKS = {"met": "✔", "not_met": "✘"}
FEW_NOTE = "ít hồ sơ, không kết luận"
FEW_DETAIL = "{kpi}: {levels} {what} (dưới {min}), ít hồ sơ, không kết luận"
ABOLISHED_NOTE = ("Hồ sơ còn tồn của các huyện đã giải thể từ {date}: hiển thị riêng, "
                  "không tính vào đánh giá chỉ tiêu")
LEVELS_MET = "Đạt ở {met}/{total} cấp"
HEADLINE = "Kế hoạch năm {year}: {met}/{total} chỉ tiêu đạt trong kỳ {period}"
HEADLINE_NONE = "Kế hoạch năm {year}: chưa đủ dữ liệu để đánh giá chỉ tiêu trong kỳ {period}"
MISSED = "Chưa đạt: {names}."
MISSED_AT = "{kpi} ({levels})"
MET_OVERALL_MISSED_AT = "đạt chỉ tiêu {target} tính chung nhưng chưa đạt ở {levels}"
MET_AT_LEVELS = "đạt chỉ tiêu {target} ở mọi cấp được đánh giá"
ALL_MET_NOTE = "Tất cả chỉ tiêu có dữ liệu đều đạt."

# Units that need attention, ranked by the dossiers they miss.
ATTENTION_TITLE = "Đơn vị cần chú ý: {n} đơn vị dưới chỉ tiêu giải quyết đúng hạn"
ATTENTION_TOP = "Xếp theo số hồ sơ còn thiếu để đạt chỉ tiêu; đang hiện {shown} đơn vị thiếu nhiều nhất."
ATTENTION_MORE = "… và {n} đơn vị khác (xem trang Giải quyết đúng hạn)."
ATTENTION_COLUMNS = ("Đơn vị", "Cần thêm (hồ sơ đúng hạn)", "Tỷ lệ đúng hạn", "Hồ sơ quá hạn", "")
APART_UNITS = "Không xếp hạng {n} đơn vị của cấp đã giải thể (hồ sơ còn tồn): {names}."
GAP_SHORT = "thiếu {n}"
RANK_TOO_FEW = "Không xếp hạng (dưới {n} đơn vị)"

# Whose data a page shows (the header of every page).
SCOPE_PROVINCE = "Phạm vi: Toàn tỉnh"
SCOPE_LEVEL = "Phạm vi: {level} (toàn tỉnh)"
SCOPE_PREFIX = "Phạm vi: "
SCOPE_COMMUNES = "{n} đơn vị cấp xã"
SCOPE_OTHERS = "{n} đơn vị cấp {level}"
SCOPE_NONE = "Phạm vi: chưa được giao đơn vị nào"


def scope_line(kind: str, level_label: str | None, units: list[tuple[str, str]], max_names: int = 2) -> str:
    """'Phạm vi: UBND huyện Nhơn Trạch và 12 đơn vị cấp xã' from the scope's (name, level) units.

    Province and district units are named (up to ``max_names``, else counted); communes are counted."""
    if kind == "province":
        return SCOPE_PROVINCE
    if kind == "level":
        return SCOPE_LEVEL.format(level=level_label or "")
    if not units:
        return SCOPE_NONE
    communes = [name for name, level in units if level == "commune"]
    others = [(name, level) for name, level in units if level != "commune"]
    if len(units) == 1:
        return SCOPE_PREFIX + units[0][0]
    parts = []
    if len(others) <= max_names:
        parts += [name for name, _ in others]
    else:
        for level, word in (("province", "tỉnh"), ("district", "huyện")):
            n = sum(1 for _, lv in others if lv == level)
            if n:
                parts.append(SCOPE_OTHERS.format(n=n, level=word))
    if communes:
        parts.append(SCOPE_COMMUNES.format(n=len(communes)) if len(communes) > 1 or others else communes[0])
    return SCOPE_PREFIX + (", ".join(parts[:-1]) + " và " + parts[-1] if len(parts) > 1 else parts[0])

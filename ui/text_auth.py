"""Vietnamese strings of login, accounts and the audit log (to be folded into one UI text module later)."""
from __future__ import annotations

import json

from kpi.text import vi
from kpi.text.vi import LEVEL_LABELS

LOGIN_TITLE = "Đăng nhập"
LOGIN_NAME = "Tên đăng nhập"
LOGIN_PASSWORD = "Mật khẩu"
LOGIN_SUBMIT = "Đăng nhập"
LOGIN_SSO = "Đăng nhập bằng tài khoản tổ chức"
LOGIN_SSO_MISSING = "Đăng nhập một lần chưa sẵn sàng trên máy chủ (thiếu gói Authlib). Hãy dùng mật khẩu."
LOGIN_EMPTY = "Hãy nhập tên đăng nhập và mật khẩu."
LOGIN_THROTTLED = "Đã nhập sai nhiều lần từ trình duyệt này: hãy chờ {seconds} giây rồi thử lại."
SESSION_EXPIRED = "Phiên làm việc đã hết hạn do không hoạt động. Vui lòng đăng nhập lại."
SSO_SIGN_OUT = "Đăng xuất khỏi tài khoản tổ chức"
MEETING_LINK_INVALID = "Liên kết giao ban đã hết hạn hoặc đã bị thu hồi. Hãy xin quản trị viên một liên kết mới."
SSO_AGAIN = "Phiên làm việc đã hết hạn. Bấm nút dưới đây để đăng nhập lại."

FIRST_RUN_TITLE = "Tạo tài khoản quản trị"
FIRST_RUN_INTRO = (
    "Chưa có tài khoản nào. Tạo tài khoản quản trị đầu tiên: tài khoản này quản lý người dùng, "
    "chỉ tiêu và danh mục đơn vị, xem được toàn tỉnh."
)
PASSWORD_AGAIN = "Nhập lại mật khẩu"
PASSWORD_MISMATCH = "Hai lần nhập mật khẩu không khớp."
FIRST_RUN_SUBMIT = "Tạo tài khoản quản trị"


def password_hint(minimum: int) -> str:
    return f"Mật khẩu có ít nhất {minimum} ký tự, không trùng tên đăng nhập."


LOGOUT = "Đăng xuất"
NOT_ALLOWED = "Bạn không có quyền xem trang này."

ROLE_LABELS = {"leader": "Lãnh đạo", "analyst": "Chuyên viên", "admin": "Quản trị"}
SCOPE_KIND_LABELS = {"province": "Toàn tỉnh", "level": "Theo cấp", "units": "Theo đơn vị"}

# Admin: users
USERS_TITLE = "Người dùng"
USERS_LIST = "Danh sách tài khoản"
USERS_NONE = "Chưa có tài khoản nào."
USERS_COLUMNS = {
    "name": "Tên đăng nhập", "role": "Vai trò", "scope": "Phạm vi", "email": "Email",
    "active": "Đang hoạt động", "state": "Trạng thái", "failed_attempts": "Số lần nhập sai",
}
USER_ADD = "Thêm người dùng"
USER_EMAIL = "Email (để đăng nhập một lần, không bắt buộc)"
USER_ROLE = "Vai trò"
USER_SCOPE_KIND = "Phạm vi dữ liệu"
USER_SCOPE_LEVEL = "Cấp (khi phạm vi theo cấp)"
USER_SCOPE_UNITS = "Đơn vị (khi phạm vi theo đơn vị; huyện gồm cả các xã trực thuộc)"
USER_SCOPE_UNITS_EMPTY = "Hãy chọn ít nhất một đơn vị."
USER_ADD_SUBMIT = "Tạo tài khoản"
USER_EDIT = "Sửa tài khoản"
USER_PICK = "Chọn tài khoản"
USER_RESET_PASSWORD = "Đặt lại mật khẩu"
USER_NEW_PASSWORD = "Mật khẩu mới"
USER_SAVE_ROLE_SCOPE = "Lưu vai trò và phạm vi"
USER_UNLOCK = "Mở khoá"
USER_DEACTIVATE = "Vô hiệu hoá"
USER_ACTIVATE = "Kích hoạt lại"
STATE_ACTIVE = "Hoạt động"
STATE_INACTIVE = "Đã vô hiệu hoá"


def state_label(user: dict) -> str:
    if not user["active"]:
        return STATE_INACTIVE
    if user["locked"]:
        return f"Tạm khoá đến {vi.time_and_date(user['locked_until'])}"
    return STATE_ACTIVE


def done(action: str, name: str) -> str:
    return f"{action}: {name}."


def scope_label(scope: dict | str, unit_names: dict[str, str] | None = None) -> str:
    """'Toàn tỉnh', 'Cấp huyện', 'Đơn vị: UBND huyện Nhơn Trạch, …' for a stored scope."""
    if isinstance(scope, str):
        scope = json.loads(scope)
    kind = scope.get("kind")
    if kind == "province":
        return SCOPE_KIND_LABELS["province"]
    if kind == "level":
        return LEVEL_LABELS.get(scope.get("level"), str(scope.get("level")))
    names = [(unit_names or {}).get(u, u) for u in scope.get("unit_ids", [])]
    return "Đơn vị: " + ", ".join(names)


# Admin: meeting links (kpi.access.sessions)
MEETING_LINK_TITLE = "Liên kết giao ban cho máy chiếu"
MEETING_LINK_INTRO = (
    "Máy tính phòng họp mở chế độ giao ban bằng liên kết này, không cần mật khẩu: chỉ xem, chỉ trang giao ban, "
    "chỉ trong phạm vi đã chọn, hết hạn sau số giờ đã đặt và có thể thu hồi bất cứ lúc nào. "
    "Liên kết chỉ hiện một lần khi tạo; mất liên kết thì thu hồi và tạo liên kết mới."
)
MEETING_LINK_LABEL = "Tên gợi nhớ (ví dụ: Phòng họp tầng 3)"
MEETING_LINK_HOURS = "Hiệu lực (giờ)"
MEETING_LINK_CREATE = "Tạo liên kết giao ban"
MEETING_LINK_MADE = "Đã tạo liên kết giao ban #{id}, hiệu lực đến {until}. Sao chép liên kết dưới đây sang máy phòng họp:"
MEETING_LINK_NONE = "Không có liên kết giao ban nào còn hiệu lực."
MEETING_LINK_COLUMNS = {"id": "Liên kết", "label": "Tên gợi nhớ", "scope": "Phạm vi", "by": "Người tạo",
                        "expires": "Hết hạn lúc"}
MEETING_LINK_PICK = "Chọn liên kết"
MEETING_LINK_REVOKE = "Thu hồi"
MEETING_LINK_REVOKED = "Đã thu hồi liên kết giao ban giaoban#{id}."

# Admin: audit log
AUDIT_TITLE = "Nhật ký hệ thống"
AUDIT_USER = "Người thực hiện"
AUDIT_ACTION = "Hành động"
AUDIT_DATES = "Khoảng ngày"
AUDIT_ONLY_FAILED = "Chỉ hiện thao tác không thành công"
AUDIT_ALL = "Tất cả"
AUDIT_NONE = "Không có bản ghi nào khớp bộ lọc."
AUDIT_LIMIT_NOTE = "Hiện {shown} bản ghi mới nhất (tối đa {limit})."
AUDIT_COLUMNS = {
    "logged_at": "Thời điểm", "user_name": "Người thực hiện", "action": "Hành động",
    "target": "Đối tượng", "detail": "Chi tiết", "what": "Nội dung", "success": "Thành công",
}
ACTION_LABELS = {
    "login": "Đăng nhập",
    "login_sso": "Đăng nhập một lần (SSO)",
    "logout": "Đăng xuất / hết phiên",
    "user.create": "Tạo tài khoản",
    "user.set_password": "Đặt mật khẩu",
    "user.unlock": "Mở khoá tài khoản",
    "user.set_role": "Đổi vai trò",
    "user.set_scope": "Đổi phạm vi",
    "user.set_email": "Đổi email",
    "user.deactivate": "Vô hiệu hoá tài khoản",
    "user.activate": "Kích hoạt tài khoản",
    "cli": "Lệnh dòng lệnh",
    "upload": "Tải dữ liệu lên",
    "undo": "Hoàn tác lượt nạp",
    "export": "Xuất dữ liệu",
    "target.set": "Sửa chỉ tiêu",
    "target.confirm": "Xác nhận chỉ tiêu năm",
    "meeting_link.create": "Tạo liên kết giao ban",
    "meeting_link.revoke": "Thu hồi liên kết giao ban",
    "unit.add": "Thêm đơn vị",
    "unit.alias": "Ánh xạ tên đơn vị",
    "unit.successor": "Sáp nhập / đổi tên đơn vị",
    "profile.save": "Lưu mẫu ánh xạ cột",
    "report": "Xuất báo cáo",
    "pack": "Xuất tài liệu giao ban",
}


def action_label(action: str) -> str:
    return ACTION_LABELS.get(action, action)

"""Audit-log rows in words for the 'Nhật ký hệ thống' page (issue 17 item 8).

'Sửa chỉ tiêu Giải quyết đúng hạn 2026: 97% → 98%' instead of '2026/on_time_rate/*/*'
and raw JSON. ``sentence(action, target, detail)`` knows the actions kpi.warehouse.audit lists;
any other row falls back to its action label, target and details as 'tên: giá trị'.
"""
from __future__ import annotations

import json

from kpi.text.vi import KPI_LABELS, LEVEL_LABELS, pct
from ui.text_auth import ROLE_LABELS, action_label, scope_label

REASONS = {
    "wrong password": "sai mật khẩu",
    "locked": "tài khoản đang tạm khoá",
    "unknown user": "không có tài khoản này",
    "inactive": "tài khoản đã bị vô hiệu hoá",
    "expired": "hết phiên do không hoạt động",
    "logout": "tự đăng xuất",
    "deactivated": "tài khoản bị vô hiệu hoá",
    "revoked": "phiên bị thu hồi",
    "not allowed": "không được phép",
    "no active account with this email": "không có tài khoản hoạt động với email này",
}
METHODS = {"password": "mật khẩu", "first_run": "tạo quản trị đầu tiên", "sso": "tài khoản tổ chức",
           "token": "phiên đã lưu trên trình duyệt", "meeting_link": "liên kết giao ban"}
DETAIL_NAMES = {
    "reason": "lý do", "method": "cách", "batch_id": "lượt", "batch": "lượt", "kind": "loại", "status": "trạng thái",
    "rows_read": "dòng đọc", "rows_loaded": "dòng nạp", "rows_rejected": "dòng bị loại", "new": "mới",
    "updated": "cập nhật", "unchanged": "không đổi", "duplicates": "trùng", "profile": "mẫu cột", "role": "vai trò",
    "from": "từ", "to": "thành", "email": "email", "level": "cấp", "file": "tệp", "removed": "đã gỡ",
    "restored": "đã khôi phục", "failures": "số lần sai", "locked_until": "khoá đến", "name": "tên",
    "alias": "tên khác", "successor_id": "đơn vị kế tục", "valid_to": "hiệu lực đến", "parent_id": "đơn vị cấp trên",
    "rows_removed": "dòng đã gỡ", "error": "lỗi", "count": "số lượng", "expires_at": "hết hạn", "scope": "phạm vi",
}


def _detail(detail) -> dict | str | None:
    if detail is None or detail == "":
        return None
    if isinstance(detail, dict):
        return detail
    try:
        parsed = json.loads(detail)
    except (TypeError, ValueError):
        return str(detail)
    return parsed if isinstance(parsed, dict) else str(detail)


def _value(value) -> str:
    if isinstance(value, bool):
        return "có" if value else "không"
    if isinstance(value, str):
        return REASONS.get(value, METHODS.get(value, value))
    if isinstance(value, (list, tuple)):
        return ", ".join(_value(v) for v in value)
    return str(value)


def _pairs(detail: dict) -> str:
    skip = {"password", "signature", "mapping", "key"}
    return "; ".join(f"{DETAIL_NAMES.get(k, k)}: {_value(v)}" for k, v in detail.items()
                     if k not in skip and v not in (None, "", [], {}))


def _target_rate(value) -> str:
    return pct(float(value), 0 if round(float(value) * 100, 6).is_integer() else 1)


def _target_set(target: str, detail) -> str:
    if isinstance(detail, dict) and "indicator" in detail:
        year, indicator, level, unit = detail["year"], detail["indicator"], detail.get("level"), detail.get("unit_id")
        old, new = detail.get("old"), detail.get("new")
    else:  # rows written before issue 17: '2026/on_time_rate/*/*' and '0.9800 >= (phiên bản 2)'
        year, indicator, level, unit = (list(str(target).split("/")) + ["*"] * 4)[:4]
        old, new = None, (str(detail).split() or [None])[0] if detail else None
    where = (f" ({LEVEL_LABELS.get(level, level).lower()})" if level not in (None, "*") else "") + \
            (f" (đơn vị {unit})" if unit not in (None, "*") else "")
    change = f"{_target_rate(old)} → {_target_rate(new)}" if old is not None else f"đặt {_target_rate(new)}"
    return f"Sửa chỉ tiêu {KPI_LABELS.get(indicator, indicator)} {year}{where}: {change}"


def _user_change(action: str, target: str, detail) -> str:
    who = f"«{target}»"
    d = detail if isinstance(detail, dict) else {}
    if action == "user.create":
        scope = scope_label(d["scope"]) if d.get("scope") else ""
        return f"Tạo tài khoản {who} ({ROLE_LABELS.get(d.get('role'), d.get('role') or '')}{', ' + scope if scope else ''})"
    if action == "user.set_role":
        return f"Đổi vai trò của {who}: {ROLE_LABELS.get(d.get('from'), d.get('from'))} → {ROLE_LABELS.get(d.get('to'), d.get('to'))}"
    if action == "user.set_scope" and d.get("to"):
        return f"Đổi phạm vi của {who}: {scope_label(d['from']) if d.get('from') else '—'} → {scope_label(d['to'])}"
    if action == "user.set_email":
        return f"Đổi email của {who}: {d.get('from') or '—'} → {d.get('to') or '—'}"
    return f"{action_label(action)} {who}"


def sentence(action: str, target: str | None, detail=None, success: bool = True) -> str:
    """One audit row in words."""
    detail = _detail(detail)
    target = "" if target is None else str(target)
    d = detail if isinstance(detail, dict) else {}
    if action == "target.set":
        return _target_set(target, detail)
    if action == "target.confirm" and d:
        sources = ", ".join(str(y) for y in d.get("from_years", []))
        return f"Xác nhận {d.get('count')} chỉ tiêu năm {d.get('year')}" + (f" (chép từ năm {sources})" if sources else "")
    if action in ("login", "login_sso"):
        if success:
            return f"Đăng nhập bằng {METHODS.get(d.get('method'), METHODS['sso'] if action == 'login_sso' else 'mật khẩu')}"
        extra = f" (lần sai thứ {d['failures']})" if d.get("failures") else ""
        return f"Đăng nhập không thành công ({target or 'không rõ tài khoản'}): {_value(d.get('reason', ''))}{extra}"
    if action == "logout":
        return f"Kết thúc phiên: {_value(d.get('reason', 'logout'))}"
    if action.startswith("user."):
        return _user_change(action, target, detail)
    if action == "upload" and d:
        batch = d.get("batch_id", d.get("batch"))
        counts = ", ".join(f"{_value(d[k])} {DETAIL_NAMES[k]}" for k in ("new", "updated", "unchanged", "rows_rejected")
                           if d.get(k) is not None)
        head = f"Nạp tệp «{target}»" + (f" (lượt #{batch})" if batch is not None else "")
        return head + (f": {counts}" if counts else "") + ("" if success else f" — {_value(d.get('reason', 'bị từ chối'))}")
    if action == "meeting_link.create" and d:
        return f"Tạo liên kết giao ban {target} ({scope_label(d['scope']) if d.get('scope') else ''}), " \
               f"hiệu lực đến {d.get('expires_at')}" + (f": {d['name']}" if d.get("name") else "")
    if action == "undo":
        return f"Hoàn tác lượt nạp #{target}" + (f" (tệp «{d['file']}»)" if d.get("file") else "") + \
            (f": {_value(d['reason'])}" if d.get("reason") else "")
    text = action_label(action) + (f": {target}" if target else "")
    if isinstance(detail, dict) and _pairs(detail):
        text += f" — {_pairs(detail)}"
    elif isinstance(detail, str):
        text += f" — {detail}"
    return text

"""`python -m kpi users …`: accounts from the command line, thin over kpi.access.accounts.

    python -m kpi users add NAME --role leader|analyst|admin [--scope S] [--email E] [--db PATH]
    python -m kpi users set-password NAME [--db PATH]
    python -m kpi users list [--json] [--db PATH]
    python -m kpi users unlock NAME [--db PATH]
    python -m kpi users set-role NAME ROLE | set-scope NAME S | deactivate NAME | activate NAME

S is JSON or a shorthand: ``province``, ``level:district``, ``units:id1,id2``.
A password is read from standard input (one line), or asked twice when standard
input is a terminal; there is no option to pass it as an argument, so it never
lands in the shell history, the process list or the audit log.
Every call is recorded in the audit log as ``cli`` by ``cli:<os user>``.
Exit status: 0 on success, 2 on error (message in Vietnamese on stderr).
"""
from __future__ import annotations

import argparse
import datetime as dt
import getpass
import json
import sys

import duckdb

from kpi import config
from kpi.access import accounts, permissions
from kpi.text import vi
from kpi.warehouse import audit
from kpi.warehouse.db import Warehouse, WarehouseError


class CliError(Exception):
    """An error worth one line to the operator; exit status 2."""


NAMES = ("users",)


def register(subparsers) -> None:
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--db", help="đường dẫn tệp DuckDB (mặc định: TTHC_DB hoặc data/warehouse.duckdb)")
    parser = subparsers.add_parser("users", help="quản lý tài khoản người dùng",
                                   description="Quản lý tài khoản người dùng.")
    parser.set_defaults(func=run)
    sub = parser.add_subparsers(dest="action", required=True, metavar="VIỆC")
    add = sub.add_parser("add", parents=[common], help="tạo tài khoản (mật khẩu đọc từ stdin)")
    add.add_argument("name")
    add.add_argument("--role", required=True, choices=permissions.ROLES)
    add.add_argument("--scope", default="province", help="province | level:district | units:ma1,ma2 | JSON")
    add.add_argument("--email")
    add.add_argument("--no-password", action="store_true",
                     help="tài khoản chỉ đăng nhập một lần (SSO) qua email, không có mật khẩu")
    sub.add_parser("set-password", parents=[common], help="đặt lại mật khẩu (đọc từ stdin)").add_argument("name")
    sub.add_parser("list", parents=[common], help="liệt kê tài khoản").add_argument(
        "--json", action="store_true", help="in JSON")
    sub.add_parser("unlock", parents=[common], help="mở khoá tài khoản").add_argument("name")
    role = sub.add_parser("set-role", parents=[common], help="đổi vai trò")
    role.add_argument("name")
    role.add_argument("role", choices=permissions.ROLES)
    scope = sub.add_parser("set-scope", parents=[common], help="đổi phạm vi")
    scope.add_argument("name")
    scope.add_argument("scope")
    for action in ("deactivate", "activate"):
        sub.add_parser(action, parents=[common], help=f"{action} tài khoản").add_argument("name")


def refused(argv: list[str], message: str) -> str:
    """Word a refused call without echoing it (a password may have been typed) and audit it."""
    if message.startswith("unrecognized arguments"):
        message = "có tham số không nhận được (mật khẩu chỉ đọc từ đầu vào chuẩn, không qua tham số)"
    pre = argparse.ArgumentParser(add_help=False)
    pre.add_argument("--db")
    known, _ = pre.parse_known_args(argv)
    action = argv[1] if len(argv) > 1 and not argv[1].startswith("-") else None
    try:
        # Only the sub-command is recorded: the refused arguments might hold a secret.
        audit.record(Warehouse(config.db_path(known.db)), audit.cli_actor(), "cli",
                     f"users {action or ''}".strip(), {"error": "invalid arguments"}, success=False)
    except Exception:  # noqa: BLE001 - auditing a refused call must not hide the refusal
        pass
    return f"Tham số không hợp lệ: {message}. Xem: python -m kpi users --help"


def read_password(stdin=None) -> str:
    """One line from stdin, or two hidden prompts on a terminal."""
    stdin = stdin or sys.stdin
    if stdin.isatty():
        first = getpass.getpass("Mật khẩu: ")
        second = getpass.getpass("Nhập lại mật khẩu: ")
        if first != second:
            raise CliError("Hai lần nhập mật khẩu không khớp.")
        return first
    line = stdin.readline()
    password = line.rstrip("\r\n")
    if not password:
        raise CliError("Không đọc được mật khẩu: hãy đưa mật khẩu vào đầu vào chuẩn (một dòng).")
    return password


def _scope_text(scope: dict) -> str:
    if scope["kind"] == "province":
        return "province"
    if scope["kind"] == "level":
        return f"level:{scope['level']}"
    return "units:" + ",".join(scope["unit_ids"])


def _print_list(users: list[dict], as_json: bool) -> None:
    if as_json:
        rows = [
            {k: (v.isoformat() if isinstance(v, dt.datetime) else v) for k, v in u.items()}
            for u in users
        ]
        print(json.dumps(rows, ensure_ascii=False, indent=2))
        return
    if not users:
        print("Chưa có tài khoản nào.")
        return
    header = ("tên", "vai trò", "phạm vi", "email", "trạng thái")
    lines = [header]
    for u in users:
        state = "hoạt động" if u["active"] else "vô hiệu"
        if u["locked"]:
            state += f", khoá đến {vi.time_and_date(u['locked_until'])}"
        lines.append((u["name"], u["role"], _scope_text(u["scope"]), u["email"] or "", state))
    widths = [max(len(str(line[i])) for line in lines) for i in range(len(header))]
    for line in lines:
        print("  ".join(str(cell).ljust(w) for cell, w in zip(line, widths)).rstrip())


def _run(args: argparse.Namespace, wh: Warehouse, actor: str) -> str | None:
    """Do the command; returns a success line to print (None: output already printed)."""
    if args.action == "add":
        password = None if args.no_password else read_password()
        user = accounts.create_user(wh, args.name, password, args.role, args.scope, args.email, actor=actor)
        return f"Đã tạo tài khoản {user.name} ({user.role})."
    if args.action == "set-password":
        password = read_password()
        accounts.set_password(wh, args.name, password, actor=actor)
        return f"Đã đặt mật khẩu mới cho {accounts.normalize_name(args.name)}."
    if args.action == "list":
        _print_list(accounts.list_users(wh), args.json)
        return None
    if args.action == "unlock":
        accounts.unlock(wh, args.name, actor)
        return f"Đã mở khoá {accounts.normalize_name(args.name)}."
    if args.action == "set-role":
        accounts.set_role(wh, args.name, args.role, actor)
        return f"Đã đổi vai trò của {accounts.normalize_name(args.name)} thành {args.role}."
    if args.action == "set-scope":
        accounts.set_scope(wh, args.name, args.scope, actor)
        return f"Đã đổi phạm vi của {accounts.normalize_name(args.name)}."
    if args.action == "deactivate":
        accounts.deactivate(wh, args.name, actor)
        return f"Đã vô hiệu hoá {accounts.normalize_name(args.name)}."
    if args.action == "activate":
        accounts.activate(wh, args.name, actor)
        return f"Đã kích hoạt lại {accounts.normalize_name(args.name)}."
    raise CliError(f"Lệnh không có: {args.action}")  # pragma: no cover - argparse prevents it


def _audit_detail(args: argparse.Namespace) -> dict:
    """What the audit row says about the call: never a password (none is in args anyway)."""
    keep = ("role", "scope", "email", "json", "no_password")
    return {k: getattr(args, k) for k in keep if getattr(args, k, None) not in (None, False)}


def run(args: argparse.Namespace) -> int:
    actor = audit.cli_actor()
    wh = Warehouse(config.db_path(args.db))
    target = f"users {args.action}" + (f" {accounts.normalize_name(args.name)}" if getattr(args, "name", None) else "")
    try:
        message = _run(args, wh, actor)
    except (permissions.AuthError, CliError, WarehouseError, duckdb.Error, OSError) as error:
        if isinstance(error, duckdb.Error) or (isinstance(error, OSError) and not isinstance(error, WarehouseError)):
            error = CliError(f"không mở hoặc ghi được cơ sở dữ liệu {wh.path}: {error}")
        print(f"Lỗi: {error}", file=sys.stderr)
        try:
            audit.record(wh, actor, "cli", target, {**_audit_detail(args), "error": str(error)}, success=False)
        except Exception:  # noqa: BLE001
            pass
        return 2
    audit.record(wh, actor, "cli", target, _audit_detail(args))
    if message:
        print(message)
    return 0

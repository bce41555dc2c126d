"""`python -m kpi users …` end to end: password on stdin, JSON listing, audit of every call."""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from kpi.access import accounts, permissions
from kpi.warehouse import audit
from kpi.warehouse.db import Warehouse

ROOT = Path(__file__).resolve().parent.parent
PASSWORD = "Mat-khau-rat-dai-2024"


def run(*args: str, stdin: str = "", env_db: Path | None = None) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith("TTHC_")}
    if env_db is not None:
        env["TTHC_DB"] = str(env_db)
    return subprocess.run(
        [sys.executable, "-m", "kpi", "users", *args],
        input=stdin, capture_output=True, text=True, cwd=ROOT, env=env, timeout=120,
    )


@pytest.fixture()
def db(tmp_path) -> Path:
    return tmp_path / "cli.duckdb"


def test_add_list_set_password_unlock_each_audited(db, monkeypatch):
    added = run("add", "quantri", "--role", "admin", "--db", str(db), stdin=PASSWORD + "\n")
    assert added.returncode == 0, added.stderr
    assert "quantri" in added.stdout
    added = run("add", "an", "--role", "analyst", "--scope", "units:huyen-a,xa-a1", "--email", "an@tinh.gov.vn",
                "--db", str(db), stdin=PASSWORD + "\n")
    assert added.returncode == 0, added.stderr

    listed = run("list", "--json", "--db", str(db))
    assert listed.returncode == 0, listed.stderr
    users = {u["name"]: u for u in json.loads(listed.stdout)}
    assert users["an"]["role"] == "analyst"
    assert users["an"]["scope"] == {"kind": "units", "unit_ids": ["huyen-a", "xa-a1"]}
    assert users["an"]["email"] == "an@tinh.gov.vn"
    assert all("password_hash" not in u for u in users.values())
    plain = run("list", "--db", str(db))
    assert plain.returncode == 0 and "units:huyen-a,xa-a1" in plain.stdout

    wh = Warehouse(db)
    monkeypatch.setenv("TTHC_LOCKOUT_ATTEMPTS", "2")
    for _ in range(2):
        with pytest.raises(permissions.AuthError):
            accounts.authenticate(wh, "an", "sai-mat-khau-roi")
    assert accounts.list_users(wh)[0]["locked"]
    unlocked = run("unlock", "an", "--db", str(db))
    assert unlocked.returncode == 0, unlocked.stderr
    assert not accounts.list_users(wh)[0]["locked"]

    changed = run("set-password", "an", "--db", str(db), stdin="Mat-khau-moi-2025\n")
    assert changed.returncode == 0, changed.stderr
    assert accounts.authenticate(wh, "an", "Mat-khau-moi-2025").name == "an"

    cli_rows = audit.read_log(wh, action="cli")
    assert len(cli_rows) == 6
    assert set(cli_rows["user_name"]) == {"cli:" + __import__("getpass").getuser()}
    assert list(cli_rows["target"])[::-1] == [
        "users add quantri", "users add an", "users list", "users list", "users unlock an", "users set-password an",
    ]
    assert set(audit.read_log(wh, action="user.")["action"]) >= {"user.create", "user.unlock", "user.set_password"}
    for secret in (PASSWORD, "Mat-khau-moi-2025"):
        assert secret.encode() not in db.read_bytes()


def test_db_defaults_to_tthc_db(db):
    added = run("add", "quantri", "--role", "admin", stdin=PASSWORD + "\n", env_db=db)
    assert added.returncode == 0, added.stderr
    assert [u["name"] for u in accounts.list_users(Warehouse(db))] == ["quantri"]


def test_a_password_cannot_be_passed_as_an_argument(db):
    for args in (
        ["add", "an", "--role", "leader", "--password", PASSWORD],
        ["add", "an", PASSWORD, "--role", "leader"],
        ["set-password", "an", PASSWORD],
    ):
        result = run(*args, "--db", str(db), stdin="")
        assert result.returncode == 2
        assert "Tham số không hợp lệ" in result.stderr
        assert PASSWORD not in result.stderr + result.stdout
    wh = Warehouse(db)
    assert not accounts.has_users(wh)
    refused = audit.read_log(wh, action="cli")
    assert len(refused) == 3 and not refused["success"].any()
    assert PASSWORD not in " ".join(refused["detail"]) + " ".join(refused["target"])
    assert PASSWORD.encode() not in db.read_bytes()


def test_errors_exit_2_with_a_vietnamese_message(db):
    short = run("add", "an", "--role", "leader", "--db", str(db), stdin="ngan\n")
    assert short.returncode == 2 and "ít nhất" in short.stderr
    empty = run("add", "an", "--role", "leader", "--db", str(db), stdin="")
    assert empty.returncode == 2 and "mật khẩu" in empty.stderr
    missing = run("unlock", "khong-co-ai", "--db", str(db))
    assert missing.returncode == 2 and "Không có tài khoản" in missing.stderr
    bad_scope = run("add", "an", "--role", "leader", "--scope", "level:bang", "--db", str(db), stdin=PASSWORD + "\n")
    assert bad_scope.returncode == 2 and "Cấp không hợp lệ" in bad_scope.stderr
    failed = audit.read_log(Warehouse(db), action="cli")
    assert len(failed) == 4 and not failed["success"].any()


def test_main_reads_stdin_in_process(db, monkeypatch, capsys):
    """The same CLI called as a function (what `python -m kpi` dispatches to)."""
    import io

    from kpi.cli.main import main

    monkeypatch.setattr(sys, "stdin", io.StringIO(PASSWORD + "\n"))
    assert main(["users", "add", "lan", "--role", "leader", "--scope", "level:district", "--db", str(db)]) == 0
    assert "lan" in capsys.readouterr().out
    assert accounts.authenticate(Warehouse(db), "lan", PASSWORD).scope.level == "district"

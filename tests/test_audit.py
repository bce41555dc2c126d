"""The audit log: what gets recorded, how it is read, and that the app cannot rewrite it."""
from __future__ import annotations

import datetime as dt
import inspect
import json
import re

import pytest
from argon2 import PasswordHasher

from kpi.access import accounts, permissions, sessions
from kpi.warehouse import audit
from kpi.warehouse.db import Warehouse

PASSWORD = "Mat-khau-rat-dai-2024"


@pytest.fixture(autouse=True)
def fast_hashing(monkeypatch):
    """Cheap Argon2 parameters: these tests are about flows; test_auth checks the real hasher."""
    monkeypatch.setattr(accounts, "_HASHER", PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1))


@pytest.fixture()
def wh(tmp_path) -> Warehouse:
    return Warehouse(tmp_path / "audit.duckdb")


def test_logins_success_and_failure_are_recorded(wh):
    accounts.create_user(wh, "an", PASSWORD, "leader")
    accounts.authenticate(wh, "an", PASSWORD)
    with pytest.raises(permissions.AuthError):
        accounts.authenticate(wh, "an", "sai-mat-khau-roi")
    with pytest.raises(permissions.AuthError):
        accounts.authenticate(wh, "khong-co-ai", "sai-mat-khau-roi")
    log = audit.read_log(wh, action="login")
    assert list(log["success"]) == [False, False, True]  # newest first
    assert list(log["user_name"])[1:] == ["an", "an"]
    # A name that is no account is never stored as typed (it may be a password typed in the wrong box).
    assert log["user_name"].isna().iloc[0] and log["target"].iloc[0] == accounts.login_name_marker("khong-co-ai")
    assert "khong-co-ai" not in log.astype(str).to_numpy().ravel().tolist()
    assert json.loads(log["detail"].iloc[0]) == {"reason": "unknown user"}
    assert PASSWORD not in " ".join(log["detail"].fillna(""))


def test_user_changes_are_recorded_with_their_actor(wh):
    accounts.create_user(wh, "quantri", PASSWORD, "admin", actor="cli:ops")
    accounts.create_user(wh, "an", PASSWORD, "leader", actor="quantri")
    accounts.set_role(wh, "an", "analyst", actor="quantri")
    accounts.set_scope(wh, "an", "level:commune", actor="quantri")
    accounts.set_password(wh, "an", PASSWORD + "x", actor="quantri")
    accounts.unlock(wh, "an", actor="quantri")
    accounts.deactivate(wh, "an", actor="quantri")
    log = audit.read_log(wh, user="quantri", action="user.")
    assert list(log["action"])[::-1] == [
        "user.create", "user.set_role", "user.set_scope", "user.set_password", "user.unlock", "user.deactivate",
    ]
    assert set(log["target"]) == {"an"}
    assert json.loads(log[log["action"] == "user.set_role"]["detail"].iloc[0]) == {"from": "leader", "to": "analyst"}
    everything = audit.read_log(wh, limit=None)
    assert not any(PASSWORD in str(v) for v in everything.to_numpy().ravel())


def test_record_in_a_transaction_rolls_back_with_it(wh):
    with pytest.raises(RuntimeError):
        with wh.write() as con:
            audit.record(con, "an", "upload", "file.xlsx")
            raise RuntimeError("load failed")
    assert audit.read_log(wh).empty
    version = wh.data_version()
    audit.record(wh, "an", "export", "bao-cao.xlsx", {"rows": 3})
    assert wh.data_version() == version  # an audit row does not empty the KPI caches
    assert audit.read_log(wh)["detail"].iloc[0] == '{"rows": 3}'


def test_read_log_filters(wh):
    day = dt.datetime(2025, 3, 5, 9, 0)
    audit.record(wh, "an", "login", at=day)
    audit.record(wh, "binh", "login", at=day + dt.timedelta(days=1), success=False)
    audit.record(wh, "an", "export", at=day + dt.timedelta(days=2, hours=14))
    assert len(audit.read_log(wh)) == 3
    assert list(audit.read_log(wh, user="an")["action"]) == ["export", "login"]
    assert list(audit.read_log(wh, action=["login", "export"], until=dt.date(2025, 3, 6))["user_name"]) == ["binh", "an"]
    assert list(audit.read_log(wh, since=dt.date(2025, 3, 7), until=dt.date(2025, 3, 7))["action"]) == ["export"]
    assert list(audit.read_log(wh, success=False)["user_name"]) == ["binh"]
    assert len(audit.read_log(wh, limit=1)) == 1
    assert audit.distinct_values(wh) == {"users": ["an", "binh"], "actions": ["export", "login"]}


def test_the_app_has_no_way_to_change_or_delete_audit_rows():
    public = {name for name, obj in vars(audit).items() if callable(obj) and not name.startswith("_")}
    assert not {n for n in public if re.search(r"update|delete|remove|purge|clear|edit", n, re.I)}
    source = inspect.getsource(audit)
    code = source.split('"""', 2)[2]  # past the module docstring
    assert not re.search(r"\b(UPDATE|DELETE|TRUNCATE|DROP)\b", code, re.I)
    for module in (accounts, permissions, sessions):
        assert not re.search(r"(UPDATE|DELETE FROM)\s+audit_log", inspect.getsource(module), re.I)

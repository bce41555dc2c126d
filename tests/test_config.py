"""Settings are declared once; the README documents every one of them."""
from __future__ import annotations

import re
from pathlib import Path

from kpi import config

README = Path(__file__).resolve().parent.parent / "README.md"


def test_readme_lists_every_setting():
    documented = set(re.findall(r"^\| `([a-z_0-9]+)` \|", README.read_text(encoding="utf-8"), re.M))
    assert documented == {s.name for s in config.SETTINGS}


def test_environment_overrides_and_types(monkeypatch):
    monkeypatch.setenv("TTHC_MAX_UPLOAD_MB", "5")
    monkeypatch.setenv("TTHC_NO_DUE_IN_PROGRESS_OVERDUE", "yes")
    monkeypatch.setenv("TTHC_LOCK_WAIT_S", "0.5")
    assert config.get("max_upload_mb") == 5
    assert config.get("no_due_in_progress_overdue") is True
    assert config.get("lock_wait_s") == 0.5


def test_db_path_precedence(monkeypatch, tmp_path):
    monkeypatch.setenv("TTHC_DB", str(tmp_path / "env.duckdb"))
    assert config.db_path() == tmp_path / "env.duckdb"
    assert config.db_path(tmp_path / "explicit.duckdb") == tmp_path / "explicit.duckdb"

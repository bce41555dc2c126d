"""No traceback ever reaches a user; nothing of the app is shown before login (issue 12 items 5–7).

The entry script's error boundary (ui/errors.py), URL parameters parsed defensively, a busy
warehouse retried, disk full / read-only reported with the database unchanged, the project's
Streamlit config, the sidebar menu drawn only for a logged-in user, and ANSI escapes kept out
of the terminal by ``etl history``.
"""
from __future__ import annotations

import datetime as dt
import logging
import subprocess
import sys
import tomllib
from pathlib import Path

import duckdb
import pytest
from streamlit.testing.v1 import AppTest

from kpi.access import accounts
from kpi.measures import periods
from kpi.access.permissions import User
from kpi.warehouse.db import Warehouse, WarehouseStorageError
from ui import errors as E
from ui import text_auth as TA
from ui import text_errors as TE

ROOT = Path(__file__).resolve().parent.parent
TIMEOUT = 60
LEADER = User("lanh-dao", "leader")


def dashboard(monkeypatch, db: Path, user: User | None, **params) -> AppTest:
    """The first run of dashboard.py (the one that goes through its navigation and boundary)."""
    monkeypatch.setenv("TTHC_DB", str(db))
    at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=TIMEOUT)
    if user is not None:
        at.session_state["user"] = user
        at.session_state["last_seen"] = dt.datetime.now()
    at.query_params.update(params)
    return at.run()


def shown(at: AppTest) -> str:
    parts = []
    for kind in ("title", "markdown", "caption", "info", "warning", "error", "success"):
        parts += [str(e.value) for e in getattr(at, kind)]
    return "\n".join(parts)


# == config ==================================================================================
def test_streamlit_config_hides_error_details_page_list_and_csv_download():
    from streamlit.config import ShowErrorDetailsConfigOptions

    client = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text(encoding="utf-8"))["client"]
    assert client["showErrorDetails"] == ShowErrorDetailsConfigOptions.NONE.value
    assert client["showSidebarNavigation"] is False
    assert client["disableDataExport"] is True


# == the boundary ===============================================================================
def test_an_unexpected_error_shows_an_incident_id_and_logs_the_traceback(monkeypatch, sample_db, caplog):
    from ui import frame as frame_mod

    def broken(*args, **kwargs):
        raise ValueError("bí mật: đường dẫn /srv/data và dòng 42")

    monkeypatch.setattr(frame_mod, "build", broken)
    with caplog.at_level(logging.ERROR, logger="tthc.incident"):
        at = dashboard(monkeypatch, sample_db, LEADER)
    assert not at.exception
    (message,) = [e.value for e in at.error]
    incident = message.split("**")[1]
    assert message == TE.INCIDENT.format(incident=incident) and len(incident) == 8
    assert "bí mật" not in shown(at) and "Traceback" not in shown(at)
    record = next(r for r in caplog.records if incident in r.getMessage())
    assert record.exc_info and "bí mật" in str(record.exc_info[1])


def test_an_error_inside_a_page_is_caught_too(monkeypatch, sample_db):
    from ui import frame as frame_mod

    def broken(*args, **kwargs):
        raise OverflowError("date value out of range")

    monkeypatch.setattr(frame_mod, "header", broken)  # what every KPI page draws first
    at = dashboard(monkeypatch, sample_db, LEADER)
    assert not at.exception
    assert any(e.value.startswith(TE.INCIDENT.split("**")[0]) for e in at.error)
    assert "date value out of range" not in shown(at)


def test_a_busy_warehouse_is_retried_then_offers_a_button(monkeypatch, sample_db):
    from kpi.warehouse.db import WarehouseBusy
    from ui import frame as frame_mod

    calls = []

    def busy(*args, **kwargs):
        calls.append(1)
        raise WarehouseBusy("khoá")

    monkeypatch.setattr(E, "BUSY_WAIT_S", 0.0)
    monkeypatch.setattr(frame_mod, "build", busy)
    at = dashboard(monkeypatch, sample_db, LEADER)
    assert not at.exception
    assert len(calls) == E.BUSY_RETRIES + 1, "bounded automatic retries"
    assert [w.value for w in at.warning] == [TE.BUSY_GAVE_UP]
    assert at.button(key="busy_retry")


def test_busy_message_wording():
    assert TE.BUSY.format(attempt=1, limit=3).startswith("Đang có người nạp dữ liệu, thử lại sau ít giây")


# == URL parameters ===================================================================================
@pytest.mark.parametrize("params", [{"ky": "0001-01"}, {"ky": "9999-12"}, {"ky": "x" * 5000}, {"cap": "tinh';--"},
                                    {"ky": "0001-01-01_2024-01-01", "cap": "district", "tu_dong": "1e999"},
                                    {"slide": "-99999999999999999999"}])
def test_meeting_mode_with_bad_url_parameters_says_so(monkeypatch, sample_db, params):
    """Issue 12: ?ky=0001-01 raised ValueError/OverflowError with Streamlit's full traceback."""
    at = dashboard(monkeypatch, sample_db, LEADER, trinhchieu="1", **params)
    assert not at.exception, [e.message for e in at.exception]
    assert not [e.value for e in at.error]
    if "ky" in params or params.get("cap") == "tinh';--":
        assert any(w.value.startswith("Tham số «") for w in at.warning), [w.value for w in at.warning]


def test_period_parameters_outside_the_data_years_are_refused():
    assert periods.from_param("0001-01") is None and periods.from_param("9999-Q1") is None
    assert periods.from_param("0001-01-01_2024-01-01") is None and periods.from_param("9" * 100) is None
    assert periods.from_param("2024-10") == periods.month(2024, 10)


def test_drilldown_with_bad_month_and_unit_says_so(monkeypatch, sample_db):
    monkeypatch.setenv("TTHC_DB", str(sample_db))
    at = AppTest.from_file(str(ROOT / "pages" / "drilldown.py"), default_timeout=TIMEOUT)
    at.session_state["user"] = LEADER
    at.session_state["last_seen"] = dt.datetime.now()
    at.session_state["flt_month"] = "2024-10"
    at.query_params.update({"month": "0001-01", "unit": "khong-co-don-vi-nay", "set": "received"})
    at.run()
    assert not at.exception
    warnings = [w.value for w in at.warning]
    assert TE.BAD_PARAM.format(name="month", value="0001-01", what=TE.BAD_PERIOD) in warnings
    assert TE.BAD_PARAM.format(name="unit", value="khong-co-don-vi-nay", what=TE.BAD_UNIT) in warnings


# == disk full / read-only =======================================================================================
@pytest.mark.parametrize("cause,words", [(OSError(28, "No space left on device"), "đã đầy"),
                                         (duckdb.IOException('Could not write file "x.wal": Read-only file system'),
                                          "chỉ đọc")])
def test_a_full_or_read_only_disk_says_so_and_leaves_the_database_unchanged(empty_db, cause, words):
    """Issue 12: the real cause was hidden behind 'cannot rollback - no transaction is active'."""
    wh = Warehouse(empty_db)
    before = wh.query("SELECT count(*) FROM units")[0][0]
    with pytest.raises(WarehouseStorageError) as caught:
        with wh.write() as con:
            con.execute("INSERT INTO units (unit_id, name, name_key, level) VALUES ('x', 'X', 'x', 'province')")
            con.execute("ROLLBACK")  # what DuckDB does itself when a write fails on the disk
            raise cause
    assert words in str(caught.value) and "không thay đổi" in str(caught.value)
    assert caught.value.__cause__ is cause
    assert wh.query("SELECT count(*) FROM units")[0][0] == before


def test_other_write_errors_keep_their_own_message(empty_db):
    wh = Warehouse(empty_db)
    with pytest.raises(ValueError, match="không phải ổ đĩa"):
        with wh.write():
            raise ValueError("không phải ổ đĩa")


def test_the_cli_prints_the_storage_message_not_a_traceback(empty_db, tmp_path, monkeypatch):
    code = ("import sys, duckdb; sys.path.insert(0, %r)\n"
            "from kpi.warehouse.db import Warehouse\n"
            "orig = Warehouse._open\n"
            "def full(self):\n"
            "    raise duckdb.IOException('Could not write: No space left on device')\n"
            "Warehouse._open = full\n"
            "from etl.__main__ import main\n"
            "sys.exit(main(['history', '--db', %r]))\n") % (str(ROOT), str(empty_db))
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert "Traceback" not in done.stderr, done.stderr[-2000:]
    assert done.returncode == 2 and "Ổ đĩa chứa cơ sở dữ liệu đã đầy" in done.stderr


# == before login ===================================================================================================
def test_no_menu_before_login_and_the_role_menu_after(monkeypatch, sample_copy):
    accounts.create_user(Warehouse(sample_copy), "quan-tri", "Mat-khau-rat-dai-2024", "admin")
    anonymous = dashboard(monkeypatch, sample_copy, None)
    assert not anonymous.exception
    assert [t.value for t in anonymous.title] == [TA.LOGIN_TITLE]
    assert not anonymous.get("page_link")
    leader = dashboard(monkeypatch, sample_copy, LEADER)
    assert not leader.exception
    links = [p.proto.label for p in leader.get("page_link")]
    from kpi.text import vi

    assert vi.PAGE_TITLES["overview"] in links and vi.PAGE_TITLES["admin_users"] not in links
    assert vi.PAGE_TITLES["upload"] not in links


# == terminal ===================================================================================================
def test_etl_history_keeps_ansi_escapes_out_of_the_terminal(empty_db):
    from etl.load import record_refusal

    record_refusal(Warehouse(empty_db), "bao-cao\x1b[2J\x1b]0;pwned\x07.xlsx", "Tệp rỗng\x1b[31m")
    done = subprocess.run([sys.executable, "-m", "etl", "history", "--db", str(empty_db)], cwd=ROOT,
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert "\x1b" not in done.stdout and "\x07" not in done.stdout
    assert "bao-cao?[2J?]0;pwned?.xlsx" in done.stdout

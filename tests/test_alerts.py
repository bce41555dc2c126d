"""Alerts (issue 15 item 4): the rules, scope per recipient, once only, quiet hours, audit — delivered to a
real SMTP server (aiosmtpd) and a real HTTP receiver on 127.0.0.1, and read back from what arrived."""
from __future__ import annotations

import datetime as dt
import email
import email.policy
import json
import shutil
import socket
import threading
from pathlib import Path
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from aiosmtpd.controller import Controller

from kpi.access import accounts
from kpi.alerts import rules, run as alerts_run
from kpi.cli.main import main as kpi_main
from kpi.measures import periods, targets
from kpi.tracking import tasks as tasks_mod
from kpi.warehouse import audit
from kpi.warehouse.db import Warehouse
from tests.factories import add_dossiers, add_units, dossier
from tests.plan_helpers import add_task

ROOT = Path(__file__).resolve().parent.parent
PASSWORD = "mat-khau-du-dai-1"
NOON = dt.datetime(2024, 4, 2, 12, 0)  # data date 31/03/2024: March is the latest complete month
PHU_HUU = "ubnd-xã-phú-hữu"
SO_TU_PHAP = "sở-tư-pháp"


# -- the local servers -----------------------------------------------------------------------
class _Inbox:
    def __init__(self):
        self.messages: list[tuple[list[str], email.message.EmailMessage]] = []

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd's hook name
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        self.messages.append((list(envelope.rcpt_tos), message))
        return "250 OK"

    def to(self, address: str) -> list[email.message.EmailMessage]:
        return [m for rcpt, m in self.messages if address in rcpt]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture()
def smtp(monkeypatch):
    inbox = _Inbox()
    port = _free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    monkeypatch.setenv("TTHC_ALERTS_SMTP_HOST", "127.0.0.1")
    monkeypatch.setenv("TTHC_ALERTS_SMTP_PORT", str(port))
    monkeypatch.setenv("TTHC_ALERTS_TIMEOUT_S", "5")
    try:
        yield inbox
    finally:
        controller.stop()


@pytest.fixture()
def webhook(monkeypatch):
    received: list[dict] = []

    class Receiver(BaseHTTPRequestHandler):
        def do_POST(self):  # noqa: N802 - http.server's hook name
            body = self.rfile.read(int(self.headers["Content-Length"]))
            received.append({"content_type": self.headers["Content-Type"], "json": json.loads(body.decode("utf-8"))})
            self.send_response(204)
            self.end_headers()

        def log_message(self, *args):  # keep the test output clean
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Receiver)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    monkeypatch.setenv("TTHC_ALERTS_WEBHOOK_URL", f"http://127.0.0.1:{server.server_address[1]}/hook")
    monkeypatch.setenv("TTHC_ALERTS_TIMEOUT_S", "5")
    try:
        yield received
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


# -- the warehouse ---------------------------------------------------------------------------
@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """March 2024: Phú Hữu (a commune of Nhơn Trạch) resolves 4 dossiers, 2 late → 50% < 97%;
    Sở Tư pháp resolves 3, all on time → 100%. Four accounts with e-mail, one without.
    Built once (five Argon2 hashes); each test works on its own copy."""
    warehouse = Warehouse(tmp_path_factory.mktemp("alerts") / "alerts.duckdb")
    add_dossiers(warehouse, [
        dossier("PH1", "UBND xã Phú Hữu", "01/03/2024 08:00", "05/03/2024", "04/03/2024 10:00"),
        dossier("PH2", "UBND xã Phú Hữu", "01/03/2024 08:00", "05/03/2024", "05/03/2024 10:00"),
        dossier("PH3", "UBND xã Phú Hữu", "01/03/2024 08:00", "05/03/2024", "08/03/2024 10:00"),
        dossier("PH4", "UBND xã Phú Hữu", "01/03/2024 08:00", "05/03/2024", "31/03/2024 10:00"),
        dossier("ST1", "Sở Tư pháp", "01/03/2024 08:00", "10/03/2024", "02/03/2024 10:00"),
        dossier("ST2", "Sở Tư pháp", "01/03/2024 08:00", "10/03/2024", "03/03/2024 10:00"),
        dossier("ST3", "Sở Tư pháp", "01/03/2024 08:00", "10/03/2024", "10/03/2024 10:00"),
    ])
    targets.set_target(warehouse, 2024, "on_time_rate", 0.97)
    accounts.create_user(warehouse, "admin", PASSWORD, "admin", "province", email="admin@tinh.gov.vn")
    accounts.create_user(warehouse, "huyen", PASSWORD, "analyst", "units:ubnd-huyện-nhơn-trạch", email="huyen@tinh.gov.vn")
    accounts.create_user(warehouse, "so", PASSWORD, "analyst", f"units:{SO_TU_PHAP}", email="so@tinh.gov.vn")
    accounts.create_user(warehouse, "xa", PASSWORD, "leader", "level:commune", email="xa@tinh.gov.vn")
    accounts.create_user(warehouse, "noemail", PASSWORD, "leader", "province")
    return warehouse.path


@pytest.fixture()
def wh(built, tmp_path, monkeypatch):
    monkeypatch.setenv("TTHC_VERDICT_MIN_DOSSIERS", "2")
    monkeypatch.setenv("TTHC_ALERTS_QUIET_HOURS", "")
    shutil.copy(built, tmp_path / "alerts.duckdb")
    return Warehouse(tmp_path / "alerts.duckdb")


UNIT_RULE = ("unit_below",)


def _sent_rows(wh):
    return wh.query("SELECT alert_key, recipient, channel FROM sent_alerts ORDER BY recipient, channel")


# -- rule: unit below target -------------------------------------------------------------------
def test_latest_complete_month_is_the_last_one_the_data_covers_to_its_end():
    assert rules.latest_complete_month(dt.date(2024, 3, 31)) == periods.month(2024, 3)
    assert rules.latest_complete_month(dt.date(2024, 4, 15)) == periods.month(2024, 3)
    assert rules.latest_complete_month(dt.date(2024, 1, 30)) == periods.month(2023, 12)


def test_unit_below_target_for_the_latest_complete_month(wh):
    found = rules.collect(wh, NOON.date(), UNIT_RULE)
    assert [a.key for a in found.alerts] == [f"unit_below:2024-03:{PHU_HUU}:on_time_rate"]
    alert = found.alerts[0]
    assert (alert.unit_id, alert.level) == (PHU_HUU, "commune")
    # 2 of 4 on time; reaching 97% of 4 needs all 4 → 2 more dossiers
    assert alert.detail["num"] == 2 and alert.detail["den"] == 4 and alert.detail["gap"] == 2
    assert "UBND xã Phú Hữu" in alert.text and "03/2024" in alert.text and "50" in alert.text


def test_a_unit_with_fewer_dossiers_than_the_verdict_minimum_is_not_alerted(wh, monkeypatch):
    monkeypatch.setenv("TTHC_VERDICT_MIN_DOSSIERS", "5")  # Phú Hữu has 4
    assert rules.collect(wh, NOON.date(), UNIT_RULE).alerts == []


def test_a_level_projected_to_miss_the_years_target_is_alerted_to_that_level_only(wh, smtp):
    # Communes: March only, 2 of 4 on time → the year at this pace ends near 50% < 97%; Sở Tư pháp 100%.
    found = rules.collect(wh, NOON.date(), ("forecast_miss",))
    assert [a.key for a in found.alerts] == ["forecast_miss:2024:commune:on_time_rate"]
    assert found.alerts[0].detail["value"] < 0.97 and "Cấp xã" in found.alerts[0].text
    alerts_run.run(wh, now=NOON, rules=("forecast_miss",))
    # A level-wide figure: the province and the commune level see it, a units scope does not.
    assert sorted(r for rcpt, _ in smtp.messages for r in rcpt) == ["admin@tinh.gov.vn", "xa@tinh.gov.vn"]


def test_rules_without_data_are_skipped_with_their_reason(empty_db):
    found = rules.collect(Warehouse(empty_db), NOON.date(), ("unit_below", "forecast_miss"))
    assert found.alerts == [] and set(found.skipped) == {"unit_below", "forecast_miss"}


# -- delivery by SMTP: once, only within scope -----------------------------------------------
def test_an_alert_reaches_smtp_once_only_for_recipients_whose_scope_covers_the_unit(wh, smtp):
    first = alerts_run.run(wh, now=NOON, rules=UNIT_RULE, actor="cron")
    assert not first.failed
    # admin (province), huyen (Nhơn Trạch brings its commune Phú Hữu), xa (every commune); not so, not noemail
    assert sorted(r for rcpt, _ in smtp.messages for r in rcpt) == [
        "admin@tinh.gov.vn", "huyen@tinh.gov.vn", "xa@tinh.gov.vn"]
    body = smtp.to("huyen@tinh.gov.vn")[0].get_content()
    assert "UBND xã Phú Hữu" in body and "Đơn vị dưới chỉ tiêu (1):" in body and "Kính gửi huyen," in body
    assert "[Cảnh báo KPI TTHC] 1 cảnh báo mới ngày 02/04/2024" == smtp.to("xa@tinh.gov.vn")[0]["Subject"]

    second = alerts_run.run(wh, now=NOON + dt.timedelta(hours=1), rules=UNIT_RULE, actor="cron")
    assert second.digests == [] and len(smtp.messages) == 3  # nothing arrived the second time
    assert len(_sent_rows(wh)) == 3


def test_every_alert_sent_is_audited(wh, smtp):
    alerts_run.run(wh, now=NOON, rules=UNIT_RULE, actor="cron")
    log = audit.read_log(wh, action="alert.send")
    assert sorted(log["target"]) == ["admin", "huyen", "xa"]
    assert set(log["user_name"]) == {"cron"} and log["success"].all()
    assert all(f"unit_below:2024-03:{PHU_HUU}:on_time_rate" in d for d in log["detail"])


def test_quiet_hours_hold_the_alert_until_a_run_outside_them(wh, smtp, monkeypatch):
    monkeypatch.setenv("TTHC_ALERTS_QUIET_HOURS", "21:00-07:00")
    held = alerts_run.run(wh, now=dt.datetime(2024, 4, 2, 23, 30), rules=UNIT_RULE)
    early = alerts_run.run(wh, now=dt.datetime(2024, 4, 3, 6, 59), rules=UNIT_RULE)
    assert held.quiet and early.quiet and smtp.messages == [] and _sent_rows(wh) == []
    after = alerts_run.run(wh, now=dt.datetime(2024, 4, 3, 7, 0), rules=UNIT_RULE)
    assert not after.quiet and len(smtp.messages) == 3


def test_quiet_hours_within_one_day_and_across_midnight():
    night = alerts_run.parse_quiet_hours("21:00-07:00")
    lunch = alerts_run.parse_quiet_hours("11:30-13:00")
    at = lambda h, m: dt.datetime(2024, 1, 1, h, m)  # noqa: E731
    assert [alerts_run.in_quiet_hours(at(*t), night) for t in ((20, 59), (21, 0), (2, 0), (7, 0))] == [
        False, True, True, False]
    assert [alerts_run.in_quiet_hours(at(*t), lunch) for t in ((11, 29), (11, 30), (12, 59), (13, 0))] == [
        False, True, True, False]
    assert alerts_run.parse_quiet_hours("") is None
    with pytest.raises(ValueError):
        alerts_run.parse_quiet_hours("21h")


def test_dry_run_sends_and_records_nothing(wh, smtp):
    result = alerts_run.run(wh, now=NOON, rules=UNIT_RULE, dry_run=True)
    assert [d.recipient for d in result.digests] == ["admin", "huyen", "xa"]
    assert smtp.messages == [] and _sent_rows(wh) == [] and audit.read_log(wh, action="alert.send").empty


def test_a_failed_delivery_records_nothing_and_the_next_run_sends_it(wh, monkeypatch):
    monkeypatch.setenv("TTHC_ALERTS_SMTP_HOST", "127.0.0.1")
    monkeypatch.setenv("TTHC_ALERTS_SMTP_PORT", str(_free_port()))  # nobody listens there
    monkeypatch.setenv("TTHC_ALERTS_TIMEOUT_S", "2")
    failed = alerts_run.run(wh, now=NOON, rules=UNIT_RULE)
    assert len(failed.failed) == 3 and failed.sent == [] and _sent_rows(wh) == []
    assert (~audit.read_log(wh, action="alert.send")["success"]).sum() == 3
    inbox, port = _Inbox(), _free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        monkeypatch.setenv("TTHC_ALERTS_SMTP_PORT", str(port))
        alerts_run.run(wh, now=NOON, rules=UNIT_RULE)
    finally:
        controller.stop()
    assert len(inbox.messages) == 3


# -- delivery by webhook ---------------------------------------------------------------------
def test_the_webhook_receives_each_recipients_digest_once(wh, webhook):
    alerts_run.run(wh, now=NOON, rules=UNIT_RULE)
    assert sorted(p["json"]["recipient"] for p in webhook) == ["admin", "huyen", "xa"]
    payload = next(p for p in webhook if p["json"]["recipient"] == "xa")
    assert payload["content_type"].startswith("application/json")
    assert [a["key"] for a in payload["json"]["alerts"]] == [f"unit_below:2024-03:{PHU_HUU}:on_time_rate"]
    assert "UBND xã Phú Hữu" in payload["json"]["text"] and payload["json"]["email"] == "xa@tinh.gov.vn"
    alerts_run.run(wh, now=NOON, rules=UNIT_RULE)
    assert len(webhook) == 3


def test_email_and_webhook_are_separate_channels_each_sent_once(wh, smtp, webhook):
    alerts_run.run(wh, now=NOON, rules=UNIT_RULE)
    alerts_run.run(wh, now=NOON, rules=UNIT_RULE)
    assert len(smtp.messages) == 3 and len(webhook) == 3
    assert {c for _, _, c in _sent_rows(wh)} == {"email", "webhook"} and len(_sent_rows(wh)) == 6


# -- rule: tasks overdue ---------------------------------------------------------------------
def test_an_overdue_task_reaches_its_lead_agency_not_another_unit(wh, smtp):
    late = add_task(wh, "1.1", "Rà soát quy trình nội bộ", "Sở Tư pháp", SO_TU_PHAP, dt.date(2024, 3, 31))
    add_task(wh, "1.2", "Công bố danh mục TTHC", "Sở Tư pháp", SO_TU_PHAP, dt.date(2024, 4, 30))  # not due yet
    done = add_task(wh, "1.3", "Số hóa kết quả", "Sở Tư pháp", SO_TU_PHAP, dt.date(2024, 2, 28))
    add_task(wh, "1.4", "Đề xuất", "Sở Tư pháp", SO_TU_PHAP, dt.date(2024, 1, 31), status="proposed")
    tasks_mod.update(wh, accounts.get_user(wh, "so"), done, tasks_mod.DONE, evidence_no="12/QĐ-STP")
    found = rules.collect(wh, NOON.date(), ("task_overdue",))
    assert [a.key for a in found.alerts] == [f"task_overdue:{late}:2024-03-31"]
    alerts_run.run(wh, now=NOON, rules=("task_overdue",))
    assert sorted(r for rcpt, _ in smtp.messages for r in rcpt) == ["admin@tinh.gov.vn", "so@tinh.gov.vn"]
    assert "Rà soát quy trình nội bộ" in smtp.to("so@tinh.gov.vn")[0].get_content()


# -- rule: no upload for N days --------------------------------------------------------------
def test_a_unit_without_new_data_for_n_days_is_alerted(tmp_path):
    wh = Warehouse(tmp_path / "upload.duckdb")
    add_units(wh)
    with wh.write() as con:
        con.execute("INSERT INTO load_batches (batch_id, file_name, status, finished_at) VALUES"
                    " (1, 'a.xlsx', 'loaded', TIMESTAMP '2024-02-20 09:00'),"
                    " (2, 'b.xlsx', 'loaded', TIMESTAMP '2024-03-25 09:00'),"
                    " (3, 'c.xlsx', 'undone', TIMESTAMP '2024-03-28 09:00')")
        for unit, batch in ((SO_TU_PHAP, 1), ("ubnd-huyện-nhơn-trạch", 2), (PHU_HUU, 3)):
            con.execute("INSERT INTO dossiers (code, unit_id, level, received_at, received_date, batch_id)"
                        " VALUES (?, ?, 'province', TIMESTAMP '2024-02-01', DATE '2024-02-01', ?)",
                        [f"D{batch}", unit, batch])
    found = rules.no_upload(wh, dt.date(2024, 4, 2), days=30)
    # Sở Tư pháp: 42 days; Phú Hữu: only an undone batch; Phước An: never. Nhơn Trạch: 8 days, fine.
    by_key = {a.key: a for a in found}
    assert sorted(by_key) == sorted([f"no_upload:{PHU_HUU}:never", "no_upload:ubnd-xã-phước-an:never",
                                     f"no_upload:{SO_TU_PHAP}:2024-02-20"])
    text = by_key[f"no_upload:{SO_TU_PHAP}:2024-02-20"].text
    assert "20/02/2024" in text and "30 ngày" in text


# -- command line ----------------------------------------------------------------------------
def test_cli_dry_run_prints_the_digests_as_json(wh, smtp, capsys):
    code = kpi_main(["alerts", "run", "--dry-run", "--db", str(wh.path), "--json"])
    out = json.loads(capsys.readouterr().out)
    assert code == 0 and out["dry_run"] is True and smtp.messages == []
    assert f"unit_below:2024-03:{PHU_HUU}:on_time_rate" in [a["key"] for a in out["alerts"]]
    assert out["skipped"] == {}


def test_cli_run_sends_and_says_so_in_vietnamese(wh, smtp, capsys, monkeypatch):
    monkeypatch.setenv("TTHC_ALERTS_NO_UPLOAD_DAYS", "100000")  # only the unit-below alert is due
    code = kpi_main(["alerts", "run", "--db", str(wh.path)])
    out = capsys.readouterr().out
    # The unit-below alert is of the latest complete month before today's data date (March 2024).
    assert code == 0 and "admin (email): " in out and "lượt gửi" in out
    assert len(smtp.to("huyen@tinh.gov.vn")) == 1


# -- links back to the dashboard ----------------------------------------------------------------
def test_each_alert_in_the_email_links_to_the_dossiers_behind_it(wh, smtp, monkeypatch):
    monkeypatch.setenv("TTHC_DASHBOARD_URL", "https://kpi.dongnai.gov.vn/tthc")
    alerts_run.run(wh, now=NOON, rules=UNIT_RULE)
    body = smtp.to("huyen@tinh.gov.vn")[0].get_content()
    assert ("Xem: https://kpi.dongnai.gov.vn/tthc/drilldown?set=resolved_overdue&unit=ubnd-x%C3%A3-ph%C3%BA-h%E1%BB%AFu"
            "&month=2024-03") in body


def test_the_link_opens_the_late_dossiers_of_that_unit_and_month(wh, monkeypatch):
    """What the e-mail's link opens: 'Tra cứu hồ sơ' with the two late dossiers of Phú Hữu in 03/2024."""
    from urllib.parse import parse_qsl, urlsplit

    from streamlit.testing.v1 import AppTest

    from kpi.access.permissions import User
    from kpi.alerts import links

    alert = next(a for a in rules.units_below_target(wh, dt.date(2024, 3, 31)) if a.unit_id == PHU_HUU)
    url = urlsplit(links.alert_url(alert, "https://kpi.dongnai.gov.vn/"))
    monkeypatch.setenv("TTHC_DB", str(wh.path))
    at = AppTest.from_file(str(ROOT / "pages" / f"{url.path.strip('/')}.py"), default_timeout=60)
    at.session_state["user"] = User("admin", "admin")
    at.session_state["last_seen"] = dt.datetime.now()
    at.query_params.update(dict(parse_qsl(url.query)))
    at.run()
    assert not at.exception
    shown = at.dataframe[0].value
    assert sorted(shown.iloc[:, 0].astype(str)) == ["PH3", "PH4"]


def test_the_webhook_carries_each_alerts_link_and_none_without_the_setting(wh, webhook, monkeypatch):
    alerts_run.run(wh, now=NOON, rules=UNIT_RULE)
    assert all(a["url"] is None for hook in webhook for a in hook["json"]["alerts"])
    assert "Xem:" not in webhook[0]["json"]["text"]


def test_every_alert_page_and_dossier_set_exists():
    from kpi.alerts import links
    from kpi.measures import metrics
    from ui import nav

    pages = {spec.name for spec in nav.PAGES}
    assert set(links.KPI_PAGES) == set(metrics.KPIS)
    assert set(links.KPI_PAGES.values()) | set(links.RULE_PAGES.values()) | {links.DRILL_PAGE, links.HOME_PAGE} <= pages
    assert set(links.KPI_DRILL_SETS.values()) <= set(metrics.DRILL_SETS)
    forecast = rules.Alert("forecast_miss:2024:commune:online_rate", "forecast_miss", "…", None, "commune",
                           {"kpi": "online_rate"})
    task = rules.Alert("task_overdue:7:2024-03-31", "task_overdue", "…", "so", "province", {"task_id": 7})
    assert links.alert_url(forecast, "http://10.0.0.5:8501") == "http://10.0.0.5:8501/online"
    assert links.alert_url(task, "http://10.0.0.5:8501/") == "http://10.0.0.5:8501/plan_tasks"
    assert links.alert_url(task, "") is None

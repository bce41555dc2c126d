"""An analyst uploads a file in a real Chromium: login form, 'Nạp dữ liệu', file input, preview, confirm, result.

Screenshots of the preview and of the result land in test-output/upload/.
Run: .venv/bin/python -m pytest tests/test_upload_browser.py -q -m browser -p no:cacheprovider
"""
from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from kpi import auth
from kpi.db import Warehouse
from tests.fixtures_etl import Traits, make_rows, write_messy

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parent.parent
SHOTS = ROOT / "test-output" / "upload"
ANALYST, PASSWORD = "chuyen-vien", "Mat-khau-rat-dai-2024!"
CHROMIUM = "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--no-first-run", "--disable-quic"]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    if not Path(CHROMIUM).exists():
        pytest.skip("Chromium is not installed")
    db = tmp_path_factory.mktemp("upload_browser") / "upload.duckdb"
    auth.create_user(Warehouse(db), ANALYST, PASSWORD, "analyst")
    port = _free_port()
    env = dict(os.environ, TTHC_DB=str(db), PYTHONPATH=str(ROOT))
    log_path = tmp_path_factory.mktemp("log") / "streamlit.log"
    log = open(log_path, "w")
    proc = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", "dashboard.py", "--server.headless", "true",
         "--server.port", str(port), "--server.address", "127.0.0.1", "--browser.gatherUsageStats", "false",
         "--server.fileWatcherType", "none"],
        cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    try:
        for _ in range(120):
            try:
                if urllib.request.urlopen(f"{url}/_stcore/health", timeout=1).read() == b"ok":
                    break
            except OSError:
                time.sleep(0.5)
        else:
            pytest.fail("streamlit did not start: " + log_path.read_text())
        yield url, db
    finally:
        proc.terminate()
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()
        log.close()


def _settle(tab) -> None:
    tab.wait_for_timeout(500)
    tab.wait_for_function(
        "() => !document.querySelector('[data-testid=\"stStatusWidget\"]')"
        " || !document.querySelector('[data-testid=\"stStatusWidget\"]').innerText.includes('Running')",
        timeout=60_000)
    tab.wait_for_timeout(500)


def test_analyst_uploads_previews_and_confirms(server, tmp_path):
    from playwright.sync_api import sync_playwright

    url, db = server
    path = write_messy(tmp_path / "Mot cua thang 1-2024.xlsx", make_rows(120, seed=4),
                       Traits(title_rows=3, two_row_header=True, date_style="mixed", footer=True))
    SHOTS.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        context = browser.new_context(viewport={"width": 1920, "height": 1080}, locale="vi-VN")
        tab = context.new_page()
        tab.set_default_timeout(60_000)
        tab.goto(url)
        tab.get_by_label("Tên đăng nhập").fill(ANALYST)
        tab.get_by_label("Mật khẩu").fill(PASSWORD)
        tab.get_by_role("button", name="Đăng nhập").click()
        nav = tab.locator("[data-testid='stSidebarNav']")
        nav.get_by_text("Nạp dữ liệu", exact=True).first.click()
        tab.locator("[data-testid='stMainBlockContainer'] h1").filter(has_text="Nạp dữ liệu").first.wait_for()
        _settle(tab)

        tab.locator("[data-testid='stFileUploader'] input[type='file']").set_input_files(str(path))
        confirm = tab.get_by_role("button", name="Xác nhận nạp")
        confirm.wait_for()
        _settle(tab)
        assert tab.get_by_text("Hồ sơ mới").first.is_visible()
        assert Warehouse(db).query("SELECT count(*) FROM dossiers")[0][0] == 0
        tab.screenshot(path=str(SHOTS / "preview.png"), full_page=True)
        confirm.scroll_into_view_if_needed()
        tab.wait_for_timeout(300)
        tab.screenshot(path=str(SHOTS / "preview_confirm.png"))

        confirm.click()
        tab.get_by_text("Đã nạp xong lượt").first.wait_for()
        _settle(tab)
        tab.screenshot(path=str(SHOTS / "result.png"), full_page=True)
        assert not tab.locator("[data-testid='stException']").count()
        browser.close()
    assert Warehouse(db).query("SELECT count(*), count(DISTINCT batch_id) FROM dossiers")[0] == (120, 1)
    assert Warehouse(db).query("SELECT user_name, status FROM load_batches") == [(ANALYST, "loaded")]

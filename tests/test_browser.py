"""The dashboard in a real Chromium: a streamlit server on a free port, the real login form,
every page opened from the sidebar at 1920×1080, a full-page screenshot of each under
test-output/screenshots/, and no Streamlit exception box anywhere.

Run: .venv/bin/python -m pytest tests/test_browser.py -q -m browser
"""
from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from kpi import auth, metrics, periods
from kpi import text_vi as T
from kpi.db import Warehouse

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parent.parent
SHOTS = ROOT / "test-output" / "screenshots"
ADMIN, PASSWORD = "quan-tri", "Mat-khau-rat-dai-2024!"
CHROMIUM = "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--no-first-run", "--disable-quic"]
PAGES = ("overview", "on_time", "digitization", "online", "satisfaction", "pakn", "unit", "drilldown")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def server(sample_db, tmp_path_factory):
    if not Path(CHROMIUM).exists():
        pytest.skip("Chromium is not installed")
    db = tmp_path_factory.mktemp("browser") / "sample.duckdb"
    shutil.copy(sample_db, db)
    auth.create_user(Warehouse(db), ADMIN, PASSWORD, "admin")
    port = _free_port()
    env = dict(os.environ, TTHC_DB=str(db), PYTHONPATH=str(ROOT))
    log = open(tmp_path_factory.mktemp("log") / "streamlit.log", "w")
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
            pytest.fail("streamlit did not start")
        yield url, db
    finally:
        proc.terminate()
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()
        log.close()


@pytest.fixture(scope="module")
def page(server):
    from playwright.sync_api import sync_playwright

    url, _ = server
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        context = browser.new_context(viewport={"width": 1920, "height": 1080}, locale="vi-VN")
        tab = context.new_page()
        tab.set_default_timeout(60_000)
        tab.goto(url)
        tab.get_by_label("Tên đăng nhập").fill(ADMIN)
        tab.get_by_label("Mật khẩu").fill(PASSWORD)
        tab.get_by_role("button", name="Đăng nhập").click()
        tab.get_by_text(T.PAGE_TITLES["overview"], exact=True).first.wait_for()
        yield tab
        browser.close()


def _settle(tab) -> None:
    """Wait until Streamlit has finished the run (no running indicator) and charts are drawn."""
    tab.wait_for_timeout(500)
    tab.wait_for_function(
        "() => !document.querySelector('[data-testid=\"stStatusWidget\"]')"
        " || !document.querySelector('[data-testid=\"stStatusWidget\"]').innerText.includes('Running')",
        timeout=60_000)
    tab.wait_for_selector("[data-testid='stMainBlockContainer'] h1", timeout=60_000)
    tab.wait_for_timeout(800)


def _open(tab, name: str) -> None:
    tab.locator("[data-testid='stSidebarNav'] a").filter(has_text=T.PAGE_TITLES[name]).first.click()
    tab.locator("[data-testid='stMainBlockContainer'] h1").filter(has_text=T.PAGE_TITLES[name]).first.wait_for()
    _settle(tab)


@pytest.mark.parametrize("name", PAGES)
def test_page_in_chromium(page, name):
    _open(page, name)
    if name not in ("overview", "drilldown"):
        page.wait_for_selector(".js-plotly-plot, [data-testid='stPlotlyChart']", timeout=60_000)
        page.wait_for_timeout(800)
    SHOTS.mkdir(parents=True, exist_ok=True)
    # Streamlit scrolls inside its main container: let it grow so the screenshot holds the whole page.
    page.add_style_tag(content="[data-testid='stAppViewContainer'],[data-testid='stMain'],.stApp"
                               "{overflow:visible!important;height:auto!important;position:static!important}")
    page.wait_for_timeout(300)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)
    assert page.locator("[data-testid='stException']").count() == 0, page.locator("[data-testid='stException']").first.inner_text()
    assert page.locator("h1").first.inner_text().strip()


def test_numbers_match_kpi_summary(page, server):
    """The overview of the default month shows what `python -m kpi summary` prints for it."""
    _, db = server
    _open(page, "overview")
    wh = Warehouse(db)
    from ui.filters import default_month

    month = default_month(*metrics.data_range(wh))
    out = subprocess.run([sys.executable, "-m", "kpi", "summary", "--db", str(db), "--from", str(month.start),
                          "--to", str(month.end), "--json"], cwd=ROOT, capture_output=True, text=True, check=True)
    total = json.loads(out.stdout)["total"]
    body = page.locator("[data-testid='stMainBlockContainer']").inner_text()
    assert month.label in body
    for kpi in metrics.SUMMARY_RATES:
        tile = page.locator("[data-testid='stMetric']").filter(has_text=T.KPI_LABELS[kpi]).first
        assert T.pct(total[kpi]) in tile.inner_text(), kpi
    in_time = total["resolved_early"] + total["resolved_on_time"]
    assert T.counts_phrase("on_time_rate", in_time, total["resolved"]) in body

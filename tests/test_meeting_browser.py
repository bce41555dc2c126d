"""Meeting mode in a real Chromium at 1920×1080 against a running `streamlit run dashboard.py`.

Logs in through the real login form, opens ``?trinhchieu=1``, screenshots every
slide into test-output/meeting/ and measures the computed font sizes a wall screen
needs (body ≥ 24 px, headline ≥ 48 px). Run with ``pytest -m browser``.
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

from kpi import periods, slides as slides_mod
from kpi.db import Warehouse
from tests.report_data import build_report_db

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "test-output" / "meeting"
CHROMIUM = "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--no-first-run", "--disable-quic"]
USER, PASSWORD = "giaoban", "Giao-ban-thang-10-2024"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    pytest.importorskip("playwright")
    if not Path(CHROMIUM).exists():
        pytest.skip("chromium missing")
    db = tmp_path_factory.mktemp("browser") / "meeting.duckdb"
    wh = build_report_db(db)
    from kpi import auth

    auth.create_user(wh, USER, PASSWORD, "leader")
    script = "dashboard.py" if (ROOT / "dashboard.py").exists() else "pages/meeting.py"
    port = _free_port()
    env = dict(os.environ, TTHC_DB=str(db), PYTHONPATH=str(ROOT))
    log = open(tmp_path_factory.mktemp("log") / "streamlit.log", "w")
    proc = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", script, "--server.port", str(port), "--server.headless", "true",
         "--browser.gatherUsageStats", "false", "--server.fileWatcherType", "none"],
        cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    try:
        deadline = time.time() + 60
        while time.time() < deadline:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/_stcore/health", timeout=2) as r:
                    if r.status == 200:
                        break
            except OSError:
                time.sleep(0.5)
        else:
            pytest.fail("streamlit did not start")
        yield f"http://127.0.0.1:{port}", wh
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()
        log.close()


def _px(page, selector: str) -> float:
    return page.evaluate(f"() => parseFloat(getComputedStyle(document.querySelector({selector!r})).fontSize)")


def _login(page) -> None:
    page.get_by_label("Tên đăng nhập").fill(USER)
    page.get_by_label("Mật khẩu").fill(PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()
    page.wait_for_selector(".mt-headline")


def test_meeting_mode_on_the_wall_screen(server):
    from playwright.sync_api import sync_playwright

    base, wh = server
    deck = slides_mod.build_slides(wh, periods.month(2024, 10))
    OUT.mkdir(parents=True, exist_ok=True)
    for old in OUT.glob("*.png"):
        old.unlink()
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        page = browser.new_page(viewport={"width": 1920, "height": 1080})
        page.set_default_timeout(30_000)
        page.goto(f"{base}/?trinhchieu=1&ky=2024-10&slide=1")
        _login(page)
        for i, slide in enumerate(deck, start=1):
            page.get_by_text(f"Trang {i}/{len(deck)}").wait_for()
            page.locator(".mt-title", has_text=slide.title).wait_for()
            page.wait_for_timeout(600)  # let the chart finish drawing before the screenshot
            page.screenshot(path=str(OUT / f"slide-{i}.png"))
            assert _px(page, ".mt-narrative") >= 24
            assert _px(page, ".mt-sub") >= 24
            assert _px(page, ".mt-headline") >= 48
            assert _px(page, ".mt-title") >= 36
            assert page.locator(".mt-headline").inner_text() == slide.headline
            assert f"slide={i}" in page.url
            # No chrome of the app on the wall: header, toolbar and sidebar are hidden.
            hidden = page.evaluate("""() => ['[data-testid="stHeader"]', '[data-testid="stSidebar"]', '[data-testid="stToolbar"]']
                .map(s => document.querySelector(s)).filter(Boolean)
                .every(e => getComputedStyle(e).display === 'none' || e.offsetParent === null)""")
            assert hidden
            page.get_by_role("button", name="Sau ▶").click()
        page.get_by_text(f"Trang 1/{len(deck)}").wait_for()
        # A load commits while the slide is on the wall: the numbers change without reloading the page.
        from tests.factories import add_dossiers, dossier

        add_dossiers(wh, [dossier(f"MOI-{i}", received="02/10/2024 08:00", due="10/10/2024",
                                  finished="20/10/2024") for i in range(30)])
        fresh = slides_mod.build_slides(wh, periods.month(2024, 10))[0]
        assert fresh.headline != deck[0].headline
        page.wait_for_function(f"() => document.querySelector('.mt-headline')?.innerText === {fresh.headline!r}",
                               timeout=45_000)
        page.get_by_role("button", name="◀ Trước").click()
        page.get_by_text(f"Trang {len(deck)}/{len(deck)}").wait_for()
        # A bookmark opens the chosen period, level and slide directly (a new page load: log in again).
        page.goto(f"{base}/?trinhchieu=1&ky=2024-09&cap=district&slide=2")
        _login(page)
        district = slides_mod.build_slides(wh, periods.month(2024, 9), level="district")
        page.get_by_text(f"Trang 2/{len(district)}").wait_for()
        page.locator(".mt-title", has_text=district[1].title).wait_for()
        page.screenshot(path=str(OUT / "bookmark-district.png"))
        browser.close()
    assert len(list(OUT.glob("slide-*.png"))) == len(deck)

"""Shared pieces of the real-browser tests: a `streamlit run dashboard.py` server on a free port,
Chromium through Playwright at 1920×1080, the real login form, waiting for a run to settle.

Used by tests/test_browser.py, tests/test_roles_browser.py, tests/test_upload_browser.py and
tests/test_meeting_browser.py.
"""
from __future__ import annotations

import contextlib
import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--no-first-run", "--disable-quic"]
VIEWPORT = {"width": 1920, "height": 1080}
LAPTOP = {"width": 1366, "height": 768}  # the common office laptop (issue 17)
VIEWPORTS = {"1920x1080": VIEWPORT, "1366x768": LAPTOP}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def require_chromium() -> None:
    pytest.importorskip("playwright")
    if not Path(CHROMIUM).exists():
        pytest.skip("Chromium is not installed")


@contextlib.contextmanager
def streamlit_server(db: Path, log_dir: Path, script: str = "dashboard.py", env: dict | None = None):
    """Run `streamlit run <script>` against warehouse ``db``; yields the base URL; stops it afterwards."""
    port = free_port()
    environ = {**os.environ, "TTHC_DB": str(db), "PYTHONPATH": str(ROOT), **(env or {})}  # ``env`` may override
    log_path = log_dir / "streamlit.log"
    log = open(log_path, "w")
    proc = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", script, "--server.headless", "true",
         "--server.port", str(port), "--server.address", "127.0.0.1", "--browser.gatherUsageStats", "false",
         "--server.fileWatcherType", "none"],
        cwd=ROOT, env=environ, stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    try:
        for _ in range(120):
            try:
                if urllib.request.urlopen(f"{url}/_stcore/health", timeout=1).read() == b"ok":
                    break
            except OSError:
                time.sleep(0.5)
        else:
            log.flush()
            pytest.fail("streamlit did not start: " + log_path.read_text())
        yield url
    finally:
        proc.terminate()
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()
        log.close()


@contextlib.contextmanager
def chromium():
    """A Chromium browser (Playwright); yields it and closes it afterwards."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        try:
            yield browser
        finally:
            browser.close()


def new_tab(browser, viewport: dict | None = None):
    context = browser.new_context(viewport=viewport or VIEWPORT, locale="vi-VN")
    tab = context.new_page()
    tab.set_default_timeout(60_000)
    return tab


def login(tab, url: str, name: str, password: str, wait_for_text: str | None = None,
          wait_for_selector: str | None = None) -> None:
    """Open ``url`` and sign in through the real form; then waits until ``wait_for_text`` shows
    and/or an element matching ``wait_for_selector`` is there."""
    tab.goto(url)
    tab.get_by_label("Tên đăng nhập").fill(name)
    tab.get_by_label("Mật khẩu").fill(password)
    tab.get_by_role("button", name="Đăng nhập").click()
    if wait_for_text is not None:
        tab.get_by_text(wait_for_text, exact=True).first.wait_for()
    if wait_for_selector is not None:
        tab.wait_for_selector(wait_for_selector)


def settle(tab) -> None:
    """Wait until Streamlit has finished the run (no running indicator) and a page title is drawn."""
    tab.wait_for_timeout(500)
    tab.wait_for_function(
        "() => !document.querySelector('[data-testid=\"stStatusWidget\"]')"
        " || !/Running|Stop/.test(document.querySelector('[data-testid=\"stStatusWidget\"]').innerText)",
        timeout=60_000)
    tab.wait_for_selector("[data-testid='stMainBlockContainer'] h1", timeout=60_000)
    tab.wait_for_timeout(800)


# The sidebar menu (ui/nav.py draws it with st.page_link; Streamlit's own list is off in the config).
NAV = "[data-testid='stSidebar'] .st-key-sidebar_nav"
NAV_LINKS = NAV + " a"
# Streamlit's own page list: must never show (before login it listed every file of pages/).
STREAMLIT_NAV_LINKS = "[data-testid='stSidebarNav'] a"


def sidebar_links(tab) -> list[str]:
    """The titles of the navigation links in the sidebar, in order (a Material icon's ligature name,
    drawn before the title, is left out)."""
    return [t.strip().splitlines()[-1].strip() for t in tab.locator(NAV_LINKS).all_inner_texts()
            if t.strip()]


def page_shots(tab, folder: Path, name: str, parts: int = 4) -> None:
    """Screenshots ``folder/name-1.png``… of a page from the top down, at most ``parts``, then back to the top
    (Streamlit scrolls its own container, not the window)."""
    scroller = "document.querySelector('[data-testid=\"stMain\"]') || document.scrollingElement"
    tab.evaluate(f"() => {{ ({scroller}).scrollTop = 0; }}")
    for i in range(parts):
        tab.wait_for_timeout(400)
        tab.screenshot(path=str(folder / f"{name}-{i + 1}.png"))
        if tab.evaluate(f"() => {{ const s = {scroller}; const before = s.scrollTop;"
                        f" s.scrollTop += window.innerHeight * 0.85; return s.scrollTop === before; }}"):
            break
    tab.evaluate(f"() => {{ ({scroller}).scrollTop = 0; }}")

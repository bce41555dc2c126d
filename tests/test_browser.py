"""The dashboard in a real Chromium: a streamlit server on a free port, the real login form,
every page opened from the sidebar at 1920×1080, a full-page screenshot of each under
test-output/screenshots/, and no Streamlit exception box anywhere.

Run: .venv/bin/python -m pytest tests/test_browser.py -q -m browser
"""
from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from kpi.access import accounts
from kpi.measures import metrics, periods
from kpi.text import vi
from kpi.warehouse.db import Warehouse
from tests.browser_support import NAV_LINKS, chromium, login, new_tab, require_chromium, settle, streamlit_server

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parent.parent
SHOTS = ROOT / "test-output" / "screenshots"
ADMIN, PASSWORD = "quan-tri", "Mat-khau-rat-dai-2024!"
PAGES = ("overview", "on_time", "digitization", "online", "satisfaction", "pakn", "unit", "drilldown")


@pytest.fixture(scope="module")
def server(sample_db, tmp_path_factory):
    require_chromium()
    db = tmp_path_factory.mktemp("browser") / "sample.duckdb"
    shutil.copy(sample_db, db)
    accounts.create_user(Warehouse(db), ADMIN, PASSWORD, "admin")
    with streamlit_server(db, tmp_path_factory.mktemp("log")) as url:
        yield url, db


@pytest.fixture(scope="module")
def page(server):
    url, _ = server
    with chromium() as browser:
        tab = new_tab(browser)
        login(tab, url, ADMIN, PASSWORD, vi.PAGE_TITLES["overview"])
        yield tab


_settle = settle


def _open(tab, name: str) -> None:
    tab.locator(NAV_LINKS).filter(has_text=vi.PAGE_TITLES[name]).first.click()
    tab.locator("[data-testid='stMainBlockContainer'] h1").filter(has_text=vi.PAGE_TITLES[name]).first.wait_for()
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
    month = periods.default_month(*metrics.data_range(wh))
    out = subprocess.run([sys.executable, "-m", "kpi", "summary", "--db", str(db), "--from", str(month.start),
                          "--to", str(month.end), "--json"], cwd=ROOT, capture_output=True, text=True, check=True)
    total = json.loads(out.stdout)["total"]
    body = page.locator("[data-testid='stMainBlockContainer']").inner_text()
    assert month.label in body
    for kpi in metrics.SUMMARY_RATES:
        tile = page.locator("[data-testid='stMetric']").filter(has_text=vi.KPI_LABELS[kpi]).first
        assert vi.pct(total[kpi]) in tile.inner_text(), kpi
    in_time = total["resolved_early"] + total["resolved_on_time"]
    assert vi.counts_phrase("on_time_rate", in_time, total["resolved"]) in body

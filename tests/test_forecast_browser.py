"""The year-end forecast on the overview tiles in a real Chromium (issue 14 item 5): a month of a year
still open shows each tile's forecast and pace; the screenshot lands in test-output/screenshots/.

Run: .venv/bin/python -m pytest tests/test_forecast_browser.py -q -m browser
"""
from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pytest

from kpi.access import accounts
from kpi.measures import forecast, targets
from kpi.text import index766 as index_text
from kpi.text import vi
from kpi.warehouse.db import Warehouse
from tests.browser_support import NAV_LINKS, chromium, login, new_tab, require_chromium, settle, streamlit_server

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parent.parent
SHOTS = ROOT / "test-output" / "screenshots"
ADMIN, PASSWORD = "quan-tri", "Mat-khau-rat-dai-2024!"


@pytest.fixture(scope="module")
def server(sample_db, tmp_path_factory):
    require_chromium()
    db = tmp_path_factory.mktemp("forecast_browser") / "sample.duckdb"
    shutil.copy(sample_db, db)
    accounts.create_user(Warehouse(db), ADMIN, PASSWORD, "admin")
    with streamlit_server(db, tmp_path_factory.mktemp("log")) as url:
        yield url, db


def _main_text(tab) -> str:
    return tab.locator("[data-testid='stMainBlockContainer']").inner_text()


def test_overview_tiles_show_the_forecast_of_an_open_year(server):
    url, db = server
    with chromium() as browser:
        tab = new_tab(browser)
        login(tab, url, ADMIN, PASSWORD, vi.PAGE_TITLES["overview"])
        settle(tab)
        # The default month is December 2025, the data's last: the year is over, nothing to forecast.
        assert "Dự báo cuối năm" not in _main_text(tab)
        picker = tab.locator("[data-testid='stSidebar'] input[role='combobox'][aria-label='Tháng']")
        picker.click()
        picker.fill("09/2025")
        tab.keyboard.press("Enter")
        tab.get_by_text("Dự báo cuối năm", exact=False).first.wait_for()
        settle(tab)
        wh = Warehouse(db)
        result, _ = forecast.for_warehouse(wh, 2025, targets.targets_for_year(wh, 2025), dt.date(2025, 9, 30))
        text = _main_text(tab)
        assert forecast.forecast_line(result["on_time_rate"].total) in text
        assert "từ 01/10 đến 31/12" in text
        SHOTS.mkdir(parents=True, exist_ok=True)
        tab.add_style_tag(content="[data-testid='stAppViewContainer'],[data-testid='stMain'],.stApp"
                                  "{overflow:visible!important;height:auto!important;position:static!important}")
        tab.wait_for_timeout(300)
        tab.screenshot(path=str(SHOTS / "overview_forecast.png"), full_page=True)
        assert tab.locator("[data-testid='stException']").count() == 0

        # The index page, same month (the filters are shared): the groups' year-end forecast.
        tab.locator(NAV_LINKS).filter(has_text=index_text.TITLE).first.click()
        heading = tab.get_by_text("Dự báo cuối năm 2025", exact=True).first
        heading.wait_for()
        settle(tab)
        tab.wait_for_timeout(500)
        tab.screenshot(path=str(SHOTS / "index766_forecast.png"), full_page=True)
        assert "Mô phỏng từ dữ liệu của tỉnh" in _main_text(tab)
        assert tab.locator("[data-testid='stException']").count() == 0

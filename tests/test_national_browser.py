"""The Toàn quốc page in a real Chromium (1920×1080 and 1366×768): twelve simulated provinces
(``etl.sample_lake``, one seed each) ranked on each KPI. Screenshots go to test-output/national/.

Run: .venv/bin/python -m pytest tests/test_national_browser.py -q -m browser
"""
from __future__ import annotations

import pytest

from etl.sample_lake import simulate_lake
from kpi.access import accounts
from kpi.lake import engines, national
from kpi.measures import periods
from kpi.text import lake as lake_text
from kpi.text import vi
from kpi.warehouse.db import Warehouse
from tests.browser_support import (NAV_LINKS, ROOT, VIEWPORTS, chromium, login, new_tab, page_shots,
                                   require_chromium, settle, streamlit_server)

pytestmark = pytest.mark.browser

SHOTS = ROOT / "test-output" / "national"
ADMIN, PASSWORD = "quan-tri-quoc-gia", "Mat-khau-rat-dai-2025!"
PROVINCES = 12


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    require_chromium()
    root = tmp_path_factory.mktemp("national-browser")
    simulate_lake(root / "lake", provinces=PROVINCES, scale=0.005, seed=11, keep=root / "warehouses")
    db = root / "warehouses" / "01.duckdb"  # the office runs its own province's dashboard: Hà Nội here
    wh = Warehouse(db)
    accounts.create_user(wh, ADMIN, PASSWORD, "admin")
    SHOTS.mkdir(parents=True, exist_ok=True)
    with streamlit_server(db, tmp_path_factory.mktemp("log"), env={"TTHC_LAKE": str(root / "lake")}) as url:
        yield url, root / "lake"


@pytest.mark.parametrize("size", list(VIEWPORTS))
def test_national_page_ranks_the_provinces(server, size):
    url, lake = server
    month = periods.month(2025, 12)
    table = national.ranking(engines.DuckDBEngine(lake), month)
    best = national.ranked_rows(table, "on_time_rate").iloc[0]
    with chromium() as browser:
        tab = new_tab(browser, VIEWPORTS[size])
        login(tab, url, ADMIN, PASSWORD, vi.PAGE_TITLES["overview"])
        settle(tab)
        tab.locator(NAV_LINKS).filter(has_text=vi.PAGE_TITLES["national"]).first.click()
        tab.locator("[data-testid='stMainBlockContainer'] h1").filter(has_text=lake_text.PAGE_HEADING).first.wait_for()
        settle(tab)
        tab.wait_for_timeout(1500)
        main = tab.locator("[data-testid='stMainBlockContainer']")
        text = main.inner_text()
        assert lake_text.PERIOD_LINE.format(period=month.label, n=PROVINCES).split(" · ")[1] in text
        assert "-0,0" not in text and "−0,0" not in text
        page_shots(tab, SHOTS, f"national-{size}")
        # Every national tile shows its whole value and title (no ellipsis on a laptop screen).
        cut = tab.evaluate("""() => [...document.querySelectorAll('[data-testid="stMetricValue"], [data-testid="stMetricLabel"]')]
            .flatMap(e => [e, ...e.querySelectorAll('*')])
            .filter(e => e.scrollWidth > e.clientWidth + 1 && getComputedStyle(e).overflow !== 'visible')
            .map(e => e.innerText)""")
        assert cut == []
        # The ranking chart: one bar per province, the best on-time province at the top.
        tab.wait_for_selector(".js-plotly-plot .ytick text")
        bars = tab.evaluate("""() => [...document.querySelectorAll('.js-plotly-plot .ytick text')]
            .map(t => [t.getBoundingClientRect().top, t.textContent]).sort((a, b) => a[0] - b[0]).map(p => p[1])""")
        assert len(bars) == PROVINCES and bars[0] == best["name"]

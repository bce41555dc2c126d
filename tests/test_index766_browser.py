"""The 'Chỉ số 766' page in a real Chromium at 1920×1080 and 1366×768, on the sample with the portal's
published total and TDGQ for October 2025 imported (so the publication point, the reconciliation and
the simulated groups all show). Screenshots go to test-output/index766/. From the page: the total tile
and the levers say what they are, no tile title is cut, charts use their column, a lever's button
opens the dossiers behind it.

Run: .venv/bin/python -m pytest tests/test_index766_browser.py -q -m browser
"""
from __future__ import annotations

import json
import shutil

import pytest

from etl.load import load_file
from kpi.access import accounts
from kpi.measures import periods
from kpi.text import index766 as index766_text
from kpi.text import vi
from kpi.warehouse.db import Warehouse
from tests.browser_support import (NAV_LINKS, ROOT, VIEWPORTS, chromium, login, new_tab, page_shots,
                                   require_chromium, settle, streamlit_server)

pytestmark = pytest.mark.browser

SHOTS = ROOT / "test-output" / "index766"
ADMIN, PASSWORD = "lanh-dao-766", "Mat-khau-rat-dai-2025!"
OCTOBER = periods.month(2025, 10)


@pytest.fixture(scope="module")
def server(sample_db, tmp_path_factory):
    require_chromium()
    folder = tmp_path_factory.mktemp("index-browser")
    db = folder / "sample.duckdb"
    shutil.copy(sample_db, db)
    wh = Warehouse(db)
    total = {"code": "OK", "data": {"overview": {"departmentName": "UBND tỉnh", "departmentCode": "H75",
                                                "totalScore": 68.4, "totalMaxScore": 100}, "evaluation": []}}
    progress = {"code": "OK", "data": {"parent": {"departmentName": "UBND tỉnh", "departmentCode": "H75",
                                                 "totalReceived": 9000, "totalOnTime": 8100, "ratio": 90.0,
                                                 "totalScore": 18.0, "totalMaxScore": 20}, "children": []}}
    for name, payload in (("chi-so-766-thang-10-2025.json", total), ("tien-do-thang-10-2025.json", progress)):
        (folder / name).write_text(json.dumps(payload), encoding="utf-8")
        assert load_file(wh, folder / name).status == "loaded"
    accounts.create_user(wh, ADMIN, PASSWORD, "admin")
    SHOTS.mkdir(parents=True, exist_ok=True)
    with streamlit_server(db, tmp_path_factory.mktemp("log")) as url:
        yield url


def _pick_october(tab) -> None:
    box = tab.locator("[data-testid='stSidebar'] [data-testid='stSelectbox']").filter(has_text="Tháng").first
    box.locator("input").click()
    tab.keyboard.type(OCTOBER.label)
    tab.keyboard.press("Enter")
    settle(tab)
    tab.get_by_text(f"Kỳ: {OCTOBER.label}").first.wait_for()


def _cut_metric_values(tab) -> list[str]:
    return tab.evaluate("""() => [...document.querySelectorAll('[data-testid="stMetricValue"], [data-testid="stMetricLabel"]')]
        .flatMap(e => [e, ...e.querySelectorAll('*')])
        .filter(e => e.scrollWidth > e.clientWidth + 1 && getComputedStyle(e).overflow !== 'visible')
        .map(e => e.innerText)""")


@pytest.mark.parametrize("size", list(VIEWPORTS))
def test_index_page(server, size):
    with chromium() as browser:
        tab = new_tab(browser, VIEWPORTS[size])
        login(tab, server, ADMIN, PASSWORD, vi.PAGE_TITLES["overview"])
        settle(tab)
        _pick_october(tab)
        tab.locator(NAV_LINKS).filter(has_text=vi.PAGE_TITLES["index766"]).first.click()
        tab.locator("[data-testid='stMainBlockContainer'] h1").filter(has_text=index766_text.TITLE).first.wait_for()
        settle(tab)
        tab.wait_for_timeout(1000)
        main = tab.locator("[data-testid='stMainBlockContainer']")
        text = main.inner_text()
        assert "68,4 / 100 điểm" in text and index766_text.SOURCE_LABELS["portal"] in text
        assert index766_text.GAINS_HEADING in text and "Nếu 5 đơn vị này" in text
        assert index766_text.RECONCILE_HEADING in text  # its rows are drawn on a canvas: AppTest checks them
        assert "-0,0" not in text and "−0,0" not in text
        page_shots(tab, SHOTS, f"index766-{size}", parts=6)
        assert _cut_metric_values(tab) == []
        widths = tab.evaluate("""() => [...document.querySelectorAll('.js-plotly-plot')].map(p => {
            const col = p.closest('[data-testid="stColumn"]') || p.closest('[data-testid="stVerticalBlock"]');
            return p.getBoundingClientRect().width / col.getBoundingClientRect().width; })""")
        assert widths and min(widths) >= 0.9
        tab.get_by_role("button", name=index766_text.GAINS_GO).click()
        tab.locator("[data-testid='stMainBlockContainer'] h1").filter(
            has_text=vi.PAGE_TITLES["drilldown"]).first.wait_for()
        settle(tab)
        assert "set=" in tab.url
        tab.screenshot(path=str(SHOTS / f"index766-drilldown-{size}.png"))

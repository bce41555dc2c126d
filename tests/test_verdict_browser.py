"""What a leader sees (issue 17), in a real Chromium at 1920×1080 and 1366×768: the overview and
the on-time page for October 2025, and the October 2025 meeting slides (all levels, and the
bookmark ``cap=district`` of the abolished level), on the sample plus eight leftovers of an
abolished district. Screenshots go to test-output/verdict/; the measures a screenshot cannot
assert are taken from the page: tile titles not cut, charts as wide as their column, chart
text on the wall screen ≥ 24 px, and no "-0,0".

Run: .venv/bin/python -m pytest tests/test_verdict_browser.py -q -m browser
"""
from __future__ import annotations

import shutil

import pytest

from kpi.access import accounts
from kpi.measures import metrics, periods, verdict
from kpi.reports import slides as slides_mod
from kpi.text import vi
from kpi.warehouse.db import Warehouse
from tests.browser_support import (NAV_LINKS, ROOT, VIEWPORTS, chromium, login, new_tab, page_shots,
                                   require_chromium, settle, streamlit_server)
from tests.factories import add_dossiers, add_units, dossier

pytestmark = pytest.mark.browser

SHOTS = ROOT / "test-output" / "verdict"
ADMIN, PASSWORD = "lanh-dao-tinh", "Mat-khau-rat-dai-2025!"
LEFTOVERS = "UBND huyện Nhơn Trạch"
OCTOBER = periods.month(2025, 10)


@pytest.fixture(scope="module")
def server(sample_db, tmp_path_factory):
    require_chromium()
    db = tmp_path_factory.mktemp("verdict-browser") / "sample.duckdb"
    shutil.copy(sample_db, db)
    wh = Warehouse(db)
    add_units(wh, {LEFTOVERS: None})
    add_dossiers(wh, [dossier(f"LEFT-{i}", LEFTOVERS, "10/06/2025 08:00", "30/06/2025", f"{10 + i}/10/2025 09:00")
                      for i in range(8)])
    accounts.create_user(wh, ADMIN, PASSWORD, "admin")
    SHOTS.mkdir(parents=True, exist_ok=True)
    with streamlit_server(db, tmp_path_factory.mktemp("log")) as url:
        yield url, wh


def _pick_october(tab) -> None:
    """Choose Tháng 10/2025 in the sidebar's month picker."""
    box = tab.locator("[data-testid='stSidebar'] [data-testid='stSelectbox']").filter(has_text="Tháng").first
    box.locator("input").click()
    tab.keyboard.type(OCTOBER.label)
    tab.keyboard.press("Enter")
    settle(tab)
    tab.get_by_text(f"Kỳ: {OCTOBER.label}").first.wait_for()


def _cut_metric_labels(tab) -> list[str]:
    """Tile titles whose text is wider than their box (an ellipsis on screen)."""
    return tab.evaluate("""() => [...document.querySelectorAll('[data-testid="stMetricLabel"]')]
        .flatMap(label => [...label.querySelectorAll('*')])
        .filter(e => e.scrollWidth > e.clientWidth + 1 && getComputedStyle(e).overflow !== 'visible')
        .map(e => e.innerText)""")


def _narrow_charts(tab) -> list[float]:
    """Width of each chart over the width of its column (a chart that does not use its width < 0.9)."""
    return tab.evaluate("""() => [...document.querySelectorAll('.js-plotly-plot')].map(p => {
        const col = p.closest('[data-testid="stColumn"]') || p.closest('[data-testid="stVerticalBlock"]');
        return p.getBoundingClientRect().width / col.getBoundingClientRect().width; })""")


def _chart_font_px(tab) -> list[float]:
    """The drawn size of every chart text: its font size times the scale plotly applies to fit a bar."""
    return tab.evaluate("""() => [...document.querySelectorAll('.js-plotly-plot text')]
        .filter(t => t.textContent.trim() && t.getBoundingClientRect().width > 0)
        .map(t => { const m = t.getCTM(); const scale = Math.hypot(m.a, m.b);
                    const svg = t.ownerSVGElement.getCTM(); const base = Math.hypot(svg.a, svg.b) || 1;
                    return parseFloat(getComputedStyle(t).fontSize) * scale / base; })""")


@pytest.mark.parametrize("size", list(VIEWPORTS))
def test_overview_and_on_time_page(server, size):
    url, wh = server
    in_force = slides_mod.in_force_targets(wh, 2025)
    judged = verdict.for_selection(wh, OCTOBER, in_force, metrics.PLAN_KPIS)
    with chromium() as browser:
        tab = new_tab(browser, VIEWPORTS[size])
        login(tab, url, ADMIN, PASSWORD, vi.PAGE_TITLES["overview"])
        settle(tab)
        _pick_october(tab)
        main = tab.locator("[data-testid='stMainBlockContainer']")
        text = main.inner_text()
        assert judged.headline() in text
        assert "Phạm vi: Toàn tỉnh" in text
        assert verdict.abolished_note() in text and "đã giải thể" in text
        assert "-0,0" not in text and "−0,0" not in text
        page_shots(tab, SHOTS, f"overview-{size}")
        assert _cut_metric_labels(tab) == []
        _open_page(tab, "on_time")
        page_shots(tab, SHOTS, f"on_time-{size}", parts=6)
        assert _cut_metric_labels(tab) == []
        assert min(_narrow_charts(tab)) >= 0.9
        assert "-0,0" not in main.inner_text()
        # The page where a goal label once covered the only failing bar.
        _open_page(tab, "digitization")
        page_shots(tab, SHOTS, f"digitization-{size}", parts=3)
        assert _cut_metric_labels(tab) == []


def _open_page(tab, page: str) -> None:
    """Switch page through the menu and wait until its title and charts are drawn."""
    tab.locator(NAV_LINKS).filter(has_text=vi.PAGE_TITLES[page]).first.click()
    tab.locator("[data-testid='stMainBlockContainer'] h1").filter(has_text=vi.PAGE_TITLES[page]).first.wait_for()
    settle(tab)
    tab.wait_for_timeout(800)


@pytest.mark.parametrize("size", list(VIEWPORTS))
def test_october_2025_meeting_slides(server, size):
    url, wh = server
    deck = slides_mod.build_slides(wh, OCTOBER)
    alone = slides_mod.build_slides(wh, OCTOBER, level="district")
    with chromium() as browser:
        tab = new_tab(browser, VIEWPORTS[size])
        login(tab, f"{url}/?trinhchieu=1&ky=2025-10&slide=1", ADMIN, PASSWORD, wait_for_selector=".mt-headline")
        for i, slide in enumerate(deck, start=1):
            tab.get_by_text(f"Trang {i}/{len(deck)}").wait_for()
            tab.locator(".mt-title", has_text=slide.title).wait_for()
            if slide.figure:
                tab.wait_for_function("() => document.querySelectorAll('.js-plotly-plot text').length > 3")
            tab.wait_for_timeout(900)
            tab.screenshot(path=str(SHOTS / f"meeting-{size}-{i}-{slide.key.replace(':', '-')}.png"))
            if size == "1920x1080" and slide.figure:
                assert min(_chart_font_px(tab)) >= 24, slide.key
            tab.get_by_role("button", name="Sau ▶").click()
        # The bookmark of the abolished level: grey, named as abolished, never an orange "0,0%".
        tab.goto(f"{url}/?trinhchieu=1&ky=2025-10&cap=district&slide=1")  # a new page load keeps the login
        tab.wait_for_selector(".mt-headline")
        tab.locator(".mt-title", has_text=alone[0].title).wait_for()
        tab.wait_for_timeout(700)
        tab.screenshot(path=str(SHOTS / f"meeting-{size}-district-bookmark.png"))
        assert "đã giải thể" in tab.locator(".mt-title").inner_text()
        color = tab.evaluate("() => getComputedStyle(document.querySelector('.mt-headline')).color")
        assert color == "rgb(153, 153, 153)"  # verdict.STATUS_COLORS['abolished'], not vermillion

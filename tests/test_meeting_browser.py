"""Meeting mode in a real Chromium at 1920×1080 against a running `streamlit run dashboard.py`.

Logs in through the real login form, opens ``?trinhchieu=1``, screenshots every
slide into test-output/meeting/ and measures the computed font sizes a wall screen
needs (body ≥ 24 px, headline ≥ 48 px). Run with ``pytest -m browser``.
"""
from __future__ import annotations

import pytest

from kpi.access import accounts
from kpi.measures import periods
from kpi.reports import slides as slides_mod
from tests.browser_support import ROOT, chromium, login, new_tab, require_chromium, streamlit_server
from tests.report_data import build_report_db

pytestmark = pytest.mark.browser

OUT = ROOT / "test-output" / "meeting"
USER, PASSWORD = "giaoban", "Giao-ban-thang-10-2024"


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    require_chromium()
    db = tmp_path_factory.mktemp("browser") / "meeting.duckdb"
    wh = build_report_db(db)
    accounts.create_user(wh, USER, PASSWORD, "leader")
    script = "dashboard.py" if (ROOT / "dashboard.py").exists() else "pages/meeting.py"
    with streamlit_server(db, tmp_path_factory.mktemp("log"), script=script) as url:
        yield url, wh


def _px(page, selector: str) -> float:
    return page.evaluate(f"() => parseFloat(getComputedStyle(document.querySelector({selector!r})).fontSize)")


def _login(page, url: str) -> None:
    login(page, url, USER, PASSWORD, wait_for_selector=".mt-headline")


def test_meeting_mode_on_the_wall_screen(server):
    base, wh = server
    deck = slides_mod.build_slides(wh, periods.month(2024, 10))
    OUT.mkdir(parents=True, exist_ok=True)
    for old in OUT.glob("*.png"):
        old.unlink()
    with chromium() as browser:
        page = new_tab(browser)
        _login(page, f"{base}/?trinhchieu=1&ky=2024-10&slide=1")
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
        # A bookmark opens the chosen period, level and slide directly; a new page load keeps the login
        # (issue 17: the session cookie), so no password is asked on the wall screen.
        page.goto(f"{base}/?trinhchieu=1&ky=2024-09&cap=district&slide=2")
        page.wait_for_selector(".mt-headline")
        assert not page.get_by_label("Mật khẩu").count()
        district = slides_mod.build_slides(wh, periods.month(2024, 9), level="district")
        page.get_by_text(f"Trang 2/{len(district)}").wait_for()
        page.locator(".mt-title", has_text=district[1].title).wait_for()
        page.screenshot(path=str(OUT / "bookmark-district.png"))
    assert len(list(OUT.glob("slide-*.png"))) == len(deck)


def test_pack_download_appears_under_the_build_button(server):
    """Issue 17: the PDF download button once appeared only after reopening the options panel.
    Built in a fragment, it appears under the build button in the same open panel, and downloads a PDF."""
    base, _ = server
    with chromium() as browser:
        page = new_tab(browser)
        _login(page, f"{base}/?trinhchieu=1&ky=2024-10&slide=1")
        page.get_by_text("Tùy chọn trình chiếu").click()
        page.get_by_role("button", name="Tạo tài liệu giao ban (PDF)").click()
        download_button = page.get_by_role("button", name="Tải tài liệu giao ban (PDF)")
        download_button.wait_for(timeout=120_000)
        page.screenshot(path=str(OUT / "pack-button.png"))
        with page.expect_download(timeout=60_000) as download:
            download_button.click()
        path = download.value.path()
        assert open(path, "rb").read(5) == b"%PDF-"
        assert download.value.suggested_filename == "giao-ban-2024-10.pdf"

"""An analyst uploads a file in a real Chromium: login form, 'Nạp dữ liệu', file input, preview, confirm, result.

Screenshots of the preview and of the result land in test-output/upload/.
Run: .venv/bin/python -m pytest tests/test_upload_browser.py -q -m browser -p no:cacheprovider
"""
from __future__ import annotations

import pytest

from kpi.access import accounts
from kpi.warehouse.db import Warehouse
from tests.browser_support import NAV, ROOT, chromium, login, new_tab, require_chromium, settle, streamlit_server
from tests.fixtures_etl import Traits, make_rows, write_messy

pytestmark = pytest.mark.browser

SHOTS = ROOT / "test-output" / "upload"
ANALYST, PASSWORD = "chuyen-vien", "Mat-khau-rat-dai-2024!"


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    require_chromium()
    db = tmp_path_factory.mktemp("upload_browser") / "upload.duckdb"
    accounts.create_user(Warehouse(db), ANALYST, PASSWORD, "analyst")
    with streamlit_server(db, tmp_path_factory.mktemp("log")) as url:
        yield url, db


def test_analyst_uploads_previews_and_confirms(server, tmp_path):
    url, db = server
    path = write_messy(tmp_path / "Mot cua thang 1-2024.xlsx", make_rows(120, seed=4),
                       Traits(title_rows=3, two_row_header=True, date_style="mixed", footer=True))
    SHOTS.mkdir(parents=True, exist_ok=True)
    with chromium() as browser:
        tab = new_tab(browser)
        login(tab, url, ANALYST, PASSWORD)
        nav = tab.locator(NAV)
        nav.get_by_text("Nạp dữ liệu", exact=True).first.click()
        tab.locator("[data-testid='stMainBlockContainer'] h1").filter(has_text="Nạp dữ liệu").first.wait_for()
        settle(tab)

        tab.locator("[data-testid='stFileUploader'] input[type='file']").set_input_files(str(path))
        confirm = tab.get_by_role("button", name="Xác nhận nạp")
        confirm.wait_for()
        settle(tab)
        assert tab.get_by_text("Hồ sơ mới").first.is_visible()
        assert Warehouse(db).query("SELECT count(*) FROM dossiers")[0][0] == 0
        tab.screenshot(path=str(SHOTS / "preview.png"), full_page=True)
        confirm.scroll_into_view_if_needed()
        tab.wait_for_timeout(300)
        tab.screenshot(path=str(SHOTS / "preview_confirm.png"))

        confirm.click()
        tab.get_by_text("Đã nạp xong lượt").first.wait_for()
        settle(tab)
        tab.screenshot(path=str(SHOTS / "result.png"), full_page=True)
        assert not tab.locator("[data-testid='stException']").count()
    assert Warehouse(db).query("SELECT count(*), count(DISTINCT batch_id) FROM dossiers")[0] == (120, 1)
    assert Warehouse(db).query("SELECT user_name, status FROM load_batches") == [(ANALYST, "loaded")]

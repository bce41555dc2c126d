"""An analyst uploads hostile workbooks through the real upload page while a leader is logged in
elsewhere: the analyst sees a Vietnamese refusal naming the file and the limit, the server lives on,
and the leader's session keeps working.

Before: the 5.7 KB far-cell workbook aborted the Streamlit server itself (calamine asking for 512 GiB).
Screenshots land in test-output/hostile/.
Run: .venv/bin/python -m pytest tests/test_hostile_browser.py -q -m browser -p no:cacheprovider
"""
from __future__ import annotations

import urllib.request

import pytest

from etl.load import load_file
from kpi.access import accounts
from kpi.warehouse.db import Warehouse
from tests import hostile_files as H
from tests.fixtures_etl import make_rows, write_messy
from tests.browser_support import (NAV, NAV_LINKS, ROOT, chromium, login, new_tab, require_chromium, settle,
                                   sidebar_links, streamlit_server)

pytestmark = pytest.mark.browser

SHOTS = ROOT / "test-output" / "hostile"
ANALYST, LEADER, PASSWORD = "chuyen-vien", "lanh-dao", "Mat-khau-rat-dai-2024!"


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    require_chromium()
    db = tmp_path_factory.mktemp("hostile_browser") / "hostile.duckdb"
    wh = Warehouse(db)
    accounts.create_user(wh, ANALYST, PASSWORD, "analyst")
    accounts.create_user(wh, LEADER, PASSWORD, "leader")
    load_file(wh, write_messy(db.parent / "thang1.xlsx", make_rows(120, seed=4)))  # something for the leader to see
    with streamlit_server(db, tmp_path_factory.mktemp("log")) as url:
        yield url, db


def _upload(tab, path) -> None:
    tab.locator("[data-testid='stFileUploader'] input[type='file']").set_input_files(str(path))
    tab.locator("[data-testid='stAlertContainer']").filter(has_text=path.name).first.wait_for()
    settle(tab)


def test_far_cell_workbook_is_refused_and_another_session_keeps_working(server, tmp_path):
    url, db = server
    far = H.far_cell_xlsx(tmp_path / "Mot cua xa.xlsx")            # refused from its declared range
    liar = H.lying_dimension_xlsx(tmp_path / "Mot cua noi doi.xlsx")  # kills its reading child
    assert far.stat().st_size < 8000
    SHOTS.mkdir(parents=True, exist_ok=True)
    with chromium() as browser:
        leader = new_tab(browser)  # its own context: another user's session
        login(leader, url, LEADER, PASSWORD)
        settle(leader)

        analyst = new_tab(browser)
        login(analyst, url, ANALYST, PASSWORD)
        analyst.locator(NAV).get_by_text("Nạp dữ liệu", exact=True).first.click()
        analyst.locator("[data-testid='stMainBlockContainer'] h1").filter(has_text="Nạp dữ liệu").first.wait_for()
        settle(analyst)

        _upload(analyst, far)
        error = analyst.locator("[data-testid='stAlertContainer']").filter(has_text=far.name).first.inner_text()
        assert "Không nạp được tệp này" in error and "«Mot cua xa.xlsx»" in error, error
        assert "XFD1048576" in error and "vượt giới hạn 1.000 cột" in error, error
        analyst.screenshot(path=str(SHOTS / "far_cell_refused.png"), full_page=True)

        _upload(analyst, liar)
        error = analyst.locator("[data-testid='stAlertContainer']").filter(has_text=liar.name).first.inner_text()
        assert "«Mot cua noi doi.xlsx»" in error and "giới hạn 1.536 MB" in error, error
        analyst.screenshot(path=str(SHOTS / "reader_child_died.png"), full_page=True)
        assert not analyst.locator("[data-testid='stException']").count()

        assert urllib.request.urlopen(f"{url}/_stcore/health", timeout=5).read() == b"ok"
        assert "Giải quyết đúng hạn" in sidebar_links(leader)
        leader.locator(NAV_LINKS).filter(has_text="Giải quyết đúng hạn").first.click()
        leader.locator("[data-testid='stMainBlockContainer'] h1").filter(has_text="đúng hạn").first.wait_for()
        settle(leader)
        assert not leader.locator("[data-testid='stException']").count()
        leader.screenshot(path=str(SHOTS / "other_session.png"), full_page=True)
    assert Warehouse(db).query("SELECT count(*) FROM dossiers")[0][0] == 120  # nothing of the refused files

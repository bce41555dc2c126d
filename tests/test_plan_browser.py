"""An admin imports the 2024 plan (seed 001 as a Word file) in a real Chromium: 'Nhập kế hoạch', file input,
the proposal beside its quoted sentences, confirm; then 'Chỉ tiêu kế hoạch' cites the plan.

Screenshots land in test-output/plan/ (1920×1080: the wall screen; the proposal page full length).
Run: .venv/bin/python -m pytest tests/test_plan_browser.py -q -m browser -p no:cacheprovider
"""
from __future__ import annotations

import pytest

from kpi.access import accounts
from kpi.measures import targets
from kpi.warehouse.db import Warehouse
from tests.browser_support import NAV, ROOT, chromium, login, new_tab, require_chromium, settle, streamlit_server
from tests.plan_fixtures import seed_docx

pytestmark = pytest.mark.browser

SHOTS = ROOT / "test-output" / "plan"
ADMIN, PASSWORD = "quan-tri", "Mat-khau-rat-dai-2024!"


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    require_chromium()
    db = tmp_path_factory.mktemp("plan_browser") / "plan.duckdb"
    wh = Warehouse(db)
    accounts.create_user(wh, ADMIN, PASSWORD, "admin")
    targets.ensure_seeded(wh)
    with streamlit_server(db, tmp_path_factory.mktemp("log")) as url:
        yield url, wh


def _open(tab, title: str) -> None:
    tab.locator(NAV).get_by_text(title, exact=True).first.click()
    tab.locator("[data-testid='stMainBlockContainer'] h1").filter(has_text=title).first.wait_for()
    settle(tab)


def test_admin_imports_and_confirms_the_plan(server, tmp_path):
    url, wh = server
    plan = tmp_path / "KH 170 kiem soat TTHC 2024.docx"
    plan.write_bytes(seed_docx("001"))
    SHOTS.mkdir(parents=True, exist_ok=True)
    with chromium() as browser:
        tab = new_tab(browser, {"width": 1920, "height": 1080})
        login(tab, url, ADMIN, PASSWORD)
        _open(tab, "Nhập kế hoạch")
        tab.locator("[data-testid='stFileUploader'] input[type='file']").set_input_files(str(plan))
        settle(tab)
        tab.get_by_role("button", name="Đọc văn bản").click()
        tab.get_by_text("11 chỉ tiêu có dữ liệu, 8 chỉ tiêu nhập tay, 18 nhiệm vụ").first.wait_for()
        confirm = tab.get_by_role("button", name="Xác nhận kế hoạch năm 2024")
        confirm.wait_for()
        settle(tab)
        assert tab.get_by_text("KH 170/KH-VP ngày 18/01/2024 — kế hoạch năm 2024").first.is_visible()
        assert not tab.locator("[data-testid='stException']").count()
        tab.screenshot(path=str(SHOTS / "proposal.png"))
        tab.get_by_text("Nhiệm vụ trong phụ lục").first.scroll_into_view_if_needed()
        tab.wait_for_timeout(300)
        tab.screenshot(path=str(SHOTS / "proposal_tasks.png"))
        assert wh.query("SELECT status FROM plan_documents") == [("proposed",)]

        confirm.scroll_into_view_if_needed()
        confirm.click()
        tab.get_by_text("Đã xác nhận kế hoạch năm 2024: 11 chỉ tiêu thành phiên bản mới").first.wait_for()
        settle(tab)
        tab.screenshot(path=str(SHOTS / "confirmed.png"))

        _open(tab, "Chỉ tiêu kế hoạch")
        tab.screenshot(path=str(SHOTS / "targets_page.png"), full_page=True)
        assert not tab.locator("[data-testid='stException']").count()
    sources = {t.source for t in targets.targets_for_year(wh, 2024)}
    assert "KH 170/KH-VP ngày 18/01/2024, mục I.1.f" in sources
    assert wh.query("SELECT user_name FROM audit_log WHERE action = 'plan.confirm'") == [(ADMIN,)]

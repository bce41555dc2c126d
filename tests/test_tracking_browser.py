"""Following the plan in a real Chromium (issue 15 items 2 and 3), on the sample with the 2024 plan (seed 001)
imported and confirmed: the admin's 'Nhiệm vụ kế hoạch', the one-stop centre's analyst updating its own task,
a figure entered on 'Chỉ tiêu nhập tay' and shown on the overview against its target, "nhập tay".

Screenshots land in test-output/tracking/ (1920×1080, the wall screen; full pages).
Run: .venv/bin/python -m pytest tests/test_tracking_browser.py -q -m browser -p no:cacheprovider
"""
from __future__ import annotations

import shutil

import pytest

from kpi.access import accounts
from kpi.measures import periods
from kpi.measures import units as units_mod
from kpi.plan import store
from kpi.reports import slides as slides_mod
from kpi.tracking import manual, tasks as tasks_mod
from kpi.warehouse.db import Warehouse
from tests.browser_support import NAV_LINKS, ROOT, chromium, login, new_tab, require_chromium, settle, streamlit_server
from tests.plan_fixtures import seed_bytes

pytestmark = pytest.mark.browser

SHOTS = ROOT / "test-output" / "tracking"
ADMIN, ANALYST, PASSWORD = "quan-tri", "trung-tam", "Mat-khau-rat-dai-2024!"
CENTRE = "trung-tâm-phục-vụ-hành-chính-công-tỉnh"


@pytest.fixture(scope="module")
def server(sample_db, tmp_path_factory):
    require_chromium()
    db = tmp_path_factory.mktemp("tracking_browser") / "sample.duckdb"
    shutil.copy(sample_db, db)
    wh = Warehouse(db)
    # The plan names the centre without "tỉnh": an alias lets its tasks find their lead unit.
    units_mod.add_alias(wh, "Trung tâm Phục vụ hành chính công", CENTRE, user=ADMIN)
    proposal, doc_id = store.import_plan(wh, seed_bytes("001"), "KH 170 kiem soat TTHC 2024.txt", user=ADMIN)
    store.confirm(wh, doc_id, [t.__dict__ for t in proposal.targets], [m.__dict__ for m in proposal.manual_targets],
                  [t.__dict__ for t in proposal.tasks], ADMIN)
    accounts.create_user(wh, ADMIN, PASSWORD, "admin")
    accounts.create_user(wh, ANALYST, PASSWORD, "analyst", f"units:{CENTRE}")
    SHOTS.mkdir(parents=True, exist_ok=True)
    with streamlit_server(db, tmp_path_factory.mktemp("log")) as url:
        yield url, wh


@pytest.fixture(scope="module")
def browser(server):
    with chromium() as b:
        yield b


def _open(tab, title: str) -> None:
    tab.locator(NAV_LINKS).filter(has_text=title).first.click()
    tab.locator("[data-testid='stMainBlockContainer'] h1").filter(has_text=title).first.wait_for()
    settle(tab)


def _pick(tab, label: str, text: str) -> None:
    """Choose ``text`` in the selectbox labelled ``label`` (type and Enter, as a user does)."""
    box = tab.locator("[data-testid='stSelectbox']").filter(has_text=label).first
    box.locator("input").click()
    tab.keyboard.type(text)
    tab.keyboard.press("Enter")
    settle(tab)


def _no_exception(tab) -> None:
    assert not tab.locator("[data-testid='stException']").count()


def test_the_admin_sees_every_task_overdue_and_progress(server, browser):
    url, wh = server
    tab = new_tab(browser)
    login(tab, url, ADMIN, PASSWORD)
    _open(tab, "Nhiệm vụ kế hoạch")
    _no_exception(tab)
    # Seed 001's dated tasks (1.1 before 31/01/2024, 2.4 Quý III/2024, 2.5 before 14/3/2024) are all past.
    tab.get_by_text("Nhiệm vụ quá hạn (3)").first.wait_for()
    assert tab.get_by_text("Tiến độ theo mục tiêu").first.is_visible()
    tab.screenshot(path=str(SHOTS / "tasks_admin.png"))
    tab.screenshot(path=str(SHOTS / "tasks_admin_full.png"), full_page=True)
    assert len(tasks_mod.list_tasks(wh, None)) == 18


def test_the_centre_updates_its_own_task(server, browser):
    url, wh = server
    tab = new_tab(browser)
    login(tab, url, ANALYST, PASSWORD)
    _open(tab, "Nhiệm vụ kế hoạch")
    _no_exception(tab)
    own = tasks_mod.list_tasks(wh, accounts.get_user(wh, ANALYST).scope)
    assert own and all(t.lead_unit_id == CENTRE for t in own)
    tab.get_by_text(f"Tất cả nhiệm vụ ({len(own)})").first.wait_for()
    first = own[0]
    form = tab.locator("[data-testid='stForm']")
    form.locator("[data-testid='stSelectbox']").filter(has_text="Trạng thái").locator("input").click()
    tab.keyboard.type("Hoàn thành")
    tab.keyboard.press("Enter")
    form.get_by_label("Số, ký hiệu văn bản minh chứng").fill("125/QĐ-TTPVHCC")
    form.get_by_label("Liên kết minh chứng").fill("https://dichvucong.dongnai.gov.vn/qd125")
    form.get_by_role("button", name="Lưu cập nhật").click()
    tab.get_by_text(f"Đã lưu: nhiệm vụ {first.number} — Hoàn thành.").first.wait_for()
    settle(tab)
    _no_exception(tab)
    tab.screenshot(path=str(SHOTS / "tasks_centre_updated.png"), full_page=True)
    after = tasks_mod.get_task(wh, first.task_id, None)
    assert (after.status, after.evidence_no, after.updated_by) == ("done", "125/QĐ-TTPVHCC", ANALYST)


def test_a_figure_entered_by_hand_shows_on_the_overview(server, browser):
    url, wh = server
    tab = new_tab(browser)
    login(tab, url, ADMIN, PASSWORD)
    _open(tab, "Chỉ tiêu nhập tay")
    _no_exception(tab)
    _pick(tab, "Năm", "2025")
    _pick(tab, "Tháng", "12")
    form = tab.locator("[data-testid='stForm']")
    form.locator("[data-testid='stSelectbox']").filter(has_text="Chỉ tiêu").locator("input").click()
    tab.keyboard.type("TTHC được công khai đầy đủ")
    tab.keyboard.press("Enter")
    form.get_by_label("Số đạt (tử số)").fill("412")
    form.get_by_label("Tổng số (mẫu số; để 0 nếu chỉ tiêu là một con số đếm)").fill("415")
    form.get_by_label("Minh chứng (số, ký hiệu văn bản, báo cáo hoặc liên kết)").fill("Báo cáo 35/BC-TTPVHCC")
    form.get_by_role("button", name="Lưu số liệu").click()
    tab.get_by_text("Đã lưu TTHC được công khai đầy đủ, đúng hạn, Tháng 12/2025: 99,3% (412/415).").first.wait_for()
    settle(tab)
    _no_exception(tab)
    tab.screenshot(path=str(SHOTS / "manual_entry.png"), full_page=True)
    assert [(e.numerator, e.denominator) for e in manual.entries(wh, None)] == [(412, 415)]

    tab.locator(NAV_LINKS).filter(has_text="Tổng quan").first.click()  # the link, not the group heading
    section = tab.get_by_text("Chỉ tiêu không có dữ liệu hồ sơ (nhập tay)").first
    try:
        section.wait_for(timeout=180_000)  # every KPI and forecast of the sample: slow on a busy machine
    finally:
        tab.screenshot(path=str(SHOTS / "overview_top.png"))
    section.scroll_into_view_if_needed()
    tab.wait_for_timeout(500)
    _no_exception(tab)
    tab.screenshot(path=str(SHOTS / "overview_manual.png"))
    tab.screenshot(path=str(SHOTS / "overview_full.png"), full_page=True)


def test_the_manual_slide_on_the_wall_screen(server, browser):
    """After the figure above: the meeting slide of December 2025 lists every manual target, nhập tay."""
    url, wh = server
    deck = slides_mod.build_slides(wh, periods.month(2025, 12))
    number = [s.key for s in deck].index("manual") + 1
    tab = new_tab(browser)
    login(tab, f"{url}/?trinhchieu=1&ky=2025-12&slide={number}", ADMIN, PASSWORD)
    tab.locator(".mt-title", has_text="Chỉ tiêu không có dữ liệu hồ sơ (nhập tay)").wait_for()
    tab.wait_for_timeout(600)
    tab.screenshot(path=str(SHOTS / "meeting_manual_slide.png"))
    rows = tab.locator(".mt-table tbody tr")
    assert rows.count() == len(deck[number - 1].table["rows"]) == 8
    assert "99,3% (412/415)" in rows.nth(0).inner_text()
    last = rows.nth(rows.count() - 1).bounding_box()
    assert last["y"] + last["height"] <= 1080  # the whole table on the wall, no scrolling

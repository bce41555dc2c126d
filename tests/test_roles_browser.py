"""Who sees what, in a real Chromium: one account per role created with kpi.access.accounts.create_user,
each logged in through the real form of `streamlit run dashboard.py` at 1920×1080; the navigation
each sees is screenshot into test-output/roles/<role>.png and the sidebar links are compared.

Run: .venv/bin/python -m pytest tests/test_roles_browser.py -q -m browser
"""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from kpi.access import accounts, permissions
from kpi.text import vi
from kpi.warehouse.db import Warehouse
from tests.browser_support import NAV_LINKS, STREAMLIT_NAV_LINKS, chromium, login, new_tab, require_chromium, settle, sidebar_links, streamlit_server
from ui import text_auth as TA

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parent.parent
SHOTS = ROOT / "test-output" / "roles"
DISTRICT = "ubnd-huyện-tân-phú"
PASSWORD = "Mat-khau-rat-dai-2024!"
ACCOUNTS = {  # role → (name, scope)
    "leader": ("lanh-dao", {"kind": "province"}),
    "analyst": ("phan-tich-tan-phu", {"kind": "units", "unit_ids": [DISTRICT]}),
    "admin": ("quan-tri", {"kind": "province"}),
}
KPI = ("overview", "on_time", "digitization", "online", "satisfaction", "pakn", "index766", "unit", "drilldown")
READ = ("targets", "units", "quality", "meeting")  # need only "view": leaders read targets, units, data quality
DATA = ("upload", "history")
ADMIN = ("admin_users", "admin_audit", "plan_import")
PLAN = ("plan_tasks",)  # every role follows the plan's tasks; analysts and admins also enter figures
EXPECTED = {  # the menu follows each page's permission (ui.nav.PAGES, issue 13)
    "leader": set(KPI) | set(READ) | set(PLAN),
    "analyst": set(KPI) | set(READ) | set(DATA) | set(PLAN) | {"manual_kpis"},
    "admin": set(KPI) | set(READ) | set(DATA) | set(ADMIN) | set(PLAN) | {"manual_kpis"},
}


def _titles(names) -> set[str]:
    return {vi.PAGE_TITLES[n] for n in names}


@pytest.fixture(scope="module")
def server(sample_db, tmp_path_factory):
    require_chromium()
    db = tmp_path_factory.mktemp("roles") / "sample.duckdb"
    shutil.copy(sample_db, db)
    wh = Warehouse(db)
    for role, (name, scope) in ACCOUNTS.items():
        accounts.create_user(wh, name, PASSWORD, role, scope)
    with streamlit_server(db, tmp_path_factory.mktemp("log")) as url:
        yield url, wh


@pytest.fixture(scope="module")
def browser(server):
    with chromium() as b:
        yield b


@pytest.fixture(scope="module")
def seen(server, browser):
    """Per role: the sidebar links after logging in through the real form (screenshot taken)."""
    url, _ = server
    SHOTS.mkdir(parents=True, exist_ok=True)
    out = {}
    for role, (name, _scope) in ACCOUNTS.items():
        tab = new_tab(browser)
        login(tab, url, name, PASSWORD, vi.PAGE_TITLES["overview"])
        settle(tab)
        tab.locator("[data-testid='stMetric']").first.wait_for()  # the overview's tiles are drawn
        settle(tab)
        tab.screenshot(path=str(SHOTS / f"{role}.png"))
        out[role] = {"links": sidebar_links(tab), "tab": tab,
                     "sidebar": tab.locator("[data-testid='stSidebar']").inner_text(),
                     "main": tab.locator("[data-testid='stMainBlockContainer']").inner_text()}
    return out


@pytest.mark.parametrize("role", list(ACCOUNTS))
def test_each_role_sees_its_pages(seen, role):
    links = seen[role]["links"]
    assert len(links) == len(set(links)), links
    assert set(links) == _titles(EXPECTED[role]), (role, links)
    assert (SHOTS / f"{role}.png").stat().st_size > 10_000
    assert TA.ROLE_LABELS[role] in seen[role]["sidebar"]  # who is logged in
    assert seen[role]["tab"].locator("[data-testid='stException']").count() == 0


def test_links_differ_as_the_roles_do(seen):
    leader, analyst, admin = (set(seen[r]["links"]) for r in ("leader", "analyst", "admin"))
    assert leader < analyst < admin
    assert analyst - leader == _titles(DATA) | _titles(["manual_kpis"])
    assert admin - analyst == _titles(ADMIN)


def test_scoped_analyst_sees_only_its_scope(seen, server):
    _, wh = server
    main, sidebar = seen["analyst"]["main"], seen["analyst"]["sidebar"]
    assert vi.ALL_IN_SCOPE in main and vi.ALL_PROVINCE not in main
    assert vi.ALL_PROVINCE in seen["leader"]["main"]
    # The unit picker of the shared filters lists only units of the district.
    tab = seen["analyst"]["tab"]
    picker = tab.locator(f"[data-testid='stSidebar'] input[role='combobox'][aria-label='{vi.UNIT_FILTER_LABEL}']")
    picker.scroll_into_view_if_needed()
    picker.click()
    tab.locator("[role='option']").first.wait_for()
    options = [o.strip() for o in tab.locator("[role='option']").all_inner_texts() if o.strip()]
    tab.keyboard.press("Escape")
    scope = permissions.resolve_scope(wh, ACCOUNTS["analyst"][1])
    names = dict(wh.query("SELECT unit_id, name FROM units"))
    inside = {names[u] for u in scope.unit_ids}
    assert options and options[0] == vi.ALL_UNITS
    assert set(options[1:]) <= inside, set(options[1:]) - inside


@pytest.mark.parametrize("path,title", [("admin_users", TA.USERS_TITLE), ("upload", vi.PAGE_TITLES["upload"]),
                                        ("history", vi.PAGE_TITLES["history"])])
def test_leader_typing_a_url_outside_the_role_gets_nothing(server, browser, path, title):
    """A URL of a page outside the role: first the login form (a new browser session), then not that page."""
    url, _ = server
    tab = new_tab(browser)
    tab.goto(f"{url}/{path}")
    tab.get_by_role("button", name="Đăng nhập").wait_for()
    assert tab.locator(NAV_LINKS).count() == 0  # nothing before logging in
    assert tab.locator(STREAMLIT_NAV_LINKS).count() == 0
    anonymous = " ".join(tab.locator("body").all_inner_texts()).lower()
    assert "admin" not in anonymous and vi.PAGE_TITLES["upload"].lower() not in anonymous
    name, _ = ACCOUNTS["leader"]
    tab.get_by_label("Tên đăng nhập").fill(name)
    tab.get_by_label("Mật khẩu").fill(PASSWORD)
    tab.get_by_role("button", name="Đăng nhập").click()
    tab.locator(NAV_LINKS).first.wait_for()
    settle(tab)
    headings = [h.strip() for h in tab.locator("[data-testid='stMainBlockContainer'] h1").all_inner_texts()]
    assert title not in headings, headings
    assert tab.locator("[data-testid='stFileUploader']").count() == 0
    assert set(sidebar_links(tab)) == _titles(EXPECTED["leader"])
    if path == "admin_users":
        tab.screenshot(path=str(SHOTS / "leader-typed-admin_users.png"))
    tab.context.close()


def test_tables_offer_no_csv_download(seen):
    """Issue 12: a field '=cmd|...' left raw through st.dataframe's own 'Download as CSV'; the
    config switches that export off (our Excel files keep text as text and are audited)."""
    tab = seen["leader"]["tab"]
    tab.locator(NAV_LINKS).filter(has_text=vi.PAGE_TITLES["drilldown"]).first.click()
    table = tab.locator("[data-testid='stDataFrame']").first
    table.wait_for(timeout=60_000)
    settle(tab)
    table.scroll_into_view_if_needed()
    table.hover()
    tab.wait_for_timeout(500)
    toolbar = tab.locator("[data-testid='stElementToolbar']").first
    labels = [b.get_attribute("aria-label") or "" for b in toolbar.locator("button").all()] if toolbar.count() else []
    assert labels, "the table toolbar shows on hover (search, full screen)"
    assert not [label for label in labels if "csv" in label.lower() or "download" in label.lower()
                or "tải" in label.lower()], labels

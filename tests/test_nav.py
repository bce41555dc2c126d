"""The menu is built from the pages' permissions (issue 13): for each role, the pages in the sidebar
are exactly the pages whose action the role has in ``kpi.access.permissions.PERMISSIONS``."""
from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from kpi.access import permissions
from kpi.access.permissions import User
from kpi.text import vi
from ui import nav, text_auth

ROOT = Path(__file__).resolve().parent.parent
VIEW = {"overview", "on_time", "digitization", "online", "satisfaction", "pakn", "unit", "drilldown",
        "index766", "targets", "units", "quality", "meeting", "plan_tasks"}
EXPECTED = {  # by hand from PERMISSIONS: leader view+export, analyst adds upload and figures by hand, admin everything
    "leader": VIEW,
    "analyst": VIEW | {"upload", "history", "manual_kpis"},
    "admin": VIEW | {"upload", "history", "admin_users", "admin_audit", "plan_import", "manual_kpis"},
}


def test_every_page_file_is_registered_once():
    names = [spec.name for spec in nav.PAGES]
    assert len(names) == len(set(names))
    assert set(names) == {path.stem for path in (ROOT / "pages").glob("*.py")}
    assert {spec.permission for spec in nav.PAGES} <= set(permissions.ACTIONS)


@pytest.mark.parametrize("role", permissions.ROLES)
def test_pages_for_a_role_are_those_its_permissions_open(role, monkeypatch):
    monkeypatch.delenv("TTHC_LAKE", raising=False)
    user = User("ai-do", role)
    assert {spec.name for spec in nav.pages_for(user)} == EXPECTED[role]
    # Toàn quốc needs a lake (setting lake) besides its permission.
    assert {spec.name for spec in nav.pages_for(user)} == {
        spec.name for spec in nav.PAGES if spec.permission in permissions.PERMISSIONS[role] and spec.name != "national"}
    monkeypatch.setenv("TTHC_LAKE", "/srv/lake")
    assert {spec.name for spec in nav.pages_for(user)} == EXPECTED[role] | {"national"}


def _menu(at: AppTest) -> set[str]:
    return {link.proto.label for link in at.get("page_link")}


@pytest.mark.parametrize("role", permissions.ROLES)
def test_sidebar_menu_of_each_role(monkeypatch, empty_db, role):
    monkeypatch.setenv("TTHC_DB", str(empty_db))
    at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=60)
    at.session_state["user"] = User("kiem-thu", role)
    at.session_state["last_seen"] = dt.datetime.now()
    at.run()
    assert not at.exception
    assert _menu(at) == {vi.PAGE_TITLES[name] for name in EXPECTED[role]}


def test_leader_sees_the_units_registry_read_only_and_no_upload(monkeypatch, empty_db):
    """pages/units.py needs only 'view': a leader opens it from the menu; the upload history needs 'upload'."""
    monkeypatch.setenv("TTHC_DB", str(empty_db))
    leader = User("lanh-dao", "leader")
    for name, allowed in (("units", True), ("history", False)):
        at = AppTest.from_file(str(ROOT / "pages" / f"{name}.py"), default_timeout=60)
        at.session_state["user"] = leader
        at.session_state["last_seen"] = dt.datetime.now()
        at.run()
        assert not at.exception
        refused = [e.value for e in at.error if e.value == text_auth.NOT_ALLOWED]
        assert bool(refused) is not allowed, name

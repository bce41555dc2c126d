"""The pages of the dashboard, who may open each, and the sidebar menu (issue 12 item 6, issue 13).

``PAGES`` is the one list of pages: each names the action (``kpi.access.permissions.ACTIONS``) a user
needs to open it. The menu lists the pages whose action the user's role has
(``permissions.PERMISSIONS``), and the page itself refuses anyone else (``ui.auth.require_page``):
one rule, read in both places.

Streamlit lists every file of ``pages/`` in the sidebar for a project with that folder
(its multipage v1 mode) until the entry script calls ``st.navigation``, so an anonymous
visitor saw 'admin users', 'admin audit'… on the login screen. ``client.showSidebarNavigation
= false`` in .streamlit/config.toml hides that list, and with it Streamlit's own sidebar
menu, so dashboard.py calls ``st.navigation(..., position="hidden")`` and this module draws
the menu of the user's role with ``st.page_link``.
"""
from __future__ import annotations

from dataclasses import dataclass

import streamlit as st

from kpi.access import permissions
from kpi.access.permissions import User

NAV_KEY = "sidebar_nav"  # CSS class st-key-sidebar_nav: browser tests find the menu by it


@dataclass(frozen=True)
class PageSpec:
    name: str        # file pages/<name>.py, URL path and key of vi.PAGE_TITLES
    group: str       # menu heading, key of vi.NAV_GROUPS
    icon: str
    permission: str  # the action a user needs to open the page
    filters: bool    # whether the shared filters are drawn for it


PAGES = (
    PageSpec("overview", "overview", ":material/dashboard:", "view", True),
    PageSpec("national", "overview", ":material/public:", "view", True),
    PageSpec("on_time", "kpi", ":material/schedule:", "view", True),
    PageSpec("digitization", "kpi", ":material/scanner:", "view", True),
    PageSpec("online", "kpi", ":material/language:", "view", True),
    PageSpec("satisfaction", "kpi", ":material/sentiment_satisfied:", "view", True),
    PageSpec("pakn", "kpi", ":material/forum:", "view", True),
    PageSpec("index766", "kpi", ":material/leaderboard:", "view", True),
    PageSpec("unit", "unit", ":material/apartment:", "view", True),
    PageSpec("drilldown", "unit", ":material/search:", "view", True),
    PageSpec("plan_tasks", "plan", ":material/task_alt:", "view", False),
    PageSpec("manual_kpis", "plan", ":material/edit_note:", "enter_manual", False),
    PageSpec("upload", "data", ":material/upload_file:", "upload", False),
    PageSpec("history", "data", ":material/history:", "upload", False),
    PageSpec("targets", "data", ":material/flag:", "view", False),
    PageSpec("plan_import", "data", ":material/description:", "edit_targets", False),
    PageSpec("units", "data", ":material/account_tree:", "view", False),
    PageSpec("quality", "data", ":material/fact_check:", "view", False),
    PageSpec("admin_users", "admin", ":material/group:", "manage_users", False),
    PageSpec("admin_audit", "admin", ":material/policy:", "read_audit", False),
    PageSpec("meeting", "meeting", ":material/co_present:", "view", False),
)
BY_NAME = {spec.name: spec for spec in PAGES}


def pages_for(user: User | None) -> tuple[PageSpec, ...]:
    """The pages ``user`` may open, in menu order (Toàn quốc only with a lake, for users who may see
    aggregates beyond their own scope: ``national_shown``)."""
    return tuple(spec for spec in PAGES if permissions.can(user, spec.permission)
                 and (spec.name != "national" or national_shown(user)))


def national_shown(user: User | None) -> bool:
    """Whether the Toàn quốc page is listed: a lake is configured and the user sees province-wide figures."""
    from ui import national as national_ui  # the lake's reader, loaded only here

    return bool(national_ui.configured()) and user is not None and permissions.sees_province_totals(user)


def sidebar(groups: dict[str, list]) -> None:
    """One heading per group, one link per page, in the order given."""
    with st.sidebar.container(key=NAV_KEY):
        for label, pages in groups.items():
            st.caption(label)
            for page in pages:
                st.page_link(page, label=page.title, icon=page.icon)

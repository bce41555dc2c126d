"""The sidebar menu, drawn by us and only for a logged-in user (issue 12 item 6).

Streamlit lists every file of ``pages/`` in the sidebar for a project with that folder
(its multipage v1 mode) until the entry script calls ``st.navigation``, so an anonymous
visitor saw 'admin users', 'admin audit'… on the login screen. ``client.showSidebarNavigation
= false`` in .streamlit/config.toml hides that list, and with it Streamlit's own sidebar
menu, so dashboard.py calls ``st.navigation(..., position="hidden")`` and this module draws
the menu of the user's role with ``st.page_link``.
"""
from __future__ import annotations

import streamlit as st

NAV_KEY = "sidebar_nav"  # CSS class st-key-sidebar_nav: browser tests find the menu by it


def sidebar(groups: dict[str, list]) -> None:
    """One heading per group, one link per page, in the order given."""
    with st.sidebar.container(key=NAV_KEY):
        for label, pages in groups.items():
            st.caption(label)
            for page in pages:
                st.page_link(page, label=page.title, icon=page.icon)

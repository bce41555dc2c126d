"""Entry script: page setup, login, the menu of the user's role, the shared filters.

`streamlit run dashboard.py`. Pages are thin files under pages/, listed with the action each
needs in ``ui.nav.PAGES``: the menu shows the pages the user's role may open.
`?trinhchieu=1` opens the meeting page alone, full screen.
"""
from __future__ import annotations

import streamlit as st

from kpi import config
from kpi.text import vi
from kpi.warehouse import db
from ui import errors, nav, widget_text
from ui import frame as frame_mod
from ui.auth import MEETING_LINK, METHOD_KEY, logout_button, require_user


def _page(spec: nav.PageSpec, default: bool = False) -> st.Page:
    return st.Page(f"pages/{spec.name}.py", title=vi.PAGE_TITLES[spec.name], icon=spec.icon, url_path=spec.name,
                   default=default)


# The server runs for days: keep the warehouse file open between operations while it is in use.
db.keep_open(config.get("warehouse_hold_s"))
st.set_page_config(page_title=vi.APP_TITLE, page_icon="📊", layout="wide", initial_sidebar_state="expanded")
widget_text.install()
user = errors.guarded(require_user)

available = {spec.name: spec for spec in nav.pages_for(user)}

if st.session_state.get(METHOD_KEY) == MEETING_LINK:  # a meeting link opens the meeting page and nothing else
    available = {"meeting": available["meeting"]} if "meeting" in available else {}
if (st.query_params.get("trinhchieu") == "1" or st.session_state.get(METHOD_KEY) == MEETING_LINK) \
        and "meeting" in available:
    # Presentation mode: the meeting page alone, no menu, no sidebar.
    st.markdown("<style>[data-testid='stSidebar'],[data-testid='stSidebarCollapsedControl']{display:none}</style>",
                unsafe_allow_html=True)
    meeting = _page(available["meeting"], default=True)
    frame_mod.set_pages({"meeting": meeting})
    errors.guarded(st.navigation([meeting], position="hidden").run, last=True)
    st.stop()

pages = {name: _page(spec, default=(name == "overview")) for name, spec in available.items()}
frame_mod.set_pages(pages)
groups: dict[str, list] = {}
for name, spec in available.items():
    groups.setdefault(vi.NAV_GROUPS[spec.group], []).append(pages[name])
current = st.navigation(groups, position="hidden")  # the menu is ui.nav's (config hides Streamlit's)
nav.sidebar(groups)

name = next((n for n, p in pages.items() if p.url_path == current.url_path), None)
with_filters = bool(name and available[name].filters)
page_frame = errors.guarded(lambda: frame_mod.build(with_filters=with_filters, user=user))
logout_button()
with frame_mod.use(page_frame):
    errors.guarded(current.run, last=True)

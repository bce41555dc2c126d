"""Entry script: page setup, login, navigation by role, the shared filters.

`streamlit run dashboard.py`. Pages are thin files under pages/; pages that other
issues deliver (upload, history, targets, units, meeting, admin) are listed only
when their file exists. `?trinhchieu=1` opens the meeting page alone, full screen.
"""
from __future__ import annotations

from pathlib import Path

import streamlit as st

from kpi.access import auth
from kpi.text import vi
from ui import frame as frame_mod
from ui import widget_text
from ui import errors, nav
from ui.auth import MEETING_LINK, METHOD_KEY, logout_button, require_user

ROOT = Path(__file__).resolve().parent

# (name, group, icon, roles that see it, shows the shared filters)
PAGES = (
    ("overview", "overview", ":material/dashboard:", None, True),
    ("on_time", "kpi", ":material/schedule:", None, True),
    ("digitization", "kpi", ":material/scanner:", None, True),
    ("online", "kpi", ":material/language:", None, True),
    ("satisfaction", "kpi", ":material/sentiment_satisfied:", None, True),
    ("pakn", "kpi", ":material/forum:", None, True),
    ("unit", "unit", ":material/apartment:", None, True),
    ("drilldown", "unit", ":material/search:", None, True),
    ("plan_tasks", "plan", ":material/task_alt:", None, False),
    ("manual_kpis", "plan", ":material/edit_note:", {"analyst", "admin"}, False),
    ("upload", "data", ":material/upload_file:", {"analyst", "admin"}, False),
    ("history", "data", ":material/history:", {"analyst", "admin"}, False),
    ("targets", "data", ":material/flag:", {"analyst", "admin"}, False),
    ("plan_import", "data", ":material/description:", {"admin"}, False),
    ("units", "data", ":material/account_tree:", {"analyst", "admin"}, False),
    ("quality", "data", ":material/fact_check:", {"analyst", "admin", "leader"}, False),
    ("admin_users", "admin", ":material/group:", {"admin"}, False),
    ("admin_audit", "admin", ":material/policy:", {"admin"}, False),
    ("meeting", "meeting", ":material/co_present:", None, False),
)


def _page(name: str, icon: str, default: bool = False) -> st.Page:
    return st.Page(f"pages/{name}.py", title=vi.PAGE_TITLES[name], icon=icon, url_path=name, default=default)


st.set_page_config(page_title=vi.APP_TITLE, page_icon="📊", layout="wide", initial_sidebar_state="expanded")
widget_text.install()
user = errors.guarded(require_user)

available = {name: spec for name, *spec in PAGES
             if (ROOT / "pages" / f"{name}.py").exists() and (spec[2] is None or user.role in spec[2])}

if st.session_state.get(METHOD_KEY) == MEETING_LINK:  # a meeting link opens the meeting page and nothing else
    available = {"meeting": available["meeting"]} if "meeting" in available else {}
if (st.query_params.get("trinhchieu") == "1" or st.session_state.get(METHOD_KEY) == MEETING_LINK) \
        and "meeting" in available:
    # Presentation mode: the meeting page alone, no menu, no sidebar.
    st.markdown("<style>[data-testid='stSidebar'],[data-testid='stSidebarCollapsedControl']{display:none}</style>",
                unsafe_allow_html=True)
    meeting = _page("meeting", available["meeting"][1], default=True)
    frame_mod.set_pages({"meeting": meeting})
    errors.guarded(st.navigation([meeting], position="hidden").run, last=True)
    st.stop()

pages = {name: _page(name, spec[1], default=(name == "overview")) for name, spec in available.items()}
frame_mod.set_pages(pages)
groups: dict[str, list] = {}
for name, (group, _icon, _roles, _filters) in available.items():
    groups.setdefault(vi.NAV_GROUPS[group], []).append(pages[name])
current = st.navigation(groups, position="hidden")  # the menu is ui.nav's (config hides Streamlit's)
nav.sidebar(groups)

name = next((n for n, p in pages.items() if p.url_path == current.url_path), None)
with_filters = bool(name and available[name][3]) and auth.can(user, "view")
frame = errors.guarded(lambda: frame_mod.build(with_filters=with_filters, user=user))
logout_button()
with frame_mod.use(frame):
    errors.guarded(current.run, last=True)

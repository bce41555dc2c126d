"""The data-scope picker of the users page and its meeting links: kind, level and units."""
from __future__ import annotations

import streamlit as st

from kpi.measures.levels import LEVELS
from kpi.text.vi import CHOOSE, LEVEL_LABELS
from ui import text_auth
from ui.unit_names import UnitNames


def scope_picker(units: UnitNames, prefix: str, current: dict | None = None) -> dict | None:
    """Kind, level and units pickers (all shown: a form cannot react before submit); None for a
    'units' scope without a unit."""
    current = current or {"kind": "province"}
    kinds = list(text_auth.SCOPE_KIND_LABELS)
    kind = st.selectbox(text_auth.USER_SCOPE_KIND, kinds, index=kinds.index(current["kind"]),
                        format_func=text_auth.SCOPE_KIND_LABELS.get, key=f"{prefix}_kind")
    level = st.selectbox(text_auth.USER_SCOPE_LEVEL, LEVELS, format_func=LEVEL_LABELS.get, key=f"{prefix}_level",
                         index=LEVELS.index(current["level"]) if current.get("level") in LEVELS else 1)
    options = units.ordered() + [u for u in current.get("unit_ids", []) if u not in units.names]
    chosen = st.multiselect(text_auth.USER_SCOPE_UNITS, options, default=current.get("unit_ids", []),
                            format_func=units.label, key=f"{prefix}_units", placeholder=CHOOSE)
    if kind == "province":
        return {"kind": "province"}
    if kind == "level":
        return {"kind": "level", "level": level}
    return {"kind": "units", "unit_ids": list(chosen)} if chosen else None

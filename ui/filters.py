"""The shared filters, defined once: period, level, unit, field → (Period, Filters).

Drawn in the sidebar by the entry script on every dashboard page. The widget
values live in ``st.session_state`` and are copied to ``_keep_*`` keys, so they
survive a visit to a page without filters (Streamlit forgets the state of a
widget that is not drawn in a run).
"""
from __future__ import annotations

import datetime as dt

import pandas as pd
import streamlit as st

from kpi.measures import periods
from kpi.text import vi
from kpi.warehouse.db import Warehouse
from kpi.measures.filters import Filters, Scope
from kpi.measures.levels import LEVELS, levels_on
from kpi.measures.periods import Period
from kpi.text.normalize import sort_key_vi
from ui import cache

KIND, MONTH, QUARTER, HALF, YEAR, CUSTOM = "flt_kind", "flt_month", "flt_quarter", "flt_half", "flt_year", "flt_custom"
CUTOFF = "flt_cutoff"  # TT 01 reporting periods (cut-off quarters, halves, years; kpi.measures.periods.cutoff)
LEVEL, UNIT, FIELD = "flt_level", "flt_unit", "flt_field"
KEYS = (KIND, MONTH, QUARTER, HALF, YEAR, CUSTOM, CUTOFF, LEVEL, UNIT, FIELD)
ANCHOR = "_flt_anchor"
ALL = "*"  # the "no restriction" option of level, unit and field


# -- period options (values are period codes, kpi.measures.periods.to_param: stable in session state and URLs) ----
def parse_period(kind: str, value) -> Period:
    """The Period of a picker value ('2025-10', '2025-Q3', '2025-H1', '2025', (start, end))."""
    if kind == "custom":
        start, end = value
        return periods.custom(start, end)
    period = periods.from_param(str(value))
    if period is None:
        raise ValueError(f"Kỳ '{value}' không hợp lệ")
    return period


def _options(kind: str, first: dt.date, last: dt.date) -> list[str]:
    """Period codes of ``kind`` over the data, newest first."""
    if kind == "cutoff":
        return [periods.to_param(p) for p in periods.cutoff_options(first, last)]
    return [periods.to_param(p) for p in periods.calendar_options(kind, first, last)]


def _default_value(kind: str, month: Period) -> str:
    if kind == "cutoff":  # the latest reporting quarter closed by the month's last day
        closing = periods.cutoff_containing("quarter", month.end)
        return periods.to_param(closing if closing.end <= month.end else closing.previous())
    return periods.to_param(periods.containing(kind, month.start))


def _label(kind: str, value: str) -> str:
    return parse_period(kind, value).label


# -- session-state plumbing ---------------------------------------------------
def _restore(key: str, options: list | None, default) -> None:
    """Put a valid value under a widget key before the widget is drawn."""
    state = st.session_state
    if key not in state and f"_keep_{key}" in state:
        state[key] = state[f"_keep_{key}"]
    if key in state and options is not None and state[key] not in options:
        del state[key]
    if key not in state:
        state[key] = default
    # Re-assert the value: a widget's id can change between pages (Streamlit hashes the
    # running page into it) and a widget with a new id would otherwise start from its default.
    state[key] = state[key]


def _keep(*keys: str) -> None:
    for key in keys:
        if key in st.session_state:
            st.session_state[f"_keep_{key}"] = st.session_state[key]


def set_values(**values) -> None:
    """Set filters from code (a drill-down link), before the widgets are drawn in the next run."""
    names = {"kind": KIND, "month": MONTH, "level": LEVEL, "unit": UNIT, "field": FIELD}
    for name, value in values.items():
        key = names[name]
        st.session_state[f"_keep_{key}"] = value
        st.session_state.pop(key, None)


# -- the widgets ---------------------------------------------------------------
def levels_in(period: Period) -> tuple[str, ...]:
    """Levels that exist at some day of the period (three, or two after 01/07/2025)."""
    present = set(levels_on(period.start)) | set(levels_on(period.end))
    return tuple(level for level in LEVELS if level in present)


def units_in(wh: Warehouse, scope: Scope | None, period: Period, level: str | None, version: int | None = None):
    """(unit_id, name) of units valid in the period, of a level, in Vietnamese order."""
    units = cache.units_frame(wh, scope, version)
    if level:
        units = units[units["level"] == level]
    valid_from = pd.to_datetime(units["valid_from"])
    valid_to = pd.to_datetime(units["valid_to"])
    alive = (valid_from.isna() | (valid_from <= pd.Timestamp(period.end))) & (valid_to.isna() | (valid_to >= pd.Timestamp(period.start)))
    units = units[alive]
    pairs = list(zip(units["unit_id"], units["name"]))
    return sorted(pairs, key=lambda pair: sort_key_vi(pair[1]))


def render(wh: Warehouse, scope: Scope, data_range: tuple[dt.date, dt.date], version: int | None = None,
           where=None) -> tuple[Period, Filters]:
    """Draw the filters (in the sidebar unless ``where`` is given) and return the selection."""
    where = where or st.sidebar
    where.header(vi.FILTERS_HEADER)
    period = _period_picker(where, data_range)
    st.session_state[ANCHOR] = period.start
    level = _level_picker(where, wh, scope, period, version)

    units = units_in(wh, scope, period, level, version)
    names = dict(units)
    unit_options = [ALL] + [u for u, _ in units]
    _restore(UNIT, unit_options, ALL)
    unit = where.selectbox(vi.UNIT_FILTER_LABEL, unit_options, key=UNIT,
                           format_func=lambda v: names.get(v, vi.ALL_UNITS))

    fields = sorted(cache.fields_list(wh, scope, version), key=sort_key_vi)
    field_options = [ALL] + fields
    _restore(FIELD, field_options, ALL)
    field = where.selectbox(vi.FIELD_FILTER_LABEL, field_options, key=FIELD,
                            format_func=lambda v: vi.ALL_FIELDS if v == ALL else v)
    _keep(*KEYS)
    return period, Filters(level=level, unit_ids=(unit,) if unit not in (ALL, None) else (),
                           fields=(field,) if field not in (ALL, None) else ())


def _period_picker(where, data_range: tuple[dt.date, dt.date]) -> Period:
    """Kind (month, quarter, …, custom) and the period of that kind; starts at the latest full month."""
    first, last = data_range
    default = periods.default_month(first, last)
    # Switching Tháng → Quý keeps the time in view: the new picker starts at the last period shown.
    anchor = st.session_state.get(ANCHOR)
    if isinstance(anchor, dt.date) and first <= anchor <= last:
        default = periods.month(anchor.year, anchor.month)
    kinds = list(vi.PERIOD_KINDS)
    _restore(KIND, kinds, "month")
    kind = where.segmented_control(vi.PERIOD_KIND_LABEL, kinds, format_func=vi.PERIOD_KINDS.get, key=KIND,
                                   selection_mode="single") or "month"
    if kind == "custom":
        _restore(CUSTOM, None, (default.start, default.end))
        picked = where.date_input(vi.PERIOD_PICK_LABEL["custom"], key=CUSTOM, min_value=first, max_value=max(last, first),
                                  format="DD/MM/YYYY")
        if isinstance(picked, (tuple, list)) and len(picked) == 2:
            return periods.custom(picked[0], picked[1])
        where.caption(vi.CUSTOM_INCOMPLETE)
        start = picked[0] if isinstance(picked, (tuple, list)) and picked else default.start
        return periods.custom(start, max(start, default.end))
    key = {"month": MONTH, "quarter": QUARTER, "half": HALF, "year": YEAR, "cutoff": CUTOFF}[kind]
    options = _options(kind, first, last)
    _restore(key, options, _default_value(kind, default) if _default_value(kind, default) in options else options[0])
    value = where.selectbox(vi.PERIOD_PICK_LABEL[kind], options, key=key, format_func=lambda v: _label(kind, v))
    return parse_period(kind, value)


def _level_picker(where, wh: Warehouse, scope: Scope, period: Period, version: int | None) -> str | None:
    """The levels of the period the scope holds ('all' first unless the scope is one level); None for all."""
    level_options = [level for level in levels_in(period) if scope.kind != "level" or level == scope.level]
    if scope.kind == "units":  # only the levels the scope's units have (no "Cấp tỉnh" for a district)
        held = set(cache.units_frame(wh, scope, version)["level"])
        level_options = [level for level in level_options if level in held]
    if scope.kind != "level":
        level_options = [ALL] + level_options
    all_label = vi.ALL_PROVINCE if scope.is_province else vi.ALL_IN_SCOPE
    _restore(LEVEL, level_options, level_options[0])
    level = where.selectbox(vi.LEVEL_FILTER_LABEL, level_options, key=LEVEL,
                            format_func=lambda v: vi.LEVEL_LABELS.get(v, all_label))
    return None if level in (ALL, None) else level

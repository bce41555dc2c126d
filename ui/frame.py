"""What every dashboard page stands on: who is looking, the warehouse, the period and filters.

The entry script (dashboard.py) builds one ``Frame`` per run, draws the shared
filters and hands the frame to the page it runs (``use``). A page file opened
on its own (``AppTest.from_file('pages/overview.py')``) builds its own frame, so
pages are testable alone and still thin: read the frame, call the core, draw.
"""
from __future__ import annotations

import datetime as dt
import threading
from contextlib import contextmanager
from dataclasses import dataclass, field

import pandas as pd
import streamlit as st

from kpi.measures import targets as targets_mod
from kpi.text import vi
from kpi.access import permissions
from kpi.access.permissions import User
from kpi.warehouse.db import Warehouse
from kpi.measures.filters import PROVINCE_SCOPE, Filters, Scope
from kpi.measures.periods import Period
from ui import cache, filters as filters_ui
from ui.warehouse import get_warehouse

_local = threading.local()
_SEEDED: set[str] = set()


@dataclass
class Frame:
    user: User
    wh: Warehouse
    version: int
    data_range: tuple[dt.date | None, dt.date | None]
    period: Period | None = None
    filters: Filters = field(default_factory=Filters)

    @property
    def scope(self) -> Scope:
        return self.user.scope

    @property
    def has_data(self) -> bool:
        return self.data_range[0] is not None

    # -- reads through the cache, always with the user's scope ----------------
    def table(self, group_by: tuple[str, ...] = (), period: Period | None = None,
              filters: Filters | None = None) -> pd.DataFrame:
        return cache.kpi_table(self.wh, period or self.period, self.filters if filters is None else filters,
                               self.scope, tuple(group_by), self.version)

    def totals(self, period: Period | None = None, filters: Filters | None = None) -> dict:
        return self.table((), period, filters).iloc[0].to_dict()

    def province_totals(self) -> dict | None:
        """Province-wide totals for a scoped user, only where the admin allows it (setting
        ``scoped_sees_province``): aggregates, never unit or dossier rows. None otherwise."""
        if self.scope.is_province or not permissions.sees_province_totals(self.user):
            return None
        return cache.kpi_table(self.wh, self.period, Filters(), PROVINCE_SCOPE, (), self.version).iloc[0].to_dict()

    def targets(self, year: int | None = None) -> list[targets_mod.Target]:
        return cache.targets_for_year(self.wh, year or self.period.end.year, self.version)

    def plan_year(self) -> targets_mod.PlanYear:
        """Which plan year's targets apply to the period's year ('Chỉ tiêu năm 2024 áp dụng cho 2025')."""
        return targets_mod.plan_year(self.targets(), self.period.end.year)

    def target(self, kpi: str, level: str | None = None, unit_id: str | None = None) -> targets_mod.Target | None:
        return targets_mod.pick(self.targets(), kpi, level, unit_id)

    def dossiers(self, which: str, period: Period | None = None, filters: Filters | None = None,
                 limit: int | None = 50_000) -> pd.DataFrame:
        return cache.dossier_list(self.wh, period or self.period, which, self.filters if filters is None else filters,
                                  self.scope, limit, self.version)

    def units(self) -> pd.DataFrame:
        return cache.units_frame(self.wh, self.scope, self.version)

    def unit_names(self) -> dict[str, str]:
        units = self.units()
        return dict(zip(units["unit_id"], units["name"]))

    def freshness(self) -> dict:
        return cache.freshness(self.wh, self.version)


def _ensure_targets(wh: Warehouse) -> None:
    """Seed the plan targets once per warehouse file (a no-op when it has some)."""
    key = str(wh.path)
    if key not in _SEEDED:
        try:
            targets_mod.ensure_seeded(wh)
        except Exception:  # noqa: BLE001 - a busy file: try again next run
            return
        _SEEDED.add(key)


def _require_user() -> User:
    from ui.auth import require_user

    return require_user()


def build(with_filters: bool = True, user: User | None = None) -> Frame:
    """A frame for this run: logs in (or stops), reads the data version, draws the filters."""
    user = user or _require_user()
    wh = get_warehouse()
    _ensure_targets(wh)
    version = wh.data_version()
    data_range = cache.data_range(wh, version)
    frame = Frame(user, wh, version, data_range)
    if with_filters and frame.has_data:
        frame.period, frame.filters = filters_ui.render(wh, user.scope, data_range, version)
        # Labelled "số liệu đến ngày …" when the period runs past the data (kpi.measures.periods.Period.label).
        frame.period = frame.period.until(data_range[1])
    return frame


@contextmanager
def use(frame: Frame):
    """Make ``frame`` the one ``current()`` returns while a page runs."""
    _local.frame = frame
    try:
        yield frame
    finally:
        _local.frame = None


def current(require_data: bool = True, with_filters: bool = True) -> Frame:
    """The frame of this run (the entry script's, else a new one, with the shared filters when
    ``with_filters``); with ``require_data`` an empty warehouse shows what to do next and stops the page."""
    frame = getattr(_local, "frame", None)
    if frame is None:
        frame = build(with_filters=with_filters)
        _local.frame = None
    if require_data and (not frame.has_data or frame.period is None):
        empty_state()
        st.stop()
    return frame


def empty_state() -> None:
    st.title(vi.EMPTY_TITLE)
    st.info(vi.EMPTY_BODY, icon="ℹ️")
    pages = getattr(_local, "pages", {}) or {}
    if "upload" in pages:
        st.page_link(pages["upload"], label=vi.PAGE_TITLES["upload"], icon="📤")


def set_pages(pages: dict) -> None:
    """The st.Page objects of this run by name, so pages can link to each other."""
    _local.pages = pages


def page(name: str):
    """The st.Page registered as ``name`` in this run, or the file path when run alone."""
    pages = getattr(_local, "pages", {}) or {}
    return pages.get(name, f"pages/{name}.py")


def scope_line(frame: Frame) -> str:
    """Whose data this is: 'Phạm vi: UBND huyện X và 12 đơn vị cấp xã', or 'Phạm vi: Toàn tỉnh'."""
    from kpi.text import verdict as verdict_text

    scope = frame.scope
    units = frame.units() if scope.kind == "units" else None
    pairs = list(zip(units["name"], units["level"])) if units is not None else []
    return verdict_text.scope_line(scope.kind, vi.LEVEL_LABELS.get(scope.level or ""), pairs)


def header(frame: Frame, title: str) -> None:
    """Page title, whose data it is, the selection in words and the data freshness line."""
    st.title(title)
    st.markdown(f"**{scope_line(frame)}**")
    names = frame.unit_names()
    f = frame.filters
    level = vi.LEVEL_LABELS.get(f.level or "", vi.ALL_PROVINCE if frame.scope.is_province else vi.ALL_IN_SCOPE)
    unit = names.get(f.unit_ids[0], f.unit_ids[0]) if f.unit_ids else vi.ALL_UNITS
    field_text = f.fields[0] if f.fields else vi.ALL_FIELDS
    fresh = frame.freshness()
    st.caption(vi.PERIOD_CAPTION.format(period=frame.period.label, level=level, unit=unit, field=field_text)
               + " · " + vi.freshness_line(fresh["data_until"], fresh["loaded_at"]))
    # Say which figures come from aggregated Biểu 06 forms rather than dossier records.
    from_forms = int(frame.totals().get("agg_units", 0) or 0)
    if from_forms:
        st.info(vi.FROM_FORM06.format(n=vi.num(from_forms)), icon="ℹ️")
    left_out = cache.forms_left_out(frame.wh, frame.period, frame.filters, frame.scope, frame.version)
    if left_out:
        st.info(vi.FORM06_LEFT_OUT.format(n=vi.num(left_out)), icon="ℹ️")

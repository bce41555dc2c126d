"""Cached reads of the KPI core for the pages.

Every cached function is keyed by the warehouse path and its ``data_version``
(plus the period, filters, scope and grouping), so a committed load changes the
key and the numbers refresh exactly then. Query results are data: always
``st.cache_data`` (a copy per caller), never ``st.cache_resource``.

Pages call the public wrappers with the ``Warehouse``; the version is read once
per run by the frame (``ui.frame``) and passed along.
"""
from __future__ import annotations

import pandas as pd
import streamlit as st

from kpi.measures import metrics, quality, targets
from kpi.reports import slides as slides_mod
from kpi.warehouse.db import Warehouse
from kpi.measures.filters import Filters, Scope
from kpi.measures.periods import Period

_TTL = 24 * 3600


@st.cache_data(show_spinner=False, max_entries=1024, ttl=_TTL)
def _kpi_table(db: str, version: int, period: Period, filters: Filters | None, scope: Scope | None,
               group_by: tuple[str, ...]) -> pd.DataFrame:
    return metrics.kpi_table(Warehouse(db), period, filters, scope, group_by)


@st.cache_data(show_spinner=False, max_entries=256, ttl=_TTL)
def _summary(db: str, version: int, period: Period, filters: Filters | None, scope: Scope | None) -> dict:
    return metrics.summary(Warehouse(db), period, filters, scope)


@st.cache_data(show_spinner=False, max_entries=64, ttl=_TTL)
def _dossier_list(db: str, version: int, period: Period, which: str, filters: Filters | None, scope: Scope | None,
                  limit: int | None) -> pd.DataFrame:
    return metrics.dossier_list(Warehouse(db), period, which, filters, scope, limit)


@st.cache_data(show_spinner=False, max_entries=64, ttl=_TTL)
def _forms_left_out(db: str, version: int, period: Period, filters: Filters | None, scope: Scope | None) -> int:
    return metrics.forms_left_out(Warehouse(db), period, filters, scope)


@st.cache_data(show_spinner=False, max_entries=64, ttl=_TTL)
def _units_frame(db: str, version: int, scope: Scope | None) -> pd.DataFrame:
    return metrics.units_frame(Warehouse(db), scope)


@st.cache_data(show_spinner=False, max_entries=64, ttl=_TTL)
def _fields_list(db: str, version: int, scope: Scope | None) -> list[str]:
    return metrics.fields_list(Warehouse(db), scope)


@st.cache_data(show_spinner=False, max_entries=16, ttl=_TTL)
def _data_range(db: str, version: int):
    return metrics.data_range(Warehouse(db))


@st.cache_data(show_spinner=False, max_entries=16, ttl=_TTL)
def _freshness(db: str, version: int) -> dict:
    return Warehouse(db).freshness()


@st.cache_data(show_spinner=False, max_entries=64, ttl=_TTL)
def _targets_for_year(db: str, version: int, year: int) -> list[targets.Target]:
    return targets.targets_for_year(Warehouse(db), year)


@st.cache_data(show_spinner=False, max_entries=64, ttl=_TTL)
def _slides(db: str, version: int, period: Period, scope: Scope | None, level: str | None) -> list:
    return slides_mod.build_slides(Warehouse(db), period, scope, level)


@st.cache_data(show_spinner=False, max_entries=64, ttl=_TTL)
def _unit_quality(db: str, version: int, scope: Scope | None):
    return quality.unit_quality(Warehouse(db), scope)


def _key(wh: Warehouse, version: int | None) -> tuple[str, int]:
    return str(wh.path), (wh.data_version() if version is None else version)


def kpi_table(wh: Warehouse, period: Period, filters: Filters | None = None, scope: Scope | None = None,
              group_by: tuple[str, ...] = (), version: int | None = None) -> pd.DataFrame:
    return _kpi_table(*_key(wh, version), period, filters, scope, tuple(group_by))


def summary(wh: Warehouse, period: Period, filters: Filters | None = None, scope: Scope | None = None,
            version: int | None = None) -> dict:
    return _summary(*_key(wh, version), period, filters, scope)


def dossier_list(wh: Warehouse, period: Period, which: str, filters: Filters | None = None, scope: Scope | None = None,
                 limit: int | None = 50_000, version: int | None = None) -> pd.DataFrame:
    return _dossier_list(*_key(wh, version), period, which, filters, scope, limit)


def forms_left_out(wh: Warehouse, period: Period, filters: Filters | None = None, scope: Scope | None = None,
                   version: int | None = None) -> int:
    return _forms_left_out(*_key(wh, version), period, filters, scope)


def units_frame(wh: Warehouse, scope: Scope | None = None, version: int | None = None) -> pd.DataFrame:
    return _units_frame(*_key(wh, version), scope)


def fields_list(wh: Warehouse, scope: Scope | None = None, version: int | None = None) -> list[str]:
    return _fields_list(*_key(wh, version), scope)


def data_range(wh: Warehouse, version: int | None = None):
    return _data_range(*_key(wh, version))


def freshness(wh: Warehouse, version: int | None = None) -> dict:
    return _freshness(*_key(wh, version))


def targets_for_year(wh: Warehouse, year: int, version: int | None = None) -> list[targets.Target]:
    return _targets_for_year(*_key(wh, version), year)


def slides(wh: Warehouse, period: Period, scope: Scope | None = None, level: str | None = None,
           version: int | None = None) -> list:
    """The meeting deck (kpi.reports.slides) of a period, scope and level."""
    return _slides(*_key(wh, version), period, scope, level)


def unit_quality(wh: Warehouse, scope: Scope | None = None, version: int | None = None):
    """Data completeness per unit (kpi.measures.quality, read from the kept quality counts), cached per data version."""
    return _unit_quality(*_key(wh, version), scope)

"""The national view's reads, cached: the province ranking and each province's QĐ 766 index over the
lake (``kpi.lake.national``).

Keyed by the lake directory, its version (``kpi.lake.layout.version``: changes whenever a
province publishes), the engine and the period, so a new export refreshes the page.
"""
from __future__ import annotations

import pandas as pd
import streamlit as st

from kpi import config
from kpi.lake import engines, layout, national
from kpi.measures.periods import Period


def configured() -> str | None:
    """The lake directory when one is configured (setting ``lake``), else None: no national page."""
    return config.get("lake") or None


def _open(engine_name: str, lake: str):
    spark = engines.spark_session(config.get("spark_master") or None) if engine_name == "spark" else None
    return engines.open_engine(engine_name, lake, spark)


@st.cache_data(show_spinner=False, max_entries=64, ttl=24 * 3600)
def _ranking_and_index(lake: str, version: tuple, engine_name: str, period: Period
                       ) -> tuple[pd.DataFrame, pd.DataFrame]:
    engine = _open(engine_name, lake)
    try:
        return national.ranking_and_index(engine, period)
    finally:
        engine.close()


def ranking(lake: str, period: Period) -> pd.DataFrame:
    return _ranking_and_index(lake, layout.version(lake), config.get("lake_engine"), period)[0]


def index(lake: str, period: Period) -> pd.DataFrame:
    """Each province's QĐ 766 index (``kpi.lake.national.index_table``), read with the ranking."""
    return _ranking_and_index(lake, layout.version(lake), config.get("lake_engine"), period)[1]

"""KPIs over many provinces of the lake: each province's summary, the national roll-up, the ranking.

Each province is counted on its own (``kpi.measures.metrics.counts`` through an engine's
``province`` view), with its own data date: the ``as_of`` rule (DOMAIN §4) judges a province's
open dossiers at min(to, its data date), exactly as its own warehouse does. The national
figures add the provinces' counts and take the rates of the sums (never an average of rates).
"""
from __future__ import annotations

import datetime as dt

import pandas as pd

from kpi.lake import layout
from kpi.measures import metrics
from kpi.measures.periods import Period


def province_counts(engine, period: Period, provinces: list[str] | None = None
                    ) -> tuple[pd.DataFrame, dict[str, dt.date | None]]:
    """Counts by province and level, and each province's data date."""
    codes = provinces or layout.provinces(engine.lake)
    frames, data_dates = [], {}
    for code in codes:
        layout.check_province(code)
        with engine.province(code) as view:
            data_dates[code] = metrics.data_date(view)
            frame = metrics.counts(view, period, group_by=("level",))
        frames.append(frame.assign(province=code))
    if not frames:
        raise ValueError(f"Kho {engine.lake} chưa có tỉnh nào.")
    return pd.concat(frames, ignore_index=True), data_dates


def _by_level(counts: pd.DataFrame) -> pd.DataFrame:
    return counts.drop(columns=["province"]).groupby("level", as_index=False, sort=False).sum(numeric_only=True)


def summary(engine, period: Period, provinces: list[str] | None = None) -> dict:
    """`kpi summary --lake`: the national summary and one per province, each shaped like ``metrics.summary``."""
    counts, data_dates = province_counts(engine, period, provinces)
    per_province = {code: metrics.summary_of_counts(_by_level(counts[counts["province"] == code]), period,
                                                    data_dates[code])
                    for code in data_dates}
    known = [d for d in data_dates.values() if d]
    national = metrics.summary_of_counts(_by_level(counts), period, max(known) if known else None)
    return {"engine": engine.name, "from": period.start.isoformat(), "to": period.end.isoformat(),
            "national": national, "provinces": per_province}


def ranking(engine, period: Period, provinces: list[str] | None = None) -> pd.DataFrame:
    """One row per province: its counts, every KPI rate (``metrics.add_rates``) and its data date."""
    counts, data_dates = province_counts(engine, period, provinces)
    totals = counts.drop(columns=["level"]).groupby("province", as_index=False, sort=True).sum(numeric_only=True)
    table = metrics.add_rates(totals)
    table["data_date"] = table["province"].map(data_dates)
    return table

"""Counts per month/quarter (flows and stocks) equal the counts of each part asked alone."""
from __future__ import annotations

import datetime as dt

import pytest

from kpi.measures import metrics, periods
from kpi.warehouse.db import Warehouse
from kpi.measures.filters import Filters

COLUMNS = list(metrics.DOSSIER_COUNT_COLUMNS)


def _day(value) -> dt.date:
    return value.date() if hasattr(value, "date") else value


@pytest.mark.parametrize("span, group", [
    (periods.custom(dt.date(2025, 5, 10), dt.date(2025, 8, 20)), ("month",)),   # clipped months, across the reform
    (periods.year(2024), ("quarter",)),
    (periods.half(2025, 1), ("month", "level")),
])
def test_parts_equal_each_part_alone(sample_db, span, group):
    wh = Warehouse(sample_db)
    table = metrics.dossier_counts(wh, span, group_by=group)
    table["period_start"] = table["period_start"].map(_day)
    table["period_end"] = table["period_end"].map(_day)
    parts = span.months() if "month" in group else span.quarters()
    assert len(table["period_start"].unique()) == len(parts)
    for part in parts:
        alone = metrics.dossier_counts(wh, part, group_by=tuple(g for g in group if g not in metrics.TIME_GROUPS))
        got = table[table["period_start"] == part.start]
        assert (got["period_end"] == part.end).all()
        if "level" in group:
            got, alone = got.set_index("level").sort_index(), alone.set_index("level").sort_index()
            assert got[COLUMNS].equals(alone[COLUMNS].astype(got[COLUMNS].dtypes.to_dict()))
        else:
            assert got[COLUMNS].iloc[0].to_dict() == alone[COLUMNS].iloc[0].to_dict()


def test_parts_by_unit_with_filters(sample_db):
    wh = Warehouse(sample_db)
    month = periods.month(2024, 10)
    by_unit = metrics.dossier_counts(wh, periods.quarter(2024, 4), Filters(level="commune"), group_by=("month", "unit"))
    october = by_unit[by_unit["period_start"].map(_day) == month.start].set_index("unit_id")[COLUMNS].sort_index()
    alone = metrics.dossier_counts(wh, month, Filters(level="commune"), group_by=("unit",)).set_index("unit_id")[COLUMNS].sort_index()
    assert october.to_dict() == alone.to_dict()

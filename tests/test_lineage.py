"""Rankings and trends across 01/07/2025 follow the unit lineage (issue 11 item 8, second half).

A unit that ended before the end of the query period counts under the unit that
continues it; choosing a unit includes the units merged into it.
"""
from __future__ import annotations

import datetime as dt

import pytest

from kpi.measures import metrics, periods, units
from kpi.warehouse.db import Warehouse
from kpi.measures.filters import Filters
from kpi.measures.levels import unit_id_for
from tests.factories import add_dossiers, dossier

OLD_A, OLD_B, NEW, OTHER = "UBND xã An Hòa", "UBND xã Bình Lợi", "UBND xã An Bình", "UBND xã Phước An"
A, B, X, Y = (unit_id_for(n) for n in (OLD_A, OLD_B, NEW, OTHER))
YEAR = periods.year(2025)


@pytest.fixture()
def wh(tmp_path):
    """A and B merge into X on 01/07/2025; Y goes on. Received: A 2 (June) + 1 (August, after it ended),
    B 1 (June), X 3 (August), Y 1 (June) + 1 (August)."""
    wh = Warehouse(tmp_path / "lineage.duckdb")
    add_dossiers(wh, [
        dossier("A1", unit=OLD_A, received="10/06/2025", finished="12/06/2025"),
        dossier("A2", unit=OLD_A, received="11/06/2025", finished="20/06/2025"),
        dossier("A3", unit=OLD_A, received="05/08/2025", finished="06/08/2025"),   # outside A's validity
        dossier("B1", unit=OLD_B, received="15/06/2025", finished="16/06/2025"),
        dossier("X1", unit=NEW, received="01/08/2025", finished="02/08/2025"),
        dossier("X2", unit=NEW, received="02/08/2025", finished="03/08/2025"),
        dossier("X3", unit=NEW, received="03/08/2025", finished="04/08/2025"),
        dossier("Y1", unit=OTHER, received="10/06/2025", finished="11/06/2025"),
        dossier("Y2", unit=OTHER, received="10/08/2025", finished="11/08/2025"),
    ])
    units.add_unit(wh, NEW, "commune", valid_from=dt.date(2025, 7, 1))
    for old in (OLD_A, OLD_B):
        units.add_unit(wh, old, "commune")
    units.merge_units(wh, [A, B], X)
    return wh


def _received(frame) -> dict:
    return dict(zip(frame["unit_id"], frame["received"].astype(int)))


def test_rollup_on_a_day(wh):
    assert units.rollup_on(wh, dt.date(2025, 6, 30)) == {}
    assert units.rollup_on(wh, dt.date(2025, 7, 1)) == {A: X, B: X}


def test_ranking_across_the_reform_follows_the_lineage(wh):
    assert _received(metrics.kpi_table(wh, YEAR, group_by=("unit",))) == {X: 7, Y: 2}


def test_ranking_before_the_reform_keeps_the_old_units(wh):
    assert _received(metrics.kpi_table(wh, periods.month(2025, 6), group_by=("unit",))) == {A: 2, B: 1, Y: 1}


def test_a_dossier_of_an_ended_unit_counts_under_its_successor(wh):
    # A3 was received in August under a commune that ended on 30/06/2025.
    assert _received(metrics.kpi_table(wh, periods.month(2025, 8), group_by=("unit",))) == {X: 4, Y: 1}


def test_a_unit_trend_includes_the_units_merged_into_it(wh):
    trend = metrics.kpi_table(wh, YEAR, Filters(unit_ids=(X,)), group_by=("month",))
    by_month = {d.month: int(n) for d, n in zip(trend["period_start"], trend["received"]) if n}
    assert by_month == {6: 3, 8: 4}
    by_unit_month = metrics.kpi_table(wh, YEAR, group_by=("month", "unit"))
    june = by_unit_month[[d.month == 6 for d in by_unit_month["period_start"]]]
    assert _received(june) == {X: 3, Y: 1}
    listed = metrics.dossier_list(wh, YEAR, "received", Filters(unit_ids=(X,)))
    assert sorted(listed["code"]) == ["A1", "A2", "A3", "B1", "X1", "X2", "X3"]


def test_sample_year_ranking_has_no_ended_unit(sample_db):
    wh = Warehouse(sample_db)
    ended = set(units.rollup_on(wh, dt.date(2025, 12, 31)))
    assert ended  # the sample's communes merged on 01/07/2025
    ranking = metrics.kpi_table(wh, YEAR, group_by=("unit",))
    assert not ended & set(ranking["unit_id"])
    total = metrics.kpi_table(wh, YEAR).iloc[0]
    assert int(ranking["received"].sum()) == int(total["received"])
    assert int(ranking["in_progress_overdue"].sum()) == int(total["in_progress_overdue"])

"""Ranking, lost points, levers and reconciliation of the QĐ 766 index (kpi.measures.index766_insight).

Hand-computed on the March 2024 warehouse of tests/test_index766.py. Province (both units):
TDGQ 5 in time / 7 to handle → 20·5/7; satisfaction 4 satisfied / 7 received → 6·(4/7)/0,9 = 3,8095;
e-results 4/5 → 4,8; digitized 4/7 → 2,2857; PAKN on time 1/2 → 3; PAKN satisfied 1/2 → 3.
Every miss is Sở Tư pháp's: 2 dossiers not in time, 3 satisfied short of 90% of 5 (⌈4,5⌉ − 2),
1 resolved without e-result, 3 not digitized, 1 PAKN late, 1 PAKN not satisfied.
"""
from __future__ import annotations

import pytest

from etl.load import load_file
from kpi.measures import index766 as X
from kpi.measures import index766_insight as I
from tests import portal766_files as F
from tests.test_index766 import MARCH, SO, XA, two_units  # noqa: F401 - the fixture

SO_COSTS = {"ON_TIME": 20 * 2 / 7, "DOSSIER_RECEIVING_SATISFACTION": 6 - 6 * (4 / 7) / 0.9,
            "ORIGINAL_RESULT_AVAILABLE": 6 - 4.8, "SO_HOA_GIAY_TO_GIAI_QUYET": 4 * 3 / 7,
            "PETITION_PROCESSING_ON_TIME": 3.0, "PETITION_HANDLING_SATISFACTION": 3.0}


def test_standard_competition_ranking():
    assert I.competition_ranks([90, 80, 80, 70]) == [1, 2, 2, 4]
    assert I.competition_ranks([None, 50.0, 60.0]) == [None, 2, 1]


def test_ranking_among_peers_of_the_same_type(two_units):
    ranked = I.ranking(X.compute(two_units, MARCH)).set_index("unit_id")
    assert ranked.loc[SO, "unit_type"] == "AGENCY" and ranked.loc[XA, "unit_type"] == "COMMUNE"
    assert ranked.loc[SO, "rank"] == 1 and ranked.loc[XA, "rank"] == 1  # each alone among its peers
    assert ranked.loc[XA, "median"] == pytest.approx(100.0) and ranked.loc[XA, "peers"] == 1  # 48 of 48 → 100
    assert ranked.loc[SO, "per_hundred"] == pytest.approx(100 * (12 + 6 * 0.4 / 0.9 + 6 + 5.6) / 48)


def test_points_each_unit_costs_the_province(two_units):
    costs = I.unit_costs(X.compute(two_units, MARCH))
    assert set(costs["unit_id"]) == {SO}  # the commune misses nothing
    by_sub = dict(zip(costs["sub"], costs["points"]))
    assert by_sub == pytest.approx(SO_COSTS)
    assert dict(zip(costs["sub"], costs["misses"]))["DOSSIER_RECEIVING_SATISFACTION"] == 3
    losing = I.losing_units(X.compute(two_units, MARCH))
    assert list(losing["unit_id"]) == [SO]
    assert losing["points"].iloc[0] == pytest.approx(sum(SO_COSTS.values()))
    assert losing["main_group"].iloc[0] == "TDGQ"


def test_levers_ranked_with_their_dossiers(two_units):
    levers = I.gains(X.compute(two_units, MARCH), n_units=5)
    assert [g.points for g in levers] == sorted((g.points for g in levers), reverse=True)
    top = levers[0]
    assert (top.kind, top.sub, top.extra, top.unit_ids) == ("units", "ON_TIME", 2, (SO,))
    assert top.points == pytest.approx(20 * 2 / 7)
    assert top.drill == ("resolved_overdue", "in_progress_overdue")
    pp = {g.sub: g.points for g in levers if g.kind == "pp"}
    assert pp["ON_TIME"] == pytest.approx(0.2)  # 20 × 1 pp
    assert pp["DOSSIER_RECEIVING_SATISFACTION"] == pytest.approx(6 * 0.01 / 0.9)
    assert pp["SO_HOA_GIAY_TO_GIAI_QUYET"] == pytest.approx(0.04)
    digitized = next(g for g in levers if g.kind == "units" and g.sub == "SO_HOA_GIAY_TO_GIAI_QUYET")
    assert digitized.drill == ("not_digitized",) and digitized.extra == 3


def test_reconciliation_gives_difference_and_likely_reason(two_units, tmp_path):
    payload = F.progress_tree()
    payload["data"]["parent"]["totalReceived"] = 9  # the portal counts 9 dossiers where we count 7
    load_file(two_units, F.write(tmp_path / "tien-do-2024-03.json", payload))
    report = X.compute(two_units, MARCH)
    timing = I.reconciliation(report).set_index("key")
    assert timing.loc[SO, "reason"] == "timing"  # our data stops on 20/03, the month is not over
    assert timing.loc[SO, "difference"] == pytest.approx(15.5 - 12.0)
    report.data_date = MARCH.end
    rows = I.reconciliation(report).set_index("key")
    assert rows.loc["province", "reason"] == "denominator"
    assert rows.loc["province", "figures"] == {"portal": 9, "ours": 7, "sub": "ON_TIME"}
    assert rows.loc[SO, "reason"] == "formula"  # same 5 dossiers: the portal counts them differently
    assert list(rows["group"].unique()) == ["TDGQ"]


def test_units_short_of_data_in_a_group_are_ranked_on_the_100_scale():
    """40 of 48 points (83,3 /100) ranks below 39 of 42 (92,9 /100): the missing group is no penalty."""
    def unit(key, total, covered):
        return X.IndexScore(key, key, "unit", "AGENCY", "province", {}, total, covered, True, None, "simulated")
    report = X.IndexReport(MARCH, unit("province", None, 0), [], [unit("a", 40.0, 48), unit("b", 39.0, 42)], [])
    ranked = I.ranking(report).set_index("unit_id")
    assert (ranked.loc["a", "rank"], ranked.loc["b", "rank"]) == (2, 1)
    assert ranked.loc["a", "below_p75"] == pytest.approx((100 * 40 / 48 + 0.75 * (100 * 39 / 42 - 100 * 40 / 48))
                                                         - 100 * 40 / 48)

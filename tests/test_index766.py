"""QĐ 766 index engine (kpi.measures.index766): every formula, hand-computed on stated dossiers.

The warehouse of ``two_units`` (March 2024; data date 20/03/2024, the last day anything happened):

Sở Tư pháp (a provincial agency, AGENCY), five dossiers received in March:
  A received 01/03 due 10/03 finished 05/03 (early), rated 4, e-result, digitized
  B received 01/03 due 10/03 finished 10/03 (on time), rated 3, no e-result, digitized
  C received 01/03 due 10/03 finished 15/03 (late), rated 1, e-result, not digitized
  D received 02/03 due 05/03 open (overdue at 20/03), not digitized
  E received 20/03 due 25/03 open (within deadline at 20/03), not digitized
  → progress 766 = (1 + 1 + 1 within) / (3 resolved + 2 open) = 0,6 → TDGQ 20 × 0,6 = 12
  → satisfaction over received = 2 satisfied / 5 received = 0,4 → min(6, 6 × 0,4 / 0,9) = 2,6667
  → e-results 2 / 3 resolved → 6 × 2/3 = 4; digitized 2 / 5 → 4 × 0,4 = 1,6
  PAKN: P1 handled on time rated 4, P2 handled late rated 2 → on time 1/2 → 3; satisfied 1/2 → 3
  → MDHL 2,6667 + 3 + 3 = 8,6667; MDSH 5,6 of 10 covered; total 26,2667 of 48 → 54,7% → Trung bình
UBND xã Phước An (COMMUNE), two dossiers received 01/03 due 10/03 finished 10/03, rated 4, digitized,
  e-result; no PAKN → TDGQ 20, MDHL 6 + 6 + 6 = 18, MDSH 10; 48 of 48 covered → Xuất sắc.
"""
from __future__ import annotations

import pytest

from kpi.measures import index766 as X
from kpi.measures import published
from kpi.measures.periods import month
from kpi.text import index766 as index_text
from kpi.warehouse.db import Warehouse
from tests.factories import add_dossiers, add_feedback, dossier, feedback

MARCH = month(2024, 3)
SO, XA = "sở-tư-pháp", "ubnd-xã-phước-an"


def _agency_dossiers():
    return [
        dossier("A", due="10/03/2024", finished="05/03/2024", rating=4, e_result=True, digitized=True),
        dossier("B", due="10/03/2024", finished="10/03/2024", rating=3, e_result=False, digitized=True),
        dossier("C", due="10/03/2024", finished="15/03/2024", rating=1, e_result=True, digitized=False),
        dossier("D", received="02/03/2024 08:00", due="05/03/2024", digitized=False),
        dossier("E", received="20/03/2024 08:00", due="25/03/2024", digitized=False),
    ]


def _commune_dossiers():
    return [dossier(code, unit="UBND xã Phước An", due="10/03/2024", finished="10/03/2024", rating=4, e_result=True,
                    digitized=True) for code in ("X1", "X2")]


@pytest.fixture()
def two_units(empty_db) -> Warehouse:
    wh = Warehouse(empty_db)
    add_dossiers(wh, _agency_dossiers() + _commune_dossiers())
    add_feedback(wh, [feedback("P1", handled="10/03/2024", due="15/03/2024", rating=4),
                      feedback("P2", handled="18/03/2024", due="15/03/2024", rating=2)])
    return wh


def _unit(report, unit_id):
    return next(u for u in report.units if u.key == unit_id)


def _sub(score, key):
    return next(s for g in score.groups.values() for s in g.subs if s.key == key)


# -- the formulas on their own ---------------------------------------------------------
def test_linear_threshold_and_rates_only_formulas():
    on_time, satisfaction = X.SUB_BY_KEY["ON_TIME"], X.SUB_BY_KEY["DOSSIER_RECEIVING_SATISFACTION"]
    reuse, online = X.SUB_BY_KEY["REUSED_DIGITIZED_DATA"], X.SUB_BY_KEY["ONLINE_DOSSIERS"]
    assert X.sub_score(on_time, 0.6) == pytest.approx(12.0)
    assert X.sub_score(on_time, 1.0) == 20.0
    # satisfaction: full 6 from 90% (threshold), proportional below it
    assert X.sub_score(satisfaction, 0.45) == pytest.approx(3.0)
    assert X.sub_score(satisfaction, 0.90) == pytest.approx(6.0)
    assert X.sub_score(satisfaction, 0.95) == 6.0
    # reuse of digitized data: full 2 from 80%
    assert X.sub_score(reuse, 0.40) == pytest.approx(1.0)
    assert X.sub_score(reuse, 0.80) == pytest.approx(2.0)
    assert X.sub_score(reuse, 0.0171) == pytest.approx(0.04275)  # the portal shows 0,04 for 1,71% (qd766 fixture)
    assert X.sub_score(online, 0.5) is None  # CLGQ: rates, no score
    assert X.sub_score(on_time, None) is None  # no data is never 0


def test_payment_group_is_6a_plus_min_2_25b_plus_25c_capped_at_10():
    # Hà Nội 2026 (hoang31201/766-HaNoi history/quality/2026-10-10.json): 53,66% / 37,76% / 21,15% → 4,69
    subs = [X.SubScore(key, "TTTT", X.SUB_BY_KEY[key].maximum, rate, X.sub_score(X.SUB_BY_KEY[key], rate))
            for key, rate in (("PAY_DOSSIERS", 0.5366), ("PAY_FORMALITIES", 0.3776), ("PAY_PROVISION", 0.2115))]
    group = X.group_score("TTTT", subs)
    assert group.score == pytest.approx(6 * 0.5366 + 2.5 * 0.3776 + 2.5 * 0.2115)
    assert round(group.score, 2) == 4.69 and not group.partial
    full = [X.SubScore(s.key, "TTTT", s.maximum, 1.0, X.sub_score(X.SUB_BY_KEY[s.key], 1.0)) for s in subs]
    assert X.group_score("TTTT", full).score == 10.0  # 6 + 2 + 2,5 = 10,5, capped at the group's 10


def test_grade_bands_are_a_setting(monkeypatch):
    assert index_text.GRADE_LABELS[X.grade(26.2667, 48)] == "Trung bình"  # 54,7%
    assert index_text.GRADE_LABELS[X.grade(90, 100)] == "Xuất sắc"
    assert index_text.GRADE_LABELS[X.grade(49.9, 100)] == "Yếu"
    assert X.grade(None, 0) is None
    monkeypatch.setenv("TTHC_INDEX_GRADE_BANDS", "95,85,75,60")
    assert index_text.GRADE_LABELS[X.grade(90, 100)] == "Tốt"


# -- the index of a warehouse ------------------------------------------------------------
def test_agency_scores_hand_computed(two_units):
    so = _unit(X.compute(two_units, MARCH), SO)
    assert so.unit_type == "AGENCY"
    assert so.groups["TDGQ"].score == pytest.approx(12.0)
    assert _sub(so, "DOSSIER_RECEIVING_SATISFACTION").score == pytest.approx(6 * 0.4 / 0.9)
    assert _sub(so, "DOSSIER_RECEIVING_SATISFACTION").denominator == 5  # over every dossier received
    assert _sub(so, "PETITION_PROCESSING_ON_TIME").score == pytest.approx(3.0)
    assert _sub(so, "PETITION_HANDLING_SATISFACTION").score == pytest.approx(3.0)
    assert so.groups["MDHL"].score == pytest.approx(6 * 0.4 / 0.9 + 6)
    assert _sub(so, "ORIGINAL_RESULT_AVAILABLE").score == pytest.approx(4.0)
    assert _sub(so, "SO_HOA_GIAY_TO_GIAI_QUYET").score == pytest.approx(1.6)
    mdsh = so.groups["MDSH"]
    assert (mdsh.score, mdsh.max_covered, mdsh.partial) == (pytest.approx(5.6), 10, True)
    assert so.total == pytest.approx(12 + 6 * 0.4 / 0.9 + 6 + 5.6)
    assert (so.max_covered, so.partial, so.source) == (48, True, "simulated")
    assert index_text.GRADE_LABELS[so.grade] == "Trung bình"


def test_six_points_when_the_unit_had_no_pakn(two_units):
    xa = _unit(X.compute(two_units, MARCH), XA)
    assert xa.unit_type == "COMMUNE"
    assert _sub(xa, "PETITION_PROCESSING_ON_TIME").score == 6.0
    assert _sub(xa, "PETITION_HANDLING_SATISFACTION").score == 6.0
    assert xa.groups["MDHL"].score == pytest.approx(18.0)
    assert (xa.total, xa.max_covered) == (pytest.approx(48.0), 48)
    assert index_text.GRADE_LABELS[xa.grade] == "Xuất sắc"


def test_no_pakn_source_at_all_is_no_data_not_six(empty_db):
    wh = Warehouse(empty_db)
    add_dossiers(wh, _commune_dossiers())
    xa = _unit(X.compute(wh, MARCH), XA)
    assert _sub(xa, "PETITION_PROCESSING_ON_TIME").score is None
    assert xa.groups["MDHL"].score == pytest.approx(6.0) and xa.groups["MDHL"].partial


def test_groups_without_data_are_none_and_the_total_partial(two_units):
    report = X.compute(two_units, MARCH)
    province = report.province
    for code in ("CKMB", "TTTT", "CLGQ"):
        assert province.groups[code].score is None
        assert province.groups[code].max_covered == 0
    assert province.partial and province.max_covered == 48
    assert index_text.total_line(province.total, province.max_covered, province.partial).endswith(
        "/ 48 điểm có dữ liệu")
    # CLGQ shows its rate (online 0 of 7: every dossier came in person) but never a score
    online = _sub(province, "ONLINE_DOSSIERS")
    assert (online.rate, online.score) == (0.0, None)


def test_unrated_dossiers_give_no_satisfaction_score(empty_db):
    wh = Warehouse(empty_db)
    add_dossiers(wh, [dossier("N1", due="10/03/2024", finished="05/03/2024")])  # no rating known
    province = X.compute(wh, MARCH).province
    assert _sub(province, "DOSSIER_RECEIVING_SATISFACTION").score is None


def test_agency_and_commune_take_publication_figures_differently(two_units):
    """The province's CKMB publication figures count for a commune (as the portal shows), not for an agency."""
    published.save_entry(two_units, MARCH, "PUBLISH_ON_TIME", "CKMB", 40, 80)          # 50% → 3
    published.save_entry(two_units, MARCH, "PUBLIC_UPDATE_ON_TIME", "CKMB", 60, 80)    # 75% → 3
    published.save_entry(two_units, MARCH, "PUBLIC_CONTENT_FULL", "CKMB", 80, 80)      # 100% → 2
    published.save_entry(two_units, MARCH, "DOSSIER_SYNC", "CKMB", 9, 10, unit_id=SO)  # 90% → 5,4
    report = X.compute(two_units, MARCH)
    xa, so = _unit(report, XA), _unit(report, SO)
    assert (xa.groups["CKMB"].score, xa.groups["CKMB"].max_covered) == (pytest.approx(8.0), 12)
    assert xa.groups["CKMB"].source == "manual"
    assert (so.groups["CKMB"].score, so.groups["CKMB"].max_covered) == (pytest.approx(5.4), 6)
    assert report.province.groups["CKMB"].score == pytest.approx(8.0)
    assert so.total == pytest.approx(12 + 6 * 0.4 / 0.9 + 6 + 5.6 + 5.4)
    assert so.source == "mixed"


def test_entry_refuses_impossible_figures(two_units):
    with pytest.raises(ValueError):
        published.save_entry(two_units, MARCH, "PUBLISH_ON_TIME", "CKMB", 81, 80)


def test_levels_sum_their_units(two_units):
    report = X.compute(two_units, MARCH)
    levels = {lv.key: lv for lv in report.levels}
    assert levels["province"].groups["TDGQ"].score == pytest.approx(12.0)
    assert levels["commune"].groups["TDGQ"].score == pytest.approx(20.0)
    assert report.province.groups["TDGQ"].score == pytest.approx(20 * 5 / 7)  # (3 + 2) / (5 + 2)

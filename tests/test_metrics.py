"""KPI rules of DOMAIN §4 against hand-computed expectations, dossier by dossier."""
from __future__ import annotations

import datetime as dt

import pytest

from kpi.measures import metrics, periods
from kpi.warehouse.db import Warehouse
from kpi.measures.filters import Filters, Scope
from kpi.measures.levels import unit_id_for
from tests.factories import add_dossiers, add_feedback, add_survey, dossier, feedback

MARCH = periods.month(2024, 3)


@pytest.fixture()
def wh(tmp_path):
    return Warehouse(tmp_path / "kpi.duckdb")


@pytest.fixture()
def march(wh):
    """Sở Tư pháp (province) and UBND xã Phú Hữu (commune), March 2024; see each line's comment."""
    add_dossiers(wh, [
        dossier("A", received="01/03/2024 08:00", due="10/03/2024", finished="05/03/2024 09:00", channel="online",
                digitized=True, e_result=True, rating=4),                                   # early
        dossier("B", received="02/03/2024", due="10/03/2024", finished="10/03/2024 17:00", digitized=True, rating=3),  # due day: on time
        dossier("C", received="03/03/2024", due="10/03/2024", finished="11/03/2024 23:59", rating=1, apology=True),  # day after: overdue
        dossier("D", received="04/03/2024", due=None, finished="20/03/2024", rating=2),     # no due date: on time
        dossier("E", received="25/03/2024", due="28/03/2024", digitized=True),              # in progress, overdue
        dossier("F", received="29/03/2024", due="05/04/2024", channel="online"),            # in progress, within
        dossier("G", received="28/02/2024", due="05/03/2024", finished="01/03/2024", e_result=True),  # carried over, early
        dossier("H", received="30/03/2024", due=None),                                      # in progress, no due: never overdue
        dossier("I", received="10/03/2024", due="31/03/2024", finished="01/04/2024 00:01"),  # due on `to`: within
        dossier("J", unit="UBND xã Phú Hữu", received="15/03/2024", due="20/03/2024", finished="20/03/2024 23:59"),  # on time
    ])
    add_feedback(wh, [
        feedback("P1", handled="22/03/2024", rating=4),   # on the due day: on time
        feedback("P2", handled="23/03/2024", rating=1),   # a day late
        feedback("P3"),                                   # backlog, overdue at 31/03
    ])
    add_survey(wh, "S1", "UBND xã Phú Hữu", "10/03/2024", 4)                     # walk-in survey
    add_survey(wh, "S2", "Sở Tư pháp", "10/03/2024", 1, dossier_code="A")        # A already rated: ignored
    add_survey(wh, "S3", "UBND xã Phú Hữu", "21/03/2024", 1, dossier_code="J")   # J unrated: counts
    return wh


def test_summary_province_level_by_hand(march):
    province = metrics.summary(march, MARCH)["levels"]["province"]
    assert {k: province[k] for k in metrics.SUMMARY_COUNTS} == {
        "received": 8, "resolved": 5, "resolved_early": 2, "resolved_on_time": 2, "resolved_overdue": 1,
        "in_progress": 4, "in_progress_overdue": 1,
    }
    assert province["on_time_rate"] == pytest.approx(4 / 5)
    assert province["e_result_rate"] == pytest.approx(2 / 5)
    assert province["online_rate"] == pytest.approx(2 / 8)
    assert province["digitization_rate"] == pytest.approx(3 / 8)
    assert province["satisfaction_rate"] == pytest.approx(2 / 4)
    assert province["pakn_on_time_rate"] == pytest.approx(1 / 2)
    assert province["pakn_satisfaction_rate"] == pytest.approx(1 / 2)


def test_summary_total_commune_and_empty_level(march):
    result = metrics.summary(march, MARCH)
    total, commune, district = result["total"], result["levels"]["commune"], result["levels"]["district"]
    assert (total["received"], total["resolved"], total["resolved_on_time"]) == (9, 6, 3)
    assert total["on_time_rate"] == pytest.approx(5 / 6)
    assert commune["on_time_rate"] == 1.0
    assert commune["satisfaction_rate"] == pytest.approx(1 / 2)   # survey S1 (4) + S3 (1)
    assert total["satisfaction_rate"] == pytest.approx(3 / 6)
    assert commune["pakn_on_time_rate"] is None                  # no PAKN: no data, not 0%
    assert district == {**{k: 0 for k in metrics.SUMMARY_COUNTS}, **{k: None for k in metrics.SUMMARY_RATES}}


def test_766_progress_rate_counts_in_progress_within(march):
    row = metrics.kpi_table(march, MARCH, Filters(level="province")).iloc[0]
    # (early 2 + on time 2 + in progress within 3) / (resolved 5 + in progress 4)
    assert row["progress_rate_766"] == pytest.approx(7 / 9)
    assert row["carried_over"] == 1 and row["resolved_no_due"] == 1 and row["in_progress_no_due"] == 1


def test_day_boundaries_on_single_days(march):
    due_day = metrics.summary(march, periods.custom(dt.date(2024, 3, 10), dt.date(2024, 3, 10)))["total"]
    assert (due_day["resolved"], due_day["resolved_on_time"], due_day["resolved_overdue"]) == (1, 1, 0)
    day_after = metrics.summary(march, periods.custom(dt.date(2024, 3, 11), dt.date(2024, 3, 11)))["total"]
    assert (day_after["resolved"], day_after["resolved_overdue"], day_after["on_time_rate"]) == (1, 1, 0.0)


def test_empty_denominators_are_no_data(wh):
    result = metrics.summary(wh, MARCH)
    assert all(result["total"][k] is None for k in metrics.SUMMARY_RATES)
    assert all(result["total"][k] == 0 for k in metrics.SUMMARY_COUNTS)


def test_in_progress_at_period_end_and_overdue_rule(march):
    # On 28/03, E (due 28/03) is in progress but not yet overdue; H has no due date.
    early_end = metrics.summary(march, periods.custom(dt.date(2024, 3, 1), dt.date(2024, 3, 28)))["levels"]["province"]
    assert early_end["in_progress"] == 2          # E and I open; F and H not yet received
    assert early_end["in_progress_overdue"] == 0  # E's due day is the period's last day: not overdue yet


def test_no_due_overdue_setting(march, monkeypatch):
    monkeypatch.setenv("TTHC_NO_DUE_IN_PROGRESS_OVERDUE", "true")
    province = metrics.summary(march, MARCH)["levels"]["province"]
    assert province["in_progress_overdue"] == 2   # E, and H without due date


def test_group_by_month_splits_counts(march):
    table = metrics.kpi_table(march, periods.custom(dt.date(2024, 2, 1), dt.date(2024, 3, 31)), group_by=("month",))
    feb, mar = table.iloc[0], table.iloc[1]
    assert (feb["received"], feb["resolved"], feb["in_progress"]) == (1, 0, 1)   # G received 28/02, open at 29/02
    assert (mar["received"], mar["resolved"]) == (9, 6)
    assert feb["on_time_rate"] is None


def test_group_by_unit_and_field(march):
    table = metrics.kpi_table(march, MARCH, group_by=("unit",)).set_index("unit_id")
    assert table.loc[unit_id_for("Sở Tư pháp"), "resolved"] == 5
    assert table.loc[unit_id_for("UBND xã Phú Hữu"), "resolved"] == 1
    assert table.loc[unit_id_for("Sở Tư pháp"), "pakn_handled"] == 2


def test_scope_limits_rows(march):
    scoped = metrics.summary(march, MARCH, scope=Scope(kind="units", unit_ids=(unit_id_for("UBND xã Phú Hữu"),)))
    assert scoped["total"]["received"] == 1
    nothing = metrics.summary(march, MARCH, scope=Scope(kind="units", unit_ids=()))
    assert nothing["total"]["received"] == 0


def test_drill_down_lists_the_overdue(march):
    rows = metrics.dossier_list(march, MARCH, "resolved_overdue")
    assert list(rows["code"]) == ["C"]
    assert int(rows["days_late"].iloc[0]) == 1
    assert set(metrics.dossier_list(march, MARCH, "in_progress_overdue")["code"]) == {"E"}
    assert set(metrics.dossier_list(march, MARCH, "no_due")["code"]) == {"D", "H"}


def test_unit_ids_keep_diacritics():
    assert unit_id_for("UBND xã Phú Thạnh") != unit_id_for("UBND xã Phú Thanh")
    assert unit_id_for("UBND  xã Phú\nThạnh") == unit_id_for("ubnd xã phú thạnh")


def test_level_switch_2025(wh):
    add_dossiers(wh, [
        dossier("OLD", unit="UBND huyện Nhơn Trạch", received="30/06/2025", due="10/07/2025"),   # open across the switch
        dossier("NEW", unit="UBND xã Phước An", received="01/07/2025", due="03/07/2025", finished="02/07/2025"),
    ])
    july = metrics.summary(wh, periods.month(2025, 7))["levels"]
    assert july["district"]["received"] == 0 and july["district"]["in_progress"] == 1
    assert july["commune"]["received"] == 1 and july["commune"]["on_time_rate"] == 1.0
    june = metrics.summary(wh, periods.month(2025, 6))["levels"]
    assert june["district"]["received"] == 1


def test_survey_of_a_dossier_rated_later_stops_counting(wh):
    """Surveys first, the dossier's own rating later: the survey row is then the same rating twice."""
    add_survey(wh, "S9", "Sở Tư pháp", "10/03/2024", 1, dossier_code="K")
    assert metrics.summary(wh, MARCH)["total"]["satisfaction_rate"] == 0.0
    add_dossiers(wh, [dossier("K", received="01/03/2024", due="10/03/2024", finished="05/03/2024", rating=4)])
    assert metrics.summary(wh, MARCH)["total"]["satisfaction_rate"] == 1.0

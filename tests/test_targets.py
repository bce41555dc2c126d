"""Plan targets: seeds from DOMAIN §5, precedence, assessment, gaps, versions."""
from __future__ import annotations

import datetime as dt
import json

import pytest

from kpi.warehouse import audit
from kpi.measures import targets
from kpi.warehouse.db import Warehouse
from tests.factories import add_dossiers, add_feedback, dossier, feedback


@pytest.fixture()
def wh(tmp_path):
    wh = Warehouse(tmp_path / "t.duckdb")
    targets.ensure_seeded(wh)
    return wh


def test_seed_holds_the_plan_numbers(wh):
    in_force = targets.targets_for_year(wh, 2024)
    assert targets.pick(in_force, "on_time_rate", "commune").threshold == 0.97
    assert [targets.pick(in_force, "digitization_rate", lv).threshold for lv in ("province", "district", "commune")] == [0.70, 0.40, 0.35]
    assert [targets.pick(in_force, "e_result_rate", lv).threshold for lv in ("province", "district", "commune")] == [0.80, 0.30, 0.20]
    assert targets.pick(in_force, "satisfaction_rate").threshold == 0.94
    assert targets.pick(in_force, "pakn_on_time_rate").threshold == 0.97
    assert targets.pick(in_force, "pakn_satisfaction_rate").threshold == 0.93
    assert "170/KH-VP" in targets.pick(in_force, "on_time_rate").source


def test_seeding_twice_adds_nothing(wh):
    assert targets.ensure_seeded(wh) == 0
    assert len(targets.targets_frame(wh)) == len(targets.seed_rows())


def test_year_without_targets_uses_nearest_earlier_else_earliest(wh):
    assert targets.targets_for_year(wh, 2026)[0].source_year == 2024
    assert targets.targets_for_year(wh, 2023)[0].source_year == 2024


def test_province_scope_has_no_level_specific_target(wh):
    assert targets.pick(targets.targets_for_year(wh, 2024), "digitization_rate", None) is None


def test_assess_and_gap():
    assert targets.assess(None, 0.97) == "no_data"
    assert targets.assess(0.97, 0.97) == "met"
    assert targets.assess(97 / 100, 0.97) == "met"
    assert targets.assess(0.9699, 0.97) == "not_met"
    assert targets.assess(0.05, 0.10, "<=") == "met"
    # 12 345 on time of 12 701 resolved; 97% needs ceil(0.97 × 12 701) = 12 320 → already met.
    assert targets.gap_count(12_345, 12_701, 0.97) == 0
    # 950 of 1 000: 97% needs 970 → 20 more.
    assert targets.gap_count(950, 1000, 0.97) == 20
    assert targets.gap_count(0, 0, 0.97) is None


def test_set_target_versions_and_validates(wh):
    # version 1 is 2024's target copied into 2025 by the first edit (module doc), then the edits
    version = targets.set_target(wh, 2025, "on_time_rate", 0.98, user="admin", source="KH 2025")
    assert version == 2
    assert targets.set_target(wh, 2025, "on_time_rate", 0.985, user="admin") == 3
    history = targets.targets_frame(wh, include_history=True)
    rows = history[(history["year"] == 2025) & (history["indicator"] == "on_time_rate")]
    assert list(rows["version"]) == [1, 2, 3] and rows["superseded_at"].notna().tolist() == [True, True, False]
    assert list(rows["threshold"]) == [0.97, 0.98, 0.985]
    assert targets.pick(targets.targets_for_year(wh, 2025), "on_time_rate").threshold == 0.985
    with pytest.raises(ValueError, match="0–100%"):
        targets.set_target(wh, 2025, "on_time_rate", 1.5)
    with pytest.raises(ValueError, match="không tồn tại"):
        targets.set_target(wh, 2025, "bogus", 0.5)


# -- issue 17: inheritance, a saved target keeps the others, the plan year applied ---------------------------

def _thresholds(wh, year):
    return {(t.indicator, t.level, t.unit_id): t.threshold for t in targets.targets_for_year(wh, year)}


def test_a_2025_target_set_keeps_every_other_2025_target(wh):
    seed = _thresholds(wh, 2024)  # 11 seed targets, all from 2024
    targets.set_target(wh, 2025, "on_time_rate", 0.98, user="quantri")
    in_force = targets.targets_for_year(wh, 2025)
    assert _thresholds(wh, 2025) == {**seed, ("on_time_rate", None, None): 0.98}
    # the year now stands on its own: every target is 2025's row, none inherited
    assert {t.source_year for t in in_force} == {2025}
    assert len(targets.targets_frame(wh).query("year == 2025")) == len(seed)
    assert targets.applied_plan_year(wh, 2025) == targets.PlanYear(2025, 2025, True, len(seed), 0)


def test_2027_inherits_all_of_2026(wh):
    targets.set_target(wh, 2026, "satisfaction_rate", 0.95, user="quantri")
    targets.set_target(wh, 2026, "e_result_rate", 0.35, level="district", user="quantri")
    expected = {**_thresholds(wh, 2024), ("satisfaction_rate", None, None): 0.95, ("e_result_rate", "district", None): 0.35}
    assert _thresholds(wh, 2026) == expected
    assert _thresholds(wh, 2027) == expected
    assert {t.source_year for t in targets.targets_for_year(wh, 2027)} == {2026}
    assert targets.applied_plan_year(wh, 2027) == targets.PlanYear(2027, 2026, False, 0, len(expected))


def test_a_year_missing_some_keys_inherits_them_per_target(wh):
    # a warehouse saved before issue 17: 2026 holds one row only; the other ten still come from 2024
    with wh.write() as con:
        con.execute("INSERT INTO targets (year, indicator, threshold, direction, version) VALUES (2026, 'on_time_rate', 0.98, '>=', 1)")
    in_force = targets.targets_for_year(wh, 2026)
    assert len(in_force) == 11
    assert targets.pick(in_force, "on_time_rate").source_year == 2026
    assert targets.pick(in_force, "satisfaction_rate").source_year == 2024
    assert targets.applied_plan_year(wh, 2026) == targets.PlanYear(2026, 2024, False, 1, 10)


def test_unconfirmed_year_names_the_plan_year_applied_until_confirmed(wh):
    assert targets.applied_plan_year(wh, 2025) == targets.PlanYear(2025, 2024, False, 0, 11)
    assert targets.confirm_year(wh, 2025, user="quantri") == 11
    assert targets.applied_plan_year(wh, 2025) == targets.PlanYear(2025, 2025, True, 11, 0)
    assert targets.confirm_year(wh, 2025, user="quantri") == 0  # nothing left to copy
    logged = audit.read_log(wh, action="target.confirm")
    assert len(logged) == 1 and logged.iloc[0]["user_name"] == "quantri"
    assert json.loads(logged.iloc[0]["detail"]) == {"year": 2025, "from_years": [2024], "count": 11}
    # a later edit of 2024 no longer changes the confirmed 2025
    targets.set_target(wh, 2024, "on_time_rate", 0.90, user="quantri")
    assert targets.pick(targets.targets_for_year(wh, 2025), "on_time_rate").threshold == 0.97


def test_target_set_is_audited_with_old_and_new_values(wh):
    targets.set_target(wh, 2026, "on_time_rate", 0.98, user="quantri")
    detail = json.loads(audit.read_log(wh, action="target.set").iloc[0]["detail"])
    assert detail["old"] == 0.97 and detail["new"] == 0.98 and detail["year"] == 2026 and detail["copied"] == 11


def test_years_offered_cover_data_targets_and_next_year(wh):
    # dossiers received 2022 and finished 2023; PAKN of 2021; targets of 2024; today 02/12/2026
    add_dossiers(wh, [dossier("a", received="05/06/2022 08:00", finished="10/01/2023 08:00")])
    add_feedback(wh, [feedback("p1", received="01/03/2021", due="22/03/2021")])
    assert targets.years_offered(wh, dt.date(2026, 12, 2)) == [2027, 2026, 2025, 2024, 2023, 2022, 2021]

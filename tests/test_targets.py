"""Plan targets: seeds from DOMAIN §5, precedence, assessment, gaps, versions."""
from __future__ import annotations

import pytest

from kpi import targets
from kpi.db import Warehouse


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
    version = targets.set_target(wh, 2025, "on_time_rate", 0.98, user="admin", source="KH 2025")
    assert version == 1
    assert targets.set_target(wh, 2025, "on_time_rate", 0.985, user="admin") == 2
    history = targets.targets_frame(wh, include_history=True)
    rows = history[(history["year"] == 2025) & (history["indicator"] == "on_time_rate")]
    assert list(rows["version"]) == [1, 2] and rows["superseded_at"].notna().tolist() == [True, False]
    assert targets.pick(targets.targets_for_year(wh, 2025), "on_time_rate").threshold == 0.985
    with pytest.raises(ValueError, match="0–100%"):
        targets.set_target(wh, 2025, "on_time_rate", 1.5)
    with pytest.raises(ValueError, match="không tồn tại"):
        targets.set_target(wh, 2025, "bogus", 0.5)

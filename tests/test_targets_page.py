"""Chỉ tiêu kế hoạch (pages/targets.py): an admin edits a target (new version, audited); a leader only reads."""
from __future__ import annotations

import datetime as dt

import pytest

from kpi.warehouse import audit
from kpi.measures import targets
from kpi.access.permissions import User
from kpi.warehouse.db import Warehouse
from tests.upload_helpers import button, page


@pytest.fixture()
def wh(tmp_path, monkeypatch) -> Warehouse:
    wh = Warehouse(tmp_path / "targets.duckdb")
    monkeypatch.setenv("TTHC_DB", str(wh.path))
    targets.ensure_seeded(wh)
    return wh


def test_admin_edits_a_target_and_the_history_keeps_both_versions(wh):
    year = 2024
    at = page("targets", User("quantri", "admin"))
    at.run()
    assert not at.exception
    at.selectbox(key="targets_year").set_value(year).run()
    at.selectbox(key="t_indicator").set_value("on_time_rate")
    at.selectbox(key="t_level").set_value(None)
    at.number_input(key="t_threshold").set_value(95.5)
    at.text_input(key="t_source").set_value("KH 12/KH-UBND 2024")
    button(at, "Lưu chỉ tiêu").click().run()
    assert not at.exception
    assert "phiên bản 2" in at.success[0].value
    current = targets.targets_frame(wh)
    row = current[(current["year"] == year) & (current["indicator"] == "on_time_rate") & current["level"].isna()].iloc[0]
    assert row["threshold"] == pytest.approx(0.955) and row["version"] == 2 and row["created_by"] == "quantri"
    history = targets.targets_frame(wh, include_history=True)
    versions = history[(history["year"] == year) & (history["indicator"] == "on_time_rate") & history["level"].isna()]
    assert sorted(versions["version"]) == [1, 2] and versions["superseded_at"].notna().sum() == 1
    assert audit.read_log(wh, action="target.set").iloc[0]["user_name"] == "quantri"
    assert targets.pick(targets.targets_for_year(wh, year), "on_time_rate").threshold == pytest.approx(0.955)
    # the table shows the new figure in Vietnamese format
    assert any("95,5%" in str(v) for df in at.dataframe for v in df.value.to_numpy().ravel())


def test_leader_cannot_edit(wh):
    before = targets.targets_frame(wh, include_history=True)
    at = page("targets", User("lanhdao", "leader"))
    at.run()
    assert not at.exception
    assert not [b for b in at.button if b.label == "Lưu chỉ tiêu"]
    assert not [s for s in at.selectbox if s.key == "t_indicator"]
    assert any("chỉ đọc" in c.value for c in at.caption)
    assert len(targets.targets_frame(wh, include_history=True)) == len(before)


def test_validation_message_is_vietnamese(wh):
    with pytest.raises(ValueError, match="0–100%"):
        targets.set_target(wh, dt.date.today().year, "on_time_rate", 1.5, user="quantri")


def test_every_year_with_data_is_offered_and_inherited_targets_say_so(wh):
    at = page("targets", User("quantri", "admin"))
    at.run()
    assert "2025" in at.selectbox(key="targets_year").options
    at.selectbox(key="targets_year").set_value(2025).run()
    assert not at.exception
    shown = at.dataframe[0].value
    assert len(shown) == len(targets.seed_rows())
    assert set(shown["Áp dụng"]) == {"Kế thừa từ 2024"}
    assert any("Chỉ tiêu năm 2024 áp dụng cho 2025" in i.value for i in at.info)


def test_saving_one_target_keeps_the_others_and_confirm_copies_the_year(wh):
    at = page("targets", User("quantri", "admin"))
    at.run()
    at.selectbox(key="targets_year").set_value(2025).run()
    at.selectbox(key="t_indicator").set_value("satisfaction_rate")
    at.selectbox(key="t_level").set_value(None)
    at.number_input(key="t_threshold").set_value(96.0)
    button(at, "Lưu chỉ tiêu").click().run()
    assert not at.exception
    shown = at.dataframe[0].value
    assert len(shown) == len(targets.seed_rows()) and set(shown["Áp dụng"]) == {"Chỉ tiêu năm 2025"}
    assert "≥ 96%" in set(shown["Chỉ tiêu"]) and "≥ 97%" in set(shown["Chỉ tiêu"])
    assert not [b for b in at.button if b.key == "targets_confirm"]  # the year is its own now
    at.selectbox(key="targets_year").set_value(2026).run()
    button(at, "Xác nhận chỉ tiêu năm 2026").click().run()
    assert not at.exception
    assert "Đã xác nhận 11 chỉ tiêu" in at.success[0].value
    assert targets.applied_plan_year(wh, 2026).confirmed
    assert audit.read_log(wh, action="target.confirm").iloc[0]["target"] == "2026"


def test_leader_sees_no_confirm_button(wh):
    at = page("targets", User("lanhdao", "leader"))
    at.run()
    at.selectbox(key="targets_year").set_value(2025).run()
    assert not [b for b in at.button if b.key == "targets_confirm"]
    assert any("Chỉ tiêu năm 2024 áp dụng cho 2025" in i.value for i in at.info)

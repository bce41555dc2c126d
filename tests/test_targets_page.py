"""Chỉ tiêu kế hoạch (pages/targets.py): an admin edits a target (new version, audited); a leader only reads."""
from __future__ import annotations

import datetime as dt

import pytest

from kpi import audit, targets
from kpi.auth import User
from kpi.db import Warehouse
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

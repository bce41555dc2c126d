"""The verdict on the pages (AppTest): the overview's headline, tiles, matrix and units needing
attention, and the meeting bookmark for the abolished district level (issue 17)."""
from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from kpi.measures import metrics, periods, verdict
from kpi.measures import status as target_status
from kpi.reports import slides as slides_mod
from kpi.text import verdict as verdict_text, vi
from kpi.access.permissions import User
from kpi.warehouse.db import Warehouse
from tests.factories import add_dossiers, add_units, dossier

ROOT = Path(__file__).resolve().parent.parent
LEFTOVERS = "UBND huyện Nhơn Trạch"


def overview(monkeypatch, db: Path, month: str, **state) -> AppTest:
    monkeypatch.setenv("TTHC_DB", str(db))
    at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=90)
    at.session_state["user"] = state.pop("user", None) or User("kiem-thu", "admin")
    at.session_state["last_seen"] = dt.datetime.now()
    at.session_state["flt_month"] = month
    for key, value in state.items():
        at.session_state[key] = value
    at.run().run()
    assert not at.exception, [e.message for e in at.exception]
    return at


def markdown(at: AppTest) -> str:
    return "\n".join(m.value for m in at.markdown)


@pytest.fixture()
def october(sample_copy) -> Path:
    """The sample plus 8 leftovers of an abolished district finished late in October 2025."""
    wh = Warehouse(sample_copy)
    add_units(wh, {LEFTOVERS: None})
    add_dossiers(wh, [dossier(f"LEFT-{i}", LEFTOVERS, "10/06/2025 08:00", "30/06/2025", f"{10 + i}/10/2025 09:00")
                      for i in range(8)])
    return sample_copy


@pytest.mark.parametrize("month", ["2025-06", "2025-10"])
def test_overview_headline_tiles_and_matrix_say_the_verdict(monkeypatch, sample_db, month):
    wh = Warehouse(sample_db)
    period = periods.from_param(month)
    judged = verdict.for_selection(wh, period, slides_mod.in_force_targets(wh, period.end.year), metrics.PLAN_KPIS)
    at = overview(monkeypatch, sample_db, month)
    text = markdown(at)
    assert "### " + judged.headline() in text
    if judged.missed:
        assert judged.missed_sentence() in text
    # Each tile's badge is its KPI's verdict; a met badge never sits on a KPI the matrix shows red.
    badges = [m.value for m in at.markdown if m.value.startswith((":green-badge", ":orange-badge", ":gray-badge"))]
    expected = [target_status.badge(judged.status(k)) for k in metrics.PLAN_KPIS if target_status.badge(judged.status(k))]
    assert [b.split("]")[0] + "]" for b in badges] == expected
    for kpi in metrics.PLAN_KPIS:
        for cell in judged.kpis[kpi].cells:
            assert f"<td class='kpi-{cell.status}'" in text


def test_overview_october_2025_shows_the_abolished_backlog_apart(monkeypatch, sample_db, october):
    wh = Warehouse(october)
    period = periods.month(2025, 10)
    in_force = slides_mod.in_force_targets(wh, 2025)
    clean = verdict.for_selection(Warehouse(sample_db), period, in_force, metrics.PLAN_KPIS)
    at = overview(monkeypatch, october, "2025-10")
    text = markdown(at)
    assert "### " + clean.headline() in text  # the leftovers do not change the verdict
    assert vi.level_label_in("district", period) in text  # the matrix row, named as abolished
    assert verdict.abolished_note() in [c.value for c in at.caption]
    assert "<td class='kpi-abolished'" in text and "kpi-not_met" not in text.split(vi.level_label_in("district", period))[1].split("</tr>")[0]


def test_overview_units_needing_attention_are_ordered_by_gap_with_the_right_count(monkeypatch, sample_db):
    month = "2025-06"
    wh = Warehouse(sample_db)
    period = periods.from_param(month)
    from kpi.measures import metrics

    names = {r.unit_id: r.name for r in metrics.units_frame(wh).itertuples()}
    ranking = verdict.rank_units(period, metrics.kpi_table(wh, period, None, None, ("level", "unit")), "on_time_rate",
                                 slides_mod.in_force_targets(wh, 2025), names)
    at = overview(monkeypatch, sample_db, month)
    assert verdict_text.ATTENTION_TITLE.format(n=vi.num(len(ranking.below))) in [s.value for s in at.subheader]
    buttons = [b.key.removeprefix("worst_") for b in at.button if str(b.key).startswith("worst_")]
    assert buttons == [u.unit_id for u in ranking.below[:5]]
    gaps = [u.gap for u in ranking.below]
    assert gaps == sorted(gaps, reverse=True)


def test_meeting_bookmark_for_the_abolished_district_level(monkeypatch, october):
    monkeypatch.setenv("TTHC_DB", str(october))
    at = AppTest.from_file(str(ROOT / "pages" / "meeting.py"), default_timeout=90)
    at.session_state["user"] = User("lanhdao", "leader")
    at.session_state["last_seen"] = dt.datetime.now()
    for key, value in {"trinhchieu": "1", "ky": "2025-10", "cap": "district"}.items():
        at.query_params[key] = value
    at.run()
    assert not at.exception, [e.message for e in at.exception]
    text = markdown(at)
    assert "đã giải thể" in text
    assert f"color:{verdict.STATUS_COLORS[verdict.NOT_MET]}" not in text  # no orange "0,0%"
    assert f"color:{verdict.STATUS_COLORS[verdict.ABOLISHED]}'>0,0%" in text


def test_pakn_backlog_tile_and_chart_count_the_same(monkeypatch, sample_db):
    """'PAKN tồn cuối kỳ' on the tile is the last point of the chart of the same name."""
    import json

    at = overview(monkeypatch, sample_db, "2025-10")
    at.switch_page("pages/pakn.py").run()
    assert not at.exception
    tile = [m for m in at.metric if m.label == vi.PAKN_COUNTS["pakn_backlog"]][0]
    charts = [json.loads(e.proto.spec) for e in at.get("plotly_chart")]
    titles = [str(c["layout"].get("title", {}).get("text", "")).replace("<br>", " ") for c in charts]
    chart = charts[titles.index(vi.PAKN_BACKLOG_TITLE)]
    parts = {t["name"]: t for t in chart["data"] if t["name"] != vi.TWO_LEVEL_SWITCH}
    assert set(parts) == set(vi.PAKN_BACKLOG_PARTS.values())
    # The stacked parts of the last month add up to the tile, and the tile's caption is the overdue part.
    assert vi.num(sum(t["y"][-1] for t in parts.values())) == tile.value
    overdue = parts[vi.PAKN_BACKLOG_PARTS["pakn_backlog_overdue"]]["y"][-1]
    assert f"{vi.PAKN_COUNTS['pakn_backlog_overdue']}: {vi.num(overdue)}" in [c.value for c in at.caption]
    assert all(str(t["x"][-1]).startswith("2025-10") for t in parts.values())


def test_district_scoped_leader_sees_whose_data_and_only_levels_in_scope(monkeypatch, sample_db):
    from kpi.measures import metrics
    from kpi.measures.filters import Scope

    units = metrics.units_frame(Warehouse(sample_db))
    district = units[units["level"] == "district"].iloc[0]
    communes = units[units["parent_id"] == district["unit_id"]]
    assert len(communes) >= 2
    scope = Scope(kind="units", unit_ids=(district["unit_id"], *communes["unit_id"]))
    at = overview(monkeypatch, sample_db, "2025-06", user=User("huyen", "leader", scope=scope))
    assert f"**Phạm vi: {district['name']} và {len(communes)} đơn vị cấp xã**" in [m.value for m in at.markdown]
    level_options = at.selectbox(key="flt_level").options
    assert vi.LEVEL_LABELS["province"] not in level_options
    assert vi.LEVEL_LABELS["district"] in level_options and vi.LEVEL_LABELS["commune"] in level_options


def test_unit_page_shows_no_rank_among_fewer_than_three_peers(monkeypatch, sample_db):
    from kpi.measures import metrics
    from kpi.measures.filters import Scope

    units = metrics.units_frame(Warehouse(sample_db))
    district = units[units["level"] == "district"].iloc[0]
    scope = Scope(kind="units", unit_ids=(district["unit_id"],))
    at = overview(monkeypatch, sample_db, "2025-06", user=User("huyen", "leader", scope=scope))
    at.switch_page("pages/unit.py").run()
    assert not at.exception, [e.message for e in at.exception]
    text = markdown(at)
    assert "Hạng 1/1" not in text
    assert not any(s.value.startswith("Thứ hạng trong") for s in at.subheader)

"""kpi.measures.verdict: one answer on every surface (issue 17).

The headline, the levels × KPIs matrix, the meeting slides and their narrative all
draw from ``verdict.judge``; these tests compare what each surface says, on every
month and quarter of 2025, and pin the rules with hand-made numbers.
"""
from __future__ import annotations

import datetime as dt
import re
from types import SimpleNamespace

import pandas as pd
import pytest

from kpi.measures import metrics, periods, verdict
from kpi.reports import slides as slides_mod
from kpi.text import report as report_text, verdict as verdict_text, vi
from kpi.warehouse.db import Warehouse
from kpi.measures.filters import Filters
from kpi.measures.targets import MET, NO_DATA, NOT_MET, Target
from tests.factories import add_dossiers, add_units, dossier

PERIODS_2025 = [periods.month(2025, m) for m in range(1, 13)] + [periods.from_param(f"2025-Q{q}") for q in range(1, 5)]
LEVEL_CHOICES = (None, "province", "district", "commune")


def target(kpi: str, threshold: float, level: str | None = None) -> Target:
    return Target(kpi, threshold, ">=", level, None, "KH test", 2025, 2025)


def level_rows(**levels) -> pd.DataFrame:
    """A per-level table with on_time_rate num/den: level=(num, den)."""
    rows = []
    for level, (num, den) in levels.items():
        rows.append({"level": level, "resolved": den, "resolved_early": num, "resolved_on_time": 0,
                     "on_time_rate": num / den if den else None, "on_time_rate__num": num, "on_time_rate__den": den})
    return pd.DataFrame(rows)


# -- the rules, by hand ------------------------------------------------------------------

def test_a_level_missing_its_target_makes_the_kpi_not_met_even_when_the_total_meets_it():
    # Province 96/100 = 96% misses 97%; commune 990/1000 = 99%; total 1086/1100 = 98,7% would "meet".
    judged = verdict.judge(periods.month(2024, 10), level_rows(province=(96, 100), commune=(990, 1000)),
                           [target("on_time_rate", 0.97)], ("on_time_rate",))
    kv = judged.kpis["on_time_rate"]
    assert kv.status == NOT_MET
    assert [(c.level, c.status) for c in kv.cells] == [("province", NOT_MET), ("commune", MET)]
    assert judged.headline() == "Kế hoạch năm 2024: 0/1 chỉ tiêu đạt trong kỳ Tháng 10/2024"
    assert judged.missed_sentence() == "Chưa đạt: Giải quyết đúng hạn (TT 01) (Cấp tỉnh 96,0%)."
    assert kv.cells[0].gap == 1  # 97 of 100 needed


def test_a_level_with_few_dossiers_is_shown_but_does_not_decide(monkeypatch):
    monkeypatch.setenv("TTHC_VERDICT_MIN_DOSSIERS", "20")
    # Province 0/8 (fewer than 20): "ít hồ sơ"; commune 99/100 met → the KPI is met.
    judged = verdict.judge(periods.month(2024, 10), level_rows(province=(0, 8), commune=(99, 100)),
                           [target("on_time_rate", 0.97)], ("on_time_rate",))
    kv = judged.kpis["on_time_rate"]
    assert [(c.level, c.status) for c in kv.cells] == [("province", verdict.FEW), ("commune", MET)]
    assert kv.status == MET
    assert judged.notes() == ["Giải quyết đúng hạn (TT 01): Cấp tỉnh 8 hồ sơ đã giải quyết (dưới 20), ít hồ sơ, không kết luận"]
    monkeypatch.setenv("TTHC_VERDICT_MIN_DOSSIERS", "5")
    assert verdict.judge(periods.month(2024, 10), level_rows(province=(0, 8), commune=(99, 100)),
                         [target("on_time_rate", 0.97)], ("on_time_rate",)).kpis["on_time_rate"].status == NOT_MET


def test_abolished_district_backlog_is_apart_and_never_judged():
    # October 2025: district 0/8 (leftovers of abolished districts) must not flip the verdict.
    judged = verdict.judge(periods.month(2025, 10), level_rows(province=(500, 510), district=(0, 8), commune=(990, 1000)),
                           [target("on_time_rate", 0.97)], ("on_time_rate",))
    assert judged.levels == ("province", "commune") and judged.apart_levels == ("district",)
    assert judged.status("on_time_rate") == MET
    assert judged.cell("on_time_rate", "district").status == verdict.ABOLISHED
    assert verdict.abolished_note() in judged.notes()
    # Chosen on its own (the bookmark cap=district), the level is not judged either.
    alone = verdict.judge(periods.month(2025, 10), level_rows(district=(0, 8)), [target("on_time_rate", 0.97)],
                          ("on_time_rate",), filters=Filters(level="district"))
    assert alone.status("on_time_rate") == verdict.ABOLISHED and alone.judged == []


def test_thresholds_compare_the_exact_ratio_and_display_never_rounds_onto_the_target():
    t = target("on_time_rate", 0.97)
    assert verdict.rate_text(0.96996, t) == "96,996%"
    assert verdict.rate_text(0.9696, t) == "96,96%"
    assert verdict.rate_text(0.9649, t) == "96,5%"
    assert verdict.rate_text(0.97, t) == "97,0%"  # met exactly: 97/100
    assert verdict.rate_text(0.99996, t) == "100,0%"  # met: rounding up is on the right side
    assert verdict.rate_text(0.96996) == "97,0%"  # without a target nothing to protect
    cell = verdict.Cell("on_time_rate", "province", 9699.6 / 10000, 9699, 10000, t, NOT_MET)
    assert cell.text != "97,0%" and cell.gap == 1


def test_minus_zero_points_never_appears():
    assert vi.signed_points(-0.0004) == "0,0 điểm %"
    assert vi.signed_points(-0.0006) == "-0,1 điểm %"
    assert vi.signed_points(0.0004) == "0,0 điểm %"


def test_units_are_ranked_by_the_dossiers_they_miss():
    # A: 1/4 (25%, gap 3); B: 900/1000 (90%, gap 70); C: 95/100 (95%, gap 2); D: 50/50 met; E: district, abolished.
    by_unit = pd.DataFrame([
        {"unit_id": "a", "level": "commune", "on_time_rate": 0.25, "on_time_rate__num": 1, "on_time_rate__den": 4},
        {"unit_id": "b", "level": "province", "on_time_rate": 0.9, "on_time_rate__num": 900, "on_time_rate__den": 1000},
        {"unit_id": "c", "level": "commune", "on_time_rate": 0.95, "on_time_rate__num": 95, "on_time_rate__den": 100},
        {"unit_id": "d", "level": "commune", "on_time_rate": 1.0, "on_time_rate__num": 50, "on_time_rate__den": 50},
        {"unit_id": "e", "level": "district", "on_time_rate": 0.0, "on_time_rate__num": 0, "on_time_rate__den": 8},
    ])
    ranked = verdict.rank_units(periods.month(2025, 10), by_unit, "on_time_rate", [target("on_time_rate", 0.97)],
                                {u: u.upper() for u in "abcde"})
    assert [(u.unit_id, u.gap) for u in ranked.below] == [("b", 70), ("a", 3), ("c", 2)]
    assert [u.unit_id for u in ranked.others] == ["d"]
    assert [u.unit_id for u in ranked.apart] == ["e"]
    assert ranked.with_data == 4


# -- every surface, every period of 2025 ----------------------------------------------------

def _matrix_statuses(html: str) -> dict[str, list[str]]:
    """{level label: [status class per KPI]} from the overview's matrix HTML."""
    out = {}
    for row in re.findall(r"<tr><td>(.*?)</td>(.*?)</tr>", html):
        out[row[0]] = re.findall(r"<td class='kpi-(\w+)'", row[1])
    return out


@pytest.mark.parametrize("period", PERIODS_2025, ids=lambda p: p.label)
def test_headline_matrix_and_slides_agree_on_every_period_of_2025(sample_db, period):
    from ui import widgets as W

    wh = Warehouse(sample_db)
    in_force = slides_mod.in_force_targets(wh, period.end.year)
    kpis = metrics.PLAN_KPIS
    for level in LEVEL_CHOICES:
        judged = verdict.for_selection(wh, period, in_force, kpis, filters=Filters(level=level))
        # The headline counts what the per-KPI statuses say.
        assert judged.headline().startswith(f"Kế hoạch năm {period.end.year}: ")
        if judged.judged:
            assert f": {len(judged.met)}/{len(judged.judged)} chỉ tiêu đạt" in judged.headline()
        # The matrix shows the same cells: a KPI not met has a not-met cell in a judged level, and back.
        matrix = _matrix_statuses(W.level_matrix(SimpleNamespace(period=period), judged, kpis))
        judged_rows = {vi.LEVEL_LABELS[lv]: lv for lv in judged.levels}
        for i, kpi in enumerate(kpis):
            red = [label for label, statuses in matrix.items() if label in judged_rows and statuses[i] == NOT_MET]
            assert (judged.status(kpi) == NOT_MET) == bool(red), (level, kpi, matrix)
            for label, statuses in matrix.items():
                if label not in judged_rows:  # an abolished level is never red
                    assert statuses[i] == verdict.ABOLISHED
        # The slides say the same.
        deck = {s.key: s for s in slides_mod.build_slides(wh, period, level=level)}
        summary = deck["summary"]
        for rate in summary.data["rates"]:
            assert rate["status"] == judged.status(rate["key"]), (level, rate["key"])
        for lv in judged.levels + judged.apart_levels:
            if f"level:{lv}" in deck:
                for rate in deck[f"level:{lv}"].data["rates"]:
                    assert rate["status"] == judged.cell(rate["key"], lv).status, (level, lv, rate["key"])
        assert deck["pakn"].data["on_time"]["status"] == judged.status("pakn_on_time_rate")
        # The narrative lists as missed exactly the KPIs the verdict misses (other than the headline one).
        missed_in_text = [k for k in slides_mod.DOSSIER_RATES[1:] if judged.status(k) == NOT_MET]
        for kpi in missed_in_text:
            assert vi.KPI_LABELS[kpi].lower()[:12] in summary.narrative.lower(), (level, kpi, summary.narrative)
        if not missed_in_text and any(judged.status(k) == MET for k in slides_mod.DOSSIER_RATES[1:]):
            assert "chưa đạt:" not in summary.narrative


# -- October 2025 with the abolished districts' leftovers ------------------------------------

LEFTOVERS = "UBND huyện Nhơn Trạch"


@pytest.fixture()
def october(sample_copy) -> Warehouse:
    """The sample plus 8 dossiers of an abolished district received in June 2025, finished late in
    October 2025 without e-result: district 0,0% on time and 0,0% e-result in October."""
    wh = Warehouse(sample_copy)
    add_units(wh, {LEFTOVERS: None})
    add_dossiers(wh, [dossier(f"LEFT-{i}", LEFTOVERS, "10/06/2025 08:00", "30/06/2025", f"{10 + i}/10/2025 09:00")
                      for i in range(8)])
    return wh


def test_october_2025_leftovers_do_not_flip_the_verdict(sample_db, october):
    period = periods.month(2025, 10)
    in_force = slides_mod.in_force_targets(october, 2025)
    before = verdict.for_selection(Warehouse(sample_db), period, in_force, metrics.PLAN_KPIS)
    after = verdict.for_selection(october, period, in_force, metrics.PLAN_KPIS)
    assert after.apart_levels == ("district",)
    assert after.cell("on_time_rate", "district").den == 8 and after.cell("on_time_rate", "district").value == 0.0
    assert {k: v.status for k, v in after.kpis.items()} == {k: v.status for k, v in before.kpis.items()}
    assert after.headline() == before.headline()
    assert verdict.abolished_note() in after.notes()
    # The all-levels deck: the district slide is apart, grey, with its note; nothing flips.
    deck = {s.key: s for s in slides_mod.build_slides(october, period)}
    assert deck["level:district"].status == verdict.ABOLISHED
    assert "đã giải thể" in deck["level:district"].title
    assert all(r["status"] == after.status(r["key"]) for r in deck["summary"].data["rates"])
    assert verdict.abolished_note() in deck["summary"].narrative
    assert LEFTOVERS not in [u["name"] for u in deck["below"].data["units"]]
    assert LEFTOVERS in deck["below"].narrative  # named apart, not ranked
    assert f"{LEFTOVERS} (đã giải thể)" in [u["name"] for u in deck["hotspots"].data["units"]]
    # The bookmark ?cap=district: grey headline, the note in the title, never "Chưa đạt".
    alone = slides_mod.build_slides(october, period, level="district")
    assert alone[0].status == verdict.ABOLISHED and "đã giải thể" in alone[0].title
    assert alone[0].headline == "0,0%"
    assert verdict.STATUS_COLORS[alone[0].status] != verdict.STATUS_COLORS[NOT_MET]


def test_one_palette_for_met_and_not_met():
    from kpi.reports import pack, slide_charts
    from ui import charts  # noqa: F401 - the dashboard charts take their colours from kpi.measures.verdict too

    assert slide_charts.STATUS_COLORS[MET] == verdict.STATUS_COLORS[MET] == "#009E73"
    assert slide_charts.STATUS_COLORS[NOT_MET] == verdict.STATUS_COLORS[NOT_MET] == "#D55E00"
    assert pack.headline_rgb(MET) == (0x00, 0x9E, 0x73)
    assert verdict.STATUS_COLORS[NO_DATA] == verdict.STATUS_COLORS[verdict.FEW]


def test_below_target_slides_rank_by_gap_and_continue_on_following_slides(sample_db, monkeypatch):
    wh = Warehouse(sample_db)
    period = periods.from_param("2025-Q2")
    deck = slides_mod.build_slides(wh, period)
    below = [s for s in deck if s.key.startswith("below")]
    units = below[0].data["units"]
    gaps = [u["gap"] for u in units]
    assert gaps == sorted(gaps, reverse=True) and all(g >= 1 for g in gaps)
    listed = [row[0] for s in below for row in s.table["rows"]] if units else []
    assert listed == [u["name"] for u in units]  # every unit on some slide, in order
    first = below[0].table
    if len(units) > slides_mod.FIRST_TABLE_ROWS:
        assert first["more"] == len(units) - slides_mod.FIRST_TABLE_ROWS and below[1].key == "below:2"
        assert first["columns"][2] == report_text.COL_GAP and first["columns"][3] == report_text.COL_RATE


def test_levels_that_exist_in_a_period():
    assert verdict.existing_levels(periods.month(2025, 6)) == ("province", "district", "commune")
    assert verdict.existing_levels(periods.month(2025, 7)) == ("province", "commune")
    assert verdict.existing_levels(periods.custom(dt.date(2025, 6, 1), dt.date(2025, 7, 31))) == (
        "province", "district", "commune")


def _font_sizes(node, inside_font: bool = False):
    """Every font size in a plotly figure's JSON."""
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "size" and inside_font and isinstance(value, (int, float)):
                yield value
            else:
                yield from _font_sizes(value, key in ("font", "textfont", "tickfont", "title_font") or
                                       (inside_font and key == "font"))
    elif isinstance(node, list):
        for item in node:
            yield from _font_sizes(item, inside_font)


def test_wall_screen_chart_text_is_at_least_24_px(sample_db):
    from kpi.reports import slide_charts

    deck = slides_mod.build_slides(Warehouse(sample_db), periods.month(2025, 10))
    sizes = []
    for slide in deck:
        fig = slide_charts.figure(slide.figure)
        if fig is not None:
            layout = fig.to_plotly_json()
            sizes += list(_font_sizes(layout))
            sizes += [a["font"]["size"] for a in layout["layout"].get("annotations", []) if a.get("font", {}).get("size")]
    assert sizes and min(sizes) >= 24, sorted(set(sizes))


def test_scope_is_said_in_words():
    units = [("UBND huyện Nhơn Trạch", "district")] + [(f"UBND xã {i}", "commune") for i in range(12)]
    assert verdict_text.scope_line("units", None, units) == "Phạm vi: UBND huyện Nhơn Trạch và 12 đơn vị cấp xã"
    assert verdict_text.scope_line("province", None, []) == "Phạm vi: Toàn tỉnh"
    assert verdict_text.scope_line("level", "Cấp xã", []) == "Phạm vi: Cấp xã (toàn tỉnh)"
    assert verdict_text.scope_line("units", None, [("UBND xã Phú Hữu", "commune")]) == "Phạm vi: UBND xã Phú Hữu"

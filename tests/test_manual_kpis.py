"""Chỉ tiêu nhập tay (issue 15 item 3): figures of non-data targets entered per period with numerator,
denominator and evidence (kpi.tracking.manual), judged against their targets like data KPIs, on the overview,
the meeting slides and the PDF pack with "nhập tay" provenance; the entry page (AppTest)."""
from __future__ import annotations

import datetime as dt
import shutil
import subprocess

import pytest
from streamlit.testing.v1 import AppTest

from kpi.access.permissions import AuthError, User
from kpi.measures import periods
from kpi.measures.filters import Scope
from kpi.reports import slides as slides_mod
from kpi.tracking import manual
from kpi.warehouse import audit
from kpi.warehouse.db import Warehouse
from tests.factories import add_units
from tests.plan_helpers import add_manual_target
from tests.upload_helpers import ROOT, button, no_exceptions, page

SO, HUYEN = "sở-tư-pháp", "ubnd-huyện-nhơn-trạch"
ADMIN = User("quantri", "admin")
SO_ANALYST = User("so", "analyst", Scope(kind="units", unit_ids=(SO,)))
LEADER = User("lanhdao", "leader")
Q1 = periods.quarter(2024, 1)
PUBLISHED = "tthc_published_on_time"
HOTLINE = "hotline_1022_handled"


@pytest.fixture()
def wh(tmp_path, monkeypatch) -> Warehouse:
    warehouse = Warehouse(tmp_path / "manual.duckdb")
    monkeypatch.setenv("TTHC_DB", str(warehouse.path))
    add_units(warehouse)
    add_manual_target(warehouse, PUBLISHED, 1.0)
    add_manual_target(warehouse, "e_process_configured", 1.0, level="all")
    return warehouse


def _figure(wh, key, period, scope=None) -> manual.Figure:
    return next(f for f in manual.figures(wh, period, scope) if f.key == key)


# -- the core ---------------------------------------------------------------------------------
def test_a_figure_is_judged_against_its_target_like_a_data_kpi(wh):
    manual.enter(wh, ADMIN, PUBLISHED, Q1, 412, 415, evidence="Báo cáo 35/BC-STP",
                 now=dt.datetime(2024, 4, 5, 10, 0))
    fig = _figure(wh, PUBLISHED, Q1)
    assert (fig.numerator, fig.denominator, fig.status) == (412, 415, "not_met")  # 99.28% < 100%
    assert fig.value_text() == "99,3% (412/415)"
    assert fig.target.phrase() == "≥ 100%" and fig.target.source == "Kế hoạch 170/KH-UBND"
    assert fig.provenance() == "nhập tay: quantri, 05/04/2024 · Báo cáo 35/BC-STP"
    manual.enter(wh, ADMIN, PUBLISHED, Q1, 415, 415, evidence="Báo cáo 36/BC-STP")
    assert _figure(wh, PUBLISHED, Q1).status == "met"
    # a target with nothing entered is 'no data', never 0%
    assert _figure(wh, "e_process_configured", Q1).status == "no_data"


def test_a_new_entry_supersedes_the_old_one_which_stays_in_history_and_audit(wh):
    january = periods.month(2024, 1)
    manual.enter(wh, ADMIN, PUBLISHED, january, 100, 110, evidence="BC 1")
    manual.enter(wh, ADMIN, PUBLISHED, january, 108, 110, evidence="BC 1 bổ sung")
    assert _figure(wh, PUBLISHED, january).numerator == 108
    history = manual.entries(wh, None, include_history=True)
    assert [(e.numerator, e.superseded_at is None) for e in history] == [(108, True), (100, False)]
    log = audit.read_log(wh, action="manual.enter")
    assert len(log) == 2 and '"old": {"denominator": 110.0, "numerator": 100.0}' in log.iloc[0]["detail"]


def test_a_period_sums_entries_inside_it_widest_first_never_a_day_twice(wh):
    for m, (num, den) in zip((1, 2, 3), ((100, 100), (90, 100), (95, 100))):
        manual.enter(wh, ADMIN, PUBLISHED, periods.month(2024, m), num, den, evidence=f"T{m}")
    manual.enter(wh, ADMIN, PUBLISHED, Q1, 290, 305, evidence="Quý I")  # the quarter as reported
    manual.enter(wh, ADMIN, PUBLISHED, periods.month(2024, 4), 50, 50, evidence="T4")
    assert (_figure(wh, PUBLISHED, Q1).numerator, _figure(wh, PUBLISHED, Q1).denominator) == (290, 305)
    half = _figure(wh, PUBLISHED, periods.half(2024, 1))
    assert (half.numerator, half.denominator) == (340, 355)  # Q1 (290/305) + April (50/50); months of Q1 left out
    february = _figure(wh, PUBLISHED, periods.month(2024, 2))
    assert (february.numerator, february.denominator) == (90, 100)


def test_a_count_is_shown_not_judged(wh):
    manual.enter(wh, ADMIN, HOTLINE, Q1, 1022, None, evidence="Tổng đài 1022")
    fig = _figure(wh, HOTLINE, Q1)
    assert fig.value_text() == "1.022" and fig.status == "no_target" and fig.is_count


def test_scope_who_may_enter_what(wh):
    manual.enter(wh, SO_ANALYST, PUBLISHED, Q1, 40, 40, evidence="STP", unit_id=SO)
    with pytest.raises(AuthError):
        manual.enter(wh, SO_ANALYST, PUBLISHED, Q1, 10, 10, evidence="x", unit_id=HUYEN)  # not its unit
    with pytest.raises(AuthError):
        manual.enter(wh, SO_ANALYST, PUBLISHED, Q1, 10, 10, evidence="x")  # province-wide needs a province scope
    with pytest.raises(AuthError):
        manual.enter(wh, LEADER, PUBLISHED, Q1, 10, 10, evidence="x")  # leaders read
    with pytest.raises(ValueError, match="lớn hơn tổng số"):
        manual.enter(wh, ADMIN, PUBLISHED, Q1, 11, 10, evidence="x")
    assert len(manual.entries(wh, None)) == 1


def test_the_province_figure_wins_over_the_sum_of_units_and_a_unit_sees_its_own(wh):
    manual.enter(wh, ADMIN, PUBLISHED, Q1, 40, 40, evidence="STP", unit_id=SO)
    manual.enter(wh, ADMIN, PUBLISHED, Q1, 30, 32, evidence="Huyện", unit_id=HUYEN)
    summed = _figure(wh, PUBLISHED, Q1)
    assert (summed.numerator, summed.denominator) == (70, 72)
    manual.enter(wh, ADMIN, PUBLISHED, Q1, 412, 415, evidence="Toàn tỉnh")
    assert _figure(wh, PUBLISHED, Q1).numerator == 412
    own = _figure(wh, PUBLISHED, Q1, SO_ANALYST.scope)
    assert (own.numerator, own.denominator, own.status) == (40, 40, "met")


def test_a_year_without_its_own_plan_inherits_the_earlier_manual_targets(wh):
    assert manual.targets_for_year(wh, 2025)[PUBLISHED].year == 2024
    assert manual.targets_for_year(wh, 2023) == {}


# -- the slides and the PDF pack -------------------------------------------------------------
def test_no_manual_slide_without_manual_targets_or_figures(tmp_path):
    from tests.factories import add_dossiers, dossier

    bare = Warehouse(tmp_path / "bare.duckdb")
    add_dossiers(bare, [dossier("A1", "Sở Tư pháp", "02/01/2024 08:00", "10/01/2024", "05/01/2024 09:00")])
    assert "manual" not in [s.key for s in slides_mod.build_slides(bare, Q1)]


def test_the_meeting_slides_carry_the_manual_figures_with_their_provenance(wh):
    from tests.factories import add_dossiers, dossier

    add_dossiers(wh, [dossier("A1", "Sở Tư pháp", "02/01/2024 08:00", "10/01/2024", "05/01/2024 09:00")])
    manual.enter(wh, ADMIN, PUBLISHED, Q1, 412, 415, evidence="Báo cáo 35/BC-STP")
    manual.enter(wh, ADMIN, "e_process_configured", Q1, 120, 120, evidence="Phần mềm Một cửa")
    deck = slides_mod.build_slides(wh, Q1)
    slide = next(s for s in deck if s.key == "manual")
    assert slide.headline == "1/2" and slide.status == "not_met"
    rows = {r[0]: r for r in slide.table["rows"]}
    published = rows["TTHC được công khai đầy đủ, đúng hạn"]
    assert published[1:4] == ["99,3% (412/415)", "≥ 100%", "✘ Chưa đạt"]
    assert published[4].startswith("nhập tay: quantri")
    assert "Chưa đạt: TTHC được công khai đầy đủ, đúng hạn" in slide.narrative


@pytest.mark.skipif(not shutil.which("pdftotext"), reason="poppler-utils missing")
def test_the_pdf_pack_has_the_manual_page(wh, tmp_path):
    from kpi.reports import pack
    from tests.factories import add_dossiers, dossier

    add_dossiers(wh, [dossier("A1", "Sở Tư pháp", "02/01/2024 08:00", "10/01/2024", "05/01/2024 09:00")])
    manual.enter(wh, ADMIN, PUBLISHED, Q1, 412, 415, evidence="Báo cáo 35/BC-STP")
    out = tmp_path / "pack.pdf"
    pack.build_pack(wh, Q1, None, out)
    text = " ".join(subprocess.run(["pdftotext", str(out), "-"], capture_output=True, text=True, check=True)
                    .stdout.split())
    assert "Chỉ tiêu không có dữ liệu hồ sơ (nhập tay)" in text
    assert "99,3% (412/415)" in text and "nhập tay: quantri" in text


# -- the pages --------------------------------------------------------------------------------
def test_the_overview_shows_the_manual_figures_against_their_targets(sample_copy, monkeypatch):
    wh = Warehouse(sample_copy)
    add_manual_target(wh, PUBLISHED, 1.0)
    manual.enter(wh, ADMIN, PUBLISHED, periods.month(2024, 10), 415, 415, evidence="Báo cáo 40/BC-STP")
    monkeypatch.setenv("TTHC_DB", str(sample_copy))
    at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=60)
    at.session_state["user"] = ADMIN
    at.session_state["last_seen"] = dt.datetime.now()
    at.session_state["flt_month"] = "2024-10"
    at.run().run()
    no_exceptions(at)
    assert "Chỉ tiêu không có dữ liệu hồ sơ (nhập tay)" in [s.value for s in at.subheader]
    table = next(d.value for d in at.dataframe if "Nguồn" in getattr(d.value, "columns", []))
    row = table.data.iloc[0] if hasattr(table, "data") else table.iloc[0]
    assert list(row)[:4] == ["TTHC được công khai đầy đủ, đúng hạn", "100,0% (415/415)", "≥ 100%", "✔ Đạt"]
    assert row["Nguồn"].startswith("nhập tay: quantri")


def test_an_analyst_enters_a_figure_for_its_unit_on_the_page(wh):
    at = page("manual_kpis", SO_ANALYST)
    at.run()
    no_exceptions(at)
    assert at.title[0].value == "Chỉ tiêu nhập tay"
    at.selectbox(key="manual_kind").set_value("quarter").run()
    at.selectbox(key="manual_year").set_value(2024)
    at.selectbox(key="manual_quarter").set_value(1).run()
    assert at.selectbox(key="manual_unit").options == ["Sở Tư pháp"]  # its own unit only, no province-wide
    at.selectbox(key="manual_indicator").set_value(PUBLISHED)
    at.number_input(key="manual_numerator").set_value(40)
    at.number_input(key="manual_denominator").set_value(41)
    at.text_input(key="manual_evidence").set_value("Báo cáo 12/BC-STP")
    button(at, "Lưu số liệu").click().run()
    no_exceptions(at)
    assert at.success[0].value == "Đã lưu TTHC được công khai đầy đủ, đúng hạn, Quý I/2024: 97,6% (40/41)."
    entry = manual.entries(wh, None)[0]
    assert (entry.unit_id, entry.numerator, entry.denominator, entry.entered_by) == (SO, 40, 41, "so")
    assert audit.read_log(wh, action="manual.enter").iloc[0]["user_name"] == "so"


def test_evidence_is_required_on_the_page(wh):
    at = page("manual_kpis", ADMIN)
    at.run()
    at.number_input(key="manual_numerator").set_value(5)
    button(at, "Lưu số liệu").click().run()
    assert "minh chứng" in at.error[0].value and manual.entries(wh, None) == []


def test_a_leader_may_not_open_the_entry_page(wh):
    at = page("manual_kpis", LEADER)
    at.run()
    assert at.error and not [b for b in at.button if b.label == "Lưu số liệu"]


def test_the_pages_level_and_unit_filters_choose_the_entries_and_fields_do_not(wh):
    from kpi.measures.filters import Filters

    manual.enter(wh, ADMIN, PUBLISHED, Q1, 40, 40, evidence="STP", unit_id=SO)
    manual.enter(wh, ADMIN, PUBLISHED, Q1, 30, 32, evidence="Huyện", unit_id=HUYEN)
    manual.enter(wh, ADMIN, PUBLISHED, Q1, 412, 415, evidence="Toàn tỉnh")

    def shown(filters):
        fig = next(f for f in manual.figures(wh, Q1, None, filters) if f.key == PUBLISHED)
        return fig.numerator, fig.denominator

    assert shown(None) == (412, 415)                                  # the province's own figure
    assert shown(Filters(fields=("Hộ tịch",))) == (412, 415)           # fields do not apply
    assert shown(Filters(level="province")) == (40, 40)               # the Sở only: the province figure is no level's
    assert shown(Filters(level="district")) == (30, 32)
    assert shown(Filters(unit_ids=(SO, HUYEN))) == (70, 72)
    assert shown(Filters(level="commune")) == (None, None)            # nothing entered there: no data, never 0

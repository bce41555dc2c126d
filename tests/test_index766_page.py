"""The 'Chỉ số 766' page through AppTest on the sample (simulated), then with portal scores imported."""
from __future__ import annotations

import json
from pathlib import Path

from etl.load import load_file
from kpi.measures import index766
from kpi.measures.filters import Filters
from kpi.text import index766 as index766_text
from kpi.text import vi
from kpi.warehouse.db import Warehouse
from tests.test_pages import PERIOD, figures, make_app, metric, no_exception

ROOT = Path(__file__).resolve().parent.parent


def _province_report(db):
    return index766.compute(Warehouse(db), PERIOD, Filters())


def test_page_shows_the_simulated_score_partial_and_labelled(monkeypatch, sample_db):
    at = make_app(monkeypatch, sample_db, page="index766")
    no_exception(at)
    assert at.title[0].value == index766_text.TITLE
    province = _province_report(sample_db).province
    assert metric(at, index766_text.TOTAL_TILE).value == index766_text.total_line(province.total, province.max_covered, True)
    assert "điểm có dữ liệu" in metric(at, index766_text.TOTAL_TILE).value
    assert index766_text.SOURCE_LABELS["simulated"] in [c.value for c in at.caption]
    bullets = next(f for f in figures(at) if f["data"][0].get("orientation") == "h")  # the bullet bars
    texts = bullets["data"][1]["text"]
    assert vi.NO_DATA in texts  # CKMB, TTTT without data: said, never 0
    tdgq = province.groups["TDGQ"].score
    assert f"{index766_text.score(tdgq)} / 20" in texts
    headings = [h.value for h in at.subheader]
    assert {index766_text.GAINS_HEADING, index766_text.RANKING_HEADING, index766_text.LOSING_HEADING} <= set(headings)
    assert index766_text.RECONCILE_HEADING not in headings  # nothing published yet
    levers = "\n".join(m.value for m in at.markdown)
    assert "Nếu 5 đơn vị này" in levers and "Tiến độ giải quyết (TDGQ) +" in levers


def test_a_lever_opens_the_dossiers_behind_it(monkeypatch, sample_db):
    at = make_app(monkeypatch, sample_db, page="index766")
    button = next(b for b in at.button if b.key == "ix_gain_go")
    button.click().run()
    no_exception(at)
    assert at.title[0].value == vi.PAGE_TITLES["drilldown"]
    assert at.session_state["drill"]["set"] in ("resolved_overdue", "in_progress_overdue", "not_digitized",
                                                "no_e_result")


def test_published_scores_win_and_are_reconciled(monkeypatch, sample_copy, tmp_path):
    wh = Warehouse(sample_copy)
    ours = _province_report(sample_copy).province
    on_time = next(s for s in ours.groups["TDGQ"].subs if s.key == "ON_TIME")
    total = {"code": "OK", "data": {"overview": {"departmentName": "UBND tỉnh", "departmentCode": "H75",
                                                "totalScore": 77.4, "totalMaxScore": 100}, "evaluation": []}}
    progress = {"code": "OK", "data": {"parent": {
        "departmentName": "UBND tỉnh", "departmentCode": "H75", "totalReceived": int(on_time.denominator * 2),
        "totalOnTime": int(on_time.numerator), "ratio": 45.0, "totalScore": 9.0, "totalMaxScore": 20}, "children": []}}
    for name, payload in (("chi-so-766-thang-10-2024.json", total), ("tien-do-thang-10-2024.json", progress)):
        path = tmp_path / name
        path.write_text(json.dumps(payload), encoding="utf-8")
        assert load_file(wh, path).status == "loaded"
    at = make_app(monkeypatch, sample_copy, page="index766")
    no_exception(at)
    assert metric(at, index766_text.TOTAL_TILE).value == "77,4 / 100 điểm"
    assert index766_text.SOURCE_LABELS["portal"] in [c.value for c in at.caption]
    assert index766_text.RECONCILE_HEADING in [h.value for h in at.subheader]
    table = next(d.value for d in at.dataframe if index766_text.COLUMNS["reason"] in d.value.columns)
    row = table.iloc[0]
    assert row[index766_text.COLUMNS["group"]] == "Tiến độ giải quyết" and row[index766_text.COLUMNS["published"]] == "9,00"
    assert row[index766_text.COLUMNS["ours"]] == index766_text.score(ours.groups["TDGQ"].score, 2)
    assert row[index766_text.COLUMNS["reason"]].startswith("Mẫu số khác: Cổng tính trên " + vi.num(int(on_time.denominator * 2)))


def test_admin_enters_a_publication_figure_and_the_province_gets_ckmb(monkeypatch, sample_copy):
    at = make_app(monkeypatch, sample_copy, page="index766")
    at.selectbox(key="ix_entry_metric").set_value("PUBLISH_ON_TIME")
    at.number_input(key="ix_entry_num").set_value(40)
    at.number_input(key="ix_entry_den").set_value(80)
    next(b for b in at.button if b.label == index766_text.ENTRY_SAVE).click().run()
    no_exception(at)
    assert any("40 / 80" in s.value for s in at.success)
    province = _province_report(sample_copy).province
    assert province.groups["CKMB"].score == 3.0 and province.groups["CKMB"].source == "manual"
    at.run()
    table = next(d.value for d in at.dataframe if index766_text.COLUMNS["inputs"] in d.value.columns)
    ckmb = table[table[index766_text.COLUMNS["group"]] == "Công khai, minh bạch"].iloc[0]
    assert ckmb[index766_text.COLUMNS["score"]] == "3,0 / 6 điểm có dữ liệu (tối đa 18)"
    assert ckmb[index766_text.COLUMNS["source"]] == index766_text.SOURCE_LABELS["manual"]
    log = Warehouse(sample_copy).query("SELECT user_name, target FROM audit_log WHERE action = 'index_entry'")
    assert log == [("kiem-thu", "PUBLISH_ON_TIME")]


def test_a_leader_sees_no_entry_form(monkeypatch, sample_db):
    at = make_app(monkeypatch, sample_db, role="leader", page="index766")
    no_exception(at)
    assert not [b for b in at.button if b.label == index766_text.ENTRY_SAVE]

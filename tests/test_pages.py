"""Every dashboard page through Streamlit's AppTest, on the sample and on an empty warehouse.

The user is injected into the session (``ui.auth`` contract); the warehouse is the
session's ``sample_db`` through TTHC_DB.
"""
from __future__ import annotations

import datetime as dt
import json
import subprocess
import sys
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from kpi.measures import metrics, periods, precount, targets
from kpi.measures import status as target_status
from kpi.text import vi
from kpi.access.permissions import User
from kpi.warehouse.db import Warehouse
from kpi.measures.filters import Filters

ROOT = Path(__file__).resolve().parent.parent
KPI_PAGES = ("overview", "on_time", "digitization", "online", "satisfaction", "pakn", "unit", "drilldown")
PERIOD = periods.month(2024, 10)  # a fixed month inside the sample's range
MONTH = "2024-10"


def make_app(monkeypatch, db: Path, role: str = "admin", month: str | None = MONTH, page: str | None = None,
             **state) -> AppTest:
    monkeypatch.setenv("TTHC_DB", str(db))
    at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=60)
    at.session_state["user"] = User("kiem-thu", role)
    at.session_state["last_seen"] = dt.datetime.now()
    if month:
        at.session_state["flt_month"] = month
    for key, value in state.items():
        at.session_state[key] = value
    # The first run has no page hash yet, so widget ids change once: run twice before interacting.
    at.run().run()
    if page and page != "overview":
        at.switch_page(f"pages/{page}.py").run()
    return at


def no_exception(at: AppTest) -> None:
    assert not at.exception, [e.message for e in at.exception]


def metric(at: AppTest, label: str):
    found = [m for m in at.metric if m.label == label]
    assert found, f"no metric {label!r}: {[m.label for m in at.metric]}"
    return found[0]


def figures(at: AppTest) -> list[dict]:
    return [json.loads(e.proto.spec) for e in at.get("plotly_chart")]


def target_shapes(at: AppTest, kpi: str) -> list[dict]:
    out = []
    for fig in figures(at):
        for shape in fig.get("layout", {}).get("shapes", []):
            if str(shape.get("name", "")).startswith(f"target:{kpi}:"):
                out.append(shape)
    return out


# -- renders -----------------------------------------------------------------------------
@pytest.mark.parametrize("page", KPI_PAGES)
def test_page_renders_on_sample(monkeypatch, sample_db, page):
    at = make_app(monkeypatch, sample_db, page=page)
    no_exception(at)
    assert at.title, "page has a title"
    if page not in ("overview", "drilldown"):
        assert at.get("plotly_chart"), "a KPI page draws charts"
    captions = " ".join(c.value for c in at.caption)
    assert "Dữ liệu đến ngày" in captions or page == "drilldown"


@pytest.mark.parametrize("page", KPI_PAGES)
def test_page_renders_on_empty(monkeypatch, empty_db, page):
    at = make_app(monkeypatch, empty_db, month=None, page=page)
    no_exception(at)
    assert at.title[0].value == vi.EMPTY_TITLE
    assert "python -m etl sample" in at.info[0].value


def test_page_file_runs_alone(monkeypatch, sample_db):
    monkeypatch.setenv("TTHC_DB", str(sample_db))
    at = AppTest.from_file(str(ROOT / "pages" / "on_time.py"), default_timeout=60)
    at.session_state["user"] = User("kiem-thu", "leader")
    at.session_state["last_seen"] = dt.datetime.now()
    at.session_state["flt_month"] = MONTH
    at.run()
    no_exception(at)
    assert metric(at, vi.KPI_LABELS["on_time_rate"]).value


def test_default_period_is_latest_full_month(monkeypatch, sample_db):
    at = make_app(monkeypatch, sample_db, month=None)
    no_exception(at)
    first, last = metrics.data_range(Warehouse(sample_db))
    assert at.selectbox(key="flt_month").value == f"{periods.default_month(first, last).start:%Y-%m}"


def test_navigation_by_role(monkeypatch, sample_db):
    leader = make_app(monkeypatch, sample_db, role="leader")
    admin = make_app(monkeypatch, sample_db, role="admin")
    no_exception(leader)
    from ui import text_auth

    try:
        leader.switch_page("pages/admin_users.py").run()
    except ValueError:
        pass  # not even registered for a leader
    assert text_auth.USERS_TITLE not in [t.value for t in leader.title]
    admin.switch_page("pages/admin_users.py").run()
    no_exception(admin)
    assert text_auth.USERS_TITLE in [t.value for t in admin.title]


# -- numbers ------------------------------------------------------------------------------
def test_overview_tiles_equal_engine(monkeypatch, sample_db):
    at = make_app(monkeypatch, sample_db)
    no_exception(at)
    row = metrics.kpi_table(Warehouse(sample_db), PERIOD).iloc[0]
    for kpi in metrics.PLAN_KPIS:
        assert metric(at, vi.KPI_LABELS[kpi]).value == vi.pct(row[kpi]), kpi
    captions = [c.value for c in at.caption]
    assert vi.counts_phrase("on_time_rate", int(row["on_time_rate__num"]), int(row["on_time_rate__den"])) in captions


def test_overview_matches_kpi_summary_cli(monkeypatch, sample_db):
    """The tiles and their counts equal `python -m kpi summary` for the same month, to the last dossier."""
    out = subprocess.run([sys.executable, "-m", "kpi", "summary", "--db", str(sample_db), "--from", str(PERIOD.start),
                          "--to", str(PERIOD.end), "--json"], cwd=ROOT, capture_output=True, text=True, check=True)
    total = json.loads(out.stdout)["total"]
    at = make_app(monkeypatch, sample_db)
    for kpi in metrics.SUMMARY_RATES:
        assert metric(at, vi.KPI_LABELS[kpi]).value == vi.pct(total[kpi]), kpi
    captions = [c.value for c in at.caption]
    in_time = total["resolved_early"] + total["resolved_on_time"]
    assert vi.counts_phrase("on_time_rate", in_time, total["resolved"]) in captions
    on_time = make_app(monkeypatch, sample_db, page="on_time")
    assert metric(on_time, vi.DRILL_SET_LABELS["resolved_overdue"]).value == vi.num(total["resolved_overdue"])
    assert metric(on_time, vi.COUNT_LABELS["in_progress_overdue"]).value == vi.num(total["in_progress_overdue"])


def test_gap_sentence_and_target(monkeypatch, sample_db):
    wh = Warehouse(sample_db)
    row = metrics.kpi_table(wh, PERIOD).iloc[0]
    target = targets.pick(targets.targets_for_year(wh, 2024), "on_time_rate")
    at = make_app(monkeypatch, sample_db)
    texts = " ".join(m.value for m in at.markdown)
    assert vi.target_phrase(target.threshold) in texts
    if target.assess(row["on_time_rate"]) == targets.NOT_MET:
        gap = targets.gap_count(int(row["on_time_rate__num"]), int(row["on_time_rate__den"]), target.threshold)
        assert vi.gap_phrase("on_time_rate", gap, target.threshold) in texts
    else:
        assert target_status.badge(target_status.MET) in texts


def test_changing_a_filter_changes_the_numbers(monkeypatch, sample_db):
    at = make_app(monkeypatch, sample_db)
    before = metric(at, vi.KPI_LABELS["digitization_rate"]).value
    at.selectbox(key="flt_level").select("commune").run()
    no_exception(at)
    after = metric(at, vi.KPI_LABELS["digitization_rate"]).value
    commune = metrics.kpi_table(Warehouse(sample_db), PERIOD, Filters(level="commune")).iloc[0]
    assert after == vi.pct(commune["digitization_rate"]) != before
    # The period picker too; and the choice survives a page change.
    at.selectbox(key="flt_month").select("2024-09").run()
    september = metrics.kpi_table(Warehouse(sample_db), periods.month(2024, 9), Filters(level="commune")).iloc[0]
    assert metric(at, vi.KPI_LABELS["on_time_rate"]).value == vi.pct(september["on_time_rate"])
    at.switch_page("pages/on_time.py").run()
    assert at.selectbox(key="flt_level").value == "commune"
    assert metric(at, vi.KPI_LABELS["on_time_rate"]).value == vi.pct(september["on_time_rate"])


def test_quarter_and_year_periods(monkeypatch, sample_db):
    at = make_app(monkeypatch, sample_db)
    at.segmented_control(key="flt_kind").set_value("quarter").run()
    no_exception(at)
    quarter = metrics.kpi_table(Warehouse(sample_db), periods.quarter(2024, 4)).iloc[0]
    assert at.selectbox(key="flt_quarter").value == "2024-Q4"
    assert metric(at, vi.KPI_LABELS["on_time_rate"]).value == vi.pct(quarter["on_time_rate"])
    at.segmented_control(key="flt_kind").set_value("year").run()
    no_exception(at)
    year = metrics.kpi_table(Warehouse(sample_db), periods.year(2024)).iloc[0]
    assert metric(at, vi.KPI_LABELS["on_time_rate"]).value == vi.pct(year["on_time_rate"])


def test_numbers_refresh_when_a_load_commits(monkeypatch, sample_copy):
    at = make_app(monkeypatch, sample_copy)
    before = metric(at, vi.KPI_LABELS["on_time_rate"]).value
    wh = Warehouse(sample_copy)
    with wh.write() as con:  # a load that makes every October dossier overdue
        con.execute("UPDATE dossiers SET finished_date = due_date + 3 WHERE finished_date BETWEEN ? AND ?",
                    [PERIOD.start, PERIOD.end - dt.timedelta(days=3)])
        precount.rebuild(con)  # a write outside the ETL keeps the pre-aggregated counts itself
    at.run()
    after = metric(at, vi.KPI_LABELS["on_time_rate"]).value
    assert after != before
    assert after == vi.pct(metrics.kpi_table(wh, PERIOD).iloc[0]["on_time_rate"])


# -- charts ------------------------------------------------------------------------------
@pytest.mark.parametrize("page,kpi,level,expected", [
    ("on_time", "on_time_rate", "all", 0.97),
    ("digitization", "digitization_rate", "district", 0.40),
    ("digitization", "e_result_rate", "province", 0.80),
    ("satisfaction", "satisfaction_rate", "all", 0.94),
    ("pakn", "pakn_on_time_rate", "all", 0.97),
    ("pakn", "pakn_satisfaction_rate", "all", 0.93),
    ("unit", "on_time_rate", "all", 0.97),
])
def test_chart_carries_the_threshold_line(monkeypatch, sample_db, page, kpi, level, expected):
    at = make_app(monkeypatch, sample_db, page=page)
    no_exception(at)
    shapes = [s for s in target_shapes(at, kpi) if s["name"] == f"target:{kpi}:{level}"]
    assert shapes, [s.get("name") for f in figures(at) for s in f["layout"].get("shapes", [])]
    assert any(abs((s["y0"] if s.get("yref") == "y" else s["x0"]) - expected) < 1e-9 for s in shapes)
    texts = [a.get("text", "") for f in figures(at) for a in f["layout"].get("annotations", [])]
    assert any(t.startswith(f"Chỉ tiêu {vi.pct(expected, 0)} – KH 170/KH-VP") for t in texts)


def test_charts_use_vietnamese_numbers_and_two_level_switch(monkeypatch, sample_db):
    at = make_app(monkeypatch, sample_db, page="digitization", flt_kind="year", flt_year="2025")
    no_exception(at)
    figs = figures(at)
    assert all(f["layout"]["separators"] == ",." for f in figs)
    trend = [f for f in figs if any(s.get("name") == "two_level_switch" for s in f["layout"].get("shapes", []))]
    assert trend, "a 2025 trend marks the switch to two levels"
    names = [t.get("name") for f in trend for t in f["data"]]  # in the legend, never over the points
    assert vi.TWO_LEVEL_SWITCH in names
    for fig in trend:
        for trace in fig["data"]:
            if trace.get("name") == vi.LEVEL_LABELS["district"]:
                assert max(trace["x"]) < "2025-07-01", "no district series after 30/06/2025"
        assert fig["layout"]["xaxis"]["tickformat"] == "T%m/%Y"


def test_ranking_is_sorted_and_marks_units_below_target(monkeypatch, sample_db):
    at = make_app(monkeypatch, sample_db, page="on_time")
    ranking = [f for f in figures(at) if f["data"] and f["data"][0].get("orientation") == "h"][0]
    bars = ranking["data"][0]
    below = [x < 0.97 for x in bars["x"]]
    assert [t.startswith("✘") for t in bars["text"]] == below
    # Impact first (issue 17): units below target by the dossiers they miss, then the rest by rate.
    n_below = sum(below)
    assert below == [True] * n_below + [False] * (len(below) - n_below)
    gaps = [int(t.rsplit("thiếu ", 1)[1].replace(".", "")) for t in bars["text"][:n_below]]
    assert gaps == sorted(gaps, reverse=True)
    assert bars["x"][n_below:] == sorted(bars["x"][n_below:])


# -- drill-down --------------------------------------------------------------------------
def test_ranking_button_opens_the_overdue_dossiers(monkeypatch, sample_db):
    at = make_app(monkeypatch, sample_db, page="on_time")
    unit = at.selectbox(key="ot_rank_pick").value
    at.button(key="ot_rank_go").click().run()
    no_exception(at)
    assert at.title[0].value == vi.PAGE_TITLES["drilldown"]
    assert at.query_params.get("unit") == unit and at.query_params.get("set") == "resolved_overdue"
    expected = metrics.dossier_list(Warehouse(sample_db), PERIOD, "resolved_overdue", Filters(unit_ids=(unit,)))
    assert at.subheader[0].value.endswith(vi.DRILL_COUNT.format(n=vi.num(len(expected))))
    if len(expected):
        shown = at.dataframe[0].value
        assert list(shown[vi.DOSSIER_COLUMNS["code"]])[:5] == list(expected["code"])[:5]


def test_overview_worst_units_link_to_dossiers(monkeypatch, sample_db):
    at = make_app(monkeypatch, sample_db)
    buttons = [b for b in at.button if str(b.key).startswith("worst_")]
    if not buttons:
        pytest.skip("every unit meets the on-time target in this month")
    unit = buttons[0].key.removeprefix("worst_")
    buttons[0].click().run()
    no_exception(at)
    assert at.query_params.get("unit") == unit and at.query_params.get("month") == MONTH


def test_drilldown_filters_and_excel(monkeypatch, sample_db):
    monkeypatch.setenv("TTHC_DB", str(sample_db))
    at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=60)
    at.session_state["user"] = User("kiem-thu", "leader")
    at.session_state["last_seen"] = dt.datetime.now()
    at.query_params = {"set": "received", "month": MONTH}
    at.run()
    at.switch_page("pages/drilldown.py")
    at.query_params = {"set": "received", "month": MONTH}
    at.run()
    no_exception(at)
    received = metrics.dossier_list(Warehouse(sample_db), PERIOD, "received")
    assert at.subheader[0].value.endswith(vi.DRILL_COUNT.format(n=vi.num(len(received))))
    at.multiselect(key="dd_channel").select("online").run()
    online = received[received["channel"] == "online"]
    assert at.subheader[0].value.endswith(vi.DRILL_COUNT.format(n=vi.num(len(online))))
    assert at.get("download_button")


def test_excel_never_turns_text_into_formulas(tmp_path):
    import openpyxl
    import pandas as pd

    from kpi.reports.drill_export import dossiers_xlsx

    frame = pd.DataFrame([{"code": "=1+1", "unit": "Sở Tư pháp", "field": "@cmd", "procedure": "=HYPERLINK(\"x\")",
                           "received_at": pd.Timestamp("2024-10-01 08:00"), "due_at": None,
                           "finished_at": pd.Timestamp("2024-10-05 10:00"), "days_late": None, "channel": "online"}])
    path = tmp_path / "x.xlsx"
    path.write_bytes(dossiers_xlsx(frame))
    sheet = openpyxl.load_workbook(path).active
    assert sheet["A2"].value == "=1+1" and sheet["A2"].data_type == "s"
    assert sheet["D2"].data_type == "s" and sheet["I2"].value == "Trực tuyến"
    assert sheet["A1"].value == vi.DOSSIER_COLUMNS["code"]


def test_unit_page_shows_the_history_of_merged_units(monkeypatch, sample_db):
    """A commune created by the 07/2025 merge shows its predecessors' months under its own name."""
    from kpi.warehouse.db import Warehouse

    wh = Warehouse(sample_db)
    new_id, n_old = wh.query("""
        SELECT successor_id, count(*) FROM units WHERE level = 'commune' AND successor_id IS NOT NULL
        GROUP BY 1 ORDER BY 2 DESC, 1 LIMIT 1""")[0]
    at = make_app(monkeypatch, sample_db, month="2025-10", page="unit", flt_unit=new_id)
    no_exception(at)
    captions = " ".join(c.value for c in at.caption)
    assert "đã sáp nhập hoặc đổi tên vào đơn vị này" in captions and n_old >= 2
    table = next(m.value for m in at.markdown if "T06/2025" in m.value or "06/2025" in m.value)
    assert "T06/2025" in table or "06/2025" in table   # a month before the reform, from the predecessors


def test_overview_names_the_plan_year_applied_until_confirmed(monkeypatch, sample_copy):
    note = "Chỉ tiêu năm 2024 áp dụng cho 2025"
    at = make_app(monkeypatch, sample_copy, month="2025-10")
    no_exception(at)
    assert note in [c.value for c in at.caption]
    at2 = make_app(monkeypatch, sample_copy, month="2024-10")  # 2024 has its own targets: nothing to say
    assert not [c.value for c in at2.caption if c.value.startswith("Chỉ tiêu năm")]
    targets.confirm_year(Warehouse(sample_copy), 2025, user="quantri")
    at.run()
    no_exception(at)
    assert note not in [c.value for c in at.caption]

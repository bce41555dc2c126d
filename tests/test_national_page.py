"""The Toàn quốc page (AppTest): listed only when a lake is configured, provinces ranked on each KPI."""
from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from kpi.access.permissions import User
from kpi.measures.filters import Scope
from tests.lake_support import small_lake

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture()
def lake(tmp_path):
    return small_lake(tmp_path)


def make_app(monkeypatch, db, lake_dir=None, user=None, runs: int = 2) -> AppTest:
    """dashboard.py as ``user`` in March 2024; the menu is read after the first run (it is drawn in the
    sidebar on that run), pages are switched to after the second (widget ids settle on it)."""
    monkeypatch.setenv("TTHC_DB", str(db))
    if lake_dir:
        monkeypatch.setenv("TTHC_LAKE", str(lake_dir))
    else:
        monkeypatch.delenv("TTHC_LAKE", raising=False)
    at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=90)
    at.session_state["user"] = user or User("lanh-dao", "leader")
    at.session_state["last_seen"] = dt.datetime.now()
    at.session_state["flt_month"] = "2024-03"
    for _ in range(runs):
        at.run()
    return at


def _links(at) -> list[str]:
    links = [p.proto.label for p in at.get("page_link")]
    assert "Tổng quan" in links, "the menu was drawn"
    return links


def _table(at, index: int = 0):
    return at.dataframe[index].value


def test_menu_lists_the_national_page_only_with_a_lake(monkeypatch, lake):
    lake_dir, whs = lake
    assert "Toàn quốc" not in _links(make_app(monkeypatch, whs["75"].path, runs=1))
    assert "Toàn quốc" in _links(make_app(monkeypatch, whs["75"].path, lake_dir, runs=1))
    # A user scoped to some units does not see other provinces' aggregates (setting scoped_sees_province).
    scoped = User("chuyen-vien", "analyst", Scope(kind="units", unit_ids=("so-tu-phap",)))
    assert "Toàn quốc" not in _links(make_app(monkeypatch, whs["75"].path, lake_dir, scoped, runs=1))


def test_page_ranks_provinces_and_shows_national_rates(monkeypatch, lake):
    lake_dir, whs = lake
    at = make_app(monkeypatch, whs["75"].path, lake_dir)
    at.switch_page("pages/national.py").run()
    assert not at.exception, [e.message for e in at.exception]
    assert at.title[0].value == "Toàn quốc: xếp hạng các tỉnh theo từng chỉ tiêu"
    # National on time: 2 in time of 5 resolved (not the average of 66,7% and 0%).
    on_time = next(m for m in at.metric if m.label == "Giải quyết đúng hạn (TT 01)")
    assert on_time.value == "40,0%"
    ranking = _table(at)
    assert list(ranking["Tỉnh, thành phố"]) == ["Đồng Nai (75)", "Hà Nội (01)"]
    assert list(ranking["Tỷ lệ"]) == ["66,7%", "0,0%"]
    assert list(ranking["Chỉ tiêu của tỉnh"]) == ["≥ 97%", "≥ 97%"]
    assert list(ranking["Số liệu đến ngày"]) == ["20/03/2024", "25/03/2024"]
    assert at.get("plotly_chart"), "the ranking is drawn"
    # Online: 01 received 2 of 2 online, 75 1 of 3: Hà Nội comes first.
    at.selectbox(key="national_kpi").select("Nộp trực tuyến").run()
    assert list(_table(at)["Tỉnh, thành phố"]) == ["Hà Nội (01)", "Đồng Nai (75)"]
    assert list(_table(at)["Tỷ lệ"]) == ["100,0%", "33,3%"]
    # Every KPI of every province in one table; 01 has no PAKN: no data, never 0%.
    matrix = _table(at, 1).set_index("Tỉnh, thành phố")
    assert matrix.loc["Hà Nội (01)", "PAKN xử lý đúng hạn"] == "Chưa có dữ liệu"
    # Each province's QĐ 766 index beside its KPIs. Đồng Nai: TDGQ 20 × 2/4 = 10, PAKN on time and
    # satisfied 6 + 6, digitized 1 of 3 resolved 4 × 1/3: 23,3 of the 20 + 12 + 10 points with data
    # (55,6%: Trung bình). Hà Nội: TDGQ 0 and MDSH 0 of 30 points, no PAKN at all: Yếu.
    assert matrix.loc["Đồng Nai (75)", "Chỉ số 766"] == "23,3 / 42 điểm có dữ liệu"
    assert matrix.loc["Hà Nội (01)", "Chỉ số 766"] == "0,0 / 30 điểm có dữ liệu"
    assert list(matrix.loc[["Đồng Nai (75)", "Hà Nội (01)"], "Xếp loại 766"]) == ["Trung bình", "Yếu"]

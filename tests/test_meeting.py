"""pages/meeting.py in a running Streamlit script (AppTest): every slide, navigation, URL parameters, scope."""
from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from kpi.measures import periods
from kpi.reports import slides as slides_mod
from kpi.access.permissions import User
from kpi.measures.filters import Scope
from tests.report_data import build_report_db

ROOT = Path(__file__).resolve().parent.parent
PAGE = ROOT / "pages" / "meeting.py"
TIMEOUT = 60


@pytest.fixture(scope="module")
def db_path(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("meeting") / "meeting.duckdb"
    build_report_db(path)
    return path


@pytest.fixture()
def env(db_path, monkeypatch):
    monkeypatch.setenv("TTHC_DB", str(db_path))
    return db_path


def app(user: User | None = None, **params) -> AppTest:
    at = AppTest.from_file(str(PAGE), default_timeout=TIMEOUT)
    if user is not None:
        at.session_state["user"] = user
        at.session_state["last_seen"] = dt.datetime.now()
    for key, value in params.items():
        at.query_params[key] = value
    return at


LEADER = User(name="lanhdao", role="leader", scope=Scope())


def _html(at: AppTest) -> str:
    return "\n".join(m.value for m in at.markdown)


def test_every_slide_renders_and_next_previous_work(env):
    from kpi.warehouse.db import Warehouse

    expected = slides_mod.build_slides(Warehouse(env), periods.month(2024, 10))
    at = app(LEADER, ky="2024-10").run()
    assert not at.exception
    seen = []
    for i, slide in enumerate(expected):
        page = _html(at)
        assert slide.title in page, slide.title
        assert slide.headline in page and slide.narrative in page
        assert f"Trang {i + 1}/{len(expected)}" in page
        assert at.query_params["slide"] == [str(i + 1)] or at.query_params["slide"] == str(i + 1)
        seen.append(slide.key)
        at = at.button(key="meeting_next").click().run()
        assert not at.exception
    assert seen == ["summary", "level:province", "level:district", "level:commune", "below", "pakn", "forecast",
                    "forecast:2", "hotspots"]
    # Wrapped around to the first slide; previous goes to the last.
    assert expected[0].title in _html(at)
    at = at.button(key="meeting_prev").click().run()
    assert expected[-1].title in _html(at)
    assert len(at.get("plotly_chart")) == 1


def test_url_sets_period_level_and_slide(env):
    from kpi.warehouse.db import Warehouse

    expected = slides_mod.build_slides(Warehouse(env), periods.month(2024, 9), level="district")
    at = app(LEADER, trinhchieu="1", ky="2024-09", cap="district", slide="2").run()
    assert not at.exception
    page = _html(at)
    assert expected[1].title in page and expected[1].narrative in page
    assert "tháng 09/2024" in expected[1].narrative or "Tháng 09/2024" in expected[1].subtitle
    assert f"Trang 2/{len(expected)}" in page
    # Only the district level: summary, below target, PAKN, the year-end forecast, hot spots.
    assert [s.key for s in expected] == ["summary", "below", "pakn", "forecast", "hotspots"]
    assert "cấp huyện" in expected[0].narrative


def test_level_scoped_user_cannot_widen_by_url(env):
    from kpi.warehouse.db import Warehouse

    commune_user = User(name="xa", role="leader", scope=Scope(kind="level", level="commune"))
    at = app(commune_user, ky="2024-10", cap="province").run()
    assert not at.exception
    expected = slides_mod.build_slides(Warehouse(env), periods.month(2024, 10), Scope(kind="level", level="commune"))
    assert expected[0].narrative in _html(at)
    assert "cấp xã" in expected[0].narrative


def test_bad_params_fall_back_to_latest_month(env):
    at = app(LEADER, ky="bogus", slide="x", cap="nowhere").run()
    assert not at.exception
    assert "Tháng 10/2024" in _html(at)
    assert "Trang 1/" in _html(at)


def test_options_change_the_url(env):
    at = app(LEADER, ky="2024-10").run()
    at.selectbox(key="meeting_opt_ky").set_value("2024-09").run()
    assert not at.exception
    assert at.query_params["ky"] in ("2024-09", ["2024-09"])
    assert "Tháng 09/2024" in _html(at)


def test_no_user_no_slides(env):
    at = app(None, ky="2024-10").run()
    assert "Trang 1/" not in _html(at)


def test_new_data_refreshes_the_numbers(db_path, tmp_path, monkeypatch):
    import shutil

    from tests.factories import add_dossiers, dossier

    path = tmp_path / "live.duckdb"
    shutil.copy(db_path, path)
    monkeypatch.setenv("TTHC_DB", str(path))
    at = app(LEADER, ky="2024-10").run()
    before = _html(at)
    from kpi.warehouse.db import Warehouse

    wh = Warehouse(path)
    version = wh.data_version()
    add_dossiers(wh, [dossier(f"MOI-{i}", received="02/10/2024 08:00", due="10/10/2024", finished="20/10/2024")
                      for i in range(30)])  # 30 overdue: the on-time rate drops
    assert wh.data_version() > version
    at.run()
    after = _html(at)
    expected = slides_mod.build_slides(wh, periods.month(2024, 10))[0]
    assert expected.narrative in after and expected.narrative not in before


def test_pack_button_builds_a_pdf_for_download(env):
    """The 'one button' of the meeting pack: the PDF of the same slides, audited as an export."""
    from kpi.warehouse import audit
    from kpi.warehouse.db import Warehouse

    at = app(LEADER, ky="2024-10").run()
    button = next(b for b in at.button if b.key == "meeting_make_pack")
    at = button.click().run(timeout=180)
    assert not at.exception
    downloads = at.get("download_button")
    assert len(downloads) == 1
    assert downloads[0].proto.label == "Tải tài liệu giao ban (PDF)"
    log = audit.read_log(Warehouse(env), action="pack")
    assert len(log) >= 1 and log.iloc[0]["target"] == "Tháng 10/2024"


def test_data_range_is_read_through_the_shared_cache(env, monkeypatch):
    """The fragment reruns every 15 s: the data range comes from ui.cache, one query per data version."""
    from kpi.measures import metrics

    calls = []
    real = metrics.data_range
    monkeypatch.setattr(metrics, "data_range", lambda wh: calls.append(1) or real(wh))
    at = app(LEADER, ky="2024-10").run()
    after_first_run = len(calls)
    at = at.button(key="meeting_next").click().run()
    at.run()
    assert not at.exception
    assert after_first_run <= 1 and len(calls) == after_first_run


def test_pages_keep_no_cache_and_no_fallbacks_of_their_own():
    """Pages read through ui.cache; modules that exist are imported, not guarded (issue 13)."""
    sources = {path: path.read_text() for path in [*ROOT.glob("pages/*.py"), ROOT / "dashboard.py", ROOT / "etl" / "sample.py"]}
    assert [p.name for p, text in sources.items() if "cache_data" in text or "cache_resource" in text] == []
    assert [p.name for p, text in sources.items() if "ImportError" in text or "find_spec" in text] == []

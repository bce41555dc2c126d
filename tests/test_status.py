"""One module for target status and its colours (kpi.measures.status): every surface takes the
colour of a status from there. Each test repaints one status with a colour no palette has and
finds that colour on the surface: tiles' badges, the levels × KPIs matrix, the ranking chart,
the slide charts, the meeting page's headline and the PDF pack's headline."""
from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from types import SimpleNamespace

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from kpi.access.permissions import User
from kpi.measures import periods, status, targets, verdict
from kpi.measures.status import ABOLISHED, FEW, INFO, MET, NO_DATA, NO_TARGET, NOT_MET
from kpi.reports import pack, slide_charts, slides as slides_mod
from kpi.warehouse.db import Warehouse

ROOT = Path(__file__).resolve().parent.parent
SENTINEL = "#123456"
OKABE_ITO_AND_GREY = {"#000000", "#E69F00", "#56B4E9", "#009E73", "#F0E442", "#0072B2", "#D55E00", "#CC79A7",
                      "#999999"}


def test_one_colour_per_status_colour_blind_safe():
    assert (status.COLORS[MET], status.COLORS[NOT_MET]) == ("#009E73", "#D55E00")  # green, vermillion
    assert set(status.COLORS.values()) <= OKABE_ITO_AND_GREY
    assert status.COLORS[NO_DATA] == status.COLORS[FEW] == status.COLORS[ABOLISHED] == "#999999"
    assert status.COLORS[INFO] == status.COLORS[NO_TARGET] == "#0072B2"
    assert len({status.COLORS[MET], status.COLORS[NOT_MET], status.COLORS[NO_DATA], status.COLORS[NO_TARGET]}) == 4
    # The old names are the same objects, not copies.
    assert verdict.STATUS_COLORS is status.COLORS and slide_charts.STATUS_COLORS is status.COLORS
    assert verdict.STATUS_FILLS is status.FILLS


def test_assess_and_roll_up():
    assert status.assess(0.97, 0.97) == MET and status.assess(0.9699, 0.97) == NOT_MET
    assert status.assess(0.05, 0.05, "<=") == MET and status.assess(0.051, 0.05, "<=") == NOT_MET
    assert status.assess(None, 0.97) == NO_DATA and status.assess(float("nan"), 0.97) == NO_DATA
    assert targets.assess is status.assess and verdict.combine is status.combine
    assert status.combine([MET, NOT_MET, FEW]) == NOT_MET
    assert status.combine([MET, FEW, NO_DATA]) == MET
    assert status.combine([FEW, NO_DATA]) == FEW
    assert status.combine([NO_DATA, ABOLISHED]) == NO_DATA
    assert status.combine([]) == NO_TARGET


def test_badges_and_text_colours():
    assert status.badge(MET) == ":green-badge[✔ Đạt]"
    assert status.badge(NOT_MET) == ":orange-badge[✘ Chưa đạt]"
    assert status.badge(FEW) == ":gray-badge[Ít hồ sơ, không kết luận]"
    assert status.badge(NO_TARGET) == ""
    assert status.text_color(INFO) == status.text_color(NO_TARGET) == status.INK == "#1a1a1a"
    assert status.rgb("#009E73") == (0, 158, 115)


def test_pdf_headline_takes_the_status_colour(monkeypatch):
    monkeypatch.setitem(status.COLORS, NOT_MET, SENTINEL)
    assert pack.headline_rgb(NOT_MET) == (0x12, 0x34, 0x56)
    assert pack.headline_rgb(INFO) == (26, 26, 26)


def test_slide_chart_bars_take_the_status_colour(monkeypatch):
    monkeypatch.setitem(status.COLORS, MET, SENTINEL)
    spec = {"type": "rates", "items": [
        {"label": "A", "value": 0.98, "threshold": 0.97, "direction": ">=", "status": MET},
        {"label": "B", "value": 0.50, "threshold": 0.97, "direction": ">=", "status": NOT_MET},
        {"label": "C", "value": 0.40, "threshold": None, "direction": ">=", "status": INFO}]}
    fig = slide_charts.figure(spec)
    # Items are drawn bottom-up: C, B, A.
    assert list(fig.data[0].marker.color) == [status.COLORS[INFO], status.COLORS[NOT_MET], SENTINEL]
    assert SENTINEL in fig.layout.annotations[0].text  # the key under the chart


def test_ranking_chart_bars_take_the_status_colour(monkeypatch):
    from ui import charts

    monkeypatch.setitem(status.COLORS, NOT_MET, SENTINEL)
    target = targets.Target("on_time_rate", 0.97, ">=", None, None, "KH", 2024, 2024)
    rows = pd.DataFrame({"name": ["Xã A", "Xã B"], "on_time_rate": [0.90, 0.99], "on_time_rate__num": [90, 99],
                         "on_time_rate__den": [100, 100], "target": [target, target], "status": [NOT_MET, MET],
                         "gap": [7, None]})
    fig = charts.ranking(rows, "on_time_rate")
    assert list(fig.data[0].marker.color) == [SENTINEL, status.COLORS[MET]]


def test_matrix_cells_take_the_status_fill(monkeypatch):
    from ui import widgets

    monkeypatch.setitem(status.FILLS, MET, SENTINEL)
    period = periods.month(2024, 10)
    target = targets.Target("on_time_rate", 0.97, ">=", None, None, "KH", 2024, 2024)
    by_level = pd.DataFrame([{"level": "province", "on_time_rate": 0.99, "on_time_rate__num": 99,
                              "on_time_rate__den": 100}])
    judged = verdict.judge(period, by_level, [target], ("on_time_rate",))
    html = widgets.level_matrix(SimpleNamespace(period=period), judged, ("on_time_rate",))
    assert f"<td class='kpi-met' style='background:{SENTINEL}'>" in html


def test_meeting_headline_takes_the_status_colour(monkeypatch, sample_db):
    period = periods.month(2024, 10)
    first = slides_mod.build_slides(Warehouse(sample_db), period)[0]
    assert first.status in (MET, NOT_MET)
    monkeypatch.setitem(status.COLORS, first.status, SENTINEL)
    monkeypatch.setenv("TTHC_DB", str(sample_db))
    at = AppTest.from_file(str(ROOT / "pages" / "meeting.py"), default_timeout=90)
    at.session_state["user"] = User("lanhdao", "leader")
    at.session_state["last_seen"] = dt.datetime.now()
    for key, value in {"trinhchieu": "1", "ky": "2024-10"}.items():
        at.query_params[key] = value
    at.run()
    assert not at.exception, [e.message for e in at.exception]
    text = " ".join(m.value for m in at.markdown)
    assert f"color:{SENTINEL}'>{first.headline}<" in text


@pytest.mark.parametrize("folder", ["kpi", "ui", "pages"])
def test_no_other_module_defines_a_status_colour(folder):
    """A dict mapping met / not met to a colour exists only in kpi/measures/status.py."""
    pattern = re.compile(r"""(\bMET\b|["']met["']|\bNOT_MET\b|["']not_met["'])\s*:\s*["'](#|:?\w+-badge)""")
    for path in sorted((ROOT / folder).rglob("*.py")):
        if path == ROOT / "kpi" / "measures" / "status.py":
            continue
        assert not pattern.search(path.read_text(encoding="utf-8")), path


def test_the_words_of_a_status_are_in_one_text_module():
    """'Đạt' / 'Chưa đạt' for met / not met: only kpi/text/verdict.py maps a status to its words."""
    pattern = re.compile(r"""(\bMET\b|["']met["']|\bNOT_MET\b|["']not_met["'])\s*:\s*["'](Đạt|Chưa đạt)""")
    for folder in ("kpi", "ui", "pages"):
        for path in sorted((ROOT / folder).rglob("*.py")):
            if path != ROOT / "kpi" / "text" / "verdict.py":
                assert not pattern.search(path.read_text(encoding="utf-8")), path

"""Each KPI says what it is on its own definition: adding one is one entry of ``metrics.KPIS``
plus its words in ``vi.KPI_WORDS``, and every surface that lists KPIs shows it.

The fixture registers a fake KPI, "share of resolved dossiers finished late" (lower is better),
and nothing else; the tests find it on the overview (AppTest), on a meeting slide and in
``kpi summary``. monkeypatch removes it afterwards.
"""
from __future__ import annotations

import json
from dataclasses import dataclass

import pytest

from kpi import __main__ as kpi_cli
from kpi.measures import index766, indicators, metrics, periods, verdict
from kpi.reports import narrative, slides as slides_mod
from kpi.text import index766 as index_text, report as report_text, vi
from kpi.warehouse.db import Warehouse
from tests.test_pages import MONTH, PERIOD, make_app, metric, no_exception

FAKE = "late_share"
FAKE_WORDS = vi.KpiWords("Tỷ lệ giải quyết trễ hạn (thử)", "Trễ hạn (thử)", "Tỷ lệ hồ sơ trễ hạn (thử)",
                         ("hồ sơ trễ hạn", "hồ sơ đã giải quyết"), "Hồ sơ quá hạn / hồ sơ đã giải quyết trong kỳ.")


@pytest.fixture()
def fake_kpi(monkeypatch):
    """One definition and its words: nothing else is registered anywhere."""
    monkeypatch.setitem(metrics.KPIS, FAKE, metrics.KPI(
        key=FAKE, family="dossier", numerator="resolved_overdue", denominator="resolved",
        numerator_count="resolved_overdue", direction="<=", plan_order=9, color="#E69F00"))
    monkeypatch.setitem(vi.KPI_WORDS, FAKE, FAKE_WORDS)
    yield FAKE
    # monkeypatch takes both out after the test (checked by test_fake_kpi_is_gone_afterwards).


def test_lists_and_words_follow_the_definitions(fake_kpi):
    assert metrics.PLAN_KPIS[-1] == FAKE and len(metrics.PLAN_KPIS) == 9
    assert FAKE in metrics.SUMMARY_RATES and FAKE not in metrics.COVERAGE_RATES
    assert FAKE in slides_mod.DOSSIER_RATES and FAKE not in slides_mod.PAKN_RATES
    assert vi.KPI_LABELS[FAKE] == metrics.KPIS[FAKE].label == "Tỷ lệ giải quyết trễ hạn (thử)"
    assert vi.KPI_SHORT[FAKE] == metrics.KPIS[FAKE].short_label == "Trễ hạn (thử)"
    assert report_text.RATE_NAMES[FAKE] == metrics.KPIS[FAKE].report_name == "Tỷ lệ hồ sơ trễ hạn (thử)"
    assert vi.counts_phrase(FAKE, 3, 40) == "3 / 40 hồ sơ đã giải quyết"
    assert not metrics.KPIS[FAKE].higher_is_better


def test_fake_kpi_is_gone_afterwards():
    assert FAKE not in metrics.KPIS and FAKE not in vi.KPI_WORDS and FAKE not in vi.KPI_LABELS
    assert FAKE not in metrics.PLAN_KPIS and FAKE not in metrics.SUMMARY_RATES


def test_the_real_kpis_keep_their_lists():
    """The lists other code relies on, unchanged by reading them from the definitions."""
    assert tuple(metrics.PLAN_KPIS) == ("on_time_rate", "progress_rate_766", "digitization_rate", "e_result_rate",
                                        "online_rate", "satisfaction_rate", "pakn_on_time_rate",
                                        "pakn_satisfaction_rate")
    assert metrics.SUMMARY_RATES == metrics.PLAN_KPIS
    assert slides_mod.DOSSIER_RATES == metrics.PLAN_KPIS[:6]
    assert slides_mod.PAKN_RATES == ("pakn_on_time_rate", "pakn_satisfaction_rate")
    assert metrics.COVERAGE_RATES == ("digitization_rate", "e_result_rate", "online_rate")


def test_every_kpi_has_its_words_and_a_chart_colour_that_is_no_status_colour():
    assert list(vi.KPI_WORDS) == list(metrics.KPIS)
    statuses = {c.upper() for c in verdict.STATUS_COLORS.values()}
    for kpi in metrics.KPIS.values():
        assert isinstance(kpi, indicators.Indicator)
        assert kpi.label and kpi.short_label and kpi.report_name and len(kpi.words.counts) == 2
        assert len(kpi.short_label) <= len(kpi.label)
        assert kpi.direction in indicators.DIRECTIONS and kpi.target_kind in indicators.TARGET_KINDS
        assert kpi.color.upper() in {c.upper() for c in vi.OKABE_ITO} - statuses, kpi.key


@dataclass(frozen=True)
class Plain(indicators.Indicator):
    key: str
    family: str
    maximum: float = 1.0


def test_selection_reads_the_registry_at_each_use():
    registry = {}
    chosen = indicators.Selection(registry, lambda i: i.family == "a", lambda i: -i.maximum)
    assert chosen == () and len(chosen) == 0
    registry["x"] = Plain("x", "a", 1.0)
    registry["y"] = Plain("y", "b")
    registry["z"] = Plain("z", "a", 20.0)
    assert chosen == ("z", "x") and chosen[0] == "z" and chosen[1:] == ("x",) and "y" not in chosen
    assert hash(chosen) == hash(("z", "x")) and chosen + ("w",) == ("z", "x", "w")


def test_a_766_sub_indicator_has_the_shape_of_a_kpi():
    """key, words, family (its group), maximum (its points), direction, target kind, colour."""
    groups = {}
    for sub in index766.SUBS:
        assert isinstance(sub, indicators.Indicator)
        assert sub.label == sub.short_label == sub.report_name == index_text.SUB_LABELS[sub.key]
        assert sub.family == sub.group and sub.target_kind == "points" and sub.higher_is_better
        assert sub.color.upper() in {c.upper() for c in vi.OKABE_ITO}
        assert sub.color not in (verdict.STATUS_COLORS["met"], verdict.STATUS_COLORS["not_met"])
        groups.setdefault(sub.group, set()).add(sub.color)
    assert all(len(colours) == 1 for colours in groups.values())  # one colour per group …
    assert len({next(iter(c)) for c in groups.values()}) == len(index766.GROUPS)  # … and a different one each
    on_time = index766.SUB_BY_KEY["ON_TIME"]
    assert (on_time.family, on_time.maximum, on_time.label) == ("TDGQ", 20, "Tỷ lệ hồ sơ đúng hạn, trong hạn")


def test_fake_kpi_in_kpi_summary(fake_kpi, sample_db, capsys):
    assert kpi_cli.main(["summary", "--db", str(sample_db), "--from", "2024-01-01", "--to", "2024-12-31", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    total = data["total"]
    assert total["resolved"] > 0
    assert total[FAKE] == pytest.approx(total["resolved_overdue"] / total["resolved"], abs=1e-12)
    for values in data["levels"].values():
        expected = values["resolved_overdue"] / values["resolved"] if values["resolved"] else None
        assert values[FAKE] == (pytest.approx(expected, abs=1e-12) if expected is not None else None)
    assert kpi_cli.main(["summary", "--db", str(sample_db), "--from", "2024-01-01", "--to", "2024-12-31"]) == 0
    table = capsys.readouterr().out
    line = next(t for t in table.splitlines() if t.startswith(FAKE_WORDS.label))
    assert vi.pct(total[FAKE]) in line


def test_fake_kpi_on_a_meeting_slide(fake_kpi, sample_db):
    wh = Warehouse(sample_db)
    deck = slides_mod.build_slides(wh, PERIOD)
    row = metrics.kpi_table(wh, PERIOD).iloc[0]
    expected = int(row["resolved_overdue"]) / int(row["resolved"])
    summary = deck[0]
    item = next(i for i in summary.figure["items"] if i["label"] == FAKE_WORDS.label)
    assert item["value"] == pytest.approx(expected, abs=1e-12)
    assert item["status"] == "info"  # no plan target for it: shown, not judged
    rate = next(r for r in summary.data["rates"] if r["key"] == FAKE)
    assert (rate["num"], rate["den"]) == (int(row["resolved_overdue"]), int(row["resolved"]))
    assert narrative.rate_sentence(rate, "tháng 10/2024").startswith("Tỷ lệ hồ sơ trễ hạn (thử) tháng 10/2024 đạt")


def test_fake_kpi_on_the_overview(fake_kpi, monkeypatch, sample_copy):
    # A private copy: the page's cached tables are keyed by the warehouse path, so none predates the fake KPI.
    at = make_app(monkeypatch, sample_copy, month=MONTH)
    no_exception(at)
    row = metrics.kpi_table(Warehouse(sample_copy), periods.month(2024, 10)).iloc[0]
    tile = metric(at, FAKE_WORDS.label)
    assert tile.value == vi.pct(int(row["resolved_overdue"]) / int(row["resolved"]))
    captions = [c.value for c in at.caption]
    assert vi.counts_phrase(FAKE, int(row["resolved_overdue"]), int(row["resolved"])) in captions
    matrix = next(m.value for m in at.markdown if "<table class='kpi-matrix'>" in m.value)
    assert f"<th>{FAKE_WORDS.label}</th>" in matrix

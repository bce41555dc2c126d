"""`python -m kpi index` and the index on the sample warehouse (issue 14 acceptance)."""
from __future__ import annotations

import json

import pytest

from kpi.cli.main import main as kpi_main
from kpi.measures import index766, metrics
from kpi.measures.periods import month, year
from kpi.warehouse.db import Warehouse


def test_tdgq_is_20_times_the_summary_progress_rate_every_level_and_month_of_2025(sample_db):
    wh = Warehouse(sample_db)
    checked = 0
    for m in range(1, 13):
        period = month(2025, m)
        summary = metrics.summary(wh, period)
        report = index766.compute(wh, period)
        assert report.province.groups["TDGQ"].score == pytest.approx(
            20 * summary["total"]["progress_rate_766"], abs=1e-9)
        by_level = {lv.key: lv for lv in report.levels}
        for level, values in summary["levels"].items():
            if values["progress_rate_766"] is None:
                assert level not in by_level or by_level[level].groups["TDGQ"].score is None
                continue
            assert by_level[level].groups["TDGQ"].score == pytest.approx(20 * values["progress_rate_766"], abs=1e-9)
            checked += 1
    assert checked >= 24  # province and commune every month, district until the reform


def test_cli_json_has_the_documented_shape(sample_db, capsys):
    assert kpi_main(["index", "--db", str(sample_db), "--from", "2025-01-01", "--to", "2025-12-31", "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert set(out["total"]) == {"score", "max_covered", "partial", "grade", "source"}
    assert out["total"]["source"] == "simulated" and out["total"]["partial"] is True
    assert set(out["groups"]) == set(index766.GROUPS)
    tdgq = out["groups"]["TDGQ"]
    assert tdgq["max"] == 20 and tdgq["inputs"]["ON_TIME"]["score"] == pytest.approx(tdgq["score"])
    assert out["groups"]["CKMB"]["score"] is None  # no data is null, never 0
    assert out["groups"]["CLGQ"]["score"] is None and out["groups"]["CLGQ"]["inputs"]["ONLINE_DOSSIERS"]["rate"] > 0
    covered = sum(g["max_covered"] for g in out["groups"].values() if g["score"] is not None)
    assert out["total"]["max_covered"] == covered
    assert out["total"]["score"] == pytest.approx(sum(g["score"] for g in out["groups"].values() if g["score"]))
    assert len(out["units"]) > 10 and {"unit_id", "unit_type", "score"} <= set(out["units"][0])


def test_cli_one_unit_and_text_output(sample_db, capsys):
    wh = Warehouse(sample_db)
    unit = index766.compute(wh, year(2025)).units[0]
    assert kpi_main(["index", "--db", str(sample_db), "--from", "2025-01-01", "--to", "2025-12-31", "--json",
                           "--unit", unit.key]) == 0
    out = json.loads(capsys.readouterr().out)
    assert [u["unit_id"] for u in out["units"]] == [unit.key]
    assert out["total"]["score"] == pytest.approx(unit.total)
    assert kpi_main(["index", "--db", str(sample_db), "--from", "2025-01-01", "--to", "2025-12-31"]) == 0
    text = capsys.readouterr().out
    assert "điểm có dữ liệu" in text and "Tiến độ giải quyết" in text and "mô phỏng từ dữ liệu của tỉnh" in text
    assert kpi_main(["index", "--db", str(sample_db), "--from", "2025-01-01", "--to", "2025-12-31",
                           "--unit", "không-có"]) == 2

"""`python -m kpi summary`: the JSON contract and the Vietnamese table."""
from __future__ import annotations

import json
import subprocess
import sys

from kpi.measures import metrics, periods
from kpi.warehouse.db import Warehouse
from kpi.measures.targets import ensure_seeded
from tests.factories import add_dossiers, dossier

ROOT = __import__("pathlib").Path(__file__).resolve().parent.parent


def run(*args):
    return subprocess.run([sys.executable, "-m", "kpi", *args], cwd=ROOT, capture_output=True, text=True, timeout=120)


def make_db(path):
    wh = Warehouse(path)
    ensure_seeded(wh)
    add_dossiers(wh, [
        dossier("A", received="01/03/2024", due="10/03/2024", finished="05/03/2024"),
        dossier("B", received="02/03/2024", due="10/03/2024", finished="12/03/2024"),
        dossier("C", unit="UBND xã Phú Hữu", received="03/03/2024", due="10/03/2024", finished="10/03/2024", digitized=True),
    ])
    return wh


def test_summary_json_contract(tmp_path):
    wh = make_db(tmp_path / "w.duckdb")
    result = run("summary", "--db", str(wh.path), "--from", "2024-03-01", "--to", "2024-03-31", "--json")
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert set(data) == {"total", "levels", "as_of", "data_date", "coverage"}
    # The latest event is B finished on 12/03/2024: March is judged at that day.
    assert (data["as_of"], data["data_date"]) == ("2024-03-12", "2024-03-12")
    assert set(data["levels"]) == {"province", "district", "commune"}
    for scope in [data["total"], *data["levels"].values()]:
        assert set(scope) == set(metrics.SUMMARY_COUNTS) | set(metrics.SUMMARY_RATES)
        assert all(isinstance(scope[k], int) for k in metrics.SUMMARY_COUNTS)
        assert all(scope[k] is None or 0.0 <= scope[k] <= 1.0 for k in metrics.SUMMARY_RATES)
    assert data == json.loads(json.dumps(metrics.summary(wh, periods.month(2024, 3))))
    assert data["total"]["on_time_rate"] == 2 / 3
    assert data["levels"]["district"]["on_time_rate"] is None


def test_summary_table_is_vietnamese_with_targets(tmp_path):
    wh = make_db(tmp_path / "w.duckdb")
    result = run("summary", "--db", str(wh.path), "--from", "2024-03-01", "--to", "2024-03-31")
    assert result.returncode == 0, result.stderr
    assert "Giải quyết đúng hạn (TT 01)" in result.stdout
    assert "66,7% / ≥97% Chưa đạt" in result.stdout
    assert "Chưa có dữ liệu" in result.stdout


def test_summary_bad_date_exits_2(tmp_path):
    result = run("summary", "--db", str(tmp_path / "w.duckdb"), "--from", "31/03/2024", "--to", "2024-03-31", "--json")
    assert result.returncode == 2
    assert "YYYY-MM-DD" in result.stderr

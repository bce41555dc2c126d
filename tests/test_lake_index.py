"""`kpi index --lake`: each province's QĐ 766 index over the lake equals its own warehouse's `kpi index`.

The lake is ``lake_support.lake_with_published``: the two hand-made provinces (March 2024), with
Đồng Nai's published figures (the portal's progress scores, a second upload undone, and an
admin's CKMB entry). Spark's index of the same lake: tests/test_lake_connect.py (through Spark
Connect) and tests/test_lake_engines.py (three simulated provinces). By hand, TDGQ = 20 × progress_rate_766: Đồng Nai 2 of 4
(A1, A3 on time; A2 late; A4 open past its due day) = 10, but its portal score 16 wins; Hà Nội
0 of 2 = 0; the nation 2 of 6 = 6,67 (simulated: a portal score is no count that adds up).
"""
from __future__ import annotations

import datetime as dt
import json
import socket
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import pytest

from kpi.cli.main import main as kpi_main
from kpi.lake import engines, layout, national
from kpi.measures import index766, published
from kpi.measures.periods import custom
from tests.lake_support import MARCH, assert_close, lake_with_published

ROOT = Path(__file__).resolve().parent.parent
ARGS = ["--from", "2024-03-01", "--to", "2024-03-31", "--json"]


@pytest.fixture(scope="module")
def lake(tmp_path_factory):
    return lake_with_published(tmp_path_factory.mktemp("lake766"))


def cli_json(capsys, *args) -> dict:
    assert kpi_main(["index", *args, *ARGS]) == 0
    return json.loads(capsys.readouterr().out)


def own_indexes(capsys, warehouses) -> dict:
    return {code: cli_json(capsys, "--db", str(wh.path)) for code, wh in warehouses.items()}


def test_the_lake_carries_the_published_figures_that_count(lake):
    out, _ = lake
    assert {"portal_scores", "load_batches"} <= set(layout.read_schema(out)["tables"])
    with engines.DuckDBEngine(out).province("75") as view, view.read() as con:
        in_force = published.in_force(con, MARCH)
        # Who typed an entry is not published; the undone upload's rows are, with its batch marked undone.
        assert "created_by" not in [c for c, *_ in con.execute("DESCRIBE portal_scores").fetchall()]
        assert con.execute("SELECT list(status ORDER BY batch_id) FROM load_batches").fetchone()[0] == \
            ["loaded", "undone"]
    province_tdgq = in_force[(in_force["unit_type"] == published.PROVINCE_TYPE) & (in_force["grp"] == "TDGQ")
                             & in_force["metric"].isna()]
    assert list(province_tdgq["score"]) == [16.0]


def test_duckdb_lake_index_equals_each_province_warehouse_index(lake, capsys):
    out, warehouses = lake
    on_lake = cli_json(capsys, "--lake", str(out), "--engine", "duckdb")
    assert on_lake["engine"] == "duckdb" and list(on_lake["provinces"]) == ["01", "75"]
    assert_close(on_lake["provinces"], own_indexes(capsys, warehouses))
    dong_nai = on_lake["provinces"]["75"]
    assert (dong_nai["groups"]["TDGQ"]["score"], dong_nai["groups"]["TDGQ"]["source"]) == (16.0, "portal")
    assert dong_nai["groups"]["CKMB"]["inputs"]["PUBLISH_ON_TIME"]["score"] == pytest.approx(6 * 60 / 80)
    assert on_lake["provinces"]["01"]["groups"]["TDGQ"]["score"] == 0.0


def test_national_index_is_every_formula_over_the_added_counts(lake, capsys):
    out, _ = lake
    nation = cli_json(capsys, "--lake", str(out))["national"]
    assert nation["groups"]["TDGQ"]["score"] == pytest.approx(20 * 2 / 6, abs=1e-9)
    assert nation["groups"]["TDGQ"]["source"] == "simulated" and nation["groups"]["CKMB"]["score"] is None
    # One PAKN (Đồng Nai's), handled on time and rated satisfied: 6 + 6 of MDHL's PAKN points.
    assert nation["groups"]["MDHL"]["inputs"]["PETITION_PROCESSING_ON_TIME"]["score"] == 6.0
    assert nation["groups"]["MDHL"]["inputs"]["PETITION_HANDLING_SATISFACTION"]["score"] == 6.0
    scored = [g for g in nation["groups"].values() if g["score"] is not None]
    assert nation["total"]["score"] == pytest.approx(sum(g["score"] for g in scored), abs=1e-9)
    assert nation["total"]["max_covered"] == sum(g["max_covered"] for g in scored)
    assert nation["units"] == [] and set(nation["levels"]) == {"province", "commune"}


def test_national_index_of_one_province_is_its_simulated_index(lake):
    out, warehouses = lake
    reports, nation = national.index(engines.DuckDBEngine(out), MARCH, ["01"])
    own = index766.compute(warehouses["01"], MARCH)  # Hà Nội publishes nothing: its index is simulated
    assert list(reports) == ["01"] and nation.province.total == pytest.approx(own.province.total, abs=1e-9)
    assert nation.province.grade == own.province.grade


def test_lake_index_table_and_refusals(lake, capsys):
    out, _ = lake
    assert kpi_main(["index", "--lake", str(out), "--from", "2024-03-01", "--to", "2024-03-31"]) == 0
    table = capsys.readouterr().out.splitlines()
    assert table[0] == "Chỉ số 766 kỳ 01/03/2024 – 31/03/2024 (toàn quốc, bộ máy duckdb)"
    national_row = next(line for line in table if line.startswith("Toàn quốc"))
    assert "6,7" in national_row and "Yếu" in national_row
    assert any(line.startswith("Đồng Nai (75)") and "16,0" in line for line in table)
    assert kpi_main(["index", "--lake", str(out), "--unit", "so-tu-phap", *ARGS]) == 2
    assert "--unit" in capsys.readouterr().err
    assert kpi_main(["index", "--lake", str(out), "--spark-remote", "sc://127.0.0.1:1", *ARGS]) == 2
    assert "--engine spark" in capsys.readouterr().err


def test_spark_connect_addresses_are_checked_before_any_spark_work(lake, capsys):
    """Not sc://host:port, or nobody answering there: a message at once (the Connect client would
    otherwise retry for minutes)."""
    out, _ = lake
    spark_args = ["summary", "--lake", str(out), "--engine", "spark", *ARGS]
    assert kpi_main([*spark_args, "--spark-remote", "http://spark-gw:15002"]) == 2
    assert "phải có dạng sc://máy-chủ:cổng" in capsys.readouterr().err
    with socket.socket() as probe:  # a port nobody listens on: bound, never listening
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
        started = time.monotonic()
        assert kpi_main([*spark_args, "--spark-remote", f"sc://127.0.0.1:{port}"]) == 2
    assert f"Không kết nối được Spark Connect tại 127.0.0.1:{port}" in capsys.readouterr().err
    assert time.monotonic() - started < engines.CONNECT_TIMEOUT_S


def test_bench_lake_times_the_index_case(lake):
    """bench/lake.py's index case, in its own process, prints the nation's index of the year."""
    out, _ = lake
    done = subprocess.run([sys.executable, str(ROOT / "bench" / "lake.py"), "--lake", str(out), "--year", "2024",
                           "--case", "duckdb-index"], capture_output=True, text=True, timeout=120, check=True)
    printed = json.loads(done.stdout.strip().splitlines()[-1])
    _, nation = national.index(engines.DuckDBEngine(out), custom(dt.date(2024, 1, 1), dt.date(2024, 12, 31)))
    assert printed["provinces"] == 2 and printed["national_index"] == round(nation.province.total, 3)
    assert printed["seconds"] > 0 and printed["cpu_s"] > 0


def test_ranking_and_index_in_one_pass_equal_each_on_its_own(lake):
    """What the national page reads: the ranking from the index's counts is the ranking."""
    out, _ = lake
    table, scores = national.ranking_and_index(engines.DuckDBEngine(out), MARCH)
    pd.testing.assert_frame_equal(table, national.ranking(engines.DuckDBEngine(out), MARCH))
    pd.testing.assert_frame_equal(scores, national.index_table(national.index(engines.DuckDBEngine(out), MARCH)[0]))
    assert list(scores["province"]) == ["01", "75"] and scores["total"][1] == pytest.approx(16.0 + 4.5 + 12 + 4 / 3)

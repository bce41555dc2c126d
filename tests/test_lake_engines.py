"""Proof on a simulated lake: DuckDB, Spark and each province's own warehouse give the same numbers.

Three sample provinces (``etl.sample_lake``, different seeds) of about 300 000 dossiers each are
published to a lake; every KPI of every level, the national roll-up and a month × level grouping
must be identical whichever engine computes them, and so must each province's QĐ 766 index.
Spark runs in one local JVM (``spark`` fixture).
"""
from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from etl.sample_lake import simulate_lake
from kpi.lake import engines, national
from kpi.cli.index import as_json
from kpi.measures import index766, metrics, precount
from kpi.measures.periods import custom
from kpi.warehouse.db import Warehouse
from tests.lake_support import assert_close

SCALE = 0.1
PROVINCES = 3
PERIODS = {
    "year 2024": custom(dt.date(2024, 1, 1), dt.date(2024, 12, 31)),
    # Across the 2025 reform: three levels before 01/07/2025, two after.
    "2025-05..2025-08": custom(dt.date(2025, 5, 1), dt.date(2025, 8, 31)),
    # Past the data (31/12/2025): open dossiers judged at each province's data date.
    "2025-12..2026-01": custom(dt.date(2025, 12, 1), dt.date(2026, 1, 31)),
}


@pytest.fixture(scope="module")
def small_lake(tmp_path_factory):
    root = tmp_path_factory.mktemp("lake")
    built = simulate_lake(root / "lake", provinces=PROVINCES, scale=SCALE, seed=7, keep=root / "warehouses")
    warehouses = {code: Warehouse(root / "warehouses" / f"{code}.duckdb") for code in built["per_province"]}
    return root / "lake", warehouses, built


def _own_numbers(warehouses, period) -> dict:
    return {code: metrics.summary(wh, period) for code, wh in warehouses.items()}


def _national_by_hand(own: dict) -> dict:
    """Counts of the national total: the sum of the provinces' own totals."""
    return {name: sum(s["total"][name] for s in own.values()) for name in metrics.SUMMARY_COUNTS}


def test_the_simulated_lake_has_distinct_provinces(small_lake):
    _, warehouses, built = small_lake
    assert built["provinces"] == PROVINCES and list(warehouses) == ["01", "04", "08"]
    # Different seeds: different volumes, and about 300 000 dossiers each at scale 0.1.
    assert len(set(built["per_province"].values())) == PROVINCES
    assert all(250_000 < n < 350_000 for n in built["per_province"].values())


def test_the_lake_reads_the_pre_aggregated_counts(small_lake):
    lake, _, _ = small_lake
    with engines.DuckDBEngine(lake).province("04") as view, view.read() as con:
        # Exported with the province: the KPIs of the lake read the counts, not the dossier rows.
        assert precount.usable(con, ("level",)) and not precount.usable(con, ("procedure",))
        assert con.execute("SELECT count(*) FROM dossier_counts").fetchone()[0] > 0


@pytest.mark.parametrize("label", list(PERIODS))
def test_duckdb_lake_equals_each_province_warehouse(small_lake, label):
    lake, warehouses, _ = small_lake
    period = PERIODS[label]
    own = _own_numbers(warehouses, period)
    result = national.summary(engines.DuckDBEngine(lake), period)
    assert result["provinces"] == own
    assert {k: result["national"]["total"][k] for k in metrics.SUMMARY_COUNTS} == _national_by_hand(own)


def _month_level(view_or_wh, period) -> pd.DataFrame:
    table = metrics.kpi_table(view_or_wh, period, group_by=("month", "level"))
    table["period_start"] = pd.to_datetime(table["period_start"]).dt.date
    table["period_end"] = pd.to_datetime(table["period_end"]).dt.date
    columns = ["period_start", "level"] + [c for c in metrics.DOSSIER_COUNT_COLUMNS] + list(metrics.KPIS)
    return table[columns].sort_values(["period_start", "level"]).reset_index(drop=True)


@pytest.mark.spark
@pytest.mark.parametrize("label", list(PERIODS))
def test_spark_lake_equals_duckdb_lake_and_each_warehouse(small_lake, spark, label):
    lake, warehouses, _ = small_lake
    period = PERIODS[label]
    own = _own_numbers(warehouses, period)
    on_spark = national.summary(engines.SparkEngine(lake, spark), period)
    on_duckdb = national.summary(engines.DuckDBEngine(lake), period)
    assert on_spark["provinces"] == own
    assert on_spark["national"] == on_duckdb["national"]
    assert on_spark["engine"] == "spark"


@pytest.mark.spark
@pytest.mark.parametrize("source", ["stored", "rows"])
def test_spark_month_by_level_grouping_equals_the_warehouse(small_lake, spark, source, monkeypatch):
    """From the pre-aggregated counts, and from the dossier rows (what a grouping the counts do not keep uses)."""
    lake, warehouses, _ = small_lake
    period = PERIODS["2025-05..2025-08"]
    forced = metrics.dossier_counts
    monkeypatch.setattr(metrics, "dossier_counts", lambda *a, **k: forced(*a, **{**k, "source": source}))
    with engines.SparkEngine(lake, spark).province("04") as view:
        on_spark = _month_level(view, period)
    expected = _month_level(warehouses["04"], period)
    # Four months × three levels: district dossiers received before 01/07/2025 still finish in July and August.
    assert len(expected) == 12 and expected["period_start"].nunique() == 4
    pd.testing.assert_frame_equal(on_spark, expected, check_dtype=False)


def test_only_lookups_of_small_tables_stay_on_the_driver():
    assert engines.tables_read("SELECT value FROM meta WHERE key = 'data_date'") <= engines.DRIVER_TABLES
    counting = "WITH g AS (SELECT * FROM dossiers d JOIN p ON d.received_date <= ?::DATE) SELECT count(*) FROM g"
    assert engines.tables_read(counting, [dt.date(2024, 3, 1)]) == {"dossiers", "p"}


def test_spark_sql_is_transpiled_from_the_duckdb_sql():
    spark_sql = engines.to_spark_sql(
        "SELECT coalesce(sum(n) FILTER (WHERE d <= ?::DATE), 0)::BIGINT AS x FROM g GROUP BY ALL", [dt.date(2024, 3, 1)])
    assert "CAST('2024-03-01' AS DATE)" in spark_sql and "AS BIGINT" in spark_sql


def test_materialized_hint_is_dropped_for_spark():
    assert engines.to_spark_sql("WITH live AS MATERIALIZED (SELECT 1 AS a) SELECT * FROM live") == \
        "WITH live AS (SELECT 1 AS a) SELECT * FROM live"


def _index_json(report) -> dict:
    return as_json(report, report.province)


def _own_indexes(warehouses, period) -> dict:
    return {code: _index_json(index766.compute(wh, period)) for code, wh in warehouses.items()}


@pytest.mark.parametrize("label", list(PERIODS))
def test_duckdb_lake_index_equals_each_province_warehouse_index(small_lake, label):
    """The QĐ 766 index of every province (groups, sub-indicators, levels, units, total, grade) from the lake."""
    lake, warehouses, _ = small_lake
    period = PERIODS[label]
    reports, nation = national.index(engines.DuckDBEngine(lake), period)
    own = _own_indexes(warehouses, period)
    assert_close({code: _index_json(r) for code, r in reports.items()}, own)
    # The nation's TDGQ: 20 × the national progress_rate_766 of `kpi summary --lake`.
    rate = national.summary(engines.DuckDBEngine(lake), period)["national"]["total"]["progress_rate_766"]
    assert nation.province.groups["TDGQ"].score == pytest.approx(20 * rate, abs=1e-9)


def test_national_page_reads_ranking_and_index_in_one_pass(small_lake):
    lake, _, _ = small_lake
    period = PERIODS["2025-05..2025-08"]
    table, scores = national.ranking_and_index(engines.DuckDBEngine(lake), period)
    pd.testing.assert_frame_equal(table, national.ranking(engines.DuckDBEngine(lake), period))
    own = national.index_table(national.index(engines.DuckDBEngine(lake), period)[0])
    pd.testing.assert_frame_equal(scores, own)


@pytest.mark.spark
def test_spark_lake_index_equals_each_province_warehouse_index(small_lake, spark):
    lake, warehouses, _ = small_lake
    period = PERIODS["2025-05..2025-08"]  # across the reform: three levels, then two
    reports, nation = national.index(engines.SparkEngine(lake, spark), period)
    assert_close({code: _index_json(r) for code, r in reports.items()}, _own_indexes(warehouses, period))
    _, on_duckdb = national.index(engines.DuckDBEngine(lake), period)
    assert_close(_index_json(nation), _index_json(on_duckdb))

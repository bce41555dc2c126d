"""The province lake: export to hive-partitioned Parquet, and the KPIs read back with DuckDB."""
from __future__ import annotations

import datetime as dt
import json

import duckdb
import pytest

from kpi.cli.main import main as kpi_main
from kpi.lake import engines, export, layout, national
from kpi.measures import metrics
from tests.lake_support import MARCH, province_a as _province_a, province_b as _province_b, small_lake


@pytest.fixture()
def lake(tmp_path):
    return small_lake(tmp_path)


def test_export_writes_hive_partitions_schema_and_manifest(lake):
    out, _ = lake
    files = sorted(p.relative_to(out).as_posix() for p in (out / "dossiers").rglob("*.parquet"))
    # A4 was received in February, the others in March: one directory per province, year and month.
    assert files == ["dossiers/province=01/year=2024/month=3/data_0.parquet",
                     "dossiers/province=75/year=2024/month=2/data_0.parquet",
                     "dossiers/province=75/year=2024/month=3/data_0.parquet"]
    spec = json.loads((out / "_lake.json").read_text(encoding="utf-8"))
    assert spec["lake_schema_version"] == layout.SCHEMA_VERSION
    assert spec["tables"]["dossiers"]["partition_by"] == ["province", "year", "month"]
    assert spec["tables"]["units"]["partition_by"] == ["province"]
    assert layout.provinces(out) == ["01", "75"]
    manifest = layout.manifest(out, "75")
    assert manifest["rows"]["dossiers"] == 4 and manifest["rows"]["feedback"] == 1
    assert manifest["data_date"] == "2024-03-20"  # F1 handled on 20/03, the latest event of province 75
    # Hive partitioning reads back the province code as text ("01" stays "01") and nothing is staged.
    rows = duckdb.sql(f"SELECT province, count(*) FROM read_parquet('{out}/dossiers/**/*.parquet', hive_partitioning = true, "
                      "hive_types = {'province': VARCHAR}) GROUP BY 1 ORDER BY 1").fetchall()
    assert rows == [("01", 2), ("75", 4)]
    assert not any((out / layout.STAGING).iterdir())


def test_export_leaves_out_the_applicant(lake):
    out, _ = lake
    columns = [name for name, _ in json.loads((out / "_lake.json").read_text(encoding="utf-8"))["tables"]["dossiers"]["columns"]]
    assert "applicant" not in columns and "code" in columns
    found = duckdb.sql(f"SELECT * FROM read_parquet('{out}/dossiers/province=75/**/*.parquet')").columns
    assert "applicant" not in found


def test_reexport_replaces_the_province_and_only_it(lake):
    out, whs = lake
    with whs["75"].write() as con:
        con.execute("DELETE FROM dossiers WHERE code IN ('A2', 'A4')")
    export.export_province(whs["75"], "75", out)
    # February's partition of province 75 is gone (A4 was its only dossier); province 01 is untouched.
    files = sorted(p.relative_to(out).as_posix() for p in (out / "dossiers").rglob("*.parquet"))
    assert files == ["dossiers/province=01/year=2024/month=3/data_0.parquet",
                     "dossiers/province=75/year=2024/month=3/data_0.parquet"]
    codes = duckdb.sql(f"SELECT code FROM read_parquet('{out}/dossiers/province=75/**/*.parquet') ORDER BY 1").fetchall()
    assert codes == [("A1",), ("A3",)]
    assert layout.manifest(out, "75")["rows"]["dossiers"] == 2


def test_bad_province_code_and_other_schema_version_are_refused(lake, tmp_path):
    out, whs = lake
    with pytest.raises(ValueError, match="Mã tỉnh"):
        export.export_province(whs["75"], "../x", out)
    spec = json.loads((out / "_lake.json").read_text(encoding="utf-8"))
    (out / "_lake.json").write_text(json.dumps({**spec, "lake_schema_version": 99}), encoding="utf-8")
    with pytest.raises(ValueError, match="phiên bản cấu trúc 99"):
        export.export_province(whs["75"], "75", out)
    with pytest.raises(ValueError, match="phiên bản"):
        engines.DuckDBEngine(out)


def test_duckdb_lake_gives_each_province_its_own_warehouse_numbers(lake):
    out, whs = lake
    result = national.summary(engines.DuckDBEngine(out), MARCH)
    for code, wh in whs.items():
        assert result["provinces"][code] == metrics.summary(wh, MARCH)
    # Each province judges its open dossiers at its own data date.
    assert result["provinces"]["75"]["as_of"] == "2024-03-20"
    assert result["provinces"]["01"]["as_of"] == "2024-03-25"


def test_national_rates_are_rates_of_summed_counts(lake):
    out, _ = lake
    national_total = national.summary(engines.DuckDBEngine(out), MARCH)["national"]["total"]
    # Resolved in March: A1 early, A2 overdue, A3 on the due day, B1 and B2 overdue → 2 in time of 5.
    assert (national_total["resolved"], national_total["resolved_early"], national_total["resolved_on_time"],
            national_total["resolved_overdue"]) == (5, 1, 1, 3)
    assert national_total["on_time_rate"] == pytest.approx(2 / 5)
    # Received in March: A1, A2, A3, B1, B2; online: A1, B1, B2.
    assert national_total["received"] == 5 and national_total["online_rate"] == pytest.approx(3 / 5)
    # A4 (due 04/03, open at 20/03) is the only open dossier, overdue.
    assert (national_total["in_progress"], national_total["in_progress_overdue"]) == (1, 1)
    assert national_total["pakn_on_time_rate"] == 1.0 and national_total["pakn_satisfaction_rate"] == 1.0


def test_ranking_one_row_per_province_with_every_kpi(lake):
    out, _ = lake
    table = national.ranking(engines.DuckDBEngine(out), MARCH).set_index("province")
    assert list(table.index) == ["01", "75"]
    assert table.loc["75", "on_time_rate"] == pytest.approx(2 / 3)
    assert table.loc["01", "on_time_rate"] == 0.0
    assert table.loc["01", "pakn_on_time_rate"] is None  # no PAKN: no data, never 0%
    assert table.loc["75", "data_date"] == dt.date(2024, 3, 20)


def test_only_chosen_provinces(lake):
    out, _ = lake
    result = national.summary(engines.DuckDBEngine(out), MARCH, provinces=["01"])
    assert list(result["provinces"]) == ["01"] and result["national"]["total"]["resolved"] == 2


def test_cli_export(tmp_path, capsys):
    wh = _province_b(tmp_path / "b.duckdb")
    code = kpi_main(["lake", "export", "--db", str(wh.path), "--province", "01", "--out", str(tmp_path / "lake")])
    assert code == 0
    assert json.loads(capsys.readouterr().out)["rows"]["dossiers"] == 2
    assert kpi_main(["lake", "export", "--db", str(wh.path), "--province", "a/b", "--out", str(tmp_path / "lake")]) == 2
    assert "Mã tỉnh" in capsys.readouterr().err


def test_parameters_are_inlined_outside_strings():
    sql = "SELECT '?' AS q, x FROM t WHERE d <= ?::DATE AND u IN (SELECT unnest(?::VARCHAR[])) AND n = ?"
    out = engines.inline_parameters(sql, [dt.date(2024, 3, 1), ["a'b", "c"], 3])
    assert out == ("SELECT '?' AS q, x FROM t WHERE d <= DATE '2024-03-01'::DATE AND u IN "
                   "(SELECT unnest(['a''b', 'c']::VARCHAR[])) AND n = 3")
    with pytest.raises(ValueError):
        engines.inline_parameters("SELECT ?", [])


def test_cli_summary_over_the_lake_json_and_table(lake, capsys):
    out, whs = lake
    args = ["summary", "--lake", str(out), "--engine", "duckdb", "--from", "2024-03-01", "--to", "2024-03-31"]
    assert kpi_main(args + ["--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert set(data) == {"engine", "from", "to", "national", "provinces"}
    assert data["provinces"]["01"] == metrics.summary(whs["01"], MARCH)
    assert data["national"]["total"]["on_time_rate"] == pytest.approx(2 / 5)
    assert kpi_main(args + ["--province", "75"]) == 0
    table = capsys.readouterr().out
    # The national row and province 75 (Đồng Nai); on time 2 of 5 nationally, 2 of 3 in Đồng Nai.
    assert "Toàn quốc" in table and "Đồng Nai (75)" in table and "Hà Nội (01)" not in table
    national_row = next(line for line in table.splitlines() if line.startswith("Toàn quốc"))
    province_row = next(line for line in table.splitlines() if line.startswith("Đồng Nai (75)"))
    assert "66,7%" in province_row and "66,7%" in national_row  # one province chosen: the national row is it


def test_cli_summary_lake_refuses_a_directory_that_is_no_lake(tmp_path, capsys):
    assert kpi_main(["summary", "--lake", str(tmp_path), "--from", "2024-03-01", "--to", "2024-03-31", "--json"]) == 2
    assert "không phải kho dữ liệu toàn quốc" in capsys.readouterr().err


def test_ranking_rows_best_first_with_each_province_target_and_gap(lake):
    out, _ = lake
    table = national.ranking(engines.DuckDBEngine(out), MARCH)
    rows = national.ranked_rows(table, "on_time_rate")
    # 75: 2 of 3 in time; 01: 0 of 2. Both provinces carry the seed target on time ≥ 97%.
    assert list(rows["province"]) == ["75", "01"] and list(rows["rank"]) == [1, 2]
    assert list(rows["name"]) == ["Đồng Nai (75)", "Hà Nội (01)"]
    assert [t.threshold for t in rows["target"]] == [0.97, 0.97]
    assert list(rows["status"]) == ["not_met", "not_met"]
    # Dossiers missing to reach 97%: 75 needs 1 more (3 of 3), 01 needs 2 more (2 of 2).
    assert list(rows["gap"]) == [1, 2]
    pakn = national.ranked_rows(table, "pakn_on_time_rate")
    assert list(pakn["province"]) == ["75", "01"] and pakn["rank"].iloc[1] is None  # 01: no PAKN, no rank
    totals = national.national_totals(table)
    assert totals["on_time_rate"] == pytest.approx(2 / 5) and totals["online_rate"] == pytest.approx(3 / 5)

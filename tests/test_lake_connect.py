"""The national roll-up through Spark Connect (`--engine spark --spark-remote sc://host:port`).

The Connect server is the one ``sbin/start-connect-server.sh`` runs (``SparkConnectService``,
shipped in pyspark's spark-connect jar), started inside the tests' own JVM (the ``spark``
fixture) on a free port of 127.0.0.1, so no second JVM is paid for. The command line is a
Spark Connect client (gRPC), exactly as against a production endpoint. On the two hand-made
provinces with Đồng Nai's published QĐ 766 figures (``lake_support.lake_with_published``), its
summary must equal DuckDB's, and each province's index its own warehouse's `kpi index` (to 1e-9).
"""
from __future__ import annotations

import json

import pytest

from kpi.cli.main import main as kpi_main
from kpi.lake import engines
from tests.lake_support import assert_close, lake_with_published

pytestmark = pytest.mark.spark
PERIOD = ["--from", "2024-03-01", "--to", "2024-03-31", "--json"]


@pytest.fixture(scope="module")
def connect_url(spark):
    """``sc://127.0.0.1:<port>`` of a Spark Connect service in the test JVM, stopped after the module."""
    context = spark.sparkContext._jsc.sc()
    context.conf().set("spark.connect.grpc.binding.address", "127.0.0.1")
    context.conf().set("spark.connect.grpc.binding.port", "0")  # any free port: engineers test side by side
    service = getattr(getattr(spark._jvm.org.apache.spark.sql.connect.service, "SparkConnectService$"), "MODULE$")
    service.start(context)
    url = f"sc://127.0.0.1:{service.localPort()}"
    yield url
    client = engines.spark_session(remote=url)  # the session the commands made (getOrCreate): released first
    client.stop()
    service.stop(getattr(service, "stop$default$1")(), getattr(service, "stop$default$2")())


@pytest.fixture(scope="module")
def lake(tmp_path_factory):
    return lake_with_published(tmp_path_factory.mktemp("connect"))


def run_json(capsys, *args) -> dict:
    assert kpi_main(list(args) + PERIOD) == 0, capsys.readouterr().err
    return json.loads(capsys.readouterr().out)


def test_the_session_is_a_spark_connect_client(connect_url):
    from pyspark.sql.connect.session import SparkSession as ConnectSession

    session = engines.spark_session(remote=connect_url)
    assert isinstance(session, ConnectSession)
    # The lake's settings travel with it: province codes such as "01" stay text.
    assert session.conf.get("spark.sql.sources.partitionColumnTypeInference.enabled") == "false"


def test_national_summary_through_spark_connect_equals_duckdb(lake, connect_url, capsys):
    out, _ = lake
    on_connect = run_json(capsys, "summary", "--lake", str(out), "--engine", "spark", "--spark-remote", connect_url)
    on_duckdb = run_json(capsys, "summary", "--lake", str(out), "--engine", "duckdb")
    assert on_connect["engine"] == "spark"
    assert on_connect["provinces"] == on_duckdb["provinces"] and on_connect["national"] == on_duckdb["national"]
    assert on_connect["national"]["total"]["on_time_rate"] == pytest.approx(2 / 5)  # 2 of 5 resolved in time


def test_index_through_spark_connect_equals_each_province_warehouse_index(lake, connect_url, capsys):
    out, warehouses = lake
    on_connect = run_json(capsys, "index", "--lake", str(out), "--engine", "spark", "--spark-remote", connect_url)
    own = {code: run_json(capsys, "index", "--db", str(wh.path)) for code, wh in warehouses.items()}
    assert_close(on_connect["provinces"], own)
    assert on_connect["provinces"]["75"]["groups"]["TDGQ"]["score"] == 16.0  # the portal's, read on the driver
    assert_close(on_connect["national"], run_json(capsys, "index", "--lake", str(out))["national"])
    assert on_connect["national"]["groups"]["TDGQ"]["score"] == pytest.approx(20 * 2 / 6)

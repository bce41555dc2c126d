"""Run ``kpi.measures.metrics``' own queries over one province of the lake, with DuckDB or Spark.

The KPI functions take a warehouse and ask it for a connection (``wh.read()``), then send
it SQL written for DuckDB with ``?`` parameters. ``Engine.province(code)`` gives an object
that answers the same way, over views named like the warehouse's tables (``dossiers``,
``feedback``, …) that read that province's Parquet files:

- ``DuckDBEngine``: an in-memory DuckDB (``kpi.warehouse.db.scratch``) runs the SQL as it is;
- ``SparkEngine``: each statement is compiled for Spark SQL — parameters inlined as literals,
  then transpiled by SQLGlot (``read="duckdb", write="spark"``) — and run by a SparkSession
  (``local[*]`` in tests, a cluster or a Spark Connect endpoint in production).

So both engines compute the KPIs from the one definition in ``kpi.measures.metrics``; nothing
here knows what a KPI is.
"""
from __future__ import annotations

import datetime as dt
import os
import re
import socket
import sys
import unicodedata
import urllib.parse
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

import pandas as pd
import sqlglot
from sqlglot.tokens import TokenType

from kpi.lake import layout
from kpi.warehouse.db import scratch

ENGINES = ("duckdb", "spark")


class ProvinceView:
    """What ``kpi.measures.metrics`` needs of a warehouse (``read``, ``query``, ``query_df``), over the lake."""

    def __init__(self, con, province: str):
        self._con = con
        self.province = province

    @contextmanager
    def read(self):
        yield self._con

    def read_connection(self):
        return self._con

    def query(self, sql: str, params=None) -> list[tuple]:
        return self._con.execute(sql, params or []).fetchall()

    def query_df(self, sql: str, params=None) -> pd.DataFrame:
        return self._con.execute(sql, params or []).df()


def _parquet_files(lake: Path, table: str, province: str) -> list[Path]:
    return sorted(layout.province_dir(lake, table, province).rglob("*.parquet"))


def _empty_select(columns: list[list[str]]) -> str:
    """A DuckDB SELECT with the table's columns and no row (a province without such rows)."""
    return "SELECT " + ", ".join(f'CAST(NULL AS {kind}) AS "{name}"' for name, kind in columns) + " LIMIT 0"


def _sql_text(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


class DuckDBEngine:
    name = "duckdb"
    parallel = 1  # DuckDB already uses every core for one province

    def __init__(self, lake: str | Path, rows: bool = False):
        """``rows``: ignore the pre-aggregated counts and count from the dossier rows (benchmarks)."""
        self.lake = Path(lake)
        self.spec = layout.require_schema(self.lake)
        self.rows = rows

    def _source(self, table: str, province: str) -> str:
        if not _parquet_files(self.lake, table, province):
            return _empty_select(self.spec["tables"][table]["columns"])
        pattern = (layout.province_dir(self.lake, table, province) / "**" / "*.parquet").as_posix()
        # The files hold every column; the partition values are the path, already chosen.
        source = f"SELECT * FROM read_parquet({_sql_text(pattern)}, hive_partitioning = false)"
        if table == "meta" and self.rows:  # counts marked stale: kpi.measures.precount reads the rows
            return f"SELECT key, CASE WHEN key = 'counts_state' THEN 'stale' ELSE value END AS value FROM ({source})"
        return source

    @contextmanager
    def province(self, code: str) -> Iterator[ProvinceView]:
        with scratch() as con:
            for table in layout.TABLE_NAMES:
                con.execute(f"CREATE VIEW {table} AS {self._source(table, code)}")
            yield ProvinceView(con, code)

    def close(self) -> None:
        pass


# -- Spark ------------------------------------------------------------------

def _literal(value) -> str:
    """A Python parameter as a DuckDB literal (transpiled to Spark with the rest of the statement)."""
    if value is None:
        return "NULL"
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, (int, float)):
        return repr(value)
    if isinstance(value, dt.datetime):
        return f"TIMESTAMP '{value.isoformat(sep=' ')}'"
    if isinstance(value, dt.date):
        return f"DATE '{value.isoformat()}'"
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(_literal(v) for v in value) + "]"
    return _sql_text(str(value))


def inline_parameters(sql: str, params) -> str:
    """``sql`` with each ``?`` (found by SQLGlot's DuckDB tokenizer, so never one inside a string) replaced."""
    params = list(params or [])
    # "?::DATE" comes as one token (QDCOLON, "?::"): its "?" is a parameter too.
    marks = [t.start for t in sqlglot.Dialect.get_or_raise("duckdb").tokenize(sql)
             if t.token_type == TokenType.PLACEHOLDER or (t.token_type == TokenType.QDCOLON and t.text.startswith("?"))]
    if len(marks) != len(params):
        raise ValueError(f"{len(marks)} tham số trong câu lệnh nhưng có {len(params)} giá trị")
    out, last = [], 0
    for start, value in zip(marks, params):
        out += [sql[last:start], _literal(value)]
        last = start + 1
    return "".join(out) + sql[last:]


def _parse(sql: str, params=None):
    return sqlglot.parse_one(inline_parameters(sql, params), read="duckdb")


def _spark_text(tree) -> str:
    """Spark SQL of a parsed DuckDB statement. ``WITH … AS MATERIALIZED`` is a DuckDB planning hint
    Spark's parser does not know: dropped (the result is the same)."""
    for cte in tree.find_all(sqlglot.exp.CTE):
        if cte.args.get("materialized") is not None:
            cte.set("materialized", None)
    return tree.sql(dialect="spark")


def to_spark_sql(sql: str, params=None) -> str:
    """A DuckDB statement of ``kpi.measures.metrics`` as Spark SQL (SQLGlot)."""
    return _spark_text(_parse(sql, params))


class _SparkResult:
    def __init__(self, frame):
        self._frame = frame

    def df(self) -> pd.DataFrame:
        return self._frame.toPandas()

    def fetchall(self) -> list[tuple]:
        return [tuple(row) for row in self._frame.collect()]

    def fetchone(self) -> tuple | None:
        rows = self._frame.take(1)
        return tuple(rows[0]) if rows else None


# Tables of a few rows (the data date, the units registry, the targets, Biểu 06 forms, the 766 figures): a
# statement that reads only these runs on the driver's DuckDB over the same Parquet files, saving a Spark job.
DRIVER_TABLES = frozenset({"meta", "units", "targets", "form06_rows", "portal_scores", "load_batches"})


def tables_read(sql: str, params=None) -> set[str]:
    """The tables a DuckDB statement reads (names of its CTEs left out)."""
    return _tables_of(_parse(sql, params))


def _tables_of(tree) -> set[str]:
    ctes = {cte.alias_or_name for cte in tree.find_all(sqlglot.exp.CTE)}
    return {table.name for table in tree.find_all(sqlglot.exp.Table)} - ctes


class SparkConnection:
    """A DuckDB-like ``execute(sql, params)`` over a SparkSession.

    ``names`` maps a warehouse table to the Spark view of this province (several provinces are
    counted at once, each under its own view names); ``driver`` is a DuckDB connection with the same
    province's views, for statements that read only ``DRIVER_TABLES``.
    """

    def __init__(self, spark, driver=None, names: dict[str, str] | None = None):
        self.spark = spark
        self.driver = driver
        self.names = names or {}

    def execute(self, sql: str, params=None):
        tree = _parse(sql, params)
        read = _tables_of(tree)
        if self.driver is not None and read <= DRIVER_TABLES:
            return self.driver.execute(sql, params or [])
        for table in tree.find_all(sqlglot.exp.Table):
            if table.name in read and table.name in self.names:
                table.set("this", sqlglot.exp.to_identifier(self.names[table.name]))
        return _SparkResult(self.spark.sql(_spark_text(tree)))


SPARK_CONF = {
    # Partition values are text: a province code "01" must stay "01".
    "spark.sql.sources.partitionColumnTypeInference.enabled": "false",
    "spark.sql.execution.arrow.pyspark.enabled": "true",
    "spark.sql.session.timeZone": "Asia/Ho_Chi_Minh",
    "spark.ui.enabled": "false",
    "spark.ui.showConsoleProgress": "false",
    "spark.sql.adaptive.enabled": "true",
}


def spark_session(master: str | None = None, shuffle_partitions: int = 8, remote: str | None = None):
    """A SparkSession. Over Spark Connect when ``remote`` (or else the ``SPARK_REMOTE`` variable) names an
    endpoint (``sc://host:15002``); otherwise a classic one on ``master`` (``local[*]``,
    ``spark://host:7077``, …) or, without one, on what ``spark-submit`` configured."""
    from pyspark.sql import SparkSession

    # Python workers (the strip_accents function) run this interpreter, not whatever python3 is on PATH.
    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    settings = {**SPARK_CONF, "spark.sql.shuffle.partitions": str(shuffle_partitions)}
    remote = remote or os.environ.get("SPARK_REMOTE")
    if remote:
        return _connect_session(remote, settings)
    builder = SparkSession.builder.appName("tthc-kpi-national")
    if master:
        builder = builder.master(master)
    for key, value in settings.items():
        builder = builder.config(key, value)
    spark = builder.getOrCreate()
    spark.sparkContext.setLogLevel("ERROR")
    return spark


def _connect_session(url: str, settings: dict[str, str]):
    """A Spark Connect client session on ``url``. Only SQL settings are sent: the server keeps its own
    (UI, master, …). An ``sc://`` endpoint is asked through the Connect client's own builder, which
    a classic session of this process (the tests' JVM serving Connect) does not stand in the way of;
    another value (``local[*]``) is pyspark's, which starts a local Connect server for it."""
    if url.startswith("sc://"):
        from pyspark.sql.connect.session import SparkSession as ConnectSession

        _check_reachable(url)
        builder = ConnectSession.builder.remote(url)
    else:
        from pyspark.sql import SparkSession

        builder = SparkSession.builder.remote(url)
    for key, value in settings.items():
        if key.startswith("spark.sql."):
            builder = builder.config(key, value)
    return builder.getOrCreate()


CONNECT_PORT = 15002  # Spark Connect's default port, when the address names none
CONNECT_TIMEOUT_S = 10


def _check_reachable(url: str) -> None:
    """Refuse at once an endpoint nobody answers on: the Connect client would retry for minutes."""
    address = urllib.parse.urlsplit(url.replace("sc://", "http://", 1))
    host, port = address.hostname or "localhost", address.port or CONNECT_PORT
    try:
        socket.create_connection((host, port), timeout=CONNECT_TIMEOUT_S).close()
    except OSError as error:
        raise ValueError(f"Không kết nối được Spark Connect tại {host}:{port} ({error}).") from error


def strip_accents(text: str | None) -> str | None:
    """DuckDB's ``strip_accents`` (combining marks removed; đ stays đ), for Spark, which has none."""
    if text is None:
        return None
    return "".join(c for c in unicodedata.normalize("NFD", text) if not unicodedata.combining(c))


def _register_strip_accents(spark) -> None:
    """``strip_accents`` as a Spark SQL function. Defined here, so cloudpickle ships its code to the
    Python workers instead of a reference to this module (executors need not have the project)."""
    import unicodedata as text_data

    def strip(text):
        if text is None:
            return None
        return "".join(c for c in text_data.normalize("NFD", text) if not text_data.combining(c))

    spark.udf.register("strip_accents", strip, "string")


class SparkEngine:
    name = "spark"
    parallel = 4  # provinces counted at once (each under its own view names): the cluster stays busy

    def __init__(self, lake: str | Path, spark=None, rows: bool = False):
        """``rows``: ignore the pre-aggregated counts and count from the dossier rows (benchmarks)."""
        self.lake = Path(lake)
        self.spec = layout.require_schema(self.lake)
        self.rows = rows
        self._own = spark is None
        self.spark = spark if spark is not None else spark_session("local[*]")
        self._tables: dict = {}
        # Used by the withdrawn-status test of the dossier-row path (kpi.measures.precount.withdrawn_sql).
        _register_strip_accents(self.spark)

    def _whole(self, table: str):
        """The table of every province, read once (partition columns province, year, month as text)."""
        if table not in self._tables:
            folder = self.lake / table
            if any(folder.rglob("*.parquet")) if folder.exists() else False:
                self._tables[table] = self.spark.read.parquet(str(folder))
            else:
                self._tables[table] = self.spark.sql(to_spark_sql(_empty_select(self.spec["tables"][table]["columns"])))
        return self._tables[table]

    def _frame(self, table: str, province: str):
        """The province's rows with the warehouse's columns only (the partition columns dropped)."""
        whole = self._whole(table)
        if "province" not in whole.columns:
            return whole
        # The frame's own column (not functions.col): right for a classic and a Spark Connect session alike.
        return whole.where(whole["province"] == province).drop(*[c for c in ("province", "year", "month")
                                                                 if c in whole.columns])

    @contextmanager
    def province(self, code: str) -> Iterator[ProvinceView]:
        prefix = "lake_" + re.sub(r"\W", "_", code) + "_"
        names = {table: prefix + table for table in layout.TABLE_NAMES}
        for table, view in names.items():
            self._frame(table, code).createOrReplaceTempView(view)
        try:
            with DuckDBEngine(self.lake, rows=self.rows).province(code) as driver:
                yield ProvinceView(SparkConnection(self.spark, driver.read_connection(), names), code)
        finally:
            for view in names.values():
                self.spark.catalog.dropTempView(view)

    def close(self) -> None:
        if self._own:
            self.spark.stop()


def open_engine(name: str, lake: str | Path, spark=None):
    """The engine called ``name`` over ``lake`` (``spark``: the given session, else a local one)."""
    if name == "duckdb":
        return DuckDBEngine(lake)
    if name == "spark":
        return SparkEngine(lake, spark)
    raise ValueError(f"Không có bộ máy «{name}»: chọn {' hoặc '.join(ENGINES)}.")

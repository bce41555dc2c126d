"""The province lake: a province's facts as hive-partitioned Parquet, and KPIs over many provinces.

Belongs here: what a province publishes to shared storage (``export``: dossiers, PAKN,
surveys, Biểu 06 rows, units with their lineage, targets, the data date, the pre-aggregated
counts, the QĐ 766 figures published or entered) and how the national view reads it back
(``engines``: the same SQL that ``kpi.measures.metrics`` builds, run by DuckDB or transpiled
with SQLGlot for Apache Spark, locally, on a cluster or through Spark Connect; ``national``:
per-province and national summaries, rankings and QĐ 766 indexes); ``layout`` says where each
table lives and which schema version the lake has. A simulated many-province lake: ``etl.sample_lake``.

Imports ``kpi.config``, ``kpi.text``, ``kpi.warehouse`` (DuckDB only through ``kpi.warehouse.db``)
and ``kpi.measures``; pyspark only inside the Spark engine, when it is asked for.
Must not: compute a KPI (the engines run ``kpi.measures.metrics``' own queries against the lake,
so a KPI is still defined once), import ``etl`` or streamlit.
"""

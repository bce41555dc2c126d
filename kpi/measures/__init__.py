"""The domain's numbers: KPI definitions (``metrics``, on the shape of ``indicators``), periods,
levels, the units registry, filters and scope, plan targets, target status and its colours
(``status``), the verdict, the aggregated Biểu 06 counts, data quality.

Belongs here: what a KPI is, how it is counted and judged (DOMAIN.md §3–§5).
Must not: render anything, open DuckDB other than through ``kpi.warehouse``, or know about
accounts. Imports ``kpi.warehouse``, ``kpi.text`` and ``kpi.config``.
"""

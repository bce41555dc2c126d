"""Core of the TTHC KPI dashboard. Nothing in this package imports streamlit.

Rooms, each importing only the ones above it:

- ``kpi.config``     every setting, declared once
- ``kpi.text``       words and formatters (Vietnamese), text normalization
- ``kpi.warehouse``  the one door to DuckDB, schema, audit log, source profiles
- ``kpi.measures``   KPI definitions, periods, levels, units, filters, targets, verdict
- ``kpi.plan``       the yearly plan document: its targets, manual targets and tasks
- ``kpi.access``     accounts, roles, scopes, sessions
- ``kpi.tracking``   the plan followed: task progress, figures of non-data targets entered by hand
- ``kpi.alerts``     alert rules, digests by e-mail and webhook, each alert sent once
- ``kpi.reports``    Biểu 06, slides, narrative, PDF pack, drill-down Excel
- ``kpi.lake``       the province lake (Parquet) and the national roll-up on DuckDB or Spark
- ``kpi.cli``        ``python -m kpi …``

Pages, the ETL and exports call these functions; none of them computes a KPI on its own.
"""

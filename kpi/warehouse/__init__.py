"""Storage: the one door to DuckDB (``db``), the tables and their migrations (``schema``), the
audit log (``audit``) and saved source profiles (``profiles``).

Belongs here: opening, locking, retrying, creating tables, append-only records.
Must not: define a KPI or format a label. Imports only ``kpi.config`` and ``kpi.text``.
"""

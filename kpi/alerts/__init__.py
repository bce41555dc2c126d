"""Alerts: what slipped, told once to each person whose scope covers it.

Belongs here: the alert rules (``rules``: a unit below its target for the latest complete month, a KPI
projected to miss the year's target, a plan task overdue, a unit with no upload for N days), the
digests and their delivery by e-mail (smtplib) and a generic JSON webhook (``deliver``), and the run
that filters by scope, skips what was already sent (table ``sent_alerts``), holds everything in quiet
hours and audits every sending (``run``).
Must not: compute a KPI (it asks ``kpi.measures``), import streamlit, or open DuckDB but through
``kpi.warehouse.db``. Imports ``kpi.config``, ``kpi.text``, ``kpi.warehouse``, ``kpi.measures``,
``kpi.access`` and ``kpi.tracking``; nothing below imports it except ``kpi.cli``.
"""

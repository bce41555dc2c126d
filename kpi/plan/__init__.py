"""The yearly plan (kế hoạch kiểm soát TTHC) inside the dashboard: reading the plan document
(``.docx``, text-layer ``.pdf``, plain text), proposing its targets, its non-data (manual) targets
and its task appendix, and storing the proposal and the admin's review.

Belongs here: everything that turns a plan document into rows of ``plan_documents``,
``plan_targets``, ``plan_manual_targets`` and ``plan_tasks`` (schema migration 8), and the
confirmation that makes reviewed targets a new version of ``targets``.
Must not: render anything, open DuckDB other than through ``kpi.warehouse``, compute a KPI.
Imports ``kpi.measures`` (target keys, the targets table), ``kpi.warehouse``, ``kpi.text`` and
``kpi.config``; ``kpi.reports`` and ``kpi.cli`` may import it.
"""

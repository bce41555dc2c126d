"""Following the year's plan after it is imported: task progress and targets without dossier data.

Belongs here: the progress of each plan task (``tasks``: status chưa bắt đầu / đang làm / hoàn thành,
"quá hạn" derived from the deadline and today, evidence, who updated it and when, each update a row of
``plan_task_updates``) and the figures entered by hand for the plan's non-data targets (``manual``:
numerator / denominator and evidence per period, rows of ``manual_values``), both within the user's
scope and audited like data.
Must not: parse plan documents (``kpi.plan`` does), render anything, import streamlit.
Imports ``kpi.config``, ``kpi.text``, ``kpi.warehouse``, ``kpi.measures`` and ``kpi.access``;
``kpi.alerts``, ``kpi.reports`` and ``kpi.cli`` may import it.
"""

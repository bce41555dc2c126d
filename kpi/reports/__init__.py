"""What leaves the screen: Biểu 06 out (``form06``), the meeting slides and their charts,
the narrative, the PDF pack, the drill-down Excel.

Belongs here: turning the numbers of ``kpi.measures`` into documents.
Must not: count dossiers a second way — every number comes from ``kpi.measures``.
Imports ``kpi.measures``, ``kpi.warehouse``, ``kpi.access`` (scope of the caller) and ``kpi.text``.
"""

"""Words: every Vietnamese label, phrase and number/date formatter, and text normalization.

Belongs here: strings people read (``vi`` shared labels and formatters, ``verdict``, ``report``,
``quality``) and ``normalize`` (fold, NFC, Vietnamese sort keys).
Must not: decide anything. No query, no threshold, no list of which KPIs exist — those live on
their definitions in ``kpi.measures``. Imports nothing from ``kpi`` but ``kpi.config``.
"""

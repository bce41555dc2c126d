"""Core of the TTHC KPI dashboard: warehouse, KPI definitions, targets, periods, reports.

Nothing in this package imports streamlit; pages, the CLI and exports all call it.
"""

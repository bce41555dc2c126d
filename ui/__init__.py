"""Streamlit-side helpers shared by dashboard.py and pages/ (the core stays in kpi/)."""

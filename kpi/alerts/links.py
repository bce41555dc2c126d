"""The dashboard address each alert points to, so a digest reader lands on the numbers behind it.

Belongs here: which page of the dashboard shows what an alert is about, and the dossier set
(``kpi.measures.metrics.DRILL_SETS``) behind a unit's miss. The page names are the dashboard's
URL paths (``ui.nav.PAGES``; a test checks they exist). Empty ``dashboard_url``: no links.
"""
from __future__ import annotations

from urllib.parse import urlencode, urljoin

from kpi import config
from kpi.alerts.rules import Alert

# The page that charts each KPI.
KPI_PAGES = {
    "on_time_rate": "on_time", "progress_rate_766": "on_time", "digitization_rate": "digitization",
    "e_result_rate": "online", "online_rate": "online", "satisfaction_rate": "satisfaction",
    "pakn_on_time_rate": "pakn", "pakn_satisfaction_rate": "pakn",
}
# The dossiers that make a unit miss a KPI, listed by 'Tra cứu hồ sơ' (a KPI without one links to its page).
KPI_DRILL_SETS = {
    "on_time_rate": "resolved_overdue", "progress_rate_766": "in_progress_overdue",
    "digitization_rate": "not_digitized", "e_result_rate": "no_e_result",
}
RULE_PAGES = {"task_overdue": "plan_tasks", "no_upload": "history"}
DRILL_PAGE, HOME_PAGE = "drilldown", "overview"


def alert_url(alert: Alert, base: str | None = None) -> str | None:
    """The address of the page behind ``alert`` on the dashboard at ``base`` (default: the setting)."""
    base = str(config.get("dashboard_url") if base is None else base).strip()
    if not base:
        return None
    base = base if base.endswith("/") else base + "/"
    path, params = _target(alert)
    return urljoin(base, path) + (f"?{urlencode(params)}" if params else "")


def _target(alert: Alert) -> tuple[str, dict]:
    kpi = alert.detail.get("kpi")
    if alert.rule == "unit_below" and kpi in KPI_DRILL_SETS:
        return DRILL_PAGE, {"set": KPI_DRILL_SETS[kpi], "unit": alert.unit_id, "month": alert.detail.get("month")}
    if kpi in KPI_PAGES:
        return KPI_PAGES[kpi], {}
    return RULE_PAGES.get(alert.rule, HOME_PAGE), {}

"""The alert rules. Each returns ``Alert``s with a stable key: the same situation on the next run gives
the same key, so ``kpi.alerts.run`` sends it once. A rule that cannot run yet (no forecast module, no
plan tasks, no data) is reported as skipped with its reason, never silently empty.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from kpi import config
from kpi.measures import metrics, periods, targets as targets_mod, verdict
from kpi.measures.filters import Scope
from kpi.text import alerts as alerts_text, vi
from kpi.warehouse.db import Warehouse

RULES = ("unit_below", "forecast_miss", "task_overdue", "no_upload")


@dataclass(frozen=True)
class Alert:
    """One thing that slipped. ``unit_id`` None with ``level`` None is province-wide."""

    key: str
    rule: str
    text: str
    unit_id: str | None = None
    level: str | None = None
    detail: dict = field(default_factory=dict, compare=False, hash=False)

    def visible_to(self, scope: Scope) -> bool:
        """Whether a recipient with ``scope`` may see this alert (same rule as the data: Scope)."""
        if scope.is_province:
            return True
        if self.unit_id is not None:
            return scope.allows_unit(self.unit_id, self.level)
        return scope.kind == "level" and self.level is not None and scope.level == self.level


@dataclass
class Findings:
    alerts: list[Alert] = field(default_factory=list)
    skipped: dict[str, str] = field(default_factory=dict)  # rule → why it did not run


def latest_complete_month(data_date: dt.date) -> periods.Period:
    """The last calendar month the data covers to its last day."""
    this_month = periods.month(data_date.year, data_date.month)
    return this_month if data_date == this_month.end else this_month.previous()


def units_below_target(wh: Warehouse, data_date: dt.date) -> list[Alert]:
    """A unit below its target for the latest complete month, per KPI with a target; a unit with fewer
    dossiers than ``verdict_min_dossiers`` in the KPI's denominator is not judged."""
    month = latest_complete_month(data_date)
    in_force = targets_mod.targets_for_year(wh, month.end.year)
    by_unit = metrics.kpi_table(wh, month, None, None, ("level", "unit"))
    names = dict(zip(*[metrics.units_frame(wh)[c] for c in ("unit_id", "name")]))
    indicators = sorted({t.indicator for t in in_force if t.indicator in metrics.KPIS})
    alerts = []
    for kpi in indicators:
        for unit in verdict.rank_units(month, by_unit, kpi, in_force, names).below:
            if unit.den < verdict.min_dossiers():
                continue
            month_text = f"{month.start:%m/%Y}"
            text = alerts_text.UNIT_BELOW.format(
                unit=unit.name, kpi=vi.KPI_LABELS.get(kpi, kpi), month=month_text, value=unit.text,
                target=verdict.rate_text(unit.target.threshold, None, 0) if unit.target else "",
                gap=alerts_text.UNIT_BELOW_GAP.format(n=vi.num(unit.gap)))
            alerts.append(Alert(f"unit_below:{month.start:%Y-%m}:{unit.unit_id}:{kpi}", "unit_below", text,
                                unit.unit_id, unit.level,
                                {"kpi": kpi, "month": f"{month.start:%Y-%m}", "value": unit.value,
                                 "num": unit.num, "den": unit.den, "gap": unit.gap,
                                 "threshold": unit.target.threshold if unit.target else None}))
    return alerts


def forecast_misses(wh: Warehouse, data_date: dt.date) -> list[Alert]:
    """Per level, a plan KPI whose year-end forecast (kpi.measures.forecast, at the current pace) does not
    reach the level's target; a level with fewer dossiers so far than ``verdict_min_dossiers`` is not
    judged, and a year already over has a value, not a forecast. Keyed per year: told once a year."""
    from kpi.measures import forecast

    year = data_date.year
    in_force = targets_mod.targets_for_year(wh, year)
    selection, _ = forecast.for_warehouse(wh, year, in_force)
    alerts = []
    for kpi, both in selection.items():
        for level, fc in both.levels.items():
            if fc.method in (forecast.FINAL, forecast.NO_DATA) or fc.target is None or fc.value is None:
                continue
            if fc.den_so_far < verdict.min_dossiers() or fc.target.assess(fc.value) != targets_mod.NOT_MET:
                continue
            text = alerts_text.FORECAST_MISS.format(
                scope=vi.LEVEL_LABELS.get(level, level), kpi=vi.KPI_LABELS.get(kpi, kpi), year=year,
                value=verdict.rate_text(fc.value, fc.target), target=verdict.rate_text(fc.target.threshold, None, 0))
            alerts.append(Alert(f"forecast_miss:{year}:{level}:{kpi}", "forecast_miss", text, None, level,
                                {"kpi": kpi, "year": year, "value": fc.value, "low": fc.low, "high": fc.high,
                                 "threshold": fc.target.threshold, "method": fc.method}))
    return alerts


def no_upload(wh: Warehouse, today: dt.date, days: int | None = None) -> list[Alert]:
    """Units still in existence whose newest loaded rows (dossiers, PAKN, surveys, Biểu 06) came in a batch
    finished more than ``days`` days ago, or that never had any. A re-upload that only repeats unchanged
    rows does not count as new data (its rows keep their first batch)."""
    days = int(config.get("alerts_no_upload_days") if days is None else days)
    rows = wh.query(f"""
        WITH unit_batches AS (
          SELECT DISTINCT unit_id, batch_id FROM dossiers UNION
          SELECT DISTINCT unit_id, batch_id FROM feedback UNION
          SELECT DISTINCT unit_id, batch_id FROM surveys UNION
          SELECT DISTINCT unit_id, batch_id FROM form06_rows),
        latest AS (
          SELECT ub.unit_id, max(b.finished_at) AS last_at FROM unit_batches ub
          JOIN load_batches b ON b.batch_id = ub.batch_id AND b.status = 'loaded' GROUP BY ub.unit_id)
        SELECT u.unit_id, u.name, u.level, l.last_at FROM units u LEFT JOIN latest l USING (unit_id)
        WHERE (u.valid_to IS NULL OR u.valid_to >= ?)
          AND (l.last_at IS NULL OR CAST(l.last_at AS DATE) < ?)
        ORDER BY u.unit_id""", [today, today - dt.timedelta(days=days)])
    alerts = []
    for unit_id, name, level, last_at in rows:
        if last_at is None:
            text, since = alerts_text.NO_UPLOAD_NEVER.format(unit=name), "never"
        else:
            text = alerts_text.NO_UPLOAD.format(unit=name, days=days, last=vi.date(last_at))
            since = f"{last_at:%Y-%m-%d}"
        # Keyed on the last upload: a unit that uploads and then falls silent again is told again.
        alerts.append(Alert(f"no_upload:{unit_id}:{since}", "no_upload", text, unit_id, level,
                            {"last_upload": None if last_at is None else str(last_at), "days": days}))
    return alerts


def overdue_tasks(wh: Warehouse, today: dt.date) -> list[Alert]:
    """Plan tasks past their deadline and not done (kpi.tracking.tasks decides 'overdue')."""
    from kpi.tracking import tasks as tasks_mod

    alerts = []
    for task in tasks_mod.overdue(wh, today):
        text = alerts_text.TASK_OVERDUE.format(lead=task.lead or "", task=task.title, deadline=task.deadline_text
                                               or vi.date(task.deadline_to))
        alerts.append(Alert(f"task_overdue:{task.task_id}:{task.deadline_to:%Y-%m-%d}", "task_overdue", text,
                            task.lead_unit_id, task.lead_level,
                            {"task_id": task.task_id, "deadline_to": str(task.deadline_to)}))
    return alerts


def collect(wh: Warehouse, today: dt.date, rules: tuple[str, ...] = RULES) -> Findings:
    """Every alert of the chosen rules as of ``today``."""
    from kpi.tracking import tasks as tasks_mod

    found = Findings()
    data_date = metrics.data_date(wh)
    if "unit_below" in rules:
        if data_date is None:
            found.skipped["unit_below"] = alerts_text.SKIP_NO_DATA
        else:
            found.alerts += units_below_target(wh, data_date)
    if "forecast_miss" in rules:
        if data_date is None:
            found.skipped["forecast_miss"] = alerts_text.SKIP_NO_DATA
        else:
            found.alerts += forecast_misses(wh, data_date)
    if "task_overdue" in rules:
        if tasks_mod.available(wh):
            found.alerts += overdue_tasks(wh, today)
        else:
            found.skipped["task_overdue"] = alerts_text.SKIP_NO_TASKS
    if "no_upload" in rules:
        found.alerts += no_upload(wh, today)
    return found

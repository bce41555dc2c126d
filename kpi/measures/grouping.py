"""How a KPI query is split: by time (months, quarters of P) and by columns (level, unit…).

Shared by the dossier/PAKN/survey counts (kpi.measures.metrics) and the Biểu 06 counts
(kpi.measures.aggregates), so both group the same way and their rows line up.
"""
from __future__ import annotations

from kpi.measures.periods import Period

# Groupings a query may ask for, and the column each groups by.
GROUPS = {
    "level": "level",
    "unit": "unit_id",
    "field": "field",
    "procedure": "procedure",
    "channel": "channel",
}
# Time groupings split P into its calendar months or quarters (clipped to P).
TIME_GROUPS = ("month", "quarter")


def is_timed(group_by: tuple[str, ...]) -> bool:
    return any(g in TIME_GROUPS for g in group_by)


def parts(period: Period, group_by: tuple[str, ...]) -> list[Period]:
    """The parts of P a query reports on: its months, its quarters, or P itself."""
    if "month" in group_by:
        return period.months()
    if "quarter" in group_by:
        return period.quarters()
    return [period]


def periods_sql(period: Period, group_by: tuple[str, ...]) -> tuple[str, list]:
    """A (pstart, pend) VALUES table of the parts, and its parameters."""
    chosen = parts(period, group_by)
    values = ", ".join("(?::DATE, ?::DATE)" for _ in chosen)
    params = [d for p in chosen for d in (p.start, p.end)]
    return f"SELECT * FROM (VALUES {values}) AS v(pstart, pend)", params


def group_columns(group_by: tuple[str, ...], available: set[str], alias: str = "d") -> tuple[list[str], list[str]]:
    """(select expressions, output names) for the non-time groupings.

    A grouping the table does not have (PAKN has no procedure) groups as NULL.
    """
    selects, names = [], []
    for key in group_by:
        if key in TIME_GROUPS:
            continue
        if key not in GROUPS:
            raise ValueError(f"Không hỗ trợ nhóm theo '{key}'")
        column = GROUPS[key]
        expr = f"{alias}.{column}" if column in available else "NULL::VARCHAR"
        selects.append(f"{expr} AS {column}")
        names.append(column)
    return selects, names


def key_columns(group_by: tuple[str, ...]) -> list[str]:
    """The key columns of a grouped result, in order."""
    keys = ["period_start", "period_end"] if is_timed(group_by) else []
    return keys + [GROUPS[g] for g in group_by if g not in TIME_GROUPS]

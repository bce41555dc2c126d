"""What a query may see: the user's filters, narrowed by the user's scope.

``where_clause`` is the one enforcement point (issue 7): every query of dossier-,
feedback- or unit-level data builds its WHERE through it, so no page, drill-down
or export can ask for rows outside the scope it was given.
"""
from __future__ import annotations

from dataclasses import dataclass, field as dc_field


@dataclass(frozen=True)
class Filters:
    """What the user picked in the shared filters. Empty means 'all'."""

    level: str | None = None
    unit_ids: tuple[str, ...] = ()
    fields: tuple[str, ...] = ()


@dataclass(frozen=True)
class Scope:
    """What a user is allowed to see.

    kind 'province' sees everything; 'level' sees one level; 'units' sees a set of
    units (an analyst of a district holds the district and its communes, expanded
    when the scope is built).
    """

    kind: str = "province"
    level: str | None = None
    unit_ids: tuple[str, ...] = dc_field(default_factory=tuple)

    @property
    def is_province(self) -> bool:
        return self.kind == "province"

    def allows_unit(self, unit_id: str, unit_level: str | None = None) -> bool:
        if self.kind == "province":
            return True
        if self.kind == "level":
            return unit_level == self.level
        return unit_id in self.unit_ids


PROVINCE_SCOPE = Scope()
NOTHING = Scope(kind="units", unit_ids=())


def where_clause(filters: Filters | None, scope: Scope | None, alias: str = "") -> tuple[str, list]:
    """SQL conditions (joined by AND, never empty) and their parameters.

    The table behind ``alias`` must have ``level``, ``unit_id`` and, when fields
    are filtered, ``field`` columns.
    """
    p = f"{alias}." if alias else ""
    filters = filters or Filters()
    scope = scope if scope is not None else PROVINCE_SCOPE
    parts, params = ["TRUE"], []
    if scope.kind == "level":
        parts.append(f"{p}level = ?")
        params.append(scope.level)
    elif scope.kind == "units":
        if not scope.unit_ids:
            parts.append("FALSE")
        else:
            parts.append(f"{p}unit_id IN (SELECT unnest(?::VARCHAR[]))")
            params.append(list(scope.unit_ids))
    if filters.level:
        parts.append(f"{p}level = ?")
        params.append(filters.level)
    if filters.unit_ids:
        parts.append(f"{p}unit_id IN (SELECT unnest(?::VARCHAR[]))")
        params.append(list(filters.unit_ids))
    if filters.fields:
        parts.append(f"{p}field IN (SELECT unnest(?::VARCHAR[]))")
        params.append(list(filters.fields))
    return " AND ".join(parts), params


def levels_in_view(period, scope: Scope | None, level: str | None, with_data: set[str]) -> list[str]:
    """The levels a report or slide deck shows, in order.

    A chosen level, else the scope's level, else for a unit scope the levels its
    units have data in, else every level that existed at some point of the period
    (three before 01/07/2025, two after) or has data.
    """
    from kpi.measures.levels import LEVELS, levels_on

    if level:
        return [level]
    if scope is not None and scope.kind == "level":
        return [scope.level]
    if scope is not None and scope.kind == "units":
        return [lv for lv in LEVELS if lv in with_data]
    existing = set(levels_on(period.start)) | set(levels_on(period.end)) | with_data
    return [lv for lv in LEVELS if lv in existing]

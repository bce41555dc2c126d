"""Figures of the plan's non-data targets, entered by hand (issue 15 item 3).

Half of a plan's targets have no dossier data behind them: procedures published on time, electronic
processes configured, procedures recommended for simplification, the 1022 hotline… An analyst or admin
enters, per period, a numerator and (for a rate) a denominator with its evidence ("412 / 415 TTHC công
khai đúng hạn, Báo cáo số 35/BC-STP"); each entry is a row of ``manual_values`` with who and when, and
a new entry for the same indicator, period and unit supersedes the previous one (kept, never
overwritten), audited ``manual.enter``.

Targets: the confirmed ``plan_manual_targets`` of the plan year in force (a year without its own
inherits the nearest earlier year's, as data targets do). A figure is judged against its target like
every data KPI (``kpi.measures.targets.assess`` on the exact ratio); a count without a denominator
(calls handled) is shown, not judged.

A figure over a period P sums the entries lying inside P, widest first and never counting a day of a
unit twice (a quarter entered as a quarter and as three months counts once, as the quarter). A
province-wide entry (no unit) is seen by province scopes only and, when there is one in P, stands for
the province instead of the sum of units; a scoped user sees the sum of the units in scope
(``where_clause``, as data).
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from kpi.access import permissions
from kpi.access.permissions import AuthError, User
from kpi.measures import targets as targets_mod
from kpi.measures.filters import Filters, Scope, where_clause
from kpi.measures.periods import Period
from kpi.text import plan as plan_text, tracking as tracking_text, vi
from kpi.warehouse import audit
from kpi.warehouse.db import Warehouse

NO_TARGET = "no_target"


def indicator_labels() -> dict[str, str]:
    """Every indicator a figure may be entered for: the plan's manual keys, then the extra counts."""
    return {**plan_text.MANUAL_LABELS, **tracking_text.EXTRA_MANUAL_LABELS}


def label(key: str) -> str:
    return indicator_labels().get(key, key)


@dataclass(frozen=True)
class ManualTarget:
    key: str
    label: str
    level: str | None
    threshold: float | None
    direction: str
    year: int
    section: str | None = None
    quote: str | None = None
    source: str | None = None

    def phrase(self) -> str:
        return "" if self.threshold is None else vi.target_phrase(self.threshold, self.direction)


@dataclass(frozen=True)
class Entry:
    value_id: int
    key: str
    period_from: dt.date
    period_to: dt.date
    unit_id: str | None
    level: str | None
    numerator: float
    denominator: float | None
    evidence: str | None
    entered_by: str
    entered_at: dt.datetime
    superseded_at: dt.datetime | None = None

    @property
    def days(self) -> int:
        return (self.period_to - self.period_from).days + 1


@dataclass(frozen=True)
class Figure:
    """One manual indicator over a period: summed entries, its target and status, and where it came from."""

    key: str
    label: str
    numerator: float | None
    denominator: float | None
    target: ManualTarget | None
    status: str
    entries: tuple[Entry, ...] = field(default_factory=tuple)

    @property
    def value(self) -> float | None:
        """The rate when there is a denominator; None for a count or no data."""
        if self.numerator is None or not self.denominator:
            return None
        return self.numerator / self.denominator

    @property
    def is_count(self) -> bool:
        return self.numerator is not None and self.denominator is None

    def value_text(self) -> str:
        """'99,3% (412/415)', '1.022' for a count, 'Chưa có dữ liệu' when nothing was entered."""
        if self.numerator is None:
            return vi.NO_DATA
        if self.is_count:
            return vi.num(self.numerator)
        from kpi.measures.verdict import rate_text_for

        threshold = self.target.threshold if self.target else None
        direction = self.target.direction if self.target else ">="
        return (f"{rate_text_for(self.value, threshold, direction)} "
                f"({vi.num(self.numerator)}/{vi.num(self.denominator)})")

    def provenance(self) -> str:
        """'nhập tay: chuyenvien, 05/04/2024 · Báo cáo 35/BC-STP' (the latest entry behind the figure)."""
        if not self.entries:
            return ""
        last = max(self.entries, key=lambda e: e.entered_at)
        text = tracking_text.PROVENANCE.format(who=last.entered_by, when=vi.date(last.entered_at))
        return f"{text} · {last.evidence}" if last.evidence else text


# -- targets ----------------------------------------------------------------------------------
def targets_for_year(wh: Warehouse, year: int) -> dict[str, ManualTarget]:
    """The confirmed manual targets in force for ``year``: each key's from the nearest plan year ≤ year."""
    rows = wh.query("""
        SELECT m.key, m.label, m.level, m.threshold, m.direction, m.year, m.section, m.quote,
               coalesce(d.reference, d.file_name)
        FROM plan_manual_targets m LEFT JOIN plan_documents d USING (doc_id)
        WHERE m.status = 'confirmed' AND m.year <= ?
        QUALIFY row_number() OVER (PARTITION BY m.key ORDER BY m.year DESC, m.manual_target_id DESC) = 1
        ORDER BY m.manual_target_id""", [int(year)])
    return {r[0]: ManualTarget(r[0], label(r[0]) if r[0] in indicator_labels() else r[1],
                               None if r[2] in (None, "all") else r[2], r[3], r[4] or ">=", r[5], r[6], r[7], r[8])
            for r in rows}


# -- entering ---------------------------------------------------------------------------------
def _check_values(numerator: float, denominator: float | None) -> None:
    if numerator is None or numerator < 0:
        raise ValueError(tracking_text.MANUAL_BAD_NUMERATOR)
    if denominator is not None:
        if denominator <= 0:
            raise ValueError(tracking_text.MANUAL_BAD_DENOMINATOR)
        if numerator > denominator:
            raise ValueError(tracking_text.MANUAL_NUM_OVER_DEN)


def _unit_level(wh: Warehouse, unit_id: str | None) -> str | None:
    if unit_id is None:
        return None
    rows = wh.query("SELECT level FROM units WHERE unit_id = ?", [unit_id])
    if not rows:
        raise ValueError(tracking_text.MANUAL_UNKNOWN_UNIT.format(unit=unit_id))
    return rows[0][0]


def enter(wh: Warehouse, user: User, key: str, period: Period, numerator: float, denominator: float | None = None,
          *, evidence: str | None = None, unit_id: str | None = None, now: dt.datetime | None = None) -> Entry:
    """Record one figure (module doc). ``AuthError`` without ``enter_manual`` or outside the user's scope
    (a province-wide figure needs a province scope); ``ValueError`` on impossible numbers."""
    if not permissions.can(user, "enter_manual"):
        raise AuthError(tracking_text.MANUAL_NOT_ALLOWED)
    if key not in indicator_labels():
        raise ValueError(tracking_text.MANUAL_UNKNOWN_KEY.format(key=key))
    _check_values(numerator, denominator)
    level = _unit_level(wh, unit_id)
    allowed = user.scope.is_province if unit_id is None else user.scope.allows_unit(unit_id, level)
    if not allowed:
        raise AuthError(tracking_text.MANUAL_NOT_IN_SCOPE)
    now = now or dt.datetime.now()
    evidence = (evidence or "").strip() or None
    same = "indicator = ? AND period_from = ? AND period_to = ? AND unit_id IS NOT DISTINCT FROM ? AND superseded_at IS NULL"
    params = [key, period.start, period.end, unit_id]
    with wh.write() as con:
        before = con.execute(f"SELECT numerator, denominator FROM manual_values WHERE {same}", params).fetchone()
        con.execute(f"UPDATE manual_values SET superseded_at = ? WHERE {same}", [now] + params)
        value_id = con.execute(
            "INSERT INTO manual_values (indicator, period_from, period_to, unit_id, level, numerator, denominator,"
            " evidence, entered_by, entered_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING value_id",
            params[:4] + [level, float(numerator), None if denominator is None else float(denominator), evidence,
                          user.name, now]).fetchone()[0]
        audit.record(con, user.name, "manual.enter", f"{key}/{period.start}/{period.end}/{unit_id or '*'}", {
            "indicator": key, "period": period.label, "unit_id": unit_id, "numerator": numerator,
            "denominator": denominator, "evidence": evidence,
            "old": None if before is None else {"numerator": before[0], "denominator": before[1]}}, at=now)
    return Entry(value_id, key, period.start, period.end, unit_id, level, float(numerator),
                 None if denominator is None else float(denominator), evidence, user.name, now)


# -- reading ----------------------------------------------------------------------------------
_ENTRY_COLUMNS = ("value_id, indicator, period_from, period_to, unit_id, level, numerator, denominator, evidence,"
                  " entered_by, entered_at, superseded_at")


def entries(wh: Warehouse, scope: Scope | None, *, within: Period | None = None,
            include_history: bool = False, filters: Filters | None = None) -> list[Entry]:
    """Entries the scope may see (province-wide ones: province scopes only), newest first.

    ``filters``: the page's level and units apply (a province-wide entry belongs to no level or unit
    chosen, so it is left out then); fields do not, since nothing is entered per field."""
    chosen = Filters(level=filters.level, unit_ids=filters.unit_ids) if filters else None
    where, params = where_clause(chosen, scope, "m")
    parts = [f"({where} OR (m.unit_id IS NULL AND ?))"]
    params.append((scope is None or scope.is_province) and not (chosen and (chosen.level or chosen.unit_ids)))
    if not include_history:
        parts.append("m.superseded_at IS NULL")
    if within is not None:
        parts.append("m.period_from >= ? AND m.period_to <= ?")
        params += [within.start, within.end]
    # where_clause's level/unit conditions read NULL for a province-wide row; the OR lets only province scopes in.
    sql = (f"SELECT {_ENTRY_COLUMNS} FROM manual_values m WHERE {' AND '.join(parts)}"
           " ORDER BY m.entered_at DESC, m.value_id DESC")
    return [Entry(*row) for row in wh.query(sql, params)]


def _widest_first(items: list[Entry]) -> list[Entry]:
    """Per unit, entries taken widest first, skipping any that shares a day with one already taken."""
    taken: list[Entry] = []
    for entry in sorted(items, key=lambda e: (-e.days, e.period_from)):
        clash = any(t.unit_id == entry.unit_id and t.period_from <= entry.period_to and entry.period_from <= t.period_to
                    for t in taken)
        if not clash:
            taken.append(entry)
    return taken


def figure(key: str, items: list[Entry], target: ManualTarget | None) -> Figure:
    """The figure of one indicator from the entries inside the period (module doc)."""
    province_wide = [e for e in items if e.unit_id is None]
    chosen = _widest_first(province_wide or items)
    if not chosen:
        status = targets_mod.NO_DATA if target and target.threshold is not None else NO_TARGET
        return Figure(key, label(key), None, None, target, status)
    numerator = sum(e.numerator for e in chosen)
    denominator = sum(e.denominator for e in chosen) if all(e.denominator for e in chosen) else None
    if target is None or target.threshold is None:
        status = NO_TARGET
    elif denominator is None:
        status = targets_mod.NO_DATA  # a rate target needs a denominator: a bare count is not judged
    else:
        status = targets_mod.assess(numerator / denominator, target.threshold, target.direction)
    return Figure(key, label(key), numerator, denominator, target, status, tuple(chosen))


def figures(wh: Warehouse, period: Period, scope: Scope | None, filters: Filters | None = None) -> list[Figure]:
    """Every manual indicator with a target in force for the period's year or a figure in the period:
    targets first in the plan's order, then indicators entered without a target (``filters``: see ``entries``)."""
    in_force = targets_for_year(wh, period.end.year)
    inside = entries(wh, scope, within=period, filters=filters)
    keys = list(in_force) + [k for k in dict.fromkeys(e.key for e in reversed(inside)) if k not in in_force]
    return [figure(k, [e for e in inside if e.key == k], in_force.get(k)) for k in keys]

"""Plan targets as data: (year, indicator, level, unit, threshold, direction, source), versioned.

Seeded from ``data/targets.csv`` (DOMAIN §5, plan 170/KH-VP 2024). The most
specific row wins: unit, then level, then the all-levels row.

Inheritance (issue 17): a year's targets are its own rows; every target key
(indicator, level, unit) the year lacks is inherited from the nearest earlier
year that has it (else from the earliest year), and says so through
``source_year``. A year is *confirmed* when it has every key as its own row;
until then ``plan_year`` names the year actually applied ("Chỉ tiêu năm 2024
áp dụng cho 2025"). Saving one target of a year first copies every inherited
target into that year (one transaction), so a new version carries the whole
year: saving one target never loses the others, and the next year inherits
all of them. ``confirm_year`` does the same copy without changing anything,
audited, for an admin who accepts last year's targets as this year's.
"""
from __future__ import annotations

import csv
import datetime as dt
import math
from dataclasses import dataclass

import pandas as pd

from kpi.config import DATA_DIR
from kpi.warehouse.db import Warehouse
from kpi.measures.metrics import KPIS
from kpi.measures.status import MET, NO_DATA, NOT_MET, assess  # noqa: F401 - re-exported

SEED_FILE = DATA_DIR / "targets.csv"
DIRECTIONS = (">=", "<=")


@dataclass(frozen=True)
class Target:
    indicator: str
    threshold: float
    direction: str
    level: str | None
    unit_id: str | None
    source: str
    year: int
    source_year: int

    def assess(self, value: float | None) -> str:
        return assess(value, self.threshold, self.direction)


def seed_rows() -> list[dict]:
    with open(SEED_FILE, encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def seed_targets(con) -> int:
    """Insert the seed targets when the table is empty (inside the caller's transaction)."""
    if con.execute("SELECT count(*) FROM targets").fetchone()[0]:
        return 0
    rows = seed_rows()
    for row in rows:
        con.execute(
            "INSERT INTO targets (year, indicator, level, unit_id, threshold, direction, source, version, created_by)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, 1, 'seed')",
            [int(row["year"]), row["indicator"], row["level"] or None, row["unit_id"] or None,
             float(row["threshold"]), row["direction"], row["source"]],
        )
    return len(rows)


def ensure_seeded(wh: Warehouse) -> int:
    with wh.read() as con:
        if con.execute("SELECT count(*) FROM targets").fetchone()[0]:
            return 0
    with wh.write() as con:
        return seed_targets(con)


def validate(indicator: str, threshold: float, direction: str) -> None:
    """Raise ValueError (Vietnamese) for a target that cannot be right."""
    if indicator not in KPIS:
        raise ValueError(f"Chỉ tiêu '{indicator}' không tồn tại")
    if direction not in DIRECTIONS:
        raise ValueError(f"Chiều so sánh phải là một trong {', '.join(DIRECTIONS)}")
    if not (0.0 <= float(threshold) <= 1.0) or math.isnan(float(threshold)):
        raise ValueError("Ngưỡng phải nằm trong khoảng 0–100%")


_KEY_SQL = "year = ? AND indicator = ? AND level IS NOT DISTINCT FROM ? AND unit_id IS NOT DISTINCT FROM ?"
_INSERT_SQL = ("INSERT INTO targets (year, indicator, level, unit_id, threshold, direction, source, version, created_by)"
               " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)")


def _current_rows(con) -> pd.DataFrame:
    return con.execute(
        "SELECT year, indicator, level, unit_id, threshold, direction, source FROM targets"
        " WHERE superseded_at IS NULL").df()


def _copy_inherited(con, year: int, user: str | None) -> tuple[int, list[int]]:
    """Copy every target the year inherits into the year as its own (version 1). Returns (count, source years)."""
    inherited = [t for t in _resolve(_current_rows(con), year) if t.source_year != year]
    for t in inherited:
        con.execute(_INSERT_SQL, [int(year), t.indicator, t.level, t.unit_id, t.threshold, t.direction, t.source, 1, user])
    return len(inherited), sorted({t.source_year for t in inherited})


def set_target(wh: Warehouse, year: int, indicator: str, threshold: float, *, level: str | None = None,
               unit_id: str | None = None, direction: str = ">=", source: str = "", user: str | None = None) -> int:
    """Add a new version of one target; the previous version stays, marked superseded. Returns the version.

    The year's inherited targets are copied in first (module doc), so no other target is lost.
    """
    validate(indicator, threshold, direction)
    params = [int(year), indicator, level, unit_id]
    with wh.write() as con:
        copied, _ = _copy_inherited(con, int(year), user)
        before = con.execute(f"SELECT threshold FROM targets WHERE {_KEY_SQL} AND superseded_at IS NULL",
                             params).fetchone()
        current = con.execute(f"SELECT max(version) FROM targets WHERE {_KEY_SQL}", params).fetchone()[0] or 0
        con.execute(f"UPDATE targets SET superseded_at = current_timestamp WHERE {_KEY_SQL} AND superseded_at IS NULL",
                    params)
        con.execute(_INSERT_SQL, params + [float(threshold), direction, source, current + 1, user])
        from kpi.warehouse import audit  # local: audit is optional for the core's other users

        audit.record(con, user, "target.set", f"{year}/{indicator}/{level or '*'}/{unit_id or '*'}", {
            "year": int(year), "indicator": indicator, "level": level, "unit_id": unit_id, "direction": direction,
            "old": None if before is None else float(before[0]), "new": float(threshold), "version": current + 1,
            "copied": copied})
    return current + 1


def confirm_year(wh: Warehouse, year: int, user: str | None = None) -> int:
    """Adopt the targets a year inherits as its own (audited ``target.confirm``). Returns how many were copied."""
    with wh.write() as con:
        copied, sources = _copy_inherited(con, int(year), user)
        if copied:
            from kpi.warehouse import audit

            audit.record(con, user, "target.confirm", str(year),
                         {"year": int(year), "from_years": sources, "count": copied})
    return copied


def targets_frame(wh: Warehouse, include_history: bool = False) -> pd.DataFrame:
    where = "" if include_history else "WHERE superseded_at IS NULL"
    return wh.query_df(
        f"SELECT target_id, year, indicator, level, unit_id, threshold, direction, source, version, created_by,"
        f" created_at, superseded_at FROM targets {where} ORDER BY year, indicator, level NULLS FIRST, version"
    )


def targets_for_year(wh: Warehouse, year: int) -> list[Target]:
    """The targets in force for a year: its own, plus each key it lacks inherited (module doc)."""
    return _resolve(targets_frame(wh), year)


def _resolve(frame: pd.DataFrame, year: int) -> list[Target]:
    if frame.empty:
        return []
    found: list[Target] = []
    keyed = frame.assign(_level=frame["level"].fillna(""), _unit=frame["unit_id"].fillna(""))
    for _key, rows in keyed.groupby(["indicator", "_level", "_unit"], sort=False):
        years = sorted(int(y) for y in rows["year"].unique())
        earlier = [y for y in years if y <= year]
        source_year = earlier[-1] if earlier else years[0]
        r = rows[rows["year"] == source_year].iloc[0]
        found.append(Target(r["indicator"], float(r["threshold"]), r["direction"], _none(r["level"]),
                            _none(r["unit_id"]), _none(r["source"]) or "", year, source_year))
    return found


@dataclass(frozen=True)
class PlanYear:
    """Which plan year's targets are applied to ``year``: ``applied`` is ``year`` once it is confirmed."""
    year: int
    applied: int | None
    confirmed: bool
    own: int
    inherited: int


def plan_year(in_force: list[Target], year: int) -> PlanYear:
    """The plan year actually applied for a year, from its targets in force (``targets_for_year``).

    Confirmed when every target is the year's own; otherwise the latest year it inherits from.
    """
    inherited = [t.source_year for t in in_force if t.source_year != year]
    own = len(in_force) - len(inherited)
    if not in_force:
        return PlanYear(year, None, False, 0, 0)
    if not inherited:
        return PlanYear(year, year, True, own, 0)
    return PlanYear(year, max(inherited), False, own, len(inherited))


def applied_plan_year(wh: Warehouse, year: int) -> PlanYear:
    return plan_year(targets_for_year(wh, year), year)


def years_offered(wh: Warehouse, today: dt.date | None = None) -> list[int]:
    """Years the targets editor offers, newest first: every year from the first with targets or data to next year."""
    this_year = (today or dt.date.today()).year
    years = {this_year, this_year + 1}
    # One query (one open of the warehouse); year(min()) rather than min(year()): the column's min and max
    # come from its statistics, not a scan of every dossier.
    ends = " UNION ".join(f"SELECT year({end}({column})) FROM {table}" for table, column in
                          (("dossiers", "received_at"), ("dossiers", "finished_at"), ("feedback", "received_at"))
                          for end in ("min", "max"))
    years |= {int(y) for (y,) in wh.query(f"SELECT DISTINCT year FROM targets UNION {ends}") if y is not None}
    return list(range(max(years), min(years) - 1, -1))


def _none(value):
    return None if value is None or (isinstance(value, float) and math.isnan(value)) or value is pd.NA else value


def pick(targets: list[Target], indicator: str, level: str | None = None, unit_id: str | None = None) -> Target | None:
    """The most specific target for an indicator: the unit's, else its level's, else the all-levels one.

    With ``level=None`` (the whole province) only an all-levels target applies.
    """
    candidates = [t for t in targets if t.indicator == indicator]
    for test in (
        lambda t: unit_id is not None and t.unit_id == unit_id,
        lambda t: t.unit_id is None and level is not None and t.level == level,
        lambda t: t.unit_id is None and t.level is None,
    ):
        found = [t for t in candidates if test(t)]
        if found:
            return found[0]
    return None


def gap_count(numerator: int, denominator: int, threshold: float, direction: str = ">=") -> int | None:
    """How many more numerator dossiers (for ≥) or fewer (for ≤) reach the threshold; None without data.

    With the denominator fixed: the smallest x with (numerator + x) / denominator ≥ threshold.
    """
    if not denominator:
        return None
    exact = threshold * denominator - numerator
    if direction == ">=":
        return max(0, math.ceil(round(exact, 9)))
    return max(0, math.ceil(round(-exact, 9)))


# For kpi.plan.store, which writes a confirmed plan's targets inside its own transaction (one target key,
# and the copy of a year's inherited targets before a new version).
KEY_SQL = _KEY_SQL
copy_inherited = _copy_inherited

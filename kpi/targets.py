"""Plan targets as data: (year, indicator, level, unit, threshold, direction, source), versioned.

Seeded from ``data/targets.csv`` (DOMAIN §5, plan 170/KH-VP 2024). A year without
its own targets uses the most recent earlier year's (else the earliest year's),
and says so through ``source_year``. The most specific row wins: unit, then
level, then the all-levels row.
"""
from __future__ import annotations

import csv
import math
from dataclasses import dataclass

import pandas as pd

from kpi.config import DATA_DIR
from kpi.db import Warehouse
from kpi.metrics import KPIS

SEED_FILE = DATA_DIR / "targets.csv"
DIRECTIONS = (">=", "<=")
MET, NOT_MET, NO_DATA = "met", "not_met", "no_data"


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


def set_target(wh: Warehouse, year: int, indicator: str, threshold: float, *, level: str | None = None,
               unit_id: str | None = None, direction: str = ">=", source: str = "", user: str | None = None) -> int:
    """Add a new version of one target; the previous version stays, marked superseded. Returns the version."""
    validate(indicator, threshold, direction)
    key = "year = ? AND indicator = ? AND level IS NOT DISTINCT FROM ? AND unit_id IS NOT DISTINCT FROM ?"
    params = [int(year), indicator, level, unit_id]
    with wh.write() as con:
        current = con.execute(f"SELECT max(version) FROM targets WHERE {key}", params).fetchone()[0] or 0
        con.execute(f"UPDATE targets SET superseded_at = current_timestamp WHERE {key} AND superseded_at IS NULL", params)
        con.execute(
            "INSERT INTO targets (year, indicator, level, unit_id, threshold, direction, source, version, created_by)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            params + [float(threshold), direction, source, current + 1, user],
        )
        from kpi import audit  # local: audit is optional for the core's other users

        audit.record(con, user, "target.set", f"{year}/{indicator}/{level or '*'}/{unit_id or '*'}",
                     f"{threshold:.4f} {direction} (phiên bản {current + 1})")
    return current + 1


def targets_frame(wh: Warehouse, include_history: bool = False) -> pd.DataFrame:
    where = "" if include_history else "WHERE superseded_at IS NULL"
    return wh.query_df(
        f"SELECT target_id, year, indicator, level, unit_id, threshold, direction, source, version, created_by,"
        f" created_at, superseded_at FROM targets {where} ORDER BY year, indicator, level NULLS FIRST, version"
    )


def targets_for_year(wh: Warehouse, year: int) -> list[Target]:
    """The targets in force for a year (see module doc for the fallback)."""
    frame = targets_frame(wh)
    if frame.empty:
        return []
    years = sorted(int(y) for y in frame["year"].unique())
    earlier = [y for y in years if y <= year]
    source_year = earlier[-1] if earlier else years[0]
    rows = frame[frame["year"] == source_year]
    return [
        Target(r.indicator, float(r.threshold), r.direction, _none(r.level), _none(r.unit_id), r.source or "",
               year, source_year)
        for r in rows.itertuples()
    ]


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


def assess(value: float | None, threshold: float, direction: str = ">=") -> str:
    """met / not_met / no_data. A tiny tolerance keeps 0.97 from failing 97/100 on float noise."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return NO_DATA
    if direction == ">=":
        return MET if value >= threshold - 1e-12 else NOT_MET
    return MET if value <= threshold + 1e-12 else NOT_MET


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

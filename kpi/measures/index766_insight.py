"""What the QĐ 766 index says to a leader: rank among peers, who loses the points, what raises the
score most, and why the published score differs from ours.

Everything here reads an ``index766.IndexReport`` (no query of its own):

- ``ranking``: units by total score, standard competition ranking (1, 2, 2, 4) among units of
  the same type (AGENCY with agencies, COMMUNE with communes), with the median and P75 of those
  peers; a unit without a total has no rank.
- ``unit_costs``: the points the selection's score loses because of each unit: for every
  sub-indicator our data scores, what the selection would gain if that unit had no miss
  (its numerator raised to its denominator), summed.
- ``gains``: ranked levers: +1 percentage point of each input, and the N units that cost a
  sub-indicator most brought to full marks ("nếu 5 đơn vị này giải quyết đúng hạn thêm 120 hồ
  sơ, TDGQ +0,8 điểm"), each with the drill-down set and units behind it.
- ``reconciliation``: published vs ours per group and unit, the difference in points and the
  likely reason (timing, denominator, coverage, formula).
"""
from __future__ import annotations

import math
from dataclasses import dataclass

import pandas as pd

from kpi.measures.index766 import (GROUPS, PORTAL, SIMULATED, SUB_BY_KEY, IndexReport, IndexScore, SubScore,
                                   per_hundred, sub_score)

PP = 0.01  # one percentage point
DENOMINATOR_GAP = 0.05  # denominators further apart than 5% explain a difference


# -- ranking among peers of the same type ------------------------------------------------
def competition_ranks(values: list[float | None]) -> list[int | None]:
    """Standard competition ranking, highest first: [90, 80, 80, 70] → [1, 2, 2, 4]; None unranked."""
    scored = sorted((v for v in values if v is not None), reverse=True)
    return [None if v is None else 1 + sum(1 for other in scored if other > v + 1e-9) for v in values]


def ranking(report: IndexReport) -> pd.DataFrame:
    """One row per unit: unit_id, name, unit_type, total, max_covered, partial, grade, per_hundred (the
    total on the 100-point scale of the points it covers: units short of data in a group are not ranked
    below by that), rank, peers, median and p75 of its type, and how far below the P75 it is (all per 100)."""
    frame = pd.DataFrame([{"unit_id": u.key, "name": u.name, "unit_type": u.unit_type, "total": u.total,
                           "max_covered": u.max_covered, "partial": u.partial, "grade": u.grade, "source": u.source,
                           "per_hundred": per_hundred(u.total, u.max_covered)} for u in report.units])
    if frame.empty:
        return frame.assign(rank=[], peers=[], median=[], p75=[], below_p75=[])
    parts = []
    for _, peers in frame.groupby("unit_type", sort=False):
        totals = [None if pd.isna(t) else float(t) for t in peers["per_hundred"]]
        known = pd.Series([t for t in totals if t is not None], dtype="float64")
        median, p75 = (known.median(), known.quantile(0.75)) if len(known) else (None, None)
        parts.append(peers.assign(rank=competition_ranks(totals), peers=len(known), median=median, p75=p75))
    out = pd.concat(parts)
    out["below_p75"] = (out["p75"] - out["per_hundred"]).clip(lower=0)
    return out.sort_values(["unit_type", "rank", "name"], na_position="last").reset_index(drop=True)


# -- who costs the points ------------------------------------------------------------------
def _scored_inputs(score: IndexScore) -> list[SubScore]:
    """The sub-indicators our counts score for a scope (numerator and denominator known)."""
    return [s for g in score.groups.values() for s in g.subs
            if s.source == SIMULATED and s.score is not None and s.denominator and SUB_BY_KEY[s.key].from_data]


def _gain(key: str, numerator: float, denominator: float, extra: float) -> float:
    """Points a sub-indicator gains when its numerator rises by ``extra`` over the same denominator."""
    sub = SUB_BY_KEY[key]
    before = sub_score(sub, numerator / denominator)
    after = sub_score(sub, min(denominator, numerator + extra) / denominator)
    return max(0.0, after - before)


def _misses(sub: SubScore, unit: IndexScore) -> float:
    """How many of the unit's dossiers (or PAKN) miss this sub-indicator: denominator − numerator,
    up to the threshold for a thresholded one (more than the threshold earns nothing)."""
    mine = next((s for g in unit.groups.values() for s in g.subs if s.key == sub.key), None)
    if mine is None or mine.denominator is None or mine.numerator is None or mine.source != SIMULATED:
        return 0.0
    threshold = SUB_BY_KEY[sub.key].threshold or 1.0
    return max(0.0, math.ceil(threshold * mine.denominator - 1e-9) - mine.numerator)


def unit_costs(report: IndexReport) -> pd.DataFrame:
    """Per unit and sub-indicator: misses and the points the selection loses by them, most costly first."""
    rows = []
    for sub in _scored_inputs(report.province):
        for unit in report.units:
            misses = _misses(sub, unit)
            if misses:
                rows.append({"unit_id": unit.key, "name": unit.name, "unit_type": unit.unit_type, "sub": sub.key,
                             "group": sub.group, "misses": misses,
                             "points": _gain(sub.key, sub.numerator, sub.denominator, misses)})
    frame = pd.DataFrame(rows, columns=["unit_id", "name", "unit_type", "sub", "group", "misses", "points"])
    return frame.sort_values("points", ascending=False, kind="stable").reset_index(drop=True)


def losing_units(report: IndexReport, n: int = 10) -> pd.DataFrame:
    """The N units that cost the selection most points, all sub-indicators together."""
    costs = unit_costs(report)
    if costs.empty:
        return costs.assign(main_group=[])
    main = costs.sort_values("points", ascending=False).groupby("unit_id", sort=False)["group"].first()
    total = costs.groupby(["unit_id", "name", "unit_type"], as_index=False)[["points"]].sum()
    total["main_group"] = total["unit_id"].map(main)
    return total.sort_values("points", ascending=False, kind="stable").head(n).reset_index(drop=True)


# -- what raises the score most ------------------------------------------------------------
@dataclass(frozen=True)
class Gain:
    kind: str            # 'pp': +1 percentage point of the input; 'units': the N costliest units fixed
    sub: str
    group: str
    points: float
    extra: float = 0     # dossiers / PAKN to fix ('units')
    unit_ids: tuple[str, ...] = ()
    unit_names: tuple[str, ...] = ()
    drill: tuple[str, ...] = ()


def gains(report: IndexReport, n_units: int = 5) -> list[Gain]:
    """Every lever, most points first (see the module docstring)."""
    out = []
    for group in GROUPS:
        for sub in report.province.groups[group].subs:
            if sub.rate is None or sub.score is None or sub.rate >= 1:
                continue
            raised = sub_score(SUB_BY_KEY[sub.key], min(1.0, sub.rate + PP)) - sub.score
            if raised > 1e-9:
                out.append(Gain("pp", sub.key, group, raised, drill=SUB_BY_KEY[sub.key].drill))
    costs = unit_costs(report)
    for sub in _scored_inputs(report.province):
        worst = costs[costs["sub"] == sub.key].head(n_units)
        if worst.empty:
            continue
        extra = float(worst["misses"].sum())
        out.append(Gain("units", sub.key, sub.group, _gain(sub.key, sub.numerator, sub.denominator, extra), extra,
                        tuple(worst["unit_id"]), tuple(worst["name"]), SUB_BY_KEY[sub.key].drill))
    return sorted(out, key=lambda g: -g.points)


# -- published vs ours ----------------------------------------------------------------------
TIMING, DENOMINATOR, COVERAGE, FORMULA, NO_DATA = "timing", "denominator", "coverage", "formula", "no_data"


def _reason(report: IndexReport, score: IndexScore, group: str) -> tuple[str, dict]:
    """The likely reason a published group score differs from ours, with the figures that show it."""
    ours = score.groups[group].ours
    if ours is None or ours.score is None:
        return NO_DATA, {}
    if report.data_date is not None and report.data_date < report.period.end:
        return TIMING, {"data_date": report.data_date}
    for published_sub in score.groups[group].subs:
        mine = next((s for s in ours.subs if s.key == published_sub.key), None)
        if (published_sub.source == PORTAL and mine is not None and mine.denominator and published_sub.denominator
                and abs(mine.denominator - published_sub.denominator) > DENOMINATOR_GAP * published_sub.denominator):
            return DENOMINATOR, {"portal": published_sub.denominator, "ours": mine.denominator, "sub": mine.key}
    if ours.partial:
        return COVERAGE, {"covered": ours.max_covered, "maximum": ours.maximum}
    return FORMULA, {}


def reconciliation(report: IndexReport) -> pd.DataFrame:
    """One row per scope and group with a published score: published, ours, difference, reason."""
    rows = []
    for score in [report.province, *report.units]:
        for group, result in score.groups.items():
            if result.source != PORTAL or result.score is None:
                continue
            reason, figures = _reason(report, score, group)
            ours = result.ours.score if result.ours is not None else None
            rows.append({"key": score.key, "name": score.name, "unit_type": score.unit_type, "group": group,
                         "published": result.score, "ours": ours,
                         "difference": None if ours is None else result.score - ours, "reason": reason,
                         "figures": figures})
    return pd.DataFrame(rows, columns=["key", "name", "unit_type", "group", "published", "ours", "difference",
                                       "reason", "figures"])

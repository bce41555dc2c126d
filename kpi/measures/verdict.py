"""The verdict on a selection: which plan targets apply, met / not met per target and level.

One function, ``judge``, decides for a period and a selection (filters, scope)
and every surface draws from its answer: the overview headline, the tiles, the
levels × KPIs matrix, the meeting slides, their narrative and the PDF pack. So
they cannot disagree.

Rules:
- Targets are picked per level (``kpi.measures.targets.pick``): the unit's own, else its
  level's, else the all-levels one. The caller hands the targets in force
  (``kpi.measures.targets.targets_for_year`` or the seed fallback of ``kpi.reports.slides``).
- Levels judged: the chosen level, else the scope's, else the levels with data in
  the selection that exist in the period (three before 01/07/2025, two after). A level with data that no longer exists (district after
  the reform: the abolished districts' backlog) is shown apart and never judged.
- A level whose denominator is below the setting ``verdict_min_dossiers`` is shown
  but marked "ít hồ sơ, không kết luận" and does not decide anything.
- A KPI over several levels is not met when any judged level misses its own
  target, met when at least one is met and none misses.
- Comparisons use the exact ratio, never a rounded rate; ``rate_text`` prints
  enough decimals that a value just under its target never reads as the target.
"""
from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_EVEN, Decimal

import pandas as pd

from kpi import config
from kpi.text import verdict as verdict_text, vi
from kpi.measures.filters import Filters, Scope
from kpi.measures.levels import LEVELS, levels_on
from kpi.measures.periods import Period
from kpi.measures.status import (ABOLISHED, FEW, JUDGED, MET, NO_DATA, NO_TARGET, NOT_MET, assess,  # noqa: F401
                                 combine)
from kpi.measures import status as target_status
from kpi.measures.targets import Target, gap_count, pick
from kpi.text.normalize import sort_key_vi

# The statuses, their roll-up (``combine``) and their colours live in kpi.measures.status.
STATUS_COLORS, STATUS_FILLS = target_status.COLORS, target_status.FILLS


@dataclass(frozen=True)
class Cell:
    """One KPI at one level (or for one unit): value, counts, target and status."""

    kpi: str
    level: str | None
    value: float | None
    num: int
    den: int
    target: Target | None
    status: str

    @property
    def gap(self) -> int | None:
        """Dossiers missing to reach the target (only when not met)."""
        if self.status != NOT_MET or self.target is None:
            return None
        return gap_count(self.num, self.den, self.target.threshold, self.target.direction)

    @property
    def text(self) -> str:
        return rate_text(self.value, self.target)


@dataclass(frozen=True)
class KpiVerdict:
    """One KPI for the whole selection: its value and counts, its status and the cells behind it."""

    kpi: str
    status: str
    value: float | None
    num: int
    den: int
    cells: tuple[Cell, ...]      # the judged levels (or the one unit), in level order
    apart: tuple[Cell, ...]      # levels shown apart (abolished districts' backlog)

    @property
    def target(self) -> Target | None:
        """The one target of the selection when a single cell decides, else None (per level)."""
        return self.cells[0].target if len(self.cells) == 1 else None

    @property
    def missed(self) -> tuple[Cell, ...]:
        return tuple(c for c in self.cells if c.status == NOT_MET)

    @property
    def few(self) -> tuple[Cell, ...]:
        return tuple(c for c in self.cells if c.status == FEW)

    @property
    def per_level(self) -> bool:
        return len(self.cells) > 1


@dataclass(frozen=True)
class Verdict:
    period: Period
    year: int
    levels: tuple[str, ...]          # judged levels
    apart_levels: tuple[str, ...]    # levels with data shown apart, not judged
    kpis: dict[str, KpiVerdict]

    def status(self, kpi: str) -> str:
        return self.kpis[kpi].status

    def cell(self, kpi: str, level: str) -> Cell | None:
        for c in self.kpis[kpi].cells + self.kpis[kpi].apart:
            if c.level == level:
                return c
        return None

    @property
    def judged(self) -> list[str]:
        return [k for k, v in self.kpis.items() if v.status in JUDGED]

    @property
    def met(self) -> list[str]:
        return [k for k, v in self.kpis.items() if v.status == MET]

    @property
    def missed(self) -> list[str]:
        return [k for k, v in self.kpis.items() if v.status == NOT_MET]

    def headline(self) -> str:
        """'Kế hoạch năm 2025: 5/7 chỉ tiêu đạt trong kỳ Tháng 10/2025' (plain text)."""
        if not self.judged:
            return verdict_text.HEADLINE_NONE.format(year=self.year, period=self.period.label)
        return verdict_text.HEADLINE.format(year=self.year, met=len(self.met), total=len(self.judged), period=self.period.label)

    def missed_sentence(self) -> str:
        """'Chưa đạt: Kết quả điện tử (Cấp xã 18,2%), …' or ''."""
        if not self.missed:
            return ""
        return verdict_text.MISSED.format(names=", ".join(missed_name(self.kpis[k]) for k in self.missed))

    def notes(self) -> list[str]:
        """What the verdict leaves out and why: levels with too few dossiers, abolished levels."""
        out = []
        for kv in self.kpis.values():
            if kv.few:
                levels = ", ".join(f"{vi.LEVEL_LABELS.get(c.level, '')} {vi.num(c.den)}" for c in kv.few)
                out.append(verdict_text.FEW_DETAIL.format(kpi=vi.KPI_LABELS[kv.kpi], levels=levels,
                                                what=vi.KPI_UNITS[kv.kpi][1], min=vi.num(min_dossiers())))
        if self.apart_levels:
            out.append(abolished_note())
        return out


# -- deciding ---------------------------------------------------------------------------

def min_dossiers() -> int:
    return int(config.get("verdict_min_dossiers"))


def existing_levels(period: Period) -> tuple[str, ...]:
    """Levels that exist on some day of the period."""
    present = set(levels_on(period.start)) | set(levels_on(period.end))
    return tuple(lv for lv in LEVELS if lv in present)


def abolished_in(period: Period, level: str | None) -> bool:
    return level is not None and level not in existing_levels(period)


def cell_status(value: float | None, den: int, target: Target | None, *, level_cell: bool,
                abolished: bool = False) -> str:
    if abolished:
        return ABOLISHED
    if target is None:
        return NO_TARGET
    if value is None or not den:
        return NO_DATA
    if level_cell and den < min_dossiers():
        return FEW
    return assess(value, target.threshold, target.direction)


def _value(row: dict | None, kpi: str) -> tuple[float | None, int, int]:
    if not row:
        return None, 0, 0
    value = row.get(kpi)
    value = None if value is None or (isinstance(value, float) and pd.isna(value)) or value is pd.NA else float(value)
    return value, int(row.get(f"{kpi}__num", 0) or 0), int(row.get(f"{kpi}__den", 0) or 0)


def _has_data(row: dict | None, kpis) -> bool:
    return bool(row) and any(int(row.get(f"{k}__den", 0) or 0) for k in kpis)


def levels_to_judge(period: Period, scope: Scope | None, level: str | None, with_data: set[str]) -> tuple[list, list]:
    """(judged levels, levels shown apart) for a selection, in level order."""
    if level:
        wanted = [level]
    elif scope is not None and scope.kind == "level":
        wanted = [scope.level]
    else:  # the levels with data in the selection; none → the levels that exist (all "no data")
        wanted = [lv for lv in LEVELS if lv in with_data] or list(existing_levels(period))
    judged = [lv for lv in wanted if not abolished_in(period, lv)]
    apart = [lv for lv in wanted if abolished_in(period, lv) and lv in with_data | ({level} if level else set())]
    return judged, apart


def judge(period: Period, by_level: pd.DataFrame, in_force: list[Target], kpis: tuple[str, ...], *,
          scope: Scope | None = None, filters: Filters | None = None, unit_level: str | None = None) -> Verdict:
    """The verdict for a selection.

    ``by_level``: ``metrics.kpi_table`` grouped by level, for the selection's units and
    fields (the level filter may or may not be applied: the level is taken from
    ``filters``). With one unit chosen, ``unit_level`` is its level and its own
    target applies.
    """
    filters = filters or Filters()
    rows = {r["level"]: r for r in by_level.to_dict("records")} if len(by_level) else {}
    unit_id = filters.unit_ids[0] if len(filters.unit_ids) == 1 else None
    level = filters.level or (unit_level if unit_id else None)
    with_data = {lv for lv, r in rows.items() if _has_data(r, kpis)}
    judged, apart = levels_to_judge(period, scope, level, with_data)
    total = _total(by_level, level, kpis)
    out = {}
    for kpi in kpis:
        value, num, den = _value(total, kpi)
        cells = []
        for lv in judged:
            v, n, d = _value(rows.get(lv), kpi)
            target = pick(in_force, kpi, lv, unit_id)
            cells.append(Cell(kpi, lv, v, n, d, target, cell_status(v, d, target, level_cell=unit_id is None)))
        apart_cells = []
        for lv in apart:
            v, n, d = _value(rows.get(lv), kpi)
            target = pick(in_force, kpi, lv, unit_id)
            apart_cells.append(Cell(kpi, lv, v, n, d, target, ABOLISHED))
        status = combine([c.status for c in cells] or [c.status for c in apart_cells])
        out[kpi] = KpiVerdict(kpi, status, value, num, den, tuple(cells), tuple(apart_cells))
    return Verdict(period, period.end.year, tuple(judged), tuple(apart), out)


def _total(by_level: pd.DataFrame, level: str | None, kpis) -> dict | None:
    """The selection's KPI counts and rates: the chosen level's row, else the sum over every level
    (every record has exactly one level, so the sum of the numerators over the sum of the denominators)."""
    if not len(by_level):
        return None
    frame = by_level[by_level["level"] == level] if level else by_level
    if not len(frame):
        return None
    out = {}
    for kpi in kpis:
        num, den = int(frame[f"{kpi}__num"].sum()), int(frame[f"{kpi}__den"].sum())
        out.update({kpi: num / den if den else None, f"{kpi}__num": num, f"{kpi}__den": den})
    return out


def for_selection(wh, period: Period, in_force: list[Target], kpis: tuple[str, ...], *, scope: Scope | None = None,
                  filters: Filters | None = None, unit_level: str | None = None) -> Verdict:
    """``judge`` with its table read from the warehouse (the CLI and tests; pages pass their cached table)."""
    from kpi.measures import metrics

    filters = filters or Filters()
    table = metrics.kpi_table(wh, period, Filters(unit_ids=filters.unit_ids, fields=filters.fields), scope, ("level",))
    return judge(period, table, in_force, kpis, scope=scope, filters=filters, unit_level=unit_level)


# -- saying it ----------------------------------------------------------------------------

def shown_decimal(value: float, digits: int) -> Decimal:
    """The percentage as ``vi.pct`` prints it with ``digits`` decimals."""
    return (Decimal(str(value)) * 100).quantize(Decimal(1).scaleb(-digits), rounding=ROUND_HALF_EVEN)


def display_digits(value: float | None, threshold: float | None, direction: str = ">=", digits: int = 1) -> int:
    """The fewest decimals (from ``digits``, at most 4) at which the printed rate sits on the
    same side of the target as the exact one: 0.96996 against 97% → 3 ('96,996%'), never '97,0%'."""
    if value is None or threshold is None:
        return digits
    met = assess(value, threshold, direction) == MET
    limit = Decimal(str(threshold)) * 100
    for d in range(digits, 5):
        shown = shown_decimal(value, d)
        reads_met = shown >= limit if direction == ">=" else shown <= limit
        if reads_met == met:
            return d
    return 4


def rate_text(value: float | None, target: Target | None = None, digits: int = 1) -> str:
    """A rate as text, with more decimals only where rounding would put it on the wrong side of its target."""
    if target is None:
        return vi.pct(value, digits)
    return vi.pct(value, display_digits(value, target.threshold, target.direction, digits))


def rate_text_for(value: float | None, threshold: float | None, direction: str = ">=", digits: int = 1) -> str:
    return vi.pct(value, display_digits(value, threshold, direction, digits))


def missed_levels_text(kv: KpiVerdict) -> str:
    """'Cấp tỉnh 96,5%, Cấp xã 18,2%'."""
    return ", ".join(f"{vi.LEVEL_LABELS.get(c.level, '')} {c.text}".strip() for c in kv.missed)


def missed_name(kv: KpiVerdict) -> str:
    name = vi.KPI_LABELS[kv.kpi]
    return verdict_text.MISSED_AT.format(kpi=name, levels=missed_levels_text(kv)) if kv.per_level else name


def status_label(status: str) -> str:
    return verdict_text.STATUS_LABELS.get(status, "")


def abolished_note() -> str:
    from kpi.measures.levels import TWO_LEVEL_FROM

    return verdict_text.ABOLISHED_NOTE.format(date=vi.date(TWO_LEVEL_FROM))


# -- units ranked by impact ------------------------------------------------------------------

@dataclass(frozen=True)
class UnitGap(Cell):
    """A unit's cell: the same value, counts, status, derived gap and text, plus who it is."""

    unit_id: str = ""
    name: str = ""


@dataclass(frozen=True)
class Ranking:
    """Units of a KPI: those below target by the dossiers they miss (largest first), the others,
    and the units of abolished levels kept apart."""

    kpi: str
    below: tuple[UnitGap, ...]
    others: tuple[UnitGap, ...]
    apart: tuple[UnitGap, ...]

    @property
    def with_data(self) -> int:
        return len(self.below) + len(self.others)

    @property
    def ordered(self) -> tuple[UnitGap, ...]:
        """Below target by gap first, then the rest from the lowest rate up."""
        return self.below + self.others


def rank_units(period: Period, by_unit: pd.DataFrame, kpi: str, in_force: list[Target], names: dict,
               levels: dict | None = None) -> Ranking:
    """Units ranked by impact: the dossiers each misses to reach its target ("cần thêm N hồ sơ").

    ``by_unit``: ``metrics.kpi_table`` grouped by unit (with ``level`` when grouped by level
    too; else ``levels`` maps unit_id → level).
    """
    levels = levels or {}
    below, others, apart = [], [], []
    for rec in by_unit.to_dict("records"):
        value, num, den = _value(rec, kpi)
        if not den:
            continue
        unit_id = rec["unit_id"]
        level = rec.get("level") or levels.get(unit_id)
        target = pick(in_force, kpi, level, unit_id)
        abolished = abolished_in(period, level)
        status = cell_status(value, den, target, level_cell=False, abolished=abolished)
        item = UnitGap(kpi, level, value, num, den, target, status,
                       unit_id=unit_id, name=str(names.get(unit_id, unit_id)))
        (apart if abolished else below if status == NOT_MET else others).append(item)
    below.sort(key=lambda u: (-(u.gap or 0), u.value if u.value is not None else 2.0, sort_key_vi(u.name)))
    others.sort(key=lambda u: (u.value if u.value is not None else 2.0, sort_key_vi(u.name)))
    apart.sort(key=lambda u: sort_key_vi(u.name))
    return Ranking(kpi, tuple(below), tuple(others), tuple(apart))


MIN_PEERS = 3  # a rank among fewer peers says nothing ("Hạng 1/1")

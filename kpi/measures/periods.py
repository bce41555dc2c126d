"""Reporting periods: calendar months, quarters, halves, years, custom ranges, cut-off periods.

A period is inclusive on both ends and made of calendar dates (DOMAIN §4).
"""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field, replace

from kpi import config

ROMAN = {1: "I", 2: "II", 3: "III", 4: "IV"}
CUTOFF = "cutoff_"  # kind prefix of TT 01 reporting periods (cutoff_quarter …)
CUTOFF_KINDS = ("quarter", "half", "year")  # what the period picker offers (DOMAIN §7)


@dataclass(frozen=True)
class Period:
    start: dt.date
    end: dt.date
    kind: str = "custom"  # month | quarter | half | year | custom | cutoff_<month|quarter|half|year>
    # The data date, when known: a period that runs past it is labelled "số liệu đến ngày <data date>"
    # (DOMAIN §4). Not part of equality: the same dates are the same period.
    data_until: dt.date | None = field(default=None, compare=False)

    def __post_init__(self):
        if self.end < self.start:
            raise ValueError(f"Kỳ không hợp lệ: ngày kết thúc {self.end:%d/%m/%Y} trước ngày bắt đầu {self.start:%d/%m/%Y}")

    @property
    def label(self) -> str:
        base = self._base_label()
        if self.data_until and self.end > self.data_until:
            return f"{base} (số liệu đến ngày {self.data_until:%d/%m/%Y})"
        return base

    def until(self, data_until: dt.date | None) -> "Period":
        """This period, labelled with the data date it is judged at (see ``label``)."""
        return replace(self, data_until=data_until)

    def _base_label(self) -> str:
        if self.kind.startswith(CUTOFF):
            kind, y, n = self.cutoff_position()
            calendar = {"month": month, "quarter": quarter, "half": half}.get(kind, lambda y, n: year(y))(y, n)
            return f"{calendar.label} (kỳ báo cáo {self.start:%d/%m/%Y} – {self.end:%d/%m/%Y})"
        s = self.start
        if self.kind == "month":
            return f"Tháng {s.month:02d}/{s.year}"
        if self.kind == "quarter":
            return f"Quý {ROMAN[(s.month - 1) // 3 + 1]}/{s.year}"
        if self.kind == "half":
            return f"6 tháng {'đầu' if s.month == 1 else 'cuối'} năm {s.year}"
        if self.kind == "year":
            return f"Năm {s.year}"
        return f"{self.start:%d/%m/%Y} – {self.end:%d/%m/%Y}"

    def cutoff_position(self) -> tuple[str, int, int]:
        """(month | quarter | half | year, year, number) of a cut-off period: its last day is the day
        before the cut-off day of its last calendar month, so that month names it."""
        after = self.end + dt.timedelta(days=1)
        kind, m = self.kind.removeprefix(CUTOFF), after.month
        number = {"month": m, "quarter": (m - 1) // 3 + 1, "half": 1 if m <= 6 else 2}.get(kind, 1)
        return kind, after.year, number

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    def previous(self) -> "Period":
        """The previous comparable period: the month, quarter, half or year before; else the same length before."""
        if self.kind == "month":
            return month(*_shift_month(self.start.year, self.start.month, -1))
        if self.kind == "quarter":
            y, m = _shift_month(self.start.year, self.start.month, -3)
            return quarter(y, (m - 1) // 3 + 1)
        if self.kind == "half":
            return half(self.start.year - (1 if self.start.month == 1 else 0), 2 if self.start.month == 1 else 1)
        if self.kind == "year":
            return year(self.start.year - 1)
        if self.kind.startswith(CUTOFF):
            kind, y, n = self.cutoff_position()
            per_year = {"month": 12, "quarter": 4, "half": 2, "year": 1}[kind]
            y, n = (y - 1, per_year) if n == 1 else (y, n - 1)
            return cutoff(kind, y, n, (self.end + dt.timedelta(days=1)).day)
        end = self.start - dt.timedelta(days=1)
        return Period(end - dt.timedelta(days=self.days - 1), end)

    def months(self) -> list["Period"]:
        """The calendar months this period touches, clipped to it."""
        out, y, m = [], self.start.year, self.start.month
        while dt.date(y, m, 1) <= self.end:
            mp = month(y, m)
            out.append(Period(max(mp.start, self.start), min(mp.end, self.end), "month" if mp.start >= self.start and mp.end <= self.end else "custom"))
            y, m = _shift_month(y, m, 1)
        return out

    def quarters(self) -> list["Period"]:
        out, y, q = [], self.start.year, (self.start.month - 1) // 3 + 1
        while quarter(y, q).start <= self.end:
            qp = quarter(y, q)
            out.append(Period(max(qp.start, self.start), min(qp.end, self.end), "quarter" if qp.start >= self.start and qp.end <= self.end else "custom"))
            y, q = (y + 1, 1) if q == 4 else (y, q + 1)
        return out


def _shift_month(y: int, m: int, delta: int) -> tuple[int, int]:
    index = y * 12 + (m - 1) + delta
    return index // 12, index % 12 + 1


def _month_end(y: int, m: int) -> dt.date:
    ny, nm = _shift_month(y, m, 1)
    return dt.date(ny, nm, 1) - dt.timedelta(days=1)


def month(y: int, m: int) -> Period:
    return Period(dt.date(y, m, 1), _month_end(y, m), "month")


def quarter(y: int, q: int) -> Period:
    return Period(dt.date(y, 3 * q - 2, 1), _month_end(y, 3 * q), "quarter")


def half(y: int, h: int) -> Period:
    return Period(dt.date(y, 1 if h == 1 else 7, 1), dt.date(y, 6, 30) if h == 1 else dt.date(y, 12, 31), "half")


def year(y: int) -> Period:
    return Period(dt.date(y, 1, 1), dt.date(y, 12, 31), "year")


def custom(start: dt.date, end: dt.date) -> Period:
    return Period(start, end, "custom")


def cutoff(kind: str, y: int, n: int = 1, day: int | None = None) -> Period:
    """A TT 01/2020 reporting period with the cut-off convention (DOMAIN §7, assumed, configurable).

    month n: 15th of the previous month → 14th of month n; quarter n: 15th of the
    month before the quarter → 14th of its last month; year: 15/12 of the previous
    year → 14/12. ``day`` defaults to the ``cutoff_day`` setting.
    """
    day = int(day or config.get("cutoff_day"))
    if kind == "month":
        first, last = (y, n), (y, n)
    elif kind == "quarter":
        first, last = (y, 3 * n - 2), (y, 3 * n)
    elif kind == "half":
        first, last = (y, 1 if n == 1 else 7), (y, 6 if n == 1 else 12)
    elif kind == "year":
        first, last = (y, 1), (y, 12)
    else:
        raise ValueError(kind)
    sy, sm = _shift_month(*first, -1)
    return Period(dt.date(sy, sm, day), dt.date(last[0], last[1], day) - dt.timedelta(days=1), CUTOFF + kind)


def cutoff_containing(kind: str, day: dt.date, cutoff_day: int | None = None) -> Period:
    """The TT 01 reporting period of ``kind`` (quarter, half, year…) that contains ``day``."""
    count = {"month": 12, "quarter": 4, "half": 2, "year": 1}[kind]
    for y in (day.year, day.year + 1):
        for n in range(1, count + 1):
            period = cutoff(kind, y, n, cutoff_day)
            if period.start <= day <= period.end:
                return period
    raise ValueError(day)  # unreachable: consecutive cut-off periods cover every day


def cutoff_options(first: dt.date, last: dt.date, day: int | None = None) -> list[Period]:
    """The TT 01 reporting periods (quarters, halves, years) that overlap [first, last], newest first."""
    out = []
    for y in range(last.year + 1, first.year - 1, -1):
        for kind, count in (("year", 1), ("half", 2), ("quarter", 4)):
            for n in range(count, 0, -1):
                period = cutoff(kind, y, n, day)
                if period.start <= last and period.end >= first:
                    out.append(period)
    return sorted(out, key=lambda p: (p.end, p.days), reverse=True)


CALENDAR_KINDS = {"month": month, "quarter": quarter, "half": half, "year": lambda y, _n: year(y)}


def containing(kind: str, day: dt.date) -> Period:
    """The calendar month, quarter, half or year that contains ``day``."""
    number = {"month": day.month, "quarter": (day.month - 1) // 3 + 1, "half": 1 if day.month <= 6 else 2}.get(kind, 1)
    return CALENDAR_KINDS[kind](day.year, number)


def calendar_options(kind: str, first: dt.date, last: dt.date) -> list[Period]:
    """The calendar periods of ``kind`` (month, quarter, half, year) that overlap [first, last], newest first."""
    out = [containing(kind, last)]
    while out[-1].start > first:
        out.append(out[-1].previous())
    return out


def default_month(first: dt.date | None, last: dt.date | None, today: dt.date | None = None) -> Period:
    """The period a page opens on: the latest full month with data, i.e. the month of the data date
    if the data reaches its last day, else the month before (unless the data starts in that month).
    Without data, the month before ``today``'s."""
    if last is None:
        return containing("month", today or dt.date.today()).previous()
    candidate = containing("month", last)
    if last >= candidate.end or first is None or first >= candidate.start:
        return candidate
    return candidate.previous()


def parse_iso(text: str) -> dt.date:
    """A YYYY-MM-DD date from the command line, with a Vietnamese error."""
    try:
        return dt.date.fromisoformat(text)
    except ValueError as error:
        raise ValueError(f"Ngày '{text}' không hợp lệ: dùng dạng YYYY-MM-DD, ví dụ 2024-10-31") from error


def to_param(period: Period) -> str:
    """The period as URL/picker text: 2024-10 (month), 2024-Q4, 2024-H1, 2024 (year), else 2024-10-01_2024-10-15."""
    s = period.start
    if period.kind == "month":
        return f"{s.year}-{s.month:02d}"
    if period.kind == "quarter":
        return f"{s.year}-Q{(s.month - 1) // 3 + 1}"
    if period.kind == "half":
        return f"{s.year}-H{1 if s.month == 1 else 2}"
    if period.kind == "year":
        return str(s.year)
    if period.kind.startswith(CUTOFF):
        kind, y, n = period.cutoff_position()
        code = {"month": f"{y}-{n:02d}", "quarter": f"{y}-Q{n}", "half": f"{y}-H{n}", "year": str(y)}[kind]
        return f"{code}-TT01"
    return f"{period.start.isoformat()}_{period.end.isoformat()}"


PARAM_YEARS = (1990, 2100)  # years a period in a URL may name (as etl.validate accepts dates)


def from_param(text: str | None) -> Period | None:
    """The inverse of ``to_param``; None for anything it does not understand or for years outside
    ``PARAM_YEARS`` (URL parameters come from anyone: '0001-01' must not reach date arithmetic)."""
    return _sane(_parse_param(text))


def _parse_param(text: str | None) -> Period | None:
    if not text or len(str(text)) > 40:
        return None
    text = str(text).strip().upper()
    try:
        if m := re.fullmatch(r"(\d{4})(?:-(\d{1,2}|Q[1-4]|H[12]))?-TT01", text):
            part = m[2] or ""
            kind = "year" if not part else {"Q": "quarter", "H": "half"}.get(part[0], "month")
            return cutoff(kind, int(m[1]), int(part.lstrip("QH") or 1))
        if m := re.fullmatch(r"(\d{4})-(\d{1,2})", text):
            return month(int(m[1]), int(m[2]))
        if m := re.fullmatch(r"(\d{4})-Q([1-4])", text):
            return quarter(int(m[1]), int(m[2]))
        if m := re.fullmatch(r"(\d{4})-H([12])", text):
            return half(int(m[1]), int(m[2]))
        if m := re.fullmatch(r"(\d{4})", text):
            return year(int(m[1]))
        if m := re.fullmatch(r"(\d{4}-\d{2}-\d{2})_(\d{4}-\d{2}-\d{2})", text):
            return custom(dt.date.fromisoformat(m[1]), dt.date.fromisoformat(m[2]))
    except (ValueError, OverflowError):
        return None
    return None


def _sane(period: Period | None) -> Period | None:
    """A period from a URL only when its years are ones data can have (a bookmark '0001-01' is not)."""
    if period is None or not (PARAM_YEARS[0] <= period.start.year and period.end.year <= PARAM_YEARS[1]):
        return None
    return period

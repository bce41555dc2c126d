"""A plan task's deadline text read into a kind and a date range (DOMAIN §7).

Plans write deadlines as words: "Thường xuyên", "Hàng tháng", "Quý III/2024", "Trước ngày 14/3/2024",
"Từ tháng 02 đến tháng 9/2021", "Tháng 12/2024", "Năm 2024". Date libraries (dateparser) read none of
the quarter, range or recurrence forms, so each form is one explicit pattern here, tested one by one.
Dates are day-first. A form without a year takes the plan's year. A recurring or standing deadline
("Thường xuyên", "Hàng tháng") has no dates; so has a pointer to another document ("Theo Kế hoạch số
21/KH-UBND …", kind ``reference``: its date is that document's, not the deadline). A text no pattern
reads is kind ``unparsed``, dates None.
"""
from __future__ import annotations

import calendar
import datetime as dt
import re
from dataclasses import dataclass

from kpi.text.normalize import nfc

_ROMAN = {"i": 1, "ii": 2, "iii": 3, "iv": 4, "1": 1, "2": 2, "3": 3, "4": 4}


def _year_group(name: str) -> str:
    """An optional-able year after a month or quarter: "/2024" or " năm 2024"."""
    return rf"(?:(?:\s*/\s*|\s+năm\s+)(?P<{name}>\d{{4}}))"


@dataclass(frozen=True)
class Deadline:
    text: str
    kind: str
    start: dt.date | None = None
    end: dt.date | None = None

    @property
    def parsed(self) -> bool:
        """Whether the text was understood: a date range, or a standing / recurring deadline."""
        return self.kind not in ("unparsed", "reference")


def _month_end(year: int, month: int) -> dt.date:
    return dt.date(year, month, calendar.monthrange(year, month)[1])


def _date(day: str, month: str, year: str) -> dt.date | None:
    try:
        return dt.date(int(year), int(month), int(day))
    except ValueError:
        return None


def _year(found: str | None, plan_year: int | None) -> int | None:
    return int(found) if found else plan_year


# Order matters: a reference to another plan ("Theo Kế hoạch số 21/KH-UBND ngày 28/01/2022") holds a date
# that is not the deadline, so it is checked first; ranges before single months.
def _reference(m, plan_year):
    return "reference", None, None


def _continuous(m, plan_year):
    return "continuous", None, None


def _as_required(m, plan_year):
    return "as_required", None, None


def _recurring(kind):
    return lambda m, plan_year: (kind, None, None)


def _day(m, plan_year):
    day = _date(m["d"], m["m"], m["y"])
    if day is None:
        return "unparsed", None, None
    before = bool(m["before"])
    return "date", None if before else day, day


def _month_range(m, plan_year):
    end_year = _year(m["y2"], plan_year)
    start_year = _year(m["y1"], end_year)
    if end_year is None:
        return "unparsed", None, None
    start, end = int(m["m1"]), int(m["m2"])
    if not (1 <= start <= 12 and 1 <= end <= 12):
        return "unparsed", None, None
    return "range", dt.date(start_year, start, 1), _month_end(end_year, end)


def _month(m, plan_year):
    year, month = _year(m["y"], plan_year), int(m["m"])
    if year is None or not 1 <= month <= 12:
        return "unparsed", None, None
    return "month", dt.date(year, month, 1), _month_end(year, month)


def _quarter(m, plan_year):
    year, quarter = _year(m["y"], plan_year), _ROMAN[m["q"].lower()]
    if year is None:
        return "unparsed", None, None
    return "quarter", dt.date(year, 3 * quarter - 2, 1), _month_end(year, 3 * quarter)


def _half(m, plan_year):
    year = _year(m["y"], plan_year)
    if year is None:
        return "unparsed", None, None
    if m["which"] == "đầu":
        return "half", dt.date(year, 1, 1), dt.date(year, 6, 30)
    return "half", dt.date(year, 7, 1), dt.date(year, 12, 31)


def _whole_year(m, plan_year):
    year = int(m["y"])
    return "year", dt.date(year, 1, 1), dt.date(year, 12, 31)


_FORMS = (
    (re.compile(r"^theo\s+(?:kế hoạch|quyết định|văn bản|tiến độ|lộ trình)"), _reference),
    (re.compile(r"^thường xuyên|^liên tục"), _continuous),
    (re.compile(r"^(?:định kỳ|đột xuất|khi có yêu cầu|theo yêu cầu)"), _as_required),
    (re.compile(r"^(?:định kỳ\s+)?hàng tháng"), _recurring("monthly")),
    (re.compile(r"^(?:định kỳ\s+)?hàng quý"), _recurring("quarterly")),
    (re.compile(r"^(?:định kỳ\s+)?hàng năm"), _recurring("yearly")),
    (re.compile(r"^(?P<before>(?:trước|chậm nhất|hạn chót|hoàn thành trước)\s+)?(?:ngày\s+)?"
                r"(?P<d>\d{1,2})\s*[/.-]\s*(?P<m>\d{1,2})\s*[/.-]\s*(?P<y>\d{4})"), _day),
    (re.compile(r"^(?P<before>(?:trước|chậm nhất|hạn chót|hoàn thành trước)\s+)?(?:ngày\s+)?"
                r"(?P<d>\d{1,2})\s+tháng\s+(?P<m>\d{1,2})\s+năm\s+(?P<y>\d{4})"), _day),
    (re.compile(r"^từ\s+tháng\s+(?P<m1>\d{1,2})" + _year_group("y1") + r"?\s*(?:đến|-|–)\s*(?:hết\s+)?"
                r"tháng\s+(?P<m2>\d{1,2})" + _year_group("y2") + "?"), _month_range),
    (re.compile(r"^(?:trong\s+|trước\s+|hết\s+)?tháng\s+(?P<m>\d{1,2})" + _year_group("y") + r"?\s*$"), _month),
    (re.compile(r"^(?:trong\s+|hết\s+)?quý\s+(?P<q>iv|iii|ii|i|[1-4])\b" + _year_group("y") + "?"), _quarter),
    (re.compile(r"^(?:trong\s+)?6\s+tháng\s+(?P<which>đầu|cuối)\s+năm(?:\s+(?P<y>\d{4}))?"), _half),
    (re.compile(r"^(?:trong\s+|cả\s+)?năm\s+(?P<y>\d{4})\s*$"), _whole_year),
)


def parse_deadline(text: str | None, plan_year: int | None = None) -> Deadline:
    """The kind and date range of a deadline text; ``plan_year`` stands in for a missing year."""
    clean = nfc(text or "")
    key = clean.lower().rstrip(" .;")
    for pattern, read in _FORMS:
        found = pattern.search(key)
        if found:
            kind, start, end = read(found, plan_year)
            return Deadline(clean, kind, start, end)
    return Deadline(clean, "unparsed")


def looks_like_deadline(text: str | None) -> bool:
    """Whether a cell reads as a deadline (to find the deadline cell of a table row whose cells shifted)."""
    return bool(text) and parse_deadline(text, 2000).kind != "unparsed"

"""Biểu số 06/VPCP/KSTT: dossier handling by level and lĩnh vực (DOMAIN §7), data and .xlsx.

The numbers come from ``metrics.kpi_table(group_by=('level', 'field'))`` and nothing
else, so the form always agrees with the dashboard. Columns:

(1) STT, (2) Lĩnh vực; received (3) total = received in P + carried over,
(4) online, (5) in person + postal, (6) carried over; resolved (7) total, (8) early,
(9) on time, (10) overdue; in progress (11) total, (12) within deadline, (13) overdue.

Identities (``check_identities``): (3) = (4)+(5)+(6) and (3) = (7)+(11) — the two
readings of column (3) used by different template years —, (7) = (8)+(9)+(10) and
(11) = (12)+(13).
"""
from __future__ import annotations

import datetime as dt
import io
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from kpi.measures import metrics
from kpi.text import report as report_text, vi
from kpi.warehouse.db import Warehouse
from kpi.measures.filters import Filters, Scope, levels_in_view
from kpi.measures.periods import ROMAN, Period
from kpi.text.normalize import sort_key_vi

NUMBER_COLUMNS = tuple(f"c{i}" for i in range(3, 14))
# (form column) ← expression over kpi_table's counts
COLUMN_SOURCES = {
    "c3": ("received", "carried_over"),
    "c4": ("received_online",),
    "c5": ("received_direct", "received_postal"),
    "c6": ("carried_over",),
    "c7": ("resolved",),
    "c8": ("resolved_early",),
    "c9": ("resolved_on_time",),
    "c10": ("resolved_overdue",),
    "c11": ("in_progress",),
    "c12": ("in_progress_within",),
    "c13": ("in_progress_overdue",),
}
IDENTITIES = {
    "received_by_channel": ("c3", ("c4", "c5", "c6")),
    "received_by_outcome": ("c3", ("c7", "c11")),
    "resolved_split": ("c7", ("c8", "c9", "c10")),
    "in_progress_split": ("c11", ("c12", "c13")),
}
ROW_KINDS = ("level", "field", "total")  # a 'level' row carries the level's subtotal


@dataclass
class FormRow:
    kind: str          # level | field | total
    stt: str           # 'I', '1', '' …
    label: str
    level: str | None
    field: str | None
    values: dict       # c3..c13 → int

    def as_dict(self) -> dict:
        return {"kind": self.kind, "stt": self.stt, "label": self.label, "level": self.level,
                "field": self.field, **self.values}


def _values(record: dict) -> dict:
    return {col: int(sum(int(record.get(src, 0) or 0) for src in sources)) for col, sources in COLUMN_SOURCES.items()}


def _sum(rows: list[dict]) -> dict:
    return {col: int(sum(r[col] for r in rows)) for col in NUMBER_COLUMNS}


def form06_rows(wh: Warehouse, period: Period, scope: Scope | None = None, level: str | None = None,
                filters: Filters | None = None) -> list[dict]:
    """The form's rows in order: per level a subtotal row, then its lĩnh vực; last the total row.

    Each row is a dict: kind, stt, label, level, field and c3…c13 (ints).
    """
    if filters is None:
        filters = Filters(level=level)
    elif level:
        filters = Filters(level=level, unit_ids=filters.unit_ids, fields=filters.fields)
    table = metrics.kpi_table(wh, period, filters, scope, ("level", "field"))
    records = table.to_dict("records")
    by_level: dict[str, list[dict]] = {}
    for rec in records:
        field = rec.get("field")
        if field is None or (isinstance(field, float) and pd.isna(field)):
            field = None
        values = _values(rec)
        if not any(values.values()):
            continue
        by_level.setdefault(rec["level"], []).append({"field": field, **values})
    rows: list[dict] = []
    level_rows: list[dict] = []
    for i, lv in enumerate(levels_in_view(period, scope, level, set(by_level)), start=1):
        fields = sorted(by_level.get(lv, []), key=lambda r: (r["field"] is None, sort_key_vi(r["field"] or "")))
        subtotal = FormRow("level", ROMAN.get(i, str(i)), vi.level_label_in(lv, period), lv, None,
                           _sum(fields) if fields else {c: 0 for c in NUMBER_COLUMNS}).as_dict()
        rows.append(subtotal)
        level_rows.append(subtotal)
        for j, f in enumerate(fields, start=1):
            rows.append(FormRow("field", str(j), f["field"] or report_text.FORM06_NO_FIELD, lv, f["field"],
                                {c: f[c] for c in NUMBER_COLUMNS}).as_dict())
    rows.append(FormRow("total", "", report_text.FORM06_TOTAL_ROW, None, None, _sum(level_rows)).as_dict())
    return rows


def identity_status(row: dict) -> dict[str, bool]:
    """Which identity holds for one row: {'received_by_channel': True, …}."""
    return {name: int(row[left]) == sum(int(row[c]) for c in right) for name, (left, right) in IDENTITIES.items()}


def check_identities(rows: list[dict]) -> list[dict]:
    """Every identity that fails, one dict per (row, identity), with both sides.

    An empty list means all four identities hold on every row. Where the form's
    template year defines (3) one way only, a failure of the other reading shows
    which one the numbers follow (``identity_status`` gives the per-row picture).
    """
    violations = []
    for index, row in enumerate(rows):
        for name, (left, right) in IDENTITIES.items():
            lhs, rhs = int(row[left]), sum(int(row[c]) for c in right)
            if lhs != rhs:
                violations.append({
                    "row": index, "kind": row.get("kind"), "stt": row.get("stt"), "label": row.get("label"),
                    "level": row.get("level"), "identity": name, "formula": report_text.FORM06_IDENTITIES[name],
                    "left": lhs, "right": rhs, "difference": lhs - rhs,
                })
    return violations


def identities_holding(rows: list[dict]) -> dict[str, bool]:
    """Per identity: whether it holds on every row (what a report footnote states)."""
    out = {name: True for name in IDENTITIES}
    for row in rows:
        for name, ok in identity_status(row).items():
            out[name] = out[name] and ok
    return out


# -- .xlsx -------------------------------------------------------------------

LAST_COL = 12  # column M, (13)
HEADER_FIRST, HEADER_LAST = 8, 11  # 0-based rows of the column header block (3 rows + numbers row)


def _scope_text(scope: Scope | None, level: str | None) -> str:
    if level:
        return vi.LEVEL_LABELS.get(level, level)
    if scope is None or scope.is_province:
        return report_text.SCOPE_PROVINCE
    if scope.kind == "level":
        return vi.LEVEL_LABELS.get(scope.level, scope.level or "")
    return f"{report_text.SCOPE_OWN} ({len(scope.unit_ids)} đơn vị)"


def form06_xlsx(wh: Warehouse, period: Period, scope: Scope | None = None, level: str | None = None,
                **options) -> bytes:
    """Biểu số 06 as .xlsx bytes (a download button's payload); options as ``write_form06``."""
    buffer = io.BytesIO()
    write_form06(wh, period, scope, level, buffer, **options)
    return buffer.getvalue()


def write_form06(wh: Warehouse, period: Period, scope: Scope | None, level: str | None, target, *,
                 reporting_unit: str = report_text.DEFAULT_REPORTING_UNIT,
                 receiving_unit: str = report_text.DEFAULT_RECEIVING_UNIT, today: dt.date | None = None,
                 rows: list[dict] | None = None) -> list[dict]:
    """Write Biểu số 06 as .xlsx to ``target`` (a path or a binary buffer); returns the rows written."""
    import xlsxwriter

    rows = rows if rows is not None else form06_rows(wh, period, scope, level)
    period = period.until(metrics.data_date(wh))  # "số liệu đến ngày …" past the data
    # strings_to_formulas=False: a name from an upload that starts with '=' stays text.
    wb = xlsxwriter.Workbook(str(target) if isinstance(target, Path) else target,
                             {"strings_to_formulas": False, "strings_to_urls": False,
                              "strings_to_numbers": False, "in_memory": True})
    ws = wb.add_worksheet(report_text.FORM06_SHEET)
    formats = _formats(wb)
    _title_block(ws, formats, period, _scope_text(scope, level), reporting_unit, receiving_unit)
    _column_header(ws, formats)
    last_row = _data_rows(ws, formats, rows)
    last_row = _signature_block(ws, formats, last_row, today or dt.date.today())
    _print_setup(ws, last_row)
    wb.close()
    return rows


def _formats(wb) -> dict:
    """The form's cell formats by role (Times New Roman 12, as offices print it)."""
    base = {"font_name": "Times New Roman", "font_size": 12, "valign": "vcenter"}
    roles = {
        "code": dict(bold=True, align="left"),
        "small_left": dict(italic=True, align="left", font_size=10, text_wrap=True),
        "nation": dict(bold=True, align="center"), "motto": dict(bold=True, align="center", underline=1),
        "title": dict(bold=True, align="center", font_size=14), "center": dict(align="center"),
        "info": dict(align="left"),
        "head": dict(bold=True, align="center", border=1, text_wrap=True, bg_color="#F2F2F2"),
        "head_num": dict(italic=True, align="center", border=1, font_size=10),
        "level_txt": dict(bold=True, border=1, align="left", text_wrap=True),
        "level_stt": dict(bold=True, border=1, align="center"),
        "level_num": dict(bold=True, border=1, num_format="#,##0"),
        "field_txt": dict(border=1, align="left", text_wrap=True), "field_stt": dict(border=1, align="center"),
        "field_num": dict(border=1, num_format="#,##0"),
        "total_txt": dict(bold=True, border=1, align="center", bg_color="#F2F2F2"),
        "total_num": dict(bold=True, border=1, num_format="#,##0", bg_color="#F2F2F2"),
        "sign": dict(bold=True, align="center"), "sign_note": dict(italic=True, align="center", font_size=11),
        "date_line": dict(italic=True, align="center"),
    }
    return {role: wb.add_format({**base, **kw}) for role, kw in roles.items()}


def _title_block(ws, f: dict, period: Period, scope_text: str, reporting_unit: str, receiving_unit: str) -> None:
    """Form code left, national name and motto right, title, period, scope, units."""
    ws.set_column(0, 0, 6)
    ws.set_column(1, 1, 42)
    ws.set_column(2, LAST_COL, 11.5)
    ws.merge_range(0, 0, 0, 4, report_text.FORM06_CODE, f["code"])
    ws.merge_range(1, 0, 2, 4, report_text.FORM06_BASIS, f["small_left"])
    ws.merge_range(0, 6, 0, LAST_COL, report_text.NATIONAL_NAME, f["nation"])
    ws.merge_range(1, 6, 1, LAST_COL, report_text.NATIONAL_MOTTO, f["motto"])
    ws.merge_range(3, 0, 3, LAST_COL, report_text.FORM06_TITLE, f["title"])
    ws.merge_range(4, 0, 4, LAST_COL, report_text.FORM06_PERIOD.format(
        label=period.label, start=vi.date(period.start), end=vi.date(period.end)), f["center"])
    ws.merge_range(5, 0, 5, LAST_COL, report_text.FORM06_SCOPE_NOTE.format(scope=scope_text), f["center"])
    ws.merge_range(6, 0, 6, 5, report_text.FORM06_REPORTING_UNIT.format(unit=reporting_unit), f["info"])
    ws.merge_range(6, 6, 6, 9, report_text.FORM06_RECEIVING_UNIT.format(unit=receiving_unit), f["info"])
    ws.merge_range(6, 10, 6, LAST_COL, report_text.FORM06_COUNT_UNIT, f["info"])
    for r in range(3):
        ws.set_row(r, 18)


_HEADER_GROUPS = (  # (first column, last column, group heading, sub-headings after "Tổng số")
    (2, 5, "FORM06_HEAD_RECEIVED", ("FORM06_HEAD_ONLINE", "FORM06_HEAD_DIRECT", "FORM06_HEAD_CARRIED")),
    (6, 9, "FORM06_HEAD_RESOLVED", ("FORM06_HEAD_EARLY", "FORM06_HEAD_ON_TIME", "FORM06_HEAD_OVERDUE")),
    (10, 12, "FORM06_HEAD_IN_PROGRESS", ("FORM06_HEAD_WITHIN", "FORM06_HEAD_OVERDUE")),
)


def _column_header(ws, f: dict) -> None:
    """Three rows of merged group headings, then the row of column numbers (1)…(13)."""
    h0, h1, h2, hn = HEADER_FIRST, HEADER_FIRST + 1, HEADER_FIRST + 2, HEADER_LAST
    ws.merge_range(h0, 0, h2, 0, report_text.FORM06_HEAD_STT, f["head"])
    ws.merge_range(h0, 1, h2, 1, report_text.FORM06_HEAD_FIELD, f["head"])
    for first, last, group, subs in _HEADER_GROUPS:
        ws.merge_range(h0, first, h0, last, getattr(report_text, group), f["head"])
        ws.merge_range(h1, first, h2, first, report_text.FORM06_HEAD_TOTAL, f["head"])
        ws.merge_range(h1, first + 1, h1, last, report_text.FORM06_HEAD_OF_WHICH, f["head"])
        for k, sub in enumerate(subs):
            ws.write_string(h2, first + 1 + k, getattr(report_text, sub), f["head"])
    for c in range(LAST_COL + 1):
        ws.write_string(hn, c, f"({c + 1})", f["head_num"])
    ws.set_row(h0, 30)
    ws.set_row(h1, 20)
    ws.set_row(h2, 48)


def _data_rows(ws, f: dict, rows: list[dict]) -> int:
    """One line per level, lĩnh vực and the total; returns the next free row."""
    r = HEADER_LAST + 1
    for row in rows:
        kind = {"level": "level", "total": "total"}.get(row["kind"], "field")
        f_text, f_stt = f[f"{kind}_txt"], f["total_txt" if kind == "total" else f"{kind}_stt"]
        if row["stt"]:
            ws.write_string(r, 0, str(row["stt"]), f_stt)
        else:
            ws.write_blank(r, 0, None, f_stt)
        ws.write_string(r, 1, str(row["label"]), f_text)  # names from uploads: always text
        for k, col in enumerate(NUMBER_COLUMNS):
            ws.write_number(r, 2 + k, int(row[col]), f[f"{kind}_num"])
        r += 1
    # Dossiers whose channel is unknown or 'other' are in (3) but neither in (4) nor (5): say so.
    total = rows[-1]
    unlisted = int(total["c3"]) - int(total["c4"]) - int(total["c5"]) - int(total["c6"])
    if unlisted > 0:
        r += 1
        ws.merge_range(r, 0, r, LAST_COL, vi.FORM06_CHANNEL_NOTE.format(n=vi.num(unlisted)), f["small_left"])
        ws.set_row(r, 30)
        r += 1
    return r


def _signature_block(ws, f: dict, r: int, today: dt.date) -> int:
    """Date line, preparer and head of unit; returns the last row used."""
    r += 1
    ws.merge_range(r, 8, r, LAST_COL, report_text.FORM06_DATE_LINE.format(
        d=f"{today.day:02d}", m=f"{today.month:02d}", y=today.year), f["date_line"])
    r += 1
    ws.merge_range(r, 0, r, 4, report_text.FORM06_PREPARER, f["sign"])
    ws.merge_range(r, 8, r, LAST_COL, report_text.FORM06_HEAD_OF_UNIT, f["sign"])
    r += 1
    ws.merge_range(r, 0, r, 4, report_text.FORM06_SIGN_NOTE, f["sign_note"])
    ws.merge_range(r, 8, r, LAST_COL, report_text.FORM06_SIGN_NOTE_SEAL, f["sign_note"])
    return r


def _print_setup(ws, last_row: int) -> None:
    """A4 landscape, one page wide, header rows repeated, modest margins, page numbers."""
    ws.set_paper(9)
    ws.set_landscape()
    ws.fit_to_pages(1, 0)
    ws.repeat_rows(HEADER_FIRST, HEADER_LAST)
    ws.set_margins(left=0.4, right=0.4, top=0.6, bottom=0.6)
    ws.center_horizontally()
    ws.set_footer(f"&C{report_text.FORM06_FOOTER}")
    ws.print_area(0, 0, last_row, LAST_COL)
    ws.freeze_panes(HEADER_LAST + 1, 2)


DATA_FIRST_ROW = HEADER_LAST + 2  # 1-based Excel row of the first data row

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


def export_form06(wh: Warehouse, period: Period, scope: Scope | None = None, level: str | None = None,
                  path_or_buffer=None, *, reporting_unit: str = report_text.DEFAULT_REPORTING_UNIT,
                  receiving_unit: str = report_text.DEFAULT_RECEIVING_UNIT, today: dt.date | None = None,
                  rows: list[dict] | None = None):
    """Write Biểu số 06 as .xlsx to a path or a binary buffer; with neither, return the bytes.

    Returns the rows written (list of dicts) when a target is given.
    """
    import xlsxwriter

    rows = rows if rows is not None else form06_rows(wh, period, scope, level)
    period = period.until(metrics.data_date(wh))  # "số liệu đến ngày …" past the data
    target = path_or_buffer if path_or_buffer is not None else io.BytesIO()
    if isinstance(target, Path):
        target = str(target)
    # strings_to_formulas=False: a name from an upload that starts with '=' stays text.
    wb = xlsxwriter.Workbook(target, {"strings_to_formulas": False, "strings_to_urls": False,
                                      "strings_to_numbers": False, "in_memory": True})
    ws = wb.add_worksheet(report_text.FORM06_SHEET)
    base = {"font_name": "Times New Roman", "font_size": 12, "valign": "vcenter"}

    def fmt(**kw):
        return wb.add_format({**base, **kw})

    f_code = fmt(bold=True, align="left")
    f_small_left = fmt(italic=True, align="left", font_size=10, text_wrap=True)
    f_nation = fmt(bold=True, align="center")
    f_motto = fmt(bold=True, align="center", underline=1)
    f_title = fmt(bold=True, align="center", font_size=14)
    f_center = fmt(align="center")
    f_right_info = fmt(align="left")
    f_head = fmt(bold=True, align="center", border=1, text_wrap=True, bg_color="#F2F2F2")
    f_head_num = fmt(italic=True, align="center", border=1, font_size=10)
    f_level_txt = fmt(bold=True, border=1, align="left", text_wrap=True)
    f_level_stt = fmt(bold=True, border=1, align="center")
    f_level_num = fmt(bold=True, border=1, num_format="#,##0")
    f_txt = fmt(border=1, align="left", text_wrap=True)
    f_stt = fmt(border=1, align="center")
    f_num = fmt(border=1, num_format="#,##0")
    f_total_txt = fmt(bold=True, border=1, align="center", bg_color="#F2F2F2")
    f_total_num = fmt(bold=True, border=1, num_format="#,##0", bg_color="#F2F2F2")
    f_sign = fmt(bold=True, align="center")
    f_sign_note = fmt(italic=True, align="center", font_size=11)

    ws.set_column(0, 0, 6)
    ws.set_column(1, 1, 42)
    ws.set_column(2, LAST_COL, 11.5)

    # Title block: form code left, national name and motto right.
    ws.merge_range(0, 0, 0, 4, report_text.FORM06_CODE, f_code)
    ws.merge_range(1, 0, 2, 4, report_text.FORM06_BASIS, f_small_left)
    ws.merge_range(0, 6, 0, LAST_COL, report_text.NATIONAL_NAME, f_nation)
    ws.merge_range(1, 6, 1, LAST_COL, report_text.NATIONAL_MOTTO, f_motto)
    ws.merge_range(3, 0, 3, LAST_COL, report_text.FORM06_TITLE, f_title)
    ws.merge_range(4, 0, 4, LAST_COL, report_text.FORM06_PERIOD.format(
        label=period.label, start=vi.date(period.start), end=vi.date(period.end)), f_center)
    ws.merge_range(5, 0, 5, LAST_COL, report_text.FORM06_SCOPE_NOTE.format(scope=_scope_text(scope, level)), f_center)
    ws.merge_range(6, 0, 6, 5, report_text.FORM06_REPORTING_UNIT.format(unit=reporting_unit), f_right_info)
    ws.merge_range(6, 6, 6, 9, report_text.FORM06_RECEIVING_UNIT.format(unit=receiving_unit), f_right_info)
    ws.merge_range(6, 10, 6, LAST_COL, report_text.FORM06_COUNT_UNIT, f_right_info)
    for r in range(3):
        ws.set_row(r, 18)

    # Column header: three rows of merged group headers, then the numbers row.
    h0, h1, h2, hn = HEADER_FIRST, HEADER_FIRST + 1, HEADER_FIRST + 2, HEADER_LAST
    ws.merge_range(h0, 0, h2, 0, report_text.FORM06_HEAD_STT, f_head)
    ws.merge_range(h0, 1, h2, 1, report_text.FORM06_HEAD_FIELD, f_head)
    for first, last, group, subs in (
        (2, 5, report_text.FORM06_HEAD_RECEIVED, (report_text.FORM06_HEAD_ONLINE, report_text.FORM06_HEAD_DIRECT, report_text.FORM06_HEAD_CARRIED)),
        (6, 9, report_text.FORM06_HEAD_RESOLVED, (report_text.FORM06_HEAD_EARLY, report_text.FORM06_HEAD_ON_TIME, report_text.FORM06_HEAD_OVERDUE)),
        (10, 12, report_text.FORM06_HEAD_IN_PROGRESS, (report_text.FORM06_HEAD_WITHIN, report_text.FORM06_HEAD_OVERDUE)),
    ):
        ws.merge_range(h0, first, h0, last, group, f_head)
        ws.merge_range(h1, first, h2, first, report_text.FORM06_HEAD_TOTAL, f_head)
        ws.merge_range(h1, first + 1, h1, last, report_text.FORM06_HEAD_OF_WHICH, f_head)
        for k, sub in enumerate(subs):
            ws.write_string(h2, first + 1 + k, sub, f_head)
    for c in range(LAST_COL + 1):
        ws.write_string(hn, c, f"({c + 1})", f_head_num)
    ws.set_row(h0, 30)
    ws.set_row(h1, 20)
    ws.set_row(h2, 48)

    r = hn + 1
    for row in rows:
        if row["kind"] == "level":
            f_t, f_s, f_n = f_level_txt, f_level_stt, f_level_num
        elif row["kind"] == "total":
            f_t, f_s, f_n = f_total_txt, f_total_txt, f_total_num
        else:
            f_t, f_s, f_n = f_txt, f_stt, f_num
        if row["stt"]:
            ws.write_string(r, 0, str(row["stt"]), f_s)
        else:
            ws.write_blank(r, 0, None, f_s)
        ws.write_string(r, 1, str(row["label"]), f_t)  # names from uploads: always text
        for k, col in enumerate(NUMBER_COLUMNS):
            ws.write_number(r, 2 + k, int(row[col]), f_n)
        r += 1

    # Dossiers whose channel is unknown or 'other' are in (3) but neither in (4) nor (5): say so.
    total = rows[-1]
    unlisted = int(total["c3"]) - int(total["c4"]) - int(total["c5"]) - int(total["c6"])
    if unlisted > 0:
        r += 1
        ws.merge_range(r, 0, r, LAST_COL, vi.FORM06_CHANNEL_NOTE.format(n=vi.num(unlisted)), f_small_left)
        ws.set_row(r, 30)
        r += 1

    # Signature block.
    today = today or dt.date.today()
    r += 1
    ws.merge_range(r, 8, r, LAST_COL, report_text.FORM06_DATE_LINE.format(d=f"{today.day:02d}", m=f"{today.month:02d}", y=today.year),
                   fmt(italic=True, align="center"))
    r += 1
    ws.merge_range(r, 0, r, 4, report_text.FORM06_PREPARER, f_sign)
    ws.merge_range(r, 8, r, LAST_COL, report_text.FORM06_HEAD_OF_UNIT, f_sign)
    r += 1
    ws.merge_range(r, 0, r, 4, report_text.FORM06_SIGN_NOTE, f_sign_note)
    ws.merge_range(r, 8, r, LAST_COL, report_text.FORM06_SIGN_NOTE_SEAL, f_sign_note)

    # Print: A4 landscape, one page wide, header rows repeated, modest margins, page numbers.
    ws.set_paper(9)
    ws.set_landscape()
    ws.fit_to_pages(1, 0)
    ws.repeat_rows(h0, hn)
    ws.set_margins(left=0.4, right=0.4, top=0.6, bottom=0.6)
    ws.center_horizontally()
    ws.set_footer(f"&C{report_text.FORM06_FOOTER}")
    ws.print_area(0, 0, r, LAST_COL)
    ws.freeze_panes(hn + 1, 2)
    wb.close()
    if path_or_buffer is None:
        return target.getvalue()
    return rows


DATA_FIRST_ROW = HEADER_LAST + 2  # 1-based Excel row of the first data row

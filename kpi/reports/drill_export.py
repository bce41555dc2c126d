"""The dossiers behind a number as an .xlsx file (the drill-down's 'Tải Excel').

Every text cell is written with ``write_string`` and the workbook is opened with
``strings_to_formulas=False``: an uploaded value such as '=HYPERLINK(…)' stays
text and never becomes a formula in the leader's Excel.
"""
from __future__ import annotations

import io

import pandas as pd
import xlsxwriter

from kpi.text import vi

COLUMNS = ("code", "unit", "field", "procedure", "received_at", "due_at", "finished_at", "days_late", "channel")


def _blank(value) -> bool:
    if value is None or value is pd.NaT:
        return True
    if isinstance(value, str):
        return value == ""
    try:
        return bool(pd.isna(value))
    except (TypeError, ValueError):
        return False


def audited_xlsx(wh, user, frame: pd.DataFrame, title: str, detail: dict) -> bytes:
    """``dossiers_xlsx``, with an ``export`` row in the audit log: the page hands this to the download
    button as a deferred callable, so the row is written when the file is actually downloaded."""
    from kpi.warehouse import audit

    data = dossiers_xlsx(frame, title)
    audit.record(wh, getattr(user, "name", None), "export", detail.get("file"), detail)
    return data


def dossiers_xlsx(frame: pd.DataFrame, title: str = "") -> bytes:
    """An .xlsx of ``metrics.dossier_list`` rows with Vietnamese headers and dd/mm/yyyy dates."""
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True, "strings_to_formulas": False,
                                        "strings_to_urls": False, "strings_to_numbers": False})
    sheet = book.add_worksheet(vi.DRILL_SHEET)
    bold = book.add_format({"bold": True, "text_wrap": True, "valign": "top", "bg_color": "#DDEBF7", "border": 1})
    date_fmt = book.add_format({"num_format": "dd/mm/yyyy hh:mm"})
    row = 0
    if title:
        sheet.write_string(0, 0, title, book.add_format({"bold": True, "font_size": 13}))
        row = 2
    for col, name in enumerate(COLUMNS):
        sheet.write_string(row, col, vi.DOSSIER_COLUMNS[name], bold)
    widths = [18, 34, 20, 48, 17, 17, 17, 11, 12]
    for col, width in enumerate(widths):
        sheet.set_column(col, col, width)
    for record in frame.to_dict("records"):
        row += 1
        for col, name in enumerate(COLUMNS):
            value = record.get(name)
            if _blank(value):
                sheet.write_blank(row, col, None)
            elif name in ("received_at", "due_at", "finished_at"):
                stamp = pd.Timestamp(value).to_pydatetime()
                sheet.write_datetime(row, col, stamp, date_fmt)
            elif name == "days_late":
                sheet.write_number(row, col, float(value))
            elif name == "channel":
                sheet.write_string(row, col, vi.CHANNEL_LABELS.get(str(value), str(value)))
            else:
                sheet.write_string(row, col, str(value))
    header_row = row - len(frame)
    sheet.freeze_panes(header_row + 1, 0)  # the header row stays visible: freeze the rows down to it
    sheet.autofilter(header_row, 0, max(row, header_row), len(COLUMNS) - 1)
    book.close()
    return buffer.getvalue()

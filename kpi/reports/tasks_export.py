"""The plan's tasks with their progress as an .xlsx file (the task tracker's 'Tải Excel').

Every cell is text written with ``write_string`` in a workbook opened with ``strings_to_formulas=False``
(dates as dd/mm/yyyy text): a task or evidence text typed as '=HYPERLINK(…)' stays text in the
leader's Excel, as in ``kpi.reports.drill_export``.
"""
from __future__ import annotations

import datetime as dt
import io

import xlsxwriter

from kpi.text import tracking as tracking_text, vi
from kpi.tracking.tasks import Task

COLUMNS = tuple(tracking_text.TASK_COLUMNS)
WIDTHS = (7, 30, 50, 28, 26, 26, 18, 12, 14, 20, 30, 22, 30, 14, 17)


def cell_text(task: Task, column: str, today: dt.date) -> str:
    """What one cell says: labels for the status, dd/mm/yyyy for dates, '' for nothing."""
    if column == "status":
        return tracking_text.TASK_STATUS_LABELS[task.shown_status(today)]
    value = task.title if column == "task" else getattr(task, column)
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return vi.datetime(value)
    if isinstance(value, dt.date):
        return vi.date(value)
    return str(value)


def tasks_xlsx(tasks: list[Task], today: dt.date) -> bytes:
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True, "strings_to_formulas": False,
                                        "strings_to_urls": False, "strings_to_numbers": False})
    sheet = book.add_worksheet(tracking_text.TASKS_SHEET)
    bold = book.add_format({"bold": True, "text_wrap": True, "valign": "top", "bg_color": "#DDEBF7", "border": 1})
    wrap = book.add_format({"text_wrap": True, "valign": "top"})
    sheet.write_string(0, 0, tracking_text.TASKS_TITLE.format(day=vi.date(today)),
                       book.add_format({"bold": True, "font_size": 13}))
    header_row = 2
    for col, name in enumerate(COLUMNS):
        sheet.write_string(header_row, col, tracking_text.TASK_COLUMNS[name], bold)
        sheet.set_column(col, col, WIDTHS[col], wrap)
    for offset, task in enumerate(tasks, start=1):
        for col, name in enumerate(COLUMNS):
            sheet.write_string(header_row + offset, col, cell_text(task, name, today))
    sheet.freeze_panes(header_row + 1, 0)
    sheet.autofilter(header_row, 0, header_row + max(len(tasks), 1), len(COLUMNS) - 1)
    book.close()
    return buffer.getvalue()


def audited_tasks_xlsx(wh, user, tasks: list[Task], today: dt.date, file_name: str) -> bytes:
    """``tasks_xlsx`` with an ``export`` audit row, written when the file is downloaded."""
    from kpi.warehouse import audit

    data = tasks_xlsx(tasks, today)
    audit.record(wh, getattr(user, "name", None), "export", file_name, {"file": file_name, "rows": len(tasks),
                                                                        "set": "plan_tasks"})
    return data

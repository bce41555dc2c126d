"""What a file was read as, in words an analyst can check against the file on screen.

Used by the upload page when a file cannot load as it is (issue 17 item 6):

- ``column_samples``: each source column with its letter and the first values under
  the header, for the manual-mapping drop-down ("Cột F — Ngày hẹn trả (vd: 05/03/2024, …)");
- ``describe_read``: a refused file's sheets, rows and columns and the first row with
  text, instead of a bare "0 rows read".

Nothing here writes; reading again is bounded by the same guards as the load (etl.read).
"""
from __future__ import annotations

import re
from dataclasses import dataclass

import pandas as pd
from openpyxl.utils import get_column_letter

from etl.headers import HeaderMatch
from etl.read import FileRefused, RawFile, RawSheet, read_file
from etl.validate import body_rows
from kpi.text.vi import num

SAMPLES_PER_COLUMN = 2
SAMPLE_CHARS = 24        # a long cell (a procedure name) is cut so the option stays on one line
FIRST_ROW_CELLS = 8      # how many texts of the first non-empty row a refusal quotes
_ISO_DATE = re.compile(r"^(\d{4})-(\d{2})-(\d{2})(?:[ T](\d{2}):(\d{2})(?::\d{2})?)?$")


@dataclass(frozen=True)
class ColumnSample:
    letter: str            # Excel column letter, as the analyst sees it in the file
    label: str             # header text
    samples: tuple[str, ...]


def _shown(value: str) -> str:
    """A cell as the analyst would read it: ISO dates day-first, long text cut."""
    text = " ".join(str(value).split())
    match = _ISO_DATE.match(text)
    if match:  # an Excel date cell reads as ISO text: show it day first, with the time unless midnight
        y, m, d, hh, mm = match.groups()
        text = f"{d}/{m}/{y}" + (f" {hh}:{mm}" if hh and (hh, mm) != ("00", "00") else "")
    return text if len(text) <= SAMPLE_CHARS else text[: SAMPLE_CHARS - 1] + "…"


def column_samples(sheet: RawSheet, header: HeaderMatch, n: int = SAMPLES_PER_COLUMN) -> dict[str, ColumnSample]:
    """header text → its column letter and first ``n`` non-empty values of the data rows."""
    body = body_rows(sheet.cells, header)
    found: dict[str, ColumnSample] = {}
    for column in header.columns:
        if not column.label or column.label in found:
            continue
        values = body[column.index].dropna() if column.index in body.columns else pd.Series(dtype="str")
        values = [v for v in (str(x).strip() for x in values.head(50)) if v][:n]
        found[column.label] = ColumnSample(get_column_letter(column.index + 1), column.label,
                                           tuple(_shown(v) for v in values))
    return found


def rows_below_header(sheet: RawSheet, header: HeaderMatch) -> int:
    """Non-blank data rows under the header (footer block left out), before any validation."""
    return len(body_rows(sheet.cells, header))


def _used(cells: pd.DataFrame) -> tuple[int, int]:
    """(rows, columns) that hold at least one value."""
    filled = cells.notna()
    return int(filled.any(axis=1).sum()), int(filled.any(axis=0).sum())


def _first_text_row(cells: pd.DataFrame) -> tuple[int, list[str]] | None:
    for position in range(min(len(cells), 50)):
        texts = [" ".join(str(v).split()) for v in cells.iloc[position].dropna() if str(v).strip()]
        if texts:
            return position + 1, texts
    return None


def describe_raw(raw: RawFile) -> str:
    """'Đã đọc 2 trang tính: «Sheet1» 1.234 dòng × 12 cột có dữ liệu; «Ghi chú» trống. Dòng có chữ đầu tiên …'"""
    parts = []
    for sheet in raw.sheets:
        rows, columns = _used(sheet.cells)
        parts.append(f"«{sheet.name}» trống" if not rows else
                     f"«{sheet.name}» {num(rows)} dòng × {num(columns)} cột có dữ liệu")
    text = f"Đã đọc {num(len(raw.sheets))} trang tính: " + "; ".join(parts) + "."
    for sheet in raw.sheets:
        first = _first_text_row(sheet.cells)
        if first:
            row, texts = first
            shown = ", ".join(f"«{_shown(t)}»" for t in texts[:FIRST_ROW_CELLS])
            more = f" và {num(len(texts) - FIRST_ROW_CELLS)} ô khác" if len(texts) > FIRST_ROW_CELLS else ""
            text += f" Dòng có chữ đầu tiên (trang «{sheet.name}», dòng {row}): {shown}{more}."
            break
    return text


def describe_read(data: bytes, file_name: str) -> str | None:
    """What a refused file was read as; None when it could not be read at all (the refusal says why)."""
    try:
        return describe_raw(read_file(data, file_name))
    except FileRefused:
        return None

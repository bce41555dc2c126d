"""Limits on what one file may ask of the reader, checked before the sheet is parsed.

A 5.7 KB .xlsx whose used range reaches XFD1048576 makes calamine allocate
rows × columns cells (512 GiB) and abort the process; a CSV line of a million
separators makes a million columns. So before any parsing:

- xlsx: each worksheet's ``<dimension ref>`` is read from the first bytes of its
  XML (a bounded streaming read through the zip, never the whole sheet); a sheet
  without one is streamed and its largest cell reference taken instead; the
  shared-strings table's declared count is checked too. A dimension that lies
  (declares less than the cells reach) is caught after the parse by
  ``check_parsed`` in the reading child, whose memory limit stops the parse first
  if the lie is large (``etl.isolate``).
- CSV/text: lines are measured in bounded chunks (length, fields, cell size, count).
- every format: the parsed sheets are checked again (``check_parsed``): area,
  columns, longest cell.

Every refusal names the file and the limit (and the setting that holds it).
"""
from __future__ import annotations

import dataclasses
import html
import io
import re
import zipfile
import zlib
from dataclasses import dataclass

from kpi import config
from kpi.text.vi import num

KB = 1024
# A sheet holds a title block, a header and a footer besides its data rows.
ROW_ALLOWANCE = 1000
HEAD_BYTES = 64 * KB          # the dimension element sits before <sheetData>, in the first few hundred bytes
SCAN_CHUNK = 1024 * KB
TEXT_CHUNK = 4096 * KB
SEPARATORS = (b";", b",", b"\t", b"|")
_DIMENSION = re.compile(rb'<(?:\w+:)?dimension\s+ref="\$?([A-Za-z]{1,4})\$?([0-9]{1,10})(?::\$?([A-Za-z]{1,4})\$?([0-9]{1,10}))?"')
_CELL_REF = re.compile(rb'\sr="([A-Z]{1,4})0*([0-9]{1,10})"')
_WORKSHEET = re.compile(rb"<(?:\w+:)?worksheet[\s>]")
_SST_COUNT = re.compile(rb'<(?:\w+:)?sst\b[^>]*?\buniqueCount="([0-9]+)"')
_SHEET_ENTRY = re.compile(rb"<(?:\w+:)?sheet\s[^>]*>")
_REL_ENTRY = re.compile(rb"<(?:\w+:)?Relationship\s[^>]*>")
_ATTRIBUTE = re.compile(rb'\s([\w:]+)="([^"]*)"')


@dataclass(frozen=True)
class Limits:
    rows: int
    columns: int
    cells: int
    cell_chars: int
    line_bytes: int
    wide: bool = False  # the text is UTF-16

    @property
    def data_rows(self) -> int:
        """The max_rows setting (``rows`` adds room for a title block, header and footer)."""
        return self.rows - ROW_ALLOWANCE


    @classmethod
    def current(cls) -> "Limits":
        return cls(rows=int(config.get("max_rows")) + ROW_ALLOWANCE, columns=int(config.get("max_columns")),
                   cells=int(config.get("max_cells")), cell_chars=int(config.get("max_cell_chars")),
                   line_bytes=int(config.get("max_line_kb")) * KB)


class LimitExceeded(Exception):
    """A file over a reading limit, or too broken to measure; ``reason`` is the Vietnamese sentence
    (etl.read turns it into FileRefused)."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


def column_number(letters: str) -> int:
    """'A' → 1, 'Z' → 26, 'AA' → 27, 'XFD' → 16384."""
    number = 0
    for letter in letters.upper():
        number = number * 26 + ord(letter) - 64
    return number


def column_letters(number: int) -> str:
    letters = ""
    while number > 0:
        number, rest = divmod(number - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


# -- messages -----------------------------------------------------------------------------------

def _where(file_name: str, sheet: str | None) -> str:
    return f"Trang tính «{sheet}» của tệp «{file_name}»" if sheet else f"Tệp «{file_name}»"


def check_area(file_name: str, sheet: str | None, rows: int, columns: int, limits: Limits, *,
               seen: str = "có vùng dữ liệu") -> None:
    """Refuse a sheet whose used range (rows × columns) is over a limit."""
    extent = f"{seen} đến ô {column_letters(columns)}{rows} ({num(columns)} cột × {num(rows)} dòng)"
    fix = ("Hãy xóa các ô thừa nằm xa bảng dữ liệu (hoặc chép riêng bảng dữ liệu sang một tệp mới), "
           "lưu lại rồi nạp lại.")
    if columns > limits.columns:
        raise LimitExceeded(f"{_where(file_name, sheet)} {extent}, vượt giới hạn {num(limits.columns)} cột "
                            f"(cài đặt max_columns). {fix}")
    if rows > limits.rows:
        raise LimitExceeded(f"{_where(file_name, sheet)} {extent}, vượt giới hạn {num(limits.data_rows)} dòng dữ liệu "
                            f"(cài đặt max_rows). Hãy chia thành nhiều tệp (ví dụ theo tháng) rồi nạp từng tệp.")
    if rows * columns > limits.cells:
        raise LimitExceeded(f"{_where(file_name, sheet)} {extent}, tức {num(rows * columns)} ô, vượt giới hạn "
                            f"{num(limits.cells)} ô (cài đặt max_cells). {fix}")


def _cell_too_long(file_name: str, sheet: str | None, where: str, chars: int, limits: Limits) -> LimitExceeded:
    return LimitExceeded(f"{_where(file_name, sheet)} có ô dài {num(chars)} ký tự ({where}), vượt giới hạn "
                         f"{num(limits.cell_chars)} ký tự một ô (cài đặt max_cell_chars). "
                         "Hãy xuất lại dữ liệu từ phần mềm hoặc rút gọn nội dung ô đó rồi nạp lại.")


# -- before parsing -------------------------------------------------------------------------------

def check_before_parse(data: bytes, file_name: str, fmt: str, limits: Limits | None = None) -> None:
    """Raise ``LimitExceeded`` when the file's own metadata or lines are over a limit (no parsing)."""
    limits = limits or Limits.current()
    if fmt == "xlsx":
        check_xlsx(data, file_name, limits)
    elif fmt == "csv":
        check_text(data, file_name, limits)


def check_xlsx(data: bytes, file_name: str, limits: Limits) -> None:
    try:
        _check_xlsx_parts(data, file_name, limits)
    except (zipfile.BadZipFile, zlib.error, EOFError, OSError, ValueError, NotImplementedError, RuntimeError):
        # A member too broken to measure (bad CRC, bad header, unknown compression, encrypted member):
        # the parser would fail on it as well.
        raise LimitExceeded(f"Tệp «{file_name}» bị hỏng (có phần không giải nén được). "
                            "Hãy xuất lại từ phần mềm rồi nạp lại.") from None


def _check_xlsx_parts(data: bytes, file_name: str, limits: Limits) -> None:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        names = _sheet_names(archive)
        for info in archive.infolist():
            if not info.filename.lower().endswith(".xml") or info.is_dir():
                continue
            with archive.open(info) as member:
                head = member.read(HEAD_BYTES)
                if _WORKSHEET.search(head):
                    _check_worksheet(member, head, file_name, names.get(info.filename), limits)
                elif info.filename.lower().endswith("sharedstrings.xml"):
                    _check_shared_strings(head, file_name, limits)


def _sheet_names(archive: zipfile.ZipFile) -> dict[str, str]:
    """Worksheet part path → the sheet's name as Excel shows it (best effort; {} when unreadable)."""
    try:
        workbook = _small_member(archive, "xl/workbook.xml")
        rels = _small_member(archive, "xl/_rels/workbook.xml.rels")
    except KeyError:
        return {}
    targets = {}
    for element in _REL_ENTRY.findall(rels):
        attributes = dict(_ATTRIBUTE.findall(element))
        targets[attributes.get(b"Id")] = attributes.get(b"Target", b"").decode("utf-8", "replace").lstrip("/")
    out = {}
    for element in _SHEET_ENTRY.findall(workbook):
        attributes = dict(_ATTRIBUTE.findall(element))
        target = targets.get(attributes.get(b"r:id"), "")
        path = target if target.startswith("xl/") else f"xl/{target}"
        out[path] = html.unescape(attributes.get(b"name", b"").decode("utf-8", "replace"))
    return out


def _small_member(archive: zipfile.ZipFile, name: str) -> bytes:
    with archive.open(name) as member:
        return member.read(4 * SCAN_CHUNK)  # a workbook part lists sheets; more than 4 MB is not a real one


def _check_worksheet(member, head: bytes, file_name: str, sheet: str | None, limits: Limits) -> None:
    found = _DIMENSION.search(head)
    if found:
        first_col, first_row, last_col, last_row = found.groups()
        columns = column_number((last_col or first_col).decode())
        rows = int(last_row or first_row)
        check_area(file_name, sheet, rows, columns, limits, seen="khai báo vùng dữ liệu")
        return
    rows, columns = _scan_cell_refs(member, head)
    check_area(file_name, sheet, rows, columns, limits)


def _scan_cell_refs(member, head: bytes) -> tuple[int, int]:
    """The largest row and column any cell reference reaches, streaming the sheet in bounded chunks.

    Only for sheets without a dimension (rare: every common writer emits one): about 1 s per 100 MB of XML.
    """
    max_row = max_col = 0
    tail, chunk = b"", head
    while chunk:
        buffer = tail + chunk
        for letters, digits in _CELL_REF.findall(buffer):
            max_row = max(max_row, int(digits))
            max_col = max(max_col, column_number(letters.decode()))
        tail = buffer[-32:]  # a reference cut by the chunk boundary is found whole in the next buffer
        chunk = member.read(SCAN_CHUNK)
    return max_row, max_col


def _check_shared_strings(head: bytes, file_name: str, limits: Limits) -> None:
    found = _SST_COUNT.search(head)
    if found and int(found.group(1)) > limits.cells:
        raise LimitExceeded(f"Tệp «{file_name}» khai báo {num(int(found.group(1)))} chuỗi văn bản, vượt giới hạn "
                            f"{num(limits.cells)} ô (cài đặt max_cells). Hãy chia nhỏ tệp rồi nạp lại.")


def check_text(data: bytes, file_name: str, limits: Limits) -> None:
    """Line length, field count, cell size and line count of a CSV, in bounded chunks (no whole-file split)."""
    view = memoryview(data)
    limits = _with_wide_text(limits, data[:4096])
    line_number = 0
    carry = b""
    for start in range(0, len(data), TEXT_CHUNK):
        lines = (carry + bytes(view[start:start + TEXT_CHUNK])).split(b"\n")
        carry = lines.pop()  # unfinished: joined with the next chunk
        if len(carry) > limits.line_bytes:
            _check_line(carry, line_number + len(lines) + 1, file_name, limits)
        _check_lines(lines, line_number, file_name, limits)
        line_number += len(lines)
        if line_number > limits.rows:
            raise LimitExceeded(f"Tệp «{file_name}» có hơn {num(limits.rows)} dòng, vượt giới hạn {num(limits.data_rows)} "
                                "dòng dữ liệu (cài đặt max_rows). "
                                "Hãy chia thành nhiều tệp (ví dụ theo tháng) rồi nạp từng tệp.")
    if carry:
        _check_lines([carry], line_number, file_name, limits)


def _with_wide_text(limits: Limits, head: bytes) -> Limits:
    """UTF-16 text (a BOM, or a NUL in most odd or even bytes) counts two bytes a character."""
    nul_share = max(head[0::2].count(0), head[1::2].count(0)) / max(1, len(head) // 2)
    wide = head[:2] in (b"\xff\xfe", b"\xfe\xff") or nul_share > 0.4
    return dataclasses.replace(limits, wide=wide)


def _check_lines(lines: list[bytes], before: int, file_name: str, limits: Limits) -> None:
    # Only lines long enough to break a limit are looked at one by one; the rest cost one len() each.
    threshold = min(limits.columns, limits.cell_chars, limits.line_bytes)
    if max(map(len, lines), default=0) <= threshold:
        return
    for index, line in enumerate(lines):
        if len(line) > threshold:
            _check_line(line, before + index + 1, file_name, limits)


def _check_line(line: bytes, line_number: int, file_name: str, limits: Limits) -> None:
    if len(line) > limits.line_bytes:
        raise LimitExceeded(f"Dòng {num(line_number)} của tệp «{file_name}» dài hơn {num(limits.line_bytes // KB)} KB "
                            f"(cài đặt max_line_kb), không phải một dòng dữ liệu bình thường. "
                            "Hãy mở tệp kiểm tra, xuất lại dữ liệu từ phần mềm rồi nạp lại.")
    fields = max(line.count(sep) for sep in SEPARATORS) + 1
    if fields > limits.columns:
        raise LimitExceeded(f"Dòng {num(line_number)} của tệp «{file_name}» có {num(fields)} cột, vượt giới hạn "
                            f"{num(limits.columns)} cột (cài đặt max_columns). "
                            "Hãy kiểm tra dấu phân cách, xuất lại dữ liệu từ phần mềm rồi nạp lại.")
    if len(line) > limits.cell_chars:
        if limits.wide:  # UTF-16: two bytes a character, separators with a NUL beside them
            longest = (max(len(part.strip(b'"\x00 ')) for part in re.split(rb"\x00?[;,\t|]\x00?", line)) + 1) // 2
        else:
            longest = max(len(part.strip('" ')) for part in re.split(r"[;,\t|]", line.decode("utf-8", errors="replace")))
        if longest > limits.cell_chars:
            raise _cell_too_long(file_name, None, f"dòng {num(line_number)}", longest, limits)


# -- after parsing (in the reading child) -----------------------------------------------------------

def check_parsed(sheets, file_name: str, limits: Limits | None = None) -> None:
    """The parsed sheets (``etl.read.RawSheet``) against the area and cell-size limits.

    Catches what metadata could not: a dimension that lies, a quoted CSV cell spanning many lines.
    """
    import pyarrow as pa
    import pyarrow.compute as pc

    limits = limits or Limits.current()
    for sheet in sheets:
        rows, columns = sheet.cells.shape
        check_area(file_name, sheet.name, rows, columns, limits)
        for index, column in enumerate(sheet.cells.columns):
            text = pa.array(sheet.cells[column].astype("str"), from_pandas=True)
            if (pc.max(pc.binary_length(text)).as_py() or 0) <= limits.cell_chars:
                continue  # no cell has more bytes than the limit has characters: counting characters can wait
            lengths = pc.utf8_length(text)
            longest = pc.max(lengths).as_py() or 0
            if longest > limits.cell_chars:
                row = pc.index(lengths, longest).as_py() + 1
                where = f"cột {column_letters(index + 1)}, dòng {num(row)}"
                raise _cell_too_long(file_name, sheet.name, where, longest, limits)

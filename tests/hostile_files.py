"""Hostile and broken spreadsheets, generated: what tests/test_hostile.py, tests/test_fuzz.py and
bench/hostile.py feed the loader. Each writer returns the path it wrote.

They start from real exports (tests/fixtures_etl.py) and change one thing: a cell far away, a
declared range that lies, a line of a million separators, a bomb, XML nested a million deep…
"""
from __future__ import annotations

import io
import re
import zipfile
from pathlib import Path

from tests.fixtures_etl import make_rows, write_messy

SHEET = "xl/worksheets/sheet1.xml"


def rewrite_member(path: Path, member: str, change) -> Path:
    """Rewrite one member of a zip (an .xlsx) through ``change(bytes) -> bytes``; the others are copied."""
    source = zipfile.ZipFile(io.BytesIO(path.read_bytes()))
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as out:
        for info in source.infolist():
            data = source.read(info.filename)
            out.writestr(info, change(data) if info.filename == member else data)
    return path


def far_cell_xlsx(path: str | Path, column: str = "XFD", row: int = 1_048_576, *, rows: int = 20) -> Path:
    """A small real export plus one cell at ``column``+``row`` (Excel's last cell by default): ~6 KB."""
    import openpyxl

    path = write_messy(Path(path), make_rows(rows))
    workbook = openpyxl.load_workbook(path)
    workbook.active[f"{column}{row}"] = "x"
    workbook.save(path)
    return path


def lying_dimension_xlsx(path: str | Path, column: str = "XFD", row: int = 1_048_576) -> Path:
    """The far cell is there but the sheet declares a small range (A1:N21)."""
    path = far_cell_xlsx(path, column, row)
    return rewrite_member(path, SHEET, lambda xml: re.sub(rb"<dimension ref=\"[^\"]*\"\s*/>", b'<dimension ref="A1:N21"/>', xml))


def no_dimension_xlsx(path: str | Path, column: str = "XFD", row: int = 1_048_576) -> Path:
    """The far cell is there and the sheet has no <dimension> at all."""
    path = far_cell_xlsx(path, column, row)
    return rewrite_member(path, SHEET, lambda xml: re.sub(rb"<dimension ref=\"[^\"]*\"\s*/>", b"", xml))


def separators_csv(path: str | Path, count: int = 1_000_000) -> Path:
    """A header, then one line of ``count`` separators (about 1 MB)."""
    path = Path(path)
    path.write_bytes("Mã hồ sơ;Cơ quan tiếp nhận\n".encode() + b";" * count + b"\n")
    return path


def huge_cell_csv(path: str | Path, chars: int = 100_000) -> Path:
    """A real export with one quoted cell of ``chars`` characters, 2 bytes each (over csv's 128 KB field limit)."""
    path = write_messy(Path(path), make_rows(5))
    lines = path.read_bytes().split(b"\n")
    lines[2] = b'"' + "Ý".encode() * chars + b'";' + lines[2]
    path.write_bytes(b"\n".join(lines))
    return path


def zip_bomb_xlsx(path: str | Path, megabytes: int = 40) -> Path:
    """``megabytes`` of zeros as a worksheet, deflated to a few KB."""
    path = Path(path)
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/workbook.xml", "<workbook/>")
        with archive.open(SHEET, "w") as member:
            block = b"0" * (1024 * 1024)
            for _ in range(megabytes):
                member.write(block)
    return path


def deep_xml_xlsx(path: str | Path, depth: int = 1_000_000) -> Path:
    """A real export whose first cell holds rich text nested ``depth`` elements deep."""
    path = write_messy(Path(path), make_rows(5))
    deep = b"<r>" * depth + b"<t>x</t>" + b"</r>" * depth

    def nest(xml: bytes) -> bytes:
        return xml.replace(b"<sheetData>", b'<sheetData><row r="1000"><c r="A1000" t="inlineStr"><is>' + deep
                           + b"</is></c></row>", 1)

    return rewrite_member(path, SHEET, nest)


def many_sheets_xlsx(path: str | Path, sheets: int = 50, rows: int = 1000) -> Path:
    """A workbook of ``sheets`` sheets of ``rows`` dossiers each (one export per unit, pasted together)."""
    import xlsxwriter

    from tests.fixtures_etl import Traits, cell_values

    path = Path(path)
    workbook = xlsxwriter.Workbook(str(path))
    for index in range(sheets):
        head, data = cell_values(make_rows(rows, code_prefix=f"S{index:02d}", seed=index), Traits(date_style="dmy_time"))
        sheet = workbook.add_worksheet(f"Đơn vị {index + 1}")
        sheet.write_row(0, 0, head)
        for r, line in enumerate(data, start=1):
            sheet.write_row(r, 0, line)
    workbook.close()
    return path


def truncated_xlsx(path: str | Path, keep: float = 0.5, rows: int = 2000) -> Path:
    """A real export cut after ``keep`` of its bytes (an interrupted download)."""
    path = write_messy(Path(path), make_rows(rows))
    data = path.read_bytes()
    path.write_bytes(data[: int(len(data) * keep)])
    return path


def shared_strings_count_xlsx(path: str | Path, count: int = 2_000_000_000) -> Path:
    """A real export whose shared-strings table declares ``count`` strings."""
    path = write_messy(Path(path), make_rows(5))
    return rewrite_member(path, "xl/sharedStrings.xml",
                          lambda xml: re.sub(rb'uniqueCount="[0-9]+"', f'uniqueCount="{count}"'.encode(), xml))


def far_cell_xls(path: str | Path) -> Path:
    """A real .xls export plus a cell at IV65536, the last cell BIFF8 allows (16.7 million cells of range)."""
    import xlwt

    path = Path(path)
    workbook = xlwt.Workbook(encoding="utf-8")
    sheet = workbook.add_sheet("Du lieu")
    head = ["Mã hồ sơ", "Cơ quan tiếp nhận", "Ngày tiếp nhận", "Ngày hẹn trả"]
    for c, text in enumerate(head):
        sheet.write(0, c, text)
    for r in range(1, 6):
        sheet.write(r, 0, f"H-{r}")
        sheet.write(r, 1, "Sở Tư pháp")
        sheet.write(r, 2, "02/01/2024")
        sheet.write(r, 3, "10/01/2024")
    sheet.write(65535, 255, "x")
    workbook.save(str(path))
    return path


# -- running the loader as a user would ----------------------------------------------------------

ROOT = Path(__file__).resolve().parent.parent


def run_load(paths, db: str | Path, *, timeout: float = 120, env: dict | None = None) -> dict:
    """``python -m etl load PATHS --db DB`` in a subprocess: exit code, seconds, peak memory (MB) of the
    load and of every process it waited for (the reading child included, via wait4's rusage), output.

    A load still running after ``timeout`` seconds is killed (exit -9 then).
    """
    import os
    import subprocess
    import sys
    import tempfile
    import time

    args = [sys.executable, "-m", "etl", "load", *map(str, paths), "--db", str(db)]
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        started = time.monotonic()
        proc = subprocess.Popen(args, cwd=ROOT, env={**os.environ, **(env or {})}, stdout=out, stderr=err)
        deadline = started + timeout
        status = rusage = None
        while status is None:
            pid, status, rusage = os.wait4(proc.pid, os.WNOHANG)
            if pid == 0:
                status = None
                if time.monotonic() > deadline:
                    proc.kill()
                time.sleep(0.02)
        seconds = time.monotonic() - started
        proc.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        return {"code": proc.returncode, "seconds": seconds, "peak_mb": rusage.ru_maxrss / 1024,
                "stdout": out.read().decode("utf-8", "replace"), "stderr": err.read().decode("utf-8", "replace")}

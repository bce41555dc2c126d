"""Stage 1 — read: a file (path or bytes) → raw cell tables, one per sheet, every cell as text.

Nothing is interpreted here: cells stay strings (dates as 'yyyy-mm-dd hh:mm:ss',
numbers as written) so that stage 3 can coerce whole columns at once. The
guards that must run before any parsing live here too: size, decompression
bombs, encrypted workbooks, files that are not spreadsheets.
"""
from __future__ import annotations

import csv
import hashlib
import io
import os
import unicodedata
import zipfile
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from etl import isolate, legacy, limits
from kpi import config

MB = 1024 * 1024
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ZIP_MAGIC = b"PK\x03\x04"
# Names of the streams an encrypted OOXML package keeps inside its OLE container (UTF-16LE).
_ENCRYPTED_MARKERS = ("EncryptedPackage".encode("utf-16-le"), "EncryptionInfo".encode("utf-16-le"))
# A real .xlsx compresses ~5–20×; deflate tops out near 1000×. Only large archives are judged on ratio.
MAX_RATIO = 200
RATIO_MIN_BYTES = 20 * MB
UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")


class FileRefused(Exception):
    """A file that is refused as a whole: nothing from it is loaded.

    ``reason`` is a Vietnamese sentence that says what is wrong and what to do.
    """

    def __init__(self, file_name: str, reason: str):
        super().__init__(f"{file_name}: {reason}")
        self.file_name = file_name
        self.reason = reason


@dataclass
class RawSheet:
    """One sheet as text cells. Row i of ``cells`` is the sheet's row i + 1 (1-based, as Excel shows it)."""

    name: str
    cells: pd.DataFrame  # integer column labels 0..n-1, string dtype, missing = NA


@dataclass
class RawFile:
    file_name: str
    data: bytes
    sha256: str
    format: str  # xlsx | xls | csv | json (etl.portal766: no sheets, the bytes are read there)
    sheets: list[RawSheet]


def source_bytes(source: str | os.PathLike | bytes, file_name: str | None) -> tuple[bytes, str]:
    """The file's bytes and display name; refuses an oversized file before reading it."""
    limit = int(config.get("max_upload_mb")) * MB
    if isinstance(source, (bytes, bytearray, memoryview)):
        name = file_name or "tệp tải lên"
        if len(source) > limit:
            raise FileRefused(name, _too_large(len(source)))
        return bytes(source), name
    path = Path(source)
    name = file_name or path.name
    if not path.is_file():
        raise FileRefused(name, "Không tìm thấy tệp. Hãy kiểm tra lại đường dẫn.")
    size = path.stat().st_size
    if size > limit:
        raise FileRefused(name, _too_large(size))
    return path.read_bytes(), name


def _too_large(size: int) -> str:
    return (f"Tệp quá lớn ({size / MB:,.0f} MB, tối đa {config.get('max_upload_mb')} MB). "
            "Hãy xuất theo từng tháng hoặc từng đơn vị rồi nạp từng tệp.")


def sniff_format(data: bytes, name: str) -> str:
    """xlsx | xls | csv from the content (never trust the extension alone)."""
    if not data.strip():
        raise FileRefused(name, "Tệp rỗng. Hãy xuất lại dữ liệu từ phần mềm rồi nạp lại.")
    if data.startswith(ZIP_MAGIC):
        return "xlsx"
    if data.startswith(OLE_MAGIC):
        if any(marker in data for marker in _ENCRYPTED_MARKERS):
            raise FileRefused(name, _encrypted())
        return "xls"
    head = data[:65536]
    if utf16_kind(head):
        return "csv"  # Excel's "Unicode text" (UTF-16, tab-separated)
    if head.lstrip(b"\xef\xbb\xbf \t\r\n")[:1] == b"<" and (b"<table" in head.lower() or b"<html" in head.lower()):
        # some one-stop systems save an HTML page under an .xls name
        raise FileRefused(name, "Tệp là trang HTML được đặt đuôi .xls, không phải bảng tính thật. "
                                "Hãy mở tệp bằng Excel, chọn Lưu thành (Save As) dạng .xlsx rồi nạp lại.")
    if head.lstrip(b"\xef\xbb\xbf \t\r\n")[:1] in (b"{", b"["):
        return "json"  # the national portal's QĐ 766 evaluation (etl.portal766 reads it; no sheets)
    if b"\x00" in head or not _decodes(head):
        raise FileRefused(name, "Không phải tệp bảng tính (.xlsx, .xls hoặc .csv). Hãy xuất dữ liệu ra Excel rồi nạp lại.")
    return "csv"


def _encrypted() -> str:
    return "Tệp Excel được đặt mật khẩu (mã hóa) nên không đọc được. Hãy mở tệp, gỡ mật khẩu, lưu lại rồi nạp lại."


def utf16_kind(head: bytes) -> str | None:
    """'utf-16' (with BOM), 'utf-16-le' / 'utf-16-be' (no BOM: every other byte NUL), else None."""
    if head[:2] in UTF16_BOMS:
        return "utf-16"
    sample = head[:2000]
    if len(sample) < 8:
        return None
    even, odd = sample[0::2].count(0), sample[1::2].count(0)
    half = len(sample) // 2
    if odd > 0.4 * half and even < 0.05 * half:
        return "utf-16-le"
    if even > 0.4 * half and odd < 0.05 * half:
        return "utf-16-be"
    return None


def _decodes(head: bytes) -> bool:
    for encoding in ("utf-8", "cp1258"):
        try:
            head.decode(encoding)
            return True
        except UnicodeDecodeError as error:
            if encoding == "utf-8" and error.start > len(head) - 4:
                return True  # a multi-byte character cut by the 64 KB window
    return False


def check_archive(data: bytes, name: str) -> None:
    """Refuse a zip that would inflate beyond the limit, using only its directory (no decompression)."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            infos = archive.infolist()
            names = {info.filename for info in infos}
    except zipfile.BadZipFile:
        raise FileRefused(name, "Tệp .xlsx bị hỏng (không mở được). Hãy xuất lại từ phần mềm rồi nạp lại.") from None
    if "xl/workbook.xml" not in names and "xl/workbook.bin" not in names:
        raise FileRefused(name, "Không phải tệp bảng tính Excel (tệp nén không chứa bảng tính). Hãy xuất dữ liệu ra Excel rồi nạp lại.")
    total = sum(info.file_size for info in infos)
    packed = max(1, sum(info.compress_size for info in infos))
    limit = int(config.get("max_unzipped_mb")) * MB
    if total > limit or (total > RATIO_MIN_BYTES and total / packed > MAX_RATIO):
        raise FileRefused(
            name,
            f"Tệp .xlsx giải nén ra quá lớn ({total / MB:,.0f} MB từ {packed / MB:,.1f} MB), có thể là tệp độc hại. "
            "Hãy xuất lại dữ liệu từ phần mềm hoặc chia nhỏ tệp.",
        )


def read_file(source: str | os.PathLike | bytes, file_name: str | None = None) -> RawFile:
    """Read every sheet of a spreadsheet as text cells, after the guards."""
    data, name = source_bytes(source, file_name)
    fmt = sniff_format(data, name)
    if fmt == "json":
        return RawFile(name, data, hashlib.sha256(data).hexdigest(), fmt, [])
    if fmt == "xlsx":
        check_archive(data, name)
    check_limits(data, name, fmt)
    path = None if isinstance(source, (bytes, bytearray, memoryview)) else source
    digest = hashlib.sha256(data).hexdigest()
    sheets = isolate.parse(data, name, fmt, path=path, sha256=digest)  # parse_sheets, in a child with limits
    return RawFile(name, data, digest, fmt, unlegacy(sheets, name))


def unlegacy(sheets: list[RawSheet], name: str) -> list[RawSheet]:
    """Sheets typed in the TCVN3 / VNI fonts converted to Unicode; refused by name when no table resolves them."""
    out = []
    for sheet in sheets:
        encoding, convertible = legacy.legacy_encoding(legacy.sample_text(sheet.cells))
        if encoding is None:
            out.append(sheet)
        elif convertible:
            out.append(RawSheet(sheet.name, legacy.convert_frame(sheet.cells, encoding)))
        else:
            raise FileRefused(name, f"Tệp dùng bảng mã cũ {encoding} (phông chữ .Vn / VNI) ở trang «{sheet.name}» và "
                                    "không chuyển được chắc chắn sang Unicode. Hãy chuyển tệp sang Unicode bằng Unikey "
                                    "(Công cụ chuyển mã, bảng mã nguồn TCVN3 hoặc VNI) rồi nạp lại.")
    return out


def check_limits(data: bytes, name: str, fmt: str) -> None:
    """The reading limits (etl.limits) from the file's metadata and lines, before any parsing."""
    try:
        limits.check_before_parse(data, name, fmt)
    except limits.LimitExceeded as over:
        raise FileRefused(name, over.reason) from None


def parse_sheets(data: bytes, name: str, fmt: str) -> list[RawSheet]:
    """The parse itself; runs in the reading child (etl.isolate), never in the server."""
    return read_csv_bytes(data, name) if fmt == "csv" else read_workbook(data, name)


def read_workbook(data: bytes, name: str) -> list[RawSheet]:
    """All sheets of an .xlsx/.xls via fastexcel (calamine in Rust, Arrow out), as strings.

    ``header_row=None, skip_rows=0`` keeps leading blank rows so row i is the sheet's row i + 1.
    """
    import fastexcel

    try:
        reader = fastexcel.read_excel(data)
        sheets = []
        for index, sheet_name in enumerate(reader.sheet_names):
            batch = reader.load_sheet(index, header_row=None, skip_rows=0, dtypes="string",
                                      whitespace_as_null=True, eager=True)
            frame = batch.to_pandas()
            frame.columns = range(frame.shape[1])
            sheets.append(RawSheet(sheet_name, frame))
    except FileRefused:
        raise
    except Exception as error:  # fastexcel raises its own hierarchy; its message says what failed
        text = str(error).lower()
        if "password" in text or "encrypt" in text:
            raise FileRefused(name, _encrypted()) from None
        raise FileRefused(name, "Không đọc được tệp Excel (tệp hỏng hoặc không đúng định dạng). "
                                "Hãy mở bằng Excel, lưu lại dạng .xlsx rồi nạp lại.") from None
    return sheets


def decode_text(data: bytes) -> str:
    """UTF-16 (Excel's "Unicode text"), UTF-8 (with or without BOM) first; then bytes of the legacy TCVN3 /
    VNI fonts kept byte for byte (``unlegacy`` converts them); else Vietnamese Windows (cp1258)."""
    wide = utf16_kind(data[:65536])
    if wide:
        return data.decode(wide, errors="replace").lstrip("\ufeff")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    try:  # Vietnamese Windows: tone marks as combining characters, composed by NFC
        windows = unicodedata.normalize("NFC", data.decode("cp1258"))
    except UnicodeDecodeError:
        windows = None
    if windows is not None and legacy.reads_as_vietnamese(windows[:200_000]):
        return windows
    as_bytes = data.decode("latin-1")
    if legacy.legacy_encoding(as_bytes[:200_000])[0]:
        return as_bytes
    return windows if windows is not None else as_bytes


def sniff_delimiter(lines: list[str]) -> str:
    """The separator that splits some line into the most fields (the header usually)."""
    best, best_count = ";", 0
    for sep in (";", ",", "\t", "|"):
        count = max((line.count(sep) for line in lines), default=0)
        if count > best_count:
            best, best_count = sep, count
    return best


def read_csv_bytes(data: bytes, name: str) -> list[RawSheet]:
    """A CSV as one sheet of text cells; ragged lines (title block, footer) are padded."""
    # NFC once for the whole file: Windows-1258 exports keep tone marks as separate characters
    text = unicodedata.normalize("NFC", decode_text(data))
    lines = text.splitlines()
    sep = sniff_delimiter(lines[:50])
    width = max(len(row) for row in csv.reader(lines[:200], delimiter=sep)) if lines else 0
    width = max(width, max((line.count(sep) + 1 for line in lines), default=0))
    try:
        frame = pd.read_csv(io.StringIO(text), sep=sep, header=None, names=range(width), dtype="str",
                            keep_default_na=False, skip_blank_lines=False, engine="c")
    except (pd.errors.ParserError, ValueError):
        raise FileRefused(name, "Không đọc được tệp CSV. Hãy lưu lại dạng CSV UTF-8 (dấu phân cách ';' hoặc ',').") from None
    frame = frame.apply(lambda col: col.str.strip().replace("", pd.NA))
    return [RawSheet(Path(name).stem or "CSV", frame)]

"""Plan documents as offices receive them, read into one shape: a list of blocks in reading order.

A block is a paragraph (one line of text) or a table row (its cells). Three readers:

- ``.docx``: body paragraphs and tables in document order (python-docx); a cell merged across
  columns is read once (its repeats are left blank), one merged down rows repeats its text.
- ``.pdf`` with a text layer: per page, the ruled tables (pdfplumber) and the text lines outside
  them, ordered top to bottom. A scanned PDF has no text layer and is refused by name.
- plain text like the seeds (an export of a Word file): tab-separated lines are table rows,
  HTML remnants (``<b>``, ``<li>``, ``<p>``) and Markdown marks (``**``, ``###``) are cleaned,
  and lines a hard wrap split are joined back.

Every input is bounded before and while it is read (settings ``plan_max_mb``, ``plan_max_pages``,
``plan_max_chars``); an input over a bound is refused with a Vietnamese sentence (``PlanFileRefused``).
"""
from __future__ import annotations

import html
import io
import re
import unicodedata
import zipfile
from dataclasses import dataclass
from pathlib import Path

from kpi import config
from kpi.text import plan as plan_text
from kpi.text.vi import num

SUFFIXES = (".docx", ".pdf", ".txt")
# Unzipped size a .docx may claim per MB of file: Word XML compresses ~10×; a bomb claims far more.
_DOCX_RATIO = 100


class PlanFileRefused(ValueError):
    """The plan file cannot be read; the message (Vietnamese) says why."""


@dataclass(frozen=True)
class Block:
    """A paragraph (``cells`` is one text, ``is_row`` False) or a table row (its cells, in order)."""
    cells: tuple[str, ...]
    is_row: bool = False

    @property
    def text(self) -> str:
        return " ".join(c for c in self.cells if c)


def read_plan(data: bytes, file_name: str) -> list[Block]:
    """The blocks of a plan file, by its suffix; raises ``PlanFileRefused`` (Vietnamese) when it cannot."""
    suffix = Path(file_name).suffix.lower()
    max_bytes = int(config.get("plan_max_mb")) * 1024 * 1024
    if len(data) > max_bytes:
        raise PlanFileRefused(plan_text.REFUSED_TOO_BIG.format(name=file_name, mb=config.get("plan_max_mb")))
    if suffix == ".docx":
        blocks = _read_docx(data, file_name)
    elif suffix == ".pdf":
        blocks = _read_pdf(data, file_name)
    elif suffix in (".txt", ".md", ""):
        blocks = read_text(_decode(data, file_name))
    else:
        raise PlanFileRefused(plan_text.REFUSED_SUFFIX.format(name=file_name, suffixes=", ".join(SUFFIXES)))
    _check_chars(blocks, file_name)
    if not any(b.text for b in blocks):
        raise PlanFileRefused(plan_text.REFUSED_EMPTY.format(name=file_name))
    return blocks


def _check_chars(blocks: list[Block], file_name: str) -> None:
    limit = int(config.get("plan_max_chars"))
    if sum(len(c) for b in blocks for c in b.cells) > limit:
        raise PlanFileRefused(plan_text.REFUSED_TOO_LONG.format(name=file_name, chars=num(limit)))


def _decode(data: bytes, file_name: str) -> str:
    encoding = "utf-16" if data.startswith((b"\xff\xfe", b"\xfe\xff")) else "utf-8-sig"
    try:
        return data.decode(encoding)
    except UnicodeDecodeError as error:
        raise PlanFileRefused(plan_text.REFUSED_ENCODING.format(name=file_name)) from error


# -- cleaning ------------------------------------------------------------
_BREAK_TAGS = re.compile(r"<\s*(?:br|/p|/li|/div|/tr)\s*/?>|<\s*(?:li|p|div)(?:\s[^>]*)?>", re.I)
_TAGS = re.compile(r"<[^>]{0,400}>")
_MARKDOWN = re.compile(r"^\s*#{1,6}\s*|\*\*|__")
_SPACES = re.compile(r"[ \t\u00a0]+")


def clean(text: str) -> str:
    """NFC text without HTML tags or Markdown marks; list items and paragraphs inside a cell keep a line break."""
    text = unicodedata.normalize("NFC", text or "")
    text = _BREAK_TAGS.sub("\n", text)
    text = html.unescape(_TAGS.sub("", text))
    lines = [_SPACES.sub(" ", _MARKDOWN.sub("", line)).strip(" *") for line in text.splitlines()]
    return "\n".join(line for line in lines if line)


# -- plain text ------------------------------------------------------------
_RULE = re.compile(r"^[\s\-|:–]*$")
# A line that starts a new paragraph: a heading number, a lettered item, a bullet.
_STARTS_ITEM = re.compile(r"^(?:[IVX]{1,4}\.|\d{1,2}(?:\.\d{1,2})*\.?\s|[a-zđ]\)|[A-H]\.\s|[-+•–]\s)")
_ENDS_SENTENCE = re.compile(r"[.:;!?]$|\./\.$")


def read_text(text: str) -> list[Block]:
    """Blocks of a plain-text plan: tab-separated lines are rows; wrapped paragraph lines are joined."""
    blocks: list[Block] = []
    for raw in unicodedata.normalize("NFC", text).splitlines():
        if "\t" in raw:
            cells = tuple(clean(c) for c in raw.split("\t"))
            if not all(_RULE.match(c) for c in cells):  # not a Markdown table rule "---\t--"
                blocks.append(Block(_trim_right(cells), True))
            continue
        line = clean(raw)
        if line and not _RULE.match(line):
            blocks.extend(Block((part,)) for part in line.splitlines())
    return join_wrapped(blocks)


def join_wrapped(blocks: list[Block]) -> list[Block]:
    """Paragraph lines joined where a hard wrap or a page break cut a sentence (``_continues``)."""
    joined: list[Block] = []
    for block in blocks:
        previous = joined[-1] if joined else None
        if not block.is_row and previous is not None and not previous.is_row \
                and _continues(previous.cells[0], block.cells[0]):
            joined[-1] = Block((previous.cells[0] + " " + block.cells[0],))
        else:
            joined.append(block)
    return joined


def _trim_right(cells: tuple[str, ...]) -> tuple[str, ...]:
    cells = list(cells)
    while cells and not cells[-1]:
        cells.pop()
    return tuple(cells)


def _continues(previous: str, line: str) -> bool:
    """Whether ``line`` is the rest of ``previous`` that a hard wrap (or a page break) cut off.

    A new item (heading number, ``a)``, a bullet) never continues; a line in capitals is a heading;
    otherwise a line continues a paragraph that has not ended its sentence.
    """
    if _STARTS_ITEM.match(line) or _is_caps(line) or _is_caps(previous):
        return False
    return line[0].islower() or not _ENDS_SENTENCE.search(previous)


def _is_caps(text: str) -> bool:
    letters = [ch for ch in text if ch.isalpha()]
    return len(letters) >= 3 and all(ch.isupper() for ch in letters)


# -- .docx -----------------------------------------------------------------
def _read_docx(data: bytes, file_name: str) -> list[Block]:
    import docx  # python-docx; imported here so the other readers do not pay for it

    _check_zip(data, file_name)
    try:
        document = docx.Document(io.BytesIO(data))
    except Exception as error:  # python-docx raises several kinds for a file that is no Word document
        raise PlanFileRefused(plan_text.REFUSED_BROKEN.format(name=file_name, kind="Word (.docx)")) from error
    blocks: list[Block] = []
    for item in document.iter_inner_content():
        if hasattr(item, "rows"):
            blocks.extend(_docx_table(item))
        else:
            for line in clean(item.text).splitlines():
                blocks.append(Block((line,)))
    return join_wrapped(blocks)


def _docx_table(table) -> list[Block]:
    rows = []
    for row in table.rows:
        cells, seen = [], set()
        for cell in row.cells:
            # A cell merged across columns comes back once per grid column: keep the first.
            key = id(cell._tc)
            cells.append("" if key in seen else clean("\n".join(p.text for p in cell.paragraphs)))
            seen.add(key)
        rows.append(Block(_trim_right(tuple(cells)), True))
    return rows


def _check_zip(data: bytes, file_name: str) -> None:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            unzipped = sum(info.file_size for info in archive.infolist())
    except zipfile.BadZipFile as error:
        raise PlanFileRefused(plan_text.REFUSED_BROKEN.format(name=file_name, kind="Word (.docx)")) from error
    if unzipped > max(len(data), 1024 * 1024) * _DOCX_RATIO:
        raise PlanFileRefused(plan_text.REFUSED_BOMB.format(name=file_name))


# -- .pdf ------------------------------------------------------------------
def _read_pdf(data: bytes, file_name: str) -> list[Block]:
    import pdfplumber  # imported here: pdfminer is slow to import

    max_pages = int(config.get("plan_max_pages"))
    try:
        pdf = pdfplumber.open(io.BytesIO(data))
    except Exception as error:  # pdfminer raises several kinds for a file that is no PDF
        raise PlanFileRefused(plan_text.REFUSED_BROKEN.format(name=file_name, kind="PDF")) from error
    with pdf:
        if len(pdf.pages) > max_pages:
            raise PlanFileRefused(plan_text.REFUSED_PAGES.format(name=file_name, pages=len(pdf.pages),
                                                                 limit=max_pages))
        blocks: list[Block] = []
        for page in pdf.pages:
            blocks.extend(_pdf_page(page))
    if not any(b.text for b in blocks):
        raise PlanFileRefused(plan_text.REFUSED_NO_TEXT.format(name=file_name))
    return blocks


def _pdf_page(page) -> list[Block]:
    """A page's tables and the text lines outside them, top to bottom."""
    tables = page.find_tables()
    placed: list[tuple[float, list[Block]]] = []
    for table in tables:
        # A PDF cell's line breaks are where the text wrapped, not paragraphs: joined with spaces.
        rows = [Block(_trim_right(tuple(clean(c or "").replace("\n", " ") for c in row)), True)
                for row in table.extract()]
        placed.append((table.bbox[1], rows))

    def outside(obj) -> bool:
        return not any(t.bbox[0] - 1 <= obj["x0"] and obj["x1"] <= t.bbox[2] + 1
                       and t.bbox[1] - 1 <= obj["top"] and obj["bottom"] <= t.bbox[3] + 1 for t in tables)

    for line in page.filter(outside).extract_text_lines():
        text = clean(line["text"])
        if text:
            placed.append((line["top"], [Block((text,))]))
    placed.sort(key=lambda item: item[0])
    return join_wrapped([block for _, blocks in placed for block in blocks])

"""The seed plans (tests/corpus/plans, copies of shared/seeds) as the three inputs offices receive:
the text itself, a Word file (python-docx) and a text-layer PDF (fpdf2), built from the same text.

Runs of tab-separated lines become one table each (padded to the widest row, HTML remnants cleaned
as Word would show them); every other line is a paragraph.
"""
from __future__ import annotations

import io
from functools import lru_cache
from pathlib import Path

from kpi.plan.readers import clean

PLANS = Path(__file__).resolve().parent / "corpus" / "plans"
SEEDS = ("001", "003", "004")
FONT = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"


def seed_text(seed: str) -> str:
    return (PLANS / f"seed_{seed}.txt").read_text(encoding="utf-8")


def seed_bytes(seed: str) -> bytes:
    return (PLANS / f"seed_{seed}.txt").read_bytes()


def _parts(text: str) -> list[tuple[str, object]]:
    """("para", text) and ("table", rows) in order."""
    parts: list[tuple[str, object]] = []
    for line in text.splitlines():
        if "\t" in line:
            cells = [clean(c) for c in line.split("\t")]
            if all(set(c) <= set("-–: ") for c in cells):
                continue
            if parts and parts[-1][0] == "table":
                parts[-1][1].append(cells)
            else:
                parts.append(("table", [cells]))
        elif clean(line):
            parts.append(("para", clean(line)))
    for kind, rows in parts:
        if kind == "table":
            width = max(len(r) for r in rows)
            for r in rows:
                r.extend([""] * (width - len(r)))
    return parts


@lru_cache(maxsize=None)
def seed_docx(seed: str) -> bytes:
    import docx

    document = docx.Document()
    for kind, value in _parts(seed_text(seed)):
        if kind == "para":
            document.add_paragraph(value)
            continue
        table = document.add_table(rows=len(value), cols=len(value[0]))
        for row, cells in zip(table.rows, value):
            for cell, text in zip(row.cells, cells):
                lines = text.splitlines() or [""]
                cell.paragraphs[0].text = lines[0]
                for more in lines[1:]:
                    cell.add_paragraph(more)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


@lru_cache(maxsize=None)
def seed_pdf(seed: str) -> bytes:
    from fpdf import FPDF

    pdf = FPDF(orientation="L", format="A4")
    pdf.add_font("vn", "", FONT)
    pdf.set_font("vn", size=8)
    pdf.set_auto_page_break(True, margin=12)
    pdf.add_page()
    for kind, value in _parts(seed_text(seed)):
        if kind == "para":
            pdf.multi_cell(0, 4.5, value, new_x="LMARGIN", new_y="NEXT")
            continue
        with pdf.table(first_row_as_headings=False, line_height=4.5) as table:
            for cells in value:
                row = table.row()
                for text in cells:
                    row.cell(text)
        pdf.ln(2)
    return bytes(pdf.output())

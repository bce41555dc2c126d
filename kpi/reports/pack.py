"""The meeting pack: the slides of ``kpi.reports.slides`` as an A4 landscape PDF, one page per slide.

Charts are the same plotly figures the meeting page shows (``kpi.reports.slide_charts``),
rendered server-side to PNG by kaleido 1.x, which drives a headless Chrome through
choreographer. Debian ships Chromium, not Chrome: the browser is found from
``BROWSER_PATH`` (choreographer's own override), else ``chromium`` /
``chromium-browser`` / ``google-chrome`` on PATH, and handed to kaleido with its
``path=`` option; without any browser a clear Vietnamese error is raised.
All figures of a pack are rendered in one browser session (starting Chromium is
the slow part). Text uses an embedded TTF with Vietnamese glyphs (DejaVu Sans,
else Noto Sans); every page carries the period, the generation time and its number.
"""
from __future__ import annotations

import asyncio
import datetime as dt
import io
import os
import shutil
import threading
import time
from pathlib import Path

from kpi.measures import metrics, status
from kpi.reports import slide_charts, slides as slides_mod
from kpi.text import report as report_text, vi
from kpi.warehouse.db import Warehouse
from kpi.measures.filters import Scope
from kpi.measures.periods import Period

FONT_CANDIDATES = (
    ("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf", "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf"),
    ("/usr/share/fonts/truetype/noto/NotoSans-Regular.ttf", "/usr/share/fonts/truetype/noto/NotoSans-Bold.ttf"),
)
BROWSER_NAMES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable", "chrome")
CHART_WIDTH_PX = 1100
INK = status.rgb(status.INK)
GREY = (85, 85, 85)

# Page geometry (mm), A4 landscape.
PAGE_W, PAGE_H = 297, 210
MARGIN = 12
LEFT_W = 92
GUTTER = 6
CHART_X = MARGIN + LEFT_W + GUTTER
CHART_W = PAGE_W - MARGIN - CHART_X
BODY_TOP = 34
BODY_BOTTOM = PAGE_H - 16
TABLE_CHART_SHARE = 0.52  # of the body height, on slides that also carry a table


def headline_rgb(slide_status: str) -> tuple[int, int, int]:
    """The headline figure's colour (kpi.measures.status.text_color): its status's, else ink."""
    return status.rgb(status.text_color(slide_status))


class PackError(RuntimeError):
    """A pack cannot be made (no browser, no font): the message is for the user, in Vietnamese."""


def find_browser() -> str:
    """The Chrome/Chromium executable kaleido should drive; PackError when there is none."""
    explicit = os.environ.get("BROWSER_PATH")
    if explicit:
        if Path(explicit).is_file() and os.access(explicit, os.X_OK):
            return explicit
        raise PackError(f"{report_text.PACK_NO_BROWSER} (BROWSER_PATH={explicit!r} không dùng được)")
    for name in BROWSER_NAMES:
        found = shutil.which(name)
        if found:
            return found
    if Path("/usr/bin/chromium").is_file():
        return "/usr/bin/chromium"
    raise PackError(report_text.PACK_NO_BROWSER)


def find_fonts() -> tuple[str, str]:
    for regular, bold in FONT_CANDIDATES:
        if Path(regular).is_file() and Path(bold).is_file():
            return regular, bold
    raise PackError(report_text.PACK_NO_FONT)


# -- charts ------------------------------------------------------------------------------

async def _render_async(figures: list, browser: str, width: int, scale: float) -> list[bytes]:
    import kaleido

    out = []
    # mathjax=False: no MathJax download from a CDN (the server may be offline); plotly.js is the local copy.
    async with kaleido.Kaleido(n=1, timeout=90, mathjax=False, path=browser) as k:
        for fig in figures:
            height = int(fig.layout.height or 600)
            out.append(await k.calc_fig(fig, opts={"format": "png", "width": width, "height": height, "scale": scale}))
    return out


def render_pngs(figures: list, width: int = CHART_WIDTH_PX, scale: float = 2) -> list[bytes]:
    """PNG bytes of plotly figures, all in one browser session."""
    if not figures:
        return []
    browser = find_browser()
    result: dict = {}

    def run():
        try:
            result["pngs"] = asyncio.run(_render_async(figures, browser, width, scale))
        except BaseException as error:  # noqa: BLE001 - re-raised in the caller's thread
            result["error"] = error

    # asyncio.run needs a thread without a running loop (Streamlit's script thread may have one).
    thread = threading.Thread(target=run, name="kpi-pack-kaleido")
    thread.start()
    thread.join()
    if "error" in result:
        error = result["error"]
        if type(error).__name__ == "ChromeNotFoundError":
            raise PackError(report_text.PACK_NO_BROWSER) from error
        raise PackError(f"Không vẽ được biểu đồ bằng Chromium ({browser}): {error}") from error
    return result["pngs"]


# -- PDF -----------------------------------------------------------------------------------

def _pdf_class():
    from fpdf import FPDF

    class PackPDF(FPDF):
        footer_text = ""

        def footer(self):
            self.set_y(-11)
            self.set_font("vn", "", 9)
            self.set_text_color(*GREY)
            self.cell(0, 6, self.footer_text.replace("{page}", str(self.page_no())), align="C")

    return PackPDF


def _fit(pdf, text: str, width: float) -> str:
    """Shorten with '…' until the text fits the cell."""
    while pdf.get_string_width(text) > width - 2.5 and len(text) > 4:
        text = text[:-2].rstrip() + "…"
    return text


def _write_table(pdf, table: dict, y: float) -> float:
    # A table may give its own column shares (the year-end forecast has six columns).
    widths_rel = table.get("widths") or [0.34, 0.08, 0.12, 0.26, 0.20]
    full = PAGE_W - 2 * MARGIN
    widths = [full * w for w in widths_rel][: len(table["columns"])]
    row_h = 6.5
    space = BODY_BOTTOM - y - row_h
    rows = table["rows"]
    fit = max(0, int(space // row_h))
    shown, hidden = rows[:fit], len(rows) - min(len(rows), fit) + int(table.get("more") or 0)
    if hidden and shown:
        shown = shown[:-1]
        hidden += 1
    pdf.set_xy(MARGIN, y)
    pdf.set_font("vn", "B", 11)
    pdf.set_fill_color(242, 242, 242)
    pdf.set_text_color(*INK)
    for i, (col, w) in enumerate(zip(table["columns"], widths)):
        pdf.cell(w, row_h, _fit(pdf, col, w), border="B", align="L" if i < 2 else "R", fill=True)
    pdf.ln(row_h)
    pdf.set_font("vn", "", 11)
    for row in shown:
        pdf.set_x(MARGIN)
        for i, (value, w) in enumerate(zip(row, widths)):
            pdf.cell(w, row_h, _fit(pdf, str(value), w), border="B", align="L" if i < 2 else "R")
        pdf.ln(row_h)
    if hidden:
        pdf.set_x(MARGIN)
        pdf.set_font("vn", "", 10)
        pdf.set_text_color(*GREY)
        # The rows left out here follow on the next page when the slides carry them (kpi.reports.slides).
        label = report_text.MORE_UNITS_NEXT if table.get("continued") else report_text.MORE_UNITS
        pdf.cell(0, row_h, label.format(n=vi.num(hidden)))
        pdf.ln(row_h)
    return pdf.get_y()


def _write_slide(pdf, slide, png: bytes | None, png_ratio: float | None) -> None:
    pdf.add_page()
    pdf.set_text_color(*INK)
    pdf.set_xy(MARGIN, 11)
    pdf.set_font("vn", "B", 20)
    pdf.multi_cell(PAGE_W - 2 * MARGIN, 9, slide.title, align="L", new_x="LMARGIN", new_y="NEXT")
    pdf.set_x(MARGIN)
    pdf.set_font("vn", "", 11)
    pdf.set_text_color(*GREY)
    pdf.multi_cell(PAGE_W - 2 * MARGIN, 5.5, slide.subtitle, align="L", new_x="LMARGIN", new_y="NEXT")
    top = max(BODY_TOP, pdf.get_y() + 3)

    # Left column: headline figure and the narrative.
    pdf.set_xy(MARGIN, top)
    pdf.set_font("vn", "B", 13)
    pdf.set_text_color(*INK)
    pdf.multi_cell(LEFT_W, 6, slide.headline_label, align="L", new_x="LMARGIN", new_y="NEXT")
    pdf.set_x(MARGIN)
    pdf.set_font("vn", "B", 40 if len(slide.headline) <= 8 else 24)
    pdf.set_text_color(*headline_rgb(slide.status))
    pdf.cell(LEFT_W, 18, slide.headline, new_x="LMARGIN", new_y="NEXT")
    pdf.set_x(MARGIN)
    pdf.set_font("vn", "", 12.5)
    pdf.set_text_color(*INK)
    pdf.multi_cell(LEFT_W, 6.4, slide.narrative, align="L", new_x="LMARGIN", new_y="NEXT")
    left_bottom = pdf.get_y()

    # Right column: the chart.
    chart_bottom = top
    if png is not None:
        max_h = (BODY_BOTTOM - top) * (TABLE_CHART_SHARE if slide.table else 1.0)
        w = CHART_W
        h = w * png_ratio
        if h > max_h:
            h = max_h
            w = h / png_ratio
        pdf.image(io.BytesIO(png), x=CHART_X + (CHART_W - w) / 2, y=top, w=w, h=h)
        chart_bottom = top + h
    elif not slide.table:
        pdf.set_xy(CHART_X, top + 10)
        pdf.set_font("vn", "", 14)
        pdf.set_text_color(*GREY)
        pdf.cell(CHART_W, 10, vi.NO_DATA, align="C")

    if slide.table:
        _write_table(pdf, slide.table, max(left_bottom, chart_bottom) + 4)


def build_pack(wh: Warehouse, period: Period, scope: Scope | None, out_pdf, out_pptx=None, *,
               level: str | None = None, slides: list | None = None, now: dt.datetime | None = None) -> dict:
    """Write the meeting pack PDF to ``out_pdf`` (path or binary buffer).

    Returns {"pages", "slides", "seconds", "render_seconds"}. PPTX is not produced
    (python-pptx is not a dependency); asking for it raises ValueError.
    """
    if out_pptx is not None:
        raise ValueError("Chưa hỗ trợ xuất PowerPoint (PPTX); hãy dùng tệp PDF.")
    started = time.perf_counter()
    period = period.until(metrics.data_date(wh))  # "số liệu đến ngày …" past the data
    regular, bold = find_fonts()
    deck = slides if slides is not None else slides_mod.build_slides(wh, period, scope, level)
    # A slide with a table gets a flatter chart, drawn for the box it will fill.
    table_chart_px = int(CHART_WIDTH_PX * (BODY_BOTTOM - BODY_TOP) * TABLE_CHART_SHARE / CHART_W)
    figures = [(i, slide_charts.figure(s.figure, for_print=True, height=table_chart_px if s.table else None))
               for i, s in enumerate(deck)]
    figures = [(i, f) for i, f in figures if f is not None]
    render_started = time.perf_counter()
    pngs = render_pngs([f for _, f in figures])
    render_seconds = time.perf_counter() - render_started
    images = {i: (png, (f.layout.height or 600) / CHART_WIDTH_PX) for (i, f), png in zip(figures, pngs)}

    now = now or dt.datetime.now()
    PackPDF = _pdf_class()
    pdf = PackPDF(orientation="L", unit="mm", format="A4")
    pdf.add_font("vn", "", regular)
    pdf.add_font("vn", "B", bold)
    pdf.set_auto_page_break(False)
    pdf.set_margins(MARGIN, MARGIN, MARGIN)
    pdf.set_title(f"{report_text.PACK_TITLE} — {period.label}")
    pdf.set_author(report_text.DEFAULT_REPORTING_UNIT)
    pdf.set_creator("kpi.reports.pack")
    pdf.set_lang("vi")
    pdf.set_creation_date(now.astimezone() if now.tzinfo is None else now)
    pdf.footer_text = report_text.PACK_FOOTER.format(period=period.label, generated=vi.datetime(now),
                                           page="{page}", pages=len(deck))
    for i, slide in enumerate(deck):
        png, ratio = images.get(i, (None, None))
        _write_slide(pdf, slide, png, ratio)
    target = str(out_pdf) if isinstance(out_pdf, (str, Path)) else out_pdf
    pdf.output(target)
    return {"pages": pdf.page_no(), "slides": len(deck), "seconds": time.perf_counter() - started,
            "render_seconds": render_seconds}

"""The meeting pack PDF: one A4 landscape page per slide, Vietnamese text intact, charts rendered by Chromium."""
from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from kpi.measures import periods
from kpi.reports import pack, slides as slides_mod
from kpi.warehouse.db import Warehouse
from tests.report_data import build_report_db

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "test-output" / "pack"
OCTOBER = periods.month(2024, 10)

needs_tools = pytest.mark.skipif(not (shutil.which("pdftoppm") and shutil.which("pdftotext")),
                                 reason="poppler-utils (pdftoppm, pdftotext) missing")


@pytest.fixture(scope="module")
def wh(tmp_path_factory) -> Warehouse:
    return build_report_db(tmp_path_factory.mktemp("pack") / "pack.duckdb")


@pytest.fixture(scope="module")
def built(wh):
    OUT.mkdir(parents=True, exist_ok=True)
    for old in OUT.glob("*"):
        old.unlink()
    path = OUT / "giaoban.pdf"
    deck = slides_mod.build_slides(wh, OCTOBER)
    result = pack.build_pack(wh, OCTOBER, None, path, slides=deck)
    return path, deck, result


@needs_tools
def test_one_page_per_slide(built):
    path, deck, result = built
    assert result["pages"] == result["slides"] == len(deck) == 9  # with the year-end forecast (2 pages)
    subprocess.run(["pdftoppm", "-r", "50", "-png", str(path), str(OUT / "trang")], check=True)
    pngs = sorted(OUT.glob("trang-*.png"))
    assert len(pngs) == len(deck)
    assert all(p.stat().st_size > 10_000 for p in pngs)  # charts and text, not blank pages
    info = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=True).stdout
    fields = {k.strip(): v.strip() for k, _, v in (line.partition(":") for line in info.splitlines())}
    assert fields["Pages"] == "9"
    assert fields["Page size"].startswith("841.89 x 595.28")  # A4 landscape


@needs_tools
def test_vietnamese_text_extracts_with_diacritics(built):
    path, deck, _ = built
    text = subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True).stdout
    flat = " ".join(text.split())
    assert "Tỷ lệ giải quyết đúng hạn" in flat
    for slide in deck:
        assert slide.title in flat
        assert slide.headline in flat
    assert "Phản ánh, kiến nghị (PAKN)" in flat and "Điểm nóng hồ sơ quá hạn" in flat
    pages = text.split("\f")
    for number, page in enumerate(pages[: len(deck)], start=1):
        page_flat = " ".join(page.split())
        assert f"Trang {number}/{len(deck)}" in page_flat
        assert "Tháng 10/2024" in page_flat and "Lập lúc" in page_flat


def test_narrative_in_pdf_matches_slides(built):
    path, deck, _ = built
    if not shutil.which("pdftotext"):
        pytest.skip("pdftotext missing")
    text = " ".join(subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout.split())
    for slide in deck:
        first_sentence = slide.narrative.split(". ")[0]
        assert " ".join(first_sentence.split()) in text


def test_render_time_is_reasonable(built):
    _, _, result = built
    assert result["render_seconds"] < 60 and result["seconds"] < 90


def test_no_browser_gives_a_clear_error(wh, tmp_path, monkeypatch):
    monkeypatch.setenv("BROWSER_PATH", str(tmp_path / "khong-co-chromium"))
    with pytest.raises(pack.PackError, match="Chromium"):
        pack.build_pack(wh, OCTOBER, None, tmp_path / "x.pdf")
    assert not (tmp_path / "x.pdf").exists()


def test_pptx_is_refused_politely(wh, tmp_path):
    with pytest.raises(ValueError, match="PPTX"):
        pack.build_pack(wh, OCTOBER, None, tmp_path / "x.pdf", out_pptx=tmp_path / "x.pptx")

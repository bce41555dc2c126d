"""The formats a file can be in: one entry each, a detect and a prepare function.

    found = detect(raw)                  # (Format, Detection) of the best format, or None
    prepared = found[0].prepare(raw, found[1], wh=wh, scope=scope, **options)

A file is read once (``etl.read.read_file``), then each format looks at the raw sheets:

- ``records``: dossier records, PAKN and survey exports (the kind is told by the header,
  ``etl.headers``). Every sheet whose header is recognised as the same kind, with every
  required column, is data: one sheet per unit or per month all load; cover, instruction
  and summary sheets (no such header) are skipped and named in the summary.
- ``form06``: Biểu số 06/VPCP/KSTT, aggregated counts (``etl.form06_reader``), told by its
  column-number row (1) … (13).
- ``portal766``: the national portal's QĐ 766 scores (``etl.portal766``): its evaluation JSON,
  or an Excel table with a unit column and the six group columns.

A new format is a new ``Format`` in ``FORMATS``, not new branches in the callers.
"""
from __future__ import annotations

from dataclasses import dataclass, field as dc_field
from typing import Callable

from etl.headers import HeaderMatch, find_header
from etl.read import RawFile, RawSheet


@dataclass
class Detection:
    """What a format found in a file: how sure (higher is surer), and where."""

    score: float
    sheets: list = dc_field(default_factory=list)   # records: [(RawSheet, HeaderMatch)], best header first
    skipped: list[str] = dc_field(default_factory=list)  # sheets that are not data of this format


@dataclass(frozen=True)
class Format:
    name: str
    label: str
    detect: Callable[..., Detection | None]
    prepare: Callable[..., object]
    # (wh, prepared, *, user) → (batch_id, status, counts); records load through etl.load.load_prepared
    load: Callable[..., tuple[int, str, dict]] | None = None


def record_sheets(raw: RawFile, *, mapping: dict[str, str] | None = None, kind: str | None = None) -> Detection | None:
    """The data sheets of a records export: the best header decides the kind; every other sheet with a
    complete header of that kind loads too (in workbook order); the rest are listed as skipped."""
    found: list[tuple[RawSheet, HeaderMatch | None]] = [
        (sheet, find_header(sheet.cells, raw.file_name, mapping=mapping, kind=kind)) for sheet in raw.sheets]
    scored = [(sheet, header) for sheet, header in found if header is not None]
    if not scored:
        return None
    best_sheet, best = max(scored, key=lambda pair: pair[1].score)
    if best.missing:  # the best table lacks a required column: one sheet, so the analyst can map it by hand
        return Detection(best.score, [(best_sheet, best)], [s.name for s, _ in found if s is not best_sheet])
    data = [(sheet, header) for sheet, header in scored
            if sheet is best_sheet or (header.kind == best.kind and not header.missing)]
    data.sort(key=lambda pair: pair[0] is not best_sheet)  # the best header first (names the file's mapping)
    loaded = {id(sheet) for sheet, _ in data}
    return Detection(best.score, data, [s.name for s, _ in found if id(s) not in loaded])


def _detect_form06(raw: RawFile, **_) -> Detection | None:
    from etl import form06_reader

    hit = form06_reader.detect(raw)
    return Detection(100.0, [hit[0]]) if hit else None


def _prepare_form06(raw: RawFile, detection: Detection, *, wh=None, scope=None, unit_id=None, period=None, **_):
    from etl import form06_reader

    return form06_reader.prepare_form06(raw.data, raw.file_name, wh=wh, unit_id=unit_id, period=period, scope=scope, raw=raw)


def _load_form06(wh, prepared, *, user=None) -> tuple[int, str, dict]:
    from etl import form06_reader

    done = form06_reader.load_form06(wh, prepared, user=user)
    return done.batch_id, done.status, {"rows_read": done.rows_read, "rows_loaded": done.rows_loaded,
                                        "rows_rejected": done.rows_rejected, "new": done.rows_new,
                                        "updated": done.rows_updated, "unchanged": done.rows_unchanged}


def _prepare_records(raw: RawFile, detection: Detection, *, wh=None, scope=None, mapping=None, kind=None,
                     values=None, **_):
    from etl.load import prepare

    return prepare(raw.data, raw.file_name, wh=wh, scope=scope, mapping=mapping, kind=kind, values=values, raw=raw,
                   detection=detection)


def _detect_portal(raw: RawFile, **_) -> Detection | None:
    from etl import portal766

    if raw.format == "json":
        return Detection(100.0)  # every JSON file is the portal's, or refused by its prepare with the reason
    hit = portal766.detect_sheet(raw)
    return Detection(90.0, [hit[0]]) if hit else None


def _prepare_portal(raw: RawFile, detection: Detection, *, wh=None, period=None, **_):
    from etl import portal766

    return portal766.prepare(raw, wh=wh, period=period)


def _load_portal(wh, prepared, *, user=None) -> tuple[int, str, dict]:
    from etl import portal766

    return portal766.load(wh, prepared, user=user)


RECORDS = Format("records", "hồ sơ, PAKN, khảo sát (từng bản ghi)", record_sheets, _prepare_records)
FORM06 = Format("form06", "Biểu số 06/VPCP/KSTT (số liệu tổng hợp)", _detect_form06, _prepare_form06, _load_form06)
# Most specific first: a Biểu 06 is told by its number row; anything else with a header is records.
PORTAL766 = Format("portal766", "Điểm Chỉ số 766 công bố trên Cổng DVCQG", _detect_portal, _prepare_portal,
                   _load_portal)
FORMATS: tuple[Format, ...] = (PORTAL766, FORM06, RECORDS)


def by_name(name: str | None) -> Format | None:
    """The non-record format of that name ('form06'), or None (records are told by their kind)."""
    return next((fmt for fmt in FORMATS if fmt.name == name and fmt is not RECORDS), None)


def detect(raw: RawFile, *, mapping: dict[str, str] | None = None, kind: str | None = None
           ) -> tuple[Format, Detection] | None:
    """The first format in ``FORMATS`` that recognises the file, with what it found."""
    for fmt in FORMATS:
        if kind is not None and fmt is not RECORDS:
            continue  # a records kind was chosen by hand
        found = fmt.detect(raw, mapping=mapping, kind=kind)
        if found is not None:
            return fmt, found
    return None

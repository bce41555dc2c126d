"""Biểu số 06/VPCP/KSTT as an *input*: aggregated counts per unit, lĩnh vực and period.

Units that have no per-dossier export send the TT 01/2020 form instead (DOMAIN §7).
This module reads it (stage 1 is ``etl.read.read_file``: same guards, same refusals),
finds the column-number row ``(1) (2) … (13)``, takes the unit and the period from
the title block ("Đơn vị báo cáo: …", "Kỳ báo cáo: … (từ ngày dd/mm/yyyy đến ngày
dd/mm/yyyy)", "Quý I/2024", "6 tháng đầu năm 2024", "Năm 2024") unless the upload
form gives them, and checks the identities on every row:

- (3) = (4)+(5)+(6) *or* (3) = (7)+(11) — which one holds is reported per file;
- (7) = (8)+(9)+(10); (11) = (12)+(13).

A row that breaks one (or has a value that is not a whole number ≥ 0) is rejected
with the reason, exactly like a bad row of a dossier export (``rejected_rows``, the
original row as JSON, so the reject report and re-upload work the same way).

Loading inserts the valid rows into ``form06_rows`` with a ``load_batches`` row of
kind ``form06``. A re-upload of the same unit, lĩnh vực and period does not delete
the older rows: the KPI side (kpi.measures.aggregates) reads the newest batch, so undoing
the newer batch brings the older figures back exactly.
"""
from __future__ import annotations

import datetime as dt
import json
import re
from dataclasses import dataclass, field as dc_field

import pandas as pd

from kpi.warehouse import audit
from kpi.measures import periods, units as units_mod
from kpi.warehouse.db import Warehouse
from kpi.measures.filters import Scope
from kpi.measures.levels import LEVELS, parse_level
from kpi.text.vi import LEVEL_LABELS
from kpi.text.normalize import fold, nfc

KIND = "form06"
KIND_LABEL = "Biểu số 06/VPCP/KSTT (số liệu tổng hợp)"
NO_FIELD = "(Chưa xác định lĩnh vực)"
COLUMNS = {  # form column number → form06_rows column
    3: "received_total", 4: "received_online", 5: "received_direct", 6: "carried_over",
    7: "resolved_total", 8: "resolved_early", 9: "resolved_on_time", 10: "resolved_overdue",
    11: "in_progress_total", 12: "in_progress_within", 13: "in_progress_overdue",
}
VALUE_COLUMNS = tuple(COLUMNS.values())
KEY_COLUMNS = ("unit_id", "level", "field", "period_from", "period_to")
COLUMN_LABELS = {
    1: "STT", 2: "Lĩnh vực", 3: "Tổng số nhận", 4: "Trực tuyến", 5: "Trực tiếp, bưu chính", 6: "Kỳ trước chuyển qua",
    7: "Tổng số đã giải quyết", 8: "Trước hạn", 9: "Đúng hạn", 10: "Quá hạn", 11: "Tổng số đang giải quyết",
    12: "Trong hạn", 13: "Quá hạn (đang giải quyết)",
}
IDENTITIES = {
    "received_by_channel": (3, (4, 5, 6), "(3) = (4) + (5) + (6)"),
    "received_by_outcome": (3, (7, 11), "(3) = (7) + (11)"),
    "resolved_split": (7, (8, 9, 10), "(7) = (8) + (9) + (10)"),
    "in_progress_split": (11, (12, 13), "(11) = (12) + (13)"),
}
REJECT_COLUMNS = ["sheet", "row_number", "column_name", "raw_value", "reason", "row_json"]
SCAN_ROWS = 40

_NUMBER_CELL = re.compile(r"^\(?\s*(\d{1,2})\s*\)?$")
_ROMAN = re.compile(r"^(i|ii|iii|iv|v|vi)\.?$", re.I)
_RANGE = re.compile(r"tu ngay (\d{1,2}) (\d{1,2}) (\d{4}) den ngay (\d{1,2}) (\d{1,2}) (\d{4})")
_QUARTER = re.compile(r"\bquy (iv|iii|ii|i|[1-4])(?: nam)? (\d{4})")
_HALF = re.compile(r"\b6 thang (dau|cuoi) nam (\d{4})")
_MONTH = re.compile(r"\bthang (\d{1,2})(?: nam)? (\d{4})")
_YEAR = re.compile(r"\bnam (\d{4})")
_UNIT_LINE = re.compile(r"^\s*(?:đơn vị|cơ quan)\s+báo\s+cáo\s*[:：]\s*(.+?)\s*$", re.I)
_TOTAL = re.compile(r"^(tong cong|tong so)\b|^(cong|tong)$")  # not "Công thương"
_FOOTER = re.compile(r"^(nguoi lap|thu truong|ghi chu|ky ghi ro|noi nhan)")
_ROMAN_VALUES = {"i": 1, "ii": 2, "iii": 3, "iv": 4}


@dataclass
class Form06Prepared:
    """A Biểu 06 file read and checked, nothing written yet (what the upload page previews)."""

    file_name: str
    sha256: str
    sheet: str
    header_row: int                       # 1-based row of the '(1) (2) … (13)' line
    unit_id: str | None
    unit_name: str | None                 # as the title block or the form gave it
    unit_level: str | None
    period_from: dt.date | None
    period_to: dt.date | None
    valid: pd.DataFrame                   # level, field, received_total … in_progress_overdue, row_number
    rejects: pd.DataFrame                 # REJECT_COLUMNS
    rows_read: int
    identities: dict[str, dict]           # name → {formula, holds, fails}
    problems: list[str] = dc_field(default_factory=list)  # what blocks loading (unit or period missing…)
    original: pd.DataFrame = dc_field(default_factory=pd.DataFrame)
    kind: str = KIND

    @property
    def ready(self) -> bool:
        return not self.problems

    @property
    def received_reading(self) -> str | None:
        """Which reading of column (3) the rows follow: 'received_by_channel', 'received_by_outcome', 'both' or None."""
        a = self.identities["received_by_channel"]
        b = self.identities["received_by_outcome"]
        if a["fails"] == 0 and b["fails"] == 0:
            return "both"
        if a["fails"] == 0:
            return "received_by_channel"
        if b["fails"] == 0:
            return "received_by_outcome"
        return None

    def preview(self, n: int = 20) -> pd.DataFrame:
        return self.valid.head(n)


# -- detection ---------------------------------------------------------------
def _text(value) -> str:
    return "" if value is None or value is pd.NA or (isinstance(value, float) and pd.isna(value)) else nfc(str(value))


def number_row(cells: pd.DataFrame) -> tuple[int, dict[int, int]] | None:
    """(0-based row, {form column number: sheet column}) of the '(1) (2) … (13)' line, or None."""
    for i in range(min(SCAN_ROWS, len(cells))):
        found: dict[int, int] = {}
        for j, value in enumerate(cells.iloc[i]):
            match = _NUMBER_CELL.match(_text(value))
            if match:
                found.setdefault(int(match.group(1)), j)
        if all(k in found for k in range(1, 14)):
            return i, found
    return None


def detect(raw) -> tuple[object, int, dict[int, int]] | None:
    """(sheet, number row, columns) of the first sheet that is a Biểu 06, else None."""
    for sheet in raw.sheets:
        hit = number_row(sheet.cells)
        if hit:
            return sheet, hit[0], hit[1]
    return None


def is_form06(raw) -> bool:
    return detect(raw) is not None


# -- title block -------------------------------------------------------------------
def parse_period(text: str) -> tuple[dt.date, dt.date] | None:
    """The report period a title line states; an explicit 'từ ngày … đến ngày …' wins over a label."""
    key = fold(text)
    match = _RANGE.search(key)
    if match:
        d1, m1, y1, d2, m2, y2 = map(int, match.groups())
        try:
            return dt.date(y1, m1, d1), dt.date(y2, m2, d2)
        except ValueError:
            return None
    match = _QUARTER.search(key)
    if match:
        q, y = match.groups()
        p = periods.quarter(int(y), _ROMAN_VALUES.get(q) or int(q))
        return p.start, p.end
    match = _HALF.search(key)
    if match:
        p = periods.half(int(match.group(2)), 1 if match.group(1) == "dau" else 2)
        return p.start, p.end
    match = _MONTH.search(key)
    if match and 1 <= int(match.group(1)) <= 12:
        p = periods.month(int(match.group(2)), int(match.group(1)))
        return p.start, p.end
    match = _YEAR.search(key)
    if match:
        p = periods.year(int(match.group(1)))
        return p.start, p.end
    return None


def title_info(cells: pd.DataFrame, top: int) -> tuple[str | None, tuple[dt.date, dt.date] | None]:
    """(reporting unit name, period) from the lines above the column header."""
    unit, period, ranges = None, None, []
    for i in range(top):
        for value in cells.iloc[i]:
            text = _text(value)
            if not text:
                continue
            match = _UNIT_LINE.match(text)
            if match and unit is None:
                unit = match.group(1).strip()
            found = parse_period(text)
            if found:
                ranges.append((0 if _RANGE.search(fold(text)) else 1, found))
    if ranges:
        period = sorted(ranges, key=lambda r: r[0])[0][1]
    return unit, period


# -- values and rows -------------------------------------------------------------------
def parse_count(text: str) -> int | None:
    """'1.234', '1234', '1 234', '12.0' → int; '' → 0; anything else → None (rejected)."""
    value = text.strip().replace("\u00a0", "").replace(" ", "")
    if value in ("", "-"):
        return 0
    if re.fullmatch(r"\d{1,3}([.,]\d{3})+", value):
        return int(re.sub(r"[.,]", "", value))
    try:
        number = float(value.replace(",", "."))
    except ValueError:
        return None
    if number < 0 or number != int(number):
        return None
    return int(number)


def _row_kind(stt: str, label: str) -> tuple[str, str | None]:
    """('level', level) | ('total', None) | ('footer', None) | ('field', None) | ('blank', None)."""
    key = fold(label)
    if not key and not stt:
        return "blank", None
    if _TOTAL.match(key) or (not stt and key.startswith("tong")):
        return "total", None
    if _FOOTER.match(key) or _FOOTER.match(fold(stt)):
        return "footer", None
    level = parse_level(re.sub(r"^(giai quyet )?(thu tuc hanh chinh )?", "", key).replace("tthc ", ""))
    if level is None and key.startswith("cap "):
        level = parse_level(" ".join(key.split()[:2]))
    if level is not None and (not stt or _ROMAN.match(stt)):
        return "level", level
    if _ROMAN.match(stt) and level is None:
        return "level", None
    return "field", None


def prepare_form06(source, file_name: str | None = None, *, wh: Warehouse | None = None, unit_id: str | None = None,
                   period: tuple[dt.date, dt.date] | None = None, scope: Scope | None = None, raw=None) -> Form06Prepared:
    """Read and check a Biểu 06 file. ``unit_id`` / ``period`` (from the upload form) win over the title block.

    Raises ``etl.read.FileRefused`` for files that are not spreadsheets, too large,
    encrypted, or not a Biểu 06 at all.
    """
    from etl.read import FileRefused, read_file

    raw = raw or read_file(source, file_name)
    found = detect(raw)
    if found is None:
        raise FileRefused(raw.file_name, "Không tìm thấy dòng số thứ tự cột (1) (2) … (13) của Biểu số 06/VPCP/KSTT. "
                                         "Hãy dùng đúng mẫu biểu của Thông tư 01/2020/TT-VPCP.")
    sheet, top, cols = found
    title_unit, title_period = title_info(sheet.cells, top)
    problems: list[str] = []
    unit_id, unit_name, unit_level = _reporting_unit(wh, unit_id, title_unit, problems)
    period = period or title_period
    problems += _period_problems(period)
    unit = _Reporter(unit_id, unit_name, unit_level, scope)
    rows = _read_rows(sheet, top, cols, unit)
    if rows["read"] == 0:
        problems.append("Biểu không có dòng số liệu nào dưới dòng số thứ tự cột.")
    return Form06Prepared(
        file_name=raw.file_name, sha256=raw.sha256, sheet=sheet.name, header_row=top + 1,
        unit_id=unit_id, unit_name=unit_name, unit_level=unit_level,
        period_from=period[0] if period else None, period_to=period[1] if period else None,
        valid=rows["valid"], rejects=rows["rejects"], rows_read=rows["read"],
        identities=rows["identities"], problems=problems, original=rows["original"],
    )


@dataclass(frozen=True)
class _Reporter:
    """The unit the form reports for, as its rows are checked against it and the uploader's scope."""

    unit_id: str | None
    name: str | None
    level: str | None
    scope: Scope | None

    @property
    def out_of_scope(self) -> bool:
        return self.unit_id is not None and self.scope is not None and not self.scope.allows_unit(self.unit_id, self.level)


def _reporting_unit(wh, unit_id, title_unit, problems: list[str]) -> tuple[str | None, str | None, str | None]:
    """(id, name, level) of the reporting unit: the upload form's choice, else the title block's name."""
    unit_name, unit_level = title_unit, None
    if unit_id is None and title_unit and wh is not None:
        unit_id = units_mod.resolve(wh, title_unit)
    if unit_id is not None and wh is not None:
        unit = units_mod.get_unit(wh, unit_id)
        if unit is None:
            problems.append(f"Không có đơn vị “{unit_id}” trong danh mục.")
            unit_id = None
        else:
            unit_name, unit_level = unit["name"], unit["level"]
    if unit_id is None and not problems:
        problems.append(
            f"Chưa xác định được đơn vị báo cáo{f' (“{title_unit}” chưa có trong danh mục)' if title_unit else ''}: "
            "hãy chọn đơn vị trong ô “Đơn vị báo cáo”.")
    return unit_id, unit_name, unit_level


def _period_problems(period) -> list[str]:
    if period is None:
        return ["Chưa xác định được kỳ báo cáo (không thấy “từ ngày … đến ngày …” ở đầu biểu): "
                "hãy nhập ngày bắt đầu và ngày kết thúc của kỳ."]
    if period[1] < period[0]:
        return [f"Kỳ báo cáo không hợp lệ: ngày kết thúc {period[1]:%d/%m/%Y} trước ngày bắt đầu {period[0]:%d/%m/%Y}."]
    return []


def _read_rows(sheet, top: int, cols: dict, unit: _Reporter) -> dict:
    """Every data row under the column numbers: valid counts, rejects with reasons, the originals."""
    cells = sheet.cells
    labels = {k: COLUMN_LABELS[k] for k in COLUMNS} | {1: COLUMN_LABELS[1], 2: COLUMN_LABELS[2]}
    valid, rejects, originals = [], [], []
    identities = {name: {"formula": spec[2], "holds": 0, "fails": 0} for name, spec in IDENTITIES.items()}
    level = None
    for i in range(top + 1, len(cells)):
        line = cells.iloc[i]
        stt, label = _text(line.iloc[cols[1]]), _text(line.iloc[cols[2]])
        values_text = {k: _text(line.iloc[cols[k]]) for k in COLUMNS}
        kind, section = _row_kind(stt, label)
        if kind == "blank" and not any(values_text.values()):
            continue
        if kind in ("total", "footer"):
            break
        if kind == "level":
            level = section or level
            continue
        original = {labels[k]: (stt if k == 1 else label if k == 2 else values_text[k]) for k in range(1, 14)}
        original = {k: v for k, v in original.items() if v != ""}
        originals.append(original)
        numbers, reasons = _count_reasons(values_text, identities)
        reasons += _unit_reasons(level, unit)
        if reasons:
            row_json = json.dumps(original, ensure_ascii=False)
            rejects += [{"sheet": sheet.name, "row_number": i + 1, "column_name": column_name, "raw_value": raw_value,
                         "reason": reason, "row_json": row_json} for column_name, raw_value, reason in reasons]
            continue
        valid.append({"level": level or unit.level, "field": label or NO_FIELD, "row_number": i + 1,
                      **{COLUMNS[k]: numbers[k] for k in COLUMNS}})
    valid_frame = pd.DataFrame(valid, columns=["level", "field", "row_number", *VALUE_COLUMNS])
    if not valid_frame.empty:
        # The same lĩnh vực twice in one level: keep the last (as the dossier ETL keeps the last duplicate code).
        valid_frame = valid_frame.drop_duplicates(["level", "field"], keep="last").reset_index(drop=True)
    return {"valid": valid_frame, "rejects": pd.DataFrame(rejects, columns=REJECT_COLUMNS), "read": len(originals),
            "identities": identities, "original": pd.DataFrame(originals)}


def _count_reasons(values_text: dict, identities: dict) -> tuple[dict, list[tuple[str, str, str]]]:
    """The row's counts and why they cannot be stored: not a count, or the form's sums do not hold."""
    numbers, reasons = {}, []
    for k, text in values_text.items():
        number = parse_count(text)
        if number is None:
            reasons.append((COLUMN_LABELS[k] + f" ({k})", text,
                            f"Cột ({k}) «{text}» không phải số nguyên không âm: hãy ghi số hồ sơ (ví dụ 1.234)."))
        numbers[k] = number
    if reasons:
        return numbers, reasons
    status = {name: numbers[left] == sum(numbers[c] for c in right) for name, (left, right, _) in IDENTITIES.items()}
    for name, ok in status.items():
        identities[name]["holds" if ok else "fails"] += 1
    if not (status["received_by_channel"] or status["received_by_outcome"]):
        reasons.append((COLUMN_LABELS[3] + " (3)", values_text[3],
                        f"Cột (3) = {numbers[3]} không bằng (4)+(5)+(6) = {numbers[4] + numbers[5] + numbers[6]} "
                        f"cũng không bằng (7)+(11) = {numbers[7] + numbers[11]}: hãy kiểm tra lại số liệu dòng này."))
    if not status["resolved_split"]:
        reasons.append((COLUMN_LABELS[7] + " (7)", values_text[7],
                        f"Cột (7) = {numbers[7]} khác (8)+(9)+(10) = {numbers[8] + numbers[9] + numbers[10]}: "
                        "số đã giải quyết phải bằng trước hạn + đúng hạn + quá hạn."))
    if not status["in_progress_split"]:
        reasons.append((COLUMN_LABELS[11] + " (11)", values_text[11],
                        f"Cột (11) = {numbers[11]} khác (12)+(13) = {numbers[12] + numbers[13]}: "
                        "số đang giải quyết phải bằng trong hạn + quá hạn."))
    return numbers, reasons


def _unit_reasons(level: str | None, unit: _Reporter) -> list[tuple[str, str, str]]:
    """Why a row cannot be stored for this reporting unit: its section's level, or the uploader's scope."""
    reasons = []
    section_problem = _section_level_problem(level, unit.level, unit.name or unit.unit_id, unit.scope, unit.unit_id)
    if section_problem:
        reasons.append(("Cấp", LEVEL_LABELS.get(level, level), section_problem))
    if unit.out_of_scope:
        reasons.append(("Đơn vị báo cáo", unit.name or unit.unit_id,
                        f"Đơn vị «{unit.name or unit.unit_id}» nằm ngoài phạm vi được phân quyền của bạn: "
                        "hãy nhờ người có quyền với đơn vị đó nạp."))
    return reasons


def _section_level_problem(section: str | None, unit_level: str | None, unit_name: str | None,
                           scope: Scope | None, unit_id: str | None) -> str | None:
    """Why a row under section ``section`` ('I. Cấp tỉnh') cannot be stored for this unit, or None.

    The level is the registry's: a unit reports its own level and the levels below it (a district's
    form may carry its communes' section), never one above; and the row's level must be in the
    uploader's scope, so a form cannot turn a commune's figures into province figures.
    """
    if section is None or unit_level is None or unit_level not in LEVELS or section not in LEVELS:
        return None
    if LEVELS.index(section) < LEVELS.index(unit_level):
        return (f"Dòng nằm trong mục «{LEVEL_LABELS[section]}» nhưng «{unit_name}» là đơn vị "
                f"{LEVEL_LABELS[unit_level].lower()} trong danh mục: đơn vị chỉ báo cáo cấp của mình và cấp dưới. "
                f"Hãy chuyển dòng này sang mục «{LEVEL_LABELS[unit_level]}» hoặc chọn đúng đơn vị báo cáo rồi nạp lại.")
    if scope is not None and unit_id is not None and not scope.allows_unit(unit_id, section):
        return (f"Mục «{LEVEL_LABELS[section]}» nằm ngoài phạm vi được phân quyền của bạn: "
                "hãy bỏ các dòng của mục này hoặc nhờ người có quyền nạp.")
    return None


# -- against the warehouse ---------------------------------------------------------------
def _keyed(prepared: Form06Prepared) -> pd.DataFrame:
    frame = prepared.valid.copy()
    frame["unit_id"] = prepared.unit_id
    frame["period_from"] = prepared.period_from
    frame["period_to"] = prepared.period_to
    return frame


def _current(con, prepared: Form06Prepared) -> pd.DataFrame:
    """The rows in force for this unit and period (newest batch per lĩnh vực)."""
    return con.execute(
        f"""SELECT level, field, {", ".join(VALUE_COLUMNS)} FROM form06_rows
            WHERE unit_id = ? AND period_from = ? AND period_to = ?
            QUALIFY row_number() OVER (PARTITION BY level, field ORDER BY batch_id DESC) = 1""",
        [prepared.unit_id, prepared.period_from, prepared.period_to],
    ).df()


def diff_form06(wh: Warehouse, prepared: Form06Prepared) -> dict[str, int]:
    """{new, updated, unchanged}: the valid rows against the figures in force for the same unit and period."""
    if not prepared.ready or prepared.valid.empty:
        return {"new": 0, "updated": 0, "unchanged": 0}
    with wh.read() as con:
        current = _current(con, prepared)
    merged = prepared.valid.merge(current, on=["level", "field"], how="left", suffixes=("", "_old"), indicator=True)
    new = int((merged["_merge"] == "left_only").sum())
    both = merged[merged["_merge"] == "both"]
    same = pd.Series(True, index=both.index)
    for column in VALUE_COLUMNS:
        same &= both[column].astype("int64") == both[f"{column}_old"].astype("int64")
    return {"new": new, "updated": int((~same).sum()), "unchanged": int(same.sum())}


@dataclass
class Form06Result:
    batch_id: int
    rows_read: int
    rows_loaded: int
    rows_rejected: int
    rows_new: int
    rows_updated: int
    rows_unchanged: int
    status: str = "loaded"


def load_form06(wh: Warehouse, prepared: Form06Prepared, *, user: str | None = None) -> Form06Result:
    """Insert the valid rows and their batch in one transaction (audited as ``upload``)."""
    if not prepared.ready:
        raise ValueError("; ".join(prepared.problems))
    counts = diff_form06(wh, prepared)
    started = dt.datetime.now()
    rows = _keyed(prepared)
    rejected_rows = int(prepared.rejects["row_number"].nunique()) if len(prepared.rejects) else 0
    with wh.write() as con:
        batch_id = int(con.execute("SELECT nextval('batch_seq')").fetchall()[0][0])
        if len(rows):
            rows["batch_id"] = batch_id
            con.register("form06_new", rows[list(KEY_COLUMNS) + list(VALUE_COLUMNS) + ["batch_id"]])
            con.execute(f"""INSERT INTO form06_rows (unit_id, level, field, period_from, period_to,
                            {", ".join(VALUE_COLUMNS)}, batch_id)
                            SELECT unit_id, level, field, period_from::DATE, period_to::DATE,
                            {", ".join(VALUE_COLUMNS)}, batch_id FROM form06_new""")
            con.unregister("form06_new")
        if len(prepared.rejects):
            rej = prepared.rejects.copy()
            rej.insert(0, "batch_id", batch_id)
            con.register("form06_rej", rej)
            con.execute("INSERT INTO rejected_rows (batch_id, sheet, row_number, column_name, raw_value, reason, row_json)"
                        " SELECT batch_id, sheet, row_number, column_name, raw_value, reason, row_json FROM form06_rej")
            con.unregister("form06_rej")
        message = json.dumps({"unit_id": prepared.unit_id, "period_from": str(prepared.period_from),
                              "period_to": str(prepared.period_to), "received_reading": prepared.received_reading},
                             ensure_ascii=False)
        con.execute(
            """INSERT INTO load_batches (batch_id, file_name, sha256, kind, sheet, header_row, rows_read, rows_loaded,
                   rows_rejected, rows_new, rows_updated, rows_unchanged, duplicates, started_at, finished_at, status,
                   user_name, message) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 0, ?, ?, 'loaded', ?, ?)""",
            [batch_id, prepared.file_name, prepared.sha256, KIND, prepared.sheet, prepared.header_row, prepared.rows_read,
             len(rows), rejected_rows, counts["new"], counts["updated"], counts["unchanged"], started,
             dt.datetime.now(), user, message],
        )
        audit.record(con, user, "upload", prepared.file_name,
                     {"batch_id": batch_id, "kind": KIND, "unit_id": prepared.unit_id, "rows": len(rows),
                      "rejected": rejected_rows})
    return Form06Result(batch_id, prepared.rows_read, len(rows), rejected_rows, counts["new"], counts["updated"],
                        counts["unchanged"])


def undo_form06(wh: Warehouse, batch_id: int, *, user: str | None = None) -> int:
    """Remove a form06 batch's rows (older uploads of the same figures come back into force). Returns rows removed."""
    with wh.write() as con:
        row = (con.execute("SELECT kind, status FROM load_batches WHERE batch_id = ?", [batch_id]).fetchall()[:1] or [None])[0]
        if row is None or row[0] != KIND:
            raise ValueError(f"Lượt nạp {batch_id} không phải Biểu 06.")
        if row[1] == "undone":
            raise ValueError(f"Lượt nạp {batch_id} đã được hoàn tác.")
        removed = con.execute("SELECT count(*) FROM form06_rows WHERE batch_id = ?", [batch_id]).fetchall()[0][0]
        con.execute("DELETE FROM form06_rows WHERE batch_id = ?", [batch_id])
        con.execute("UPDATE load_batches SET status = 'undone', undone_at = current_timestamp, undone_by = ? "
                    "WHERE batch_id = ?", [user, batch_id])
        audit.record(con, user, "undo", str(batch_id), {"kind": KIND, "rows_removed": int(removed)})
    return int(removed)

"""The national portal's QĐ 766 evaluation as an input: its JSON responses and its Excel table.

What the portal (dichvucong.gov.vn, ``/api/v1/reporting/evaluation/<group endpoint>``) returns,
as the peers saved it (ChippedTopaz/qd766 docs/QD766_DATA_MODEL.md and tests/fixtures/;
hoang31201/766-HaNoi tools/quality-data.mjs and history/quality/):

- shape A, ``data.overview`` + ``data.evaluation[]``, each with ``metrics[]`` (code, numerator,
  denominator, ratio in %, score, maxScore, and sometimes ``dataQualityStatus`` /
  ``dataQualityMessage``): transparency (CKMB), handling-satisfaction (MDHL), dossier-digitized
  (MDSH); ``service-results`` has the same shape without metrics and a 100-point total;
- shape B, ``data.parent`` + ``data.children[]`` with the group's counts (totalReceived,
  totalOnTime …, fullCount …, totalDossierOnlinePaymentSuccess …) and score / maxScore:
  dvc-progress-tree (TDGQ), provide-online-tree (CLGQ), formality-online-payment-tree (TTTT);
- the 766-HaNoi snapshot: ``groups[]`` of the province and ``departments[]`` with their
  ``type`` (AGENCY / COMMUNE) and ``groupDetails``.

Unit types: the root of a response is the province (ADMINISTRATIVE_UNIT); children are
AGENCY or COMMUNE (``childGroup``, ``type``, ``departmentType`` PROVINCIAL_DEPARTMENT /
COMMUNE_PEOPLE_COMMITTEE, or ``level``/``departmentLevel`` PROVINCE / COMMUNE). Units are
matched to the registry by name (the portal's " - Tỉnh …" suffix dropped); one not found is
kept with its portal name and listed, never guessed. The portal's JSON carries no period:
it comes from a ``period`` wrapper, the request keys (timeType, year, month, quarter,
fromDate, toDate), the upload form, or the file name ("…thang-10-2025…", "…2025-10…").

The Excel table (one row per unit, a column per group, "Tổng điểm") is read the same way.
A file that is not JSON, or JSON of no known shape, is refused with the reason and
nothing is written. Loading inserts ``portal_scores`` rows (kpi.measures.published) under
a ``load_batches`` row of kind ``portal766``; undoing the batch takes them out of force.
"""
from __future__ import annotations

import datetime as dt
import json
import re
from dataclasses import dataclass, field as dc_field

import pandas as pd

from kpi.measures import periods, published, units as units_mod
from kpi.measures.index766 import GROUP_MAX, GROUPS, SUB_BY_KEY
from kpi.text import index766 as index_text
from kpi.text.normalize import fold
from kpi.warehouse import audit
from kpi.warehouse.db import Warehouse

KIND = "portal766"
KIND_LABEL = "Điểm Chỉ số 766 công bố trên Cổng DVCQG"
PROVINCE_TYPE = published.PROVINCE_TYPE
_SUFFIX = re.compile(r"\s+-\s+(tỉnh|thành phố)\s+.+$", re.I)
_ISO_PERIOD = re.compile(r"(?<!\d)(\d{4})[-_ ]?(Q[1-4]|H[12]|\d{2})(?!\d)", re.I)
# The group a shape-A response holds, told by its metric codes.
_METRIC_GROUP = {sub.key: sub.group for sub in SUB_BY_KEY.values()}
_METRIC_GROUP.update({"PETITION_CLASSIFICATION_TTHC": "MDHL", "PETITION_CLASSIFICATION_STAFF": "MDHL"})
# Shape B: the group told by its count fields, and its sub-indicators as (code, numerator, denominator).
_TREE_GROUPS = (
    ("TDGQ", "totalOnTime", (("ON_TIME", "totalOnTime", "totalReceived"),)),
    ("CLGQ", "channelOnlineSum", (("FULL", "fullCount", "authorityCount"),
                                  ("ONLINE_DOSSIERS", "channelOnlineSum", "channelTotalSum"),
                                  ("ONLINE_ON_TIME", "onlineOnTimeSum", "channelOnlineSum"))),
    ("TTTT", "totalDossierOnlinePaymentSuccess", (
        ("PAY_DOSSIERS", "totalDossierOnlinePaymentSuccess", "totalDossierFinancialObligation"),
        ("PAY_FORMALITIES", "totalDossierOnlineFormalityPaymentSuccess", "totalFeeDossierFormalityDistinct"),
        ("PAY_PROVISION", "totalFeeDossierFormality", "totalFeeFormality"))),
)
_TYPE_WORDS = {
    "ADMINISTRATIVE_UNIT": PROVINCE_TYPE, "PROVINCE": PROVINCE_TYPE,
    "AGENCY": "AGENCY", "PROVINCIAL_DEPARTMENT": "AGENCY",
    "COMMUNE": "COMMUNE", "COMMUNE_PEOPLE_COMMITTEE": "COMMUNE", "DISTRICT": "DISTRICT",
}

NOT_JSON = ("Tệp JSON không đọc được ({error}, dòng {line}, cột {col}). Hãy tải lại tệp kết quả đánh giá từ Cổng "
            "Dịch vụ công quốc gia rồi nạp lại; không có số liệu nào được ghi.")
UNKNOWN_SHAPE = ("Tệp JSON không phải kết quả đánh giá Chỉ số 766 của Cổng Dịch vụ công quốc gia (không có "
                 "overview/evaluation hay parent/children). Không có số liệu nào được ghi.")
NO_PERIOD = ("Chưa rõ kỳ đánh giá của tệp: hãy chọn kỳ trên trang nạp, hoặc đặt tên tệp có kỳ (ví dụ "
             "«chi-so-766-thang-10-2025.json», «…-2025-Q3.json»).")
NO_SCORES = "Tệp không có điểm nào của Chỉ số 766. Không có số liệu nào được ghi."


@dataclass
class PortalPrepared:
    """A portal file read, nothing written yet (what the upload page previews)."""

    file_name: str
    sha256: str | None
    valid: pd.DataFrame = dc_field(default_factory=lambda: pd.DataFrame(columns=list(published.COLUMNS)))
    problems: list[str] = dc_field(default_factory=list)
    period_from: dt.date | None = None
    period_to: dt.date | None = None
    unmatched: list[str] = dc_field(default_factory=list)
    rows_read: int = 0
    sheet: str = "JSON"
    header_row: int | None = None
    rejects: pd.DataFrame = dc_field(default_factory=lambda: pd.DataFrame(
        columns=["sheet", "row_number", "column_name", "raw_value", "reason", "row_json"]))

    @property
    def ready(self) -> bool:
        return not self.problems and not self.valid.empty


# -- reading JSON ------------------------------------------------------------------------
def _number(value) -> float | None:
    if value is None or isinstance(value, bool):
        return None
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return None if number != number else number


def _unit_type(item: dict, default: str) -> str:
    for key in ("childGroup", "type", "departmentType", "level", "departmentLevel"):
        word = str(item.get(key) or "").upper()
        if word in _TYPE_WORDS:
            return _TYPE_WORDS[word]
    return default


def _child_type(item: dict) -> str | None:
    """A child's type: a unit of the province's (PROVINCE level = an agency), or None for another
    province of a nationwide list (ADMINISTRATIVE_UNIT), which is skipped."""
    for key in ("childGroup", "type", "departmentType", "level", "departmentLevel"):
        word = str(item.get(key) or "").upper()
        if word == "ADMINISTRATIVE_UNIT":
            return None
        if word == "PROVINCE":
            return "AGENCY"
        if word in _TYPE_WORDS:
            return _TYPE_WORDS[word]
    return "AGENCY"


def _root_type(item: dict) -> str:
    """The root of a response is the province unless it says otherwise (a unit's own drill-down)."""
    stated = _unit_type(item, "")
    if stated:
        return stated
    code = str(item.get("departmentCode") or item.get("code") or "")
    return "AGENCY" if "." in code else PROVINCE_TYPE


def _row(unit: dict, unit_type: str, grp: str, metric: str | None, score, max_score, numerator=None, denominator=None,
         ratio=None, quality_status=None, quality_message=None) -> dict:
    return {"unit_type": unit_type, "unit_name": unit.get("departmentName") or unit.get("name"),
            "unit_code": unit.get("departmentCode") or unit.get("code"), "grp": grp, "metric": metric,
            "score": _number(score), "max_score": _number(max_score), "numerator": _number(numerator),
            "denominator": _number(denominator), "ratio": _number(ratio), "quality_status": quality_status,
            "quality_message": quality_message}


def _metric_rows(unit: dict, unit_type: str, grp: str, metrics: list) -> list[dict]:
    return [_row(unit, unit_type, grp, m.get("code"), m.get("score"), m.get("maxScore"), m.get("numerator"),
                 m.get("denominator"), m.get("ratio"), m.get("dataQualityStatus"), m.get("dataQualityMessage"))
            for m in metrics or [] if isinstance(m, dict) and m.get("code") in SUB_BY_KEY]


def _shape_a(data: dict) -> list[dict]:
    """overview / evaluation[] / metrics[]: one group (told by its metric codes), or the 100-point total."""
    overview, evaluation = data.get("overview") or {}, data.get("evaluation") or []
    codes = [m.get("code") for item in [overview, *evaluation] for m in (item.get("metrics") or [])
             if isinstance(m, dict)]
    groups = {_METRIC_GROUP[c] for c in codes if c in _METRIC_GROUP}
    if len(groups) > 1:
        raise ValueError(UNKNOWN_SHAPE)
    grp = groups.pop() if groups else (published.TOTAL if _number(overview.get("totalMaxScore")) == 100
                                       or not codes else None)
    if grp is None:
        raise ValueError(UNKNOWN_SHAPE)
    rows = []
    for item, unit_type in [(overview, _root_type(overview))] + [(e, _child_type(e)) for e in evaluation]:
        if not item or unit_type is None:
            continue
        rows.append(_row(item, unit_type, grp, None, item.get("totalScore"), item.get("totalMaxScore")))
        rows += _metric_rows(item, unit_type, grp, item.get("metrics"))
    return rows


def _shape_b(data: dict) -> list[dict]:
    """parent / children[]: TDGQ, CLGQ or TTTT, told by its count fields."""
    parent, children = data.get("parent") or {}, data.get("children") or []
    sample = {**parent, **(children[0] if children and isinstance(children[0], dict) else {})}
    found = next(((grp, subs) for grp, marker, subs in _TREE_GROUPS if marker in sample), None)
    if found is None:
        raise ValueError(UNKNOWN_SHAPE)
    grp, subs = found
    rows = []
    for item, unit_type in [(parent, _root_type(parent))] + [(c, _child_type(c)) for c in children]:
        if not item or unit_type is None:
            continue
        rows.append(_row(item, unit_type, grp, None, item.get("totalScore", item.get("score")),
                         item.get("totalMaxScore", item.get("maxScore"))))
        for code, num_key, den_key in subs:
            num, den = _number(item.get(num_key)), _number(item.get(den_key))
            if num is None and den is None:
                continue
            ratio = _number(item.get("ratio")) if grp == "TDGQ" else (100.0 * num / den if num is not None and den else None)
            score = item.get("totalScore", item.get("score")) if grp == "TDGQ" else None
            rows.append(_row(item, unit_type, grp, code, score, GROUP_MAX[grp] if grp == "TDGQ" else None, num, den,
                             ratio))
    return rows


def _snapshot(data: dict) -> list[dict]:
    """The 766-HaNoi snapshot: the province's ``groups[]`` and its ``departments[]``."""
    root = {"name": (data.get("department") or {}).get("name"), "code": (data.get("department") or {}).get("code")}
    rows = [_row(root, PROVINCE_TYPE, published.TOTAL, None, data.get("totalScore"), data.get("totalMaxScore"))]
    for group in data.get("groups") or []:
        rows.append(_row(root, PROVINCE_TYPE, group.get("code"), None, group.get("score"), group.get("maxScore")))
        rows += _metric_rows(root, PROVINCE_TYPE, group.get("code"), group.get("metrics"))
    for unit in data.get("departments") or []:
        unit_type = _child_type(unit) or "AGENCY"
        rows.append(_row(unit, unit_type, published.TOTAL, None, unit.get("score"), 100))
        details = unit.get("groupDetails") or {}
        for code, group in (unit.get("groupScores") or {}).items():
            if code not in details:
                rows.append(_row(unit, unit_type, code, None, (group or {}).get("score"), (group or {}).get("maxScore")))
        for code, group in details.items():
            if group:
                rows.append(_row(unit, unit_type, code, None, group.get("score"), group.get("maxScore")))
                rows += _metric_rows(unit, unit_type, code, group.get("metrics"))
    return rows


def json_rows(payload) -> tuple[list[dict], dict]:
    """(score rows, the request keys the payload carries) of a portal response in any known shape."""
    wrapper = payload if isinstance(payload, dict) else {}
    data = wrapper.get("data") if isinstance(wrapper.get("data"), dict) else wrapper
    request = {**(wrapper.get("request") or {}), **(wrapper.get("params") or {}), **(wrapper.get("period") or {}),
               **{k: wrapper[k] for k in ("timeType", "year", "month", "quarter", "fromDate", "toDate") if k in wrapper}}
    if "overview" in data or "evaluation" in data:
        return _shape_a(data), request
    if "parent" in data or "children" in data:
        return _shape_b(data), request
    if "groups" in data and "departments" in data:
        return _snapshot(data), request
    raise ValueError(UNKNOWN_SHAPE)


def period_of(request: dict, file_name: str) -> tuple[dt.date, dt.date] | None:
    """The evaluation period from the request keys, else from the file name."""
    try:
        if request.get("fromDate") and request.get("toDate"):
            return dt.date.fromisoformat(str(request["fromDate"])[:10]), dt.date.fromisoformat(str(request["toDate"])[:10])
        year = int(request["year"]) if request.get("year") else None
        kind = str(request.get("timeType") or "").lower()
        if year and kind == "month" and request.get("month"):
            p = periods.month(year, int(request["month"]))
        elif year and kind == "quarter" and request.get("quarter"):
            p = periods.quarter(year, int(request["quarter"]))
        elif year and kind in ("year", ""):
            p = periods.year(year)
        else:
            p = None
        if p is not None:
            return p.start, p.end
    except (TypeError, ValueError):
        pass
    from etl.form06_reader import parse_period

    match = _ISO_PERIOD.search(file_name)
    if match:
        p = periods.from_param(f"{match.group(1)}-{match.group(2).upper()}")
        if p is not None:
            return p.start, p.end
    return parse_period(file_name)


# -- reading the Excel table ----------------------------------------------------------------
_GROUP_HEADERS = {fold(label): code for code, label in index_text.GROUP_LABELS.items()}
_GROUP_HEADERS.update({code.lower(): code for code in GROUPS})
_UNIT_HEADERS = {"don vi", "ten don vi", "co quan", "ten co quan", "don vi co quan"}
_TOTAL_HEADERS = {"tong diem", "tong", "diem tong", "tong cong", "chi so"}
_TYPE_HEADERS = {"loai", "loai don vi", "nhom", "loai hinh"}


def _header_columns(cells: pd.DataFrame) -> tuple[int, dict] | None:
    """(row, {column: role}) of the first row naming a unit column and at least three groups."""
    for i in range(min(len(cells), 30)):
        roles = {}
        for j, value in enumerate(cells.iloc[i]):
            key = fold(value) if isinstance(value, str) else ""
            if key in _GROUP_HEADERS:
                roles[j] = _GROUP_HEADERS[key]
            elif key in _UNIT_HEADERS:
                roles[j] = "unit"
            elif key in _TOTAL_HEADERS:
                roles[j] = published.TOTAL
            elif key in _TYPE_HEADERS:
                roles[j] = "type"
        if "unit" in roles.values() and sum(1 for r in roles.values() if r in GROUPS) >= 3:
            return i, roles
    return None


def detect_sheet(raw) -> tuple[object, int, dict] | None:
    for sheet in raw.sheets:
        found = _header_columns(sheet.cells)
        if found:
            return sheet, *found
    return None


def _score_cell(value) -> float | None:
    if value is None or (isinstance(value, float) and value != value):
        return None
    text = str(value).strip().replace(",", ".")
    return _number(text) if text else None


def sheet_rows(sheet, header: int, roles: dict) -> list[dict]:
    rows = []
    unit_col = next(j for j, r in roles.items() if r == "unit")
    type_col = next((j for j, r in roles.items() if r == "type"), None)
    for i in range(header + 1, len(sheet.cells)):
        line = sheet.cells.iloc[i]
        name = line.iloc[unit_col]
        if not isinstance(name, str) or not name.strip():
            continue
        unit_type = _TYPE_WORDS.get(str(line.iloc[type_col]).upper(), "") if type_col is not None else ""
        folded = fold(name)
        if not unit_type:
            unit_type = PROVINCE_TYPE if folded.startswith(("tinh ", "ubnd tinh", "thanh pho ", "ubnd thanh pho",
                                                            "toan tinh")) else ""
        for j, role in roles.items():
            if role in GROUPS or role == published.TOTAL:
                score = _score_cell(line.iloc[j])
                if score is not None:
                    rows.append(_row({"name": name.strip()}, unit_type or None, role, None, score,
                                     100 if role == published.TOTAL else GROUP_MAX[role]))
    return rows


# -- preparing and loading --------------------------------------------------------------------
def _match_units(wh: Warehouse | None, rows: pd.DataFrame) -> tuple[pd.DataFrame, list[str]]:
    """unit_id of each non-province row from the registry; a unit type guessed from the matched level."""
    ids, unmatched = [], []
    for name, unit_type in zip(rows["unit_name"], rows["unit_type"]):
        if unit_type == PROVINCE_TYPE or wh is None or not isinstance(name, str):
            ids.append(None)
            continue
        unit_id = units_mod.resolve(wh, name) or units_mod.resolve(wh, _SUFFIX.sub("", name))
        ids.append(unit_id)
        if unit_id is None and name not in unmatched:
            unmatched.append(name)
    rows = rows.assign(unit_id=ids)
    if wh is not None and rows["unit_type"].isna().any():
        levels = dict(wh.query("SELECT unit_id, level FROM units"))
        guessed = [t if isinstance(t, str) else {"province": "AGENCY", "commune": "COMMUNE", "district": "DISTRICT"}
                   .get(levels.get(u), "AGENCY") for t, u in zip(rows["unit_type"], rows["unit_id"])]
        rows = rows.assign(unit_type=guessed)
    return rows, unmatched


def prepare(raw, *, wh: Warehouse | None = None, period: tuple[dt.date, dt.date] | None = None) -> PortalPrepared:
    """Read a portal JSON (``raw.format == 'json'``) or Excel table into score rows; problems say why not."""
    out = PortalPrepared(raw.file_name, raw.sha256)
    request: dict = {}
    try:
        if raw.format == "json":
            payload = json.loads(raw.data.decode("utf-8-sig"))
            rows, request = json_rows(payload)
        else:
            sheet, header, roles = detect_sheet(raw)
            out.sheet, out.header_row = sheet.name, header + 1
            rows = sheet_rows(sheet, header, roles)
            from etl.form06_reader import title_info

            request = {} if period else {"_title": title_info(sheet.cells, header)[1]}
    except json.JSONDecodeError as error:
        out.problems.append(NOT_JSON.format(error=error.msg, line=error.lineno, col=error.colno))
        return out
    except (UnicodeDecodeError, RecursionError):
        out.problems.append(NOT_JSON.format(error="không phải văn bản UTF-8 hợp lệ", line=1, col=1))
        return out
    except (ValueError, AttributeError, TypeError):
        out.problems.append(UNKNOWN_SHAPE)
        return out
    frame = pd.DataFrame(rows, columns=[c for c in published.COLUMNS if c not in ("period_from", "period_to",
                                                                              "unit_id", "source", "batch_id")])
    out.rows_read = len(frame)
    found = period or request.pop("_title", None) or period_of(request, raw.file_name)
    if found is None:
        out.problems.append(NO_PERIOD)
    else:
        out.period_from, out.period_to = found
    if frame.empty or frame["score"].isna().all() and frame["ratio"].isna().all():
        out.problems.append(NO_SCORES)
        return out
    out.valid, out.unmatched = _match_units(wh, frame.reset_index(drop=True))
    return out


def diff_counts(wh: Warehouse, prepared: PortalPrepared) -> dict[str, int]:
    """new / updated / unchanged rows against the scores in force for the same period."""
    if prepared.period_from is None or prepared.valid.empty:
        return {"new": 0, "updated": 0, "unchanged": 0}
    current = published.in_force(wh, periods.custom(prepared.period_from, prepared.period_to))
    current = current[current["source"].fillna("portal") == "portal"]
    before = {(r.unit_type == PROVINCE_TYPE, r.unit_id if isinstance(r.unit_id, str) else r.unit_name, r.grp,
               r.metric if isinstance(r.metric, str) else None): r.score for r in current.itertuples()}
    counts = {"new": 0, "updated": 0, "unchanged": 0}
    for r in prepared.valid.itertuples():
        key = (r.unit_type == PROVINCE_TYPE, r.unit_id if isinstance(r.unit_id, str) else r.unit_name, r.grp,
               r.metric if isinstance(r.metric, str) else None)
        if key not in before:
            counts["new"] += 1
        else:
            same = before[key] == r.score or (pd.isna(before[key]) and pd.isna(r.score))
            counts["unchanged" if same else "updated"] += 1
    return counts


def load(wh: Warehouse, prepared: PortalPrepared, *, user: str | None = None) -> tuple[int, str, dict]:
    """Insert the rows and their batch in one transaction; (batch_id, status, counts)."""
    if not prepared.ready:
        raise ValueError(" ".join(prepared.problems))
    counts = diff_counts(wh, prepared)
    started = dt.datetime.now()
    rows = prepared.valid.copy()
    with wh.write() as con:
        batch_id = int(con.execute("SELECT nextval('batch_seq')").fetchall()[0][0])
        rows = rows.assign(period_from=prepared.period_from, period_to=prepared.period_to, source="portal",
                           batch_id=batch_id, created_by=user, created_at=started)
        columns = list(published.COLUMNS) + ["created_by", "created_at"]
        con.register("portal_new", rows[columns])
        con.execute(f"INSERT INTO portal_scores ({', '.join(columns)}) SELECT {', '.join(columns)} FROM portal_new")
        con.unregister("portal_new")
        message = json.dumps({"period_from": str(prepared.period_from), "period_to": str(prepared.period_to),
                              "unmatched": prepared.unmatched}, ensure_ascii=False)
        con.execute(
            """INSERT INTO load_batches (batch_id, file_name, sha256, kind, sheet, header_row, rows_read, rows_loaded,
                   rows_rejected, rows_new, rows_updated, rows_unchanged, duplicates, started_at, finished_at, status,
                   user_name, message) VALUES (?, ?, ?, ?, ?, ?, ?, ?, 0, ?, ?, ?, 0, ?, ?, 'loaded', ?, ?)""",
            [batch_id, prepared.file_name, prepared.sha256, KIND, prepared.sheet, prepared.header_row,
             prepared.rows_read, len(rows), counts["new"], counts["updated"], counts["unchanged"], started,
             dt.datetime.now(), user, message])
        audit.record(con, user, "upload", prepared.file_name, {"batch_id": batch_id, "kind": KIND, "rows": len(rows)})
    return batch_id, "loaded", {"rows_read": prepared.rows_read, "rows_loaded": len(rows), "rows_rejected": 0, **counts}

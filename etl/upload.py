"""The analyst's upload workflow over the ETL API: what pages/upload.py and pages/history.py call.

Nothing here imports streamlit; the pages draw what these functions return.

    ins = inspect(wh, data, "thang1.xlsx", scope=user.scope)   # read, map (saved profile), validate, diff: no write
    ins.needs_mapping / ins.counts / ins.prepared.preview()
    ins = inspect(wh, data, name, scope=…, mapping={...}, profile_name="Một cửa…", user=…)  # manual mapping, saved
    result = load(wh, ins, user=user, progress=cb)             # etl.load.load_prepared (or the Biểu 06 loader)
    ins = save_value_readings(wh, ins, data, channel_map={"Kiosk": "direct"}, profile_name=…, user=…)  # saved, re-checked
    undo(wh, batch_id, user=user)                               # analysts their own batches, admins any; audited
    rejects_xlsx(frame)                                         # 'Lỗi' report as .xlsx bytes (text never a formula)

Records (dossiers, PAKN, surveys) go through ``etl.load.prepare`` / ``load_prepared``,
the same code as ``python -m etl load``. A file that is not a record export but
Biểu số 06/VPCP/KSTT goes through ``etl.form06_reader``.
"""
from __future__ import annotations

import datetime as dt
import io
import json
import re
from dataclasses import dataclass, field as dc_field
from typing import Callable

import pandas as pd

from etl import describe, form06_reader, formats, portal766
from etl.headers import FIELDS, KIND_LABELS, choose_sheet
from etl.load import FileRefused, UndoError, diff_counts, history, load_prepared, prepare, undo_batch
from etl.read import read_file
from etl.values import CHANNELS, ValueOptions
from kpi.access import permissions
from kpi.warehouse import audit
from kpi.warehouse import profiles
from kpi.access.permissions import User
from kpi.warehouse.db import Warehouse
from kpi.measures.filters import Scope, where_clause
from kpi.text.normalize import fold

REJECT_REPORT_ERROR_COLUMN = "Lỗi"
REJECT_REPORT_ROW_COLUMN = "Dòng"


@dataclass
class Inspection:
    """One uploaded file, checked against the warehouse, nothing written."""

    file_name: str
    kind: str | None = None                      # dossiers | feedback | survey | form06 | None (refused)
    prepared: object | None = None               # etl.load.Prepared or etl.form06_reader.Form06Prepared
    refusal: str | None = None                   # the whole file is refused (Vietnamese)
    counts: dict[str, int] = dc_field(default_factory=lambda: {"new": 0, "updated": 0, "unchanged": 0, "rejected": 0})
    signature: str | None = None                 # header signature (records only)
    profile: str | None = None                   # the saved profile whose mapping was applied
    version: int | None = None                   # warehouse data version the counts were computed at
    column_samples: dict = dc_field(default_factory=dict)  # header → etl.describe.ColumnSample (manual mapping)
    rows_found: int | None = None                # data rows under the header before validation (manual mapping)
    read_summary: str | None = None              # what a refused file was read as (etl.describe)

    @property
    def needs_mapping(self) -> bool:
        return self.kind in KIND_LABELS and self.prepared is not None and bool(self.prepared.unmapped)

    @property
    def ready(self) -> bool:
        """Whether 'Xác nhận nạp' can run."""
        if self.refusal or self.prepared is None:
            return False
        if formats.by_name(self.kind) is not None:  # Biểu 06, portal scores: their own prepared form
            return self.prepared.ready and not self.prepared.valid.empty
        return self.prepared.ok and not self.prepared.data.empty

    @property
    def kind_label(self) -> str:
        other = formats.by_name(self.kind)
        if other is not None:
            return other.label
        return KIND_LABELS.get(self.kind or "", "—")


def required_fields(kind: str) -> dict[str, str]:
    """canonical field → Vietnamese label, for the required fields of a kind."""
    return {name: spec.label for name, spec in FIELDS[kind].items() if spec.required}


def field_labels(kind: str) -> dict[str, str]:
    return {name: spec.label for name, spec in FIELDS[kind].items()}


def _counts(wh: Warehouse, ins: Inspection) -> None:
    p = ins.prepared
    if ins.kind == form06_reader.KIND:
        diff = form06_reader.diff_form06(wh, p)
        rejected = int(p.rejects["row_number"].nunique()) if len(p.rejects) else 0
    elif ins.kind == portal766.KIND:
        diff, rejected = portal766.diff_counts(wh, p), 0
    else:
        diff = diff_counts(wh, p) if p.ok else {"new": 0, "updated": 0, "unchanged": 0}
        rejected = p.rows_rejected
        diff = {**diff, "out_of_scope": p.out_of_scope, "outside_validity": p.outside_validity}
    ins.counts = {**diff, "rejected": rejected}
    ins.version = wh.data_version()


def refresh_counts(wh: Warehouse, ins: Inspection) -> Inspection:
    """Recompute new/updated/unchanged when the warehouse changed since the inspection (another file loaded)."""
    if ins.prepared is not None and not ins.refusal and ins.version != wh.data_version():
        _counts(wh, ins)
    return ins


def inspect(wh: Warehouse, data: bytes, file_name: str, *, scope: Scope | None = None,
            mapping: dict[str, str] | None = None, kind: str | None = None, profile_name: str | None = None,
            user: str | None = None, signature: str | None = None, form06_unit: str | None = None,
            form06_period: tuple[dt.date, dt.date] | None = None) -> Inspection:
    """Read, map and validate one file and count it against the warehouse, writing nothing
    (except the named profile when ``mapping`` and ``profile_name`` are given). The file is read once."""
    ins = Inspection(file_name)
    try:
        raw = read_file(data, file_name)
    except FileRefused as refused:
        ins.refusal = refused.reason  # not readable at all: the refusal says why
        return ins
    found = formats.detect(raw, mapping=mapping, kind=kind)
    if found is not None and found[0] is not formats.RECORDS:  # Biểu 06 (or a later format): its own entry
        ins.kind = found[0].name
        ins.prepared = found[0].prepare(raw, found[1], wh=wh, scope=scope, unit_id=form06_unit, period=form06_period)
        _counts(wh, ins)
        return ins
    try:
        first = prepare(data, file_name, wh=wh, scope=scope, mapping=mapping, kind=kind, raw=raw,
                        detection=found[1] if found else None)
    except FileRefused as refused:
        ins.refusal = refused.reason
        ins.read_summary = describe.describe_raw(raw)
        return ins
    prepared = first
    # The signature of the header as found *without* a manual mapping (what the next upload will compute).
    ins.signature = signature or profiles.header_signature(first.source_columns)
    if mapping is not None and profile_name:
        profile = profiles.find_profile(wh, ins.signature)
        values = profile["values"] if profile else None  # value readings saved earlier stay with the new mapping
        profiles.save_profile(wh, profile_name, first.kind, ins.signature, {**first.mapping, **mapping}, user=user,
                              values=values)
        ins.profile = profile_name
        if values:
            prepared = prepare(data, file_name, wh=wh, scope=scope, mapping=mapping, kind=kind, values=values, raw=raw)
    elif mapping is None:
        profile = profiles.find_profile(wh, ins.signature)
        if profile is not None and (first.unmapped or profile["kind"] != first.kind or profile["values"]
                                    or any(first.mapping.get(k) != v for k, v in profile["mapping"].items())):
            prepared = prepare(data, file_name, wh=wh, scope=scope, mapping=profile["mapping"], kind=profile["kind"],
                               values=profile["values"], raw=raw)
            ins.profile = profile["name"]
        elif profile is not None:
            ins.profile = profile["name"]
    ins.kind, ins.prepared = prepared.kind, prepared
    if prepared.unmapped:
        _describe_columns(ins, raw, file_name)
    _counts(wh, ins)
    return ins


def save_value_readings(wh: Warehouse, ins: Inspection, data: bytes, *, profile_name: str, user: str | None = None,
                        scope: Scope | None = None, channel_map: dict[str, str] | None = None,
                        rating_scale: int | None = None) -> Inspection:
    """Save how this source's values read (channel texts → 'online' | 'direct' | 'postal' | 'other', the
    rating scale) in its source profile, with the file's column mapping, then inspect the file again.

    The next file with the same header gets the same readings without asking (like a column mapping)."""
    p = ins.prepared
    readings = p.values.to_dict()
    given = {text: channel for text, channel in (channel_map or {}).items() if channel in CHANNELS}
    readings["channel_map"] = {**readings.get("channel_map", {}), **ValueOptions.from_dict({"channel_map": given}).channel_map}
    if rating_scale:
        readings["rating_scale"] = int(rating_scale)
    values = ValueOptions.from_dict(readings).to_dict()
    profiles.save_profile(wh, profile_name or ins.profile or "", p.kind, ins.signature, p.mapping, user=user,
                          values=values)
    return inspect(wh, data, ins.file_name, scope=scope, user=user, signature=ins.signature)


def _describe_columns(ins: Inspection, raw, file_name: str) -> None:
    """Sample values per column and the rows under the header, for the manual-mapping step."""
    sheet = next((s for s in raw.sheets if s.name == ins.prepared.sheet), None)
    found = choose_sheet([sheet], file_name, kind=ins.prepared.kind) if sheet is not None else None
    if found is None:
        return
    ins.column_samples = describe.column_samples(*found)
    ins.rows_found = describe.rows_below_header(*found)


@dataclass
class LoadOutcome:
    batch_id: int | None
    status: str                 # loaded | refused
    counts: dict[str, int]
    reason: str | None = None


def load(wh: Warehouse, ins: Inspection, *, user: User | None = None,
         progress: Callable[[float, str], None] | None = None) -> LoadOutcome:
    """Load an inspected file (the same ``load_prepared`` as the CLI); audited as ``upload``."""
    if user is not None and not permissions.can(user, "upload"):
        raise PermissionError("Bạn không có quyền nạp dữ liệu.")
    name = user.name if user else None
    other = formats.by_name(ins.kind)
    if other is not None:  # Biểu 06 (or a later format): its registry entry loads it
        step = progress or (lambda f, t: None)
        step(0.2, f"Đang ghi {other.label}")
        batch_id, status, counts = other.load(wh, ins.prepared, user=name)
        step(1.0, "Đã nạp xong")
        return LoadOutcome(batch_id, status, counts)
    result = load_prepared(wh, ins.prepared, user=name, progress=progress)
    audit.record(wh, name, "upload", ins.file_name,
                 {"batch_id": result.batch_id, "kind": result.kind, "status": result.status, **result.counts,
                  "profile": ins.profile}, success=not result.refused)
    return LoadOutcome(result.batch_id, result.status, dict(result.counts), result.reason)


# -- history and undo ----------------------------------------------------------------
def batches(wh: Warehouse, user: User | None = None) -> list[dict]:
    """``etl.load.history`` (newest first) as ``user`` may see it.

    Admins and province-wide users see every batch; anyone else sees the batches they
    uploaded and those that stored rows of a unit in their scope: file names, uploaders and
    refusals of other districts' loads are theirs, not ours to show.
    """
    every = history(wh)
    if user is None or permissions.can(user, "undo_any") or user.scope.is_province:
        return every
    touching = _batches_in_scope(wh, user.scope)
    return [b for b in every if b["user"] == user.name or b["id"] in touching]


def _batches_in_scope(wh: Warehouse, scope: Scope) -> set[int]:
    where, params = where_clause(None, scope, "t")
    parts = [f"SELECT DISTINCT t.batch_id FROM {table} t WHERE {where}"
             for table in ("dossiers", "feedback", "surveys", "form06_rows")]
    return {int(r[0]) for r in wh.query(" UNION ".join(parts), params * len(parts)) if r[0] is not None}


def may_undo(user: User, batch: dict) -> bool:
    """Admins undo any active batch; analysts only their own."""
    if batch.get("status") != "loaded":
        return False
    if permissions.can(user, "undo_any"):
        return True
    return permissions.can(user, "undo_own") and batch.get("user") == user.name


def may_see_rejects(user: User, batch: dict) -> bool:
    """The rejected rows hold raw data: their uploader, admins, and province-wide analysts see them."""
    if not permissions.can(user, "see_rejects"):
        return False
    return permissions.can(user, "undo_any") or batch.get("user") == user.name or user.scope.is_province


def undo(wh: Warehouse, batch_id: int, *, user: User) -> dict:
    """Undo a batch if ``user`` may; dossier/PAKN/survey batches via ``etl.load.undo_batch``, Biểu 06 via
    ``etl.form06_reader.undo_form06``. Recorded in the batch row (undone_by) and the audit log (``undo``)."""
    batch = next((b for b in batches(wh, user) if b["id"] == int(batch_id)), None)
    if batch is None:
        raise UndoError(f"Không có lượt nạp #{batch_id}.")
    if not may_undo(user, batch):
        audit.record(wh, user.name, "undo", str(batch_id), {"reason": "not allowed"}, success=False)
        if batch.get("status") != "loaded":
            raise UndoError(f"Lượt nạp #{batch_id} không ở trạng thái đã nạp nên không hoàn tác được.")
        raise UndoError(f"Bạn chỉ được hoàn tác lượt nạp do chính mình thực hiện (lượt #{batch_id} do "
                        f"{batch.get('user') or 'người khác'} nạp).")
    try:
        if batch["kind"] == form06_reader.KIND:
            done = {"removed": form06_reader.undo_form06(wh, int(batch_id), user=user.name), "restored": 0}
        else:
            done = undo_batch(wh, int(batch_id), user=user.name)
            audit.record(wh, user.name, "undo", str(batch_id), {"kind": batch["kind"], "file": batch["file"], **done})
    except (UndoError, ValueError) as error:
        audit.record(wh, user.name, "undo", str(batch_id), {"reason": str(error)}, success=False)
        raise UndoError(str(error)) from error
    return done


# -- reject reports ----------------------------------------------------------------------
def rejects_table(rejects: pd.DataFrame) -> pd.DataFrame:
    """row number, column, value, reason — one line per problem, for the screen; the sheet first when the
    rejects come from several sheets (a workbook with one sheet per unit)."""
    if rejects is None or rejects.empty:
        return pd.DataFrame(columns=["Dòng", "Cột", "Giá trị", "Lý do"])
    table = pd.DataFrame({
        "Dòng": rejects["row_number"].astype(int).to_numpy(),
        "Cột": rejects["column_name"].fillna("").to_numpy(),
        "Giá trị": rejects["raw_value"].fillna("").to_numpy(),
        "Lý do": rejects["reason"].to_numpy(),
    })
    if "sheet" in rejects.columns and rejects["sheet"].nunique() > 1:
        table.insert(0, "Trang", rejects["sheet"].to_numpy())
    return table


def rejects_report_prepared(rejects: pd.DataFrame) -> pd.DataFrame:
    """Like ``etl.load.rejects_report`` for rejects not yet stored: original columns + 'Lỗi', index 'Dòng'."""
    if rejects is None or rejects.empty:
        return pd.DataFrame(columns=[REJECT_REPORT_ERROR_COLUMN], index=pd.Index([], name=REJECT_REPORT_ROW_COLUMN))
    grouped = (rejects.groupby(["row_number", "row_json"], sort=True)["reason"]
               .agg(lambda s: "; ".join(sorted(s))).reset_index())
    originals = [json.loads(r.row_json or "{}") for r in grouped.itertuples()]
    records = [{**o, REJECT_REPORT_ERROR_COLUMN: r.reason} for o, r in zip(originals, grouped.itertuples())]
    report = pd.DataFrame.from_records(records, index=pd.Index(grouped["row_number"].astype(int),
                                                               name=REJECT_REPORT_ROW_COLUMN))
    return report[_column_order(originals) + [REJECT_REPORT_ERROR_COLUMN]]


def _column_order(originals: list[dict]) -> list[str]:
    """The source file's column order: blank cells are absent from a row's JSON, so merge the rows' key orders."""
    order: list[str] = []
    for keys in sorted((list(o) for o in originals), key=len, reverse=True):
        for i, key in enumerate(keys):
            if key not in order:
                before = next((k for k in reversed(keys[:i]) if k in order), None)
                order.insert(order.index(before) + 1 if before else 0, key)
    return order


def batch_rejects_report(wh: Warehouse, batch_id: int) -> pd.DataFrame:
    """The rejected rows of a stored batch, as ``rejects_report_prepared`` lays them out (same as
    ``etl.load.rejects_report``, with the source column order kept)."""
    rows = wh.query_df("SELECT row_number, column_name, raw_value, reason, row_json FROM rejected_rows "
                       "WHERE batch_id = ? ORDER BY row_number", [int(batch_id)])
    return rejects_report_prepared(rows)


_ISO_CELL = re.compile(r"^(\d{4})-(\d{2})-(\d{2})(?:[ T](\d{2}):(\d{2})(?::(\d{2}))?)?$")
_DAY_FIRST_CELL = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4})(?: (\d{1,2}):(\d{2})(?::(\d{2}))?)?$")
_ORDINAL_HEADERS = {"stt", "tt", "so tt", "so thu tu"}


def _report_cell(value, column: str):
    """A reject-report cell as Excel should hold it: a date cell as a real date (ISO text from Excel
    date cells, or day-first text), the row ordinal (STT) as a number; anything else unchanged.
    A text that is not a real date ('31/02/2024') stays text so the analyst sees what was wrong."""
    if not isinstance(value, str):
        return value
    text = value.strip()
    if fold(column) in _ORDINAL_HEADERS and text.isdigit() and len(text) <= 7:
        return int(text)
    iso, day_first = _ISO_CELL.match(text), _DAY_FIRST_CELL.match(text)
    try:
        if iso:
            y, m, d, hh, mm, ss = iso.groups()
            return dt.datetime(int(y), int(m), int(d), int(hh or 0), int(mm or 0), int(ss or 0))
        if day_first:
            d, m, y, hh, mm, ss = day_first.groups()
            return dt.datetime(int(y), int(m), int(d), int(hh or 0), int(mm or 0), int(ss or 0))
    except ValueError:
        return value
    return value


def audited_rejects_xlsx(wh: Warehouse, user: User | None, report: pd.DataFrame, detail: dict) -> bytes:
    """``rejects_xlsx`` with an ``export`` row in the audit log (the rejected rows hold raw data, so their
    download is an export like any other). Pages hand this to the download button as a deferred
    callable, so the row is written when the file is actually downloaded."""
    data = rejects_xlsx(report)
    audit.record(wh, user.name if user else None, "export", detail.get("file"),
                 {"what": "rejects", "rows": int(len(report)), **detail})
    return data


def rejects_xlsx(report: pd.DataFrame, sheet: str = "Dòng bị loại") -> bytes:
    """The report as .xlsx: original columns (as text), then 'Lỗi'; the row number of the source file first.

    Written with xlsxwriter ``strings_to_formulas=False`` (and no URL/number conversion): a cell of an
    uploaded file that starts with '=' stays text, it never becomes a formula in the analyst's Excel.
    The header stays on row 1 and 'Dòng' / 'Lỗi' are ignored on re-upload, so the corrected file loads as is.
    """
    import xlsxwriter

    buffer = io.BytesIO()
    workbook = xlsxwriter.Workbook(buffer, {"in_memory": True, "strings_to_formulas": False,
                                            "strings_to_urls": False, "strings_to_numbers": False})
    ws = workbook.add_worksheet(sheet[:31])
    head = workbook.add_format({"bold": True, "bg_color": "#F2F2F2", "border": 1, "text_wrap": True, "valign": "top"})
    error = workbook.add_format({"font_color": "#9C0006", "bg_color": "#FFC7CE", "text_wrap": True, "valign": "top"})
    day = workbook.add_format({"num_format": "dd/mm/yyyy"})
    day_time = workbook.add_format({"num_format": "dd/mm/yyyy hh:mm"})
    frame = report.reset_index() if report.index.name else report
    columns = list(frame.columns)
    for j, name in enumerate(columns):
        ws.write_string(0, j, str(name), head)
        width = 60 if name == REJECT_REPORT_ERROR_COLUMN else min(40, max(10, len(str(name)) + 4))
        ws.set_column(j, j, width)
    for i, row in enumerate(frame.itertuples(index=False, name=None), start=1):
        for j, value in enumerate(row):
            if value is None or (isinstance(value, float) and pd.isna(value)):
                continue
            cell = _report_cell(value, columns[j]) if columns[j] != REJECT_REPORT_ERROR_COLUMN else value
            if isinstance(cell, dt.datetime):
                ws.write_datetime(i, j, cell, day if cell.time() == dt.time() else day_time)
            elif isinstance(cell, int) and not isinstance(cell, bool):
                ws.write_number(i, j, cell)
            else:
                ws.write_string(i, j, str(value), error if columns[j] == REJECT_REPORT_ERROR_COLUMN else None)
    ws.freeze_panes(1, 0)
    workbook.close()
    return buffer.getvalue()


# -- display helpers (no streamlit) --------------------------------------------------------
def display_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """Dates dd/mm/yyyy (with the time when it is not midnight), booleans Có/Không: the preview as parsed."""
    out = frame.copy()
    for column in out.columns:
        series = out[column]
        if pd.api.types.is_datetime64_any_dtype(series):
            has_time = bool((series.dropna().dt.normalize() != series.dropna()).any())
            fmt = "%d/%m/%Y %H:%M" if has_time else "%d/%m/%Y"
            out[column] = series.dt.strftime(fmt).fillna("")
        elif pd.api.types.is_bool_dtype(series) or (series.dtype == object and series.dropna().map(type).eq(bool).all()
                                                    and series.notna().any()):
            out[column] = series.map(lambda v: "" if v is None or v is pd.NA else ("Có" if v else "Không"))
        elif series.dtype == object and len(series.dropna()) and isinstance(series.dropna().iloc[0], (dt.date, dt.datetime)):
            out[column] = series.map(lambda v: "" if v is None else f"{v:%d/%m/%Y}")
        elif series.dtype == object or pd.api.types.is_string_dtype(series):
            out[column] = series.map(lambda v: "" if _missing(v) else v)  # an empty cell, never 'None'
    return out


def _missing(value) -> bool:
    try:
        return value is None or bool(pd.isna(value))
    except (TypeError, ValueError):
        return False

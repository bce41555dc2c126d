"""Stage 4 — load, and the public ETL API the upload page and the CLI call.

    prepared = prepare(path_or_bytes, "thang1.xlsx", wh=wh, scope=scope)   # read, map, validate; no write
    diff_counts(wh, prepared)                     # {'new': …, 'updated': …, 'unchanged': …}
    result = load_prepared(wh, prepared, user="an")                         # one transaction
    load_file(wh, path)                           # both steps; a refused file gives status 'refused'
    history(wh); undo_batch(wh, batch_id); rejects_report(wh, batch_id)

One file is one ``wh.write()`` transaction (dlt's "merge"): records are keyed
by code; a code already stored with different values is copied to the
``*_replaced`` table (replaced_by = this batch) and replaced; identical rows
are counted unchanged and left alone, so loading a file twice changes nothing.
The batch row, the rejected rows and new units commit with the data or not at all.
"""
from __future__ import annotations

import datetime as dt
import json
import os
import sys
import time
from dataclasses import dataclass, field as dc_field
from typing import Callable

import numpy as np
import pandas as pd
import pyarrow as pa

from etl import dedupe, formats
from etl.headers import FIELDS, KIND_LABELS, expected_headers
from etl.read import FileRefused, RawFile, read_file
from etl.validate import UnitBook, body_rows, source_rows_json, validate
from etl.values import ValueOptions
from kpi import config
from kpi.warehouse import schema
from kpi.warehouse.db import Warehouse
from kpi.measures import precount, quality_counts
from kpi.measures.filters import Scope, where_clause

__all__ = ["FileRefused", "UndoError", "Prepared", "BatchResult", "prepare", "diff_counts", "load_prepared",
           "load_file", "history", "undo_batch", "rejects_report"]

TEST_SLEEP_ENV = "TTHC_TEST_SLEEP_IN_LOAD"
IN_TRANSACTION_MARK = "TTHC_TEST: inside load transaction"


@dataclass(frozen=True)
class Target:
    table: str
    replaced: str
    columns: tuple[str, ...]  # column definitions from kpi.warehouse.schema

    @property
    def names(self) -> list[str]:
        return [c.split()[0] for c in self.columns]

    @property
    def data_names(self) -> list[str]:
        return [n for n in self.names if n != "batch_id"]

    def type_of(self, name: str) -> str:
        return next(c.split()[1] for c in self.columns if c.split()[0] == name)


TARGETS = {
    "dossiers": Target("dossiers", "dossiers_replaced", schema.DOSSIER_COLUMNS),
    "feedback": Target("feedback", "feedback_replaced", schema.FEEDBACK_COLUMNS),
    "survey": Target("surveys", "surveys_replaced", schema.SURVEY_COLUMNS),
}
COUNT_KEYS = ("rows_read", "rows_loaded", "rows_rejected", "new", "updated", "unchanged", "duplicates")


def _scalar(con, sql: str, params: list | None = None) -> int:
    """The first value of a statement's result, fully fetched (DuckDB refuses new work on an unfinished result)."""
    return int(con.execute(sql, params or []).fetchall()[0][0])


class UndoError(Exception):
    """An undo that cannot be done; the message (Vietnamese) says why and what to do."""


@dataclass
class Prepared:
    """A file read, mapped and validated, not yet written. Hand it to ``load_prepared``."""

    file_name: str
    sha256: str
    kind: str
    sheet: str
    header_row: int
    mapping: dict[str, str]          # canonical field → source header text
    unmapped: list[str]              # required canonical fields with no column (then nothing can load)
    source_columns: list[str]        # every header text of the sheet, for a manual mapping
    rows_read: int = 0
    data: pd.DataFrame = dc_field(default_factory=pd.DataFrame)     # valid, normalized rows
    rejects: pd.DataFrame = dc_field(default_factory=pd.DataFrame)  # sheet,row_number,column_name,raw_value,reason,row_json
    duplicates: int = 0
    new_units: pd.DataFrame = dc_field(default_factory=pd.DataFrame)
    verdicts: list = dc_field(default_factory=list)  # etl.headers.Verdict per source column (what each became)
    absent: list[str] = dc_field(default_factory=list)  # optional fields the file has no column for
    out_of_scope: int = 0            # rows of units outside the uploader's scope, skipped (not rejects)
    outside_validity: int = 0        # valid rows dated outside their unit's validity in the registry
    values: ValueOptions = dc_field(default_factory=ValueOptions)   # the source's channel map and rating scale
    unknown_channels: dict[str, int] = dc_field(default_factory=dict)  # channel text → rows, loaded as 'other'
    unknown_scale_rows: int = 0      # rows rejected for a bare rating number on an unknown scale
    sheets: list[dict] = dc_field(default_factory=list)       # data sheets loaded: sheet, header_row, rows
    skipped_sheets: list[str] = dc_field(default_factory=list)  # sheets that are not data (cover, instructions, summary)

    @property
    def ok(self) -> bool:
        return not self.unmapped

    @property
    def rows_rejected(self) -> int:
        """Rows not loaded because of an error (a dropped duplicate is counted in ``duplicates`` instead)."""
        if not len(self.rejects):
            return 0
        return int(self.rejects[["sheet", "row_number"]].drop_duplicates().shape[0]) - self.duplicates

    @property
    def sheet_summary(self) -> str:
        """The data sheets, as the batch records them: 'Dữ liệu' or 'Sở A, Sở B, … (12 trang)'."""
        names = [s["sheet"] for s in self.sheets] or [self.sheet]
        return ", ".join(names) if len(names) <= 3 else f"{', '.join(names[:2])}, … ({len(names)} trang)"

    @property
    def refusal(self) -> str | None:
        """Why the file cannot load as mapped (a required column is missing), or None."""
        if not self.unmapped:
            return None
        near = {v.note[5:]: v.label for v in self.verdicts if v.field is None and v.note.startswith("near:")}
        parts = [f"«{FIELDS[self.kind][n].label}» (tiêu đề mong đợi: {expected_headers(self.kind, n)}"
                 + (f"; cột «{near[n]}» gần giống nhưng chưa đủ chắc" if n in near else "") + ")" for n in self.unmapped]
        return (f"Thiếu cột bắt buộc của tệp {KIND_LABELS[self.kind]}: {'; '.join(parts)}. "
                "Hãy thêm cột hoặc sửa tiêu đề cho đúng (hoặc chọn cột tương ứng khi tải lên) rồi nạp lại.")

    def preview(self, n: int = 20, *, labels: bool = True) -> pd.DataFrame:
        """The first ``n`` valid rows as they will be stored (Vietnamese column names unless labels=False)."""
        head = self.data.head(n)
        if not labels:
            return head
        names = {k: spec.label for k, spec in FIELDS[self.kind].items()}
        names.update({"unit_id": "Mã đơn vị", "level": "Cấp", "unit_name": "Đơn vị"})
        return head.rename(columns=names)


@dataclass
class BatchResult:
    """What a load did: its batch, counts (rows_read/loaded/rejected, new/updated/unchanged, duplicates)."""

    batch_id: int | None
    file_name: str
    kind: str | None
    status: str                       # 'loaded' or 'refused'
    counts: dict[str, int] = dc_field(default_factory=lambda: dict.fromkeys(COUNT_KEYS, 0))
    reason: str | None = None         # why it was refused (Vietnamese)
    sheet: str | None = None
    header_row: int | None = None
    verdicts: list = dc_field(default_factory=list)  # etl.headers.Verdict per source column
    absent: list[str] = dc_field(default_factory=list)  # optional fields the file has no column for
    unknown_channels: dict[str, int] = dc_field(default_factory=dict)  # loaded as channel 'other'
    sheets: list[dict] = dc_field(default_factory=list)        # data sheets: sheet, header_row, rows
    skipped_sheets: list[str] = dc_field(default_factory=list)

    @property
    def refused(self) -> bool:
        return self.status == "refused"


# -- prepare ------------------------------------------------------------

def prepare(source: str | os.PathLike | bytes, file_name: str | None = None, *, wh: Warehouse | None = None,
            mapping: dict[str, str] | None = None, scope: Scope | None = None, kind: str | None = None,
            values: ValueOptions | dict | None = None, raw: RawFile | None = None, detection=None) -> Prepared:
    """Read, map and validate a file without writing anything.

    ``source`` is a path or the file's bytes. ``mapping`` overrides the automatic
    header mapping ({canonical field: source header text}); ``kind`` forces the
    file kind ('dossiers' | 'feedback' | 'survey'). Pass ``wh`` so unit names
    match the warehouse's units and aliases, and ``scope`` to reject rows of
    units the uploader may not load. ``values`` are the source's own value readings
    (``ValueOptions`` or its dict form from a source profile); ``raw`` an already read file
    (then ``source`` is not read again), ``detection`` its sheets as ``etl.formats`` found them.
    Every sheet whose header is of the same kind loads (one per unit or month); codes
    repeated across the file are settled by ``etl.dedupe``. Raises ``FileRefused`` for a file
    that cannot be read at all; a missing required column is reported in
    ``Prepared.unmapped`` / ``Prepared.refusal`` so a page can offer a manual mapping.
    """
    raw = raw or read_file(source, file_name)
    values = values if isinstance(values, ValueOptions) else ValueOptions.from_dict(values)
    found = _locate(raw, mapping, kind, detection)
    sheet, header = found.sheets[0]
    prepared = Prepared(raw.file_name, raw.sha256, header.kind, sheet.name, header.header_row,
                        header.source_mapping(), list(header.missing), [c.label for c in header.columns if c.label])
    prepared.skipped_sheets = list(found.skipped)
    prepared.verdicts, prepared.absent = list(header.verdicts), header.absent
    if not prepared.ok:
        return prepared
    _check_rows(raw.file_name, found.sheets)
    units = UnitBook()
    if wh is not None:
        with wh.read() as con:
            units = UnitBook.from_connection(con)
    checked = [validate(s.cells, h, sheet=s.name, units=units, scope=scope, values=values) for s, h in found.sheets]
    foreign = _foreign_codes(wh, header.kind, _concat([c.data for c in checked]), scope)
    if foreign:  # rare: validate again so those rows are rejected like any other, with their source row
        checked = [validate(s.cells, h, sheet=s.name, units=units, scope=scope, foreign_codes=foreign, values=values)
                   for s, h in found.sheets]
    if sum(c.rows_read for c in checked) == 0:
        raise FileRefused(raw.file_name, "Tệp không có dòng dữ liệu nào dưới dòng tiêu đề. "
                                         "Hãy kiểm tra lại trang tính hoặc xuất lại dữ liệu.")
    _combine(prepared, found.sheets, checked)
    prepared.values = values
    return prepared


def _concat(frames: list[pd.DataFrame]) -> pd.DataFrame:
    """One frame (no copy for the usual single sheet)."""
    frames = [f for f in frames if len(f)] or frames[:1]
    return frames[0] if len(frames) == 1 else pd.concat(frames, ignore_index=True)


def _combine(prepared: Prepared, sheets, checked) -> None:
    """The sheets' valid rows as one table with one row per code (``etl.dedupe``), and the rejects."""
    data = _concat([c.data for c in checked])
    places = pd.DataFrame({"sheet": np.repeat([s.name for s, _ in sheets], [len(c.data) for c in checked]),
                           "index": np.repeat(np.arange(len(sheets)), [len(c.data) for c in checked]),
                           "row": np.concatenate([c.row_numbers for c in checked])})
    winner = dedupe.choose_rows(data, prepared.kind)
    kept = winner == np.arange(len(data))
    dropped = np.flatnonzero(~kept)
    rejects = [c.rejects for c in checked if len(c.rejects)]
    outside = np.concatenate([c.outside_rows for c in checked])
    if len(dropped):
        rejects.append(_duplicate_rejects(data, places, winner, dropped, sheets))
        data = data.iloc[np.flatnonzero(kept)].reset_index(drop=True)
    prepared.out_of_scope = sum(c.out_of_scope for c in checked)
    prepared.outside_validity = int(outside[kept].sum()) if len(outside) == len(kept) else \
        sum(c.outside_validity for c in checked)
    prepared.data = data
    prepared.rejects = pd.concat(rejects, ignore_index=True) if rejects else checked[0].rejects
    prepared.rows_read = sum(c.rows_read for c in checked)
    prepared.duplicates = len(dropped)
    units = [c.new_units for c in checked if len(c.new_units)]
    prepared.new_units = pd.concat(units).drop_duplicates("unit_id") if len(units) > 1 else \
        (units[0] if units else checked[0].new_units)
    channels: dict[str, int] = {}
    for c in checked:
        for text, n in c.unknown_channels.items():
            channels[text] = channels.get(text, 0) + n
    prepared.unknown_channels = dict(sorted(channels.items(), key=lambda kv: (-kv[1], kv[0])))
    prepared.unknown_scale_rows = sum(c.unknown_scale for c in checked)
    prepared.sheets = [{"sheet": s.name, "header_row": h.header_row, "rows": c.rows_read}
                       for (s, h), c in zip(sheets, checked)]


def _duplicate_rejects(data, places, winner, dropped, sheets) -> pd.DataFrame:
    """One reject entry per dropped duplicate: which row was kept instead, with the dropped row as it was."""
    label = FIELDS[sheets[0][1].kind]["code"].label
    several = len(sheets) > 1
    kept = places.iloc[winner[dropped]]
    reasons = [f"Trùng {label} «{code}» trong tệp: giữ dòng {row}" + (f" (trang «{sheet}»)" if several else "")
               + " (trạng thái hoàn thành / mới nhất / đầy đủ hơn, theo quy tắc chọn bản ghi trùng), bỏ dòng này."
               for code, row, sheet in zip(data["code"].to_numpy()[dropped], kept["row"], kept["sheet"])]
    lost = places.iloc[dropped]
    as_json = np.empty(len(dropped), dtype=object)
    for index, (sheet, header) in enumerate(sheets):
        mine = (lost["index"] == index).to_numpy(bool)
        if mine.any():
            as_json[mine] = source_rows_json(sheet.cells, header, lost["row"].to_numpy()[mine])
    return pd.DataFrame({"sheet": lost["sheet"].to_numpy(), "row_number": lost["row"].to_numpy(),
                         "column_name": label, "raw_value": data["code"].to_numpy()[dropped], "reason": reasons,
                         "row_json": as_json})


def _foreign_codes(wh: Warehouse | None, kind: str, data: pd.DataFrame, scope: Scope | None) -> frozenset[str]:
    """Codes of ``data`` the warehouse already holds for a unit outside ``scope`` (loads replace by code)."""
    if wh is None or scope is None or scope.is_province or data.empty or kind not in TARGETS:
        return frozenset()
    where, params = where_clause(None, scope, "t")
    with wh.read() as con:
        rows = con.execute(f"SELECT DISTINCT t.code FROM {TARGETS[kind].table} t "
                           f"WHERE t.code IN (SELECT unnest(?::VARCHAR[])) AND NOT ({where})",
                           [list(data["code"].dropna().astype(str).unique()), *params]).fetchall()
    return frozenset(r[0] for r in rows)


def _locate(raw: RawFile, mapping, kind, detection=None):
    if detection is not None:
        return detection
    if all(sheet.cells.isna().all().all() for sheet in raw.sheets):
        raise FileRefused(raw.file_name, "Tệp rỗng (không có ô dữ liệu nào). Hãy xuất lại dữ liệu từ phần mềm rồi nạp lại.")
    found = formats.record_sheets(raw, mapping=mapping, kind=kind)
    if found is None:
        raise FileRefused(raw.file_name, "Không tìm thấy dòng tiêu đề (ví dụ 'Mã hồ sơ', 'Ngày tiếp nhận') trong 20 dòng "
                                         "đầu của các trang tính. Hãy để dòng tiêu đề của bảng dữ liệu ở đầu trang rồi nạp lại.")
    return found


def _check_rows(name: str, sheets) -> None:
    """The file's data rows over all its data sheets stay within ``max_rows``."""
    limit = int(config.get("max_rows"))
    if sum(len(cells.cells) - header.data_start for cells, header in sheets) > limit and \
            sum(len(body_rows(sheet.cells, header)) for sheet, header in sheets) > limit:
        raise FileRefused(name, f"Tệp có hơn {limit:,} dòng dữ liệu. Hãy chia thành nhiều tệp (ví dụ theo tháng) rồi nạp từng tệp."
                          .replace(",", "."))


# -- merge ----------------------------------------------------------------

def _stage(con, prepared: Prepared) -> Target:
    """The prepared rows as temp table ``incoming`` with the target's column types."""
    target = TARGETS[prepared.kind]
    frame = prepared.data
    casts = []
    for name in target.data_names:
        expr = f'"{name}"' if name in frame.columns else "NULL"
        casts.append(f'CAST({expr} AS {target.type_of(name)}) AS "{name}"')
    # Arrow, not pandas: DuckDB scans an Arrow table without converting strings one by one
    con.register("prepared_rows", pa.Table.from_pandas(frame, preserve_index=False))
    try:
        con.execute("DROP TABLE IF EXISTS incoming")
        con.execute(f"CREATE TEMP TABLE incoming AS SELECT {', '.join(casts)} FROM prepared_rows")
    finally:
        con.unregister("prepared_rows")
    same = " AND ".join(f'i."{n}" IS NOT DISTINCT FROM t."{n}"' for n in target.data_names if n != "code")
    con.execute("DROP TABLE IF EXISTS changes")
    con.execute(f"""
        CREATE TEMP TABLE changes AS
        SELECT i.code, CASE WHEN t.code IS NULL THEN 'new' WHEN {same} THEN 'unchanged' ELSE 'updated' END AS change
        FROM incoming i LEFT JOIN {target.table} t ON t.code = i.code
    """)
    return target


def _change_counts(con) -> dict[str, int]:
    counts = dict(con.execute("SELECT change, count(DISTINCT code) FROM changes GROUP BY change").fetchall())
    return {key: int(counts.get(key, 0)) for key in ("new", "updated", "unchanged")}


def diff_counts(wh: Warehouse, prepared: Prepared) -> dict[str, int]:
    """How many of the prepared rows would be new, updated or unchanged, without writing."""
    if not prepared.ok or prepared.data.empty:
        return {"new": 0, "updated": 0, "unchanged": 0}
    with wh.read() as con:
        _stage(con, prepared)
        return _change_counts(con)


def _merge(con, prepared: Prepared, batch_id: int) -> dict[str, int]:
    """Delete-insert by code: keep the old version of each updated record in *_replaced."""
    target = _stage(con, prepared)
    counts = _change_counts(con)
    cols = ", ".join(f'"{n}"' for n in target.names)
    data_cols = ", ".join(f'"{n}"' for n in target.data_names)
    updated = "SELECT code FROM changes WHERE change = 'updated'"
    con.execute(f"INSERT INTO {target.replaced} (replaced_by, {cols}) SELECT ?, {cols} FROM {target.table} "
                f"WHERE code IN ({updated})", [batch_id])
    con.execute(f"DELETE FROM {target.table} WHERE code IN ({updated})")
    # with nothing unchanged (a first load) every incoming row is written: no semi-join on 200 000 codes
    written = "" if not counts["unchanged"] else "WHERE code IN (SELECT code FROM changes WHERE change <> 'unchanged')"
    con.execute(f"INSERT INTO {target.table} ({data_cols}, batch_id) SELECT {data_cols}, ? FROM incoming {written}",
                [batch_id])
    if target.table == "dossiers":  # the pre-aggregated counts change in the same transaction
        precount.apply_change(con, precount.batch_change(batch_id, undo=False))
        quality_counts.apply_change(con, batch_id, undo=False)
    return counts


def _add_units(con, new_units: pd.DataFrame, batch_id: int) -> None:
    """Units first seen in this file; recorded in batch_units so an undo can remove them again."""
    if new_units is None or new_units.empty:
        return
    con.register("file_units", new_units)
    try:
        con.execute("""
            CREATE TEMP TABLE added_units AS
            SELECT DISTINCT ON (unit_id) unit_id, name, name_key, level FROM file_units
            WHERE unit_id NOT IN (SELECT unit_id FROM units)
        """)
    finally:
        con.unregister("file_units")
    con.execute("INSERT INTO units (unit_id, name, name_key, level) SELECT unit_id, name, name_key, level FROM added_units")
    con.execute("INSERT INTO batch_units SELECT ?, unit_id FROM added_units", [batch_id])


def _add_rejects(con, rejects: pd.DataFrame, batch_id: int) -> None:
    if rejects is None or rejects.empty:
        return
    con.register("file_rejects", rejects)
    try:
        con.execute("""INSERT INTO rejected_rows (batch_id, sheet, row_number, column_name, raw_value, reason, row_json)
                       SELECT ?, sheet, row_number, column_name, raw_value, reason, row_json FROM file_rejects""", [batch_id])
    finally:
        con.unregister("file_rejects")


def _test_pause() -> None:
    """Test hook: stay inside the transaction so a test can SIGKILL the process there."""
    seconds = os.environ.get(TEST_SLEEP_ENV)
    if seconds:
        print(IN_TRANSACTION_MARK, file=sys.stderr, flush=True)
        time.sleep(float(seconds))


def load_prepared(wh: Warehouse, prepared: Prepared, *, user: str | None = None,
                  progress: Callable[[float, str], None] | None = None) -> BatchResult:
    """Write a prepared file in one transaction; returns its batch. Never raises for a refusal:
    a file missing a required column records a 'refused' batch and returns status 'refused'."""
    if not prepared.ok:
        return record_refusal(wh, prepared.file_name, prepared.refusal, sha256=prepared.sha256, kind=prepared.kind)
    step = progress or (lambda fraction, text: None)
    started = dt.datetime.now()
    with wh.write() as con:
        batch_id = _scalar(con, "SELECT nextval('batch_seq')")
        step(0.1, "Đang ghi danh mục đơn vị")
        _add_units(con, prepared.new_units, batch_id)
        step(0.3, "Đang so sánh với dữ liệu đã có và ghi")
        changes = _merge(con, prepared, batch_id)
        step(0.8, "Đang ghi các dòng bị loại")
        _add_rejects(con, prepared.rejects, batch_id)
        counts = {"rows_read": prepared.rows_read, "rows_loaded": sum(changes.values()),
                  "rows_rejected": prepared.rows_rejected, **changes, "duplicates": prepared.duplicates,
                  "out_of_scope": prepared.out_of_scope, "outside_validity": prepared.outside_validity}
        con.execute(
            """INSERT INTO load_batches (batch_id, file_name, sha256, kind, sheet, header_row, rows_read, rows_loaded,
                 rows_rejected, rows_new, rows_updated, rows_unchanged, duplicates, started_at, finished_at, status, user_name,
                 missing_columns, column_map)
               VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'loaded', ?, ?, ?)""",
            [batch_id, prepared.file_name, prepared.sha256, prepared.kind, prepared.sheet_summary, prepared.header_row,
             *(counts[k] for k in COUNT_KEYS), started, dt.datetime.now(), user,
             ",".join(prepared.absent), json.dumps(prepared.mapping, ensure_ascii=False)])
        _test_pause()
    step(1.0, "Đã nạp xong")
    return BatchResult(batch_id, prepared.file_name, prepared.kind, "loaded", counts,
                       sheet=prepared.sheet, header_row=prepared.header_row, verdicts=prepared.verdicts,
                       absent=prepared.absent, unknown_channels=dict(prepared.unknown_channels),
                       sheets=list(prepared.sheets), skipped_sheets=list(prepared.skipped_sheets))


def record_refusal(wh: Warehouse, file_name: str, reason: str, *, sha256: str | None = None,
                   kind: str | None = None) -> BatchResult:
    """A refused file leaves one 'refused' batch row (its own small transaction) and nothing else."""
    now = dt.datetime.now()
    with wh.write() as con:
        batch_id = _scalar(con, "SELECT nextval('batch_seq')")
        con.execute("""INSERT INTO load_batches (batch_id, file_name, sha256, kind, started_at, finished_at, status, message)
                       VALUES (?, ?, ?, ?, ?, ?, 'refused', ?)""", [batch_id, file_name, sha256, kind, now, now, reason])
    return BatchResult(batch_id, file_name, kind, "refused", reason=reason)


def load_file(wh: Warehouse, path: str | os.PathLike, *, user: str | None = None,
              scope: Scope | None = None) -> BatchResult:
    """Read once, tell the format (``etl.formats``), prepare and load; a refused file returns status
    'refused' with its reason. Records go through ``prepare`` + ``load_prepared``; any other format
    through its own entry (Biểu 06: ``etl.form06_reader``)."""
    try:
        raw = read_file(path)
        found = formats.detect(raw)
        if found is not None and found[0] is not formats.RECORDS:
            return _load_other(wh, raw, *found, user=user, scope=scope)
        prepared = prepare(path, wh=wh, scope=scope, raw=raw, detection=found[1] if found else None)
    except FileRefused as refused:
        return record_refusal(wh, refused.file_name, refused.reason)
    return load_prepared(wh, prepared, user=user)


def _load_other(wh: Warehouse, raw: RawFile, fmt, detection, *, user, scope) -> BatchResult:
    """A file of a non-record format (Biểu 06), with what its title block says (unit, period)."""
    prepared = fmt.prepare(raw, detection, wh=wh, scope=scope)
    if not prepared.ready:
        return record_refusal(wh, raw.file_name, " ".join(prepared.problems), sha256=raw.sha256, kind=fmt.name)
    batch_id, status, counts = fmt.load(wh, prepared, user=user)
    return BatchResult(batch_id, raw.file_name, fmt.name, status, {**counts, "duplicates": 0}, sheet=prepared.sheet,
                       header_row=prepared.header_row)


# -- history, undo, reports ---------------------------------------------------

def _iso(value) -> str | None:
    return value.isoformat(timespec="seconds") if value is not None else None


def history(wh: Warehouse) -> list[dict]:
    """Every batch, newest first: id, file, kind, counts, status, loaded_at (ISO), user, message, undo info."""
    rows = wh.query_df("SELECT * FROM load_batches ORDER BY batch_id DESC")
    out = []
    for r in rows.to_dict("records"):
        r = {k: (None if v is pd.NaT or (isinstance(v, float) and pd.isna(v)) else v) for k, v in r.items()}
        out.append({
            "id": int(r["batch_id"]), "file": r["file_name"], "kind": r["kind"], "sheet": r["sheet"],
            "header_row": None if r["header_row"] is None else int(r["header_row"]),
            **{k: int(r[k] or 0) for k in ("rows_read", "rows_loaded", "rows_rejected", "rows_new", "rows_updated",
                                          "rows_unchanged", "duplicates")},
            "status": r["status"], "loaded_at": _iso(r["finished_at"] or r["started_at"]),
            "started_at": _iso(r["started_at"]), "user": r["user_name"], "message": r["message"],
            "undone_at": _iso(r["undone_at"]), "undone_by": r["undone_by"], "sha256": r["sha256"],
            "missing_columns": [n for n in (r.get("missing_columns") or "").split(",") if n],
        })
    return out


def undo_batch(wh: Warehouse, batch_id: int, *, user: str | None = None) -> dict[str, int]:
    """Restore every record the batch touched to its state before the batch, in one transaction.

    Rows the batch wrote are deleted, the versions it replaced come back from
    *_replaced, units it created are removed. Refused when the batch does not
    exist, is not an active load, or a later active batch has since replaced
    some of its records (that one must be undone first). Returns counts of rows
    removed and restored. A later batch that found a record of this one
    unchanged did not rewrite it, so it does not block the undo; the record goes
    with this batch.
    """
    with wh.write() as con:
        row = next(iter(con.execute("SELECT status FROM load_batches WHERE batch_id = ?", [batch_id]).fetchall()), None)
        if row is None:
            raise UndoError(f"Không có lượt nạp #{batch_id}. Hãy xem danh sách bằng: python -m etl history")
        if row[0] == "undone":
            raise UndoError(f"Lượt nạp #{batch_id} đã được hoàn tác trước đó.")
        if row[0] != "loaded":
            raise UndoError(f"Lượt nạp #{batch_id} bị từ chối (không nạp dòng nào) nên không có gì để hoàn tác.")
        later = []
        for target in TARGETS.values():
            later += [r[0] for r in con.execute(
                f"""SELECT DISTINCT r.replaced_by FROM {target.replaced} r JOIN load_batches b ON b.batch_id = r.replaced_by
                    WHERE r.batch_id = ? AND b.status = 'loaded'""", [batch_id]).fetchall()]
        if later:
            raise UndoError(f"Lượt nạp #{max(later)} đã thay thế một số hồ sơ của lượt nạp #{batch_id}: "
                            f"hãy hoàn tác lượt nạp #{max(later)} trước.")
        removed = restored = 0
        precount.apply_change(con, precount.batch_change(batch_id, undo=True))  # before the rows go
        quality_counts.apply_change(con, batch_id, undo=True)
        for target in TARGETS.values():
            cols = ", ".join(f'"{n}"' for n in target.names)
            removed += _scalar(con, f"DELETE FROM {target.table} WHERE batch_id = ?", [batch_id])
            restored += _scalar(con, f"INSERT INTO {target.table} ({cols}) SELECT {cols} FROM {target.replaced} "
                                     "WHERE replaced_by = ?", [batch_id])
            con.execute(f"DELETE FROM {target.replaced} WHERE replaced_by = ?", [batch_id])
        con.execute("""DELETE FROM units WHERE unit_id IN (SELECT unit_id FROM batch_units WHERE batch_id = ?)
                         AND unit_id NOT IN (SELECT unit_id FROM dossiers UNION SELECT unit_id FROM feedback
                                             UNION SELECT unit_id FROM surveys UNION SELECT unit_id FROM unit_aliases)""",
                    [batch_id])
        con.execute("DELETE FROM batch_units WHERE batch_id = ?", [batch_id])
        con.execute("UPDATE load_batches SET status = 'undone', undone_at = ?, undone_by = ? WHERE batch_id = ?",
                    [dt.datetime.now(), user, batch_id])
    return {"removed": int(removed), "restored": int(restored)}


def rejects_report(wh: Warehouse, batch_id: int) -> pd.DataFrame:
    """The rejected rows of a batch with their original columns and a 'Lỗi' column (index: 'Dòng')."""
    rows = wh.query_df("""SELECT row_number, row_json, string_agg(reason, '; ' ORDER BY reason) AS reasons
                          FROM rejected_rows WHERE batch_id = ? GROUP BY row_number, row_json ORDER BY row_number""",
                       [batch_id])
    records = [{**json.loads(r.row_json or "{}"), "Lỗi": r.reasons} for r in rows.itertuples()]
    report = pd.DataFrame.from_records(records, index=pd.Index(rows["row_number"].astype(int), name="Dòng"))
    if "Lỗi" in report.columns:
        report = report[[c for c in report.columns if c != "Lỗi"] + ["Lỗi"]]
    return report

"""Stage 3 — validate: coerce whole columns at once and explain every rejected row.

Each column is parsed with vectorized pandas/Arrow operations; columns with few
distinct values (channels, ratings, yes/no, units, levels) are parsed once per
distinct value and mapped back. A problem is a boolean mask plus a Vietnamese
reason that says what to fix; a row with any problem is rejected (one
rejected_rows entry per problem) and kept as JSON so a reject report can be
rebuilt. Nothing is dropped silently except blank rows, section rows (one
cell and no code: 'I. Lĩnh vực Hộ tịch') and the footer ('Tổng cộng',
signature block) below the data.
"""
from __future__ import annotations

import json
from dataclasses import dataclass, field as dc_field

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from etl.headers import FIELDS, HeaderMatch
from etl.holidays import add_working_days
from etl.values import (BAD as _BAD, ValueOptions, map_distinct, no_deadline_mask, parse_bool, parse_bools,  # noqa: F401
                        parse_channel, parse_channels, parse_datetimes, parse_rating, parse_ratings, rating_scale_of,
                        spread)
from kpi import config
from kpi.measures.filters import Scope
from kpi.measures.levels import LEVELS, level_from_name, parse_level, unit_id_for
from kpi.text.vi import LEVEL_LABELS
from kpi.measures.units import UNKNOWN_UNIT_REASON
from kpi.text.normalize import fold, nfc

REJECT_COLUMNS = ["sheet", "row_number", "column_name", "raw_value", "reason", "row_json"]

# Cells that start a footer line: totals, signature block, place-and-date line.
_FOOTER = (
    r"(?i)^\s*(tổng cộng|tổng số|cộng\b|người lập|thủ trưởng|\(?ký,? (và )?(ghi )?rõ họ tên|ký tên|xác nhận|lãnh đạo|"
    r"giám đốc|kt\.|tm\.|.{0,40}ngày\s*\d*\s*tháng\s*\d*\s*năm)"
)

DATE_FIELDS = ("received_at", "due_at", "finished_at", "handled_at", "rated_at")
TEXT_FIELDS = ("field", "procedure", "status", "applicant", "title")


@dataclass
class Problem:
    mask: np.ndarray   # rows (positions in the body) with this problem
    field: str         # canonical field, for the column name
    reason: str        # may contain {value}
    reasons: np.ndarray | None = None  # a reason per body row instead (same {value} rule), when it names the row's unit


@dataclass
class Validated:
    data: pd.DataFrame
    rejects: pd.DataFrame
    rows_read: int
    duplicates: int
    new_units: pd.DataFrame = dc_field(default_factory=pd.DataFrame)
    unknown_channels: dict[str, int] = dc_field(default_factory=dict)  # channel text that named no channel → rows
    unknown_scale: int = 0  # rows rejected for a bare rating number on a scale nobody stated
    out_of_scope: int = 0          # rows of units outside the uploader's scope: skipped, not errors
    outside_validity: int = 0      # loaded rows dated outside their unit's validity (they roll up to the successor)
    row_numbers: np.ndarray = dc_field(default_factory=lambda: np.zeros(0, dtype=np.int64))  # sheet row of each data row
    outside_rows: np.ndarray = dc_field(default_factory=lambda: np.zeros(0, dtype=bool))  # per data row, for the count


# -- units ---------------------------------------------------------------

@dataclass
class UnitBook:
    """Known units by id, folded name and alias: key → (unit_id, level); validity ranges by id."""

    by_id: dict[str, str] = dc_field(default_factory=dict)
    by_key: dict[str, tuple[str, str]] = dc_field(default_factory=dict)
    validity: dict[str, tuple] = dc_field(default_factory=dict)  # unit_id → (valid_from, valid_to), None = open

    @classmethod
    def from_connection(cls, con) -> "UnitBook":
        book = cls()
        rows = con.execute("SELECT unit_id, name_key, level, valid_from, valid_to FROM units ORDER BY unit_id").fetchall()
        for unit_id, key, level, valid_from, valid_to in rows:
            book.by_id[unit_id] = level
            book.by_key.setdefault(key, (unit_id, level))
            if valid_from is not None or valid_to is not None:
                book.validity[unit_id] = (valid_from, valid_to)
        levels = book.by_id
        rows = con.execute(
            "SELECT a.alias_key, a.unit_id, u.level FROM unit_aliases a JOIN units u USING (unit_id)").fetchall()
        for key, unit_id, level in rows:
            book.by_key[key] = (unit_id, level or levels.get(unit_id))
        return book

    def resolve(self, name: str) -> tuple[str, str | None, bool]:
        """(unit_id, level, known) of a unit name. A known unit's level is the registry's; an unknown
        name gets a new id and the level its name states ('xã …', 'huyện …'), or None when it states none.

        The exact id wins over the folded key, so 'xã Phú Thạnh' and 'xã Phú Thanh' stay apart when both exist.
        """
        unit_id = unit_id_for(name)
        if unit_id in self.by_id:
            return unit_id, self.by_id[unit_id], True
        hit = self.by_key.get(fold(name))
        if hit:
            return hit[0], hit[1], True
        return unit_id_for(name), level_from_name(name), False


# -- column parsers ------------------------------------------------------

def clean_text(values: pd.Series) -> pd.Series:
    """NFC, single spaces, trimmed; blank → NA. Distinct values first when they repeat."""
    codes, uniques = pd.factorize(values)
    if len(uniques) * 4 < len(values):
        return spread([nfc(str(u)) or None for u in uniques], codes, values.index, "str")
    text = pa.array(values, type=pa.large_string())
    text = pc.utf8_normalize(text, "NFC")
    if pc.any(pc.match_substring_regex(text, r"\s\s|[^\S ]")).as_py():  # a scan is ~5× cheaper than the rewrite
        text = pc.replace_substring_regex(text, r"\s+", " ")
    text = pc.utf8_trim_whitespace(text)
    cleaned = pd.Series(text, index=values.index, dtype="str")
    return cleaned.where(cleaned != "", None)


def parse_level_value(value: str):
    level = parse_level(value)
    return level if level else _BAD


# -- the body of a sheet -------------------------------------------------

def body_rows(cells: pd.DataFrame, header: HeaderMatch) -> pd.DataFrame:
    """Data rows below the header: blank rows and the footer block removed, raw index kept."""
    # One filter for blank rows and footer together: both sit at the end, so it is a slice, not a copy.
    body = cells.iloc[header.data_start:]
    filled = body.notna().any(axis=1).to_numpy()
    if not filled.any():
        return keep_rows(body, filled)
    key_index = header.mapping.get("code", header.mapping.get("unit_name"))
    key = body[key_index] if key_index is not None else pd.Series(pd.NA, index=body.index, dtype="str")
    maybe = filled & (key.isna() | key.str.contains(" ", regex=False).fillna(False)).to_numpy(bool)
    footer = np.zeros(len(body), dtype=bool)
    if maybe.any():
        sub = body[maybe]
        # every cell of those few rows in one column: one regex call instead of one per column
        stacked = pd.concat([sub[column] for column in sub.columns], ignore_index=True)
        hit = stacked.str.match(_FOOTER).fillna(False).to_numpy(bool).reshape(sub.shape[1], len(sub)).any(axis=0)
        footer[np.flatnonzero(maybe)[hit]] = True
    if footer.any():
        after = np.arange(len(body)) > np.argmax(footer)
        footer |= after & key.isna().to_numpy()
    # A section row of a grouped report ("I. Lĩnh vực Hộ tịch", "Sở Tư pháp"): one cell and no code,
    # so no dossier a person could fix; rejecting it would fail a clean file. Counted on the rows
    # without a code only (few), not over every row.
    section = np.zeros(len(body), dtype=bool)
    no_key = key.isna().to_numpy()
    if no_key.any():
        section[np.flatnonzero(no_key)] = body[no_key].notna().sum(axis=1).to_numpy() == 1
    return keep_rows(body, filled & ~(footer | section))


def keep_rows(frame: pd.DataFrame, keep: np.ndarray) -> pd.DataFrame:
    """``frame[keep]``, but a slice when the kept rows are a leading block (blank rows and footer sit at
    the end): a boolean filter copies every column of 200 000 rows, a slice copies nothing."""
    if keep.all():
        return frame
    drop = np.flatnonzero(~keep)
    if drop[0] + len(drop) == len(keep):
        return frame.iloc[:drop[0]]
    return frame[keep]


def _column(body: pd.DataFrame, header: HeaderMatch, name: str) -> pd.Series:
    if name in header.mapping:
        return body[header.mapping[name]].astype("str")
    return pd.Series(pd.NA, index=body.index, dtype="str")


def _labels(header: HeaderMatch, width: int) -> list[str]:
    labels, seen = [], set()
    for j in range(width):
        text = header.columns[j].label if j < len(header.columns) else ""
        text = text or f"Cột {_letter(j)}"
        while text in seen:
            text += " (2)"
        seen.add(text)
        labels.append(text)
    return labels


def _letter(j: int) -> str:
    out = ""
    j += 1
    while j:
        j, rem = divmod(j - 1, 26)
        out = chr(65 + rem) + out
    return out


# -- validation per kind --------------------------------------------------

def validate(cells: pd.DataFrame, header: HeaderMatch, *, sheet: str, units: UnitBook | None = None,
             scope: Scope | None = None, foreign_codes: frozenset[str] = frozenset(),
             values: ValueOptions | None = None) -> Validated:
    """Normalized valid rows of ``header.kind`` and the rejects, from a raw sheet.

    ``foreign_codes``: codes the warehouse already holds for units outside ``scope``; such rows are
    rejected (a load replaces by code, so they would rewrite another unit's record).
    ``values``: the source's own readings (channel texts mapped by the analyst, the rating scale)."""
    body = body_rows(cells, header)
    units = units or UnitBook()
    col = {name: _column(body, header, name) for name in FIELDS[header.kind]}
    problems: list[Problem] = []
    out = pd.DataFrame(index=body.index)

    _codes(out, col, header, problems)
    skipped = _units(out, col, header, problems, units, scope)
    if foreign_codes:
        problems.append(Problem(out["code"].isin(foreign_codes).to_numpy(bool), "code",
                                "Mã «{value}» đã có trong kho dữ liệu của một đơn vị nằm ngoài phạm vi được phân quyền "
                                "của bạn: bạn không được ghi đè hồ sơ đó; hãy bỏ dòng này hoặc nhờ người có quyền nạp."))
    values = values or ValueOptions()
    if "due_at" in col:  # "Không quy định", "Không có ngày hẹn trả", …: no due date, not an error
        col["due_at"] = col["due_at"].mask(no_deadline_mask(col["due_at"]))
    dates = {}
    for name in DATE_FIELDS:
        if name in FIELDS[header.kind]:
            dates[name], bad = parse_datetimes(col[name])
            problems.append(Problem(bad, name, f"{FIELDS[header.kind][name].label} «{{value}}» không phải ngày hợp lệ: "
                                               "hãy sửa thành ngày có thật dạng dd/mm/yyyy (ví dụ 15/01/2024)."))
    for name in TEXT_FIELDS:
        if name in FIELDS[header.kind]:
            out[name] = clean_text(col[name])
    unknown_scale = _ratings(out, col, header, values, problems) if "rating" in col else 0
    unknown_channels: dict[str, int] = {}
    if "channel" in col:
        out["channel"], unknown_channels = parse_channels(col["channel"], values.channel_map)
    KIND_RULES[header.kind](out, col, dates, problems)

    # Rows of another unit are none of the uploader's business: skipped and counted apart, never
    # reported as errors (nor kept in rejected_rows with another unit's raw data).
    for problem in problems:
        problem.mask = problem.mask & ~skipped
    rejected = skipped.copy()
    for problem in problems:
        rejected |= problem.mask
    rejects = _reject_frame(body, header, problems, sheet)
    outside = _outside_validity(out, dates, units) & ~rejected
    data = keep_rows(out, ~rejected)
    row_numbers = data.index.to_numpy() + 1  # the raw index is the sheet row - 1
    outside_rows = np.asarray(outside, dtype=bool)[~rejected]
    data = data.reset_index(drop=True)
    new_units = _new_units(data, out.attrs.get("units"))
    # codes repeated in the file are settled over all its sheets at once (etl.dedupe, called by etl.load)
    return Validated(data, rejects, len(body), 0, new_units, unknown_channels, unknown_scale,
                     out_of_scope=int(skipped.sum()), outside_validity=int(outside_rows.sum()),
                     row_numbers=row_numbers, outside_rows=outside_rows)


def _ratings(out, col, header, values: ValueOptions, problems) -> int:
    """Rating words by meaning; bare numbers on the profile's scale, else on the scale the header states.
    Returns how many rows hold a bare number on an unknown scale."""
    label = header.label("rating") if "rating" in header.mapping else ""
    scale = values.rating_scale or rating_scale_of(label)
    out["rating"], bad, unknown_scale = parse_ratings(col["rating"], scale)
    problems.append(Problem(bad, "rating", "Mức độ hài lòng «{value}» không hiểu được: hãy dùng Rất hài lòng, Hài lòng, "
                                           "Bình thường, Không hài lòng (hoặc để trống nếu chưa đánh giá)."))
    problems.append(Problem(unknown_scale, "rating",
                            "Mức độ hài lòng «{value}» là con số nhưng không rõ thang điểm của hệ thống: hãy chọn thang "
                            "(3, 4 hoặc 5 mức) khi tải tệp lên, ghi thang ở tiêu đề cột (ví dụ «Mức độ hài lòng (1-4)») "
                            "hoặc ghi bằng chữ (Rất hài lòng, Hài lòng, Bình thường, Không hài lòng)."))
    return int(unknown_scale.sum())


def _codes(out, col, header, problems):
    code = col["code"].str.strip()
    if header.kind == "survey":
        # a survey export without a form number: a stable hash of the row's own cells identifies it
        raw = pd.DataFrame({n: col[n] for n in ("dossier_code", "unit_name", "rated_at", "rating")}).fillna("")
        hashed = "SV-" + pd.Series(pd.util.hash_pandas_object(raw, index=False).to_numpy(), index=raw.index
                                   ).map("{:016x}".format)
        code = code.fillna(hashed)
        out["dossier_code"] = col["dossier_code"].str.strip()
    out["code"] = code
    label = FIELDS[header.kind]["code"].label
    problems.append(Problem(code.isna().to_numpy(bool), "code",
                            f"Thiếu {label}: hãy điền {label} (mỗi dòng một mã) rồi nạp lại dòng này."))


def _units(out, col, header, problems, units: UnitBook, scope: Scope | None) -> np.ndarray:
    """unit_id, unit_name and level of every row; returns the mask of rows outside ``scope`` (skipped).

    The level comes from the units registry (a known unit) or from the name ('xã …', 'huyện …'),
    never from the file: a level column is a cross-check, and a row whose level contradicts the
    unit's is rejected. Only a new unit whose name states no level takes the file's level
    (else the province). The scope is checked on that level, so a file cannot move a row into a
    level or unit its uploader may not write.
    """
    names = clean_text(col["unit_name"])
    codes, uniques = pd.factorize(names)
    resolved = [units.resolve(name) for name in uniques]
    known = np.array([r[2] for r in resolved] + [True], dtype=bool)[codes]
    problems.append(Problem(names.isna().to_numpy(bool), "unit_name",
                            "Thiếu tên cơ quan/đơn vị tiếp nhận: hãy điền tên đơn vị rồi nạp lại dòng này."))
    level = spread([r[1] for r in resolved], codes, names.index, "str")
    if "level" in header.mapping:
        parsed, bad = map_distinct(col["level"], parse_level_value)
        problems.append(Problem(bad, "level", "Cấp «{value}» không hiểu được: hãy ghi Cấp tỉnh, Cấp huyện hoặc Cấp xã "
                                              "(hoặc để trống để suy ra từ tên đơn vị)."))
        given = pd.Series(parsed, index=names.index, dtype="str")
        _level_contradictions(level, given, names, problems)
        level = level.fillna(given)
    level = level.fillna("province")
    out["unit_id"] = spread([r[0] for r in resolved], codes, names.index, "str")
    out["unit_name"] = names
    out["level"] = level
    out.attrs["units"] = {name: r for name, r in zip(uniques, resolved)}
    skipped = np.zeros(len(names), dtype=bool)
    if scope is not None and not scope.is_province:
        pairs = out[["unit_id", "level"]].astype(object)
        distinct = pairs.drop_duplicates()
        distinct["ok"] = [not isinstance(u, str) or scope.allows_unit(u, lv) for u, lv in distinct.itertuples(index=False)]
        ok = pairs.merge(distinct, on=["unit_id", "level"], how="left")["ok"].to_numpy(bool)
        # A unit scope cannot place a name the registry does not know: reject it (it may be the
        # uploader's own unit spelled differently) rather than skip it as another unit's.
        unplaced = ~ok & ~known & (scope.kind == "units")
        problems.append(Problem(unplaced, "unit_name", UNKNOWN_UNIT_REASON))
        skipped = ~ok & ~unplaced
    return skipped


def _level_contradictions(level: pd.Series, given: pd.Series, names: pd.Series, problems: list) -> None:
    """Rows whose level column says another level than the registry (or the unit's name) gives."""
    clash = (level.notna() & given.notna() & (level != given)).to_numpy(bool)
    if not clash.any():
        return
    reasons = np.full(len(level), "", dtype=object)
    for position in np.flatnonzero(clash):
        unit_level = LEVEL_LABELS.get(level.iloc[position], level.iloc[position])
        reasons[position] = (f"Cấp «{{value}}» mâu thuẫn với danh mục đơn vị: «{names.iloc[position]}» là đơn vị "
                             f"{unit_level.lower()}. Hãy sửa ô Cấp thành «{unit_level}» (hoặc để trống) rồi nạp lại "
                             "dòng này; nếu danh mục ghi sai cấp, nhờ quản trị viên sửa ở trang Danh mục đơn vị.")
    problems.append(Problem(clash, "level", "", reasons))


def _outside_validity(out: pd.DataFrame, dates: dict, units: UnitBook) -> np.ndarray:
    """Rows dated (received, else rated) outside their unit's validity range in the registry."""
    when = dates.get("received_at", dates.get("rated_at"))
    flags = np.zeros(len(out), dtype=bool)
    if when is None or not units.validity:
        return flags
    days = when.dt.normalize()
    ids = out["unit_id"]
    for unit_id, (valid_from, valid_to) in units.validity.items():
        mine = (ids == unit_id).to_numpy(bool)
        if not mine.any():
            continue
        early = (days < pd.Timestamp(valid_from)).to_numpy(bool) if valid_from is not None else False
        late = (days > pd.Timestamp(valid_to)).to_numpy(bool) if valid_to is not None else False
        flags |= mine & (early | late)
    return flags


def _new_units(data: pd.DataFrame, resolved: dict | None) -> pd.DataFrame:
    """Units named in the valid rows that the warehouse does not know yet (level: most common in the file)."""
    unknown = [name for name, (_, _, known) in (resolved or {}).items() if not known]
    rows = data[data["unit_name"].isin(unknown)] if unknown else data.iloc[:0]
    if rows.empty:
        return pd.DataFrame(columns=["unit_id", "name", "name_key", "level"])
    levels = rows.groupby("unit_id")["level"].agg(lambda s: s.mode().iloc[0])
    first = rows.drop_duplicates("unit_id").set_index("unit_id")["unit_name"]
    return pd.DataFrame({"unit_id": first.index, "name": first.to_numpy(),
                         "name_key": [fold(n) for n in first.to_numpy()], "level": levels.reindex(first.index).to_numpy()})


def _order_problem(later: pd.Series, earlier: pd.Series, field: str, text: str) -> Problem:
    mask = (later.dt.normalize() < earlier.dt.normalize()).fillna(False).to_numpy(bool)
    return Problem(mask, field, text)


def _set_dates(out, dates, names):
    for name in names:
        out[name] = dates[name]
        out[name.replace("_at", "_date")] = dates[name].dt.normalize()


def _bool_columns(out, col, names, problems):
    for name, label in names:
        values, bad = parse_bools(col[name])
        out[name] = values
        problems.append(Problem(bad, name, f"{label} «{{value}}» không hiểu được: hãy ghi Có/Không (hoặc x/để trống)."))


def _dossier_rules(out, col, dates, problems):
    _bool_columns(out, col, (("digitized", "Số hóa"), ("e_result", "Kết quả điện tử"), ("apology", "Phiếu xin lỗi")),
                  problems)
    problems.append(Problem(dates["received_at"].isna().to_numpy(bool) & col["received_at"].isna().to_numpy(bool),
                            "received_at", "Thiếu ngày tiếp nhận: hãy điền ngày tiếp nhận (dd/mm/yyyy) rồi nạp lại."))
    problems.append(_order_problem(dates["finished_at"], dates["received_at"], "finished_at",
                                   "Ngày có kết quả «{value}» trước ngày tiếp nhận: hãy kiểm tra và sửa một trong hai ngày."))
    problems.append(_order_problem(dates["due_at"], dates["received_at"], "due_at",
                                   "Ngày hẹn trả «{value}» trước ngày tiếp nhận: hãy kiểm tra và sửa một trong hai ngày."))
    _set_dates(out, dates, ("received_at", "due_at", "finished_at"))


def _feedback_rules(out, col, dates, problems):
    problems.append(Problem(dates["received_at"].isna().to_numpy(bool) & col["received_at"].isna().to_numpy(bool),
                            "received_at", "Thiếu ngày tiếp nhận: hãy điền ngày tiếp nhận (dd/mm/yyyy) rồi nạp lại."))
    problems.append(_order_problem(dates["handled_at"], dates["received_at"], "handled_at",
                                   "Ngày xử lý «{value}» trước ngày tiếp nhận: hãy kiểm tra và sửa một trong hai ngày."))
    problems.append(_order_problem(dates["due_at"], dates["received_at"], "due_at",
                                   "Hạn xử lý «{value}» trước ngày tiếp nhận: hãy kiểm tra và sửa một trong hai ngày."))
    _set_dates(out, dates, ("received_at", "due_at", "handled_at"))
    # no due date in the export: received + N working days (DOMAIN §4, assumed)
    assumed = out["due_at"].isna() & out["received_at"].notna()
    out["due_assumed"] = assumed.astype("boolean")
    if assumed.any():
        days = add_working_days(out.loc[assumed, "received_date"].to_numpy("datetime64[D]"),
                                int(config.get("pakn_working_days")))
        out.loc[assumed, "due_date"] = days.astype("datetime64[us]")


def _survey_rules(out, col, dates, problems):
    problems.append(Problem(dates["rated_at"].isna().to_numpy(bool) & col["rated_at"].isna().to_numpy(bool),
                            "rated_at", "Thiếu ngày đánh giá: hãy điền ngày đánh giá (dd/mm/yyyy) rồi nạp lại."))
    problems.append(Problem(out["rating"].isna().to_numpy(bool) & col["rating"].isna().to_numpy(bool), "rating",
                            "Phiếu chưa có mức độ hài lòng: hãy điền Rất hài lòng, Hài lòng, Bình thường hoặc "
                            "Không hài lòng."))
    out["rated_date"] = dates["rated_at"].dt.normalize()


KIND_RULES = {"dossiers": _dossier_rules, "feedback": _feedback_rules, "survey": _survey_rules}


# -- rejects -------------------------------------------------------------

def _reject_frame(body: pd.DataFrame, header: HeaderMatch, problems: list[Problem], sheet: str) -> pd.DataFrame:
    """One entry per (row, problem), each with the whole original row as JSON."""
    hits = [p for p in problems if p.mask.any()]
    if not hits:
        return pd.DataFrame(columns=REJECT_COLUMNS)
    labels = _labels(header, body.shape[1])
    specs = FIELDS[header.kind]
    frames = []
    for problem in hits:
        positions = np.flatnonzero(problem.mask)
        index = header.mapping.get(problem.field)
        raw = body.iloc[positions, index] if index is not None else pd.Series([None] * len(positions))
        raw_values = [None if pd.isna(v) else str(v) for v in raw]
        frames.append(pd.DataFrame({
            "pos": positions,
            "column_name": labels[index] if index is not None else specs[problem.field].label,
            "raw_value": raw_values,
            "reason": [(problem.reason if problem.reasons is None else problem.reasons[p]).replace("{value}", v or "")
                       for p, v in zip(positions, raw_values)],
        }))
    rejects = pd.concat(frames, ignore_index=True).sort_values(["pos"], kind="stable")
    rows = body.iloc[np.unique(rejects["pos"].to_numpy())]
    as_json = {pos: _row_json(labels, values)
               for pos, values in zip(np.unique(rejects["pos"].to_numpy()), rows.itertuples(index=False, name=None))}
    rejects["row_json"] = rejects["pos"].map(as_json)
    rejects["row_number"] = body.index.to_numpy()[rejects["pos"].to_numpy()] + 1
    rejects["sheet"] = sheet
    return rejects[REJECT_COLUMNS].reset_index(drop=True)


def _row_json(labels: list[str], values) -> str:
    return json.dumps({labels[j]: v for j, v in enumerate(values) if not pd.isna(v)}, ensure_ascii=False)


def source_rows_json(cells: pd.DataFrame, header: HeaderMatch, row_numbers) -> list[str]:
    """The original rows (1-based sheet row numbers) as the JSON the rejects keep."""
    labels = _labels(header, cells.shape[1])
    rows = cells.iloc[np.asarray(row_numbers, dtype=np.int64) - 1]
    return [_row_json(labels, values) for values in rows.itertuples(index=False, name=None)]

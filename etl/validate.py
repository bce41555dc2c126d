"""Stage 3 — validate: coerce whole columns at once and explain every rejected row.

Each column is parsed with vectorized pandas/Arrow operations; columns with few
distinct values (channels, ratings, yes/no, units, levels) are parsed once per
distinct value and mapped back. A problem is a boolean mask plus a Vietnamese
reason that says what to fix; a row with any problem is rejected (one
rejected_rows entry per problem) and kept as JSON so a reject report can be
rebuilt. Nothing is dropped silently except blank rows and the footer
('Tổng cộng', signature block) below the data.
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
from kpi import config
from kpi.filters import Scope
from kpi.levels import LEVELS, level_from_name, parse_level, unit_id_for
from kpi.text_vi import LEVEL_LABELS
from kpi.units import UNKNOWN_UNIT_REASON
from kpi.text import fold, nfc

REJECT_COLUMNS = ["sheet", "row_number", "column_name", "raw_value", "reason", "row_json"]
EXCEL_EPOCH = "1899-12-30"
MIN_YEAR, MAX_YEAR = 1990, 2100

# Cells that start a footer line: totals, signature block, place-and-date line.
_FOOTER = (
    r"(?i)^\s*(tổng cộng|tổng số|cộng\b|người lập|thủ trưởng|\(?ký,? (và )?(ghi )?rõ họ tên|ký tên|xác nhận|lãnh đạo|"
    r"giám đốc|kt\.|tm\.|.{0,40}ngày\s*\d*\s*tháng\s*\d*\s*năm)"
)

TRUE_WORDS = {"co", "x", "1", "1 0", "true", "yes", "y", "v", "ok", "da", "da so hoa", "so hoa", "dat", "roi",
              "co ket qua dien tu", "co phieu", "da xin loi", "da gui"}
FALSE_WORDS = {"khong", "0", "0 0", "false", "no", "n", "k", "chua", "chua so hoa", "khong co", "khong so hoa",
               "chua xin loi"}
CHECK_MARKS = {"✓", "✔", "√", "☑", "x", "X"}
RATINGS = {"rat hai long": 4, "hai long": 3, "binh thuong": 2, "khong hai long": 1, "rat khong hai long": 1,
           "4": 4, "3": 3, "2": 2, "1": 1}
NOT_RATED = {"chua danh gia", "khong danh gia", "chua co danh gia"}
_POSTAL = ("buu chinh", "bcci", "buu dien", "postal")
_ONLINE = ("truc tuyen", "online", "dvc", "dich vu cong", "qua mang", "internet", "cong dich vu")
_DIRECT = ("truc tiep", "direct", "tai quay", "mot cua", "tai bo phan", "tai co quan")

_BAD = object()  # a value that could not be parsed

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
    out_of_scope: int = 0          # rows of units outside the uploader's scope: skipped, not errors
    outside_validity: int = 0      # loaded rows dated outside their unit's validity (they roll up to the successor)


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

def map_distinct(values: pd.Series, parse) -> tuple[np.ndarray, np.ndarray]:
    """Parse each distinct value once: (parsed values as objects, mask of unparseable cells)."""
    codes, uniques = pd.factorize(values)
    parsed = np.array([parse(u) for u in uniques] + [None], dtype=object)
    out = parsed[codes]  # code -1 (missing) picks the trailing None
    bad = np.array([p is _BAD for p in parsed], dtype=bool)[codes]
    out[bad] = None
    return out, bad


def clean_text(values: pd.Series) -> pd.Series:
    """NFC, single spaces, trimmed; blank → NA. Distinct values first when they repeat."""
    codes, uniques = pd.factorize(values)
    if len(uniques) * 4 < len(values):
        parsed = np.array([nfc(str(u)) or None for u in uniques] + [None], dtype=object)
        return pd.Series(parsed[codes], index=values.index, dtype="str")
    text = pa.array(values, type=pa.large_string())
    text = pc.utf8_trim_whitespace(pc.replace_substring_regex(pc.utf8_normalize(text, "NFC"), r"\s+", " "))
    cleaned = pd.Series(text, index=values.index, dtype="str")
    return cleaned.where(cleaned != "", None)


def parse_datetimes(values: pd.Series) -> tuple[pd.Series, np.ndarray]:
    """Day-first dates: Excel dates, Excel serials, dd/mm/yyyy[ HH:MM[:SS]], dd-mm-yyyy, dd.mm.yyyy, ISO.

    Returns (datetime64[us] with NaT, mask of cells present but impossible/unreadable).
    Never month-first: 02/03/2024 is 2 March. 31/02/2024 is unreadable, not 2 March.
    Each accepted pattern is parsed with its explicit format over the cells that have it.
    """
    text = values.str.strip()
    out = pd.Series(pd.NaT, index=values.index, dtype="datetime64[us]")
    # explicit [ T] and fullmatch rather than \s or $: with those pandas falls back to Python's re, cell by cell
    patterns = (
        (r"\d{4}-\d{1,2}-\d{1,2}([ T].*)?", lambda t: pd.to_datetime(t, format="ISO8601", errors="coerce")),
        (r"\d{1,2}[/.-]\d{1,2}[/.-]\d{4}([ T]+\d{1,2}:\d{2}(:\d{2})?)?", _day_first),
        (r"\d{1,2}:\d{2}(:\d{2})? +\d{1,2}/\d{1,2}/\d{4}", lambda t: _by_colons(t, "{time} {date}")),
        (r"\d{1,7}(\.\d+)?", _excel_serial),
    )
    for pattern, parse in patterns:
        pick = text.str.fullmatch(pattern).to_numpy(bool)
        if pick.all():  # the usual case: one format per column, no copy
            out = parse(text).astype("datetime64[us]")
        elif pick.any():
            out[pick] = parse(text[pick])
    present = text.notna().to_numpy(bool)
    years = out.dt.year
    bad = present & (out.isna() | (years < MIN_YEAR) | (years > MAX_YEAR)).to_numpy(bool)
    out[bad] = pd.NaT
    return out, bad


def _day_first(text: pd.Series) -> pd.Series:
    unified = text.str.replace(r"^(\d{1,2})[.-](\d{1,2})[.-](\d{4})", r"\1/\2/\3", regex=True)
    return _by_colons(unified, "{date} {time}")


def _excel_serial(text: pd.Series) -> pd.Series:
    days = pd.to_numeric(text).astype("float64")
    return pd.to_datetime(days, unit="D", origin=EXCEL_EPOCH).dt.round("s")


def _by_colons(text: pd.Series, layout: str) -> pd.Series:
    """to_datetime with the explicit format that matches each cell's time part (none, HH:MM, HH:MM:SS)."""
    colons = text.str.count(":").to_numpy()
    text = text.str.replace(r"[ T]+", " ", regex=True)
    out = pd.Series(pd.NaT, index=text.index, dtype="datetime64[us]")
    for n, time_format in ((0, ""), (1, "%H:%M"), (2, "%H:%M:%S")):
        pick = colons == n
        fmt = "%d/%m/%Y" if n == 0 else layout.format(date="%d/%m/%Y", time=time_format)
        if pick.all():
            return pd.to_datetime(text, format=fmt, errors="coerce").astype("datetime64[us]")
        if pick.any():
            out[pick] = pd.to_datetime(text[pick], format=fmt, errors="coerce")
    return out


def parse_bool(value: str):
    word = value.strip()
    if word in CHECK_MARKS:
        return True
    key = fold(word)
    if key in TRUE_WORDS or key.startswith("da "):
        return True
    if key in FALSE_WORDS or key.startswith("chua ") or key.startswith("khong "):
        return False
    return _BAD


def parse_bools(values: pd.Series) -> tuple[pd.Series, np.ndarray]:
    """Có/Không, x/blank, 1/0, TRUE/FALSE, Đã số hóa/Chưa. With x-marks, a blank cell means no."""
    parsed, bad = map_distinct(values, parse_bool)
    series = pd.Series(parsed, index=values.index, dtype="boolean")
    if values.str.strip().isin(CHECK_MARKS).any():
        series = series.fillna(False)
    return series, bad


def parse_rating(value: str):
    key = fold(value)
    if key in NOT_RATED:
        return None
    if key in RATINGS:
        return RATINGS[key]
    if key.endswith(" 0") and key[:-2] in RATINGS:  # 4.0 from a numeric cell
        return RATINGS[key[:-2]]
    return _BAD


def parse_channel(value: str):
    key = fold(value)
    for words, channel in ((_POSTAL, "postal"), (_ONLINE, "online"), (_DIRECT, "direct")):
        if any(word in key for word in words):
            return channel
    return _BAD


def parse_level_value(value: str):
    level = parse_level(value)
    return level if level else _BAD


# -- the body of a sheet -------------------------------------------------

def body_rows(cells: pd.DataFrame, header: HeaderMatch) -> pd.DataFrame:
    """Data rows below the header: blank rows and the footer block removed, raw index kept."""
    body = keep_rows(cells.iloc[header.data_start:], cells.iloc[header.data_start:].notna().any(axis=1).to_numpy())
    if body.empty:
        return body
    key_index = header.mapping.get("code", header.mapping.get("unit_name"))
    key = body[key_index] if key_index is not None else pd.Series(pd.NA, index=body.index, dtype="str")
    maybe = key.isna() | key.str.contains(" ", regex=False).fillna(False)
    footer = np.zeros(len(body), dtype=bool)
    if maybe.any():
        sub = body[maybe.to_numpy()]
        hit = np.zeros(len(sub), dtype=bool)
        for column in sub.columns:
            hit |= sub[column].str.match(_FOOTER).fillna(False).to_numpy(bool)
        footer[np.flatnonzero(maybe.to_numpy())[hit]] = True
    if footer.any():
        first = np.argmax(footer)
        after = np.arange(len(body)) > first
        footer |= after & key.isna().to_numpy()
    return keep_rows(body, ~footer)


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
             scope: Scope | None = None, foreign_codes: frozenset[str] = frozenset()) -> Validated:
    """Normalized valid rows of ``header.kind`` and the rejects, from a raw sheet.

    ``foreign_codes``: codes the warehouse already holds for units outside ``scope``; such rows are
    rejected (a load replaces by code, so they would rewrite another unit's record)."""
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
    dates = {}
    for name in DATE_FIELDS:
        if name in FIELDS[header.kind]:
            dates[name], bad = parse_datetimes(col[name])
            problems.append(Problem(bad, name, f"{FIELDS[header.kind][name].label} «{{value}}» không phải ngày hợp lệ: "
                                               "hãy sửa thành ngày có thật dạng dd/mm/yyyy (ví dụ 15/01/2024)."))
    for name in TEXT_FIELDS:
        if name in FIELDS[header.kind]:
            out[name] = clean_text(col[name])
    if "rating" in col:
        ratings, bad = map_distinct(col["rating"], parse_rating)
        out["rating"] = pd.array(ratings, dtype="Int8")
        problems.append(Problem(bad, "rating", "Mức độ hài lòng «{value}» không hiểu được: hãy dùng Rất hài lòng, Hài lòng, "
                                               "Bình thường, Không hài lòng (hoặc để trống nếu chưa đánh giá)."))
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
    before = len(data)
    repeated = data["code"].duplicated(keep="last").to_numpy(bool)
    outside_kept = int(outside[~rejected][~repeated].sum()) if outside.any() else 0
    data = keep_rows(data, ~repeated).reset_index(drop=True)
    new_units = _new_units(data, out.attrs.get("units"))
    return Validated(data, rejects, len(body), before - len(data), new_units,
                     out_of_scope=int(skipped.sum()), outside_validity=outside_kept)


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
    ids = np.array([r[0] for r in resolved] + [None], dtype=object)[codes]
    unit_levels = np.array([r[1] for r in resolved] + [None], dtype=object)[codes]
    known = np.array([r[2] for r in resolved] + [True], dtype=bool)[codes]
    problems.append(Problem(names.isna().to_numpy(bool), "unit_name",
                            "Thiếu tên cơ quan/đơn vị tiếp nhận: hãy điền tên đơn vị rồi nạp lại dòng này."))
    level = pd.Series(unit_levels, index=names.index, dtype="str")
    if "level" in header.mapping:
        parsed, bad = map_distinct(col["level"], parse_level_value)
        problems.append(Problem(bad, "level", "Cấp «{value}» không hiểu được: hãy ghi Cấp tỉnh, Cấp huyện hoặc Cấp xã "
                                              "(hoặc để trống để suy ra từ tên đơn vị)."))
        given = pd.Series(parsed, index=names.index, dtype="str")
        _level_contradictions(level, given, names, problems)
        level = level.fillna(given)
    level = level.fillna("province")
    out["unit_id"] = pd.Series(ids, index=names.index, dtype="str")
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
    channels, bad = map_distinct(col["channel"], parse_channel)
    out["channel"] = pd.Series(channels, index=out.index, dtype="str")
    problems.append(Problem(bad, "channel", "Hình thức nộp «{value}» không hiểu được: hãy ghi Trực tuyến, Trực tiếp "
                                            "hoặc Qua bưu chính."))
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
    as_json = {
        pos: json.dumps({labels[j]: v for j, v in enumerate(values) if not pd.isna(v)}, ensure_ascii=False)
        for pos, values in zip(np.unique(rejects["pos"].to_numpy()), rows.itertuples(index=False, name=None))
    }
    rejects["row_json"] = rejects["pos"].map(as_json)
    rejects["row_number"] = body.index.to_numpy()[rejects["pos"].to_numpy()] + 1
    rejects["sheet"] = sheet
    return rejects[REJECT_COLUMNS].reset_index(drop=True)

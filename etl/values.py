"""Cell values as Vietnamese one-stop systems and Excel write them → typed values.

Every spelling here has exactly one meaning; anything else stays a reject with its reason.

Dates and times (never month-first, DOMAIN §8):
- Excel dates (read back as ``yyyy-mm-dd hh:mm:ss[.fff]``) and serial numbers (45356.5);
- ``dd/mm/yyyy``, ``d/m/yy``, ``dd-mm-yyyy``, ``dd.mm.yyyy``, ``yyyy/mm/dd``, with or without a time
  before or after the date: ``08:30``, ``08:30:15``, ``8h30``, ``8 giờ 30``, ``8h``, with Vietnamese
  Excel's ``SA``/``CH`` (sáng/chiều = AM/PM) or ``AM``/``PM``, joined by ``,`` / ``-`` / ``lúc``;
- ISO 8601 with ``T``; an offset (``+07:00``, ``+0700``, ``Z``) is converted to Vietnam time
  (UTC+7, no daylight saving) and then dropped, so every stored time is Vietnam wall time;
- ``ngày 05 tháng 3 năm 2024`` (the administrative style).
Cells that hold only a dash or dots ("-", "—", "…") are blank.

The common layouts (one per column in a real export) are parsed with one explicit format over
the whole column; only the cells none of them fits go through the normalising path.

Yes/no flags: Có/Không, x/✓/✔/√/☑ (☐ = no), 1/0, Đã…/Chưa…, Được…/Không được…, Đúng/Sai,
True/False/Yes/No, "Đã số hóa"/"Chưa số hóa", "Có KQĐT"; a one-stop system's digitization states
"Được số hóa" and "Tái sử dụng (từ kết quả hồ sơ khác)" (reused digitized papers) are yes. A blank cell in an existing flag column is read by what
the column does elsewhere: a column that never writes "no" (only marks the yes rows, as
one-stop systems print "x" or "Đã số hóa") means *no* by a blank; a column that writes both
yes and no leaves a blank *unknown* (NULL); a column that is blank throughout is unknown.

Ratings: the four words (Rất hài lòng 4, Hài lòng 3, Bình thường 2, Không hài lòng 1; OpenCPS's
three are the same words), with or without diacritics, with a number beside them ("4 - Rất hài
lòng"). A bare number means something only on a known scale (``rating_scale`` 3, 4 or 5 from the
source profile, or the header saying "(1-4)", "thang 5", "5 mức"; "n sao" is the 5-star scale).

Channels: 'online' | 'direct' | 'postal' from what the text says (the first channel word in the
text wins: "Trực tuyến, nhận kết quả qua bưu chính" is online); a text that names none of them
is a valid dossier of channel 'other' (DOMAIN §4) and is listed so the analyst can map it
(``ValueOptions.channel_map``, saved in the source profile).

Due dates: a text that says there is no deadline ("Không quy định", "Không có thời hạn",
"Không xác định", "Không có ngày hẹn trả", "Không thời hạn", …) is no due date, not an error.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field as dc_field

import numpy as np
import pandas as pd
import pyarrow as pa

from kpi.text.normalize import fold

EXCEL_EPOCH = "1899-12-30"
MIN_YEAR, MAX_YEAR = 1990, 2100
VIETNAM_UTC_MINUTES = 7 * 60
CHANNELS = ("online", "direct", "postal", "other")

BAD = object()  # a value that could not be parsed


@dataclass
class ValueOptions:
    """Per-source readings of values that the cells alone do not settle (saved in a source profile)."""

    channel_map: dict[str, str] = dc_field(default_factory=dict)  # folded channel text → one of CHANNELS
    rating_scale: int | None = None                               # 3, 4 or 5 for bare numbers

    @classmethod
    def from_dict(cls, data: dict | None) -> "ValueOptions":
        data = data or {}
        channel_map = {fold(k): v for k, v in (data.get("channel_map") or {}).items() if v in CHANNELS}
        scale = data.get("rating_scale")
        return cls(channel_map, int(scale) if scale in (3, 4, 5, "3", "4", "5") else None)

    def to_dict(self) -> dict:
        out: dict = {}
        if self.channel_map:
            out["channel_map"] = dict(sorted(self.channel_map.items()))
        if self.rating_scale:
            out["rating_scale"] = self.rating_scale
        return out


def map_distinct(values: pd.Series, parse) -> tuple[np.ndarray, np.ndarray]:
    """Parse each distinct value once: (parsed values as objects, mask of unparseable cells)."""
    codes, uniques = pd.factorize(values)
    parsed = np.array([parse(u) for u in uniques] + [None], dtype=object)
    out = parsed[codes]  # code -1 (missing) picks the trailing None
    bad = np.array([p is BAD for p in parsed], dtype=bool)[codes]
    out[bad] = None
    return out, bad


def spread(parsed: list, codes: np.ndarray, index, dtype: str) -> pd.Series:
    """``parsed[code]`` for every row (code −1: missing) as a Series of ``dtype`` ('str', 'boolean' or 'Int8').

    Built from the few distinct values with Arrow's take or numpy indexing: a Series made from an
    object array converts one Python object per row (~10 ms per 200 000-row column).
    """
    codes = np.where(codes < 0, len(parsed), codes)
    if dtype == "str":
        return pd.Series(pa.array([*parsed, None], type=pa.large_string()).take(codes), index=index, dtype="str")
    known = np.array([p is not None for p in parsed] + [False], dtype=bool)[codes]
    if dtype == "boolean":
        flags = np.array([bool(p) if p is not None else False for p in parsed] + [False], dtype=bool)[codes]
        return pd.Series(pd.arrays.BooleanArray(flags, ~known), index=index)
    numbers = np.array([p if p is not None else 0 for p in parsed] + [0], dtype=np.int8)[codes]
    return pd.Series(pd.arrays.IntegerArray(numbers, ~known), index=index)


# -- blanks ------------------------------------------------------------------------------------

_PLACEHOLDER = r"[-–—.…_/ ]+"  # a cell of only dashes/dots: the exporter's "nothing here" (no \s: it forces Python re)


def blank_placeholders(values: pd.Series) -> pd.Series:
    """The column with dash-only / dot-only cells turned into missing values."""
    text = values.astype("str")
    placeholder = text.str.fullmatch(_PLACEHOLDER).fillna(False).to_numpy(bool)
    return text.mask(placeholder) if placeholder.any() else text


# -- due dates ---------------------------------------------------------------------------------

_NO_DEADLINE = re.compile(
    r"^(?:thu tuc )?(?:khong|chua|ko|k) (?:co )?(?:quy dinh|thoi han|xac dinh|han|ngay hen|hen|gioi han|ap dung)\b"
    r"|^vo thoi han\b|^khong thoi han\b|^khong$"
)


def says_no_deadline(value: str) -> bool:
    """'Không quy định', 'Không có thời hạn', 'Không có ngày hẹn trả', 'Thủ tục không có ngày hẹn trả', …"""
    return bool(_NO_DEADLINE.search(fold(value)))


def no_deadline_mask(values: pd.Series) -> np.ndarray:
    """Cells of a due-date column that state there is no deadline (parsed once per distinct text)."""
    text = values.astype("str")
    wordy = text.str.contains(r"[A-Za-zÀ-ỹ]", regex=True).fillna(False).to_numpy(bool)
    if not wordy.any():
        return wordy
    hits, _ = map_distinct(text[wordy], says_no_deadline)
    out = np.zeros(len(text), dtype=bool)
    out[np.flatnonzero(wordy)] = hits.astype(bool)
    return out


# -- dates and times ---------------------------------------------------------------------------

# The layouts real exports use, each parsed with its explicit format over the cells that have it.
# Explicit [ T] and fullmatch rather than \s or $: with those pandas falls back to Python's re, cell by cell.
_ISO = r"\d{4}-\d{2}-\d{2}([ T]\d{2}:\d{2}(:\d{2}(\.\d+)?)?)?"
_DMY = r"\d{1,2}[/.-]\d{1,2}[/.-]\d{4}([ T]+\d{1,2}:\d{2}(:\d{2})?)?"
_TIME_DMY = r"\d{1,2}:\d{2}(:\d{2})? +\d{1,2}/\d{1,2}/\d{4}"
_SERIAL = r"\d{1,7}(\.\d+)?"
# What the normalising path produces: d/m/yyyy or d/m/yy, then an optional H:MM[:SS].
_CANONICAL = r"\d{1,2}/\d{1,2}/(\d{4}|\d{2})( \d{1,2}:\d{2}(:\d{2})?)?"

_PM = r"(?:^| )(?:ch|pm|p\.m\.|chiều|chieu|tối|toi)(?: |$)"
_AM = r"(?:^| )(?:sa|am|a\.m\.|sáng|sang)(?: |$)"
_OFFSET = r"(\d:\d{2}(?::\d{2})?(?:\.\d+)?) ?(?:utc|gmt)?(z|[+-]\d{1,2}(?::?\d{2})?)$"


def parse_datetimes(values: pd.Series) -> tuple[pd.Series, np.ndarray]:
    """Day-first dates and times as exports write them (see the module doc).

    Returns (datetime64[us] with NaT, mask of cells present but impossible/unreadable).
    02/03/2024 is 2 March; 31/02/2024 and 03/25/2024 are unreadable, never guessed.
    """
    codes, uniques = pd.factorize(values)
    if len(uniques) * 2 < len(values):  # dates repeat (day-only cells): parse each distinct text once
        parsed, bad = _parse_datetimes(pd.Series(uniques, dtype="str"))
        known = codes >= 0  # code -1 is a blank cell
        out = np.full(len(values), np.datetime64("NaT"), dtype="datetime64[us]")
        out[known] = parsed.to_numpy("datetime64[us]")[codes[known]]
        unreadable = np.zeros(len(values), dtype=bool)
        unreadable[known] = bad[codes[known]]
        return pd.Series(out, index=values.index), unreadable
    return _parse_datetimes(values)


def _parse_datetimes(values: pd.Series) -> tuple[pd.Series, np.ndarray]:
    text = blank_placeholders(values).str.strip()
    # filled as a numpy array: a masked pandas assignment aligns indexes first, ~10× the cost
    out = np.full(len(text), np.datetime64("NaT"), dtype="datetime64[us]")
    done = np.zeros(len(text), dtype=bool)
    for pattern, parse in ((_ISO, _iso), (_DMY, _day_first), (_TIME_DMY, _time_first), (_SERIAL, _excel_serial)):
        pick = text.str.fullmatch(pattern).fillna(False).to_numpy(bool) & ~done
        if pick.all():  # the usual case: one layout per column, no copy
            out = parse(text).to_numpy("datetime64[us]", copy=True)  # writable
        elif pick.any():
            out[pick] = parse(text[pick]).to_numpy("datetime64[us]")
        done |= pick
    present = text.notna().to_numpy(bool)
    rest = present & ~done
    if rest.any():
        out[rest] = _normalised(text[rest]).to_numpy("datetime64[us]")
    years = out.astype("datetime64[Y]").astype(np.int64) + 1970  # NaT gives a huge negative year
    bad = present & (np.isnat(out) | (years < MIN_YEAR) | (years > MAX_YEAR))
    out[bad] = np.datetime64("NaT")
    return pd.Series(out, index=values.index), bad


def _iso(text: pd.Series) -> pd.Series:
    return pd.to_datetime(text, format="ISO8601", errors="coerce")


def _day_first(text: pd.Series) -> pd.Series:
    # Rewritten to year-month-day so pandas parses with its ISO fast path (~10× strptime on distinct cells).
    # The separators must agree as before ('/' twice, or '.'/'-'), so '08/01-2024' stays unreadable.
    iso = text.str.replace(r"^(\d{1,2})/(\d{1,2})/(\d{4})", r"\3-\2-\1", regex=True)
    iso = iso.str.replace(r"^(\d{1,2})[.-](\d{1,2})[.-](\d{4})", r"\3-\2-\1", regex=True)
    return _by_colons(iso, "{date} {time}", "%Y-%m-%d")


def _time_first(text: pd.Series) -> pd.Series:
    return _by_colons(text, "{time} {date}")


def _excel_serial(text: pd.Series) -> pd.Series:
    days = pd.to_numeric(text).astype("float64")
    return pd.to_datetime(days, unit="D", origin=EXCEL_EPOCH).dt.round("s")


def _by_colons(text: pd.Series, layout: str, date_format: str = "%d/%m/%Y") -> pd.Series:
    """to_datetime with the explicit format that matches each cell's time part (none, HH:MM, HH:MM:SS)."""
    colons = text.str.count(":").to_numpy()
    text = text.str.replace(r"[ T]+", " ", regex=True)
    out = pd.Series(pd.NaT, index=text.index, dtype="datetime64[us]")
    for n, time_format in ((0, ""), (1, "%H:%M"), (2, "%H:%M:%S")):
        pick = colons == n
        fmt = date_format if n == 0 else layout.format(date=date_format, time=time_format)
        if pick.all():
            return pd.to_datetime(text, format=fmt, errors="coerce").astype("datetime64[us]")
        if pick.any():
            out[pick] = pd.to_datetime(text[pick], format=fmt, errors="coerce")
    return out


def _normalised(text: pd.Series) -> pd.Series:
    """The less common spellings: rewritten to d/m/y[ H:MM[:SS]] with regexes over the column,
    parsed with explicit formats, then AM/PM and UTC offsets applied. Unreadable → NaT."""
    t = text.str.lower().str.replace(r"\s+", " ", regex=True)
    t = t.str.replace(r"ngày ?(\d{1,2}) ?tháng ?(\d{1,2}) ?năm ?(\d{4})", r"\1/\2/\3", regex=True)
    t = t.str.replace(r"(?:^| )(?:vào lúc|lúc|vào)(?: |$)", " ", regex=True)
    t = t.str.replace(r" *(?:,|;| - | – ) *", " ", regex=True)
    t = t.str.replace(r"(\d{1,2}) ?(?:h|g|giờ) ?(\d{2})(?: ?(?:phút|ph|p))?(?: |$)", r"\1:\2 ", regex=True)
    t = t.str.replace(r"(\d{1,2}) ?(?:h|giờ)(?: |$)", r"\1:00 ", regex=True)
    t = t.str.replace(r"(\d{4}-\d{1,2}-\d{1,2})t", r"\1 ", regex=True)
    pm = t.str.contains(_PM, regex=True).fillna(False).to_numpy(bool)
    am = t.str.contains(_AM, regex=True).fillna(False).to_numpy(bool)
    t = t.str.replace(_PM, " ", regex=True).str.replace(_AM, " ", regex=True)
    offset = t.str.extract(_OFFSET, expand=True)[1]
    t = t.str.replace(_OFFSET, r"\1", regex=True).str.strip()
    t = t.str.replace(r"^(\d{4})[/.-](\d{1,2})[/.-](\d{1,2})", r"\3/\2/\1", regex=True)
    t = t.str.replace(r"^(\d{1,2})[.-](\d{1,2})[.-](\d{2,4})", r"\1/\2/\3", regex=True)
    t = t.str.replace(r"^(\d{1,2}:\d{2}(?::\d{2})?(?:\.\d+)?) (\d{1,2}/\d{1,2}/\d{2,4})$", r"\2 \1", regex=True)
    t = t.str.replace(r"(:\d{2}:\d{2})\.\d+", r"\1", regex=True).str.replace(r" +", " ", regex=True)
    out = pd.Series(pd.NaT, index=text.index, dtype="datetime64[us]")
    fits = t.str.fullmatch(_CANONICAL).fillna(False).to_numpy(bool)
    long_year = t.str.fullmatch(r"\d{1,2}/\d{1,2}/\d{4}.*").fillna(False).to_numpy(bool)
    for pick, date_format in ((fits & long_year, "%d/%m/%Y"), (fits & ~long_year, "%d/%m/%y")):
        if pick.any():
            out[pick] = _by_colons(t[pick], "{date} {time}", date_format)
    hours = out.dt.hour.to_numpy()
    out[pm & (hours < 12)] += pd.Timedelta(hours=12)
    out[am & (hours == 12)] -= pd.Timedelta(hours=12)
    minutes = _offset_minutes(offset)
    shifted = ~np.isnan(minutes)
    if shifted.any():
        out[shifted] += pd.to_timedelta(VIETNAM_UTC_MINUTES - minutes[shifted], unit="min").to_numpy()
    return out


def _offset_minutes(offset: pd.Series) -> np.ndarray:
    """'+07:00' → 420, '-0530' → -330, 'z' → 0, missing → NaN."""
    parts = offset.str.extract(r"^([+-])(\d{1,2}):?(\d{2})?$", expand=True)
    sign = np.where(parts[0].to_numpy(object) == "-", -1.0, 1.0)
    hours = pd.to_numeric(parts[1], errors="coerce").to_numpy(float)
    minutes = pd.to_numeric(parts[2], errors="coerce").fillna(0).to_numpy(float)
    total = sign * (hours * 60 + minutes)
    total[(offset == "z").fillna(False).to_numpy(bool)] = 0.0
    return total


# -- yes/no flags ------------------------------------------------------------------------------

CHECK_MARKS = {"✓", "✔", "√", "☑", "☒", "x", "X", "v", "V"}
EMPTY_BOXES = {"☐", "□"}
TRUE_WORDS = {"co", "x", "1", "1 0", "true", "yes", "y", "v", "ok", "da", "dung", "dat", "roi", "so hoa", "da so hoa",
              "co ket qua dien tu", "co kqdt", "kqdt", "co phieu", "da xin loi", "da gui", "checked"}
FALSE_WORDS = {"khong", "ko", "k", "0", "0 0", "false", "no", "n", "chua", "sai", "khong co", "chua so hoa",
               "khong so hoa", "chua xin loi", "unchecked"}


def parse_bool(value: str):
    word = value.strip()
    if word in CHECK_MARKS:
        return True
    if word in EMPTY_BOXES:
        return False
    key = fold(word)
    if key in TRUE_WORDS or key.startswith(("da ", "co ", "duoc ", "tai su dung")):
        return True
    if key in FALSE_WORDS or key.startswith(("chua ", "khong ", "ko ")):
        return False
    return BAD


def parse_bools(values: pd.Series) -> tuple[pd.Series, np.ndarray]:
    """Flags as exports write them; a blank is 'no' only in a column that never writes 'no' (module doc)."""
    codes, uniques = pd.factorize(blank_placeholders(values))
    parsed = [parse_bool(u) for u in uniques]
    bad = np.array([p is BAD for p in parsed] + [False], dtype=bool)[codes]
    series = spread([None if p is BAD else p for p in parsed], codes, values.index, "boolean")
    written = series.dropna()
    if len(written) and written.all():
        series = series.fillna(False)
        series[bad] = pd.NA
    return series, bad


# -- ratings -----------------------------------------------------------------------------------

RATING_WORDS = {"rat hai long": 4, "hai long": 3, "binh thuong": 2, "khong hai long": 1, "rat khong hai long": 1,
                "chua hai long": 1}
NOT_RATED = {"chua danh gia", "khong danh gia", "chua co danh gia", "khong co danh gia", "chua"}
SCALES = {3: {3: 3, 2: 2, 1: 1}, 4: {4: 4, 3: 3, 2: 2, 1: 1}, 5: {5: 4, 4: 3, 3: 2, 2: 1, 1: 1}}
UNKNOWN_SCALE = object()  # a bare number on a scale nobody stated


def rating_scale_of(label: str) -> int | None:
    """The scale a rating header states: 'Mức độ hài lòng (1-4)', 'Đánh giá (thang 5)', '3 mức'."""
    key = fold(label)
    match = re.search(r"\b1 (?:den )?([345])\b|\bthang (?:diem )?([345])\b|\b([345]) (?:muc|sao)\b", key)
    if not match:
        return None
    return int(next(g for g in match.groups() if g))


def parse_rating(value: str, scale: int | None = None):
    key = fold(value)
    if key in NOT_RATED:
        return None
    words = re.sub(r"\d+", " ", key).split()
    if words and words != ["sao"]:
        return RATING_WORDS.get(" ".join(words), BAD)
    number = re.fullmatch(r"(\d)(?: 0+)?(?: sao)?", key)
    if not number:
        return BAD
    if key.endswith("sao"):
        scale = 5
    if scale is None:
        return UNKNOWN_SCALE
    return SCALES[scale].get(int(number.group(1)), BAD)


def parse_ratings(values: pd.Series, scale: int | None = None) -> tuple[pd.Series, np.ndarray, np.ndarray]:
    """(ratings 1–4 as Int8, mask of unreadable cells, mask of bare numbers on an unknown scale)."""
    codes, uniques = pd.factorize(blank_placeholders(values))
    parsed = [parse_rating(u, scale) for u in uniques] + [None]
    unknown = np.array([p is UNKNOWN_SCALE for p in parsed], dtype=bool)[codes]
    bad = np.array([p is BAD for p in parsed], dtype=bool)[codes]
    numbers = [p if isinstance(p, int) else None for p in parsed[:-1]]
    return spread(numbers, codes, values.index, "Int8"), bad, unknown


# -- channels ----------------------------------------------------------------------------------

# Folded channel words; the earliest word in a text decides (submission is named first).
CHANNEL_WORDS = (
    (r"\btruc tuyen\b|\bonline\b|\bqua mang\b|\binternet\b|\bdvc\b|\bdich vu cong\b|\bcong dvc|\bmuc do [34]\b"
     r"|\btoan trinh\b|\bmot phan\b|\bdien tu\b|\bdvcqg\b|\bcong quoc gia\b|\bqua cong\b|\bvneid\b", "online"),
    (r"\btruc tiep\b|\btai quay\b|\bquay\b|\bmot cua\b|\btai bo phan\b|\btai co quan\b|\btai tru so\b|\bdirect\b"
     r"|\bnop giay\b|\bban giay\b", "direct"),
    (r"\bbuu chinh\b|\bbcci\b|\bbuu dien\b|\bpostal\b|\bchuyen phat\b|\bvnpost\b", "postal"),
    (r"^khac$|^other$", "other"),
)
_CHANNEL_RES = tuple((re.compile(pattern), channel) for pattern, channel in CHANNEL_WORDS)
# The old 'DVC mức độ 1/2' (forms online, dossier handed in at the desk) is a direct submission,
# whatever other word the label carries.
_OLD_LEVEL_DIRECT = re.compile(r"\bmuc do [12]\b")


def parse_channel(value: str, channel_map: dict[str, str] | None = None):
    """'online' | 'direct' | 'postal' | 'other' for a text that names one; None for a text that names
    none (a valid dossier of channel 'other' whose text is listed for mapping, see ``parse_channels``)."""
    key = fold(value)
    if channel_map and key in channel_map:
        return channel_map[key]
    if _OLD_LEVEL_DIRECT.search(key):
        return "direct"
    best = None
    for pattern, channel in _CHANNEL_RES:
        match = pattern.search(key)
        if match and (best is None or match.start() < best[0]):
            best = (match.start(), channel)
    return best[1] if best else None


def parse_channels(values: pd.Series, channel_map: dict[str, str] | None = None) -> tuple[pd.Series, dict[str, int]]:
    """(channel per row, {unknown text: rows}); an unknown text is channel 'other', blank is NULL (unknown)."""
    text = blank_placeholders(values)
    codes, uniques = pd.factorize(text)
    parsed = [parse_channel(u, channel_map) for u in uniques]
    channels = spread([p or "other" for p in parsed], codes, values.index, "str")
    counts = np.bincount(codes[codes >= 0], minlength=len(uniques))
    listed = {str(u): int(counts[i]) for i, u in enumerate(uniques) if parsed[i] is None}
    return channels, dict(sorted(listed.items(), key=lambda kv: (-kv[1], kv[0])))

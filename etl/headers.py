"""Stage 2 — headers: find the header row, map its cells to canonical fields, tell the file's kind.

Exports put a title block above the header (row 1–15), sometimes a two-row
header whose group cell ('Ngày') is merged over sub-headers ('Tiếp nhận | Hẹn
trả | Có kết quả'), word headers in many ways and order columns freely. Each
header cell is scored against each field's *concepts* (``etl.concepts``: what it
means, not how one system spells it); every candidate row (and row pair) is
read that way for each kind, and the best reading wins. Within a reading one
column serves one field, best score first (an assignment, not first-come); a
tie or a low score is recorded on the column (``HeaderMatch.verdicts``), never
guessed silently.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field as dc_field

import pandas as pd

from etl.concepts import MAYBE, NEAR, SURE, scores
from kpi.text.normalize import fold, nfc

SCAN_ROWS = 20
KINDS = ("dossiers", "feedback", "survey")
KIND_LABELS = {"dossiers": "hồ sơ TTHC", "feedback": "phản ánh, kiến nghị (PAKN)", "survey": "khảo sát hài lòng"}


@dataclass(frozen=True)
class Field:
    label: str                  # the Vietnamese name shown to users (and the header we expect)
    synonyms: tuple[str, ...]   # common wordings, shown in messages (recognition is by etl.concepts)
    required: bool = False
    marker: bool = False        # typical of this kind: weighs in kind detection


_UNIT = ("Cơ quan tiếp nhận", "Đơn vị tiếp nhận", "Cơ quan/Đơn vị tiếp nhận", "Cơ quan, đơn vị tiếp nhận", "Cơ quan",
         "Đơn vị", "Tên đơn vị", "Tên cơ quan", "Cơ quan giải quyết", "Đơn vị giải quyết", "Nơi tiếp nhận",
         "Cơ quan thực hiện", "Đơn vị xử lý", "Cơ quan xử lý")
_LEVEL = ("Cấp", "Cấp đơn vị", "Cấp hành chính", "Cấp cơ quan", "Cấp thực hiện")
_FIELD = ("Lĩnh vực", "Tên lĩnh vực")
_RATING = ("Mức độ hài lòng", "Đánh giá", "Kết quả đánh giá", "Mức độ đánh giá", "Hài lòng", "Đánh giá hài lòng")

FIELDS: dict[str, dict[str, Field]] = {
    "dossiers": {
        "code": Field("Mã hồ sơ", ("Mã hồ sơ", "Số hồ sơ", "Mã HS", "Số HS", "Mã số hồ sơ", "Số biên nhận"), True),
        "unit_name": Field("Cơ quan/Đơn vị tiếp nhận", _UNIT, True),
        "level": Field("Cấp", _LEVEL),
        "field": Field("Lĩnh vực", _FIELD),
        "procedure": Field("Tên thủ tục", ("Tên thủ tục", "Thủ tục", "TTHC", "Tên TTHC", "Thủ tục hành chính",
                                           "Tên thủ tục hành chính"), marker=True),
        "channel": Field("Hình thức nộp", ("Hình thức nộp", "Kênh", "Kênh nộp", "Hình thức tiếp nhận", "Hình thức",
                                           "Kênh tiếp nhận", "Hình thức nộp hồ sơ", "Kênh nộp hồ sơ"), marker=True),
        "received_at": Field("Ngày tiếp nhận", ("Ngày tiếp nhận", "Ngày nhận", "Thời gian tiếp nhận", "Ngày nộp",
                                                "Tiếp nhận", "Ngày nhận hồ sơ"), True),
        "due_at": Field("Ngày hẹn trả", ("Ngày hẹn trả", "Hẹn trả", "Ngày hẹn trả kết quả", "Hạn giải quyết",
                                         "Hạn xử lý", "Thời hạn giải quyết", "Ngày hẹn", "Hạn trả"), True),
        "finished_at": Field("Ngày có kết quả", ("Ngày có kết quả", "Ngày trả kết quả", "Ngày hoàn thành",
                                                 "Có kết quả", "Trả kết quả", "Hoàn thành", "Ngày kết thúc",
                                                 "Ngày xử lý xong", "Thời gian có kết quả", "Ngày trả"), True, True),
        "digitized": Field("Số hóa", ("Số hóa", "Số hóa hồ sơ", "Đã số hóa", "Hồ sơ số hóa", "Số hoá"), marker=True),
        "e_result": Field("Kết quả điện tử", ("Kết quả điện tử", "Trả kết quả điện tử", "Có kết quả điện tử",
                                              "KQĐT", "Cấp kết quả điện tử"), marker=True),
        "rating": Field("Mức độ hài lòng", _RATING),
        "apology": Field("Phiếu xin lỗi", ("Phiếu xin lỗi", "Xin lỗi", "Thư xin lỗi", "Phiếu xin lỗi và hẹn lại",
                                           "Có phiếu xin lỗi"), marker=True),
        "status": Field("Trạng thái", ("Trạng thái", "Tình trạng", "Trạng thái hồ sơ", "Tình trạng xử lý")),
        "applicant": Field("Chủ hồ sơ", ("Chủ hồ sơ", "Người nộp", "Tên người nộp", "Tổ chức, cá nhân",
                                         "Người đứng tên", "Họ tên người nộp", "Người nộp hồ sơ")),
    },
    "feedback": {
        "code": Field("Mã PAKN", ("Mã PAKN", "Số PAKN", "Mã phản ánh", "Mã phản ánh kiến nghị", "Số phản ánh",
                                  "Mã số", "Mã", "Mã hồ sơ PAKN", "Mã số PAKN"), True),
        "unit_name": Field("Đơn vị xử lý", ("Đơn vị xử lý", "Cơ quan xử lý", "Đơn vị chủ trì") + _UNIT, True),
        "level": Field("Cấp", _LEVEL),
        "field": Field("Lĩnh vực", _FIELD),
        "title": Field("Tiêu đề", ("Tiêu đề", "Nội dung", "Nội dung phản ánh", "Tiêu đề phản ánh",
                                   "Nội dung phản ánh kiến nghị", "Trích yếu", "Tên phản ánh"), marker=True),
        "received_at": Field("Ngày tiếp nhận", ("Ngày tiếp nhận", "Ngày nhận", "Ngày gửi", "Thời gian gửi",
                                                "Ngày phản ánh", "Thời gian tiếp nhận", "Tiếp nhận"), True),
        "due_at": Field("Hạn xử lý", ("Hạn xử lý", "Ngày hết hạn", "Thời hạn xử lý", "Hạn trả lời", "Hạn giải quyết")),
        "handled_at": Field("Ngày xử lý", ("Ngày xử lý", "Ngày trả lời", "Ngày hoàn thành", "Thời gian xử lý",
                                           "Ngày xử lý xong", "Xử lý", "Ngày có kết quả", "Ngày trả kết quả"), True, True),
        "rating": Field("Mức độ hài lòng", _RATING),
    },
    "survey": {
        "code": Field("Mã phiếu", ("Mã phiếu", "Số phiếu", "Mã đánh giá", "Mã phiếu khảo sát", "Mã phiếu đánh giá"),
                      marker=True),
        "dossier_code": Field("Mã hồ sơ", ("Mã hồ sơ", "Số hồ sơ", "Mã HS")),
        "unit_name": Field("Đơn vị", _UNIT, True),
        "level": Field("Cấp", _LEVEL),
        "rated_at": Field("Ngày đánh giá", ("Ngày đánh giá", "Thời gian đánh giá", "Ngày khảo sát",
                                            "Thời gian khảo sát"), True, True),
        "rating": Field("Mức độ hài lòng", _RATING, True),
    },
}

# Words in a file name that hint at its kind (folded).
_NAME_HINTS = {"feedback": ("pakn", "phan anh", "kien nghi"), "survey": ("khao sat", "danh gia", "hai long")}
_DEPTH_FACTOR = (1.0, 0.97, 0.9)  # group+sub, sub alone, own cell alone
_TIE = 1e-9


def match_field(header: str, kind: str) -> tuple[str, bool] | None:
    """The field a header names and whether that is sure (vs. 'có thể'), or None below the threshold."""
    found = scores(header, kind)
    if not found or found[0][1] < MAYBE:
        return None
    return found[0][0], found[0][1] >= SURE


@dataclass
class Column:
    """One source column's header: the text shown, folded keys (manual mapping) and the texts scored."""

    index: int
    label: str
    keys: tuple[str, ...]
    texts: tuple[str, ...] = ()

    def field_scores(self, kind: str) -> dict[str, float]:
        """field → the best score of any reading of this header (a sub-header alone counts a little less)."""
        best: dict[str, float] = {}
        for depth, text in enumerate(self.texts or (self.label,)):
            for name, score in scores(text, kind) if text else ():
                value = score * _DEPTH_FACTOR[min(depth, 2)]
                if value > best.get(name, 0.0):
                    best[name] = value
        return best


@dataclass(frozen=True)
class Verdict:
    """What became of one source column: its field (or None), the score, and a note when it is not plain."""

    index: int
    label: str
    field: str | None
    score: float
    sure: bool
    note: str = ""               # 'tie:<other header>', 'near:<field>', 'manual'

    @property
    def confidence(self) -> str:
        """'sure' | 'maybe' | 'ignored'."""
        return "ignored" if self.field is None else "sure" if self.sure else "maybe"


@dataclass
class HeaderMatch:
    """Where the header is and what each column means."""

    kind: str
    header_row: int              # 1-based row of the (first) header line
    header_rows: int             # 1, or 2 for a group header over sub-headers
    columns: list[Column]
    mapping: dict[str, int]      # canonical field → column index
    missing: list[str] = dc_field(default_factory=list)  # required fields not found
    score: float = 0.0
    verdicts: list[Verdict] = dc_field(default_factory=list)  # one per non-blank column, in file order

    @property
    def data_start(self) -> int:
        """0-based index of the first data row in the raw table."""
        return self.header_row - 1 + self.header_rows

    def label(self, name: str) -> str:
        return self.columns[self.mapping[name]].label

    def source_mapping(self) -> dict[str, str]:
        """canonical field → header text, as the user sees it."""
        return {name: self.label(name) for name in self.mapping}

    @property
    def absent(self) -> list[str]:
        """Optional fields of the kind that no column holds (their values are unknown, not 'no')."""
        return [name for name, spec in FIELDS[self.kind].items() if not spec.required and name not in self.mapping]


def _text(value) -> str:
    return "" if value is None or (isinstance(value, float) and pd.isna(value)) or value is pd.NA else nfc(str(value))


def candidate_columns(rows: pd.DataFrame, top: int, two_rows: bool) -> list[Column]:
    """Columns read as a header starting at raw row ``top`` (one row, or a group row over a sub row).

    A blank group cell to the right of a group label belongs to that label when a
    sub-header sits under it: that is how a horizontally merged cell reads back.
    """
    upper = [_text(v) for v in rows.iloc[top]]
    if not two_rows:
        return [Column(j, text, (fold(text),), (text,)) for j, text in enumerate(upper)]
    lower = [_text(v) for v in rows.iloc[top + 1]] if top + 1 < len(rows) else [""] * len(upper)
    columns, group = [], ""
    for j, (own, sub) in enumerate(zip(upper, lower)):
        group = own or (group if sub else "")
        if sub and group:
            label = f"{group} / {sub}"
            keys, texts = (fold(f"{group} {sub}"), fold(sub), fold(own)), (f"{group} {sub}", sub, own)
        else:
            label = own or sub
            keys, texts = (fold(label),), (label,)
        columns.append(Column(j, label, keys, texts))
    return columns


def assign(columns: list[Column], kind: str, override: dict[str, str] | None = None
           ) -> tuple[dict[str, int], list[Verdict]]:
    """canonical field → column index, best score first, one column per field and one field per column;
    and a verdict for every non-blank column (ties and near misses noted)."""
    table = {c.index: c.field_scores(kind) for c in columns if c.label}
    pairs = sorted(((score, -index, name) for index, found in table.items() for name, score in found.items()
                    if score >= MAYBE), reverse=True)
    mapping: dict[str, int] = {}
    taken: set[int] = set()
    for score, neg_index, name in pairs:
        if name not in mapping and -neg_index not in taken:
            mapping[name] = -neg_index
            taken.add(-neg_index)
    manual: set[int] = set()
    for name, header in (override or {}).items():
        index = _find_header(columns, header)
        if index is not None and name in FIELDS[kind]:
            mapping = {k: v for k, v in mapping.items() if v != index and k != name}
            mapping[name] = index
            manual.add(index)
    return mapping, _verdicts(columns, table, mapping, manual)


def _verdicts(columns, table, mapping, manual) -> list[Verdict]:
    field_of = {index: name for name, index in mapping.items()}
    labels = {c.index: c.label for c in columns}
    out = []
    for index, found in table.items():
        name = field_of.get(index)
        if index in manual:
            out.append(Verdict(index, labels[index], name, 1.0, True, "manual"))
            continue
        if name is None:
            near = max(found.items(), key=lambda pair: pair[1], default=(None, 0.0))
            note = f"near:{near[0]}" if near[1] >= NEAR else ""
            out.append(Verdict(index, labels[index], None, near[1], False, note))
            continue
        score = found[name]
        rivals = [labels[i] for i, other in table.items() if i != index and i not in field_of
                  and abs(other.get(name, 0.0) - score) < _TIE]
        note = f"tie:{rivals[0]}" if rivals else ""
        out.append(Verdict(index, labels[index], name, score, score >= SURE and not rivals, note))
    return out


def map_columns(columns: list[Column], kind: str, override: dict[str, str] | None = None) -> dict[str, int]:
    """canonical field → column index (see ``assign``)."""
    return assign(columns, kind, override)[0]


def _find_header(columns: list[Column], header: str) -> int | None:
    key = fold(header)
    for column in columns:
        if key and (key == fold(column.label) or key in column.keys):
            return column.index
    return None


def _score(kind: str, mapping: dict[str, int], file_key: str) -> float:
    specs = FIELDS[kind]
    markers = sum(specs[name].marker for name in mapping)
    required = sum(specs[name].required for name in mapping)
    hint = 3 if any(word in file_key for word in _NAME_HINTS.get(kind, ())) else 0
    return len(mapping) + 2 * markers + required + hint


def find_header(cells: pd.DataFrame, file_name: str = "", *, mapping: dict[str, str] | None = None,
                kind: str | None = None) -> HeaderMatch | None:
    """The best header in the first rows of a sheet, or None when nothing looks like one."""
    head = cells.iloc[:SCAN_ROWS + 1]
    file_key = fold(file_name)
    kinds = (kind,) if kind else KINDS
    best: HeaderMatch | None = None
    for top in range(min(SCAN_ROWS, len(head))):
        if head.iloc[top].isna().all():
            continue
        for two_rows in (False, True):
            columns = candidate_columns(head, top, two_rows)
            for k in kinds:
                found, verdicts = assign(columns, k, mapping)
                # a second header line must add a field, else it is the first data row
                score = _score(k, found, file_key) - (0.5 if two_rows else 0)
                if best is None or score > best.score:
                    missing = [n for n, spec in FIELDS[k].items() if spec.required and n not in found]
                    if k == "survey":
                        missing = [n for n in missing if n != "code"]
                    best = HeaderMatch(k, top + 1, 2 if two_rows else 1, columns, found, missing, score, verdicts)
    if best is None or len(best.mapping) < 2:
        return None
    if _is_numbering_row(head, best.data_start):
        best.header_rows += 1
    return best


_NUMBER_CELL = re.compile(r"^\(?\d{1,3}\)?$")


def _is_numbering_row(rows: pd.DataFrame, index: int) -> bool:
    """A template's column-number row under the header ('(1) (2) (3) …', as in the TT 01 forms): part of the
    header, not the first record. Every filled cell is a small number, they run 1, 2, 3 … and there are 3+."""
    if index >= len(rows):
        return False
    texts = [_text(v) for v in rows.iloc[index]]
    filled = [t for t in texts if t]
    if len(filled) < 3 or not all(_NUMBER_CELL.match(t) for t in filled):
        return False
    numbers = [int(t.strip("()")) for t in filled]
    return numbers == list(range(numbers[0], numbers[0] + len(numbers)))


def choose_sheet(sheets, file_name: str, *, mapping=None, kind=None):
    """(sheet, header) of the sheet whose header scores best: the data sheet among covers and notes."""
    best = None
    for sheet in sheets:
        found = find_header(sheet.cells, file_name, mapping=mapping, kind=kind)
        if found and (best is None or found.score > best[1].score):
            best = (sheet, found)
    return best


def expected_headers(kind: str, name: str, n: int = 3) -> str:
    spec = FIELDS[kind][name]
    names = list(dict.fromkeys((spec.label,) + spec.synonyms))[:n]
    return ", ".join(f"'{text}'" for text in names)

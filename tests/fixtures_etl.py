"""Spreadsheets as provincial one-stop systems export them, generated for tests and the bench.

A plain module (not a pytest plugin): ``make_rows`` builds canonical records,
``write_messy`` writes them as .xlsx/.xls/.csv with any combination of the
traits real exports have (title block, merged two-row header, header spelling
variants, shuffled and extra columns, footer, cover sheet, date styles).
"""
from __future__ import annotations

import csv
import datetime as dt
import random
import unicodedata
from dataclasses import dataclass, field as dc_field, replace
from pathlib import Path

UNITS = [
    "Sở Tư pháp", "Sở Tài nguyên và Môi trường", "Sở Kế hoạch và Đầu tư", "Trung tâm Phục vụ hành chính công tỉnh",
    "UBND huyện Nhơn Trạch", "UBND huyện Long Thành", "UBND thành phố Biên Hòa",
    "UBND xã Phú Hữu", "UBND xã Phước An", "UBND phường Tân Phong", "UBND thị trấn Long Thành",
]
FIELDS = ["Hộ tịch", "Đất đai", "Đăng ký kinh doanh", "Xây dựng", "Chứng thực"]
PROCEDURES = ["Đăng ký khai sinh", "Cấp giấy chứng nhận quyền sử dụng đất", "Đăng ký hộ kinh doanh", "Cấp giấy phép xây dựng"]
CHANNELS = ["Trực tuyến", "Trực tiếp", "Qua bưu chính", "DVC trực tuyến toàn trình", "Nộp trực tiếp", "BCCI"]
RATINGS = ["Rất hài lòng", "Hài lòng", "Bình thường", "Không hài lòng", None]

# Canonical field → the header a one-stop export prints for it.
HEADERS = {
    "dossiers": {
        "code": "Mã hồ sơ", "unit_name": "Cơ quan tiếp nhận", "level": "Cấp", "field": "Lĩnh vực",
        "procedure": "Tên thủ tục", "channel": "Hình thức nộp", "received_at": "Ngày tiếp nhận",
        "due_at": "Ngày hẹn trả", "finished_at": "Ngày có kết quả", "digitized": "Số hóa",
        "e_result": "Kết quả điện tử", "rating": "Mức độ hài lòng", "apology": "Phiếu xin lỗi",
        "status": "Trạng thái", "applicant": "Chủ hồ sơ",
    },
    "feedback": {
        "code": "Mã PAKN", "unit_name": "Đơn vị xử lý", "level": "Cấp", "field": "Lĩnh vực", "title": "Tiêu đề",
        "received_at": "Ngày tiếp nhận", "due_at": "Hạn xử lý", "handled_at": "Ngày xử lý", "rating": "Mức độ hài lòng",
    },
    "survey": {
        "code": "Mã phiếu", "dossier_code": "Mã hồ sơ", "unit_name": "Đơn vị", "rated_at": "Ngày đánh giá",
        "rating": "Mức độ hài lòng",
    },
}
# The merged group header of a two-row header: group label → (field, sub-header) in order.
GROUPS = {
    "dossiers": ("Ngày", [("received_at", "Tiếp nhận"), ("due_at", "Hẹn trả"), ("finished_at", "Có kết quả")]),
    "feedback": ("Ngày", [("received_at", "Tiếp nhận"), ("handled_at", "Xử lý")]),
    "survey": ("Thông tin", [("rated_at", "Ngày đánh giá"), ("rating", "Mức độ hài lòng")]),
}
DATE_FIELDS = {"received_at", "due_at", "finished_at", "handled_at", "rated_at"}


def make_rows(n: int, kind: str = "dossiers", *, seed: int = 1, start: dt.datetime = dt.datetime(2024, 1, 2, 8, 0),
              code_prefix: str = "H12") -> list[dict]:
    """``n`` valid records of ``kind`` with canonical keys and Python values (datetimes, text)."""
    rnd = random.Random(seed)
    rows = []
    for i in range(n):
        unit = UNITS[i % len(UNITS)]
        received = start + dt.timedelta(days=rnd.randint(0, 27), hours=rnd.randint(0, 8), minutes=rnd.randint(0, 59))
        done = received + dt.timedelta(days=rnd.randint(0, 20), hours=rnd.randint(0, 5))
        if kind == "dossiers":
            due = received + dt.timedelta(days=rnd.randint(1, 15)) if i % 13 else None
            rows.append({
                "code": f"{code_prefix}-{received:%y%m%d}-{i:07d}", "unit_name": unit, "field": FIELDS[i % 5],
                "procedure": PROCEDURES[i % 4], "channel": CHANNELS[i % len(CHANNELS)], "received_at": received,
                "due_at": due, "finished_at": done if i % 7 else None, "digitized": i % 3 != 0,
                "e_result": i % 4 == 0, "rating": RATINGS[i % 5], "apology": i % 11 == 0,
                "status": "Đã trả kết quả" if i % 7 else "Đang giải quyết", "applicant": f"Nguyễn Văn {i}",
            })
        elif kind == "feedback":
            rows.append({
                "code": f"PAKN-{i:06d}", "unit_name": unit, "field": FIELDS[i % 5], "title": f"Phản ánh số {i}",
                "received_at": received, "due_at": received + dt.timedelta(days=21) if i % 2 else None,
                "handled_at": done if i % 5 else None, "rating": RATINGS[i % 5],
            })
        else:
            rows.append({
                "code": f"PH-{i:06d}", "dossier_code": f"{code_prefix}-{i:07d}", "unit_name": unit,
                "rated_at": received, "rating": RATINGS[i % 4],
            })
    return rows


@dataclass
class Traits:
    """How messy a generated file is. Every trait is off by default (a clean one-row header on row 1)."""

    kind: str = "dossiers"
    title_rows: int = 0                 # title block lines above the header
    two_row_header: bool = False        # merged group header over sub-headers
    header_case: str = "plain"          # plain | upper | ascii (no diacritics) | nfd | linebreak
    shuffle: bool = False               # columns in another order
    extra_columns: bool = False         # STT and unrelated columns
    footer: bool = False                # 'Tổng cộng', blank rows, signature block
    cover_sheet: bool = False           # a first sheet that is not the data
    date_style: str = "excel"           # excel | serial | dmy | dmy_time | dmy_dash | iso | mixed
    bool_style: str = "co"              # co (Có/Không) | x (x/blank) | num (1/0) | tf (TRUE/FALSE) | sohoa
    with_level: bool = False            # a 'Cấp' column
    drop: tuple[str, ...] = ()          # canonical fields left out
    seed: int = 7
    headers: dict = dc_field(default_factory=dict)  # canonical → header override


def _ascii(text: str) -> str:
    text = unicodedata.normalize("NFD", text).replace("đ", "d").replace("Đ", "D")
    return "".join(c for c in text if unicodedata.category(c) != "Mn")


def _header_text(text: str, style: str) -> str:
    if style == "upper":
        return text.upper()
    if style == "ascii":
        return _ascii(text)
    if style == "nfd":
        return unicodedata.normalize("NFD", text)
    if style == "linebreak":
        words = text.split(" ")
        return " ".join(words[:1]) + "\n" + "  ".join(words[1:]) if len(words) > 1 else text + "  "
    return text


def _columns(t: Traits) -> list[str]:
    """Canonical fields in file order; the group's fields stay adjacent (they sit under one merged cell)."""
    names = [f for f in HEADERS[t.kind] if f not in t.drop and (t.with_level or f != "level")]
    group = [f for f, _ in GROUPS[t.kind][1] if f in names]
    rest = [f for f in names if f not in group]
    if t.shuffle:
        random.Random(t.seed).shuffle(rest)
    cut = min(2, len(rest))
    if t.extra_columns:
        return ["#stt"] + rest[:cut] + group + ["#ghi chu"] + rest[cut:] + ["#so dien thoai"]
    return rest[:cut] + group + rest[cut:]


def _extra_header(col: str) -> str:
    return {"#stt": "STT", "#ghi chu": "Ghi chú", "#so dien thoai": "Số điện thoại"}[col]


def _bool_value(v, style: str):
    if v is None:
        return None
    return {"co": "Có" if v else "Không", "x": "x" if v else None, "num": 1 if v else 0, "tf": v,
            "sohoa": "Đã số hóa" if v else "Chưa"}[style]


def _date_value(v, style: str, i: int):
    if v is None:
        return None
    if style == "mixed":
        style = ["excel", "serial", "dmy", "dmy_time", "dmy_dash", "iso"][i % 6]
    if style == "excel":
        return v
    if style == "serial":
        return (v - dt.datetime(1899, 12, 30)).total_seconds() / 86400
    if style == "dmy":
        return f"{v:%d/%m/%Y}"
    if style == "dmy_time":
        return f"{v:%d/%m/%Y %H:%M:%S}" if i % 2 else f"{v:%d/%m/%Y %H:%M}"
    if style == "dmy_dash":
        return f"{v:%d-%m-%Y}"
    return f"{v:%Y-%m-%d %H:%M:%S}" if i % 2 else f"{v:%Y-%m-%d}"


def cell_values(rows: list[dict], t: Traits) -> tuple[list[str], list[list]]:
    """Header texts and the data matrix of a file with traits ``t``."""
    cols = _columns(t)
    labels = {**HEADERS[t.kind], **t.headers}
    head = [_extra_header(c) if c.startswith("#") else _header_text(labels[c], t.header_case) for c in cols]
    bool_fields = {"digitized", "e_result", "apology"}
    data = []
    for i, r in enumerate(rows):
        line = []
        for c in cols:
            if c == "#stt":
                line.append(i + 1)
            elif c.startswith("#"):
                line.append("ghi chú" if c == "#ghi chu" else None)
            elif c in DATE_FIELDS:
                line.append(_date_value(r.get(c), t.date_style, i))
            elif c in bool_fields:
                line.append(_bool_value(r.get(c), t.bool_style))
            elif c == "level":
                line.append(r.get("level") or _level_word(r["unit_name"]))
            else:
                line.append(r.get(c))
        data.append(line)
    return head, data


def _level_word(unit: str) -> str:
    lower = unit.lower()
    if "xã" in lower or "phường" in lower or "thị trấn" in lower:
        return "Cấp xã"
    if "huyện" in lower or "thành phố" in lower:
        return "Cấp huyện"
    return "Cấp tỉnh"


def _layout(rows, t: Traits):
    """Every sheet row as a list (None = blank), the header rows' 0-based indices and merges to draw."""
    head, data = cell_values(rows, t)
    cols = _columns(t)
    out: list[list] = []
    for k in range(t.title_rows):
        out.append([["UBND TỈNH ĐỒNG NAI", "BÁO CÁO TÌNH HÌNH GIẢI QUYẾT HỒ SƠ", "Từ ngày 01/01/2024 đến ngày 31/01/2024"][k % 3]])
    merges = []
    if t.two_row_header:
        group_label, members = GROUPS[t.kind]
        member_fields = [f for f, _ in members]
        subs = dict(members)
        top, bottom = [], []
        first = None
        for j, c in enumerate(cols):
            if c in member_fields:
                if first is None:
                    first = j
                    top.append(_header_text(group_label, t.header_case))
                else:
                    top.append(None)
                bottom.append(_header_text(subs[c], t.header_case))
            else:
                top.append(head[j])
                bottom.append(None)
                merges.append(("v", len(out), j))
        if first is not None:
            merges.append(("h", len(out), first, first + sum(c in member_fields for c in cols) - 1))
        out += [top, bottom]
    else:
        out.append(head)
    header_index = t.title_rows
    out += data
    if t.footer:
        out += [[], ["Tổng cộng", None, len(data)], [], [None, "Người lập biểu", None, "Thủ trưởng đơn vị"],
                [None, "(Ký, ghi rõ họ tên)"]]
    return out, header_index, merges


def write_messy(path: str | Path, rows: list[dict], traits: Traits | None = None, **kw) -> Path:
    """Write ``rows`` to ``path`` (.xlsx, .xls or .csv by suffix) with the given traits."""
    t = replace(traits or Traits(), **kw)
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix == ".xlsx":
        _write_xlsx(path, rows, t)
    elif suffix == ".xls":
        _write_xls(path, rows, t)
    elif suffix == ".csv":
        write_csv(path, rows, t)
    else:
        raise ValueError(suffix)
    return path


def _write_xlsx(path: Path, rows, t: Traits) -> None:
    import xlsxwriter

    lines, header_index, merges = _layout(rows, t)
    wb = xlsxwriter.Workbook(str(path), {"constant_memory": False})
    date_fmt = wb.add_format({"num_format": "dd/mm/yyyy hh:mm"})
    head_fmt = wb.add_format({"bold": True, "text_wrap": True, "align": "center"})
    if t.cover_sheet:
        cover = wb.add_worksheet("Hướng dẫn")
        cover.write(0, 0, "Báo cáo được trích xuất từ phần mềm Một cửa điện tử")
        cover.write(2, 0, "Ghi chú")
    ws = wb.add_worksheet("Dữ liệu")
    n_head = 2 if t.two_row_header else 1
    for r, line in enumerate(lines):
        is_head = header_index <= r < header_index + n_head
        for c, v in enumerate(line):
            if v is None:
                continue
            if isinstance(v, dt.datetime):
                ws.write_datetime(r, c, v, date_fmt)
            else:
                ws.write(r, c, v, head_fmt if is_head else None)
    for m in merges:
        if m[0] == "v":
            _, r, c = m
            ws.merge_range(r, c, r + 1, c, lines[r][c], head_fmt)
        else:
            _, r, c1, c2 = m
            ws.merge_range(r, c1, r, c2, lines[r][c1], head_fmt)
    wb.close()


def _write_xls(path: Path, rows, t: Traits) -> None:
    import xlwt

    lines, header_index, merges = _layout(rows, t)
    wb = xlwt.Workbook(encoding="utf-8")
    date_style = xlwt.easyxf(num_format_str="dd/mm/yyyy hh:mm")
    if t.cover_sheet:
        wb.add_sheet("Huong dan").write(0, 0, "Báo cáo")
    ws = wb.add_sheet("Du lieu")
    merged_cells = set()
    for m in merges:
        if m[0] == "v":
            _, r, c = m
            ws.write_merge(r, r + 1, c, c, lines[r][c])
            merged_cells |= {(r, c), (r + 1, c)}
        else:
            _, r, c1, c2 = m
            ws.write_merge(r, r, c1, c2, lines[r][c1])
            merged_cells |= {(r, c) for c in range(c1, c2 + 1)}
    for r, line in enumerate(lines):
        for c, v in enumerate(line):
            if v is None or (r, c) in merged_cells:
                continue
            if isinstance(v, dt.datetime):
                ws.write(r, c, v, date_style)
            else:
                ws.write(r, c, v)
    wb.save(str(path))


def write_csv(path: str | Path, rows, t: Traits | None = None, *, sep: str = ";", encoding: str = "utf-8-sig") -> Path:
    """A CSV export: dates become text (Excel serials stay numbers), separator and encoding as given."""
    t = t or Traits()
    if t.date_style == "excel":
        t = replace(t, date_style="dmy_time")
    lines, _, _ = _layout(rows, t)
    if encoding.lower() in ("cp1258", "windows-1258"):
        lines = [[_cp1258_form(v) if isinstance(v, str) else v for v in line] for line in lines]
    path = Path(path)
    with open(path, "w", newline="", encoding=encoding, errors="strict") as fh:
        writer = csv.writer(fh, delimiter=sep)
        for line in lines:
            writer.writerow(["" if v is None else v for v in line])
    return path


_TONES = {"\u0300", "\u0301", "\u0303", "\u0309", "\u0323"}


def _cp1258_form(text: str) -> str:
    """Windows-1258 spelling: base letters precomposed (ê, ơ, ă), tone marks as separate combining characters."""
    groups: list[list[str]] = []
    for ch in unicodedata.normalize("NFD", text):
        if unicodedata.combining(ch) and groups:
            groups[-1].append(ch)
        else:
            groups.append([ch])
    out = []
    for base, *marks in groups:
        keep = "".join(m for m in marks if m not in _TONES)
        out.append(unicodedata.normalize("NFC", base + keep) + "".join(m for m in marks if m in _TONES))
    return "".join(out)

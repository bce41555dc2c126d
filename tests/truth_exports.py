"""A small province's dossiers with a fixed seed, written as the exports of several systems, and the KPI truth.

``make_dossiers`` draws the final state of every dossier (seven units on three levels, Jan–Jun 2024);
``write_exports`` writes them as seven files in the styles real one-stop systems and offices use (header
wordings and abbreviations, title blocks, a two-row merged header, Excel serials, text dates, ISO with
offsets, Có/Không, x/blank, 1/0, CSV with ';' and BOM, UTF-16 tab text, one sheet per unit, files lacking
a flag column, a re-export with newer states, duplicate rows, section rows, one bad date, one level that
contradicts the registry) and returns, per file, the exit code a person expects. ``truth`` computes the
KPIs of DOMAIN.md §4 literally in plain Python from the records, as the last file that wrote each dossier
states it (a flag the file lacks is unknown); it does not import the product.
"""
from __future__ import annotations

import csv
import datetime as dt
import io
import random
from dataclasses import dataclass, field, replace
from pathlib import Path

from tests.corpus_exports import _xlsx

D = dt.datetime
UNITS = {  # name -> level (the level the name states; a Sở is provincial)
    "Sở Tư pháp": "province", "Sở Xây dựng": "province",
    "UBND huyện Nhơn Trạch": "district", "UBND huyện Long Thành": "district",
    "UBND xã Phú Hữu": "commune", "UBND xã Long Tân": "commune", "UBND thị trấn Long Thành": "commune",
}
LEVELS = ("province", "district", "commune")
FIRST_DAY, LAST_DAY = dt.date(2024, 1, 2), dt.date(2024, 6, 27)  # the data stops on LAST_DAY
UNKNOWN_CHANNELS = ("Ứng dụng Zalo", "Tổng đài 1022")
RATING_WORDS = {4: "Rất hài lòng", 3: "Hài lòng", 2: "Bình thường", 1: "Không hài lòng"}
WITHDRAWN = ("Công dân rút hồ sơ", "Đã hủy", "Rút hồ sơ theo đề nghị", "Hủy hồ sơ")
REFUSED = "Từ chối giải quyết"  # resolved at its date like any finished dossier
ALL_FLAGS = frozenset({"channel", "digitized", "e_result", "rating"})


@dataclass
class Dossier:
    code: str
    unit: str
    received: D
    due: D | None
    finished: D | None
    channel: str  # online | direct | postal | other (the text is in channel_text)
    channel_text: str
    digitized: bool
    e_result: bool | None  # None while in progress
    rating: int | None
    known: frozenset = ALL_FLAGS  # the flags the file that wrote the final state has a column for
    status: str | None = None  # a status text the export writes: withdrawn / cancelled / refused

    @property
    def withdrawn(self) -> bool:  # DOMAIN §4 (assumed): left out of every count and rate
        return self.status in WITHDRAWN

    @property
    def level(self) -> str:
        return UNITS[self.unit]


def _channel(rng: random.Random) -> tuple[str, str]:
    r = rng.random()
    if r < 0.45:
        return "online", rng.choice(["Trực tuyến", "Trực tuyến một phần", "DVC toàn trình"])
    if r < 0.85:
        return "direct", rng.choice(["Trực tiếp", "Nộp trực tiếp tại Bộ phận Một cửa"])
    if r < 0.95:
        return "postal", rng.choice(["Bưu chính công ích", "Qua bưu điện"])
    return "other", rng.choice(UNKNOWN_CHANNELS)


def _one(rng: random.Random, code: str, unit: str) -> Dossier:
    day = FIRST_DAY + dt.timedelta(days=rng.randrange((LAST_DAY - FIRST_DAY).days + 1))
    channel, text = _channel(rng)
    # online dossiers arrive at any hour (before 07:00 Vietnam time is the day before in UTC)
    hour = rng.randrange(0, 24) if channel == "online" else rng.randrange(7, 17)
    received = D(day.year, day.month, day.day, hour, rng.choice([0, 5, 15, 30, 45]))
    due = None if rng.random() < 0.08 else D.combine(day + dt.timedelta(days=rng.randrange(2, 16)), dt.time(17, 0))
    finished = None
    if rng.random() < 0.85:
        anchor = due or received + dt.timedelta(days=7)
        # early, the same day (earlier or later hour), or late
        offset = rng.choice([-3, -1, -1, 0, 0, 0, 1, 4])
        finished = D.combine(anchor.date() + dt.timedelta(days=offset), dt.time(rng.choice([8, 10, 16, 18]), 30))
        if finished <= received:
            finished = received + dt.timedelta(hours=2)
        if finished.date() > LAST_DAY:
            finished = None
    rating = None
    if finished and rng.random() < 0.6:
        rating = rng.choices([4, 3, 2, 1], [40, 45, 10, 5])[0]
    return Dossier(code, unit, received, due, finished, channel, text, rng.random() < 0.6,
                   (rng.random() < 0.55) if finished else None, rating)


def make_dossiers(n: int = 2800, seed: int = 11) -> list[Dossier]:
    rng = random.Random(seed)
    units = list(UNITS)
    out = [_one(rng, f"H{k % 7:02d}.{i:05d}", units[k % 7]) for i, k in enumerate(range(n))]
    # the last day of the data is stated by a record
    out[0] = replace(out[0], received=D(2024, 6, 27, 9, 0), due=D(2024, 7, 5, 17, 0), finished=None, e_result=None,
                     rating=None)
    # Withdrawn, cancelled and refused dossiers of the one unit whose export writes a status (Q1)
    for i, d in enumerate(out):
        if d.unit == "Sở Tư pháp" and d.received.month <= 3 and d.finished and i % 9 == 0:
            out[i] = replace(d, status=WITHDRAWN[i % 4] if i % 2 else REFUSED)
    return out + _edges()


def _edges() -> list[Dossier]:
    """Online dossiers at night around month ends: their Vietnam date differs from their UTC date (the CSV
    writes them in UTC), so a product that took the UTC date would move them to another day or month."""
    unit, e = "UBND huyện Long Thành", []
    for m in range(2, 7):
        e.append(Dossier(f"EDGE-{m}a", unit, D(2024, m, 1, 0, 30), D(2024, m, 1, 17), D(2024, m, 1, 6, 30),
                         "online", "Trực tuyến", True, True, 4))  # on time (UTC: received and finished a day before)
        e.append(Dossier(f"EDGE-{m}b", unit, D(2024, m - 1, 20, 9), D(2024, m - 1, 28, 17), D(2024, m, 1, 5, 0),
                         "online", "Trực tuyến", False, False, 2))  # overdue in month m (UTC: before due)
        e.append(Dossier(f"EDGE-{m}c", unit, D(2024, m - 1, 20, 9), D(2024, m, 1, 17), D(2024, m, 1, 6, 0),
                         "online", "Trực tuyến", False, True, 3))  # on time (UTC: early, in month m - 1)
    return e


# -- the files -------------------------------------------------------------------------------------

def _dmy(value: D | None, seconds: bool = False) -> str:
    if value is None:
        return ""
    return value.strftime("%d/%m/%Y %H:%M:%S" if seconds else "%d/%m/%Y %H:%M")


def _serial(value: D | None):
    if value is None:
        return None
    delta = value - D(1899, 12, 30)
    return round(delta.days + delta.seconds / 86400, 8)


def _iso(value: D | None, utc: bool) -> str:
    if value is None:
        return ""
    if utc:  # the same instant written in UTC
        return (value - dt.timedelta(hours=7)).strftime("%Y-%m-%dT%H:%M:%SZ")
    return value.strftime("%Y-%m-%dT%H:%M:%S+07:00")


def _yes_no(value, yes="Có", no="Không") -> str:
    return "" if value is None else (yes if value else no)


def _rating(value) -> str:
    return RATING_WORDS.get(value, "") if value else ""


def _by(records, units, months):
    return [d for d in records if d.unit in units and d.received.month in months]


@dataclass
class Export:
    path: Path
    exit_code: int
    dossiers: list[Dossier]  # the states this file writes (in file order, the final state last)
    known: frozenset
    note: str = ""
    extra: dict = field(default_factory=dict)


def igate_xlsx(folder: Path, rows: list[Dossier]) -> Export:
    """Title block, abbreviated headers ("Mã HS", "Ngày hẹn trả KQ", "KQĐT"), text dates, Có/Không."""
    header = ["STT", "Mã HS", "Tên TTHC", "Cơ quan tiếp nhận", "Ngày nhận HS", "Ngày hẹn trả KQ", "Ngày có KQ",
              "Hình thức nộp", "Số hóa", "KQĐT", "Mức độ hài lòng", "Trạng thái"]
    body = [["UBND TỈNH ĐỒNG NAI"], ["TRUNG TÂM PHỤC VỤ HÀNH CHÍNH CÔNG"],
            ["DANH SÁCH HỒ SƠ TIẾP NHẬN TỪ 01/01/2024 ĐẾN 31/03/2024"], [], header]
    for i, d in enumerate(rows, start=1):
        if i % 60 == 1:  # a section row, as grouped reports print them
            body.append([f"{'I' * (1 + i // 60)}. Lĩnh vực Hộ tịch"])
        body.append([i, d.code, "Đăng ký khai sinh", d.unit, _dmy(d.received), _dmy(d.due) or "Không quy định",
                     _dmy(d.finished), d.channel_text, _yes_no(d.digitized), _yes_no(d.e_result), _rating(d.rating),
                     d.status or ("Đã trả kết quả" if d.finished else "Đang giải quyết")])
    return Export(_xlsx(folder / "01_igate_q1.xlsx", {"Danh sách hồ sơ": body}), 0, rows, ALL_FLAGS)


def merged_header_xlsx(folder: Path, rows: list[Dossier]) -> Export:
    """A two-row merged header ("Ngày" over received / due / finished), Excel serial numbers, 1/0 flags."""
    import xlsxwriter

    path = folder / "02_bao_cao_q2_serial.xlsx"
    book = xlsxwriter.Workbook(str(path))
    sheet = book.add_worksheet("Q2")
    sheet.write(0, 0, "BÁO CÁO TÌNH HÌNH GIẢI QUYẾT HỒ SƠ QUÝ II/2024")
    top = ["Mã hồ sơ", "Đơn vị tiếp nhận", "Ngày", None, None, "Kênh nộp", "Số hóa hồ sơ", "Kết quả điện tử",
           "Mức độ hài lòng (1-4)"]
    for j, text in enumerate(top):
        if text and j != 2:
            sheet.merge_range(2, j, 3, j, text)
    sheet.merge_range(2, 2, 2, 4, "Ngày")
    for j, text in enumerate(["Tiếp nhận", "Hẹn trả", "Có kết quả"], start=2):
        sheet.write(3, j, text)
    for i, d in enumerate(rows, start=4):
        values = [d.code, d.unit, _serial(d.received), _serial(d.due), _serial(d.finished), d.channel_text,
                  int(d.digitized), None if d.e_result is None else int(d.e_result), d.rating]
        for j, value in enumerate(values):
            if value is not None:
                sheet.write(i, j, value)
    book.close()
    return Export(path, 0, rows, ALL_FLAGS)


def semicolon_csv(folder: Path, rows: list[Dossier]) -> Export:
    """OpenCPS-like: ';' and a BOM, ISO timestamps with +07:00 or Z, no e-result column."""
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    writer.writerow(["Mã hồ sơ", "Tên thủ tục", "Tên cơ quan", "Cấp", "Kênh nộp", "Thời gian tiếp nhận", "Hạn xử lý",
                     "Thời gian có kết quả", "Tình trạng số hóa", "Đánh giá"])
    for i, d in enumerate(rows):
        utc = i % 3 == 0 or d.code.startswith("EDGE")
        writer.writerow([d.code, "Cấp; đổi giấy phép xây dựng\n(trường hợp \"điều chỉnh\")", d.unit, "Cấp huyện", d.channel_text, _iso(d.received, utc), _iso(d.due, utc),
                         _iso(d.finished, utc), "Đã số hóa" if d.digitized else "Chưa số hóa", _rating(d.rating)])
    # a row whose level column contradicts the registry (a huyện unit said to be a xã): rejected, so exit 3
    writer.writerow(["LEVEL-1", "Cấp giấy phép xây dựng", rows[0].unit, "Cấp xã", "Trực tiếp", _iso(rows[0].received, False),
                     "", "", "Chưa số hóa", ""])
    path = folder / "03_opencps_huyen.csv"
    path.write_text(out.getvalue(), encoding="utf-8-sig")
    return Export(path, 3, rows, ALL_FLAGS - {"e_result"})


def unicode_text(folder: Path, rows: list[Dossier]) -> Export:
    """Excel's 'Unicode text': UTF-16 with BOM, tabs; x / blank flags; no rating column."""
    lines = ["Mã hồ sơ\tTên đơn vị\tNgày tiếp nhận\tNgày hẹn trả\tNgày có kết quả\tHình thức nộp\tSố hóa\tCó KQ điện tử"]
    for d in rows:
        lines.append("\t".join([d.code, d.unit, _dmy(d.received), _dmy(d.due) or "Không có thời hạn", _dmy(d.finished),
                                d.channel_text, "x" if d.digitized else "", "x" if d.e_result else ""]))
    path = folder / "04_xa_phu_huu.txt"
    path.write_bytes(("\r\n".join(lines) + "\r\n").encode("utf-16"))
    return Export(path, 0, rows, ALL_FLAGS - {"rating"})


def per_unit_workbook(folder: Path, rows: list[Dossier]) -> Export:
    """Instructions, then one sheet per unit (real date cells), then a totals sheet; no digitization column."""
    header = ["Mã hồ sơ", "Cơ quan tiếp nhận", "Ngày tiếp nhận", "Ngày hẹn trả", "Ngày có kết quả", "Hình thức nộp",
              "Kết quả điện tử (Có/Không)", "Đánh giá hài lòng"]
    sheets: dict[str, list[list]] = {"Hướng dẫn": [["HƯỚNG DẪN"], ["Mỗi đơn vị một trang tính."]]}
    units = sorted({d.unit for d in rows})
    for k, unit in enumerate(units, start=1):
        mine = [d for d in rows if d.unit == unit]
        sheets[f"DV{k}"] = [[f"Đơn vị: {unit}"], header] + [
            [d.code, d.unit, d.received, d.due, d.finished, d.channel_text, _yes_no(d.e_result), _rating(d.rating)]
            for d in mine]
    sheets["Tổng hợp"] = [["Đơn vị", "Số hồ sơ"], *[[u, sum(d.unit == u for d in rows)] for u in units]]
    return Export(_xlsx(folder / "05_theo_don_vi.xlsx", sheets), 0, rows, ALL_FLAGS - {"digitized"})


def resave_with_bad_row(folder: Path, rows: list[Dossier]) -> Export:
    """An analyst's re-save: date-only due text, times with seconds, exact duplicate rows, one bad date."""
    header = ["Số hồ sơ", "Đơn vị", "Ngày tiếp nhận\n(dd/mm/yyyy hh:mm:ss)", "Hạn trả\nkết quả", "Ngày hoàn thành",
              "Hình thức\ntiếp nhận", "Đã số hóa", "Trả KQ điện tử", "Kết quả đánh giá"]
    body = [["BÁO CÁO 6 THÁNG ĐẦU NĂM 2024"], header]
    for i, d in enumerate(rows):
        line = [d.code, d.unit, _dmy(d.received, True), d.due.strftime("%d/%m/%Y") if d.due else "",
                _dmy(d.finished, True), d.channel_text, _yes_no(d.digitized), _yes_no(d.e_result), _rating(d.rating)]
        body.append(line)
        if i % 50 == 7:  # the same row twice
            body.append(list(line))
    body.append(["BAD-0001", rows[0].unit, "31/02/2024 08:00:00", "", "", "Trực tiếp", "Có", "", ""])
    body += [[], [None, f"Tổng cộng: {len(rows) + 1} hồ sơ"]]
    return Export(_xlsx(folder / "06_so_xay_dung_luu_lai.xlsx", {"Sheet1": body}), 3, rows, ALL_FLAGS)


def re_export(folder: Path, older: list[Dossier], newer: list[Dossier]) -> Export:
    """A later export: the newer (finished) state of dossiers first loaded as in progress; for some codes
    the older row is still there too (the finished state must win); no-deadline text in the due column."""
    header = ["Mã hồ sơ", "Cơ quan thực hiện", "Ngày tiếp nhận", "Hạn giải quyết", "Ngày trả kết quả thực tế",
              "Kênh tiếp nhận", "Số hóa", "Kết quả điện tử", "Mức độ hài lòng"]

    def line(d: Dossier) -> list:
        def iso(v):
            return v.strftime("%Y-%m-%d %H:%M:%S") if v else ""
        return [d.code, d.unit.upper(), iso(d.received), iso(d.due) or "Không có ngày hẹn trả", iso(d.finished),
                d.channel_text, _yes_no(d.digitized), _yes_no(d.e_result), _rating(d.rating)]

    body = [["DANH SÁCH HỒ SƠ (CẬP NHẬT NGÀY 28/06/2024)"], header]
    for i, d in enumerate(newer):
        if i % 4 == 0:  # the older state first, then the finished one
            body.append(line(older[i]))
        body.append(line(d))
        if i % 4 == 2:  # the finished state first, a stale in-progress row after it
            body.append(line(older[i]))
    return Export(_xlsx(folder / "07_cap_nhat_thang6.xlsx", {"Sheet1": body}), 0, newer, ALL_FLAGS)


def write_exports(folder: Path, records: list[Dossier]) -> list[Export]:
    """The files, in load order, and the final state of each dossier (``records`` with ``known`` set)."""
    q1, q2 = (1, 2, 3), (4, 5, 6)
    finished_late = [d for d in records if d.finished and d.finished.date() >= dt.date(2024, 6, 10)
                     and d.unit != "Sở Xây dựng"]
    reexported = finished_late[::3]
    shown_open = {d.code: replace(d, finished=None, e_result=None, rating=None) for d in reexported}

    def first_state(rows):
        return [shown_open.get(d.code, d) for d in rows]

    exports = [
        igate_xlsx(folder, first_state(_by(records, {"Sở Tư pháp"}, q1))),
        merged_header_xlsx(folder, first_state(_by(records, {"Sở Tư pháp"}, q2))),
        semicolon_csv(folder, first_state(_by(records, {"UBND huyện Nhơn Trạch", "UBND huyện Long Thành"}, q1 + q2))),
        unicode_text(folder, first_state(_by(records, {"UBND xã Phú Hữu"}, q1 + q2))),
        per_unit_workbook(folder, first_state(_by(records, {"UBND xã Long Tân", "UBND thị trấn Long Thành"}, q1 + q2))),
        resave_with_bad_row(folder, _by(records, {"Sở Xây dựng"}, q1 + q2)),
        re_export(folder, [shown_open[d.code] for d in reexported], reexported),
    ]
    return exports


def final_states(exports: list[Export]) -> list[Dossier]:
    """Each dossier as the last file that wrote it states it, with the flags that file has."""
    final: dict[str, Dossier] = {}
    for export in exports:
        for d in export.dossiers:
            final[d.code] = replace(d, known=export.known)
    return list(final.values())


# -- the truth (DOMAIN.md §4, literally) -----------------------------------------------------------

COUNTS = ("received", "resolved", "resolved_early", "resolved_on_time", "resolved_overdue", "in_progress",
          "in_progress_overdue")
RATES = ("on_time_rate", "digitization_rate", "e_result_rate", "online_rate", "satisfaction_rate")


def _ratio(numerator: int, denominator: int):
    return None if denominator == 0 else numerator / denominator


def kpis(dossiers: list[Dossier], start: dt.date, end: dt.date, data_date: dt.date) -> dict:
    as_of = min(end, data_date)
    dossiers = [d for d in dossiers if not d.withdrawn]
    received = [d for d in dossiers if start <= d.received.date() <= end]
    resolved = [d for d in dossiers if d.finished and start <= d.finished.date() <= end]
    early = [d for d in resolved if d.due and d.finished.date() < d.due.date()]
    on_time = [d for d in resolved if d.due is None or d.finished.date() == d.due.date()]
    overdue = [d for d in resolved if d.due and d.finished.date() > d.due.date()]
    open_ = [d for d in dossiers if d.received.date() <= as_of and (d.finished is None or d.finished.date() > as_of)]
    open_overdue = [d for d in open_ if d.due and d.due.date() < as_of]
    channel_known = [d for d in received if "channel" in d.known]
    digit_known = [d for d in received if "digitized" in d.known]
    er_known = [d for d in resolved if "e_result" in d.known]
    rated = [d for d in resolved if "rating" in d.known and d.rating]
    return {
        "received": len(received), "resolved": len(resolved), "resolved_early": len(early),
        "resolved_on_time": len(on_time), "resolved_overdue": len(overdue), "in_progress": len(open_),
        "in_progress_overdue": len(open_overdue),
        "on_time_rate": _ratio(len(early) + len(on_time), len(resolved)),
        "digitization_rate": _ratio(sum(d.digitized for d in digit_known), len(digit_known)),
        "e_result_rate": _ratio(sum(bool(d.e_result) for d in er_known), len(er_known)),
        "online_rate": _ratio(sum(d.channel == "online" for d in channel_known), len(channel_known)),
        "satisfaction_rate": _ratio(sum(d.rating >= 3 for d in rated), len(rated)),
    }


def data_date_of(dossiers: list[Dossier]) -> dt.date:
    return max(max(d.received.date(), d.finished.date() if d.finished else d.received.date()) for d in dossiers)


def truth(dossiers: list[Dossier], start: dt.date, end: dt.date) -> dict:
    latest = data_date_of(dossiers)
    return {"total": kpis(dossiers, start, end, latest),
            "levels": {lv: kpis([d for d in dossiers if d.level == lv], start, end, latest) for lv in LEVELS},
            "as_of": min(end, latest).isoformat(), "data_date": latest.isoformat()}

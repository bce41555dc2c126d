"""Exports of other systems, built by code: the layouts and values real one-stop systems and offices write.

Each builder writes one file into a folder and returns its path; the tests in ``test_exports.py``
know every value it wrote, so their expectations are computed by hand from the rows here.

- ``igate_like``: a VNPT-iGate-style "Danh sách hồ sơ": title block, STT, text date-times with seconds,
  "Không quy định" in the due column, channel texts with service levels and a kiosk, no digitization /
  e-result columns.
- ``opencps_like``: an OpenCPS-style CSV (UTF-8 with BOM): ISO timestamps with offsets (+07:00, Z),
  three-level rating words.
- ``analyst_resave``: an analyst's re-save in Excel: real date cells, serial numbers, d/m/yy, SA/CH times,
  x-marks for digitization, "Có KQĐT" / blank for e-results, a footer.
- ``unicode_text``: Excel's "Unicode text" save: UTF-16 LE with BOM, tab-separated, CRLF.
- ``per_unit_workbook``: an instructions sheet, one sheet per unit (columns in another order on some),
  a summary sheet.
- ``tcvn3_csv`` / ``tcvn3_xlsx`` / ``vni_xlsx``: text typed with the legacy .VnTime (TCVN3) and VNI fonts.
"""
from __future__ import annotations

import datetime as dt
from pathlib import Path

D = dt.datetime

# TCVN3 (ABC) spellings, byte for byte as glibc's TCVN5712-1 encodes the Unicode text (checked with iconv).
TCVN3 = {
    "Sở Tư pháp": "Së T\xad ph¸p", "UBND xã Phú Hữu": "UBND x· Phó H÷u", "UBND huyện Nhơn Trạch": "UBND huyÖn Nh¬n Tr¹ch",
    "Đăng ký khai sinh": "§¨ng ký khai sinh", "Trực tuyến": "Trùc tuyÕn", "Trực tiếp": "Trùc tiÕp", "Hộ tịch": "Hé tÞch",
    "Đất đai": "§Êt ®ai", "Đã trả kết quả": "§· tr¶ kÕt qu¶", "Đang giải quyết": "§ang gi¶i quyÕt",
    "Nguyễn Văn An": "NguyÔn V¨n An", "Có": "Cã", "Không": "Kh«ng",
}
# VNI-Windows spellings (a base letter, then the mark letter).
VNI = {
    "Sở Tư pháp": "Sôû Tö phaùp", "UBND xã Phú Hữu": "UBND xaõ Phuù Höõu", "UBND huyện Nhơn Trạch": "UBND huyeän Nhôn Traïch",
    "Đăng ký khai sinh": "Ñaêng kyù khai sinh", "Trực tuyến": "Tröïc tuyeán", "Trực tiếp": "Tröïc tieáp",
    "Hộ tịch": "Hoä tòch", "Đất đai": "Ñaát ñai", "Đã trả kết quả": "Ñaõ traû keát quaû",
    "Đang giải quyết": "Ñang giaûi quyeát", "Nguyễn Văn An": "Nguyeãn Vaên An", "Có": "Coù", "Không": "Khoâng",
}


def _xlsx(path: Path, sheets: dict[str, list[list]]) -> Path:
    """An .xlsx with the given sheets (rows of Python values; datetimes become real date cells)."""
    import xlsxwriter

    workbook = xlsxwriter.Workbook(str(path), {"strings_to_numbers": False, "strings_to_formulas": False,
                                              "strings_to_urls": False})
    when = workbook.add_format({"num_format": "dd/mm/yyyy hh:mm"})
    for name, rows in sheets.items():
        sheet = workbook.add_worksheet(name)
        for i, row in enumerate(rows):
            for j, value in enumerate(row):
                if isinstance(value, dt.datetime):
                    sheet.write_datetime(i, j, value, when)
                elif value is not None:
                    sheet.write(i, j, value)
    workbook.close()
    return path


# -- VNPT iGate-like ---------------------------------------------------------------------------

IGATE_HEADER = ["STT", "Mã hồ sơ", "Tên thủ tục", "Lĩnh vực", "Chủ hồ sơ", "Cơ quan tiếp nhận", "Ngày tiếp nhận",
                "Ngày hẹn trả", "Ngày có kết quả", "Hình thức nộp", "Trạng thái"]
# code, received, due, finished, channel: hand-picked so every expectation can be counted by hand
IGATE_ROWS = [
    ("000.00.12.H12-240305-0001", "05/03/2024 08:30:15", "12/03/2024 17:00:00", "11/03/2024 09:00:00", "Trực tuyến mức độ 4"),
    ("000.00.12.H12-240305-0002", "05/03/2024 09:10:00", "Không quy định", "20/03/2024 10:00:00", "Trực tiếp"),
    ("000.00.12.H12-240306-0003", "06/03/2024 14:00:00", "13/03/2024 17:00:00", "15/03/2024 08:00:00", "Dịch vụ bưu chính công ích"),
    ("000.00.12.H12-240307-0004", "07/03/2024 10:00:00", "Không có ngày hẹn trả", None, "Kiosk tự phục vụ"),
    ("000.00.12.H12-240308-0005", "08/03/2024 15:45:00", "15/03/2024 17:00:00", None, "DVC trực tuyến một phần"),
    ("000.00.12.H12-240311-0006", "11/03/2024 08:00:00", "18/03/2024 17:00:00", "18/03/2024 16:00:00", "Kiosk tự phục vụ"),
]


def igate_like(folder: Path) -> Path:
    rows = [["UBND TỈNH ĐỒNG NAI"], ["DANH SÁCH HỒ SƠ TIẾP NHẬN"], ["Từ ngày 01/03/2024 đến ngày 31/03/2024"], [],
            IGATE_HEADER]
    for i, (code, received, due, finished, channel) in enumerate(IGATE_ROWS, start=1):
        status = "Đã trả kết quả" if finished else "Đang giải quyết"
        rows.append([i, code, "Đăng ký khai sinh", "Hộ tịch", f"Công dân {i}", "Sở Tư pháp", received, due, finished,
                     channel, status])
    return _xlsx(folder / "igate_danh_sach_ho_so.xlsx", {"Danh sách": rows})


# -- OpenCPS-like ------------------------------------------------------------------------------

OPENCPS_HEADER = ["Mã hồ sơ", "Đơn vị", "Lĩnh vực", "Thủ tục", "Kênh nộp", "Thời gian tiếp nhận", "Hạn xử lý",
                  "Thời gian có kết quả", "Đánh giá"]
OPENCPS_ROWS = [
    # code, received, due, finished, rating
    ("OC-01", "2024-03-04T08:00:00+07:00", "2024-03-08T17:00:00+07:00", "2024-03-08T09:00:00+07:00", "Hài lòng"),
    ("OC-02", "2024-03-04T01:30:00Z", "2024-03-06T10:00:00Z", "2024-03-06T10:30:00Z", "Bình thường"),  # 08:30, due 17:00, done 17:30 (Vietnam)
    ("OC-03", "2024-03-31T20:00:00Z", "2024-04-05T10:00:00Z", "", "Không hài lòng"),  # received 01/04/2024 03:00 Vietnam
    ("OC-04", "2024-03-05T08:15:00.000+07:00", "", "2024-03-07T11:00:00+07:00", ""),
]


def opencps_like(folder: Path) -> Path:
    lines = [";".join(OPENCPS_HEADER)]
    for code, received, due, finished, rating in OPENCPS_ROWS:
        lines.append(";".join([code, "UBND xã Phú Hữu", "Hộ tịch", "Đăng ký khai sinh", "Trực tuyến", received, due,
                               finished, rating]))
    path = folder / "opencps_hoso.csv"
    path.write_text("\r\n".join(lines) + "\r\n", encoding="utf-8-sig")
    return path


# -- an analyst's re-save in Excel ----------------------------------------------------------------

RESAVE_HEADER = ["Số hồ sơ", "Cơ quan tiếp nhận", "Ngày tiếp nhận", "Ngày hẹn trả", "Ngày có kết quả", "Số hóa",
                 "Kết quả điện tử", "Mức độ hài lòng", "Ghi chú"]
RESAVE_ROWS = [
    # received as a real date cell / serial / text; flags x / blank; e-result "Có KQĐT" / blank
    ["RS-1", "UBND huyện Nhơn Trạch", D(2024, 3, 4, 8, 0), "11/3/24", "8/3/24 2:30 CH", "x", "Có KQĐT", "4 - Rất hài lòng", ""],
    ["RS-2", "UBND huyện Nhơn Trạch", 45357.375, "12/03/2024", "12/03/2024 9:00 SA", None, None, "Hài lòng", "nộp lại"],
    ["RS-3", "UBND huyện Nhơn Trạch", "6/3/24 8h30", "13/03/2024", None, "x", None, None, ""],
]


def analyst_resave(folder: Path) -> Path:
    rows = [["BÁO CÁO HỒ SƠ THÁNG 3/2024"], RESAVE_HEADER, *RESAVE_ROWS, [], [None, "Tổng cộng: 3 hồ sơ"],
            [None, "Người lập biểu"]]
    return _xlsx(folder / "bao_cao_thang3_luu_lai.xlsx", {"Sheet1": rows})


# -- Excel "Unicode text" -----------------------------------------------------------------------

def unicode_text(folder: Path) -> Path:
    lines = ["Mã hồ sơ\tCơ quan tiếp nhận\tNgày tiếp nhận\tNgày hẹn trả\tNgày có kết quả\tHình thức nộp",
             "U-1\tSở Tư pháp\t5/3/2024 8:00\t12/3/2024\t11/3/2024 10:00\tTrực tuyến",
             "U-2\tUBND xã Phú Hữu\t6/3/2024 9:30\t13/3/2024\t\tTrực tiếp",
             '"U-3"\t"UBND huyện Nhơn Trạch"\t7/3/2024 14:00\t14/3/2024\t15/3/2024 8:00\t"Qua bưu chính"']
    path = folder / "xuat_unicode_text.txt"
    path.write_bytes("\r\n".join(lines).encode("utf-16"))  # Python writes the BOM, little-endian here
    return path


# -- one sheet per unit --------------------------------------------------------------------------

UNIT_SHEETS = {"Sở Tư pháp": 3, "UBND huyện Nhơn Trạch": 4, "UBND xã Phú Hữu": 2}
PER_UNIT_HEADER = ["Mã hồ sơ", "Cơ quan tiếp nhận", "Ngày tiếp nhận", "Ngày hẹn trả", "Ngày có kết quả", "Hình thức nộp"]


def per_unit_workbook(folder: Path, units: dict[str, int] = UNIT_SHEETS, name: str = "theo_don_vi.xlsx") -> Path:
    """'Hướng dẫn', then one sheet per unit (the second one with its columns reordered), then 'Tổng hợp'."""
    sheets: dict[str, list[list]] = {"Hướng dẫn": [["HƯỚNG DẪN NHẬP LIỆU"], ["Mỗi đơn vị một trang tính."],
                                                   ["Ngày ghi dạng dd/mm/yyyy."]]}
    for k, (unit, n) in enumerate(units.items()):
        rows = [[f"{unit[:3].upper()}-{k:02d}-{i:05d}", unit, D(2024, 3, 1 + i % 28, 8), D(2024, 3, 1 + i % 28, 8)
                 + dt.timedelta(days=7), None, "Trực tuyến" if i % 2 else "Trực tiếp"] for i in range(n)]
        if k == 1:  # this unit's sheet has the date columns first
            order = [2, 3, 4, 0, 1, 5]
            sheets[f"DV{k + 1}"] = [[PER_UNIT_HEADER[j] for j in order]] + [[r[j] for j in order] for r in rows]
        else:
            sheets[f"DV{k + 1}"] = [[f"Đơn vị: {unit}"], PER_UNIT_HEADER] + rows
    sheets["Tổng hợp"] = [["Đơn vị", "Số hồ sơ tiếp nhận"], *[[unit, n] for unit, n in units.items()]]
    return _xlsx(folder / name, sheets)


# -- legacy fonts ----------------------------------------------------------------------------------

LEGACY_HEADER = ["Ma ho so", "Co quan tiep nhan", "Linh vuc", "Ten thu tuc", "Hinh thuc nop", "Ngay tiep nhan",
                 "Ngay hen tra", "Ngay co ket qua", "Chu ho so", "Trang thai"]
LEGACY_ROWS = [  # Unicode values; the builders write them in the legacy encoding
    ["LG-1", "Sở Tư pháp", "Hộ tịch", "Đăng ký khai sinh", "Trực tuyến", "04/03/2024 08:00", "11/03/2024",
     "08/03/2024 10:00", "Nguyễn Văn An", "Đã trả kết quả"],
    ["LG-2", "UBND xã Phú Hữu", "Hộ tịch", "Đăng ký khai sinh", "Trực tiếp", "05/03/2024 09:00", "12/03/2024", "",
     "Nguyễn Văn An", "Đang giải quyết"],
    ["LG-3", "UBND huyện Nhơn Trạch", "Đất đai", "Đăng ký khai sinh", "Trực tiếp", "06/03/2024 10:00", "13/03/2024",
     "14/03/2024 15:00", "Nguyễn Văn An", "Đã trả kết quả"],
]


def _legacy(value: str, table: dict[str, str]) -> str:
    return table.get(value, value)


def tcvn3_csv(folder: Path) -> Path:
    """ASCII headers, TCVN3 values, saved by Excel as CSV ("ANSI": the font's bytes as they are)."""
    lines = [",".join(LEGACY_HEADER)] + [",".join(_legacy(v, TCVN3) for v in row) for row in LEGACY_ROWS]
    path = folder / "tcvn3_hoso.csv"
    path.write_bytes("\r\n".join(lines).encode("latin-1"))
    return path


def tcvn3_xlsx(folder: Path) -> Path:
    rows = [LEGACY_HEADER] + [[_legacy(v, TCVN3) for v in row] for row in LEGACY_ROWS]
    return _xlsx(folder / "tcvn3_hoso.xlsx", {"Sheet1": rows})


def vni_xlsx(folder: Path) -> Path:
    rows = [LEGACY_HEADER] + [[_legacy(v, VNI) for v in row] for row in LEGACY_ROWS]
    return _xlsx(folder / "vni_hoso.xlsx", {"Sheet1": rows})

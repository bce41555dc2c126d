"""Helpers of the analyst-workflow tests: AppTest pages with a logged-in user, small spreadsheets, Biểu 06 files."""
from __future__ import annotations

import datetime as dt
from pathlib import Path

from kpi.access.permissions import User

ROOT = Path(__file__).resolve().parent.parent
XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
HEADERS = ["Mã hồ sơ", "Cơ quan tiếp nhận", "Lĩnh vực", "Tên thủ tục", "Hình thức nộp", "Ngày tiếp nhận",
           "Ngày hẹn trả", "Ngày có kết quả", "Số hóa", "Kết quả điện tử", "Chủ hồ sơ"]


def page(name: str, user: User, timeout: int = 60):
    """AppTest of pages/<name>.py with ``user`` logged in (TTHC_DB must point at the test warehouse)."""
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(str(ROOT / "pages" / f"{name}.py"), default_timeout=timeout)
    at.session_state["user"] = user
    at.session_state["last_seen"] = dt.datetime.now()
    return at


def upload(at, *files: tuple[str, bytes]):
    """Put files into the page's uploader and run."""
    at.file_uploader[0].set_value([(name, data, XLSX_MIME) for name, data in files])
    return at.run()


def button(at, label: str):
    matches = [b for b in at.button if b.label == label]
    assert matches, f"no button {label!r}; have {[b.label for b in at.button]}"
    return matches[0]


def metrics(at) -> dict[str, str]:
    return {m.label: m.value for m in at.metric}


def no_exceptions(at) -> None:
    assert not at.exception, [e.value for e in at.exception]


def write_table(path: Path, headers: list[str], rows: list[list], title: list[str] = ()) -> Path:
    """A plain .xlsx: optional title lines, one header row, the rows as given (strings stay strings)."""
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.title = "Dữ liệu"
    for line in title:
        ws.append([line])
    ws.append(headers)
    for row in rows:
        ws.append(row)
    for line in ws.iter_rows():
        for cell in line:
            if isinstance(cell.value, str) and cell.value.startswith("="):
                cell.data_type = "s"  # text that looks like a formula, as exports contain
    wb.save(path)
    return path


def dossier_row(code: str, unit: str = "Sở Tư pháp", received: str = "05/03/2024 08:00", due: str = "15/03/2024",
                finished: str | None = "12/03/2024 10:00", *, field: str = "Hộ tịch", channel: str = "Trực tiếp",
                digitized: str = "Có", e_result: str = "Không", applicant: str = "Nguyễn Văn A") -> list:
    return [code, unit, field, "Đăng ký khai sinh", channel, received, due, finished, digitized, e_result, applicant]


FORM06_NUMBERS = ["(1)", "(2)", "(3)", "(4)", "(5)", "(6)", "(7)", "(8)", "(9)", "(10)", "(11)", "(12)", "(13)"]


def write_form06(path: Path, rows: list[list], *, unit: str | None = "UBND xã Phước An",
                 period: str | None = "Kỳ báo cáo: Quý I/2024 (từ ngày 01/01/2024 đến ngày 31/03/2024)",
                 level_row: str | None = "Cấp xã") -> Path:
    """A Biểu 06 like units send it: title block, three header rows, the numbers row, level row, field rows, total.

    ``rows`` are [lĩnh vực, c3, c4, …, c13].
    """
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.title = "Biểu 06"
    ws.append(["Biểu số 06/VPCP/KSTT"])
    ws.append(["TÌNH HÌNH, KẾT QUẢ GIẢI QUYẾT THỦ TỤC HÀNH CHÍNH"])
    ws.append([period] if period else [])
    ws.append([f"Đơn vị báo cáo: {unit}"] if unit else [])
    ws.append(["STT", "Lĩnh vực, công việc giải quyết theo cấp", "Số hồ sơ nhận giải quyết", None, None, None,
               "Số hồ sơ đã giải quyết", None, None, None, "Số hồ sơ đang giải quyết"])
    ws.append([None, None, "Tổng số", "Trong đó", None, None, "Tổng số", "Trước hạn", "Đúng hạn", "Quá hạn", "Tổng số",
               "Trong hạn", "Quá hạn"])
    ws.append([None, None, None, "Trực tuyến", "Trực tiếp, dịch vụ bưu chính", "Từ kỳ trước chuyển qua"])
    ws.append(FORM06_NUMBERS)
    if level_row:
        ws.append(["I", level_row])
    for i, row in enumerate(rows, start=1):
        ws.append([str(i), *row])
    ws.append([None, "TỔNG CỘNG"])
    ws.append([])
    ws.append([None, "NGƯỜI LẬP BIỂU", None, None, None, None, None, None, "THỦ TRƯỞNG ĐƠN VỊ"])
    wb.save(path)
    return path

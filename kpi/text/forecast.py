"""Vietnamese words of the year-end forecast and required pace (``kpi.measures.forecast``).

One place for how a forecast is said, on the overview tiles, the slides, the PDF pack and
``python -m kpi forecast``.
"""
from __future__ import annotations

FORECAST_LINE = "Dự báo cuối năm {value} ({low}–{high})"
FORECAST_LEVEL = "{level}: dự báo {value} ({low}–{high})"
PACE_NEEDED = "Cần đạt {rate}/tháng {span}"
PACE_CEILING = "Cần giữ dưới {rate}/tháng {span}"
PACE_IMPOSSIBLE = "Không thể đạt chỉ tiêu {target} cả năm (cần {rate}/tháng {span})"
PACE_CERTAIN = "Đã chắc chắn đạt chỉ tiêu {target} cả năm"
SPAN_FROM_NOW = "từ nay đến 31/12"
SPAN_FROM_DAY = "từ {day} đến 31/12"

METHOD_SEASONAL = "theo mùa vụ các năm {years}"
METHOD_LINEAR = "theo xu hướng từ đầu năm {year} (chưa có năm trước đủ 12 tháng)"
METHOD_NOTE = ("Dự báo cuối năm {year} tính đến ngày {as_of}, {method}; khoảng trong ngoặc là khoảng tin cậy "
               "{level}%, ước lượng từ sai số khi dự báo lại các năm trước và độ dao động của các tháng gần nhất.")

# python -m kpi forecast
CLI_TITLE = "Dự báo cuối năm {year} (số liệu đến ngày {as_of})"
CLI_NO_DATA = "Chưa có dữ liệu năm {year}: không dự báo."
CLI_COLUMNS = ("Chỉ tiêu", "Phạm vi", "Từ đầu năm", "Dự báo 31/12", "Khoảng", "Chỉ tiêu KH", "Nhịp độ cần đạt")
ALL_SCOPE = "Toàn bộ"
CLI_INDEX_TITLE = "Chỉ số 766 dự báo cuối năm {year} (mô phỏng từ dữ liệu của tỉnh):"
CLI_INDEX_ROW = "{value} ({low}–{high}) / {covered} điểm có dữ liệu"
CLI_INDEX_TOTAL = "Tổng"

# The meeting slides and the PDF pack.
SLIDE_TITLE = "Dự báo cuối năm {year} và nhịp độ cần đạt"
NARRATIVE_IMPOSSIBLE = "Theo nhịp độ hiện nay, không thể đạt cả năm: {names}."
NARRATIVE_NEEDED = "Cần tăng tốc: {items}."
NARRATIVE_NEEDED_ITEM = "{kpi} cần {rate}/tháng"
NARRATIVE_ON_TRACK = "Theo nhịp độ hiện nay, mọi chỉ tiêu đều dự báo đạt cả năm."
NARRATIVE_REST_ON_TRACK = "Còn lại dự báo đạt."
NARRATIVE_INDEX = "Chỉ số 766 (mô phỏng) dự báo cuối năm {value} điểm ({low}–{high}) trên {covered} điểm có dữ liệu."

# Short forms for a table cell (the slides and the PDF pack).
PACE_SHORT_NEEDED = "cần {rate}/tháng"
PACE_SHORT_CEILING = "giữ dưới {rate}/tháng"
PACE_SHORT_IMPOSSIBLE = "không thể đạt (cần {rate})"
PACE_SHORT_CERTAIN = "đã chắc chắn đạt"
SLIDE_COLUMNS = ("Chỉ tiêu", "Phạm vi", "Từ đầu năm", "Dự báo 31/12 (khoảng)", "Chỉ tiêu KH", "Cần đạt/tháng đến 31/12")
SLIDE_HEADLINE_LABEL = "Chỉ tiêu dự báo đạt cả năm"
SLIDE_CONTINUED = " (tiếp)"
SLIDE_CONTINUED_NOTE = "Tiếp bảng dự báo cuối năm {year}: các chỉ tiêu còn lại."
SLIDE_SUBTITLE = "Năm {year} · số liệu đến ngày {as_of} · dự báo {method} · khoảng tin cậy {level}%"
SLIDE_METHOD_SEASONAL = "theo mùa vụ {years}"
SLIDE_METHOD_LINEAR = "theo xu hướng năm {year}"
SLIDE_COLUMN_WIDTHS = (0.24, 0.09, 0.12, 0.21, 0.11, 0.23)

# The index page (Chỉ số 766).
INDEX_HEADING = "Dự báo cuối năm {year}"
INDEX_COLUMNS = ("Nhóm", "Từ đầu năm", "Dự báo 31/12 (khoảng)", "Điểm có dữ liệu")
INDEX_TOTAL = "Tổng"
INDEX_NOTE = ("Mô phỏng từ dữ liệu của tỉnh: mỗi nhóm là công thức của nhóm áp vào dự báo cuối năm của các tỷ lệ "
              "đầu vào (TDGQ = 20 × tỷ lệ tiến độ dự báo …); khoảng trong ngoặc là điểm ở hai đầu khoảng dự báo "
              "của các tỷ lệ. Nhóm chưa có dữ liệu không tính (không phải 0 điểm).")

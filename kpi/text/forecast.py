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
NO_FORECAST = "Chưa có dữ liệu năm {year} để dự báo"
FINAL = "Cả năm {year}: {value} (đã hết năm, không dự báo)"

METHOD_SEASONAL = "theo mùa vụ các năm {years}"
METHOD_LINEAR = "theo xu hướng từ đầu năm {year} (chưa có năm trước đủ 12 tháng)"
METHOD_NOTE = ("Dự báo cuối năm {year} tính đến ngày {as_of}, {method}; khoảng trong ngoặc chứa giá trị "
               "cuối năm khoảng {level}% số lần khi kiểm tra lại trên số liệu các năm trước.")

# python -m kpi forecast
CLI_TITLE = "Dự báo cuối năm {year} (số liệu đến ngày {as_of})"
CLI_NO_DATA = "Chưa có dữ liệu năm {year}: không dự báo."
CLI_COLUMNS = ("Chỉ tiêu", "Phạm vi", "Đến nay", "Dự báo 31/12", "Khoảng", "Chỉ tiêu KH", "Nhịp độ cần đạt")
ALL_SCOPE = "Toàn bộ"

# The meeting slides and the PDF pack.
SLIDE_TITLE = "Dự báo cuối năm {year} và nhịp độ cần đạt"
SLIDE_LEAD = "Dự báo cuối năm {year}"
NARRATIVE_IMPOSSIBLE = "Theo nhịp độ hiện nay, không thể đạt chỉ tiêu cả năm: {names}."
NARRATIVE_NEEDED = "Cần tăng tốc để đạt chỉ tiêu cả năm: {items}."
NARRATIVE_NEEDED_ITEM = "{kpi} cần đạt {rate}/tháng (dự báo {value})"
NARRATIVE_ON_TRACK = "Theo nhịp độ hiện nay, các chỉ tiêu còn lại dự báo đạt cả năm."
NARRATIVE_NONE = "Chưa đủ dữ liệu để dự báo cuối năm."

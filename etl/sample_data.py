"""Reference lists behind the generated sample (etl/sample.py): units, procedures, names.

Plain data, no logic. Names are real or real-style for a Đồng Nai-like province;
the 2025 reform (departments merged on 01/03/2025, districts abolished and
communes merged on 01/07/2025, the province merged with Bình Phước) follows the
actual decisions in spirit, not commune by commune.
"""
from __future__ import annotations

import datetime as dt

DEPARTMENT_MERGE = dt.date(2025, 3, 1)

# Provincial agencies: (name, relative daily volume); a unit's procedures are PROCEDURES[name].
DEPARTMENTS: tuple[tuple[str, float], ...] = (
    ("Sở Tư pháp", 2.5),
    ("Sở Tài nguyên và Môi trường", 4.0),
    ("Sở Kế hoạch và Đầu tư", 2.5),
    ("Sở Xây dựng", 1.2),
    ("Sở Giao thông vận tải", 3.5),
    ("Sở Lao động - Thương binh và Xã hội", 2.5),
    ("Sở Y tế", 1.8),
    ("Sở Giáo dục và Đào tạo", 1.2),
    ("Sở Công Thương", 1.2),
    ("Sở Nông nghiệp và Phát triển nông thôn", 1.0),
    ("Sở Văn hóa, Thể thao và Du lịch", 0.5),
    ("Sở Nội vụ", 0.5),
    ("Sở Tài chính", 0.5),
    ("Sở Thông tin và Truyền thông", 0.3),
    ("Sở Khoa học và Công nghệ", 0.4),
    ("Ban Quản lý các Khu công nghiệp", 1.5),
    ("Công an tỉnh", 2.0),
    ("Trung tâm Phục vụ hành chính công tỉnh", 0.6),
    ("Thanh tra tỉnh", 0.1),
    ("Ban Dân tộc tỉnh", 0.1),
)

# 01/03/2025: old department -> successor. A successor not in DEPARTMENTS is a new unit.
DEPARTMENT_SUCCESSORS: dict[str, str] = {
    "Sở Kế hoạch và Đầu tư": "Sở Tài chính",
    "Sở Giao thông vận tải": "Sở Xây dựng",
    "Sở Tài nguyên và Môi trường": "Sở Nông nghiệp và Môi trường",
    "Sở Nông nghiệp và Phát triển nông thôn": "Sở Nông nghiệp và Môi trường",
    "Sở Lao động - Thương binh và Xã hội": "Sở Nội vụ",
    "Sở Thông tin và Truyền thông": "Sở Khoa học và Công nghệ",
    "Ban Dân tộc tỉnh": "Sở Dân tộc và Tôn giáo",
}

# Districts: (name, relative size). Their communes follow in COMMUNES.
DISTRICTS: tuple[tuple[str, float], ...] = (
    ("UBND thành phố Biên Hòa", 3.0),
    ("UBND thành phố Long Khánh", 1.0),
    ("UBND huyện Nhơn Trạch", 1.0),
    ("UBND huyện Long Thành", 1.1),
    ("UBND huyện Trảng Bom", 1.3),
    ("UBND huyện Thống Nhất", 0.7),
    ("UBND huyện Vĩnh Cửu", 0.6),
    ("UBND huyện Định Quán", 0.7),
    ("UBND huyện Tân Phú", 0.6),
    ("UBND huyện Xuân Lộc", 0.9),
    ("UBND huyện Cẩm Mỹ", 0.6),
)

# Old communes per district (valid until 30/06/2025): "kind name" without "UBND".
COMMUNES: dict[str, tuple[str, ...]] = {
    "UBND thành phố Biên Hòa": tuple("phường " + n for n in (
        "Tân Phong", "Tân Biên", "Hố Nai", "Tân Hòa", "Tân Hiệp", "Bửu Long", "Tân Tiến", "Tam Hiệp",
        "Long Bình", "Quang Vinh", "Tân Mai", "Thống Nhất", "Trung Dũng", "Tam Hòa", "Hòa Bình",
        "Quyết Thắng", "Thanh Bình", "Bình Đa", "An Bình", "Bửu Hòa", "Long Bình Tân", "Tân Vạn",
        "Tân Hạnh", "Hiệp Hòa", "Hóa An", "An Hòa", "Tam Phước", "Phước Tân", "Long Hưng")),
    "UBND thành phố Long Khánh": tuple(["phường " + n for n in (
        "Xuân Trung", "Xuân Thanh", "Xuân Bình", "Xuân An", "Xuân Hòa", "Phú Bình", "Bàu Sen",
        "Suối Tre", "Xuân Lập", "Xuân Tân", "Bảo Vinh")] + ["xã " + n for n in (
        "Bảo Quang", "Bàu Trâm", "Bình Lộc", "Hàng Gòn")]),
    "UBND huyện Nhơn Trạch": ("thị trấn Hiệp Phước",) + tuple("xã " + n for n in (
        "Phú Hội", "Phú Hữu", "Phú Đông", "Phú Thạnh", "Phước Thiền", "Long Tân", "Long Thọ",
        "Phước Khánh", "Vĩnh Thanh", "Đại Phước")),
    "UBND huyện Long Thành": ("thị trấn Long Thành",) + tuple("xã " + n for n in (
        "An Phước", "Bình An", "Bình Sơn", "Cẩm Đường", "Long An", "Long Đức", "Long Phước", "Lộc An",
        "Phước Bình", "Phước Thái", "Suối Trầu", "Tam An", "Tân Hiệp", "Bàu Cạn")),
    "UBND huyện Trảng Bom": ("thị trấn Trảng Bom",) + tuple("xã " + n for n in (
        "An Viễn", "Bắc Sơn", "Bàu Hàm", "Bình Minh", "Cây Gáo", "Đồi 61", "Đông Hòa", "Giang Điền",
        "Hố Nai 3", "Hưng Thịnh", "Quảng Tiến", "Sông Thao", "Sông Trầu", "Tây Hòa", "Thanh Bình",
        "Trung Hòa")),
    "UBND huyện Thống Nhất": ("thị trấn Dầu Giây",) + tuple("xã " + n for n in (
        "Bàu Hàm 2", "Gia Kiệm", "Gia Tân 1", "Gia Tân 2", "Gia Tân 3", "Hưng Lộc", "Lộ 25",
        "Quang Trung", "Xuân Thạnh", "Xuân Thiện")),
    "UBND huyện Vĩnh Cửu": ("thị trấn Vĩnh An",) + tuple("xã " + n for n in (
        "Bình Hòa", "Bình Lợi", "Hiếu Liêm", "Mã Đà", "Phú Lý", "Tân An", "Tân Bình", "Thạnh Phú",
        "Thiện Tân", "Trị An", "Vĩnh Tân")),
    "UBND huyện Định Quán": ("thị trấn Định Quán",) + tuple("xã " + n for n in (
        "Gia Canh", "La Ngà", "Ngọc Định", "Phú Cường", "Phú Hòa", "Phú Lợi", "Phú Ngọc", "Phú Tân",
        "Phú Túc", "Phú Vinh", "Suối Nho", "Thanh Sơn", "Túc Trưng")),
    "UBND huyện Tân Phú": ("thị trấn Tân Phú",) + tuple("xã " + n for n in (
        "Đắk Lua", "Nam Cát Tiên", "Núi Tượng", "Phú An", "Phú Bình", "Phú Điền", "Phú Lâm", "Phú Lập",
        "Phú Lộc", "Phú Sơn", "Phú Hưng", "Phú Thịnh", "Phú Trung", "Phú Xuân", "Tà Lài", "Trà Cổ")),
    "UBND huyện Xuân Lộc": ("thị trấn Gia Ray",) + tuple("xã " + n for n in (
        "Bảo Hòa", "Lang Minh", "Suối Cao", "Suối Cát", "Xuân Bắc", "Xuân Định", "Xuân Hiệp",
        "Xuân Hòa", "Xuân Hưng", "Xuân Phú", "Xuân Tâm", "Xuân Phước", "Xuân Thọ", "Xuân Trường")),
    "UBND huyện Cẩm Mỹ": ("thị trấn Long Giao",) + tuple("xã " + n for n in (
        "Bảo Bình", "Lâm San", "Nhân Nghĩa", "Sông Nhạn", "Sông Ray", "Thừa Đức", "Xuân Bảo",
        "Xuân Đông", "Xuân Đường", "Xuân Mỹ", "Xuân Quế", "Xuân Tây")),
}

# New communes from 01/07/2025, per old district: the old communes of the district
# are merged, in order, into these (each new one takes a consecutive run).
NEW_COMMUNES: dict[str, tuple[str, ...]] = {
    "UBND thành phố Biên Hòa": tuple("phường " + n for n in (
        "Trấn Biên", "Biên Hòa", "Trảng Dài", "Tân Triều", "Bến Gỗ", "Cù Lao Phố", "Bình Trước",
        "Phước Lư", "Long Bình Đông", "Hố Nai Tây", "Tam Hiệp Bắc", "Phước Tân Mới")),
    "UBND thành phố Long Khánh": tuple("phường " + n for n in (
        "Long Khánh", "Bình Lộc", "Hàng Gòn", "Bảo Quang", "Xuân Khánh")),
    "UBND huyện Nhơn Trạch": tuple("xã " + n for n in (
        "Nhơn Trạch", "Phước An", "Hiệp Phước", "Ông Kèo", "Phước Lý", "Long Tân Hội")),
    "UBND huyện Long Thành": tuple("xã " + n for n in (
        "Long Thành", "Bình An Sơn", "Long Phước Thái", "Cẩm Đường Mới", "Lộc An Đức", "Tam An Phước",
        "Bàu Cạn Mới")),
    "UBND huyện Trảng Bom": tuple("xã " + n for n in (
        "Trảng Bom", "An Viễn Sơn", "Bàu Hàm Mới", "Hưng Thịnh Mới", "Giang Điền Mới", "Sông Trầu Mới",
        "Hố Nai Mới")),
    "UBND huyện Thống Nhất": tuple("xã " + n for n in (
        "Dầu Giây", "Thống Nhất", "Gia Kiệm Mới", "Xuân Thạnh Mới", "Hưng Lộc Mới")),
    "UBND huyện Vĩnh Cửu": tuple("xã " + n for n in (
        "Vĩnh Cửu", "Trị An Mới", "Tân An Mới", "Phú Lý Mới", "Mã Đà Mới", "Thạnh Phú Mới")),
    "UBND huyện Định Quán": tuple("xã " + n for n in (
        "Định Quán", "La Ngà Mới", "Phú Vinh Mới", "Phú Hòa Mới", "Thanh Sơn Mới", "Túc Trưng Mới",
        "Gia Canh Mới")),
    "UBND huyện Tân Phú": tuple("xã " + n for n in (
        "Tân Phú", "Đak Lua Mới", "Nam Cát Tiên Mới", "Tà Lài Mới", "Phú Lâm Mới", "Phú Xuân Mới",
        "Trà Cổ Mới")),
    "UBND huyện Xuân Lộc": tuple("xã " + n for n in (
        "Xuân Lộc", "Xuân Trường Mới", "Xuân Bắc Mới", "Xuân Hòa Mới", "Xuân Phú Mới", "Xuân Định Mới")),
    "UBND huyện Cẩm Mỹ": tuple("xã " + n for n in (
        "Cẩm Mỹ", "Sông Ray Mới", "Xuân Đường Mới", "Xuân Quế Mới")),
}

# Communes that join the province on 01/07/2025 from the merged neighbour (no predecessor here).
JOINING_COMMUNES: tuple[str, ...] = tuple(["phường " + n for n in (
    "Đồng Xoài", "Bình Phước", "Minh Hưng", "Chơn Thành", "Phước Bình", "Phước Long", "Bình Long",
    "An Lộc")] + ["xã " + n for n in (
    "Lộc Ninh", "Lộc Hưng", "Lộc Tấn", "Lộc Thiện", "Lộc Quang", "Lộc Thành", "Bù Đốp", "Thiện Hưng",
    "Hưng Phước", "Bù Gia Mập", "Phú Nghĩa", "Đa Kia", "Bù Đăng", "Thọ Sơn", "Đồng Phú")])

# Units clearly missing a target (the rest meet it): on-time (overdue share), satisfaction.
LATE_UNITS = {
    "Sở Tài nguyên và Môi trường": 0.045,
    "Sở Nông nghiệp và Môi trường": 0.035,
    "UBND huyện Nhơn Trạch": 0.05,
    "UBND huyện Long Thành": 0.035,
    "UBND xã Phước An": 0.04,
}
UNSATISFYING_UNITS = {
    "Sở Xây dựng": 0.10,
    "UBND huyện Trảng Bom": 0.09,
    "UBND phường Trấn Biên": 0.08,
}

# Procedures: (field, procedure, working days or None = no due date, weight, online factor).
P = tuple[str, str, "int | None", float, float]
PROCEDURES: dict[str, tuple[P, ...]] = {
    "Sở Tư pháp": (
        ("Lý lịch tư pháp", "Cấp Phiếu lý lịch tư pháp cho công dân Việt Nam, người nước ngoài đang cư trú tại Việt Nam", 10, 60, 1.2),
        ("Lý lịch tư pháp", "Cấp Phiếu lý lịch tư pháp cho cơ quan tiến hành tố tụng", 10, 5, 0.5),
        ("Công chứng", "Đăng ký hành nghề và cấp Thẻ công chứng viên", 5, 3, 1.0),
        ("Công chứng", "Thay đổi nội dung đăng ký hoạt động của Văn phòng công chứng", 10, 3, 1.0),
        ("Hộ tịch", "Cấp bản sao trích lục hộ tịch", 0, 8, 1.0),
        ("Luật sư", "Đăng ký hoạt động của tổ chức hành nghề luật sư", 10, 2, 1.0),
    ),
    "Sở Tài nguyên và Môi trường": (
        ("Đất đai", "Đăng ký biến động quyền sử dụng đất, quyền sở hữu tài sản gắn liền với đất", 10, 40, 0.6),
        ("Đất đai", "Đăng ký thế chấp quyền sử dụng đất, tài sản gắn liền với đất", 3, 25, 0.8),
        ("Đất đai", "Xóa đăng ký thế chấp quyền sử dụng đất, tài sản gắn liền với đất", 3, 20, 0.8),
        ("Đất đai", "Cấp Giấy chứng nhận quyền sử dụng đất lần đầu cho tổ chức", 20, 5, 0.5),
        ("Đất đai", "Đính chính Giấy chứng nhận đã cấp", 10, 5, 0.6),
        ("Môi trường", "Cấp giấy phép môi trường", 30, 2, 0.8),
        ("Môi trường", "Thẩm định báo cáo đánh giá tác động môi trường", 30, 2, 0.8),
        ("Tài nguyên nước", "Cấp giấy phép khai thác nước dưới đất", 30, 1, 0.8),
    ),
    "Sở Kế hoạch và Đầu tư": (
        ("Đăng ký kinh doanh", "Đăng ký thành lập công ty trách nhiệm hữu hạn một thành viên", 3, 20, 1.6),
        ("Đăng ký kinh doanh", "Đăng ký thành lập công ty cổ phần", 3, 8, 1.6),
        ("Đăng ký kinh doanh", "Đăng ký thay đổi nội dung đăng ký doanh nghiệp", 3, 40, 1.6),
        ("Đăng ký kinh doanh", "Thông báo tạm ngừng kinh doanh, tiếp tục kinh doanh trước thời hạn đã thông báo", 3, 10, 1.6),
        ("Đầu tư", "Cấp Giấy chứng nhận đăng ký đầu tư đối với dự án không thuộc diện chấp thuận chủ trương đầu tư", 15, 3, 1.0),
    ),
    "Sở Xây dựng": (
        ("Xây dựng", "Cấp giấy phép xây dựng mới đối với công trình cấp đặc biệt, cấp I, cấp II", 20, 15, 0.8),
        ("Xây dựng", "Cấp chứng chỉ hành nghề hoạt động xây dựng", 20, 20, 1.2),
        ("Xây dựng", "Cấp chứng chỉ năng lực hoạt động xây dựng", 20, 10, 1.2),
        ("Xây dựng", "Thẩm định Báo cáo nghiên cứu khả thi đầu tư xây dựng", 30, 8, 0.8),
        ("Nhà ở", "Thuê nhà ở xã hội", 30, 3, 0.6),
        ("Kinh doanh bất động sản", "Cấp chứng chỉ hành nghề môi giới bất động sản", 10, 4, 1.0),
    ),
    "Sở Giao thông vận tải": (
        ("Giao thông", "Cấp đổi giấy phép lái xe", 5, 60, 1.3),
        ("Giao thông", "Cấp lại giấy phép lái xe", 10, 10, 1.0),
        ("Giao thông", "Cấp giấy phép lái xe quốc tế", 5, 5, 1.3),
        ("Giao thông", "Cấp phù hiệu xe ô tô kinh doanh vận tải", 2, 15, 1.2),
        ("Giao thông", "Cấp giấy phép thi công công trình trên đường bộ đang khai thác", 7, 5, 0.8),
    ),
    "Sở Lao động - Thương binh và Xã hội": (
        ("Lao động", "Cấp giấy phép lao động cho người lao động nước ngoài làm việc tại Việt Nam", 5, 30, 1.3),
        ("Lao động", "Gia hạn giấy phép lao động cho người lao động nước ngoài", 5, 10, 1.3),
        ("Việc làm", "Giải quyết hưởng trợ cấp thất nghiệp", 20, 40, 0.7),
        ("Người có công", "Giải quyết chế độ trợ cấp thờ cúng liệt sĩ", 20, 5, 0.4),
        ("Bảo trợ xã hội", "Tiếp nhận đối tượng cần bảo vệ khẩn cấp vào cơ sở trợ giúp xã hội", 5, 3, 0.3),
        ("Giáo dục nghề nghiệp", "Cấp giấy chứng nhận đăng ký hoạt động giáo dục nghề nghiệp", 10, 3, 1.0),
    ),
    "Sở Y tế": (
        ("Khám bệnh, chữa bệnh", "Cấp giấy phép hành nghề khám bệnh, chữa bệnh", 20, 20, 1.0),
        ("Khám bệnh, chữa bệnh", "Cấp giấy phép hoạt động đối với phòng khám chuyên khoa", 30, 5, 0.8),
        ("Dược", "Cấp Chứng chỉ hành nghề dược", 20, 20, 1.0),
        ("Dược", "Cấp Giấy chứng nhận đủ điều kiện kinh doanh dược", 20, 15, 1.0),
        ("An toàn thực phẩm", "Cấp Giấy chứng nhận cơ sở đủ điều kiện an toàn thực phẩm", 20, 15, 1.0),
        ("An toàn thực phẩm", "Đăng ký bản công bố sản phẩm", 7, 15, 1.2),
    ),
    "Sở Giáo dục và Đào tạo": (
        ("Giáo dục", "Cấp bản sao văn bằng, chứng chỉ từ sổ gốc", 0, 40, 0.8),
        ("Giáo dục", "Chỉnh sửa nội dung văn bằng, chứng chỉ", 5, 10, 0.8),
        ("Giáo dục", "Cấp giấy phép tổ chức hoạt động dạy thêm, học thêm", 7, 10, 1.0),
        ("Giáo dục", "Công nhận văn bằng tốt nghiệp do cơ sở giáo dục nước ngoài cấp", 20, 3, 1.0),
    ),
    "Sở Công Thương": (
        ("Thương mại", "Thông báo thực hiện khuyến mại", None, 30, 1.6),
        ("Thương mại", "Cấp Giấy phép bán lẻ sản phẩm thuốc lá", 15, 10, 1.0),
        ("Thương mại", "Cấp Giấy phép bán lẻ rượu", 10, 15, 1.0),
        ("Kinh doanh khí", "Cấp Giấy chứng nhận cửa hàng đủ điều kiện bán lẻ xăng dầu", 15, 5, 1.0),
        ("Điện", "Cấp giấy phép hoạt động điện lực", 10, 5, 1.0),
        ("Hóa chất", "Cấp Giấy chứng nhận đủ điều kiện sản xuất hóa chất", 12, 3, 1.0),
    ),
    "Sở Nông nghiệp và Phát triển nông thôn": (
        ("Thú y", "Cấp Giấy chứng nhận kiểm dịch động vật vận chuyển ra khỏi địa bàn cấp tỉnh", 3, 30, 1.0),
        ("Thú y", "Cấp chứng chỉ hành nghề thú y", 5, 10, 1.0),
        ("Quản lý chất lượng nông lâm thủy sản", "Cấp Giấy chứng nhận cơ sở đủ điều kiện an toàn thực phẩm nông, lâm, thủy sản", 15, 15, 1.0),
        ("Lâm nghiệp", "Phê duyệt phương án khai thác thực vật rừng", 10, 5, 0.8),
        ("Thủy lợi", "Cấp giấy phép cho các hoạt động trong phạm vi bảo vệ công trình thủy lợi", 20, 3, 0.8),
    ),
    "Sở Văn hóa, Thể thao và Du lịch": (
        ("Văn hóa", "Tổ chức biểu diễn nghệ thuật", 5, 15, 1.2),
        ("Du lịch", "Cấp thẻ hướng dẫn viên du lịch nội địa", 10, 10, 1.2),
        ("Du lịch", "Công nhận hạng cơ sở lưu trú du lịch: hạng 1 sao, 2 sao, 3 sao", 30, 3, 1.0),
        ("Thể thao", "Cấp Giấy chứng nhận đủ điều kiện kinh doanh hoạt động thể thao", 7, 5, 1.0),
    ),
    "Sở Nội vụ": (
        ("Thi đua, khen thưởng", "Thủ tục tặng Bằng khen của Chủ tịch Ủy ban nhân dân cấp tỉnh", 20, 20, 0.6),
        ("Tín ngưỡng, tôn giáo", "Đăng ký sinh hoạt tôn giáo tập trung", 20, 5, 0.5),
        ("Tổ chức phi chính phủ", "Công nhận điều lệ quỹ", 30, 3, 0.8),
        ("Văn thư và lưu trữ", "Cấp Chứng chỉ hành nghề lưu trữ", 15, 2, 1.0),
    ),
    "Sở Tài chính": (
        ("Tài chính ngân sách", "Đăng ký mã số đơn vị có quan hệ với ngân sách", 3, 40, 1.4),
        ("Quản lý giá", "Hiệp thương giá", 15, 2, 1.0),
        ("Quản lý công sản", "Quyết định mua sắm tài sản công", 30, 5, 0.8),
    ),
    "Sở Thông tin và Truyền thông": (
        ("Xuất bản, In và Phát hành", "Cấp giấy phép xuất bản tài liệu không kinh doanh", 10, 5, 1.2),
        ("Xuất bản, In và Phát hành", "Xác nhận đăng ký hoạt động cơ sở in", 7, 5, 1.2),
        ("Phát thanh, truyền hình và thông tin điện tử", "Cấp giấy phép thiết lập trang thông tin điện tử tổng hợp", 10, 5, 1.4),
        ("Bưu chính", "Cấp giấy phép bưu chính", 20, 3, 1.2),
    ),
    "Sở Khoa học và Công nghệ": (
        ("An toàn bức xạ và hạt nhân", "Cấp giấy phép tiến hành công việc bức xạ - Sử dụng thiết bị X-quang chẩn đoán trong y tế", 20, 10, 1.0),
        ("Tiêu chuẩn đo lường chất lượng", "Đăng ký công bố hợp chuẩn dựa trên kết quả tự đánh giá", 5, 10, 1.2),
        ("Hoạt động khoa học và công nghệ", "Cấp Giấy chứng nhận doanh nghiệp khoa học và công nghệ", 7, 2, 1.0),
    ),
    "Ban Quản lý các Khu công nghiệp": (
        ("Đầu tư", "Điều chỉnh Giấy chứng nhận đăng ký đầu tư", 10, 20, 1.2),
        ("Đầu tư", "Cấp Giấy chứng nhận đăng ký đầu tư", 15, 10, 1.2),
        ("Lao động", "Cấp giấy phép lao động cho người lao động nước ngoài làm việc tại Việt Nam", 5, 30, 1.3),
        ("Lao động", "Xác nhận người lao động nước ngoài không thuộc diện cấp giấy phép lao động", 3, 10, 1.3),
        ("Xây dựng", "Cấp giấy phép xây dựng công trình trong khu công nghiệp", 20, 5, 0.8),
    ),
    "Công an tỉnh": (
        ("Xuất nhập cảnh", "Cấp hộ chiếu phổ thông ở trong nước", 8, 40, 1.3),
        ("Đăng ký, quản lý phương tiện giao thông", "Đăng ký, cấp biển số xe lần đầu", 2, 30, 0.8),
        ("Quản lý ngành nghề kinh doanh có điều kiện", "Cấp Giấy chứng nhận đủ điều kiện về an ninh, trật tự", 5, 10, 1.0),
        ("Phòng cháy, chữa cháy", "Thẩm định thiết kế về phòng cháy và chữa cháy", 10, 8, 0.8),
    ),
    "Trung tâm Phục vụ hành chính công tỉnh": (
        ("Lý lịch tư pháp", "Cấp Phiếu lý lịch tư pháp cho công dân Việt Nam, người nước ngoài đang cư trú tại Việt Nam", 10, 30, 1.0),
        ("Giao thông", "Cấp đổi giấy phép lái xe", 5, 40, 1.0),
        ("Chứng thực", "Chứng thực bản sao từ bản chính", 0, 20, 0.3),
    ),
    "Thanh tra tỉnh": (
        ("Giải quyết khiếu nại, tố cáo", "Giải quyết khiếu nại lần hai", 30, 5, 0.3),
        ("Giải quyết khiếu nại, tố cáo", "Giải quyết tố cáo", 30, 3, 0.3),
    ),
    "Ban Dân tộc tỉnh": (
        ("Công tác dân tộc", "Công nhận người có uy tín trong đồng bào dân tộc thiểu số", 10, 5, 0.5),
        ("Công tác dân tộc", "Đưa ra khỏi danh sách người có uy tín trong đồng bào dân tộc thiểu số", 10, 1, 0.5),
    ),
    "district": (
        ("Hộ tịch", "Đăng ký khai sinh có yếu tố nước ngoài", 15, 3, 0.8),
        ("Hộ tịch", "Đăng ký kết hôn có yếu tố nước ngoài", 15, 3, 0.6),
        ("Hộ tịch", "Thay đổi, cải chính, bổ sung thông tin hộ tịch", 3, 8, 0.8),
        ("Chứng thực", "Chứng thực bản sao từ bản chính giấy tờ, văn bản do cơ quan có thẩm quyền của nước ngoài cấp", 0, 20, 0.2),
        ("Đất đai", "Cấp giấy chứng nhận quyền sử dụng đất lần đầu", 20, 10, 0.4),
        ("Đất đai", "Đăng ký biến động quyền sử dụng đất, quyền sở hữu tài sản gắn liền với đất", 10, 25, 0.5),
        ("Đất đai", "Chuyển mục đích sử dụng đất phải được phép của cơ quan nhà nước có thẩm quyền", 15, 8, 0.4),
        ("Đất đai", "Tách thửa hoặc hợp thửa đất", 15, 8, 0.4),
        ("Xây dựng", "Cấp giấy phép xây dựng nhà ở riêng lẻ", 15, 15, 0.7),
        ("Xây dựng", "Cấp giấy phép sửa chữa, cải tạo công trình", 15, 3, 0.6),
        ("Đăng ký kinh doanh", "Đăng ký thành lập hộ kinh doanh", 3, 12, 1.2),
        ("Đăng ký kinh doanh", "Đăng ký thay đổi nội dung đăng ký hộ kinh doanh", 3, 8, 1.2),
        ("Đăng ký kinh doanh", "Thông báo tạm ngừng kinh doanh, tiếp tục kinh doanh trước thời hạn đã thông báo của hộ kinh doanh", 3, 3, 1.2),
        ("Bảo trợ xã hội", "Thực hiện, điều chỉnh, thôi hưởng trợ cấp xã hội hàng tháng", 10, 5, 0.3),
        ("Giáo dục", "Chuyển trường đối với học sinh trung học cơ sở", 3, 5, 0.6),
        ("An toàn thực phẩm", "Cấp Giấy chứng nhận cơ sở đủ điều kiện an toàn thực phẩm", 15, 3, 0.8),
        ("Môi trường", "Đăng ký môi trường", None, 5, 0.8),
        ("Thi đua, khen thưởng", "Tặng Giấy khen của Chủ tịch Ủy ban nhân dân cấp huyện", 20, 3, 0.3),
        ("Văn hóa", "Cấp Giấy phép đủ điều kiện kinh doanh dịch vụ karaoke", 5, 1, 1.0),
    ),
    "commune": (
        ("Hộ tịch", "Đăng ký khai sinh", 0, 120, 1.0),
        ("Hộ tịch", "Đăng ký khai tử", 0, 30, 0.8),
        ("Hộ tịch", "Đăng ký kết hôn", 0, 30, 0.7),
        ("Hộ tịch", "Cấp bản sao trích lục hộ tịch", 0, 40, 1.2),
        ("Hộ tịch", "Cấp Giấy xác nhận tình trạng hôn nhân", 3, 60, 1.2),
        ("Hộ tịch", "Đăng ký nhận cha, mẹ, con", 3, 5, 0.5),
        ("Hộ tịch", "Liên thông thủ tục hành chính về đăng ký khai sinh, đăng ký thường trú, cấp thẻ bảo hiểm y tế cho trẻ em dưới 6 tuổi", 5, 15, 1.5),
        ("Chứng thực", "Chứng thực bản sao từ bản chính", 0, 250, 0.15),
        ("Chứng thực", "Chứng thực chữ ký trong các giấy tờ, văn bản", 0, 60, 0.2),
        ("Chứng thực", "Chứng thực hợp đồng, giao dịch liên quan đến tài sản là động sản, quyền sử dụng đất và nhà ở", 2, 30, 0.2),
        ("Chứng thực", "Chứng thực di chúc", 2, 3, 0.1),
        ("Bảo trợ xã hội", "Trợ cấp xã hội hằng tháng đối với đối tượng bảo trợ xã hội", 20, 10, 0.3),
        ("Bảo trợ xã hội", "Hỗ trợ chi phí mai táng cho đối tượng bảo trợ xã hội", 3, 5, 0.3),
        ("Người có công", "Xác nhận thông tin về nơi liệt sĩ hy sinh", 5, 2, 0.3),
        ("Đất đai", "Hòa giải tranh chấp đất đai", 30, 5, 0.2),
        ("Tín ngưỡng, tôn giáo", "Đăng ký hoạt động tín ngưỡng", None, 6, 0.5),
        ("Văn hóa", "Thông báo tổ chức lễ hội", None, 6, 0.8),
        ("Nông nghiệp", "Hỗ trợ khôi phục sản xuất vùng bị thiệt hại do thiên tai, dịch bệnh", 10, 3, 0.3),
        ("Giáo dục", "Cho phép nhóm trẻ, lớp mẫu giáo độc lập hoạt động", 10, 1, 0.6),
    ),
}

# Citizen names: surnames weighted by frequency, middle names and given names by sex.
SURNAMES = (["Nguyễn"] * 38 + ["Trần"] * 11 + ["Lê"] * 10 + ["Phạm"] * 7 + ["Hoàng"] * 3 + ["Huỳnh"] * 4
            + ["Phan"] * 4 + ["Vũ"] * 2 + ["Võ"] * 4 + ["Đặng"] * 2 + ["Bùi"] * 2 + ["Đỗ"] * 3 + ["Hồ"] * 2
            + ["Ngô"] * 2 + ["Dương"] * 2 + ["Lý", "Đinh", "Trương", "Lâm"])
MIDDLE_MALE = ("Văn", "Văn", "Minh", "Quốc", "Đức", "Hữu", "Thanh", "Công", "Hoàng", "Ngọc")
MIDDLE_FEMALE = ("Thị", "Thị", "Thị", "Ngọc", "Thu", "Thanh", "Kim", "Mỹ", "Phương", "Bích")
GIVEN_MALE = ("Hùng", "Dũng", "Tuấn", "Nam", "Long", "Phúc", "Khoa", "Bình", "Hải", "Sơn", "Thắng", "Tài",
              "Trung", "Hiếu", "Quang", "Phong", "Đạt", "Khánh", "Vinh", "Lộc", "Tâm", "Nghĩa", "An", "Huy")
GIVEN_FEMALE = ("Lan", "Hương", "Mai", "Hoa", "Thảo", "Trang", "Linh", "Hạnh", "Ngọc", "Phương", "Yến",
                "Nhung", "Hà", "Vy", "Nga", "Tuyết", "Hằng", "Loan", "Thủy", "Dung", "Anh", "Trinh", "My", "Oanh")

# PAKN: (field, title).
FEEDBACK_TOPICS = (
    ("Đất đai", "Phản ánh chậm cấp giấy chứng nhận quyền sử dụng đất"),
    ("Đất đai", "Kiến nghị xem xét lại kết quả đo đạc, cắm mốc ranh giới thửa đất"),
    ("Xây dựng", "Phản ánh công trình xây dựng không phép, sai phép"),
    ("Hộ tịch", "Phản ánh công chức yêu cầu bổ sung giấy tờ không đúng quy định"),
    ("Chứng thực", "Phản ánh thu phí chứng thực không đúng quy định"),
    ("Giao thông", "Phản ánh chậm trả giấy phép lái xe đã cấp đổi"),
    ("Đăng ký kinh doanh", "Kiến nghị hướng dẫn thủ tục đăng ký hộ kinh doanh trực tuyến"),
    ("Bảo trợ xã hội", "Kiến nghị xem xét chế độ trợ cấp xã hội hằng tháng"),
    ("Việc làm", "Phản ánh chậm giải quyết trợ cấp thất nghiệp"),
    ("Môi trường", "Phản ánh ô nhiễm tiếng ồn, khói bụi từ cơ sở sản xuất"),
    ("Y tế", "Phản ánh thái độ phục vụ tại cơ sở khám bệnh, chữa bệnh"),
    ("Giáo dục", "Kiến nghị về các khoản thu đầu năm học"),
    ("Dịch vụ công trực tuyến", "Phản ánh lỗi khi nộp hồ sơ trên Cổng Dịch vụ công"),
    ("Dịch vụ công trực tuyến", "Phản ánh không thanh toán trực tuyến được phí, lệ phí"),
    ("Hành chính", "Phản ánh thái độ của công chức tại Bộ phận Một cửa"),
    ("Hành chính", "Phản ánh hồ sơ trễ hẹn nhưng không nhận được phiếu xin lỗi"),
)

# First day of Tết (lunar new year): volume rush before, dip after.
TET = ("2023-01-22", "2024-02-10", "2025-01-29", "2026-02-17")

"""A small, deterministic warehouse for the report, slide and pack tests.

Three levels, a dozen units, several lĩnh vực, September and October 2024, with
early / on-time / overdue / in-progress dossiers and PAKN. Built with the shared
factories so the rows go through the same INSERTs as every other test.
"""
from __future__ import annotations

import datetime as dt
import random
from pathlib import Path

from kpi.warehouse.db import Warehouse
from tests.factories import add_dossiers, add_feedback, add_units, dossier, feedback

UNITS = {
    "Sở Tư pháp": None,
    "Sở Tài nguyên và Môi trường": None,
    "Sở Kế hoạch và Đầu tư": None,
    "Sở Xây dựng": None,
    "UBND huyện Nhơn Trạch": None,
    "UBND huyện Long Thành": None,
    "UBND thành phố Biên Hòa": None,
    "UBND xã Phú Hữu": "UBND huyện Nhơn Trạch",
    "UBND xã Phước An": "UBND huyện Nhơn Trạch",
    "UBND xã An Phước": "UBND huyện Long Thành",
    "UBND phường Tân Phong": "UBND thành phố Biên Hòa",
    "UBND xã Long Đức": "UBND huyện Long Thành",
}
FIELDS = {
    "province": [("Đất đai", "Đăng ký biến động đất đai"), ("Xây dựng", "Cấp giấy phép xây dựng"),
                 ("Đầu tư", "Cấp giấy chứng nhận đăng ký đầu tư"), ("Lý lịch tư pháp", "Cấp phiếu lý lịch tư pháp")],
    "district": [("Đất đai", "Cấp giấy chứng nhận QSDĐ"), ("Hộ tịch", "Đăng ký kết hôn có yếu tố nước ngoài"),
                 ("Thành lập và hoạt động của hộ kinh doanh", "Đăng ký hộ kinh doanh")],
    "commune": [("Hộ tịch", "Đăng ký khai sinh"), ("Chứng thực", "Chứng thực bản sao từ bản chính"),
                ("Bảo trợ xã hội", "Trợ cấp xã hội hằng tháng")],
}
# Per unit: (share early, share overdue) — some units fall below the 97% target.
QUALITY = {
    "Sở Tư pháp": (0.7, 0.0), "Sở Tài nguyên và Môi trường": (0.4, 0.12), "Sở Kế hoạch và Đầu tư": (0.6, 0.01),
    "Sở Xây dựng": (0.5, 0.05), "UBND huyện Nhơn Trạch": (0.5, 0.08), "UBND huyện Long Thành": (0.6, 0.0),
    "UBND thành phố Biên Hòa": (0.5, 0.02), "UBND xã Phú Hữu": (0.8, 0.0), "UBND xã Phước An": (0.6, 0.04),
    "UBND xã An Phước": (0.7, 0.0), "UBND phường Tân Phong": (0.6, 0.0), "UBND xã Long Đức": (0.5, 0.10),
}


def _fmt(day: dt.datetime) -> str:
    return day.strftime("%d/%m/%Y %H:%M")


def build_report_db(path: Path, per_unit: int = 40, extra_fields: dict | None = None) -> Warehouse:
    """Fill ``path`` with the report data set and return its Warehouse.

    ``extra_fields`` maps a unit name to a list of odd lĩnh vực names (e.g. '=SUM(A1)')
    that each get a few dossiers.
    """
    from kpi.measures.levels import infer_level

    wh = Warehouse(path)
    add_units(wh, UNITS)
    rng = random.Random(20241031)
    rows, n = [], 0
    for unit, (early_share, overdue_share) in QUALITY.items():
        level = infer_level(unit)
        fields = [(f, p) for f, p in FIELDS[level]]
        for extra in (extra_fields or {}).get(unit, []):
            fields.append((extra, "Thủ tục " + extra))
        for _ in range(per_unit):
            n += 1
            field, procedure = fields[n % len(fields)]
            received = dt.datetime(2024, 9, 1, 8) + dt.timedelta(days=rng.randint(0, 58), hours=rng.randint(0, 8))
            due = received + dt.timedelta(days=rng.choice([3, 5, 7, 10, 15]))
            roll = rng.random()
            if roll < overdue_share:
                finished = due + dt.timedelta(days=rng.randint(1, 6))
            elif roll < overdue_share + early_share:
                finished = due - dt.timedelta(days=rng.randint(1, 2))
            else:
                finished = due.replace(hour=16)
            if finished <= received:
                finished = received + dt.timedelta(hours=2)
            if rng.random() < 0.12:  # still open
                finished = None
            channel = rng.choice(["online", "online", "direct", "direct", "postal"])
            rows.append(dossier(
                f"HS-{n:05d}", unit=unit, received=_fmt(received), due=_fmt(due),
                finished=_fmt(finished) if finished else None, field=field, procedure=procedure, channel=channel,
                digitized=rng.random() < 0.6, e_result=finished is not None and rng.random() < 0.5,
                rating=rng.choice([None, 4, 4, 3, 2]) if finished else None,
                apology=(finished is not None and finished.date() > due.date()) and rng.random() < 0.5,
            ))
    add_dossiers(wh, rows)
    fb, m = [], 0
    for unit in list(UNITS)[:8]:
        for _ in range(6):
            m += 1
            received = dt.date(2024, 9, 1) + dt.timedelta(days=rng.randint(0, 50))
            due = received + dt.timedelta(days=21)
            handled = received + dt.timedelta(days=rng.randint(3, 25)) if rng.random() < 0.85 else None
            fb.append(feedback(f"PA-{m:04d}", unit=unit, received=received.strftime("%d/%m/%Y"),
                               due=due.strftime("%d/%m/%Y"),
                               handled=handled.strftime("%d/%m/%Y") if handled else None,
                               rating=rng.choice([None, 4, 3, 1]) if handled else None))
    add_feedback(wh, fb)
    return wh

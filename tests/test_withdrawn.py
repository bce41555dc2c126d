"""Withdrawn and cancelled dossiers are left out of every count and rate (DOMAIN §4, assumed, configurable);
a refused one ("Từ chối") is resolved at its date like any other."""
from __future__ import annotations

import datetime as dt

import pytest

from etl.load import load_file
from kpi.measures import metrics, periods
from kpi.warehouse.db import Warehouse

MARCH = periods.custom(dt.date(2024, 3, 1), dt.date(2024, 3, 31))
ROWS = [  # code, status, received, due, finished
    ("A", "Đã trả kết quả", "04/03/2024 08:00", "29/03/2024", "28/03/2024 10:00"),     # early; the data date
    ("B", "Công dân rút hồ sơ", "04/03/2024 09:00", "08/03/2024", "06/03/2024 10:00"),  # withdrawn: left out
    ("C", "Đã hủy", "05/03/2024 09:00", "06/03/2024", ""),                               # cancelled: left out
    ("D", "Từ chối giải quyết", "05/03/2024 10:00", "08/03/2024", "11/03/2024 09:00"),  # refused late: overdue
    ("E", "Đang giải quyết", "20/03/2024 10:00", "25/03/2024", ""),                     # open, overdue at 31/03
]


@pytest.fixture()
def wh(tmp_path):
    path = tmp_path / "trang_thai.csv"
    lines = ["Mã hồ sơ,Cơ quan tiếp nhận,Trạng thái,Ngày tiếp nhận,Ngày hẹn trả,Ngày có kết quả,Hình thức nộp"]
    lines += [f"{code},Sở Tư pháp,{status},{received},{due},{finished},Trực tiếp"
              for code, status, received, due, finished in ROWS]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    wh = Warehouse(tmp_path / "kho.duckdb")
    assert load_file(wh, path).counts["rows_loaded"] == 5
    return wh


def test_withdrawn_and_cancelled_are_in_no_count(wh):
    total = metrics.summary(wh, MARCH)["total"]
    assert (total["received"], total["resolved"], total["resolved_early"], total["resolved_overdue"]) == (3, 2, 1, 1)
    assert (total["in_progress"], total["in_progress_overdue"], total["on_time_rate"]) == (1, 1, 0.5)
    assert set(metrics.dossier_list(wh, MARCH, "received")["code"]) == {"A", "D", "E"}


def test_the_setting_counts_them_again(wh, monkeypatch):
    monkeypatch.setenv("TTHC_WITHDRAWN_LEFT_OUT", "no")
    total = metrics.summary(wh, MARCH)["total"]
    assert (total["received"], total["resolved"], total["in_progress"], total["in_progress_overdue"]) == (5, 3, 2, 2)

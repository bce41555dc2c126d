"""Reading files as one-stop systems export them: every messy trait, .xlsx/.xls/.csv."""
from __future__ import annotations

import datetime as dt

import pytest

from etl.load import prepare
from etl.read import decode_text, read_file, sniff_delimiter
from tests.fixtures_etl import Traits, make_rows, write_csv, write_messy

N = 40
FULL = {"code", "unit_name", "field", "procedure", "channel", "received_at", "due_at", "finished_at", "digitized",
        "e_result", "rating", "apology", "status", "applicant"}


def _check(prepared, rows, *, header_row=1):
    assert prepared.kind == "dossiers"
    assert prepared.header_row == header_row
    assert prepared.unmapped == []
    assert prepared.rows_read == len(rows)
    assert prepared.rows_rejected == 0, prepared.rejects.to_dict("records")[:3]
    assert set(prepared.data["code"]) == {r["code"] for r in rows}


@pytest.mark.parametrize("title_rows", [0, 4, 14])
def test_header_below_a_title_block(tmp_path, title_rows):
    rows = make_rows(N)
    path = write_messy(tmp_path / "t.xlsx", rows, title_rows=title_rows)
    prepared = prepare(path)
    _check(prepared, rows, header_row=title_rows + 1)


def test_two_row_merged_header(tmp_path):
    rows = make_rows(N)
    prepared = prepare(write_messy(tmp_path / "t.xlsx", rows, title_rows=2, two_row_header=True))
    _check(prepared, rows, header_row=3)
    assert prepared.mapping["received_at"] == "Ngày / Tiếp nhận"
    assert prepared.mapping["due_at"] == "Ngày / Hẹn trả"
    assert prepared.mapping["finished_at"] == "Ngày / Có kết quả"


@pytest.mark.parametrize("case", ["upper", "ascii", "nfd", "linebreak"])
def test_header_spelling_variants(tmp_path, case):
    rows = make_rows(N)
    prepared = prepare(write_messy(tmp_path / "t.xlsx", rows, header_case=case, two_row_header=case == "nfd"))
    _check(prepared, rows)
    assert FULL <= set(prepared.mapping)


def test_columns_in_any_order_with_extra_columns(tmp_path):
    rows = make_rows(N)
    prepared = prepare(write_messy(tmp_path / "t.xlsx", rows, shuffle=True, extra_columns=True, seed=3))
    _check(prepared, rows)
    assert "STT" in prepared.source_columns and "Ghi chú" in prepared.source_columns
    by_code = prepared.data.set_index("code")
    first = rows[5]
    assert by_code.loc[first["code"], "received_at"] == first["received_at"]
    assert by_code.loc[first["code"], "field"] == first["field"]


def test_footer_rows_are_not_data(tmp_path):
    rows = make_rows(N)
    prepared = prepare(write_messy(tmp_path / "t.xlsx", rows, footer=True, title_rows=3))
    _check(prepared, rows, header_row=4)


def test_data_sheet_found_behind_a_cover_sheet(tmp_path):
    rows = make_rows(N)
    prepared = prepare(write_messy(tmp_path / "t.xlsx", rows, cover_sheet=True))
    _check(prepared, rows)
    assert prepared.sheet == "Dữ liệu"


def test_every_trait_at_once(tmp_path):
    rows = make_rows(N)
    traits = Traits(title_rows=3, two_row_header=True, header_case="linebreak", shuffle=True, extra_columns=True,
                    footer=True, cover_sheet=True, date_style="mixed", with_level=True, bool_style="x")
    prepared = prepare(write_messy(tmp_path / "t.xlsx", rows, traits))
    _check(prepared, rows, header_row=4)
    assert prepared.data["digitized"].sum() == sum(r["digitized"] for r in rows)


@pytest.mark.parametrize("style", ["excel", "serial", "dmy", "dmy_time", "dmy_dash", "iso"])
def test_date_styles(tmp_path, style):
    rows = make_rows(N)
    prepared = prepare(write_messy(tmp_path / "t.xlsx", rows, date_style=style))
    _check(prepared, rows)
    got = prepared.data.set_index("code")["received_at"]
    for i, r in enumerate(rows):
        expected = r["received_at"]
        if style in ("dmy", "dmy_dash") or (style == "iso" and i % 2 == 0):
            expected = dt.datetime.combine(expected.date(), dt.time())
        elif style == "dmy_time" and i % 2 == 0:
            expected = expected.replace(second=0)
        assert got[r["code"]] == expected, (style, i)


@pytest.mark.parametrize("style,expected", [("co", True), ("x", True), ("num", True), ("tf", True), ("sohoa", True)])
def test_yes_no_styles(tmp_path, style, expected):
    rows = make_rows(N)
    prepared = prepare(write_messy(tmp_path / "t.xlsx", rows, bool_style=style))
    _check(prepared, rows)
    got = prepared.data.set_index("code")["digitized"]
    assert all(bool(got[r["code"]]) == r["digitized"] for r in rows)


def test_xls_with_title_merged_header_and_footer(tmp_path):
    rows = make_rows(N)
    path = write_messy(tmp_path / "t.xls", rows, title_rows=2, two_row_header=True, footer=True, cover_sheet=True)
    assert read_file(path).format == "xls"
    prepared = prepare(path)
    _check(prepared, rows, header_row=3)
    assert prepared.data.set_index("code").loc[rows[3]["code"], "received_at"] == rows[3]["received_at"]


@pytest.mark.parametrize("sep,encoding", [(";", "utf-8-sig"), (",", "utf-8-sig"), (",", "utf-8"), (";", "cp1258")])
def test_csv_separators_and_encodings(tmp_path, sep, encoding):
    rows = make_rows(N)
    path = write_csv(tmp_path / "t.csv", rows, Traits(title_rows=2, footer=True), sep=sep, encoding=encoding)
    prepared = prepare(path)
    _check(prepared, rows, header_row=3)
    units = set(prepared.data["unit_name"])
    assert "Sở Tài nguyên và Môi trường" in units


def test_csv_from_bytes_keeps_row_numbers(tmp_path):
    rows = make_rows(5)
    rows[2]["code"] = None
    path = write_csv(tmp_path / "t.csv", rows, Traits(title_rows=3))
    prepared = prepare(path.read_bytes(), "xuat.csv")
    assert prepared.file_name == "xuat.csv"
    assert prepared.rejects["row_number"].tolist() == [4 + 3]  # title 3 rows, header row 4, third data row


def test_text_helpers():
    assert sniff_delimiter(["Báo cáo, tháng 1", "Mã hồ sơ;Đơn vị;Ngày tiếp nhận"]) == ";"
    assert sniff_delimiter(["a,b,c", "1,2,3"]) == ","
    assert decode_text("Mã".encode("utf-8-sig")) == "Mã"
    assert decode_text(b"M\xe3") == "Mă"  # 0xE3 is ă in Windows-1258, invalid as UTF-8

"""Other systems' exports (tests/corpus_exports.py) load exactly; expectations counted by hand from the rows written."""
from __future__ import annotations

import datetime as dt
import json

import pandas as pd
import pytest

from etl import formats
from etl.cli import cmd_load
from etl.legacy import legacy_encoding, tcvn3_to_unicode, vni_to_unicode
from etl.load import load_file, prepare
from etl.read import FileRefused, read_file
from kpi.measures import metrics, periods
from kpi.warehouse.db import Warehouse
from kpi.measures.levels import unit_id_for
from kpi.text.normalize import fold
from tests import corpus_exports as C
from tests.upload_helpers import HEADERS, dossier_row, write_table

D = dt.datetime
MARCH = periods.month(2024, 3)


@pytest.fixture()
def wh(empty_db) -> Warehouse:
    return Warehouse(empty_db)


def _cli(db, path, capsys) -> tuple[int, str]:
    args = type("Args", (), {"db": str(db), "files": [str(path)], "user": "an"})()
    code = cmd_load(args)
    captured = capsys.readouterr()
    return code, captured.out + captured.err


def _march(wh) -> pd.Series:
    return metrics.dossier_counts(wh, MARCH).iloc[0]


def test_igate_like_export(wh, tmp_path, empty_db, capsys):
    code, out = _cli(empty_db, C.igate_like(tmp_path), capsys)
    assert code == 0, out
    assert "«Kiosk tự phục vụ» 2 dòng" in out
    stored = {r[0][-4:]: r[1:] for r in wh.query("SELECT code, due_date, channel, digitized, e_result FROM dossiers")}
    assert stored == {
        "0001": (dt.date(2024, 3, 12), "online", None, None), "0002": (None, "direct", None, None),
        "0003": (dt.date(2024, 3, 13), "postal", None, None), "0004": (None, "other", None, None),
        "0005": (dt.date(2024, 3, 15), "online", None, None), "0006": (dt.date(2024, 3, 18), "other", None, None)}
    assert wh.query("SELECT received_at FROM dossiers WHERE code LIKE '%0001'")[0][0] == D(2024, 3, 5, 8, 30, 15)
    c = _march(wh)
    # received 6 (two kiosk dossiers as 'other'), online 2 (mức độ 4, một phần); finished in March: 0001 early,
    # 0002 no deadline → on time, 0003 overdue (15/03 > 13/03), 0006 on the due day → on time
    assert (c["received"], c["received_online"], c["received_direct"], c["received_postal"]) == (6, 2, 1, 1)
    assert (c["resolved"], c["resolved_early"], c["resolved_on_time"], c["resolved_overdue"]) == (4, 1, 2, 1)
    assert c["resolved_no_due"] == 1 and c["in_progress_no_due"] == 1


def test_opencps_like_offsets_become_vietnam_time(wh, tmp_path):
    result = load_file(wh, C.opencps_like(tmp_path))
    assert result.status == "loaded" and result.counts["rows_rejected"] == 0 and result.counts["rows_loaded"] == 4
    stored = {r[0]: r[1:] for r in wh.query("SELECT code, received_at, due_at, finished_at, rating FROM dossiers")}
    assert stored["OC-01"] == (D(2024, 3, 4, 8), D(2024, 3, 8, 17), D(2024, 3, 8, 9), 3)
    assert stored["OC-02"] == (D(2024, 3, 4, 8, 30), D(2024, 3, 6, 17), D(2024, 3, 6, 17, 30), 2)
    assert stored["OC-03"] == (D(2024, 4, 1, 3), D(2024, 4, 5, 17), None, 1)  # 20:00 UTC on 31/03 is April in Vietnam
    assert stored["OC-04"] == (D(2024, 3, 5, 8, 15), None, D(2024, 3, 7, 11), None)
    c = _march(wh)
    assert (c["received"], c["resolved"], c["resolved_on_time"], c["resolved_overdue"]) == (3, 3, 3, 0)


def test_an_analysts_resave(wh, tmp_path):
    prepared = prepare(C.analyst_resave(tmp_path))
    assert prepared.rows_read == 3 and prepared.rows_rejected == 0, prepared.rejects.to_dict("records")
    data = prepared.data.set_index("code")
    assert data["received_at"].tolist() == [D(2024, 3, 4, 8), D(2024, 3, 6, 9), D(2024, 3, 6, 8, 30)]
    assert data["due_at"].tolist() == [D(2024, 3, 11), D(2024, 3, 12), D(2024, 3, 13)]
    assert data.loc["RS-1", "finished_at"] == D(2024, 3, 8, 14, 30) and data.loc["RS-2", "finished_at"] == D(2024, 3, 12, 9)
    assert data["digitized"].tolist() == [True, False, True]   # x-marks: a blank is no
    assert data["e_result"].tolist() == [True, False, False]   # only "Có KQĐT" written: a blank is no
    assert data["rating"].astype(object).tolist() == [4, 3, pd.NA]


def test_a_utf16_unicode_text_export(tmp_path):
    path = C.unicode_text(tmp_path)
    raw = read_file(path)
    assert raw.format == "csv"
    prepared = prepare(path)
    assert prepared.rows_read == 3 and prepared.rows_rejected == 0
    data = prepared.data.set_index("code")
    assert data.loc["U-3", "unit_name"] == "UBND huyện Nhơn Trạch" and data.loc["U-3", "channel"] == "postal"
    assert data["received_at"].tolist() == [D(2024, 3, 5, 8), D(2024, 3, 6, 9, 30), D(2024, 3, 7, 14)]
    assert pd.isna(data.loc["U-2", "finished_at"])


def test_utf16_big_endian_and_without_bom(tmp_path):
    text = "Mã hồ sơ\tCơ quan tiếp nhận\tNgày tiếp nhận\tNgày hẹn trả\tNgày có kết quả\r\nB-1\tSở Tư pháp\t5/3/2024\t\t\r\n"
    for encoding in ("utf-16-be", "utf-16-le"):
        path = tmp_path / f"{encoding}.txt"
        path.write_bytes(text.encode(encoding))
        prepared = prepare(path)
        assert prepared.data["unit_name"].tolist() == ["Sở Tư pháp"], encoding


def test_one_sheet_per_unit_every_row_loads(wh, tmp_path, empty_db, capsys):
    path = C.per_unit_workbook(tmp_path)
    prepared = prepare(path)
    assert [s["sheet"] for s in prepared.sheets] == ["DV1", "DV2", "DV3"]
    assert [s["rows"] for s in prepared.sheets] == [3, 4, 2] and prepared.skipped_sheets == ["Hướng dẫn", "Tổng hợp"]
    assert prepared.rows_read == 9 and len(prepared.data) == 9 and prepared.rows_rejected == 0
    assert prepared.data.groupby("unit_name").size().to_dict() == C.UNIT_SHEETS
    code, out = _cli(empty_db, path, capsys)
    assert code == 0 and "3 trang dữ liệu: «DV1» 3 dòng, «DV2» 4 dòng, «DV3» 2 dòng" in out
    assert "bỏ qua (không phải bảng dữ liệu): «Hướng dẫn», «Tổng hợp»" in out
    assert wh.query("SELECT count(*) FROM dossiers")[0][0] == 9


def test_fifty_sheets_load_all_fifty_thousand_rows(wh, tmp_path):
    units = {f"UBND xã Số {k}": 1000 for k in range(50)}
    result = load_file(wh, C.per_unit_workbook(tmp_path, units, "50_trang.xlsx"))
    assert result.status == "loaded" and result.counts["rows_read"] == 50_000
    assert result.counts["rows_loaded"] == 50_000 and result.counts["rows_rejected"] == 0 and len(result.sheets) == 50
    assert wh.query("SELECT count(DISTINCT unit_id), count(*) FROM dossiers")[0] == (50, 50_000)


def _legacy_checks(prepared):
    assert prepared.rows_rejected == 0, prepared.rejects.to_dict("records")
    data = prepared.data.set_index("code")
    assert data["unit_name"].tolist() == ["Sở Tư pháp", "UBND xã Phú Hữu", "UBND huyện Nhơn Trạch"]
    assert data["field"].tolist() == ["Hộ tịch", "Hộ tịch", "Đất đai"]
    assert data["channel"].tolist() == ["online", "direct", "direct"]
    assert data["level"].tolist() == ["province", "commune", "district"]


@pytest.mark.parametrize("build", [C.tcvn3_csv, C.tcvn3_xlsx, C.vni_xlsx])
def test_legacy_font_files_are_converted_never_garbage(build, tmp_path, wh):
    with wh.write() as con:  # the registry knows the units under their Unicode names
        for name, level in (("Sở Tư pháp", "province"), ("UBND xã Phú Hữu", "commune"),
                            ("UBND huyện Nhơn Trạch", "district")):
            con.execute("INSERT INTO units (unit_id, name, name_key, level) VALUES (?, ?, ?, ?)",
                        [unit_id_for(name), name, fold(name), level])
    prepared = prepare(build(tmp_path), wh=wh)
    _legacy_checks(prepared)
    assert prepared.new_units.empty  # matched to the registry, no garbage unit created


def test_legacy_text_no_table_resolves_is_refused_by_name(tmp_path):
    # VNI pairs (ôû, aù, aõ) among characters no Vietnamese table resolves: no safe conversion
    rows = [["L-1", "Sôû Tö phaùp ßßßß", "04/03/2024", "", ""], ["L-2", "UBND xaõ ÿÿÿÿ þþþþ", "05/03/2024", "", ""]]
    path = write_table(tmp_path / "la.xlsx", ["Ma ho so", "Co quan tiep nhan", "Ngay tiep nhan", "Ngay hen tra",
                                              "Ngay co ket qua"], rows)
    with pytest.raises(FileRefused) as refused:
        read_file(path)
    assert "bảng mã cũ" in refused.value.reason and "Unikey" in refused.value.reason


def test_legacy_tables_and_detection():
    assert tcvn3_to_unicode("UBND x· Phó H÷u") == "UBND xã Phú Hữu"
    assert tcvn3_to_unicode("UBND HUYÖN NH¥N TR¹CH") == "UBND HUYỆN NHƠN TRẠCH"  # .VnTimeH capitals
    assert vni_to_unicode("Xin chaøo caùc baïn") == "Xin chào các bạn"
    assert legacy_encoding(" ".join(C.TCVN3.values())) == ("TCVN3", True)
    assert legacy_encoding(" ".join(C.VNI.values())) == ("VNI", True)
    assert legacy_encoding(" ".join(C.TCVN3)) == (None, True)        # Unicode Vietnamese
    assert legacy_encoding("Café Müller, Straße ñ 2024 and plain text")[0] is None


def test_windows_1258_csv_is_not_mistaken_for_a_legacy_font(tmp_path):
    text = "Mã hồ sơ;Cơ quan tiếp nhận;Ngày tiếp nhận;Ngày hẹn trả;Ngày có kết quả\r\nW-1;UBND xã Phú Hữu;5/3/2024;;\r\n"
    from tests.fixtures_etl import _cp1258_form

    path = tmp_path / "w.csv"
    path.write_bytes(_cp1258_form(text).encode("cp1258"))  # tone marks as combining characters, as Windows writes
    assert prepare(path).data["unit_name"].tolist() == ["UBND xã Phú Hữu"]


# -- duplicates within a file -------------------------------------------------------------------------

def _dup_rows():
    return [
        dossier_row("D1", finished="10/03/2024 10:00"),                       # row 2: finished
        dossier_row("D0"),                                                      # row 3
        dossier_row("D1", finished=None),                                       # row 4: later, still in progress
        dossier_row("D2", finished="12/03/2024 10:00"),                       # row 5: finished later
        dossier_row("D2", finished="11/03/2024 10:00"),                       # row 6
        dossier_row("D3", applicant="Trần Thị B"),                             # row 7: more fields
        dossier_row("D3", applicant=""),                                       # row 8
        dossier_row("D4", field="Hộ tịch"),                                    # row 9: the same state
        dossier_row("D4", field="Chứng thực"),                                 # row 10: last row wins
    ]


def test_duplicates_keep_the_most_complete_latest_state_and_list_the_rest(wh, tmp_path, empty_db, capsys):
    path = write_table(tmp_path / "dup.xlsx", HEADERS, _dup_rows())
    prepared = prepare(path)
    assert prepared.duplicates == 4 and prepared.rows_rejected == 0 and len(prepared.data) == 5
    data = prepared.data.set_index("code")
    assert data.loc["D1", "finished_at"] == D(2024, 3, 10, 10)    # finished beats the later in-progress row
    assert data.loc["D2", "finished_at"] == D(2024, 3, 12, 10)    # the latest finished time
    assert data.loc["D3", "applicant"] == "Trần Thị B"           # more non-empty fields
    assert data.loc["D4", "field"] == "Chứng thực"               # otherwise the last row
    listed = prepared.rejects.set_index("row_number")
    assert sorted(listed.index) == [4, 6, 8, 9]
    assert [("giữ dòng %d" % kept) in listed.loc[row, "reason"] for row, kept in ((4, 2), (6, 5), (8, 7), (9, 10))] \
        == [True] * 4
    assert json.loads(listed.loc[4, "row_json"])["Mã hồ sơ"] == "D1" and "Trùng" in listed.loc[4, "reason"]
    code, out = _cli(empty_db, path, capsys)
    assert code == 0 and "trùng mã trong tệp 4" in out  # duplicates are not errors: exit 0
    stored = wh.query("SELECT row_number FROM rejected_rows ORDER BY row_number")
    assert [r[0] for r in stored] == [4, 6, 8, 9]


def test_a_code_on_two_unit_sheets_is_one_dossier_and_names_the_sheet(tmp_path):
    path = C.per_unit_workbook(tmp_path)
    import openpyxl
    wb = openpyxl.load_workbook(path)
    first = [c.value for c in wb["DV1"][3]]            # DV1 row 3: its first dossier
    wb["DV3"].append([first[0], "UBND xã Phú Hữu", first[2], first[3], D(2024, 3, 20, 9), "Trực tuyến"])
    wb.save(path)
    prepared = prepare(path)
    assert prepared.rows_read == 10 and len(prepared.data) == 9 and prepared.duplicates == 1
    kept = prepared.data.set_index("code").loc[first[0]]
    assert kept["finished_at"] == D(2024, 3, 20, 9) and kept["unit_name"] == "UBND xã Phú Hữu"  # the finished state
    entry = prepared.rejects.iloc[0]
    assert (entry["sheet"], entry["row_number"]) == ("DV1", 3) and "giữ dòng 5 (trang «DV3»)" in entry["reason"]
    from etl.upload import rejects_table

    both = pd.concat([prepared.rejects, prepared.rejects.assign(sheet="DV2")])
    assert rejects_table(both).columns[0] == "Trang" and rejects_table(prepared.rejects).columns[0] == "Dòng"


def test_each_format_is_one_registry_entry(tmp_path, wh):
    from tests.upload_helpers import write_form06

    form = write_form06(tmp_path / "b06.xlsx", [["Hộ tịch", 10, 4, 6, 0, 8, 2, 5, 1, 2, 1, 1]])
    assert formats.detect(read_file(form))[0].name == "form06"
    refused = load_file(wh, form)  # its title names a unit the registry does not know yet
    assert refused.status == "refused" and "UBND xã Phước An" in refused.reason
    with wh.write() as con:
        con.execute("INSERT INTO units (unit_id, name, name_key, level) VALUES (?, 'UBND xã Phước An', ?, 'commune')",
                    [unit_id_for("UBND xã Phước An"), fold("UBND xã Phước An")])
    result = load_file(wh, form)  # the command line loads a Biểu 06 through the same registry
    assert (result.status, result.kind, result.counts["rows_loaded"]) == ("loaded", "form06", 1), result.reason
    assert wh.query("SELECT field, received_total, resolved_early FROM form06_rows") == [("Hộ tịch", 10, 2)]
    found = formats.detect(read_file(C.per_unit_workbook(tmp_path)))
    assert found[0].name == "records" and len(found[1].sheets) == 3
    assert [f.name for f in formats.FORMATS] == ["portal766", "form06", "records"]  # most specific first

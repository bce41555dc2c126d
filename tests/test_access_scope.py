"""Write scope decided by the registry, never by the file (issue 12 item 2, issue 11 item 8, issue 17 item 6).

The attacks of issue 12 reproduced: a commune analyst storing rows as province level through the
file's 'Cấp' column, a level-scoped analyst writing under a district unit, a Biểu 06 under the
section 'I. Cấp tỉnh', an analyst re-pointing another district's alias to their own commune, the
unmatched-names list and the load history showing other districts' names and files. Rows of
other units are skipped and counted apart from data errors.
"""
from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from etl import form06_reader, load as etl_load, upload as etl_upload
from kpi.access import permissions
from kpi.measures import metrics, periods, units as units_mod
from kpi.access.permissions import User
from kpi.warehouse.db import Warehouse
from kpi.measures.filters import PROVINCE_SCOPE, Filters, Scope
from tests.upload_helpers import HEADERS, dossier_row, page, write_form06, write_table

DISTRICT = "ubnd-huyện-tân-phú"
COMMUNE = "ubnd-xã-phú-an"              # a commune of Tân Phú (valid to 30/06/2025)
COMMUNE_NAME = "UBND xã Phú An"
OTHER_DISTRICT = "ubnd-huyện-định-quán"
MARCH = periods.month(2024, 3)
ADMIN = User("quan-tri", "admin")


def _with_level(rows: list[list], levels: list[str | None]) -> list[list]:
    return [row + [level] for row, level in zip(rows, levels)]


def _commune_analyst(wh: Warehouse) -> User:
    return User("xa-phu-an", "analyst", permissions.resolve_scope(wh, {"kind": "units", "unit_ids": [COMMUNE]}))


def _district_analyst(wh: Warehouse, district: str = DISTRICT, name: str = "phan-tich") -> User:
    return User(name, "analyst", permissions.resolve_scope(wh, {"kind": "units", "unit_ids": [district]}))


def _province_resolved(wh: Warehouse) -> dict:
    row = metrics.kpi_table(wh, MARCH, Filters(level="province")).iloc[0]
    return {k: row[k] for k in ("received", "resolved")}


# == level from the registry ==========================================================================
def test_commune_analyst_cannot_store_province_level_rows(sample_copy, tmp_path):
    """Issue 12: the file's 'Cấp tỉnh' moved a commune's dossiers into the province figures."""
    wh = Warehouse(sample_copy)
    analyst = _commune_analyst(wh)
    before = _province_resolved(wh)
    rows = [dossier_row(f"CAP-{i}", unit=COMMUNE_NAME, due="06/03/2024") for i in range(3)]
    path = write_table(tmp_path / "cap.xlsx", HEADERS + ["Cấp"],
                       _with_level(rows, ["Cấp tỉnh", "Cấp tỉnh", "Cấp xã"]))
    prepared = etl_load.prepare(path, wh=wh, scope=analyst.scope)
    assert list(prepared.data["code"]) == ["CAP-2"] and list(prepared.data["level"]) == ["commune"]
    assert prepared.rows_rejected == 2 and prepared.out_of_scope == 0
    reasons = prepared.rejects[prepared.rejects["column_name"] == "Cấp"]
    assert list(reasons["row_number"]) == [2, 3] and list(reasons["raw_value"]) == ["Cấp tỉnh", "Cấp tỉnh"]
    assert all("mâu thuẫn với danh mục" in r and "«Cấp xã»" in r for r in reasons["reason"])
    result = etl_load.load_prepared(wh, prepared, user=analyst.name)
    assert result.counts["rows_loaded"] == 1
    assert wh.query("SELECT level FROM dossiers WHERE code LIKE 'CAP-%'") == [("commune",)]
    assert _province_resolved(wh) == before


def test_level_from_the_registry_even_without_a_level_column(sample_copy, tmp_path):
    wh = Warehouse(sample_copy)
    path = write_table(tmp_path / "khong-cap.xlsx", HEADERS, [dossier_row("REG-1", unit="UBND huyện Tân Phú")])
    prepared = etl_load.prepare(path, wh=wh, scope=PROVINCE_SCOPE)
    assert list(prepared.data["level"]) == ["district"] and list(prepared.data["unit_id"]) == [DISTRICT]


def test_level_scoped_analyst_cannot_write_under_a_district_unit(sample_copy, tmp_path):
    """Issue 12: 'Cấp xã' in the file let a commune-level analyst store rows under a district unit."""
    wh = Warehouse(sample_copy)
    clerk = User("cap-xa", "analyst", Scope(kind="level", level="commune"))
    rows = [dossier_row("LV-1", unit="UBND huyện Tân Phú"), dossier_row("LV-2", unit=COMMUNE_NAME)]
    path = write_table(tmp_path / "lv.xlsx", HEADERS + ["Cấp"], _with_level(rows, ["Cấp xã", "Cấp xã"]))
    result = etl_load.load_file(wh, path, user=clerk.name, scope=clerk.scope)
    assert result.counts["rows_loaded"] == 1 and result.counts["out_of_scope"] == 1
    assert result.counts["rows_rejected"] == 0
    assert wh.query("SELECT code, unit_id, level FROM dossiers WHERE code LIKE 'LV-%'") == [("LV-2", COMMUNE, "commune")]


def test_new_unit_level_comes_from_its_name_and_stays_in_scope(sample_copy, tmp_path):
    wh = Warehouse(sample_copy)
    clerk = User("cap-xa", "analyst", Scope(kind="level", level="commune"))
    rows = [dossier_row("NEW-1", unit="UBND huyện Mới Lập"),    # states district, file says commune
            dossier_row("NEW-2", unit="UBND xã Mới Lập"),       # states commune: a new commune
            dossier_row("NEW-3", unit="Sở Mới Lập")]            # no level word, file says province
    path = write_table(tmp_path / "moi.xlsx", HEADERS + ["Cấp"], _with_level(rows, ["Cấp xã", None, "Cấp tỉnh"]))
    prepared = etl_load.prepare(path, wh=wh, scope=clerk.scope)
    assert list(prepared.data["code"]) == ["NEW-2"]
    assert list(prepared.new_units["level"]) == ["commune"]
    # NEW-1: the name says district, the file commune: neither makes it commune for this clerk.
    assert prepared.out_of_scope == 2 and prepared.rows_rejected == 0
    # A unit-scoped analyst cannot create units at all: the name is rejected with what to do.
    analyst = _commune_analyst(wh)
    theirs = etl_load.prepare(path, wh=wh, scope=analyst.scope)
    assert theirs.data.empty and theirs.rows_rejected == 3
    unknown = theirs.rejects[theirs.rejects["reason"].str.contains(units_mod.UNKNOWN_UNIT_MARK)]
    assert sorted(unknown["row_number"]) == [2, 3, 4]
    # An admin may: the stated level wins over the file's column, which is checked against it.
    admin = etl_load.prepare(path, wh=wh, scope=PROVINCE_SCOPE)
    assert dict(zip(admin.data["code"], admin.data["level"])) == {"NEW-2": "commune", "NEW-3": "province"}
    assert admin.rejects["reason"].str.contains("mâu thuẫn").all() and admin.rows_rejected == 1


def test_out_of_scope_rows_are_counted_apart_from_errors(sample_copy, tmp_path):
    """Issue 17: a district analyst's province-wide export: other units' rows are skipped, not 'dòng bị loại'."""
    wh = Warehouse(sample_copy)
    analyst = _district_analyst(wh)
    rows = [dossier_row("OS-1", unit=COMMUNE_NAME), dossier_row("OS-2", unit="UBND huyện Tân Phú"),
            dossier_row("OS-3", unit="UBND huyện Định Quán"), dossier_row("OS-4", unit="Sở Tư pháp"),
            dossier_row("OS-5", unit="UBND huyện Định Quán", received="xx/03/2024"),  # another unit's error
            dossier_row("OS-6", unit=COMMUNE_NAME, received="31/02/2024")]            # our error
    path = write_table(tmp_path / "toan-tinh.xlsx", HEADERS, rows)
    data = path.read_bytes()
    ins = etl_upload.inspect(wh, data, path.name, scope=analyst.scope)
    assert ins.counts["out_of_scope"] == 3 and ins.counts["rejected"] == 1 and ins.counts["new"] == 2
    assert list(ins.prepared.rejects["raw_value"].unique()) == ["31/02/2024"]
    outcome = etl_upload.load(wh, ins, user=analyst)
    assert outcome.counts["out_of_scope"] == 3 and outcome.counts["rows_rejected"] == 1
    stored = wh.query("SELECT DISTINCT row_number FROM rejected_rows WHERE batch_id = ?", [outcome.batch_id])
    assert stored == [(7,)], "another unit's rows are not kept in rejected_rows"
    from ui import text_data as TD

    assert "Thuộc đơn vị khác, bỏ qua: 3 dòng" in TD.upload_done(outcome.batch_id, outcome.counts)


def test_upload_page_shows_out_of_scope_apart(sample_copy, tmp_path, monkeypatch):
    from tests.upload_helpers import no_exceptions, upload
    from ui import text_data as TD

    monkeypatch.setenv("TTHC_DB", str(sample_copy))
    wh = Warehouse(sample_copy)
    analyst = _district_analyst(wh)
    rows = [dossier_row("PG-1", unit=COMMUNE_NAME)] + [dossier_row(f"PG-X{i}", unit="Sở Tư pháp") for i in range(4)]
    path = write_table(tmp_path / "trang.xlsx", HEADERS, rows)
    at = upload(page("upload", analyst).run(), (path.name, path.read_bytes()))
    no_exceptions(at)
    metrics_shown = {m.label: m.value for m in at.metric}
    assert metrics_shown[TD.UPLOAD_COUNTS["rejected"]] == "0"
    assert TD.UPLOAD_OUT_OF_SCOPE.format(n="4") in [i.value for i in at.info]


def test_rows_outside_their_units_validity_are_flagged(sample_copy, tmp_path):
    wh = Warehouse(sample_copy)
    rows = [dossier_row("VD-1", unit=COMMUNE_NAME, received="15/08/2025 08:00", due="20/08/2025", finished=None),
            dossier_row("VD-2", unit=COMMUNE_NAME)]
    result = etl_load.load_file(wh, write_table(tmp_path / "vd.xlsx", HEADERS, rows), user="an")
    assert result.counts["rows_loaded"] == 2 and result.counts["outside_validity"] == 1


# == Biểu 06 section level ==============================================================================
def test_form06_section_above_the_unit_level_is_rejected(sample_copy, tmp_path):
    """Issue 12: a commune's Biểu 06 under 'I. Cấp tỉnh' was stored as province figures."""
    wh = Warehouse(sample_copy)
    numbers = [10, 4, 6, 0, 8, 3, 4, 1, 2, 2, 0]
    path = write_form06(tmp_path / "b06.xlsx", [["Hộ tịch", *numbers]], unit=COMMUNE_NAME, level_row="Cấp tỉnh")
    prepared = form06_reader.prepare_form06(path, wh=wh, scope=PROVINCE_SCOPE)
    assert prepared.unit_id == COMMUNE and prepared.valid.empty
    reasons = prepared.rejects[prepared.rejects["column_name"] == "Cấp"]["reason"].tolist()
    assert reasons and "«Cấp tỉnh»" in reasons[0] and "cấp xã" in reasons[0]
    ok = form06_reader.prepare_form06(write_form06(tmp_path / "ok.xlsx", [["Hộ tịch", *numbers]], unit=COMMUNE_NAME,
                                            level_row="Cấp xã"), wh=wh, scope=PROVINCE_SCOPE)
    assert list(ok.valid["level"]) == ["commune"] and ok.rejects.empty
    # A district reports its own level and its communes', not the province's.
    district = form06_reader.prepare_form06(write_form06(tmp_path / "h.xlsx", [["Hộ tịch", *numbers]],
                                                  unit="UBND huyện Tân Phú", level_row="Cấp xã"), wh=wh)
    assert list(district.valid["level"]) == ["commune"]


# == aliases ================================================================================================
def test_analyst_cannot_repoint_another_districts_alias(sample_copy, tmp_path):
    """Issue 12: an analyst re-pointed another district's alias to their own commune; the admin's next
    load then put that district's dossiers into the analyst's unit."""
    wh = Warehouse(sample_copy)
    analyst = _district_analyst(wh)
    units_mod.add_alias(wh, "BPMC Định Quán", OTHER_DISTRICT, user=ADMIN.name)
    with pytest.raises(units_mod.UnitError, match="ngoài phạm vi"):
        units_mod.add_alias(wh, "BPMC Định Quán", COMMUNE, user=analyst.name, scope=analyst.scope)
    with pytest.raises(units_mod.UnitError, match="ngoài phạm vi"):
        units_mod.add_alias(wh, "Xã Lạ", "ubnd-xã-la-ngà", user=analyst.name, scope=analyst.scope)
    with pytest.raises(units_mod.UnitError, match="cấp huyện"):
        units_mod.add_alias(wh, "UBND huyện Chưa Có", COMMUNE, user=analyst.name, scope=analyst.scope)
    with pytest.raises(units_mod.UnitError, match="ngoài phạm vi"):
        units_mod.remove_alias(wh, units_mod.fold("BPMC Định Quán"), user=analyst.name, scope=analyst.scope)
    assert units_mod.resolve(wh, "BPMC Định Quán") == OTHER_DISTRICT
    # Their own names they may map.
    units_mod.add_alias(wh, "Xã Phú An (Tân Phú)", COMMUNE, user=analyst.name, scope=analyst.scope)
    assert units_mod.resolve(wh, "Xã Phú An (Tân Phú)") == COMMUNE
    # The admin's next load puts Định Quán's dossiers under Định Quán.
    path = write_table(tmp_path / "admin.xlsx", HEADERS, [dossier_row("AL-1", unit="BPMC Định Quán")])
    etl_load.load_file(wh, path, user=ADMIN.name)
    assert wh.query("SELECT unit_id FROM dossiers WHERE code = 'AL-1'") == [(OTHER_DISTRICT,)]
    # The alias list an analyst sees holds only the aliases of their units.
    assert set(units_mod.aliases_frame(wh, analyst.scope)["unit_id"]) == {COMMUNE}
    assert OTHER_DISTRICT in set(units_mod.aliases_frame(wh)["unit_id"])


def test_unmatched_names_are_filtered_by_scope(sample_copy, tmp_path):
    wh = Warehouse(sample_copy)
    mine, other = _district_analyst(wh), _district_analyst(wh, OTHER_DISTRICT, "dinh-quan")
    path = write_table(tmp_path / "la.xlsx", HEADERS, [dossier_row("UN-1", unit="UBND xã Tên Lạ Của Tân Phú")])
    etl_load.load_file(wh, path, user=mine.name, scope=mine.scope)
    assert units_mod.unmatched_names(wh, user=mine.name, scope=mine.scope) == ["UBND xã Tên Lạ Của Tân Phú"]
    assert units_mod.unmatched_names(wh, user=other.name, scope=other.scope) == []
    assert "UBND xã Tên Lạ Của Tân Phú" in units_mod.unmatched_names(wh)  # the admin sees every name


def test_units_page_offers_an_analyst_only_their_names(sample_copy, tmp_path, monkeypatch):
    from tests.upload_helpers import no_exceptions

    monkeypatch.setenv("TTHC_DB", str(sample_copy))
    wh = Warehouse(sample_copy)
    mine, other = _district_analyst(wh), _district_analyst(wh, OTHER_DISTRICT, "dinh-quan")
    path = write_table(tmp_path / "la.xlsx", HEADERS, [dossier_row("UP-1", unit="UBND xã Tên Lạ Của Tân Phú")])
    etl_load.load_file(wh, path, user=mine.name, scope=mine.scope)
    at = page("units", other).run()
    no_exceptions(at)
    assert "UBND xã Tên Lạ Của Tân Phú" not in [t.value for t in at.text_input]
    at = page("units", mine).run()
    no_exceptions(at)
    assert "UBND xã Tên Lạ Của Tân Phú" in [t.value for t in at.text_input]


# == history ==================================================================================================
def test_history_shows_an_analyst_only_batches_of_their_scope(sample_copy, tmp_path, monkeypatch):
    """Issue 12: the history page showed other districts' file names and uploaders."""
    from tests.upload_helpers import no_exceptions

    monkeypatch.setenv("TTHC_DB", str(sample_copy))
    wh = Warehouse(sample_copy)
    analyst = _district_analyst(wh)
    theirs = etl_load.load_file(wh, write_table(tmp_path / "dinh-quan-bi-mat.xlsx", HEADERS,
                                                [dossier_row("HS-1", unit="UBND huyện Định Quán")]), user="quan-tri")
    ours = etl_load.load_file(wh, write_table(tmp_path / "tan-phu-cua-admin.xlsx", HEADERS,
                                              [dossier_row("HS-2", unit=COMMUNE_NAME)]), user="quan-tri")
    own = etl_load.load_file(wh, write_table(tmp_path / "cua-toi.xlsx", HEADERS,
                                             [dossier_row("HS-3", unit=COMMUNE_NAME)]), user=analyst.name,
                             scope=analyst.scope)
    refused = etl_load.record_refusal(wh, "khac-huyen-bi-tu-choi.xlsx", "Tệp rỗng")
    seen = {b["id"] for b in etl_upload.batches(wh, analyst)}
    assert {ours.batch_id, own.batch_id} <= seen
    assert theirs.batch_id not in seen and refused.batch_id not in seen
    assert {theirs.batch_id, refused.batch_id} <= {b["id"] for b in etl_upload.batches(wh, ADMIN)}
    at = page("history", analyst).run()
    no_exceptions(at)
    at.toggle(key="history_mine").set_value(False).run()
    files = set(at.dataframe[0].value["Tệp"])
    assert "tan-phu-cua-admin.xlsx" in files and "cua-toi.xlsx" in files
    assert "dinh-quan-bi-mat.xlsx" not in files and "khac-huyen-bi-tu-choi.xlsx" not in files


def test_upload_page_hands_unplaced_names_to_the_units_page(sample_copy, tmp_path, monkeypatch):
    """A unit-scoped analyst's unknown names are rejected with what to do; the units page offers them
    for mapping (to units of the scope only, see test_analyst_cannot_repoint_another_districts_alias)."""
    from tests.upload_helpers import no_exceptions, upload

    monkeypatch.setenv("TTHC_DB", str(sample_copy))
    analyst = _district_analyst(Warehouse(sample_copy))
    path = write_table(tmp_path / "la.xlsx", HEADERS, [dossier_row("NP-1", unit="UBND xã Phú An (cũ)"),
                                                      dossier_row("NP-2", unit=COMMUNE_NAME)])
    at = upload(page("upload", analyst).run(), (path.name, path.read_bytes()))
    no_exceptions(at)
    assert at.session_state["pending_unit_names"] == ["UBND xã Phú An (cũ)"]
    reasons = at.dataframe[-1].value["Lý do"].tolist()
    assert len(reasons) == 1 and "Ánh xạ tên đơn vị" in reasons[0]

"""Source profiles (kpi.warehouse.profiles): header signatures, save/find/list, automatic reuse in the upload workflow."""
from __future__ import annotations

import pytest

from etl import upload as etl_upload
from kpi.warehouse import audit
from kpi.warehouse import profiles
from kpi.warehouse.db import Warehouse
from tests.fixtures_etl import Traits, make_rows, write_messy

ODD = {"code": "ID giao dịch", "received_at": "Cột T"}  # headers that name no field (recognition by meaning leaves them to the analyst)


@pytest.fixture()
def wh(tmp_path) -> Warehouse:
    return Warehouse(tmp_path / "profiles.duckdb")


def test_signature_ignores_case_diacritics_spacing_order_and_blanks():
    a = profiles.header_signature(["Mã hồ sơ", "Ngày tiếp nhận", None, ""])
    assert a == profiles.header_signature(["NGÀY  TIẾP\nNHẬN", "ma ho so"])
    assert a != profiles.header_signature(["Mã hồ sơ", "Ngày hẹn trả"])
    assert len(a) == 64


def test_save_find_list_and_replace(wh):
    sig = profiles.header_signature(["ID giao dịch", "Cột T"])
    profiles.save_profile(wh, "Một cửa điện tử – báo cáo chi tiết", "dossiers", sig,
                          {"code": "ID giao dịch"}, user="an")
    found = profiles.find_profile(wh, sig)
    assert found["name"] == "Một cửa điện tử – báo cáo chi tiết"
    assert found["mapping"] == {"code": "ID giao dịch"} and found["created_by"] == "an"
    assert profiles.find_profile(wh, sig, kind="feedback") is None
    assert profiles.find_profile(wh, "0" * 64) is None
    profiles.save_profile(wh, "Một cửa điện tử – báo cáo chi tiết", "dossiers", sig,
                          {"code": "ID giao dịch", "received_at": "Cột T"}, user="binh")
    listed = profiles.list_profiles(wh)
    assert len(listed) == 1 and listed.iloc[0]["mapping"]["received_at"] == "Cột T"
    assert len(audit.read_log(wh, action="profile.save")) == 2
    with pytest.raises(profiles.ProfileError):
        profiles.save_profile(wh, " ", "dossiers", sig, {"code": "x"})
    profiles.delete_profile(wh, "Một cửa điện tử – báo cáo chi tiết")
    assert profiles.find_profile(wh, sig) is None


def test_manual_mapping_is_saved_and_reused_for_the_next_file(wh, tmp_path):
    first = write_messy(tmp_path / "thang1.xlsx", make_rows(30, seed=1), Traits(title_rows=3, headers=ODD))
    second = write_messy(tmp_path / "thang2.xlsx", make_rows(40, seed=2, code_prefix="H34"),
                         Traits(title_rows=3, headers=ODD, shuffle=True, header_case="upper"))
    ins = etl_upload.inspect(wh, first.read_bytes(), first.name)
    assert ins.needs_mapping and set(ins.prepared.unmapped) == {"code", "received_at"}
    assert not ins.ready
    picked = {"code": "ID giao dịch", "received_at": "Cột T"}
    ins = etl_upload.inspect(wh, first.read_bytes(), first.name, mapping={**ins.prepared.mapping, **picked},
                    kind=ins.prepared.kind, profile_name="Một cửa – chi tiết", user="an", signature=ins.signature)
    assert ins.ready and ins.counts["new"] == 30 and ins.profile == "Một cửa – chi tiết"

    again = etl_upload.inspect(wh, second.read_bytes(), second.name)  # upper-case headers, other column order
    assert again.profile == "Một cửa – chi tiết"
    assert not again.needs_mapping and again.ready
    assert again.counts["new"] == 40 and again.prepared.mapping["code"].upper() == "ID GIAO DỊCH"

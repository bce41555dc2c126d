"""Units registry (kpi.measures.units): fuzzy suggestions, aliases, renames and merges as successor links, rollup."""
from __future__ import annotations

import datetime as dt

import pytest

from etl.load import prepare
from kpi.access import permissions
from kpi.warehouse import audit
from kpi.measures import units as units_mod
from kpi.warehouse.db import Warehouse
from kpi.measures.levels import unit_id_for
from tests.upload_helpers import HEADERS, dossier_row, page, write_table

SO_TU_PHAP = unit_id_for("Sở Tư pháp")
UBND_HUYEN_NHON_TRACH = unit_id_for("UBND huyện Nhơn Trạch")
UBND_XA_PHU_HUU = unit_id_for("UBND xã Phú Hữu")
UBND_XA_PHUOC_AN = unit_id_for("UBND xã Phước An")
UBND_XA_PHUOC_THIEN = unit_id_for("UBND xã Phước Thiền")
XA_NHON_TRACH = unit_id_for("Xã Nhơn Trạch")


@pytest.fixture()
def wh(tmp_path) -> Warehouse:
    wh = Warehouse(tmp_path / "units.duckdb")
    units_mod.add_unit(wh, "Sở Tư pháp")
    units_mod.add_unit(wh, "UBND huyện Nhơn Trạch")
    units_mod.add_unit(wh, "UBND xã Phú Hữu", parent_id=UBND_HUYEN_NHON_TRACH)
    units_mod.add_unit(wh, "UBND xã Phước An", parent_id=UBND_HUYEN_NHON_TRACH)
    units_mod.add_unit(wh, "UBND xã Phước Thiền")
    return wh


def test_add_unit_infers_level_and_refuses_duplicates(wh):
    units = units_mod.list_units(wh).set_index("unit_id")
    assert units.loc[SO_TU_PHAP, "level"] == "province"
    assert units.loc[UBND_HUYEN_NHON_TRACH, "level"] == "district"
    assert units.loc[UBND_XA_PHU_HUU, "level"] == "commune"
    with pytest.raises(units_mod.UnitError, match="đã có"):
        units_mod.add_unit(wh, "ubnd xã phú  hữu")
    with pytest.raises(units_mod.UnitError, match="trống"):
        units_mod.add_unit(wh, "  ")


def test_resolve_ignores_case_diacritics_and_spacing(wh):
    assert units_mod.resolve(wh, "UBND XA PHU HUU") == UBND_XA_PHU_HUU
    assert units_mod.resolve(wh, "ubnd  xã\nphú hữu") == UBND_XA_PHU_HUU
    assert units_mod.resolve(wh, "Xã Phú Hữu") is None  # not the registry name: needs an alias
    units_mod.add_unit(wh, "UBND xã Phú Hưu")            # differs only by a diacritic: a different commune
    assert units_mod.resolve(wh, "UBND xã Phú Hưu") == unit_id_for("UBND xã Phú Hưu")
    assert units_mod.resolve(wh, "UBND xã Phú Hữu") == UBND_XA_PHU_HUU


def test_suggest_ranks_the_right_unit_first_without_diacritics_or_prefix(wh):
    best = units_mod.suggest(wh, "Xa Phu Huu", 3)
    assert best[0]["unit_id"] == UBND_XA_PHU_HUU and best[0]["score"] >= 90
    assert units_mod.suggest(wh, "Uỷ ban nhân dân xã Phước An")[0]["unit_id"] == UBND_XA_PHUOC_AN
    assert units_mod.suggest(wh, "So Tu Phap tinh")[0]["unit_id"] == SO_TU_PHAP
    assert units_mod.suggest(wh, "Công ty TNHH ABC", min_score=80) == []
    assert units_mod.suggest(Warehouse(wh.path.with_name("empty.duckdb")), "Sở Tư pháp") == []


def test_alias_maps_a_spelling_and_is_audited(wh):
    units_mod.add_alias(wh, "Xã Phú Hữu (Nhơn Trạch)", UBND_XA_PHU_HUU, user="an")
    assert units_mod.resolve(wh, "xa phu huu nhon trach") == UBND_XA_PHU_HUU
    units_mod.add_alias(wh, "Xã Phú Hữu (Nhơn Trạch)", UBND_XA_PHUOC_AN, user="an")  # re-map replaces
    assert units_mod.resolve(wh, "Xã Phú Hữu (Nhơn Trạch)") == UBND_XA_PHUOC_AN
    assert len(units_mod.aliases_frame(wh)) == 1
    with pytest.raises(units_mod.UnitError, match="đơn vị khác"):
        units_mod.add_alias(wh, "Sở Tư pháp", UBND_XA_PHU_HUU)
    with pytest.raises(units_mod.UnitError, match="Không có đơn vị"):
        units_mod.add_alias(wh, "Xã X", "khong-co")
    log = audit.read_log(wh, action="unit.alias")
    assert len(log) == 2 and set(log["user_name"]) == {"an"}


def test_alias_makes_the_etl_recognize_the_name(wh, tmp_path):
    path = write_table(tmp_path / "a.xlsx", HEADERS, [dossier_row("A1", unit="Xã Phú Hữu - Nhơn Trạch")])
    assert len(prepare(path, wh=wh).new_units) == 1          # unknown: would become a new unit
    units_mod.add_alias(wh, "Xã Phú Hữu - Nhơn Trạch", UBND_XA_PHU_HUU)
    prepared = prepare(path, wh=wh)
    assert prepared.new_units.empty
    assert list(prepared.data["unit_id"]) == [UBND_XA_PHU_HUU]


def test_merge_and_rename_on_the_2025_reform_roll_up(wh):
    new_id = units_mod.merge_units(wh, [UBND_XA_PHU_HUU, UBND_XA_PHUOC_AN], "Xã Nhơn Trạch", user="admin")
    assert new_id == XA_NHON_TRACH
    merged = units_mod.get_unit(wh, UBND_XA_PHU_HUU)
    assert merged["successor_id"] == new_id and merged["valid_to"] == dt.date(2025, 6, 30)
    assert units_mod.get_unit(wh, new_id)["valid_from"] == dt.date(2025, 7, 1)
    renamed = units_mod.rename_unit(wh, new_id, "Phường Nhơn Trạch", on=dt.date(2026, 1, 1))
    # chains are followed to the end: both old communes roll up to the renamed unit
    assert units_mod.current_unit(wh, UBND_XA_PHU_HUU) == renamed
    assert units_mod.current_unit(wh, UBND_XA_PHUOC_AN) == renamed
    assert units_mod.current_unit(wh, SO_TU_PHAP) == SO_TU_PHAP
    rollup = units_mod.rollup_frame(wh).set_index("unit_id")["current_id"]
    assert rollup[UBND_XA_PHU_HUU] == renamed and rollup[SO_TU_PHAP] == SO_TU_PHAP
    listed = units_mod.list_units(wh).set_index("unit_id")
    assert listed.loc[UBND_XA_PHUOC_AN, "current_name"] == "Phường Nhơn Trạch"


def test_successor_cycles_and_self_links_are_refused(wh):
    units_mod.set_successor(wh, UBND_XA_PHU_HUU, UBND_XA_PHUOC_AN)
    units_mod.set_successor(wh, UBND_XA_PHUOC_AN, UBND_XA_PHUOC_THIEN)
    with pytest.raises(units_mod.UnitError, match="vòng lặp"):
        units_mod.set_successor(wh, UBND_XA_PHUOC_THIEN, UBND_XA_PHU_HUU)
    with pytest.raises(units_mod.UnitError, match="chính nó"):
        units_mod.set_successor(wh, SO_TU_PHAP, SO_TU_PHAP)
    units_mod.set_successor(wh, UBND_XA_PHUOC_AN, None, valid_to=None)
    assert units_mod.current_unit(wh, UBND_XA_PHU_HUU) == UBND_XA_PHUOC_AN


def test_successor_links_widen_a_district_scope_to_the_merged_unit(wh):
    """kpi.access.permissions' scope expansion reads the same links: a merged unit of one district stays visible to it."""
    units_mod.merge_units(wh, [UBND_XA_PHU_HUU, UBND_XA_PHUOC_AN], "Xã Nhơn Trạch")
    scope = permissions.resolve_scope(wh, f"units:{UBND_HUYEN_NHON_TRACH}")
    assert XA_NHON_TRACH in scope.unit_ids


def test_units_page_admin_maps_a_pending_name_and_leader_only_reads(wh, monkeypatch):
    monkeypatch.setenv("TTHC_DB", str(wh.path))
    at = page("units", permissions.User("quantri", "admin"))
    at.session_state["pending_unit_names"] = ["Xa Phuoc Thien"]
    at.run()
    assert not at.exception
    assert at.selectbox(key="alias_pick_0").value == UBND_XA_PHUOC_THIEN  # the best suggestion comes first
    at.button(key="alias_save_0").click().run()
    assert not at.exception
    assert units_mod.resolve(wh, "Xa Phuoc Thien") == UBND_XA_PHUOC_THIEN
    assert "Xa Phuoc Thien" in at.success[0].value

    leader = page("units", permissions.User("lanhdao", "leader"))
    leader.run()
    assert not leader.exception
    assert not [b for b in leader.button if "Lưu" in b.label]
    assert len(leader.dataframe) >= 1


def test_lineage_follows_merges_back_to_every_predecessor():
    from kpi.measures.units import lineage

    pairs = [("xa-a", "xa-moi"), ("xa-b", "xa-moi"), ("xa-c", "xa-b"), ("so-x", None), ("xa-moi", None)]
    assert set(lineage(pairs, "xa-moi")) == {"xa-moi", "xa-a", "xa-b", "xa-c"}
    assert lineage(pairs, "xa-b") == ("xa-b", "xa-c")
    assert lineage(pairs, "so-x") == ("so-x",)
    assert lineage([("a", "b"), ("b", "a")], "c") == ("c",)  # a cycle never loops

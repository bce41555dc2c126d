"""One unit label for every picker (ui.unit_names, issue 13): upload, users and units registry pages."""
from __future__ import annotations

import pandas as pd

from ui.unit_names import UnitNames

REGISTRY = pd.DataFrame({
    "unit_id": ["xa-an", "so-tp", "huyen-b", "xa-dong", "huyen-a"],
    "name": ["UBND xã Ân", "Sở Tư pháp", "UBND huyện Bình", "UBND xã Đông", "UBND huyện An"],
    "level": ["commune", "province", "district", "commune", "district"],
})


def test_label_names_the_unit_and_its_level():
    units = UnitNames.of(REGISTRY, none_label="(không chọn)")
    assert units.label("xa-an") == "UBND xã Ân (Xã)"
    assert units.label("so-tp") == "Sở Tư pháp (Tỉnh)"
    assert units.label("khong-co") == "khong-co (?)"   # an id outside the registry: shown as itself
    assert units.label(None) == "(không chọn)"
    assert units.level_short("huyen-a") == "Huyện"


def test_ordered_by_level_then_vietnamese_name():
    # Province first, then districts (An before Bình), then communes (Ân before Đông: Vietnamese order).
    assert UnitNames.of(REGISTRY).ordered() == ["so-tp", "huyen-a", "huyen-b", "xa-an", "xa-dong"]

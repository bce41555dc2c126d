"""Administrative levels and how to infer a unit's level from its name (DOMAIN §3)."""
from __future__ import annotations

import datetime as dt
import re

from kpi.text.normalize import fold, nfc

PROVINCE, DISTRICT, COMMUNE = "province", "district", "commune"
LEVELS = (PROVINCE, DISTRICT, COMMUNE)

# The 2025 reform: the district level ends on 30/06/2025.
TWO_LEVEL_FROM = dt.date(2025, 7, 1)

# Matched against the folded name with any leading "UBND"/"Ủy ban nhân dân" removed.
_COMMUNE = re.compile(r"^(xa|phuong|thi tran|dac khu)\b")
_DISTRICT = re.compile(r"^(huyen|thi xa|thanh pho|quan)\b")
_PREFIX = re.compile(r"^(ubnd|uy ban nhan dan|bo phan mot cua|bpmc)\s+")

# Spellings of a level column's values.
_LEVEL_WORDS = {
    "tinh": PROVINCE, "cap tinh": PROVINCE, "so": PROVINCE, "province": PROVINCE, "so ban nganh": PROVINCE,
    "huyen": DISTRICT, "cap huyen": DISTRICT, "district": DISTRICT,
    "xa": COMMUNE, "cap xa": COMMUNE, "commune": COMMUNE,
}


def levels_on(day: dt.date) -> tuple[str, ...]:
    """Levels that exist on a given day: three before the reform, two after."""
    return (PROVINCE, COMMUNE) if day >= TWO_LEVEL_FROM else LEVELS


def parse_level(value: object) -> str | None:
    """A level column's value ('Cấp tỉnh', 'Huyện', 'xa') as a level, or None."""
    if value is None:
        return None
    return _LEVEL_WORDS.get(fold(str(value)))


def level_from_name(unit_name: str) -> str | None:
    """The level a unit's name states outright ('xã …', 'huyện …'), or None when it states none.

    Unlike ``infer_level`` this does not default to the province: a name without a
    level word (a Sở, a garbled name) says nothing about its level.
    """
    key = _PREFIX.sub("", _PREFIX.sub("", fold(unit_name)))
    if _COMMUNE.match(key):
        return COMMUNE
    if _DISTRICT.match(key):
        return DISTRICT
    return None


def infer_level(unit_name: str) -> str:
    """The level a unit's name implies.

    'UBND xã Phú Hữu' → commune, 'UBND huyện Nhơn Trạch' → district; everything
    else (Sở, Ban, Trung tâm, Chi nhánh, Công an tỉnh…) is a provincial agency.
    """
    key = _PREFIX.sub("", fold(unit_name))
    key = _PREFIX.sub("", key)
    if _COMMUNE.match(key):
        return COMMUNE
    if _DISTRICT.match(key):
        return DISTRICT
    return PROVINCE


def unit_id_for(unit_name: str) -> str:
    """A stable id for a unit from its name: lower case NFC with dashes, diacritics kept.

    Diacritics stay because real communes differ only by them (xã Phú Thạnh and
    xã Phú Thanh); matching that ignores them uses ``kpi.text.normalize.fold`` instead.
    """
    return nfc(unit_name).lower().replace(" ", "-")

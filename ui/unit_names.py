"""The units registry as the pickers show it: 'UBND xã Phú An (Xã)', in level then Vietnamese order.

One label for a unit wherever a page lets someone pick one (upload, users, units registry).
"""
from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from kpi.measures.levels import LEVELS
from kpi.text.normalize import sort_key_vi
from kpi.text.vi import LEVEL_SHORT


@dataclass(frozen=True)
class UnitNames:
    names: dict[str, str]
    levels: dict[str, str]
    none_label: str = ""  # what a picker's "no unit" option (None) reads

    @classmethod
    def of(cls, registry: pd.DataFrame, none_label: str = "") -> "UnitNames":
        """From ``kpi.measures.units.list_units`` (columns unit_id, name, level)."""
        return cls(dict(zip(registry["unit_id"], registry["name"])), dict(zip(registry["unit_id"], registry["level"])),
                   none_label)

    def level_short(self, unit_id: str) -> str:
        """'Tỉnh', 'Huyện', 'Xã'; '?' for an id the registry does not know."""
        return LEVEL_SHORT.get(self.levels.get(unit_id), "?")

    def label(self, unit_id: str | None) -> str:
        """'Name (Xã)'; an id the registry does not know is shown as itself; None as ``none_label``."""
        if unit_id is None:
            return self.none_label
        return f"{self.names.get(unit_id, unit_id)} ({self.level_short(unit_id)})"

    def ordered(self) -> list[str]:
        """Unit ids by level (province, district, commune) then name in Vietnamese order."""
        rank = {level: i for i, level in enumerate(LEVELS)}
        return sorted(self.names, key=lambda u: (rank.get(self.levels[u], len(LEVELS)), sort_key_vi(self.names[u])))

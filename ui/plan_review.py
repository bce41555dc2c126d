"""The review tables of the plan import page (pages/plan_import.py): a proposal's targets, manual
targets and tasks as editable tables in Vietnamese, and the edited tables back as rows for
``kpi.plan.store.confirm``."""
from __future__ import annotations

import pandas as pd
import streamlit as st

from kpi.measures import targets as targets_mod
from kpi.measures.metrics import KPIS
from kpi.plan.parser import LEVELS
from kpi.text import plan as plan_text, vi
from kpi.warehouse.db import Warehouse

C = plan_text.COLUMNS
LEVEL_NAMES = {level: vi.LEVEL_LABELS.get(level, plan_text.LEVEL_ALL) for level in LEVELS}
LEVEL_KEYS = {name: level for level, name in LEVEL_NAMES.items()}
KPI_NAMES = {key: vi.KPI_LABELS.get(key, key) for key in KPIS}
KPI_KEYS = {name: key for key, name in KPI_NAMES.items()}
TASK_FIELDS = ("number", "objective", "task", "product", "lead", "partner", "deadline_text")
_PERCENT = {"min_value": 0.0, "max_value": 100.0, "step": 0.5, "format": "%.1f%%", "width": "small"}


def _current_phrase(in_force, indicator: str, level: str) -> str:
    found = next((t for t in in_force if t.indicator == indicator and (t.level or "all") == level and not t.unit_id),
                 None)
    return "" if found is None else vi.pct(found.threshold, 1)


def _editor(table: pd.DataFrame, key: str, config: dict, disabled: list[str]) -> pd.DataFrame:
    return st.data_editor(table, key=key, hide_index=True, width="stretch", num_rows="dynamic",
                          column_config=config, disabled=disabled)


def edit_targets(wh: Warehouse, proposed: pd.DataFrame, year: int, key: str) -> pd.DataFrame:
    """The proposed targets beside the target in force, editable (``target_rows`` reads them back)."""
    in_force = targets_mod.targets_for_year(wh, year)
    table = pd.DataFrame({
        C["indicator"]: [KPI_NAMES.get(i, i) for i in proposed["indicator"]],
        C["level"]: [LEVEL_NAMES[lvl] for lvl in proposed["level"]],
        C["threshold"]: [round(t * 100, 2) for t in proposed["threshold"]],
        C["section"]: proposed["section"].fillna(""),
        C["quote"]: proposed["quote"].fillna(""),
        C["current"]: [_current_phrase(in_force, i, lvl) for i, lvl in zip(proposed["indicator"], proposed["level"])],
    })
    return _editor(table, key, {
        C["indicator"]: st.column_config.SelectboxColumn(options=list(KPI_NAMES.values()), required=True),
        C["level"]: st.column_config.SelectboxColumn(options=list(LEVEL_NAMES.values()), required=True),
        C["threshold"]: st.column_config.NumberColumn(required=True, **_PERCENT),
        C["section"]: st.column_config.TextColumn(width="small"),
        C["quote"]: st.column_config.TextColumn(width="large"),
        C["current"]: st.column_config.TextColumn(width="small"),
    }, [C["current"], C["section"], C["quote"]])


def target_rows(edited: pd.DataFrame) -> list[dict]:
    return [{"indicator": KPI_KEYS[r[C["indicator"]]], "level": LEVEL_KEYS[r[C["level"]]],
             "threshold": float(r[C["threshold"]]) / 100.0, "section": r[C["section"]] or None,
             "quote": r[C["quote"]] or None}
            for r in edited.to_dict("records") if r[C["indicator"]]]


def edit_manual(proposed: pd.DataFrame, key: str) -> pd.DataFrame:
    """Targets the plan states in words only (no KPI of ours), editable (``manual_rows`` reads them back)."""
    table = pd.DataFrame({
        C["key"]: proposed["key"], C["label"]: proposed["label"],
        C["level"]: [LEVEL_NAMES[lvl] for lvl in proposed["level"]],
        C["threshold"]: [None if pd.isna(t) else round(t * 100, 2) for t in proposed["threshold"]],
        C["section"]: proposed["section"].fillna(""), C["quote"]: proposed["quote"].fillna(""),
    })
    return _editor(table, key, {
        C["key"]: st.column_config.TextColumn(width="small"),
        C["level"]: st.column_config.SelectboxColumn(options=list(LEVEL_NAMES.values()), required=True),
        C["threshold"]: st.column_config.NumberColumn(**_PERCENT),
        C["section"]: st.column_config.TextColumn(width="small"),
        C["quote"]: st.column_config.TextColumn(width="large"),
    }, [C["key"], C["section"], C["quote"]])


def manual_rows(edited: pd.DataFrame) -> list[dict]:
    return [{"key": r[C["key"]] or f"manual_{i}", "label": r[C["label"]],
             "level": LEVEL_KEYS.get(r[C["level"]], "all"),
             "threshold": None if pd.isna(r[C["threshold"]]) else float(r[C["threshold"]]) / 100.0,
             "section": r[C["section"]] or None, "quote": r[C["quote"]] or None}
            for i, r in enumerate(edited.to_dict("records"), start=1) if r[C["label"]]]


def edit_tasks(proposed: pd.DataFrame, key: str) -> pd.DataFrame:
    """The plan's task table with the deadlines as read (dd/mm/yyyy), editable (``task_rows`` reads them back)."""
    table = pd.DataFrame({C[f]: proposed[f].fillna("") for f in TASK_FIELDS})
    for f in ("deadline_from", "deadline_to"):
        table[C[f]] = [vi.date(v) if pd.notna(v) else "" for v in pd.to_datetime(proposed[f])]
    return _editor(table, key, {
        C["number"]: st.column_config.TextColumn(width="small"),
        **{C[f]: st.column_config.TextColumn(width="medium") for f in TASK_FIELDS[1:]},
        C["deadline_from"]: st.column_config.TextColumn(width="small"),
        C["deadline_to"]: st.column_config.TextColumn(width="small"),
    }, [C["deadline_from"], C["deadline_to"]])


def task_rows(edited: pd.DataFrame) -> list[dict]:
    return [{f: (r[C[f]] or None) for f in TASK_FIELDS} for r in edited.to_dict("records")]

"""Nhập kế hoạch: an admin uploads the year's plan, reviews the proposal beside the quoted sentences, edits, confirms."""
from __future__ import annotations

import pandas as pd
import streamlit as st

from kpi.measures import targets as targets_mod
from kpi.measures.metrics import KPIS
from kpi.plan import store
from kpi.plan.parser import LEVELS, PlanParseError
from kpi.plan.readers import SUFFIXES, PlanFileRefused
from kpi.text import plan as plan_text
from kpi.text.vi import KPI_LABELS, LEVEL_LABELS, datetime as fmt_datetime, pct
from ui.auth import require_page
from ui.warehouse import get_warehouse

user = require_page("plan_import")
wh = get_warehouse()
C = plan_text.COLUMNS
LEVEL_NAMES = {level: LEVEL_LABELS.get(level, plan_text.LEVEL_ALL) for level in LEVELS}
LEVEL_KEYS = {name: level for level, name in LEVEL_NAMES.items()}
KPI_NAMES = {key: KPI_LABELS.get(key, key) for key in KPIS}
KPI_KEYS = {name: key for key, name in KPI_NAMES.items()}

st.title(plan_text.PAGE_TITLE)
st.caption(plan_text.PAGE_INTRO)
flash = st.session_state.pop("_plan_flash", None)
if flash:
    st.success(flash)

# -- reading a document ----------------------------------------------------------------------------
with st.form("plan_upload", clear_on_submit=True):
    upload = st.file_uploader(plan_text.UPLOAD_LABEL, type=[s.lstrip(".") for s in SUFFIXES], key="plan_file")
    year_choice = st.selectbox(plan_text.YEAR_LABEL, [None, *range(targets_mod.years_offered(wh)[0], 2019, -1)],
                               format_func=lambda y: plan_text.YEAR_AUTO if y is None else str(y), key="plan_year")
    read = st.form_submit_button(plan_text.READ_BUTTON, type="primary")
if read and upload is not None:
    try:
        proposal, doc_id = store.import_plan(wh, upload.getvalue(), upload.name, year=year_choice, user=user.name)
    except (PlanFileRefused, PlanParseError) as error:
        st.error(str(error))
    else:
        parsed = sum(1 for t in proposal.tasks if t.deadline_kind not in ("unparsed", "reference"))
        st.session_state["_plan_flash"] = plan_text.READ_DONE.format(
            file=upload.name, targets=len(proposal.targets), manual=len(proposal.manual_targets),
            tasks=len(proposal.tasks), parsed=parsed)
        st.session_state["plan_doc"] = doc_id
        st.session_state["_plan_unmatched"] = {doc_id: proposal.unmatched}
        st.rerun()

# -- reviewing a proposal -------------------------------------------------------------------------------
docs = store.documents(wh)
waiting = docs[docs["status"] == "proposed"]


def doc_label(doc_id: int) -> str:
    row = docs[docs["doc_id"] == doc_id].iloc[0]
    return plan_text.PICK_FORMAT.format(doc_id=doc_id, name=row["reference"] or row["file_name"], year=row["year"],
                                        at=fmt_datetime(row["imported_at"].to_pydatetime()), by=row["imported_by"] or "")


def current_phrase(in_force, indicator: str, level: str) -> str:
    found = next((t for t in in_force if t.indicator == indicator and (t.level or "all") == level and not t.unit_id),
                 None)
    return "" if found is None else pct(found.threshold, 1)


def targets_table(frame: pd.DataFrame, year: int) -> pd.DataFrame:
    in_force = targets_mod.targets_for_year(wh, year)
    return pd.DataFrame({
        C["indicator"]: [KPI_NAMES.get(i, i) for i in frame["indicator"]],
        C["level"]: [LEVEL_NAMES[lvl] for lvl in frame["level"]],
        C["threshold"]: [round(t * 100, 2) for t in frame["threshold"]],
        C["section"]: frame["section"].fillna(""),
        C["quote"]: frame["quote"].fillna(""),
        C["current"]: [current_phrase(in_force, i, lvl) for i, lvl in zip(frame["indicator"], frame["level"])],
    })


def manual_table(frame: pd.DataFrame) -> pd.DataFrame:
    return pd.DataFrame({
        C["key"]: frame["key"], C["label"]: frame["label"], C["level"]: [LEVEL_NAMES[lvl] for lvl in frame["level"]],
        C["threshold"]: [None if pd.isna(t) else round(t * 100, 2) for t in frame["threshold"]],
        C["section"]: frame["section"].fillna(""), C["quote"]: frame["quote"].fillna(""),
    })


TASK_FIELDS = ("number", "objective", "task", "product", "lead", "partner", "deadline_text")


def tasks_table(frame: pd.DataFrame) -> pd.DataFrame:
    out = pd.DataFrame({C[f]: frame[f].fillna("") for f in TASK_FIELDS})
    for f in ("deadline_from", "deadline_to"):
        out[C[f]] = [v.strftime("%d/%m/%Y") if pd.notna(v) else "" for v in pd.to_datetime(frame[f])]
    return out


def editor(frame: pd.DataFrame, key: str, config: dict, disabled: list[str]):
    return st.data_editor(frame, key=key, hide_index=True, width="stretch", num_rows="dynamic",
                          column_config=config, disabled=disabled)


if waiting.empty:
    st.info(plan_text.NOTHING_TO_REVIEW)
else:
    ids = [int(i) for i in waiting["doc_id"]]
    chosen = st.session_state.get("plan_doc")
    doc_id = st.selectbox(plan_text.PICK_LABEL, ids, index=ids.index(chosen) if chosen in ids else 0,
                          format_func=doc_label, key="plan_pick")
    stored = store.load(wh, doc_id)
    year = int(stored.doc["year"])
    st.subheader(plan_text.DOC_HEADER.format(name=stored.doc["reference"] or stored.doc["file_name"], year=year))

    st.markdown(f"**{plan_text.TARGETS_HEADER}**")
    st.caption(plan_text.TARGETS_HELP)
    edited_targets = editor(targets_table(stored.targets, year), f"plan_targets_{doc_id}", {
        C["indicator"]: st.column_config.SelectboxColumn(options=list(KPI_NAMES.values()), required=True),
        C["level"]: st.column_config.SelectboxColumn(options=list(LEVEL_NAMES.values()), required=True),
        C["threshold"]: st.column_config.NumberColumn(min_value=0.0, max_value=100.0, step=0.5, required=True,
                                                      format="%.1f%%", width="small"),
        C["section"]: st.column_config.TextColumn(width="small"),
        C["quote"]: st.column_config.TextColumn(width="large"),
        C["current"]: st.column_config.TextColumn(width="small"),
    }, [C["current"], C["section"], C["quote"]])

    st.markdown(f"**{plan_text.MANUAL_HEADER}**")
    edited_manual = editor(manual_table(stored.manual_targets), f"plan_manual_{doc_id}", {
        C["key"]: st.column_config.TextColumn(width="small"),
        C["level"]: st.column_config.SelectboxColumn(options=list(LEVEL_NAMES.values()), required=True),
        C["threshold"]: st.column_config.NumberColumn(min_value=0.0, max_value=100.0, step=0.5, format="%.1f%%",
                                                      width="small"),
        C["section"]: st.column_config.TextColumn(width="small"),
        C["quote"]: st.column_config.TextColumn(width="large"),
    }, [C["key"], C["section"], C["quote"]])

    st.markdown(f"**{plan_text.TASKS_HEADER}**")
    st.caption(plan_text.TASKS_HELP)
    edited_tasks = editor(tasks_table(stored.tasks), f"plan_tasks_{doc_id}", {
        C["number"]: st.column_config.TextColumn(width="small"),
        **{C[f]: st.column_config.TextColumn(width="medium") for f in ("objective", "task", "product", "lead",
                                                                       "partner", "deadline_text")},
        C["deadline_from"]: st.column_config.TextColumn(width="small"),
        C["deadline_to"]: st.column_config.TextColumn(width="small"),
    }, [C["deadline_from"], C["deadline_to"]])

    unmatched = st.session_state.get("_plan_unmatched", {}).get(doc_id) or []
    if unmatched:
        with st.expander(plan_text.UNMATCHED_HEADER.format(n=len(unmatched))):
            st.dataframe(pd.DataFrame(unmatched, columns=[C["section"], C["quote"]]), hide_index=True, width="stretch")

    if st.button(plan_text.CONFIRM_BUTTON.format(year=year), type="primary", key="plan_confirm",
                 help=plan_text.CONFIRM_HELP.format(year=year)):
        target_rows = [{"indicator": KPI_KEYS[r[C["indicator"]]], "level": LEVEL_KEYS[r[C["level"]]],
                        "threshold": float(r[C["threshold"]]) / 100.0, "section": r[C["section"]] or None,
                        "quote": r[C["quote"]] or None}
                       for r in edited_targets.to_dict("records") if r[C["indicator"]]]
        manual_rows = [{"key": r[C["key"]] or f"manual_{i}", "label": r[C["label"]],
                        "level": LEVEL_KEYS.get(r[C["level"]], "all"),
                        "threshold": None if pd.isna(r[C["threshold"]]) else float(r[C["threshold"]]) / 100.0,
                        "section": r[C["section"]] or None, "quote": r[C["quote"]] or None}
                       for i, r in enumerate(edited_manual.to_dict("records"), start=1) if r[C["label"]]]
        task_rows = [{f: (r[C[f]] or None) for f in TASK_FIELDS} for r in edited_tasks.to_dict("records")]
        try:
            done = store.confirm(wh, doc_id, target_rows, manual_rows, task_rows, user.name)
        except ValueError as error:
            st.error(str(error))
        else:
            st.session_state["_plan_flash"] = plan_text.CONFIRMED.format(
                year=done.year, new=done.new_versions, same=done.unchanged, manual=done.manual_targets,
                tasks=done.tasks)
            st.session_state.pop("plan_doc", None)
            st.rerun()

# -- every document imported ---------------------------------------------------------------------------
if not docs.empty:
    with st.expander(plan_text.HISTORY_HEADER):
        shown = docs.assign(status=docs["status"].map(plan_text.STATUS_LABELS).fillna(docs["status"]))
        for column in ("imported_at", "confirmed_at"):
            shown[column] = [fmt_datetime(v.to_pydatetime()) if pd.notna(v) else "" for v in shown[column]]
        st.dataframe(shown.rename(columns=C), hide_index=True, width="stretch")

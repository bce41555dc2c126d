"""Nhập kế hoạch: an admin uploads the year's plan, reviews the proposal beside the quoted sentences, edits, confirms."""
from __future__ import annotations

import pandas as pd
import streamlit as st

from kpi.measures import targets as targets_mod
from kpi.plan import store
from kpi.plan.parser import PlanParseError
from kpi.plan.readers import SUFFIXES, PlanFileRefused
from kpi.text import plan as plan_text
from kpi.text import vi
from ui import plan_review
from ui.auth import require_page
from ui.warehouse import get_warehouse

user = require_page("plan_import")
wh = get_warehouse()
C = plan_text.COLUMNS

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
        st.rerun()

# -- reviewing a proposal -------------------------------------------------------------------------------
docs = store.documents(wh)
waiting = docs[docs["status"] == "proposed"]


def doc_label(doc_id: int) -> str:
    row = docs[docs["doc_id"] == doc_id].iloc[0]
    return plan_text.PICK_FORMAT.format(doc_id=doc_id, name=row["reference"] or row["file_name"], year=row["year"],
                                        at=vi.datetime(row["imported_at"].to_pydatetime()), by=row["imported_by"] or "")


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
    edited_targets = plan_review.edit_targets(wh, stored.targets, year, f"plan_targets_{doc_id}")
    st.markdown(f"**{plan_text.MANUAL_HEADER}**")
    edited_manual = plan_review.edit_manual(stored.manual_targets, f"plan_manual_{doc_id}")
    st.markdown(f"**{plan_text.TASKS_HEADER}**")
    st.caption(plan_text.TASKS_HELP)
    edited_tasks = plan_review.edit_tasks(stored.tasks, f"plan_tasks_{doc_id}")

    if len(stored.unmatched):  # kept with the document: every reviewer sees them, in any later session
        with st.expander(plan_text.UNMATCHED_HEADER.format(n=len(stored.unmatched))):
            st.dataframe(stored.unmatched[["section", "sentence"]].set_axis([C["section"], C["quote"]], axis=1),
                         hide_index=True, width="stretch")

    if st.button(plan_text.CONFIRM_BUTTON.format(year=year), type="primary", key="plan_confirm",
                 help=plan_text.CONFIRM_HELP.format(year=year)):
        try:
            done = store.confirm(wh, doc_id, plan_review.target_rows(edited_targets), plan_review.manual_rows(edited_manual),
                                 plan_review.task_rows(edited_tasks), user.name)
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
            shown[column] = [vi.datetime(v.to_pydatetime()) if pd.notna(v) else "" for v in shown[column]]
        st.dataframe(shown.rename(columns=C), hide_index=True, width="stretch")

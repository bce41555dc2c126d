"""Lịch sử nạp: every load batch, undo with confirmation, reject report per batch (thin over etl.upload)."""
from __future__ import annotations

import pandas as pd
import streamlit as st

from etl import form06_reader, formats, upload as etl_upload
from etl.headers import KIND_LABELS
from etl.load import UndoError
from kpi.access import permissions
from kpi.text import vi
from ui import text_data
from ui.auth import require_page
from ui.warehouse import get_warehouse

user = require_page("history")
wh = get_warehouse()

st.title(text_data.HISTORY_TITLE)
st.caption(text_data.HISTORY_INTRO)
flash = st.session_state.pop("_history_flash", None)
if flash:
    st.success(flash)


def kind_label(kind: str | None) -> str:
    if kind == form06_reader.KIND:
        return "Biểu 06 (tổng hợp)"
    other = formats.by_name(kind)  # a later format (QĐ 766 portal scores): its registry label
    return other.label if other is not None else KIND_LABELS.get(kind or "", "—")


def status_text(batch: dict) -> str:
    text = text_data.STATUS_LABELS.get(batch["status"], batch["status"])
    if batch["status"] == "undone":
        text += f" ({batch.get('undone_by') or '—'}, {vi.datetime(batch.get('undone_at'))})"
    return text


batches = etl_upload.batches(wh, user)
if not batches:
    st.info(text_data.HISTORY_NONE)
    st.stop()

only_mine = st.toggle(text_data.HISTORY_ONLY_MINE, value=not permissions.can(user, "undo_any"), key="history_mine")
shown = [b for b in batches if not only_mine or b["user"] == user.name]
table = pd.DataFrame({
    text_data.HISTORY_COLUMNS["id"]: [b["id"] for b in shown],
    text_data.HISTORY_COLUMNS["loaded_at"]: [vi.datetime(b["loaded_at"]) for b in shown],
    text_data.HISTORY_COLUMNS["user"]: [b["user"] or "" for b in shown],
    text_data.HISTORY_COLUMNS["file"]: [b["file"] for b in shown],
    text_data.HISTORY_COLUMNS["sha"]: [(b["sha256"] or "")[:12] for b in shown],
    text_data.HISTORY_COLUMNS["kind"]: [kind_label(b["kind"]) for b in shown],
    text_data.HISTORY_COLUMNS["rows_read"]: [vi.num(b["rows_read"]) for b in shown],
    text_data.HISTORY_COLUMNS["rows_new"]: [vi.num(b["rows_new"]) for b in shown],
    text_data.HISTORY_COLUMNS["rows_updated"]: [vi.num(b["rows_updated"]) for b in shown],
    text_data.HISTORY_COLUMNS["rows_unchanged"]: [vi.num(b["rows_unchanged"]) for b in shown],
    text_data.HISTORY_COLUMNS["rows_rejected"]: [vi.num(b["rows_rejected"]) for b in shown],
    text_data.HISTORY_COLUMNS["status"]: [status_text(b) for b in shown],
    text_data.HISTORY_REFUSAL: [(b["message"] or "") if b["status"] == "refused" else "" for b in shown],
})
st.dataframe(table, hide_index=True, width="stretch")

# -- undo --------------------------------------------------------------------------
st.subheader(text_data.HISTORY_UNDO_TITLE)
if not permissions.can(user, "undo_any"):
    st.caption(text_data.HISTORY_UNDO_RULE_ANALYST)
undoable = {b["id"]: b for b in batches if etl_upload.may_undo(user, b)}
if not undoable:
    st.info(text_data.HISTORY_UNDO_NONE)
else:
    pick = st.selectbox(text_data.HISTORY_UNDO_PICK, list(undoable), key="history_undo_pick",
                        format_func=lambda i: text_data.batch_label(undoable[i], kind_label(undoable[i]["kind"])))
    pending = st.session_state.get("_history_undo_pending")
    if pending != pick:
        if st.button(text_data.HISTORY_UNDO, key="history_undo", icon=":material/undo:"):
            st.session_state["_history_undo_pending"] = pick
            st.rerun()
    else:
        batch = undoable[pick]
        st.warning(text_data.HISTORY_UNDO_CONFIRM.format(id=pick, file=batch["file"], n=vi.num(batch["rows_loaded"])))
        c1, c2 = st.columns([1, 4])
        if c1.button(text_data.HISTORY_UNDO_YES, key="history_undo_yes", type="primary"):
            st.session_state.pop("_history_undo_pending", None)
            try:
                done = etl_upload.undo(wh, pick, user=user)
            except UndoError as error:
                st.error(str(error))
            else:
                st.session_state["_history_flash"] = text_data.HISTORY_UNDONE.format(
                    id=pick, removed=vi.num(done.get("removed", 0)), restored=vi.num(done.get("restored", 0)))
                st.rerun()
        if c2.button(text_data.HISTORY_UNDO_NO, key="history_undo_no"):
            st.session_state.pop("_history_undo_pending", None)
            st.rerun()

# -- reject reports ------------------------------------------------------------------
st.subheader(text_data.HISTORY_REJECTS_TITLE)
with_rejects = {b["id"]: b for b in batches if (b["rows_rejected"] or b["duplicates"]) and etl_upload.may_see_rejects(user, b)}
if not with_rejects:
    st.caption(text_data.HISTORY_REJECTS_NONE)
else:
    pick = st.selectbox(text_data.HISTORY_UNDO_PICK, list(with_rejects), key="history_rejects_pick",
                        format_func=lambda i: text_data.batch_label(with_rejects[i], kind_label(with_rejects[i]["kind"])))
    st.download_button(text_data.HISTORY_REJECTS_DOWNLOAD.format(id=pick),
                       data=lambda: etl_upload.audited_rejects_xlsx(wh, user, etl_upload.batch_rejects_report(wh, pick),
                                                           {"file": vi.rejects_file_name(with_rejects[pick]["file"], pick),
                                                            "batch_id": int(pick)}),
                       file_name=vi.rejects_file_name(with_rejects[pick]["file"], pick), key="history_rejects_download",
                       mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                       on_click="ignore", icon=":material/download:")

"""Lịch sử nạp: every load batch, undo with confirmation, reject report per batch (thin over etl.upload)."""
from __future__ import annotations

import pandas as pd
import streamlit as st

from etl import form06_reader, upload as U
from etl.headers import KIND_LABELS
from etl.load import UndoError
from kpi.access import permissions
from kpi.text import vi
from ui import text_data as T
from ui.auth import require_page
from ui.warehouse import get_warehouse

user = require_page("history")
wh = get_warehouse()

st.title(T.HISTORY_TITLE)
st.caption(T.HISTORY_INTRO)
flash = st.session_state.pop("_history_flash", None)
if flash:
    st.success(flash)


def kind_label(kind: str | None) -> str:
    if kind == form06_reader.KIND:
        return "Biểu 06 (tổng hợp)"
    return KIND_LABELS.get(kind or "", "—")


def status_text(batch: dict) -> str:
    text = T.STATUS_LABELS.get(batch["status"], batch["status"])
    if batch["status"] == "undone":
        text += f" ({batch.get('undone_by') or '—'}, {vi.datetime(batch.get('undone_at'))})"
    return text


batches = U.batches(wh, user)
if not batches:
    st.info(T.HISTORY_NONE)
    st.stop()

only_mine = st.toggle(T.HISTORY_ONLY_MINE, value=not permissions.can(user, "undo_any"), key="history_mine")
shown = [b for b in batches if not only_mine or b["user"] == user.name]
table = pd.DataFrame({
    T.HISTORY_COLUMNS["id"]: [b["id"] for b in shown],
    T.HISTORY_COLUMNS["loaded_at"]: [vi.datetime(b["loaded_at"]) for b in shown],
    T.HISTORY_COLUMNS["user"]: [b["user"] or "" for b in shown],
    T.HISTORY_COLUMNS["file"]: [b["file"] for b in shown],
    T.HISTORY_COLUMNS["sha"]: [(b["sha256"] or "")[:12] for b in shown],
    T.HISTORY_COLUMNS["kind"]: [kind_label(b["kind"]) for b in shown],
    T.HISTORY_COLUMNS["rows_read"]: [vi.num(b["rows_read"]) for b in shown],
    T.HISTORY_COLUMNS["rows_new"]: [vi.num(b["rows_new"]) for b in shown],
    T.HISTORY_COLUMNS["rows_updated"]: [vi.num(b["rows_updated"]) for b in shown],
    T.HISTORY_COLUMNS["rows_unchanged"]: [vi.num(b["rows_unchanged"]) for b in shown],
    T.HISTORY_COLUMNS["rows_rejected"]: [vi.num(b["rows_rejected"]) for b in shown],
    T.HISTORY_COLUMNS["status"]: [status_text(b) for b in shown],
    T.HISTORY_REFUSAL: [(b["message"] or "") if b["status"] == "refused" else "" for b in shown],
})
st.dataframe(table, hide_index=True, width="stretch")

# -- undo --------------------------------------------------------------------------
st.subheader(T.HISTORY_UNDO_TITLE)
if not permissions.can(user, "undo_any"):
    st.caption(T.HISTORY_UNDO_RULE_ANALYST)
undoable = {b["id"]: b for b in batches if U.may_undo(user, b)}
if not undoable:
    st.info(T.HISTORY_UNDO_NONE)
else:
    pick = st.selectbox(T.HISTORY_UNDO_PICK, list(undoable), key="history_undo_pick",
                        format_func=lambda i: T.batch_label(undoable[i], kind_label(undoable[i]["kind"])))
    pending = st.session_state.get("_history_undo_pending")
    if pending != pick:
        if st.button(T.HISTORY_UNDO, key="history_undo", icon=":material/undo:"):
            st.session_state["_history_undo_pending"] = pick
            st.rerun()
    else:
        batch = undoable[pick]
        st.warning(T.HISTORY_UNDO_CONFIRM.format(id=pick, file=batch["file"], n=vi.num(batch["rows_loaded"])))
        c1, c2 = st.columns([1, 4])
        if c1.button(T.HISTORY_UNDO_YES, key="history_undo_yes", type="primary"):
            st.session_state.pop("_history_undo_pending", None)
            try:
                done = U.undo(wh, pick, user=user)
            except UndoError as error:
                st.error(str(error))
            else:
                st.session_state["_history_flash"] = T.HISTORY_UNDONE.format(
                    id=pick, removed=vi.num(done.get("removed", 0)), restored=vi.num(done.get("restored", 0)))
                st.rerun()
        if c2.button(T.HISTORY_UNDO_NO, key="history_undo_no"):
            st.session_state.pop("_history_undo_pending", None)
            st.rerun()

# -- reject reports ------------------------------------------------------------------
st.subheader(T.HISTORY_REJECTS_TITLE)
with_rejects = {b["id"]: b for b in batches if (b["rows_rejected"] or b["duplicates"]) and U.may_see_rejects(user, b)}
if not with_rejects:
    st.caption(T.HISTORY_REJECTS_NONE)
else:
    pick = st.selectbox(T.HISTORY_UNDO_PICK, list(with_rejects), key="history_rejects_pick",
                        format_func=lambda i: T.batch_label(with_rejects[i], kind_label(with_rejects[i]["kind"])))
    st.download_button(T.HISTORY_REJECTS_DOWNLOAD.format(id=pick),
                       data=lambda: U.audited_rejects_xlsx(wh, user, U.batch_rejects_report(wh, pick),
                                                           {"file": vi.rejects_file_name(with_rejects[pick]["file"], pick),
                                                            "batch_id": int(pick)}),
                       file_name=vi.rejects_file_name(with_rejects[pick]["file"], pick), key="history_rejects_download",
                       mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                       on_click="ignore", icon=":material/download:")

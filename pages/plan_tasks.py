"""Nhiệm vụ kế hoạch: the plan's tasks by objective and lead agency, their status (overdue derived from the
deadline and today), evidence, who updated them; overdue and due-this-month lists; progress per objective;
Excel export. Lead agencies see and update only their own tasks (thin over kpi.tracking.tasks)."""
from __future__ import annotations

import datetime as dt

import pandas as pd
import streamlit as st

from kpi.access import permissions
from kpi.reports.tasks_export import audited_tasks_xlsx, cell_text
from kpi.text import tracking as tracking_text, vi
from kpi.tracking import tasks as tasks_mod
from ui import flash, frame as frame_mod, text_tracking as page_text
from ui.auth import require_page

XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
LIST_COLUMNS = ("number", "task", "lead", "deadline_text", "deadline_to", "status", "evidence_no", "updated_by",
                "updated_at")

user = require_page("plan_tasks")
frame = frame_mod.current(require_data=False)
wh = frame.wh
today = dt.date.today()

st.title(page_text.TASKS_TITLE)
st.markdown(f"**{frame_mod.scope_line(frame)}**")
st.caption(page_text.TASKS_INTRO.format(today=vi.date(today)))
flash.show("_tasks_flash")

all_tasks = tasks_mod.list_tasks(wh, user.scope)
if not all_tasks:
    st.info(page_text.TASKS_NONE, icon="ℹ️")
    st.stop()


def status_label(task: tasks_mod.Task) -> str:
    return tracking_text.TASK_STATUS_LABELS[task.shown_status(today)]


def task_table(items: list[tasks_mod.Task]) -> pd.DataFrame:
    """The tasks as text columns in Vietnamese (the same cells the Excel export writes)."""
    return pd.DataFrame({tracking_text.TASK_COLUMNS[c]: [cell_text(t, c, today) for t in items] for c in LIST_COLUMNS})


def show(items: list[tasks_mod.Task], key: str) -> None:
    st.dataframe(task_table(items), hide_index=True, width="stretch", key=key,
                 column_config={tracking_text.TASK_COLUMNS["task"]: st.column_config.TextColumn(width="large")})


# -- filters ------------------------------------------------------------------------------------
c1, c2, c3 = st.columns(3)
objectives = list(dict.fromkeys(t.objective or "" for t in all_tasks))
leads = sorted({t.lead or "" for t in all_tasks})
objective = c1.selectbox(page_text.FILTER_OBJECTIVE, [None, *objectives], format_func=lambda o: page_text.ALL if o is None else o,
                         key="tasks_objective")
lead = c2.selectbox(page_text.FILTER_LEAD, [None, *leads], format_func=lambda o: page_text.ALL if o is None else o, key="tasks_lead")
status = c3.selectbox(page_text.FILTER_STATUS, [None, *tasks_mod.SHOWN_STATUSES],
                      format_func=lambda s: page_text.ALL if s is None else tracking_text.TASK_STATUS_LABELS[s],
                      key="tasks_status")
tasks = [t for t in all_tasks if (objective is None or (t.objective or "") == objective)
         and (lead is None or (t.lead or "") == lead) and (status is None or t.shown_status(today) == status)]

overdue = [t for t in tasks if t.shown_status(today) == tasks_mod.OVERDUE]
due_month = tasks_mod.due_this_month(tasks, today)
shown = [t.shown_status(today) for t in tasks]
m = st.columns(5)
m[0].metric(page_text.METRIC_TOTAL, vi.num(len(tasks)))
m[1].metric(page_text.METRIC_DONE, vi.num(shown.count(tasks_mod.DONE)))
m[2].metric(page_text.METRIC_IN_PROGRESS, vi.num(shown.count(tasks_mod.IN_PROGRESS)))
m[3].metric(page_text.METRIC_OVERDUE, vi.num(len(overdue)))
m[4].metric(page_text.METRIC_DUE_MONTH, vi.num(len(due_month)))

# -- progress per objective ---------------------------------------------------------------------
st.subheader(page_text.PROGRESS_TITLE)
progress = tasks_mod.progress_by_objective(tasks, today)
st.dataframe(pd.DataFrame({
    page_text.PROGRESS_COLUMNS["objective"]: [p.objective for p in progress],
    page_text.PROGRESS_COLUMNS["total"]: [p.total for p in progress],
    page_text.PROGRESS_COLUMNS["done"]: [p.done for p in progress],
    page_text.PROGRESS_COLUMNS["in_progress"]: [p.in_progress for p in progress],
    page_text.PROGRESS_COLUMNS["overdue"]: [p.overdue for p in progress],
    page_text.PROGRESS_COLUMNS["share"]: [vi.pct(p.share_done, 0) for p in progress],
}), hide_index=True, width="stretch", key="tasks_progress")

# -- the lists ----------------------------------------------------------------------------------
st.subheader(page_text.OVERDUE_TITLE.format(n=vi.num(len(overdue))))
if overdue:
    show(overdue, "tasks_overdue")
else:
    st.caption(page_text.OVERDUE_NONE)
st.subheader(page_text.DUE_MONTH_TITLE.format(month=f"{today:%m/%Y}", n=vi.num(len(due_month))))
if due_month:
    show(due_month, "tasks_due_month")
else:
    st.caption(page_text.DUE_MONTH_NONE)
st.subheader(page_text.ALL_TITLE.format(n=vi.num(len(tasks))))
show(tasks, "tasks_all")
if permissions.can(user, "export"):
    file_name = tracking_text.TASKS_FILE.format(day=today)
    st.download_button(page_text.DOWNLOAD, data=lambda: audited_tasks_xlsx(wh, user, tasks, today, file_name),
                       icon=":material/download:", on_click="ignore", file_name=file_name, mime=XLSX_MIME,
                       key="tasks_download")

# -- updating a task ----------------------------------------------------------------------------
st.subheader(page_text.UPDATE_TITLE)
if not permissions.can(user, "update_tasks"):
    st.caption(page_text.READ_ONLY)
    st.stop()
mine = [t for t in all_tasks if tasks_mod.can_update(user, t)]
if not mine:
    st.caption(page_text.UPDATE_NONE)
    st.stop()
by_id = {t.task_id: t for t in mine}
task_id = st.selectbox(page_text.UPDATE_TASK, list(by_id), key="task_pick",
                       format_func=lambda i: f"{by_id[i].number or ''} · {by_id[i].title}")
task = by_id[task_id]
# The status goes in the caption, not the picker's label: a label that changes on save is not redrawn.
st.caption(page_text.UPDATE_STATE.format(status=status_label(task), deadline=task.deadline_text or "") + " "
           + (page_text.UPDATE_LAST.format(who=task.updated_by, when=vi.datetime(task.updated_at)) if task.updated_by
              else page_text.UPDATE_NEVER))
stored = tasks_mod.evidence_file(wh, task.task_id, user.scope)
if stored:
    st.download_button(page_text.EVIDENCE_DOWNLOAD.format(name=stored[0]), file_name=stored[0],
                       data=lambda: tasks_mod.audited_evidence_file(wh, user, task.task_id),
                       on_click="ignore", key="task_evidence_download", icon=":material/attach_file:")
with st.form(f"task_update_{task.task_id}"):
    new_status = st.selectbox(page_text.UPDATE_STATUS, tasks_mod.STATUSES, index=tasks_mod.STATUSES.index(task.status),
                              format_func=tracking_text.TASK_STATUS_LABELS.get, key="task_status")
    c1, c2 = st.columns(2)
    evidence_no = c1.text_input(page_text.UPDATE_EVIDENCE_NO, value=task.evidence_no or "", key="task_evidence_no")
    evidence_link = c2.text_input(page_text.UPDATE_EVIDENCE_LINK, value=task.evidence_link or "", key="task_evidence_link")
    upload = st.file_uploader(page_text.UPDATE_EVIDENCE_FILE, key="task_evidence_file")
    note = st.text_area(page_text.UPDATE_NOTE, value=task.note or "", key="task_note")
    saved = st.form_submit_button(page_text.UPDATE_SAVE, type="primary")
if saved:
    link = evidence_link.strip()
    if link and not link.lower().startswith(("http://", "https://")):
        st.error(page_text.BAD_LINK)
        st.stop()
    try:
        after = tasks_mod.update(wh, user, task.task_id, new_status, evidence_no=evidence_no, evidence_link=link,
                                 evidence_file_name=upload.name if upload else None,
                                 evidence_file=upload.getvalue() if upload else None, note=note)
    except permissions.AuthError as error:
        st.error(str(error))
    else:
        flash.done("_tasks_flash", page_text.UPDATE_SAVED.format(number=after.number or after.task_id, status=status_label(after)))

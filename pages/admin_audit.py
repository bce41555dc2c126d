"""Nhật ký hệ thống: the audit log, filtered by user, action and dates (admins only)."""
from __future__ import annotations

import datetime as dt

import pandas as pd
import streamlit as st

from kpi.warehouse import audit
from kpi.text.vi import datetime as fmt_datetime
from ui import text_auth
from ui.text_audit import sentence
from ui.auth import require_page
from ui.warehouse import get_warehouse

LIMIT = 2000

user = require_page("admin_audit")
wh = get_warehouse()

st.title(text_auth.AUDIT_TITLE)
choices = audit.distinct_values(wh)
today = dt.date.today()

c1, c2, c3 = st.columns(3)
who = c1.selectbox(text_auth.AUDIT_USER, [None] + choices["users"], key="audit_user",
                   format_func=lambda v: text_auth.AUDIT_ALL if v is None else v)
action = c2.selectbox(text_auth.AUDIT_ACTION, [None] + choices["actions"], key="audit_action",
                      format_func=lambda v: text_auth.AUDIT_ALL if v is None else text_auth.action_label(v))
dates = c3.date_input(text_auth.AUDIT_DATES, value=(today - dt.timedelta(days=30), today), format="DD/MM/YYYY",
                      key="audit_dates")
only_failed = st.checkbox(text_auth.AUDIT_ONLY_FAILED, key="audit_failed")

dates = tuple(dates) if isinstance(dates, (tuple, list)) else (dates,)
since = dates[0] if dates else None
until = dates[1] if len(dates) > 1 else since
log = audit.read_log(wh, user=who, action=action, since=since, until=until, limit=LIMIT,
                     success=False if only_failed else None)

if log.empty:
    st.info(text_auth.AUDIT_NONE)
else:
    table = pd.DataFrame(
        {
            text_auth.AUDIT_COLUMNS["logged_at"]: [fmt_datetime(v.to_pydatetime()) + f":{v.second:02d}" for v in log["logged_at"]],
            text_auth.AUDIT_COLUMNS["user_name"]: log["user_name"].fillna(""),
            text_auth.AUDIT_COLUMNS["action"]: [text_auth.action_label(a) for a in log["action"]],
            text_auth.AUDIT_COLUMNS["what"]: [sentence(r.action, r.target, r.detail, bool(r.success)) for r in log.itertuples()],
            text_auth.AUDIT_COLUMNS["success"]: log["success"].astype(bool),
        }
    )
    st.dataframe(table, hide_index=True, width="stretch")
    st.caption(text_auth.AUDIT_LIMIT_NOTE.format(shown=len(log), limit=LIMIT))

"""Nạp dữ liệu: upload, check (kind, header, mapping, preview, counts, rejects), map by hand, confirm, load.

The page is the file picker; each file's sections are ``ui.upload_desk.UploadDesk`` (thin over
etl.upload, the CLI's code path). Nothing is written before 'Xác nhận nạp' except a saved column
profile or unit alias the analyst asks for.
"""
from __future__ import annotations

import streamlit as st

from kpi import config
from ui import text_data
from ui.auth import require_page
from ui.upload_desk import UploadDesk
from ui.warehouse import get_warehouse

user = require_page("upload")
wh = get_warehouse()
limit_mb = int(config.get("max_upload_mb"))

st.title(text_data.UPLOAD_TITLE)
st.caption(text_data.UPLOAD_INTRO)

files = st.file_uploader(text_data.UPLOAD_PICK.format(mb=limit_mb), type=list(text_data.UPLOAD_TYPES),
                         accept_multiple_files=True, key="upload_files", max_upload_size=limit_mb)
if not files:
    st.info(text_data.UPLOAD_NONE)
    st.stop()

desk = UploadDesk.open(wh, user)
for uploaded in files:
    with st.container(border=True):
        st.subheader(uploaded.name)
        desk.file_section(uploaded, limit_mb)

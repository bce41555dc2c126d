"""Chất lượng dữ liệu: units ranked by how complete their loaded data is (thin over kpi.measures.quality)."""
from __future__ import annotations

import pandas as pd
import streamlit as st

from kpi.text import quality as quality_text
from ui import cache
from ui.auth import require_page
from ui.warehouse import get_warehouse

user = require_page("quality")
wh = get_warehouse()

st.title(quality_text.QUALITY_TITLE)
st.caption(quality_text.QUALITY_INTRO)
report = cache.unit_quality(wh, user.scope)
if not report.units:
    st.info(quality_text.QUALITY_NONE)
    st.stop()
st.markdown(quality_text.QUALITY_SPAN.format(first=report.first_month, last=report.last_month, months=report.months))
st.dataframe(pd.DataFrame(quality_text.quality_rows(report)), hide_index=True, width="stretch")
st.caption(quality_text.QUALITY_HOW)

"""Chất lượng dữ liệu: units ranked by how complete their loaded data is (thin over kpi.quality)."""
from __future__ import annotations

import pandas as pd
import streamlit as st

from kpi import quality, text_quality as TQ
from ui.auth import require_permission, require_user
from ui.warehouse import get_warehouse

user = require_user()
require_permission(user, "view")
wh = get_warehouse()

st.title(TQ.QUALITY_TITLE)
st.caption(TQ.QUALITY_INTRO)
report = quality.unit_quality(wh, user.scope)
if not report.units:
    st.info(TQ.QUALITY_NONE)
    st.stop()
st.markdown(TQ.QUALITY_SPAN.format(first=report.first_month, last=report.last_month, months=report.months))
st.dataframe(pd.DataFrame(TQ.quality_rows(report)), hide_index=True, width="stretch")
st.caption(TQ.QUALITY_HOW)

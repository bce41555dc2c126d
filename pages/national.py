"""Toàn quốc: the provinces of the national lake ranked on each KPI, each against its own target, with
each province's QĐ 766 index next to its KPIs."""
from __future__ import annotations

import pandas as pd
import streamlit as st

from kpi.lake import national
from kpi.measures import metrics, verdict
from kpi.text import index766 as index_text
from kpi.text import lake as lake_text
from kpi.text import vi
from ui import charts
from ui import frame as frame_mod
from ui import national as national_ui
from ui import nav
from ui import widgets

frame = frame_mod.current()
widgets.style()
st.title(lake_text.PAGE_HEADING)
lake = national_ui.configured()
if not nav.national_shown(frame.user):
    st.info(lake_text.NOT_CONFIGURED)
    st.stop()
period = frame.period.until(None)  # every province is judged at its own data date
try:
    table = national_ui.ranking(lake, period)
except (ValueError, OSError) as error:
    st.error(lake_text.LAKE_ERROR.format(error=error))
    st.stop()
st.caption(lake_text.PERIOD_LINE.format(period=period.label, n=vi.num(len(table))) + " " + lake_text.PAGE_CAPTION)

# The national figures: rates of the summed counts of every province (never an average of rates).
national_row = national.national_totals(table)
shown_rates = list(metrics.SUMMARY_RATES)
for start in range(0, len(shown_rates), 4):  # four tiles a row: a value stays whole on a 1366-px laptop
    for column, kpi in zip(st.columns(4), shown_rates[start:start + 4]):
        with column, st.container(border=True):
            st.metric(vi.KPI_LABELS[kpi], verdict.rate_text(national_row[kpi]))
            st.caption(f"{vi.num(national_row[f'{kpi}__num'])} / {vi.num(national_row[f'{kpi}__den'])}")

labels = {vi.KPI_LABELS[k]: k for k in metrics.SUMMARY_RATES}
kpi = labels[st.selectbox(lake_text.CHOOSE_KPI, list(labels), key="national_kpi")]
rows = national.ranked_rows(table, kpi)
charts.show(charts.ranking(rows, kpi, lake_text.CHART_TITLE.format(kpi=vi.KPI_LABELS[kpi])), key="national_rank")

shown = pd.DataFrame({
    lake_text.COLUMN_RANK: rows["rank"],
    lake_text.COLUMN_PROVINCE: rows["name"],
    lake_text.COLUMN_RATE: [verdict.rate_text(v, t) if pd.notna(v) else lake_text.NO_DATA
                            for v, t in zip(rows[kpi], rows["target"])],
    lake_text.COLUMN_NUMERATOR: [vi.num(n) for n in rows[f"{kpi}__num"]],
    lake_text.COLUMN_DENOMINATOR: [vi.num(d) for d in rows[f"{kpi}__den"]],
    lake_text.COLUMN_TARGET: [f"{'≥' if t.direction == '>=' else '≤'} {vi.pct(t.threshold, 0)}" if t else "—"
                              for t in rows["target"]],
    lake_text.COLUMN_STATUS: [verdict.status_label(s) for s in rows["status"]],
    lake_text.COLUMN_DATA_DATE: [d.strftime("%d/%m/%Y") if pd.notna(d) else "—" for d in rows["data_date"]],
})
st.dataframe(shown, hide_index=True, width="stretch", height=36 * (len(shown) + 1) + 3)  # every province, no scroll

st.subheader(lake_text.MATRIX_TITLE)
matrix = pd.DataFrame({lake_text.COLUMN_PROVINCE: [lake_text.province_name(c) for c in table["province"]]})
# Each province's QĐ 766 index first, beside its name (its own published figures win, as on its index page):
# the KPI columns run past a laptop's width.
scores = national_ui.index(lake, period).set_index("province").reindex(table["province"])
matrix[lake_text.COLUMN_INDEX] = [index_text.total_line(t, c, p) if t is not None else lake_text.NO_DATA
                                  for t, c, p in zip(scores["total"], scores["max_covered"], scores["partial"])]
matrix[lake_text.COLUMN_GRADE] = [index_text.GRADE_LABELS[g] if g is not None else "—" for g in scores["grade"]]
for key in metrics.SUMMARY_RATES:
    matrix[vi.KPI_LABELS[key]] = [verdict.rate_text(v) if pd.notna(v) else lake_text.NO_DATA for v in table[key]]
st.dataframe(matrix, hide_index=True, width="stretch", height=36 * (len(matrix) + 1) + 3)

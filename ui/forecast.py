"""The year-end forecast on the dashboard (kpi.measures.forecast): its table read through the frame's
cache, for the page's selection, as of min(end of the period, data date). No arithmetic here."""
from __future__ import annotations

import datetime as dt

from kpi.measures import forecast
from kpi.measures.filters import Filters
from kpi.measures.periods import custom
from ui.frame import Frame


def selection_forecast(frame: Frame, kpis: tuple[str, ...], unit_level: str | None = None
                       ) -> tuple[dict[str, forecast.SelectionForecast], dt.date | None]:
    """Each KPI's forecast for the year of the page's period, as of its end (or the data date)."""
    year = frame.period.end.year
    first_day, data_date = frame.data_range
    as_of = forecast.as_of_for(year, data_date, frame.period.end)
    if as_of is None:
        return {}, None
    f = frame.filters
    table = _table(frame, year, as_of)
    unit_id = f.unit_ids[0] if len(f.unit_ids) == 1 else None
    result = forecast.forecast_selection(table, year, as_of, frame.targets(year), kpis,
                                         level=f.level or unit_level, unit_id=unit_id)
    return result, as_of


def _table(frame: Frame, year: int, as_of: dt.date):
    """The month × level table of the selection to as_of, through the frame's cache. Every month end of a
    year shares one read (kpi.measures.forecast.read_until): going from month to month costs no query."""
    first_day, data_date = frame.data_range
    f = frame.filters
    until = forecast.read_until(year, as_of, data_date)
    # The level is a row of the table, not a filter: as verdict.judge reads it.
    table = frame.table(("month", "level"), custom(forecast.history_start(year, first_day), until),
                        Filters(unit_ids=f.unit_ids, fields=f.fields))
    return forecast.truncate(table, as_of)


def tile_lines(frame: Frame, forecasts: dict, kpi: str) -> list[str]:
    return forecast.tile_lines(forecasts.get(kpi), frame.data_range[1])


def note(forecasts: dict) -> str | None:
    """One caption for the tiles: how the forecast was made and what its interval means."""
    for sf in forecasts.values():
        text = forecast.method_note(sf.total)
        if text:
            return text
    return None


def index_section(frame: Frame) -> None:
    """The year-end forecast of the 766 groups (kpi.measures.forecast766) under the index page's groups."""
    import pandas as pd
    import streamlit as st

    from kpi.measures import forecast766
    from kpi.text import forecast as forecast_text

    year = frame.period.end.year
    first_day, data_date = frame.data_range
    as_of = forecast.as_of_for(year, data_date, frame.period.end)
    if as_of is None:
        return
    f = frame.filters
    table = _table(frame, year, as_of)
    index = forecast766.forecast_index(table, year, as_of, level=f.level,
                                       has_feedback=forecast766.has_feedback(frame.wh))
    if not index.open:
        return  # no data this year, or the year is over: the score above is final
    st.subheader(forecast_text.INDEX_HEADING.format(year=year))
    st.dataframe(pd.DataFrame(forecast766.rows(index)), hide_index=True, width="stretch")
    first = next(s.rate for g in index.groups.values() for s in g.subs if s.rate is not None)
    st.caption(forecast_text.INDEX_NOTE + " " + (forecast.method_note(first) or ""))

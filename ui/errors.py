"""One error boundary per page run: no traceback ever reaches a user (issue 12 item 5).

``boundary()`` wraps what dashboard.py runs (login, navigation, the page). An unexpected
exception is logged server-side with its traceback under a short incident id, and the user
sees a Vietnamese message with that id. A busy warehouse (a load holds the write lock longer
than ``kpi.warehouse.db`` waits) is retried automatically a bounded number of times; a full or
read-only disk shows its own message. Streamlit's control flow (st.stop, st.rerun,
st.switch_page) are BaseExceptions and pass through untouched.
"""
from __future__ import annotations

import logging
import time
import uuid
from contextlib import contextmanager

import streamlit as st

from kpi.warehouse.db import WarehouseBusy, WarehouseError
from ui import text_errors

log = logging.getLogger("tthc.incident")

BUSY_RETRIES = 3            # automatic reruns while a load holds the warehouse
BUSY_WAIT_S = 3.0           # seconds between them
_BUSY_KEY = "_busy_attempts"


def incident_id() -> str:
    return uuid.uuid4().hex[:8].upper()


@contextmanager
def boundary(last: bool = False):
    """Run the block; turn any exception into a Vietnamese message (see module doc).
    ``last``: the block is the end of the run (the page), so success ends a busy-retry streak."""
    try:
        yield
    except WarehouseBusy:
        _busy()
    except WarehouseError as error:  # disk full, read-only: the message says what to do
        st.error(str(error))
    except Exception:  # noqa: BLE001 - the boundary: everything else becomes an incident
        incident = incident_id()
        log.exception("incident %s on page run", incident)
        st.error(text_errors.INCIDENT.format(incident=incident))
    else:
        if last:
            st.session_state.pop(_BUSY_KEY, None)


def _busy() -> None:
    """Say a load is running, wait a little and rerun; after ``BUSY_RETRIES`` offer a button."""
    attempt = int(st.session_state.get(_BUSY_KEY, 0)) + 1
    if attempt > BUSY_RETRIES:
        st.session_state.pop(_BUSY_KEY, None)
        st.warning(text_errors.BUSY_GAVE_UP)
        st.button(text_errors.RETRY, key="busy_retry")
        return
    st.session_state[_BUSY_KEY] = attempt
    st.info(text_errors.BUSY.format(attempt=attempt, limit=BUSY_RETRIES))
    time.sleep(BUSY_WAIT_S)
    st.rerun()


def bad_param(name: str, value, what: str) -> None:
    """A notice that a URL parameter was ignored (the value is shortened: URLs come from anyone)."""
    shown = str(value)
    shown = shown if len(shown) <= 40 else shown[:40] + "…"
    st.warning(text_errors.BAD_PARAM.format(name=name, value=shown, what=what))


def guarded(run, last: bool = False):
    """``run()`` inside ``boundary(last)``; when it failed the message is drawn and the run stops here."""
    done, result = False, None
    with boundary(last):
        result = run()
        done = True
    if not done:
        st.stop()
    return result

"""A saved change's confirmation that survives the rerun after it, and the save-or-say-why step
the admin pages share (users, units registry)."""
from __future__ import annotations

from typing import Callable

import streamlit as st


def show(key: str) -> None:
    """The confirmation a previous run left under ``key``, once."""
    message = st.session_state.pop(key, None)
    if message:
        st.success(message)


def done(key: str, message: str) -> None:
    """Keep ``message`` for the next run and rerun the page (its widgets then show the saved state)."""
    st.session_state[key] = message
    st.rerun()


def attempt(key: str, change: Callable[[], object], message: str, refusals: tuple[type[Exception], ...]) -> None:
    """Run ``change()``: a refusal (worded for the user) is shown as an error; success reruns with ``message``."""
    try:
        change()
    except refusals as error:
        st.error(str(error))
    else:
        done(key, message)

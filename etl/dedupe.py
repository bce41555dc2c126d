"""Duplicates within a file: one state per code, chosen by a stated rule; every dropped row is listed.

A re-export often lists a dossier twice (an older in-progress line and the finished one, or the
same dossier on two unit sheets). For each code the row kept is, in this order of precedence:

1. a finished state (finished / handled date present) over one still in progress;
2. the latest finished (handled, rated) time; then the latest received time;
3. the row with the most non-empty fields;
4. the last row in the file (sheets in workbook order, rows top to bottom).

Every other row of that code is listed with the rejects ("Trùng mã …: giữ dòng N"), not loaded.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

END_FIELD = {"dossiers": "finished_at", "feedback": "handled_at", "survey": "rated_date"}


def choose_rows(data: pd.DataFrame, kind: str) -> np.ndarray:
    """For each row (file order), the position of the row kept for its code (itself when it is kept)."""
    winner = np.arange(len(data))
    repeated = data["code"].duplicated(keep=False).to_numpy(bool)
    if not repeated.any():
        return winner
    positions = np.flatnonzero(repeated)
    rows = data.iloc[positions]
    end = _column(rows, END_FIELD.get(kind, ""))
    keys = pd.DataFrame({
        "code": rows["code"].to_numpy(object),
        "finished": end.notna().to_numpy(bool),
        "end": end.to_numpy(),
        "received": _column(rows, "received_at").to_numpy(),
        "filled": rows.notna().sum(axis=1).to_numpy(),
        "position": positions,
    })
    # ascending with missing first: the last row of each code after sorting is the one the rule keeps
    keys = keys.sort_values(["code", "finished", "end", "received", "filled", "position"], na_position="first",
                            kind="stable")
    best = keys.groupby("code", sort=False)["position"].last()
    winner[keys["position"].to_numpy()] = keys["code"].map(best).to_numpy()
    return winner


def _column(rows: pd.DataFrame, name: str) -> pd.Series:
    if name in rows.columns:
        return rows[name]
    return pd.Series(pd.NaT, index=rows.index, dtype="datetime64[us]")

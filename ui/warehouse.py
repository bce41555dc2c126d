"""The warehouse the app reads and writes: ``kpi.warehouse.db.Warehouse()``, path from TTHC_DB.

A new ``Warehouse`` per call is cheap (it holds a path, not a connection), and
reading the environment each time lets tests point the app at a temporary file.
"""
from __future__ import annotations

from kpi.warehouse.db import Warehouse


def get_warehouse() -> Warehouse:
    return Warehouse()

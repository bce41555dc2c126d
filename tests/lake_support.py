"""Two hand-made provinces published to a lake: province 75 (Đồng Nai) and 01 (Hà Nội), March 2024.

Resolved in March: 75 has A1 early, A2 overdue, A3 on the due day (2 of 3 in time), and A4 still
open and overdue; 01 has B1 and B2 overdue (0 of 2). Online: A1, B1, B2. One PAKN in 75, on time
and very satisfied. Data dates: 20/03/2024 (75), 25/03/2024 (01).
"""
from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from kpi.lake import export
from kpi.measures.periods import custom
from kpi.measures.targets import ensure_seeded
from kpi.warehouse.db import Warehouse
from tests.factories import add_dossiers, add_feedback, dossier, feedback

MARCH = custom(dt.date(2024, 3, 1), dt.date(2024, 3, 31))


def province_a(path) -> Warehouse:
    """Three dossiers resolved in March 2024 (early, overdue, on the due day), one still open, one PAKN."""
    wh = Warehouse(path)
    ensure_seeded(wh)
    add_dossiers(wh, [
        dossier("A1", received="01/03/2024", due="10/03/2024", finished="05/03/2024", channel="online", digitized=True),
        dossier("A2", received="02/03/2024", due="10/03/2024", finished="12/03/2024"),
        dossier("A3", unit="UBND xã Phú Hữu", received="03/03/2024", due="10/03/2024", finished="10/03/2024"),
        dossier("A4", unit="UBND xã Phú Hữu", received="28/02/2024", due="04/03/2024"),
    ])
    add_feedback(wh, [feedback("F1", received="01/03/2024", due="22/03/2024", handled="20/03/2024", rating=4)])
    with wh.write() as con:
        con.execute("UPDATE dossiers SET applicant = 'Nguyễn Văn A'")
    return wh


def province_b(path) -> Warehouse:
    """Two dossiers resolved in March 2024, both overdue; data until 25/03/2024."""
    wh = Warehouse(path)
    ensure_seeded(wh)
    add_dossiers(wh, [
        dossier("B1", received="01/03/2024", due="05/03/2024", finished="20/03/2024", channel="online"),
        dossier("B2", received="01/03/2024", due="05/03/2024", finished="25/03/2024", channel="online"),
    ])
    return wh


def small_lake(root: Path) -> tuple[Path, dict[str, Warehouse]]:
    """The two provinces, each in its own warehouse under ``root``, exported to ``root / 'lake'``."""
    a, b = province_a(root / "a.duckdb"), province_b(root / "b.duckdb")
    out = root / "lake"
    export.export_province(a, "75", out)
    export.export_province(b, "01", out)
    return out, {"75": a, "01": b}


def lake_with_published(root: Path) -> tuple[Path, dict[str, Warehouse]]:
    """``small_lake`` with Đồng Nai's QĐ 766 figures: the portal's progress scores (province TDGQ 16,0; a
    second upload saying 17,5 undone, so the first counts again) and an admin's CKMB entry (60 of 80
    procedures published on time)."""
    from etl.load import load_file, undo_batch  # tests may import etl; kpi.lake may not
    from kpi.measures import published
    from tests import portal766_files as portal_files

    a, b = province_a(root / "a.duckdb"), province_b(root / "b.duckdb")
    first = load_file(a, portal_files.write(root / "a-2024-03.json", portal_files.progress_tree(province=16.0)))
    undone = load_file(a, portal_files.write(root / "b-2024-03.json", portal_files.progress_tree(province=17.5)))
    assert first.status == undone.status == "loaded"
    undo_batch(a, undone.batch_id)
    published.save_entry(a, MARCH, "PUBLISH_ON_TIME", "CKMB", 60, 80, user="quan-tri")
    export.export_province(a, "75", root / "lake")
    export.export_province(b, "01", root / "lake")
    return root / "lake", {"75": a, "01": b}


def assert_close(got, expected, path="") -> None:
    """Equal, floats to 1e-9 (DuckDB and Spark may add the same numbers in another order)."""
    if isinstance(expected, dict):
        assert isinstance(got, dict) and set(got) == set(expected), path
        for key in expected:
            assert_close(got[key], expected[key], f"{path}.{key}")
    elif isinstance(expected, list):
        assert isinstance(got, list) and len(got) == len(expected), path
        for i, (g, e) in enumerate(zip(got, expected)):
            assert_close(g, e, f"{path}[{i}]")
    elif isinstance(expected, float) and not isinstance(got, bool):
        assert got == pytest.approx(expected, rel=0, abs=1e-9), path
    else:
        assert got == expected, path

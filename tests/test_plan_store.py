"""The yearly plan's tables (schema migration 8): documents, proposed targets, manual targets, tasks."""
from __future__ import annotations

import datetime as dt

from kpi.warehouse.db import Warehouse


def test_plan_tables_hold_a_document_its_targets_and_tasks(tmp_path):
    wh = Warehouse(tmp_path / "w.duckdb")
    with wh.write() as con:
        doc_id = con.execute(
            "INSERT INTO plan_documents (year, file_name, sha256, imported_by) VALUES (2024, 'kh.docx', 'ab', 'admin')"
            " RETURNING doc_id").fetchone()[0]
        con.execute("INSERT INTO plan_targets (doc_id, year, indicator, level, threshold, section, quote)"
                    " VALUES (?, 2024, 'digitization_rate', 'district', 0.4, '4.1', 'Tối thiểu … 40% …')", [doc_id])
        con.execute("INSERT INTO plan_manual_targets (doc_id, year, key, label, level, threshold)"
                    " VALUES (?, 2024, 'published_on_time', 'TTHC công khai đúng hạn', 'province', 1.0)", [doc_id])
        con.execute("INSERT INTO plan_tasks (doc_id, year, position, number, lead, deadline_text, deadline_from,"
                    " deadline_to) VALUES (?, 2024, 1, '2.4', 'Trung tâm Phục vụ hành chính công', 'Quý III/2024',"
                    " DATE '2024-07-01', DATE '2024-09-30')", [doc_id])
        con.execute("INSERT INTO targets (year, indicator, threshold, plan_doc_id) VALUES (2024, 'on_time_rate', 0.97, ?)",
                    [doc_id])
    assert wh.query("SELECT status, imported_at IS NOT NULL FROM plan_documents") == [("proposed", True)]
    assert wh.query("SELECT indicator, level, threshold, status FROM plan_targets") == [
        ("digitization_rate", "district", 0.4, "proposed")]
    assert wh.query("SELECT key, threshold FROM plan_manual_targets") == [("published_on_time", 1.0)]
    assert wh.query("SELECT number, deadline_from, deadline_to FROM plan_tasks") == [
        ("2.4", dt.date(2024, 7, 1), dt.date(2024, 9, 30))]
    assert wh.query("SELECT plan_doc_id FROM targets WHERE indicator = 'on_time_rate'") == [(doc_id,)]

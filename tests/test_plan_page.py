"""Nhập kế hoạch (pages/plan_import.py): an admin uploads seed 001, reviews the proposal with its quotes, confirms;
the dashboard's targets then equal data/targets.csv and cite the plan. Others cannot open the page."""
from __future__ import annotations

import csv

import pytest

from kpi.access.permissions import User
from kpi.measures import targets
from kpi.text.vi import KPI_LABELS
from kpi.warehouse.db import Warehouse
from tests.plan_fixtures import seed_bytes, seed_docx
from tests.upload_helpers import button, no_exceptions, page

DOCX_MIME = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


@pytest.fixture()
def wh(tmp_path, monkeypatch) -> Warehouse:
    wh = Warehouse(tmp_path / "plan.duckdb")
    monkeypatch.setenv("TTHC_DB", str(wh.path))
    targets.ensure_seeded(wh)
    return wh


def _read(at, name: str, data: bytes, mime: str = "text/plain"):
    at.file_uploader(key="plan_file").set_value([(name, data, mime)])
    return button(at, "Đọc văn bản").click().run()


def test_admin_imports_reviews_and_confirms_seed_001(wh):
    at = page("plan_import", User("quantri", "admin"))
    at.run()
    no_exceptions(at)
    assert any("Chưa có đề xuất" in i.value for i in at.info)
    at = _read(at, "kh_170.txt", seed_bytes("001"))
    no_exceptions(at)
    assert "Đã đọc kh_170.txt: 11 chỉ tiêu có dữ liệu, 8 chỉ tiêu nhập tay, 18 nhiệm vụ (18/18 thời hạn" \
        in at.success[0].value
    # the proposal beside the quoted sentences and their sections
    editors = at.dataframe  # the three review tables (st.data_editor)
    first = editors[0].value
    row = first[first["Chỉ tiêu"] == KPI_LABELS["on_time_rate"]].iloc[0]
    assert row["Câu trích trong văn bản"] == "Tỷ lệ giải quyết hồ sơ đúng hạn đạt tối thiểu 97%"
    assert row["Ngưỡng (%)"] == 97.0 and row["Mục"] == "I.1.f"
    assert row["Đang áp dụng"] == "97,0%"  # the target in force today (data/targets.csv)
    tasks = editors[2].value
    assert list(tasks["Số"][:3]) == ["1.1", "1.2", "1.3"] and tasks["Đến ngày"].iloc[0] == "31/01/2024"
    button(at, "Xác nhận kế hoạch năm 2024").click().run()
    no_exceptions(at)
    assert at.success[0].value == ("Đã xác nhận kế hoạch năm 2024: 11 chỉ tiêu thành phiên bản mới, 0 chỉ tiêu "
                                   "không đổi, 8 chỉ tiêu nhập tay, 18 nhiệm vụ.")
    with open(targets.SEED_FILE, encoding="utf-8") as handle:
        expected = {(r["indicator"], r["level"] or None): float(r["threshold"]) for r in csv.DictReader(handle)}
    in_force = targets.targets_for_year(wh, 2024)
    assert {(t.indicator, t.level): t.threshold for t in in_force} == expected
    assert {t.source.split(",")[0] for t in in_force} == {"KH 170/KH-VP ngày 18/01/2024"}
    assert wh.query("SELECT count(*) FROM plan_tasks WHERE status = 'confirmed'") == [(18,)]
    assert wh.query("SELECT user_name FROM audit_log WHERE action = 'plan.confirm'") == [("quantri",)]


def test_a_word_file_and_a_refused_file(wh):
    at = page("plan_import", User("quantri", "admin"))
    at.run()
    at = _read(at, "kh_2021.docx", seed_docx("003"), DOCX_MIME)
    no_exceptions(at)
    assert "43 nhiệm vụ (42/43 thời hạn đọc được)" in at.success[0].value
    at = _read(at, "kh.docx", b"not a word file", DOCX_MIME)
    no_exceptions(at)
    assert at.error[0].value == "Không đọc được tệp kh.docx: tệp không phải là văn bản Word (.docx) hợp lệ hoặc đã bị hỏng."


@pytest.mark.parametrize("role", ["leader", "analyst"])
def test_only_admins_open_the_page(wh, role):
    at = page("plan_import", User("ai_do", role))
    at.run()
    assert not at.file_uploader
    assert wh.query("SELECT count(*) FROM plan_documents") == [(0,)]


def test_overview_tile_cites_the_confirmed_plan(monkeypatch, sample_copy):
    """After confirming the plan, a tile's target line says where the target comes from (a tooltip)."""
    from kpi.plan import store
    from tests.test_pages import make_app

    wh = Warehouse(sample_copy)
    _, doc_id = store.import_plan(wh, seed_bytes("001"), "kh_170.txt", user="admin")
    stored = store.load(wh, doc_id)
    store.confirm(wh, doc_id, stored.targets.to_dict("records"), [], [], "admin")
    at = make_app(monkeypatch, wh.path)
    no_exceptions(at)
    helps = [m.proto.help for m in at.markdown if m.proto.help]
    assert "Căn cứ: KH 170/KH-VP ngày 18/01/2024, mục I.1.f" in helps  # on time, all levels
    assert ("Căn cứ: KH 170/KH-VP ngày 18/01/2024, mục I.1.e; KH 170/KH-VP ngày 18/01/2024, nhiệm vụ 4.1"
            in helps)  # digitization, per level


def test_sentences_no_rule_reads_are_kept_for_any_later_reviewer(wh):
    """A percentage the import cannot place is stored with the document: another admin, in a new
    session after a restart, still sees it beside the proposal."""
    from kpi.plan import store

    plan = ("KẾ HOẠCH Cải cách hành chính năm 2025\nI. MỤC TIÊU\nPhấn đấu 85% cán bộ được tập huấn.\n"
            "Tỷ lệ giải quyết hồ sơ đúng hạn đạt tối thiểu 98%.\n").encode("utf-8")
    _, doc_id = store.import_plan(wh, plan, "kh_2025.txt", year=2025, user="quantri")
    assert store.load(wh, doc_id).unmatched[["section", "sentence"]].values.tolist() == [
        ["I", "Phấn đấu 85% cán bộ được tập huấn"]]
    at = page("plan_import", User("admin2", "admin"))  # a fresh session: nothing in its state
    at.run()
    no_exceptions(at)
    expander = next(e for e in at.expander if e.label == "Câu có tỷ lệ % chưa nhận ra chỉ tiêu (1)")
    assert expander.dataframe[0].value.values.tolist() == [["I", "Phấn đấu 85% cán bộ được tập huấn"]]

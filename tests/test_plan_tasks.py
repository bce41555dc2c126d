"""Nhiệm vụ kế hoạch (issue 15 item 2): task progress (kpi.tracking.tasks), its Excel export and the page
pages/plan_tasks.py (AppTest). Deadlines are set relative to today so 'quá hạn' is derived as the page does."""
from __future__ import annotations

import datetime as dt
import io

import pytest
from openpyxl import load_workbook

from kpi.access.permissions import AuthError, User
from kpi.measures.filters import Scope
from kpi.reports import tasks_export
from kpi.tracking import tasks as tasks_mod
from kpi.warehouse import audit
from kpi.warehouse.db import Warehouse
from tests.factories import add_units
from tests.plan_helpers import add_task
from tests.upload_helpers import button, metrics, no_exceptions, page

TODAY = dt.date.today()
SO, HUYEN = "sở-tư-pháp", "ubnd-huyện-nhơn-trạch"
OBJ1, OBJ2 = "1. Nâng cao chất lượng giải quyết TTHC", "2. Đẩy mạnh số hóa"
ADMIN = User("quantri", "admin")
SO_ANALYST = User("so", "analyst", Scope(kind="units", unit_ids=(SO,)))
HUYEN_ANALYST = User("huyen", "analyst", Scope(kind="units", unit_ids=(HUYEN, "ubnd-xã-phú-hữu")))
LEADER = User("lanhdao", "leader")


@pytest.fixture()
def wh(tmp_path, monkeypatch) -> Warehouse:
    """Five confirmed tasks: 1.1 overdue (10 days ago), 1.2 due today, 2.1 in 60 days, 2.2 'Thường xuyên',
    3.1 with a lead that is no registered unit; and one task still only proposed."""
    warehouse = Warehouse(tmp_path / "tasks.duckdb")
    monkeypatch.setenv("TTHC_DB", str(warehouse.path))
    add_units(warehouse)
    add_task(warehouse, "1.1", "Rà soát quy trình nội bộ", "Sở Tư pháp", SO, TODAY - dt.timedelta(days=10), objective=OBJ1)
    add_task(warehouse, "1.2", "Công bố danh mục TTHC", "Sở Tư pháp", SO, TODAY, objective=OBJ1)
    add_task(warehouse, "2.1", "Số hóa hồ sơ đất đai", "UBND huyện Nhơn Trạch", HUYEN, TODAY + dt.timedelta(days=60),
             objective=OBJ2)
    add_task(warehouse, "2.2", "Cập nhật kho dữ liệu", "UBND huyện Nhơn Trạch", HUYEN, None, objective=OBJ2)
    add_task(warehouse, "3.1", "Tuyên truyền", "Các sở, ngành", None, TODAY - dt.timedelta(days=3), objective="3. Khác")
    add_task(warehouse, "9.9", "Chưa duyệt", "Sở Tư pháp", SO, TODAY - dt.timedelta(days=30), status="proposed")
    return warehouse


def _numbers(tasks) -> list[str]:
    return [t.number for t in tasks]


# -- the core ---------------------------------------------------------------------------------
def test_overdue_is_derived_from_the_deadline_and_today_and_never_stored(wh):
    tasks = {t.number: t for t in tasks_mod.list_tasks(wh, None)}
    assert sorted(tasks) == ["1.1", "1.2", "2.1", "2.2", "3.1"]  # the proposed task is not followed
    assert {n: t.shown_status(TODAY) for n, t in tasks.items()} == {
        "1.1": "overdue", "1.2": "not_started", "2.1": "not_started", "2.2": "not_started", "3.1": "overdue"}
    assert tasks["1.1"].status == "not_started"  # stored status untouched
    assert tasks["1.2"].shown_status(TODAY + dt.timedelta(days=1)) == "overdue"  # the day after its deadline
    assert tasks["2.2"].shown_status(TODAY + dt.timedelta(days=3650)) == "not_started"  # no date, never overdue
    assert _numbers(tasks_mod.overdue(wh, TODAY)) == ["1.1", "3.1"]
    assert _numbers(tasks_mod.due_this_month(list(tasks.values()), TODAY)) == ["1.2"]


def test_a_task_without_task_text_is_named_by_its_objective_cell(wh):
    # Seed 001's appendix writes the task in the objective column and has no task column.
    add_task(wh, "5.1", None, "Sở Tư pháp", SO, None, objective="Kiện toàn đội ngũ cán bộ đầu mối")
    task = next(t for t in tasks_mod.list_tasks(wh, None) if t.number == "5.1")
    assert task.title == "Kiện toàn đội ngũ cán bộ đầu mối"
    assert tasks_export.cell_text(task, "task", TODAY) == "Kiện toàn đội ngũ cán bộ đầu mối"


def test_progress_per_objective_in_the_plans_order(wh):
    tasks_mod.update(wh, ADMIN, _id(wh, "2.1"), tasks_mod.DONE, evidence_no="15/KH-UBND")
    tasks_mod.update(wh, ADMIN, _id(wh, "2.2"), tasks_mod.IN_PROGRESS)
    progress = tasks_mod.progress_by_objective(tasks_mod.list_tasks(wh, None), TODAY)
    assert [(p.objective, p.total, p.done, p.in_progress, p.overdue) for p in progress] == [
        (OBJ1, 2, 0, 0, 1), (OBJ2, 2, 1, 1, 0), ("3. Khác", 1, 0, 0, 1)]
    assert progress[1].share_done == 0.5


def _id(wh, number: str) -> int:
    return next(t.task_id for t in tasks_mod.list_tasks(wh, None) if t.number == number)


def test_a_lead_agency_sees_and_updates_only_its_own_tasks(wh):
    assert _numbers(tasks_mod.list_tasks(wh, SO_ANALYST.scope)) == ["1.1", "1.2"]
    assert _numbers(tasks_mod.list_tasks(wh, HUYEN_ANALYST.scope)) == ["2.1", "2.2"]
    # a level scope sees the tasks whose lead unit is of that level; a lead that is no unit: province only
    assert _numbers(tasks_mod.list_tasks(wh, Scope(kind="level", level="district"))) == ["2.1", "2.2"]
    with pytest.raises(AuthError):
        tasks_mod.update(wh, HUYEN_ANALYST, _id(wh, "1.1"), tasks_mod.DONE)
    with pytest.raises(AuthError):
        tasks_mod.update(wh, LEADER, _id(wh, "1.1"), tasks_mod.DONE)  # leaders read
    assert tasks_mod.list_tasks(wh, None)[0].status == "not_started"
    assert audit.read_log(wh, action="task.update").empty


def test_an_update_is_a_new_row_audited_and_evidence_given_once_stays(wh):
    task_id = _id(wh, "1.1")
    at = dt.datetime(2024, 5, 6, 9, 30)
    tasks_mod.update(wh, SO_ANALYST, task_id, tasks_mod.IN_PROGRESS, evidence_no="12/QĐ-STP",
                     evidence_file_name="qd.pdf", evidence_file=b"%PDF-1.4 qd", now=at)
    after = tasks_mod.update(wh, SO_ANALYST, task_id, tasks_mod.DONE, evidence_link="https://stp.gov.vn/qd12",
                             note="Đã ban hành", now=at + dt.timedelta(days=1))
    assert (after.status, after.evidence_no, after.evidence_link, after.evidence_file_name) == (
        "done", "12/QĐ-STP", "https://stp.gov.vn/qd12", "qd.pdf")
    assert (after.updated_by, after.updated_at) == ("so", at + dt.timedelta(days=1))
    assert after.shown_status(TODAY) == "done"  # done past its deadline is done, not overdue
    assert wh.query("SELECT count(*) FROM plan_task_updates WHERE task_id = ?", [task_id]) == [(2,)]
    log = audit.read_log(wh, action="task.update")
    assert list(log["user_name"]) == ["so", "so"] and set(log["target"]) == {str(task_id)}
    assert '"to": "done"' in log.iloc[0]["detail"] and '"from": "in_progress"' in log.iloc[0]["detail"]
    assert tasks_mod.evidence_file(wh, task_id, SO_ANALYST.scope) == ("qd.pdf", b"%PDF-1.4 qd")
    assert tasks_mod.evidence_file(wh, task_id, HUYEN_ANALYST.scope) is None  # not theirs to read
    assert tasks_mod.audited_evidence_file(wh, SO_ANALYST, task_id) == b"%PDF-1.4 qd"
    taken = audit.read_log(wh, action="export")
    assert (taken["target"] == f"evidence:{task_id}").sum() == 1
    with pytest.raises(AuthError):
        tasks_mod.audited_evidence_file(wh, HUYEN_ANALYST, task_id)


def test_an_evidence_file_over_the_limit_is_refused(wh, monkeypatch):
    monkeypatch.setenv("TTHC_EVIDENCE_MAX_MB", "1")
    with pytest.raises(AuthError, match="1 MB"):
        tasks_mod.update(wh, ADMIN, _id(wh, "1.1"), tasks_mod.DONE, evidence_file_name="big.pdf",
                         evidence_file=b"x" * (1024 * 1024 + 1))


def test_the_excel_export_writes_every_cell_as_text_never_a_formula(wh):
    add_task(wh, "4.1", "=HYPERLINK(\"http://x\",\"bấm\")", "Sở Tư pháp", SO, None, objective="=1+1")
    tasks_mod.update(wh, ADMIN, _id(wh, "1.2"), tasks_mod.DONE, evidence_no="=SUM(A1:A2)")
    data = tasks_export.tasks_xlsx(tasks_mod.list_tasks(wh, None), TODAY)
    sheet = load_workbook(io.BytesIO(data)).active
    rows = [[c.value for c in row] for row in sheet.iter_rows(min_row=3)]
    header, body = rows[0], rows[1:]
    assert header[:3] == ["Số TT", "Mục tiêu", "Nhiệm vụ"] and header[8] == "Trạng thái"
    by_number = {r[0]: r for r in body}
    assert by_number["1.1"][8] == "Quá hạn" and by_number["1.2"][8] == "Hoàn thành"
    assert by_number["1.1"][7] == f"{TODAY - dt.timedelta(days=10):%d/%m/%Y}"
    assert by_number["4.1"][2] == "=HYPERLINK(\"http://x\",\"bấm\")" and by_number["4.1"][1] == "=1+1"
    assert by_number["1.2"][9] == "=SUM(A1:A2)"
    assert all(c.data_type == "s" for row in sheet.iter_rows(min_row=3) for c in row if c.value is not None)


# -- the page ---------------------------------------------------------------------------------
def test_the_page_shows_status_lists_and_progress_for_the_admin(wh):
    at = page("plan_tasks", ADMIN)
    at.run()
    no_exceptions(at)
    assert at.title[0].value == "Nhiệm vụ kế hoạch"
    assert metrics(at) == {"Tổng số nhiệm vụ": "5", "Hoàn thành": "0", "Đang làm": "0", "Quá hạn": "2",
                           "Đến hạn trong tháng": "1"}
    subheaders = [s.value for s in at.subheader]
    assert "Nhiệm vụ quá hạn (2)" in subheaders and f"Đến hạn trong tháng {TODAY:%m/%Y} (1)" in subheaders
    progress, overdue, due_month, _all = [d.value for d in at.dataframe]
    assert list(overdue["Số TT"]) == ["1.1", "3.1"] and set(overdue["Trạng thái"]) == {"Quá hạn"}
    assert list(due_month["Số TT"]) == ["1.2"]
    assert list(progress["Mục tiêu"]) == [OBJ1, OBJ2, "3. Khác"] and list(progress["Quá hạn"]) == [1, 0, 1]


def test_filters_narrow_the_lists(wh):
    at = page("plan_tasks", ADMIN)
    at.run()
    at.selectbox(key="tasks_lead").set_value("UBND huyện Nhơn Trạch").run()
    no_exceptions(at)
    assert metrics(at)["Tổng số nhiệm vụ"] == "2"
    at.selectbox(key="tasks_lead").set_value(None)
    at.selectbox(key="tasks_status").set_value("overdue").run()
    assert list(at.dataframe[-1].value["Số TT"]) == ["1.1", "3.1"]


def test_a_lead_agency_updates_its_task_on_the_page(wh):
    at = page("plan_tasks", SO_ANALYST)
    at.run()
    no_exceptions(at)
    assert list(at.dataframe[-1].value["Số TT"]) == ["1.1", "1.2"]
    assert len(at.selectbox(key="task_pick").options) == 2
    at.selectbox(key="task_status").set_value("done")
    at.text_input(key="task_evidence_no").set_value("12/QĐ-STP")
    at.text_input(key="task_evidence_link").set_value("https://stp.gov.vn/qd12")
    button(at, "Lưu cập nhật").click().run()
    no_exceptions(at)
    assert at.success[0].value == "Đã lưu: nhiệm vụ 1.1 — Hoàn thành."
    assert metrics(at)["Quá hạn"] == "0" and metrics(at)["Hoàn thành"] == "1"
    assert any(c.value.startswith("Trạng thái hiện tại: Hoàn thành") and "so lúc" in c.value for c in at.caption)
    task = tasks_mod.get_task(wh, _id(wh, "1.1"), None)
    assert (task.status, task.evidence_no, task.updated_by) == ("done", "12/QĐ-STP", "so")
    assert audit.read_log(wh, action="task.update").iloc[0]["user_name"] == "so"


def test_a_link_that_is_no_web_address_is_refused(wh):
    at = page("plan_tasks", SO_ANALYST)
    at.run()
    at.text_input(key="task_evidence_link").set_value("javascript:alert(1)")
    button(at, "Lưu cập nhật").click().run()
    assert "http://" in at.error[0].value and tasks_mod.get_task(wh, _id(wh, "1.1"), None).status == "not_started"


def test_a_leader_reads_and_cannot_update(wh):
    at = page("plan_tasks", LEADER)
    at.run()
    no_exceptions(at)
    assert any("chỉ đọc" in c.value for c in at.caption)
    assert not [b for b in at.button if b.label == "Lưu cập nhật"]


def test_the_page_export_is_audited_when_downloaded(wh, downloads):
    at = page("plan_tasks", ADMIN)
    at.run()
    name, data = next((n, d) for n, d in downloads if n.startswith("nhiem-vu-ke-hoach"))
    assert name == f"nhiem-vu-ke-hoach-{TODAY:%Y%m%d}.xlsx"
    assert load_workbook(io.BytesIO(data)).active.max_row == 3 + 5
    assert audit.read_log(wh, action="export").iloc[0]["target"] == name


def test_no_tasks_says_what_to_do(tmp_path, monkeypatch):
    warehouse = Warehouse(tmp_path / "none.duckdb")
    monkeypatch.setenv("TTHC_DB", str(warehouse.path))
    at = page("plan_tasks", ADMIN)
    at.run()
    no_exceptions(at)
    assert "Chưa có nhiệm vụ kế hoạch" in at.info[0].value


def test_an_evidence_file_uploaded_on_the_page_is_kept_and_offered_back(wh, downloads):
    at = page("plan_tasks", SO_ANALYST)
    at.run()
    at.get("file_uploader")[0].set_value([("qd-12.pdf", b"%PDF-1.4 quyet dinh", "application/pdf")])
    button(at, "Lưu cập nhật").click().run()
    no_exceptions(at)
    task = tasks_mod.get_task(wh, _id(wh, "1.1"), None)
    assert task.evidence_file_name == "qd-12.pdf"
    assert tasks_mod.evidence_file(wh, task.task_id, SO_ANALYST.scope) == ("qd-12.pdf", b"%PDF-1.4 quyet dinh")
    assert ("qd-12.pdf", b"%PDF-1.4 quyet dinh") in downloads  # 'Tải tệp minh chứng' serves it back

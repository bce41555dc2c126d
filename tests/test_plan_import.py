"""Plan import (issue 15 item 1): deadlines per form, targets and tasks of seeds 001/003/004 from text,
.docx and .pdf, refusals, the CLI, and confirmation as a new version of the targets table."""
from __future__ import annotations

import csv
import datetime as dt
import json
import re

import pytest

from kpi.measures import targets as targets_mod
from kpi.plan import store
from kpi.plan.deadlines import parse_deadline
from kpi.plan.parser import propose
from kpi.plan.readers import PlanFileRefused, read_plan, read_text
from kpi.warehouse.db import Warehouse
from tests.plan_fixtures import seed_bytes, seed_docx, seed_pdf

D = dt.date


# -- deadlines: one test per form the plans write ------------------------------------------------
@pytest.mark.parametrize("text, kind, start, end", [
    ("Thường xuyên", "continuous", None, None),
    ("Hàng tháng", "monthly", None, None),
    ("Quý III/2024", "quarter", D(2024, 7, 1), D(2024, 9, 30)),
    ("Quý I/2021", "quarter", D(2021, 1, 1), D(2021, 3, 31)),
    ("Quý IV", "quarter", D(2024, 10, 1), D(2024, 12, 31)),          # no year: the plan's
    ("Trước ngày 14/3/2024", "date", None, D(2024, 3, 14)),
    ("Trước ngày 31 tháng 01 năm 2021", "date", None, D(2021, 1, 31)),
    ("Ngày 05/02/2024", "date", D(2024, 2, 5), D(2024, 2, 5)),      # day first, never month first
    ("Từ tháng 02 đến tháng 9/2021", "range", D(2021, 2, 1), D(2021, 9, 30)),
    ("Tháng 12/2024", "month", D(2024, 12, 1), D(2024, 12, 31)),
    ("Tháng 2 năm 2024", "month", D(2024, 2, 1), D(2024, 2, 29)),    # leap year
    ("Năm 2024", "year", D(2024, 1, 1), D(2024, 12, 31)),
    ("6 tháng đầu năm 2024", "half", D(2024, 1, 1), D(2024, 6, 30)),
    ("Định kỳ hoặc đột xuất theo yêu cầu.", "as_required", None, None),
    ("Theo Kế hoạch số 21/KH-UBND ngày 28/01/2022.", "reference", None, None),  # its date is not the deadline
    ("Theo tiến độ phê duyệt", "reference", None, None),
    ("Khi nào xong", "unparsed", None, None),
    ("Trước ngày 31/02/2024", "unparsed", None, None),               # no such day
])
def test_deadline_forms(text, kind, start, end):
    deadline = parse_deadline(text, 2024)
    assert (deadline.kind, deadline.start, deadline.end) == (kind, start, end)
    assert deadline.parsed == (kind not in ("unparsed", "reference"))


# -- seed 001 (Đồng Nai 2024): every target of DOMAIN §5 ---------------------------------------
SEED_001_DATA = {
    ("on_time_rate", "all"): 0.97, ("progress_rate_766", "all"): 0.97,
    ("digitization_rate", "province"): 0.70, ("digitization_rate", "district"): 0.40,
    ("digitization_rate", "commune"): 0.35, ("satisfaction_rate", "all"): 0.94,
    ("e_result_rate", "province"): 0.80, ("e_result_rate", "district"): 0.30, ("e_result_rate", "commune"): 0.20,
    ("pakn_on_time_rate", "all"): 0.97, ("pakn_satisfaction_rate", "all"): 0.93,
}
SEED_001_MANUAL = {  # DOMAIN §5's non-data targets, and the plan's other "100%" statements
    "tthc_published_on_time": ("province", 1.0), "e_process_configured": ("all", 1.0),
    "tthc_simplification_recommended": ("province", 0.10), "declared_info_reduced": ("province", 0.20),
    "internal_tthc_reviewed": ("province", 1.0), "tthc_announced_on_time": ("province", 1.0),
    "one_stop_regulations": ("all", 1.0), "one_stop_evaluated": ("all", 1.0),
}
SEED_001_NUMBERS = ["1.1", "1.2", "1.3", "2.1", "2.2", "2.3", "2.4", "2.5", "3.1", "3.2", "3.3", "3.4", "4.1", "5.1"]
SEED_003_NUMBERS = (["A.1", "A.2", "A.3"] + [f"B.{i}" for i in range(1, 16)] + ["C.1"]
                    + ["D.1", "D.2", "D.3", "D.3.1", "D.3.2", "D.3.3", "D.3.4", "D.4", "D.5"]
                    + [f"E.{i}" for i in range(1, 5)] + ["F.1", "F.2", "G.1", "G.2"] + [f"H.{i}" for i in range(1, 8)])
SEED_004_NUMBERS = ["1", "2", "3.a", "3.b", "3.c", "4", "5", "6", "7", "8.a", "8.b", "8.c", "8.d", "9"]

READERS = {"txt": seed_bytes, "docx": seed_docx, "pdf": seed_pdf}


def _proposal(seed: str, kind: str):
    return propose(read_plan(READERS[kind](seed), f"kh_{seed}.{kind}"))


@pytest.mark.parametrize("kind", ["txt", "docx", "pdf"])
def test_seed_001_targets_in_every_format(kind):
    proposal = _proposal("001", kind)
    assert proposal.year == 2024
    assert {(t.indicator, t.level): t.threshold for t in proposal.targets} == SEED_001_DATA
    assert {m.key: (m.level, m.threshold) for m in proposal.manual_targets} == SEED_001_MANUAL
    by_key = {(t.indicator, t.level): t for t in proposal.targets}
    assert by_key[("on_time_rate", "all")].section == "I.1.f"
    assert by_key[("on_time_rate", "all")].quote == "Tỷ lệ giải quyết hồ sơ đúng hạn đạt tối thiểu 97%"
    assert by_key[("digitization_rate", "district")].section == "4.1"
    assert "40% hồ sơ thủ tục hành chính tại cấp huyện" in by_key[("digitization_rate", "district")].quote
    assert by_key[("pakn_satisfaction_rate", "all")].quote == \
        "Tỷ lệ hài lòng người dân về giải quyết PAKN đạt tối thiểu 93%"


@pytest.mark.parametrize("kind", ["txt", "docx", "pdf"])
def test_seed_001_tasks_in_every_format(kind):
    tasks = _proposal("001", kind).tasks
    numbered = [t for t in tasks if t.number]
    assert [t.number for t in numbered] == SEED_001_NUMBERS
    assert all(t.lead and t.deadline_kind not in ("unparsed", "reference") for t in tasks)
    by_number = {t.number: t for t in numbered}
    assert (by_number["2.4"].deadline_from, by_number["2.4"].deadline_to) == ("2024-07-01", "2024-09-30")
    assert (by_number["2.5"].deadline_from, by_number["2.5"].deadline_to) == (None, "2024-03-14")
    assert (by_number["1.1"].deadline_text, by_number["1.1"].deadline_to) == ("Trước ngày 31/01/2024", "2024-01-31")
    assert by_number["1.1"].lead == "Phòng Hành chính - Tổ chức"
    assert by_number["1.1"].partner == "Các phòng, ban, trung tâm, công thông tin"
    assert by_number["2.2"].lead == "Phòng Hành chính - Tổ chức" and by_number["2.2"].product == "Quyết định"
    # 4 rows without a number: the two under 5.1 continue its objective and task; 4.1's second row its objective
    unnumbered = [t for t in tasks if not t.number]
    assert len(unnumbered) == 4
    assert unnumbered[0].objective == by_number["4.1"].objective
    assert unnumbered[0].task == "Tổ chức thực hiện quy trình số hóa hồ sơ TTHC"
    assert _flat(unnumbered[2].objective) == _flat(by_number["5.1"].objective)
    assert unnumbered[3].product == "Tổng dài 1022 đáp ứng yêu cầu nhiệm vụ"


def _flat(text):
    return re.sub(r"\s+", " ", text or "")


@pytest.mark.parametrize("kind", ["txt", "docx", "pdf"])
def test_seed_003_tasks_by_group_and_page_split_rows(kind):
    proposal = _proposal("003", kind)
    assert proposal.year == 2021
    assert [t.section for t in proposal.tasks] == SEED_003_NUMBERS
    assert all(t.lead for t in proposal.tasks)
    by = {t.section: t for t in proposal.tasks}
    # the row cut by a page break is one task again
    assert by["A.2"].task == ("Cập nhật, sửa đổi các quy định liên quan về công tác kiểm soát thủ tục hành chính"
                              " do trung ương ban hành")
    assert (by["A.2"].partner, by["A.2"].product) == ("Sở, ban, ngành tỉnh, UBND cấp huyện",
                                                      "Quyết định của Chủ tịch UBND tỉnh")
    assert by["A.2"].objective == "Hoàn thiện các quy chế, quy định về kiểm soát thủ tục hành chính"
    assert (by["B.2"].deadline_from, by["B.2"].deadline_to) == ("2021-02-01", "2021-09-30")
    assert (by["H.7"].deadline_from, by["H.7"].deadline_to) == ("2021-01-01", "2021-03-31")
    assert by["G.2"].deadline_kind == "monthly"
    assert {m.key for m in proposal.manual_targets} == {"tthc_posted_at_desk", "tthc_on_one_stop_software"}
    assert sum(t.deadline_kind not in ("unparsed", "reference") for t in proposal.tasks) == 42  # H.1 "Theo tiến độ"


@pytest.mark.parametrize("kind", ["txt", "docx", "pdf"])
def test_seed_004_prose_tasks(kind):
    proposal = _proposal("004", kind)
    assert proposal.year == 2022
    assert [t.number for t in proposal.tasks] == SEED_004_NUMBERS
    by = {t.number: t for t in proposal.tasks}
    assert by["1"].lead == "Trung tâm Phục vụ - Kiểm soát TTHC tỉnh"
    assert by["1"].partner == "Các phòng, đơn vị có liên quan"
    assert by["1"].objective == ("Ban hành các văn bản quản lý nhà nước về kiểm soát TTHC và thực hiện cơ chế "
                                 "một cửa, một cửa liên thông")
    assert by["3.b"].objective == "Công bố, công khai TTHC – Công khai TTHC, cập nhật quy trình điện tử giải quyết TTHC"
    assert by["5"].deadline_kind == "reference" and by["5"].deadline_from is None
    assert by["9"].deadline_kind == "as_required"
    assert by["4"].task.startswith("Tiếp nhận các phản ánh, kiến nghị của cá nhân, tổ chức")
    assert proposal.targets == [] and proposal.manual_targets == []


def test_text_reader_cleans_html_and_joins_wrapped_lines():
    blocks = read_text("1. Mục tiêu của kế hoạch thực\n\nhiện trong năm\n"
                       "5.1\t<ul><li>- Tối thiểu 97% PAKN;</li><li>- Hài lòng 93%</li></ul>\t<b>x</b>\n")
    assert [b.cells for b in blocks] == [("1. Mục tiêu của kế hoạch thực hiện trong năm",),
                                         ("5.1", "- Tối thiểu 97% PAKN;\n- Hài lòng 93%", "x")]
    assert blocks[1].is_row


def test_refusals_are_in_vietnamese(monkeypatch):
    with pytest.raises(PlanFileRefused, match="chỉ nhận văn bản kế hoạch dạng .docx, .pdf, .txt"):
        read_plan(b"x", "kh.xlsx")
    with pytest.raises(PlanFileRefused, match="không phải là văn bản Word"):
        read_plan(b"not a zip", "kh.docx")
    with pytest.raises(PlanFileRefused, match="không phải là văn bản PDF"):
        read_plan(b"%PDF-broken", "kh.pdf")
    monkeypatch.setenv("TTHC_PLAN_MAX_MB", "0")
    with pytest.raises(PlanFileRefused, match="lớn hơn 0 MB"):
        read_plan(b"KE HOACH", "kh.txt")
    monkeypatch.setenv("TTHC_PLAN_MAX_MB", "20")
    monkeypatch.setenv("TTHC_PLAN_MAX_CHARS", "1000")
    with pytest.raises(PlanFileRefused, match="hơn 1.000 ký tự"):
        read_plan(seed_bytes("001"), "kh.txt")


def test_pdf_page_limit(monkeypatch):
    monkeypatch.setenv("TTHC_PLAN_MAX_PAGES", "1")
    with pytest.raises(PlanFileRefused, match=r"có \d+ trang, quá giới hạn 1 trang"):
        read_plan(seed_pdf("004"), "kh.pdf")


# -- the command line ---------------------------------------------------------------------------
def test_cli_json_shape_and_dry_run(tmp_path, capsys):
    from kpi.cli.main import main

    path = tmp_path / "kh_170.txt"
    path.write_bytes(seed_bytes("001"))
    db = tmp_path / "w.duckdb"
    assert main(["plan", "import", str(path), "--dry-run", "--json", "--db", str(db)]) == 0
    printed = json.loads(capsys.readouterr().out)
    assert list(printed) == ["targets", "manual_targets", "tasks"]
    assert list(printed["targets"][0]) == ["indicator", "level", "threshold", "year", "section", "quote"]
    assert list(printed["tasks"][0]) == ["number", "objective", "task", "product", "lead", "partner",
                                         "deadline_text", "deadline_from", "deadline_to"]
    assert printed["tasks"][0]["deadline_to"] == "2024-01-31"
    assert not db.exists()  # a dry run stores nothing
    assert main(["plan", "import", str(path), "--year", "2025", "--db", str(db)]) == 0
    out = capsys.readouterr().out
    assert "Đã lưu đề xuất #1 (kh_170.txt, năm 2025)" in out
    wh = Warehouse(db)
    assert wh.query("SELECT year, status, reference FROM plan_documents") == [
        (2025, "proposed", "KH 170/KH-VP ngày 18/01/2024")]
    assert wh.query("SELECT count(*), min(year) FROM plan_targets") == [(11, 2025)]
    assert wh.query("SELECT count(*) FROM plan_tasks WHERE status = 'proposed'") == [(18,)]
    assert wh.query("SELECT action FROM audit_log WHERE action LIKE 'plan.%'") == [("plan.import",)]


def test_cli_refuses_a_file_it_cannot_read(tmp_path, capsys):
    from kpi.cli.main import main

    path = tmp_path / "kh.xlsx"
    path.write_bytes(b"x")
    assert main(["plan", "import", str(path), "--dry-run"]) == 2
    assert "chỉ nhận văn bản kế hoạch" in capsys.readouterr().err


# -- confirming: a new version of the targets table ---------------------------------------------
def _confirm_seed_001(wh):
    _, doc_id = store.import_plan(wh, seed_bytes("001"), "kh_170.txt", user="admin")
    stored = store.load(wh, doc_id)
    return doc_id, store.confirm(wh, doc_id, stored.targets.to_dict("records"),
                                 stored.manual_targets.to_dict("records"), stored.tasks.to_dict("records"), "admin")


def test_confirming_seed_001_gives_the_targets_of_data_targets_csv(tmp_path):
    wh = Warehouse(tmp_path / "w.duckdb")  # no targets at all: everything comes from the plan
    doc_id, result = _confirm_seed_001(wh)
    assert (result.new_versions, result.unchanged, result.tasks) == (11, 0, 18)
    with open(targets_mod.SEED_FILE, encoding="utf-8") as handle:
        expected = {(int(r["year"]), r["indicator"], r["level"] or None): float(r["threshold"])
                    for r in csv.DictReader(handle)}
    in_force = targets_mod.targets_for_year(wh, 2024)
    assert {(t.year, t.indicator, t.level): t.threshold for t in in_force} == expected
    on_time = targets_mod.pick(in_force, "on_time_rate")
    assert on_time.source == "KH 170/KH-VP ngày 18/01/2024, mục I.1.f"
    assert targets_mod.pick(in_force, "e_result_rate", "district").source == \
        "KH 170/KH-VP ngày 18/01/2024, nhiệm vụ 4.1"
    assert wh.query("SELECT DISTINCT plan_doc_id FROM targets") == [(doc_id,)]
    assert wh.query("SELECT status FROM plan_documents") == [("confirmed",)]


def test_confirming_over_seeded_targets_keeps_the_old_versions(tmp_path):
    wh = Warehouse(tmp_path / "w.duckdb")
    targets_mod.ensure_seeded(wh)
    _confirm_seed_001(wh)
    history = targets_mod.targets_frame(wh, include_history=True)
    on_time = history[history["indicator"] == "on_time_rate"].sort_values("version")
    assert list(on_time["version"]) == [1, 2]
    assert on_time["superseded_at"].notna().tolist() == [True, False]
    assert on_time["source"].iloc[0].startswith("KH 170/KH-VP")  # the seed's, kept
    assert wh.query("SELECT action FROM audit_log WHERE action LIKE 'plan.%' ORDER BY audit_id") == [
        ("plan.import",), ("plan.confirm",)]


def test_confirm_takes_the_admins_edits_and_only_once(tmp_path):
    wh = Warehouse(tmp_path / "w.duckdb")
    _, doc_id = store.import_plan(wh, seed_bytes("001"), "kh_170.txt", user="admin")
    stored = store.load(wh, doc_id)
    edited = stored.targets.to_dict("records")
    for row in edited:
        if row["indicator"] == "satisfaction_rate":
            row["threshold"] = 0.95
    store.confirm(wh, doc_id, edited, [], [], "admin")
    assert targets_mod.pick(targets_mod.targets_for_year(wh, 2024), "satisfaction_rate").threshold == 0.95
    with pytest.raises(ValueError, match="đã được xác nhận"):
        store.confirm(wh, doc_id, edited, [], [], "admin")
    bad = [{**edited[0], "threshold": 1.5}]
    _, other = store.import_plan(wh, seed_bytes("001"), "kh_170.txt", user="admin")
    with pytest.raises(ValueError, match="Ngưỡng"):
        store.confirm(wh, other, bad, [], [], "admin")


def test_lead_agency_resolved_to_a_registered_unit(tmp_path):
    from kpi.measures import units

    wh = Warehouse(tmp_path / "w.duckdb")
    center = units.add_unit(wh, "Trung tâm Phục vụ hành chính công", "province")
    _, doc_id = store.import_plan(wh, seed_bytes("001"), "kh_170.txt", user="admin")
    leads = dict(wh.query("SELECT number, lead_unit_id FROM plan_tasks WHERE number IN ('1.1', '2.4')"))
    assert leads == {"1.1": None, "2.4": center}  # "Phòng Hành chính - Tổ chức" is no unit of the registry


def test_a_pdf_without_text_and_a_docx_bomb_are_refused(tmp_path):
    import io
    import zipfile

    from fpdf import FPDF

    scan = FPDF()
    scan.add_page()
    scan.rect(10, 10, 100, 100, style="F")  # a page with a picture and no text layer
    with pytest.raises(PlanFileRefused, match="không có lớp chữ"):
        read_plan(bytes(scan.output()), "ban_quet.pdf")
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("word/document.xml", b"<" + b" " * 120_000_000 + b">")
    with pytest.raises(PlanFileRefused, match="giải nén lớn bất thường"):
        read_plan(buffer.getvalue(), "bom.docx")


def _targets_of(text: str, year: int = 2025) -> dict:
    proposal = propose(read_text(text), year)
    return {(t.indicator, t.level): t.threshold for t in proposal.targets}


def test_sentence_forms_of_targets(monkeypatch):
    monkeypatch.setenv("TTHC_PLAN_ON_TIME_COVERS_766", "false")
    assert _targets_of("a) Tỷ lệ hồ sơ giải quyết đúng hạn đạt tối thiểu 97,5%.") == {("on_time_rate", "all"): 0.975}
    assert _targets_of("- Tối thiểu 60% hồ sơ tại cấp xã được số hóa") == {("digitization_rate", "commune"): 0.6}
    assert _targets_of("Tỷ lệ hồ sơ nộp trực tuyến đạt 50% tại các cấp") == {("online_rate", "all"): 0.5}
    assert _targets_of("- Tối thiểu 95% PAKN được xử lý đúng hạn; - Tỷ lệ hài lòng về giải quyết PAKN đạt 90%") == {
        ("pakn_on_time_rate", "all"): 0.95, ("pakn_satisfaction_rate", "all"): 0.9}
    assert _targets_of("Kết quả giải quyết được cung cấp bản điện tử 90% tại cấp sở, 50% tại cấp huyện, 40% tại cấp xã") \
        == {("e_result_rate", "province"): 0.9, ("e_result_rate", "district"): 0.5, ("e_result_rate", "commune"): 0.4}
    monkeypatch.setenv("TTHC_PLAN_ON_TIME_COVERS_766", "true")
    assert _targets_of("Tỷ lệ giải quyết hồ sơ đúng hạn đạt 98%") == {("on_time_rate", "all"): 0.98,
                                                                       ("progress_rate_766", "all"): 0.98}
    unmatched = propose(read_text("Phấn đấu 85% cán bộ được tập huấn"), 2025).unmatched
    assert unmatched == [("", "Phấn đấu 85% cán bộ được tập huấn")]  # shown to the reviewer, not guessed


def test_docx_cell_merged_across_columns_is_read_once(tmp_path):
    import io

    import docx

    document = docx.Document()
    document.add_paragraph("KẾ HOẠCH năm 2025")
    table = document.add_table(rows=3, cols=6)
    for cell, text in zip(table.rows[0].cells, ["STT", "Nhiệm vụ", "Sản phẩm", "Cơ quan chủ trì", "Cơ quan phối hợp",
                                                "Thời gian thực hiện"]):
        cell.text = text
    merged = table.rows[1].cells[0].merge(table.rows[1].cells[5])
    merged.text = "1. Công bố, công khai TTHC"
    for cell, text in zip(table.rows[2].cells, ["1.1", "Công khai TTHC", "TTHC công khai", "Văn phòng UBND tỉnh",
                                                "Các sở, ngành", "Tháng 6/2025"]):
        cell.text = text
    out = io.BytesIO()
    document.save(out)
    blocks = read_plan(out.getvalue(), "kh.docx")
    assert blocks[2].cells == ("1. Công bố, công khai TTHC",)
    task = propose(blocks).tasks[0]
    assert (task.number, task.lead, task.partner, task.deadline_from, task.deadline_to) == (
        "1.1", "Văn phòng UBND tỉnh", "Các sở, ngành", "2025-06-01", "2025-06-30")


def test_the_same_file_waiting_for_review_is_stored_once(tmp_path):
    wh = Warehouse(tmp_path / "w.duckdb")
    _, first = store.import_plan(wh, seed_bytes("001"), "kh_170.txt", user="admin")
    _, again = store.import_plan(wh, seed_bytes("001"), "ban sao.txt", user="admin")
    _, other_year = store.import_plan(wh, seed_bytes("001"), "kh_170.txt", year=2025, user="admin")
    assert again == first and other_year != first
    assert wh.query("SELECT count(*) FROM plan_tasks") == [(36,)]

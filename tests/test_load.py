"""Loading: one transaction per file, merge by code, idempotency, batches, rejects."""
from __future__ import annotations

import datetime as dt

import pytest

from etl.load import diff_counts, history, load_file, load_prepared, prepare, rejects_report
from kpi.warehouse.db import Warehouse
from kpi.measures.levels import unit_id_for
from kpi.text.normalize import fold
from tests.fixtures_etl import Traits, make_rows, write_messy

MESSY = Traits(title_rows=3, two_row_header=True, footer=True, extra_columns=True, date_style="mixed")


@pytest.fixture()
def wh(empty_db) -> Warehouse:
    return Warehouse(empty_db)


def _dossiers(wh):
    return wh.query("SELECT * FROM dossiers ORDER BY code")


def test_first_load_counts_and_batch_row(wh, tmp_path):
    rows = make_rows(30)
    result = load_file(wh, write_messy(tmp_path / "t1.xlsx", rows, MESSY), user="an")
    assert result.status == "loaded" and result.kind == "dossiers" and result.batch_id
    assert result.counts == {"rows_read": 30, "rows_loaded": 30, "rows_rejected": 0, "new": 30, "updated": 0,
                             "unchanged": 0, "duplicates": 0, "out_of_scope": 0, "outside_validity": 0}
    batch = history(wh)[0]
    assert batch["id"] == result.batch_id and batch["file"] == "t1.xlsx" and batch["status"] == "loaded"
    assert batch["sheet"] == "Dữ liệu" and batch["header_row"] == 4 and batch["user"] == "an"
    assert len(batch["sha256"]) == 64 and batch["loaded_at"][:4] == str(dt.date.today().year)
    assert wh.query("SELECT count(*), min(batch_id), max(batch_id) FROM dossiers")[0] == (30, result.batch_id, result.batch_id)


def test_loading_the_same_file_twice_changes_nothing(wh, tmp_path):
    path = write_messy(tmp_path / "t.xlsx", make_rows(30), MESSY)
    first = load_file(wh, path)
    before = _dossiers(wh)
    second = load_file(wh, path)
    assert second.status == "loaded"
    assert (second.counts["new"], second.counts["updated"], second.counts["unchanged"]) == (0, 0, 30)
    assert _dossiers(wh) == before  # same rows, same batch_id: nothing rewritten
    assert {r[-1] for r in before} == {first.batch_id}
    assert wh.query("SELECT count(*) FROM dossiers_replaced")[0][0] == 0


def test_february_export_replaces_january_records(wh, tmp_path):
    january = make_rows(20)
    load_file(wh, write_messy(tmp_path / "t1.xlsx", january))
    february = [dict(r) for r in january[:10]]
    for r in february:  # finished in February now
        r["finished_at"] = dt.datetime(2024, 2, 20, 10)
        r["status"] = "Đã trả kết quả"
    february += make_rows(5, code_prefix="F02", start=dt.datetime(2024, 2, 1, 8))
    prepared = prepare(write_messy(tmp_path / "t2.xlsx", february), wh=wh)
    expected = diff_counts(wh, prepared)
    result = load_prepared(wh, prepared)
    changed = sum(1 for r in january[:10] if r["finished_at"] != dt.datetime(2024, 2, 20, 10) or r["status"] != "Đã trả kết quả")
    assert expected == {"new": 5, "updated": changed, "unchanged": 10 - changed}
    assert {k: result.counts[k] for k in ("new", "updated", "unchanged")} == expected
    assert wh.query("SELECT count(*) FROM dossiers")[0][0] == 25
    code = january[0]["code"]
    assert wh.query("SELECT finished_at, batch_id FROM dossiers WHERE code = ?", [code])[0] == \
        (dt.datetime(2024, 2, 20, 10), result.batch_id)
    old = wh.query("SELECT finished_at, replaced_by FROM dossiers_replaced WHERE code = ?", [code])
    assert old == [(january[0]["finished_at"], result.batch_id)]
    assert wh.query("SELECT count(*) FROM dossiers_replaced")[0][0] == changed


def test_duplicates_within_a_file(wh, tmp_path):
    rows = make_rows(10)
    later = dict(rows[4], procedure="Bản sau")
    result = load_file(wh, write_messy(tmp_path / "d.xlsx", rows + [later]))
    assert result.counts["duplicates"] == 1 and result.counts["rows_read"] == 11 and result.counts["rows_loaded"] == 10
    assert wh.query("SELECT procedure FROM dossiers WHERE code = ?", [rows[4]["code"]]) == [("Bản sau",)]


def test_rejected_rows_are_stored_and_reported(wh, tmp_path):
    rows = make_rows(10)
    rows[2]["code"] = None
    rows[6]["finished_at"] = rows[6]["received_at"] - dt.timedelta(days=5)
    rows[6]["rating"] = "???"
    result = load_file(wh, write_messy(tmp_path / "r.xlsx", rows, title_rows=1))
    assert result.counts["rows_rejected"] == 2 and result.counts["rows_loaded"] == 8
    stored = wh.query("SELECT row_number, column_name, sheet FROM rejected_rows WHERE batch_id = ? ORDER BY row_number, "
                      "column_name", [result.batch_id])
    assert stored == [(5, "Mã hồ sơ", "Dữ liệu"), (9, "Mức độ hài lòng", "Dữ liệu"), (9, "Ngày có kết quả", "Dữ liệu")]
    report = rejects_report(wh, result.batch_id)
    assert report.index.tolist() == [5, 9] and report.index.name == "Dòng"
    assert report.columns[-1] == "Lỗi" and "Mã hồ sơ" in report.columns
    assert report.loc[9, "Mã hồ sơ"] == rows[6]["code"] and report.loc[9, "Lỗi"].count(";") == 1


def test_units_matched_by_name_and_alias_or_created(wh, tmp_path):
    with wh.write() as con:
        con.execute("INSERT INTO units (unit_id, name, name_key, level) VALUES ('stp', 'Sở Tư pháp', ?, 'province')",
                    [fold("Sở Tư pháp")])
        con.execute("INSERT INTO units (unit_id, name, name_key, level) VALUES ('nt', 'UBND huyện Nhơn Trạch', ?, "
                    "'district')", [fold("UBND huyện Nhơn Trạch")])
        con.execute("INSERT INTO unit_aliases (alias_key, unit_id) VALUES (?, 'nt')", [fold("UBND thành phố Biên Hòa")])
    rows = make_rows(11)
    for r in rows:
        if r["unit_name"] == "Sở Tư pháp":
            r["unit_name"] = "SỞ TƯ PHÁP"
    result = load_file(wh, write_messy(tmp_path / "u.xlsx", rows))
    per_unit = dict(wh.query("SELECT unit_id, count(*) FROM dossiers GROUP BY unit_id"))
    assert per_unit["stp"] == 1 and per_unit["nt"] == 2  # Nhơn Trạch itself + its alias
    created = {r[0] for r in wh.query("SELECT unit_id FROM batch_units WHERE batch_id = ?", [result.batch_id])}
    assert unit_id_for("UBND xã Phú Hữu") in created and "stp" not in created
    assert wh.query("SELECT level FROM units WHERE unit_id = ?", [unit_id_for("UBND xã Phú Hữu")]) == [("commune",)]


def test_feedback_and_survey_files(wh, tmp_path):
    fb = load_file(wh, write_messy(tmp_path / "pakn.xlsx", make_rows(12, "feedback"), kind="feedback", title_rows=2))
    sv = load_file(wh, write_messy(tmp_path / "ks.xlsx", make_rows(8, "survey"), kind="survey", footer=True))
    assert (fb.kind, fb.counts["new"], sv.kind, sv.counts["new"]) == ("feedback", 12, "survey", 8)
    assert wh.query("SELECT count(*) FROM feedback WHERE due_assumed AND due_at IS NULL AND due_date IS NOT NULL")[0][0] == 6
    assert wh.query("SELECT count(*) FROM surveys WHERE rating IS NOT NULL")[0][0] == 8


def test_progress_callback_and_manual_mapping(wh, tmp_path):
    rows = make_rows(5)
    path = write_messy(tmp_path / "m.xlsx", rows, headers={"due_at": "Cột H"})
    auto = prepare(path, wh=wh)
    assert auto.unmapped == ["due_at"] and "Ngày hẹn trả" in auto.refusal
    prepared = prepare(path, wh=wh, mapping={"due_at": "Cột H"})
    assert prepared.ok and prepared.mapping["due_at"] == "Cột H"
    steps = []
    load_prepared(wh, prepared, progress=lambda fraction, text: steps.append(fraction))
    assert steps[-1] == 1.0 and steps == sorted(steps)
    assert len(prepared.preview(2)) == 2 and "Mã hồ sơ" in prepared.preview(2).columns


def test_refusal_names_a_near_miss_column(wh, tmp_path):
    path = write_messy(tmp_path / "gan.xlsx", make_rows(3), headers={"code": "Mã vận hành nội bộ"})
    prepared = prepare(path, wh=wh)
    assert prepared.unmapped == ["code"]
    assert "cột «Mã vận hành nội bộ» gần giống nhưng chưa đủ chắc" in prepared.refusal


def test_a_numbering_row_under_the_header_is_not_a_rejected_record(wh, tmp_path):
    from tests.upload_helpers import HEADERS, dossier_row, write_table

    numbers = [f"({i})" for i in range(1, len(HEADERS) + 1)]
    path = write_table(tmp_path / "mau.xlsx", HEADERS, [numbers, dossier_row("A1"), dossier_row("A2")], title=["BÁO CÁO"])
    result = load_file(wh, path)
    assert (result.counts["rows_read"], result.counts["rows_loaded"], result.counts["rows_rejected"]) == (2, 2, 0)


def test_issue_11_headers_worded_otherwise_load_their_values(wh, tmp_path):
    """The refused and half-read files of issue 11: a due date, an abbreviated e-result and a long rating header."""
    words = {"due_at": "Hạn giải quyết (theo quy định)", "e_result": "KQ ĐT",
             "rating": "Đánh giá mức độ hài lòng của tổ chức, công dân đối với việc giải quyết TTHC"}
    rows = make_rows(14)
    result = load_file(wh, write_messy(tmp_path / "khac.xlsx", rows, headers=words))
    assert result.status == "loaded" and result.counts["rows_loaded"] == 14
    assert {v.label: v.field for v in result.verdicts if v.label in words.values()} == {
        text: name for name, text in words.items()}
    stored = wh.query("SELECT count(e_result), count(rating), count(due_at) FROM dossiers")[0]
    assert stored == (sum(r["e_result"] is not None for r in rows), sum(r["rating"] is not None for r in rows),
                      sum(r["due_at"] is not None for r in rows))

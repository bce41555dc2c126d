"""`python -m etl load | history | undo` end to end: exit codes and output other tools rely on."""
from __future__ import annotations

import datetime as dt
import json
import subprocess
import sys
from pathlib import Path

import pytest

from tests.fixtures_etl import Traits, make_rows, write_messy

ROOT = Path(__file__).resolve().parent.parent


def run(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "etl", *map(str, args)], cwd=ROOT, capture_output=True, text=True,
                          timeout=300)


@pytest.fixture()
def files(tmp_path):
    good = write_messy(tmp_path / "good.xlsx", make_rows(12), Traits(title_rows=2, two_row_header=True, footer=True))
    rows = make_rows(6, code_prefix="R")
    rows[1]["code"] = None
    some_rejected = write_messy(tmp_path / "some_rejected.xlsx", rows)
    refused = tmp_path / "refused.xlsx"
    refused.write_bytes(b"\x00\x01\x02 not a workbook")
    return {"good": good, "rejected": some_rejected, "refused": refused}


def test_exit_0_when_every_row_loaded(files, tmp_path):
    db = tmp_path / "w.duckdb"
    done = run("load", files["good"], "--db", db)
    assert done.returncode == 0, done.stderr
    assert "good.xlsx" in done.stdout and "đọc 12 dòng" in done.stdout and "mới 12" in done.stdout
    again = run("load", files["good"], "--db", db)
    assert again.returncode == 0 and "mới 0" in again.stdout and "không đổi 12" in again.stdout


def test_exit_3_when_some_rows_rejected(files, tmp_path):
    db = tmp_path / "w.duckdb"
    done = run("load", files["rejected"], "--db", db)
    assert done.returncode == 3
    assert "bị loại 1" in done.stdout and "rejected_rows của lượt nạp #1" in done.stdout
    assert f"python -m etl history --db {db}" in done.stdout


def test_exit_2_when_refused_with_one_line_on_stderr(files, tmp_path):
    done = run("load", files["refused"], "--db", tmp_path / "w.duckdb")
    assert done.returncode == 2
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("refused.xlsx: ") and "Không phải tệp bảng tính" in lines[0]


@pytest.mark.parametrize("names,code", [(("good", "rejected"), 3), (("good", "refused", "rejected"), 2),
                                        (("refused", "good"), 2), (("good",), 0)])
def test_several_files_worst_outcome_wins(files, tmp_path, names, code):
    db = tmp_path / "w.duckdb"
    done = run("load", *(files[n] for n in names), "--db", db)
    assert done.returncode == code
    loaded = json.loads(run("history", "--db", db, "--json").stdout)
    assert len(loaded) == len(names)  # every file its own batch, refused ones included


def test_history_json_contract(files, tmp_path):
    db = tmp_path / "w.duckdb"
    run("load", files["good"], files["rejected"], files["refused"], "--db", db)
    done = run("history", "--db", db, "--json")
    assert done.returncode == 0
    batches = json.loads(done.stdout)
    for b in batches:
        assert {"id", "file", "kind", "rows_loaded", "rows_rejected", "status", "loaded_at"} <= set(b)
        dt.datetime.fromisoformat(b["loaded_at"])
    by_file = {b["file"]: b for b in batches}
    assert by_file["good.xlsx"]["rows_loaded"] == 12 and by_file["good.xlsx"]["status"] == "loaded"
    assert by_file["some_rejected.xlsx"]["rows_rejected"] == 1
    assert by_file["refused.xlsx"]["status"] == "refused"
    text = run("history", "--db", db)
    assert text.returncode == 0 and "good.xlsx" in text.stdout and "refused" in text.stdout


def test_undo_exit_codes(files, tmp_path):
    db = tmp_path / "w.duckdb"
    run("load", files["good"], "--db", db)
    done = run("undo", "1", "--db", db)
    assert done.returncode == 0 and "Đã hoàn tác lượt nạp #1" in done.stdout
    again = run("undo", "1", "--db", db)
    assert again.returncode == 2 and "đã được hoàn tác" in again.stderr
    missing = run("undo", "42", "--db", db)
    assert missing.returncode == 2 and "Không có lượt nạp #42" in missing.stderr


def test_db_defaults_to_tthc_db(files, tmp_path, monkeypatch):
    db = tmp_path / "env.duckdb"
    monkeypatch.setenv("TTHC_DB", str(db))
    assert run("load", files["good"]).returncode == 0
    assert db.exists()


def test_cli_load_and_undo_are_audited(tmp_path):
    """Every CLI load and undo leaves an audit row (issue 7: uploads and undos are audited)."""
    from kpi.warehouse import audit
    from kpi.warehouse.db import Warehouse

    db = tmp_path / "audit.duckdb"
    path = write_messy(tmp_path / "a.xlsx", make_rows(5))
    assert run("load", path, "--db", db).returncode == 0
    assert run("undo", "1", "--db", db).returncode == 0
    log = audit.read_log(Warehouse(db))
    assert {"upload", "undo"} <= set(log["action"])
    assert all(str(name).startswith("cli:") for name in log["user_name"])


def test_load_summary_lists_every_column_and_states_a_missing_optional_column(tmp_path):
    path = write_messy(tmp_path / "khong_kqdt.xlsx", make_rows(5),
                       Traits(extra_columns=True, drop=("e_result",), headers={"due_at": "Hạn GQ (dd/mm/yyyy)"}))
    db = tmp_path / "w.duckdb"
    done = run("load", path, "--db", db)
    assert done.returncode == 0, done.stderr
    assert "«Hạn GQ (dd/mm/yyyy)» → Ngày hẹn trả (chắc chắn)" in done.stdout
    assert "«STT» → bỏ qua (không dùng)" in done.stdout
    assert ("tệp không có cột Kết quả điện tử: tỷ lệ KQĐT của các hồ sơ trong tệp là chưa có dữ liệu"
            in done.stdout)
    batch = json.loads(run("history", "--db", db, "--json").stdout)[0]
    assert batch["missing_columns"] == ["level", "e_result"]


def test_sample_if_empty_builds_once_at_the_given_scale(tmp_path, capsys):
    """`etl sample --if-empty --scale X` (the start command's step) builds into an empty warehouse only."""
    from etl.__main__ import main
    from kpi.warehouse.db import Warehouse

    db = tmp_path / "s.duckdb"
    assert main(["sample", "--if-empty", "--scale", "0.002", "--db", str(db)]) == 0
    first = Warehouse(db).query("SELECT count(*) FROM dossiers")[0][0]
    assert 0 < first < 20_000 and "Đã tạo dữ liệu mẫu" in capsys.readouterr().out
    assert main(["sample", "--if-empty", "--scale", "0.002", "--db", str(db)]) == 0
    assert Warehouse(db).query("SELECT count(*) FROM dossiers")[0][0] == first
    assert "giữ nguyên" in capsys.readouterr().out

"""The generated sample province (etl/sample.py): deterministic, consistent, realistic."""
from __future__ import annotations

import argparse
import datetime as dt

import pytest

from etl.sample import build_sample, cmd_sample, ensure_sample, is_empty
from kpi.warehouse.db import Warehouse
from kpi.measures.levels import TWO_LEVEL_FROM, infer_level, unit_id_for
from kpi.text.normalize import fold

SCALE = 0.02
CHECKSUM = """
    SELECT count(*), sum(hash(code, unit_id, level, field, procedure, channel, received_at, due_at, finished_at,
                             digitized, e_result, rating, apology, status, applicant))
    FROM dossiers
"""


@pytest.fixture(scope="module")
def wh(tmp_path_factory) -> Warehouse:
    warehouse = Warehouse(tmp_path_factory.mktemp("sample") / "sample.duckdb")
    counts = build_sample(warehouse, scale=SCALE)
    assert counts["dossiers"] > 0
    return warehouse


def one(wh: Warehouse, sql: str):
    return wh.query(sql)[0][0]


def test_deterministic_and_scaled(wh, tmp_path):
    again = Warehouse(tmp_path / "again.duckdb")
    build_sample(again, scale=SCALE)
    assert again.query(CHECKSUM) == wh.query(CHECKSUM)
    for sql in ("SELECT count(*), sum(hash(code, unit_id, received_at, due_at, handled_at, rating)) FROM feedback",
                "SELECT count(*), sum(hash(code, dossier_code, unit_id, rated_date, rating)) FROM surveys",
                "SELECT count(*), sum(hash(unit_id, name, level, parent_id, valid_from, valid_to, successor_id)) FROM units"):
        assert again.query(sql) == wh.query(sql)
    # Another seed at half the scale: about half the rows, other values.
    half = Warehouse(tmp_path / "half.duckdb")
    counts = build_sample(half, scale=SCALE / 2, seed=1)
    full = one(wh, "SELECT count(*) FROM dossiers")
    assert 0.45 * full < counts["dossiers"] < 0.55 * full
    first = "SELECT list(applicant ORDER BY code) FROM (SELECT * FROM dossiers ORDER BY code LIMIT 50)"
    assert one(half, first) != one(wh, first)
    assert abs(full - 3_000_000 * SCALE) < 0.03 * 3_000_000 * SCALE
    assert 0.8 * 30_000 * SCALE < one(wh, "SELECT count(*) FROM feedback") < 1.2 * 30_000 * SCALE
    assert 0.8 * 18_000 * SCALE < one(wh, "SELECT count(*) FROM surveys") < 1.3 * 20_000 * SCALE


def test_units_names_levels_and_links(wh):
    units = wh.query("SELECT unit_id, name, name_key, level, parent_id, valid_from, valid_to, successor_id FROM units")
    by_id = {u[0]: u for u in units}
    levels = [u[3] for u in units]
    assert 18 <= levels.count("province") <= 25
    assert levels.count("district") == 11
    assert 240 <= levels.count("commune") <= 280
    for unit_id, name, name_key, level, parent_id, valid_from, valid_to, successor_id in units:
        assert infer_level(name) == level, name
        assert unit_id == unit_id_for(name) and name_key == fold(name)
        if successor_id:
            successor = by_id[successor_id]
            # The successor exists on the day after the old unit ends (new, or a surviving unit).
            day_after = valid_to + dt.timedelta(days=1)
            assert successor[3] == level and (successor[5] or day_after) <= day_after and successor[6] is None
        if level == "district":
            assert valid_to == dt.date(2025, 6, 30) and successor_id is None
        if level == "commune" and valid_from is None:  # old communes: under a district, merged on 01/07/2025
            assert by_id[parent_id][3] == "district"
            assert valid_to == dt.date(2025, 6, 30) and by_id[successor_id][5] == TWO_LEVEL_FROM
    new_communes = [u for u in units if u[3] == "commune" and u[5] == TWO_LEVEL_FROM]
    assert 85 <= len(new_communes) <= 100
    uid = unit_id_for
    assert uid("UBND phường Trấn Biên") in by_id and uid("UBND xã Phước An") in by_id
    assert by_id[uid("Sở Kế hoạch và Đầu tư")][7] == uid("Sở Tài chính")
    assert by_id[uid("Sở Giao thông vận tải")][7] == uid("Sở Xây dựng")
    assert by_id[uid("Sở Tài nguyên và Môi trường")][7] == uid("Sở Nông nghiệp và Môi trường")
    assert by_id[uid("Sở Tài chính")][6] is None  # the surviving department keeps going


def test_dossier_integrity(wh):
    row = wh.query("""
        SELECT count(*), count(DISTINCT code),
               count(*) FILTER (WHERE finished_at < received_at),
               count(*) FILTER (WHERE due_at < received_at OR due_date < received_date),
               count(*) FILTER (WHERE received_date <> received_at::DATE OR due_date <> due_at::DATE
                                OR finished_date <> finished_at::DATE),
               count(*) FILTER (WHERE received_date < DATE '2023-01-01' OR received_date > DATE '2025-12-31'),
               count(*) FILTER (WHERE finished_at > TIMESTAMP '2025-12-31 23:59:59'),
               count(*) FILTER (WHERE code NOT SIMILAR TO 'H26\\.[0-9]{2,3}-[0-9]{6}-[0-9]{6}'),
               count(*) FILTER (WHERE channel NOT IN ('online', 'direct', 'postal') OR applicant IS NULL
                                OR field IS NULL OR procedure IS NULL),
               count(DISTINCT batch_id)
        FROM dossiers
    """)[0]
    total, distinct, fin_before, due_before, date_mismatch, out_of_range, after_cutoff, bad_code, missing, batches = row
    assert total == distinct
    assert fin_before == due_before == date_mismatch == out_of_range == after_cutoff == bad_code == missing == 0
    assert batches == 1
    # Dossiers belong to a unit of the same level, valid on the received date.
    assert one(wh, """
        SELECT count(*) FROM dossiers d LEFT JOIN units u USING (unit_id)
        WHERE u.unit_id IS NULL OR u.level <> d.level
           OR d.received_date < coalesce(u.valid_from, DATE '1900-01-01')
           OR d.received_date > coalesce(u.valid_to, DATE '2999-12-31')
    """) == 0


def test_reform(wh):
    assert one(wh, "SELECT count(*) FROM dossiers WHERE level = 'district' AND received_date >= DATE '2025-07-01'") == 0
    # District dossiers still open at the switch are finished later.
    assert one(wh, "SELECT count(*) FROM dossiers WHERE level = 'district' AND finished_date >= DATE '2025-07-01'") > 0
    old_after = one(wh, """
        SELECT count(*) FROM dossiers d JOIN units u USING (unit_id)
        WHERE d.level = 'commune' AND d.received_date >= DATE '2025-07-01' AND u.valid_from IS DISTINCT FROM DATE '2025-07-01'
    """)
    assert old_after == 0
    assert one(wh, "SELECT count(*) FROM dossiers WHERE level = 'commune' AND received_date >= DATE '2025-07-01'") > 0
    assert one(wh, "SELECT count(*) FROM dossiers WHERE unit_id = 'so-ke-hoach-va-dau-tu' AND received_date >= DATE '2025-03-01'") == 0
    # After the reform a commune also handles former district procedures (land certificates).
    assert one(wh, """SELECT count(*) FROM dossiers WHERE level = 'commune' AND received_date >= DATE '2025-07-01'
                      AND procedure = 'Cấp giấy chứng nhận quyền sử dụng đất lần đầu'""") > 0


def test_every_rule_is_exercised(wh):
    row = wh.query("""
        SELECT count(*) FILTER (WHERE due_date IS NULL) / count(*),
               count(*) FILTER (WHERE due_date IS NULL AND finished_at IS NULL),
               count(*) FILTER (WHERE finished_date < due_date),
               count(*) FILTER (WHERE finished_date = due_date),
               count(*) FILTER (WHERE finished_date = due_date + 1 AND strftime(finished_at, '%H:%M') = '23:59'),
               count(*) FILTER (WHERE finished_date > due_date),
               count(*) FILTER (WHERE finished_at IS NULL),
               count(*) FILTER (WHERE finished_at IS NULL AND due_date < DATE '2025-12-31'),
               count(*) FILTER (WHERE finished_at IS NULL AND received_date < DATE '2025-10-01'),
               count(*) FILTER (WHERE (finished_date > due_date OR (finished_at IS NULL AND due_date < DATE '2025-12-31'))
                                AND apology),
               count(*) FILTER (WHERE (finished_date > due_date OR (finished_at IS NULL AND due_date < DATE '2025-12-31'))
                                AND NOT apology),
               count(DISTINCT rating), count(DISTINCT channel), count(DISTINCT status),
               count(*) FILTER (WHERE isodow(received_date) > 5) / count(*)
        FROM dossiers
    """)[0]
    (no_due_share, no_due_open, early, on_due, day_after, late, open_, open_late, open_old, apology, no_apology,
     ratings, channels, statuses, weekend) = row
    assert 0.01 < no_due_share < 0.04
    assert early > 0 and on_due > 0 and day_after > 0 and late > 0
    assert open_ > 0 and open_late > 0 and open_old < open_ / 2
    assert apology > 3 * no_apology > 0
    assert ratings == 4 and channels == 3 and statuses >= 3
    assert weekend < 0.05


def test_rates_plausible(wh):
    rates = {r[0]: r[1:] for r in wh.query("""
        SELECT level,
               count(*) FILTER (WHERE received_date BETWEEN '2024-01-01' AND '2024-12-31' AND digitized)
                 / count(*) FILTER (WHERE received_date BETWEEN '2024-01-01' AND '2024-12-31'),
               count(*) FILTER (WHERE finished_date BETWEEN '2024-01-01' AND '2024-12-31' AND e_result)
                 / count(*) FILTER (WHERE finished_date BETWEEN '2024-01-01' AND '2024-12-31'),
               count(*) FILTER (WHERE finished_date BETWEEN '2024-01-01' AND '2024-12-31'
                                AND (due_date IS NULL OR finished_date <= due_date))
                 / count(*) FILTER (WHERE finished_date BETWEEN '2024-01-01' AND '2024-12-31'),
               count(*) FILTER (WHERE rating >= 3) / count(rating),
               count(rating) / count(finished_at)
        FROM dossiers GROUP BY level
    """)}
    targets_dig = {"province": 0.70, "district": 0.40, "commune": 0.35}
    targets_e = {"province": 0.80, "district": 0.30, "commune": 0.20}
    for level, (dig, e_res, on_time, satisfied, rated) in rates.items():
        assert targets_dig[level] - 0.15 < dig < targets_dig[level] + 0.05, (level, dig)
        assert targets_e[level] - 0.12 < e_res < targets_e[level] + 0.10, (level, e_res)
        assert 0.96 < on_time < 0.999, (level, on_time)
        assert 0.94 < satisfied < 0.99, (level, satisfied)
        assert 0.55 < rated < 0.65, (level, rated)
    # Online share rises year over year.
    online = [r[0] for r in wh.query("""SELECT avg((channel = 'online')::INT) FROM dossiers
                                        GROUP BY year(received_date) ORDER BY year(received_date)""")]
    assert online[0] < online[1] < online[2]
    # Tết dip and year-end peak.
    months = dict(wh.query("SELECT month(received_date), count(*) FROM dossiers WHERE year(received_date) = 2024 GROUP BY 1"))
    assert months[2] < 0.8 * months[3] and months[12] > months[6]
    # A few units miss the on-time target, most meet it.
    unit_rates = [r[0] for r in wh.query("""
        SELECT avg((due_date IS NULL OR finished_date <= due_date)::INT) FROM dossiers
        WHERE finished_date BETWEEN '2024-01-01' AND '2024-12-31' AND level IN ('province', 'district')
        GROUP BY unit_id HAVING count(*) > 100
    """)]
    missing = sum(rate < 0.97 for rate in unit_rates)
    assert 1 <= missing <= len(unit_rates) // 3


def test_feedback_and_surveys(wh):
    handled, on_time, rated, satisfied, backlog, assumed, bad_due = wh.query("""
        SELECT count(handled_at), count(*) FILTER (WHERE handled_date <= due_date),
               count(rating), count(*) FILTER (WHERE rating >= 3),
               count(*) FILTER (WHERE handled_at IS NULL), count(*) FILTER (WHERE due_assumed),
               count(*) FILTER (WHERE due_date <= received_date OR handled_at < received_at)
        FROM feedback
    """)[0]
    assert 0.95 < on_time / handled < 0.995
    assert rated > 0.4 * handled and 0.88 < satisfied / rated < 0.99
    assert backlog > 0 and assumed == 0 and bad_due == 0
    # Backlog only at the end of the data.
    assert one(wh, "SELECT count(*) FROM feedback WHERE handled_at IS NULL AND received_date < DATE '2025-11-01'") == 0
    walk_in, linked, linked_rated, unknown = wh.query("""
        SELECT count(*) FILTER (WHERE dossier_code IS NULL), count(dossier_code),
               count(*) FILTER (WHERE d.rating IS NOT NULL),
               count(*) FILTER (WHERE s.dossier_code IS NOT NULL AND d.code IS NULL)
        FROM surveys s LEFT JOIN dossiers d ON d.code = s.dossier_code
    """)[0]
    assert walk_in > 5 * linked and 0 < linked_rated < linked and unknown == 0
    assert one(wh, "SELECT count(DISTINCT code) = count(*) FROM surveys")
    assert one(wh, "SELECT count(DISTINCT code) = count(*) FROM feedback")


def test_batch_row(wh):
    batch = wh.query("SELECT batch_id, file_name, kind, status, rows_loaded, started_at, finished_at FROM load_batches")
    assert len(batch) == 1
    batch_id, file_name, kind, status, rows_loaded, started_at, finished_at = batch[0]
    assert (file_name, kind, status) == ("sample", "sample", "loaded") and started_at <= finished_at
    total = one(wh, "SELECT (SELECT count(*) FROM dossiers) + (SELECT count(*) FROM feedback) + (SELECT count(*) FROM surveys)")
    assert rows_loaded == total
    for table in ("dossiers", "feedback", "surveys"):
        assert one(wh, f"SELECT count(*) FROM {table} WHERE batch_id IS DISTINCT FROM {batch_id}") == 0


def test_sorted_by_received_date(wh):
    # Physical order follows received_date, so DuckDB zone maps prune date filters.
    assert one(wh, """
        SELECT count(*) FROM (SELECT received_date, lag(received_date) OVER (ORDER BY rowid) AS prev FROM dossiers)
        WHERE received_date < prev
    """) == 0


def test_cli_refuses_then_forces(tmp_path, capsys):
    path = tmp_path / "cli.duckdb"
    args = argparse.Namespace(db=str(path), scale=0.005, force=False)
    assert is_empty(Warehouse(path))
    assert cmd_sample(args) == 0
    first = Warehouse(path).query(CHECKSUM)
    assert "hồ sơ" in capsys.readouterr().out
    assert cmd_sample(args) == 2
    assert "--force" in capsys.readouterr().err
    assert not ensure_sample(Warehouse(path))
    args.force = True
    assert cmd_sample(args) == 0
    wh = Warehouse(path)
    assert wh.query(CHECKSUM) == first
    assert one(wh, "SELECT count(*) FROM load_batches") == 1
    assert not is_empty(wh)

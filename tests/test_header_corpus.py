"""Header recognition measured on a corpus of real-world wordings (tests/corpus/headers.csv).

Each row: a header wording (``group|sub`` for a two-row merged header), the file kind, the field it
means (empty: it must map to nothing), whether it is held out (written before the rules and never
tuned against), and where the wording comes from. The test prints the recognition rate on the
designed and held-out rows and the false matches, and holds them to thresholds.

``held_out``: 0 designed (the rules were written from these), 1 the first held-out set, 2 a second
held-out set written later from research (national portal sync field names DongBoHoSoMC / LayThuTuc /
LayDanhMucCoQuan in OpenCPS's DVCQG integration, one-stop systems' field names and grids seen in
public code, PAKN exports, all-caps / no-diacritics / snake_case / line-break-and-number / English
vendor headers), measured before any rule was changed for it:

    before (rules as landed): designed 273/273 (100%), 0/51 false matches;
    held-out-1 104/117 (88.9%), 1 wrong field, 1/10 false matches ("Hạn mức");
    held-out-2 110/121 (90.9%), 1 wrong field, 3/20 false matches ("Mã tình trạng", "Số lần phản ánh",
    "Hạn mức thanh toán").

    after (etl/concepts.py: receipt / slip / "số hiệu" as code words, "người đề nghị / yêu cầu" and a
    citizen's or business's name as applicant, "phản hồi" as a reply, "lấy ý kiến" as a survey, the one-stop
    section as a unit, "XL" after phiếu/thư as xin lỗi, run-together capitals split into known words,
    a few English words read as Vietnamese concepts, a finish date "theo quy định" as the deadline,
    limits ("hạn mức") and counts ("số lần", "tổng") and signing ("ngày ký") as near-misses):
    designed 273/273 (100%), 0/51; held-out-1 117/117 (100%), 0/10; held-out-2 121/121 (100%), 0/20.

    held-out-3 (41 wordings + 10 negatives, written after those changes): old rules 37/41 (90.2%), 1 wrong
    field, 2/10 false matches; new rules 39/41 (95.1%), 0 wrong, 1/10 false ("Ngày ký kết quả"), then
    fixed by the "ký" near-miss (so 0/10 is tuned). Misses left: "Application No.", "Số hóa kết quả".
"""
from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from etl.concepts import MAYBE
from etl.headers import candidate_columns

CORPUS = Path(__file__).parent / "corpus" / "headers.csv"
# Floors at what was measured (see the module docstring): a rule change that loses a wording fails here.
# Held-out-3 was written after the rule changes and is the untuned figure of how the rules generalise.
MIN_RATE = {0: 1.0, 1: 0.99, 2: 0.99, 3: 0.95}
SET_NAMES = {0: "designed", 1: "held-out-1", 2: "held-out-2", 3: "held-out-3"}


@dataclass(frozen=True)
class Case:
    wording: str
    kind: str
    field: str
    held_out: int               # 0 designed, 1 / 2 the held-out sets
    source: str


def load_corpus() -> list[Case]:
    with CORPUS.open(encoding="utf-8") as handle:
        return [Case(r["wording"], r["kind"], r["field"], int(r["held_out"]), r["source"])
                for r in csv.DictReader(handle)]


def recognise(wording: str, kind: str) -> str:
    """The field a header alone is mapped to ('' for none), read as a one- or two-row header."""
    if "|" in wording:
        group, sub = wording.split("|")
        column = candidate_columns(pd.DataFrame([[group], [sub]]), 0, True)[0]
    else:
        column = candidate_columns(pd.DataFrame([[wording]]), 0, False)[0]
    found = column.field_scores(kind)
    if not found:
        return ""
    name, score = max(found.items(), key=lambda pair: pair[1])
    return name if score >= MAYBE else ""


def measure(cases: list[Case]) -> dict:
    positives = [c for c in cases if c.field]
    negatives = [c for c in cases if not c.field]
    right = [c for c in positives if recognise(c.wording, c.kind) == c.field]
    wrong_field = [c for c in positives if recognise(c.wording, c.kind) not in ("", c.field)]
    false_matches = [c for c in negatives if recognise(c.wording, c.kind)]
    return {"positives": len(positives), "recognised": len(right), "rate": len(right) / len(positives),
            "wrong_field": wrong_field, "negatives": len(negatives), "false_matches": false_matches,
            "missed": [c for c in positives if c not in right]}


def test_corpus_has_at_least_15_wordings_per_dossier_field_and_held_out_rows():
    cases = load_corpus()
    per_field: dict[str, int] = {}
    for c in cases:
        if c.field:
            per_field[c.field] = per_field.get(c.field, 0) + 1
    assert min(per_field.values()) >= 15, per_field
    assert sum(c.held_out == 1 for c in cases) >= 100
    second = [c for c in cases if c.held_out == 2]
    assert sum(bool(c.field) for c in second) >= 80 and sum(not c.field for c in second) >= 15
    assert sum(not c.field for c in cases) >= 40


def test_recognition_rate_and_false_matches(capsys):
    cases = load_corpus()
    results = {held: measure([c for c in cases if c.held_out == held]) for held in SET_NAMES}
    with capsys.disabled():
        for held, m in results.items():
            print(f"\n[header corpus] {SET_NAMES[held]}: {m['recognised']}/{m['positives']} recognised "
                  f"({m['rate']:.1%}), {len(m['wrong_field'])} mapped to another field, "
                  f"{len(m['false_matches'])}/{m['negatives']} negatives falsely matched")
            for c in m["missed"] + m["false_matches"]:
                print(f"    {c.kind}/{c.field or '-'}: {c.wording!r} → {recognise(c.wording, c.kind) or '-'}")
    for held, m in results.items():
        assert m["rate"] >= MIN_RATE[held], (SET_NAMES[held], m["missed"])
        assert m["false_matches"] == [] and m["wrong_field"] == [], SET_NAMES[held]


def test_normalize_splits_run_together_capitals_and_keeps_prescribed_finish():
    from etl.concepts import normalize, scores
    assert normalize("TENDONVI") == "ten don vi"
    assert normalize("CAPDONVI") == "cap don vi"
    assert normalize("TENTTHC") == "ten thu tuc hanh chinh"
    assert normalize("Digitized") == "digitized"            # a known word is never split
    assert normalize("Phiếu XL") == "phieu xin loi" and normalize("Hạn XL") == "han xu ly"
    assert scores("NgayKetThucTheoQuyDinh", "dossiers")[0][0] == "due_at"
    assert scores("Ngày kết thúc", "dossiers")[0][0] == "finished_at"
    assert scores("Kết quả xử lý", "feedback") == ()          # the result's text, not a date
    assert scores("Ngày có kết quả xử lý", "feedback")[0][0] == "handled_at"

"""Fuzzing the loader with mutated real exports: byte flips, truncation, broken/deep/huge XML, far
cells, wrong extensions, random sheets and cells, mangled CSV lines and encodings.

A fixed seed and a bounded count. The files go through ``python -m etl load`` in batches (one
command per batch, a fresh warehouse each) and for each the test asserts: exit 0, 2 or 3 (the worst
of its files), no traceback and nothing but our own messages on stderr, bounded time and memory,
one batch row per file, and a warehouse that holds exactly what the batches say they loaded:
a refused file leaves nothing, a loaded one its rows and rejects, never half of them.
"""
from __future__ import annotations

import io
import random
import re
import zipfile

import pytest

from etl.load import history
from kpi.warehouse.db import Warehouse
from tests import hostile_files as H
from tests.fixtures_etl import Traits, make_rows, write_messy

SEED = 20261202
CASES = 200
BATCH = 40
BATCH_SECONDS = 90
PARALLEL = 2  # two commands at a time: the machine has two cores
PEAK_MB = 1536
TABLES = {"dossiers": ("dossiers", "dossiers_replaced"), "feedback": ("feedback", "feedback_replaced"),
          "survey": ("surveys", "surveys_replaced")}
# Our own stderr lines: a refusal, a busy/unwritable warehouse. Anything else is a leak.
OWN_LINE = re.compile(r"^.*: (BỊ TỪ CHỐI|KHÔNG NẠP ĐƯỢC) — .+$")


@pytest.fixture(scope="module")
def bases(tmp_path_factory) -> list[tuple[str, bytes]]:
    return make_bases(tmp_path_factory.mktemp("fuzz_bases"))


def make_bases(d) -> list[tuple[str, bytes]]:
    """The real exports the mutants start from: (suffix, bytes)."""
    files = [
        write_messy(d / "mot_cua.xlsx", make_rows(30), Traits(title_rows=2, two_row_header=True, footer=True,
                                                                extra_columns=True, date_style="mixed")),
        write_messy(d / "bia.xlsx", make_rows(25, seed=2), Traits(cover_sheet=True, with_level=True)),
        write_messy(d / "cu.xls", make_rows(25, seed=3), Traits(title_rows=1)),
        write_messy(d / "mot_cua.csv", make_rows(25, seed=4), Traits(footer=True)),
        write_messy(d / "pakn.xlsx", make_rows(20, "feedback", seed=5)),
    ]
    from tests.fixtures_etl import write_csv
    files.append(write_csv(d / "windows.csv", make_rows(20, seed=6), Traits(), encoding="cp1258", sep=","))
    return [(path.suffix, path.read_bytes()) for path in files]


# -- mutators: (rng, suffix, data) -> (suffix, data) ----------------------------------------------

def flip(rng, suffix, data):
    out = bytearray(data)
    for _ in range(rng.randint(1, 24)):
        out[rng.randrange(len(out))] ^= 1 << rng.randrange(8)
    return suffix, bytes(out)


def truncate(rng, suffix, data):
    return suffix, data[: rng.randrange(1, len(data))]


def wrong_extension(rng, suffix, data):
    return rng.choice([s for s in (".xlsx", ".xls", ".csv", ".txt", ".XLSX") if s != suffix]), data


def _members(data):
    archive = zipfile.ZipFile(io.BytesIO(data))
    return archive, [i for i in archive.infolist() if i.filename.endswith(".xml") or i.filename.endswith(".rels")]


def _rezip(data, change):
    """Apply ``change(name, bytes) -> bytes | None`` (None drops the member) to every member; recompress."""
    archive = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in archive.infolist():
            changed = change(info.filename, archive.read(info.filename))
            if changed is not None:
                target.writestr(info.filename, changed)
    return out.getvalue()


def xml_noise(rng, suffix, data):
    """A valid zip whose XML is broken: bytes flipped, tags cut, junk inserted in one member."""
    if suffix != ".xlsx":
        return flip(rng, suffix, data)
    _, members = _members(data)
    victim = rng.choice(members).filename

    def change(name, body):
        if name != victim:
            return body
        body = bytearray(body)
        for _ in range(rng.randint(1, 12)):
            at = rng.randrange(max(1, len(body)))
            op = rng.randrange(3)
            if op == 0:
                body[at:at + rng.randint(1, 40)] = b""
            elif op == 1:
                body[at:at] = rng.choice([b"<", b">", b'"', b"&", b"<c r=\"A1\">", b"</row>", b"\x00", b"&#0;", b"]]>"])
            else:
                body[at] ^= 1 << rng.randrange(8)
        return bytes(body)

    return suffix, _rezip(data, change)


def xml_deep(rng, suffix, data):
    if suffix != ".xlsx":
        return truncate(rng, suffix, data)
    depth = rng.choice([1_000, 100_000, 1_000_000])
    deep = b"<r>" * depth + b"<t>x</t>" + b"</r>" * depth
    cell = b'<row r="999"><c r="A999" t="inlineStr"><is>' + deep + b"</is></c></row>"
    return suffix, _rezip(data, lambda n, b: b.replace(b"</sheetData>", cell + b"</sheetData>", 1) if "sheet" in n and "worksheets" in n else b)


def xml_huge_text(rng, suffix, data):
    if suffix != ".xlsx":
        return csv_lines(rng, suffix, data)
    size = rng.choice([40_000, 3_000_000])
    cell = b'<row r="998"><c r="B998" t="inlineStr"><is><t>' + b"a" * size + b"</t></is></c></row>"
    return suffix, _rezip(data, lambda n, b: b.replace(b"</sheetData>", cell + b"</sheetData>", 1) if "worksheets" in n else b)


def far_reference(rng, suffix, data):
    if suffix != ".xlsx":
        return wrong_extension(rng, suffix, data)
    column = rng.choice(["XFD", "CV", "ALM", "AZ", "Z"])
    row = rng.choice([1_048_576, 500_000, 70_000, 2_000])
    cell = f'<row r="{row}"><c r="{column}{row}"><v>1</v></c></row>'.encode()
    lie = rng.random() < 0.5

    def change(name, body):
        if "worksheets" not in name:
            return body
        body = body.replace(b"</sheetData>", cell + b"</sheetData>", 1)
        return re.sub(rb'<dimension ref="[^"]*"\s*/>', b'<dimension ref="A1:C3"/>', body) if lie else body

    return suffix, _rezip(data, change)


def zip_members(rng, suffix, data):
    if suffix != ".xlsx":
        return flip(rng, suffix, data)
    _, members = _members(data)
    victim = rng.choice(members).filename
    op = rng.randrange(3)
    if op == 0:
        return suffix, _rezip(data, lambda n, b: None if n == victim else b)
    if op == 1:
        return suffix, _rezip(data, lambda n, b: b"" if n == victim else b)
    return suffix, _rezip(data, lambda n, b: b + b"<junk>" * rng.randint(1, 5000) if n == victim else b)


def random_cells(rng, suffix, data):
    """openpyxl writes random values into random cells around (and sometimes far from) the table."""
    if suffix != ".xlsx":
        return csv_lines(rng, suffix, data)
    import openpyxl

    workbook = openpyxl.load_workbook(io.BytesIO(data))
    sheet = workbook.worksheets[-1]
    junk = ["", " ", "=1+1", "=cmd|' /C calc'!A0", "Mã hồ sơ", "Ngày tiếp nhận", "31/02/2024", "99/99/9999",
            "-1", "1e308", "NaN", "\u202e", "\x1b[31m", "Tổng cộng", "Ý" * rng.randint(1, 3000), 0, 1.5, -7,
            45000.5, 10 ** 15, True]
    for _ in range(rng.randint(1, 60)):
        row = rng.choice([rng.randint(1, 40), rng.randint(1, 300)])
        col = rng.choice([rng.randint(1, 20), rng.randint(1, 60)])
        value = rng.choice(junk)
        if isinstance(value, str):
            value = "".join(ch for ch in value if ch >= " " or ch == "\t") or None
        sheet.cell(row=row, column=col, value=value)
    out = io.BytesIO()
    workbook.save(out)
    return suffix, out.getvalue()


def random_sheets(rng, suffix, data):
    if suffix != ".xlsx":
        return truncate(rng, suffix, data)
    import openpyxl

    workbook = openpyxl.load_workbook(io.BytesIO(data))
    for index in range(rng.randint(1, 12)):
        sheet = workbook.create_sheet(f"Trang {index}", rng.randint(0, len(workbook.worksheets)))
        for _ in range(rng.randint(0, 30)):
            sheet.cell(row=rng.randint(1, 50), column=rng.randint(1, 15), value=rng.choice(
                ["Mã hồ sơ", "Cơ quan tiếp nhận", "x", 1, "Ngày hẹn trả", "01/01/2024"]))
    out = io.BytesIO()
    workbook.save(out)
    return suffix, out.getvalue()


def csv_lines(rng, suffix, data):
    """Lines deleted, duplicated, swapped; separators, quotes, NULs and long runs inserted."""
    if suffix not in (".csv",):
        return flip(rng, suffix, data)
    lines = data.split(b"\n")
    for _ in range(rng.randint(1, 10)):
        at = rng.randrange(len(lines))
        op = rng.randrange(6)
        if op == 0:
            del lines[at]
        elif op == 1:
            lines.insert(at, lines[rng.randrange(len(lines))])
        elif op == 2:
            lines[at] = lines[at].replace(b";", rng.choice([b",", b"\t", b";;", b'";"']), rng.randint(1, 3))
        elif op == 3:
            lines[at] = lines[at] + rng.choice([b'"', b"\x00", b"\r", b";" * rng.randint(1, 2000), b"x" * 300_000])
        elif op == 4:
            lines[at] = b'"' + lines[at]
        else:
            lines[at] = rng.randbytes(rng.randint(1, 200))
        if not lines:
            lines = [b""]
    return suffix, b"\n".join(lines)


def reencode(rng, suffix, data):
    if suffix != ".csv":
        return wrong_extension(rng, suffix, data)
    text = data.decode("utf-8-sig", errors="replace")
    encoding = rng.choice(["utf-16", "utf-16-le", "utf-32", "cp1258", "latin-1", "utf-8"])
    return suffix, text.encode(encoding, errors="replace")


MUTATORS = [flip, truncate, wrong_extension, xml_noise, xml_deep, xml_huge_text, far_reference, zip_members,
            random_cells, random_sheets, csv_lines, reencode]


def _apply(mutate, rng, suffix, data):
    """A structural mutator needs a readable zip/workbook; on one already broken it flips bytes instead."""
    try:
        return mutate(rng, suffix, data)
    except Exception:  # noqa: BLE001 — zipfile/openpyxl refusing an earlier mutant
        return flip(rng, suffix, data)


def corpus(bases, directory) -> list:
    rng = random.Random(SEED)
    paths = []
    for index in range(CASES):
        mutate = MUTATORS[index % len(MUTATORS)]
        suffix, data = rng.choice(bases)
        suffix, data = _apply(mutate, rng, suffix, data)
        if rng.random() < 1 / 3:  # a second, random mutation on top
            suffix, data = _apply(rng.choice(MUTATORS), rng, suffix, data)
        path = directory / f"{index:03d}-{mutate.__name__}{suffix}"
        path.write_bytes(data or b"\n")
        paths.append(path)
    return paths


def _expected_code(batches) -> int:
    if any(b["status"] == "refused" for b in batches):
        return 2
    return 3 if any(b["rows_rejected"] for b in batches) else 0


def _check_warehouse(wh: Warehouse, batches: list[dict]) -> None:
    """The warehouse holds exactly what the batch rows say: refused batches left nothing, loads whole."""
    refused = [b["id"] for b in batches if b["status"] == "refused"]
    loaded = [b for b in batches if b["status"] == "loaded"]
    for kind, (table, replaced) in TABLES.items():
        of_kind = [b for b in loaded if b["kind"] == kind]
        assert wh.query(f"SELECT count(*) FROM {table}")[0][0] == sum(b["rows_new"] for b in of_kind), kind
        assert wh.query(f"SELECT count(*) FROM {replaced}")[0][0] == sum(b["rows_updated"] for b in of_kind), kind
        if refused:
            assert wh.query(f"SELECT count(*) FROM {table} WHERE batch_id IN (SELECT unnest(?::BIGINT[]))",
                            [refused])[0][0] == 0
    rejected = dict(wh.query("SELECT batch_id, count(DISTINCT row_number) FROM rejected_rows GROUP BY batch_id"))
    assert set(rejected) <= {b["id"] for b in loaded}
    for b in loaded:  # rows dropped as a duplicate code are listed with the rejects but counted as duplicates
        assert b["rows_rejected"] <= rejected.get(b["id"], 0) <= b["rows_rejected"] + b["duplicates"], b
    for b in loaded:
        assert b["rows_loaded"] == b["rows_new"] + b["rows_updated"] + b["rows_unchanged"], b
        assert b["rows_loaded"] + b["rows_rejected"] <= b["rows_read"], b


def _run_batch(directory, start: int, chunk: list) -> dict:
    db = directory / f"w{start}.duckdb"
    return {"db": db, "chunk": chunk, **H.run_load(chunk, db, timeout=BATCH_SECONDS * 2)}


def test_mutated_exports_never_crash_the_loader_nor_half_load(bases, tmp_path):
    from concurrent.futures import ThreadPoolExecutor

    paths = corpus(bases, tmp_path)
    chunks = [(start, paths[start:start + BATCH]) for start in range(0, len(paths), BATCH)]
    with ThreadPoolExecutor(PARALLEL) as pool:
        runs = list(pool.map(lambda job: _run_batch(tmp_path, *job), chunks))
    outcomes = {"loaded": 0, "refused": 0}
    for run in runs:
        assert run["code"] in (0, 2, 3), run
        # A hang is caught by run_load's timeout (2 × BATCH_SECONDS); wall time itself is a benchmark's business
        # (bench/hostile.py), not an assertion that fails on a loaded machine.
        assert run["peak_mb"] < PEAK_MB, (run["seconds"], run["peak_mb"])
        assert "Traceback" not in run["stderr"], run["stderr"][-3000:]
        leaks = [line for line in run["stderr"].splitlines() if line.strip() and not OWN_LINE.match(line)]
        assert not leaks, leaks[:5]
        wh = Warehouse(run["db"])
        batches = list(reversed(history(wh)))
        assert [b["file"] for b in batches] == [p.name for p in run["chunk"]]
        assert run["code"] == _expected_code(batches), (run["code"], [(b["file"], b["status"]) for b in batches])
        _check_warehouse(wh, batches)
        for b in batches:
            outcomes[b["status"]] += 1
    # The corpus exercises both sides: some mutants still load, many are refused.
    assert outcomes["loaded"] >= CASES // 10 and outcomes["refused"] >= CASES // 10, outcomes

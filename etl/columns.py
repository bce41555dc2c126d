"""Every column of a file accounted for: what each became (and how sure), what the file lacks.

Shared by the CLI load summary (etl/cli.py) and the upload preview (pages/upload.py), from
the ``etl.headers.Verdict`` list a load or an inspection carries. Nothing here writes.
"""
from __future__ import annotations

from etl.headers import FIELDS
from kpi.text import quality as quality_text

# Optional fields whose absence changes a KPI (stated first, in this order).
KPI_FIELDS = ("digitized", "e_result", "channel", "rating", "apology", "due_at")


def _note(kind: str, verdict) -> str:
    kind_fields = FIELDS[kind]
    if verdict.note == "manual":
        return quality_text.NOTE_MANUAL
    if verdict.note.startswith("tie:"):
        return quality_text.NOTE_TIE.format(other=verdict.note[4:])
    if verdict.note.startswith("near:") and verdict.note[5:] in kind_fields:
        return quality_text.NOTE_NEAR.format(field=kind_fields[verdict.note[5:]].label)
    return ""


def column_rows(kind: str, verdicts: list) -> list[dict]:
    """One row per source column: header, field label (or 'not used'), confidence word, note."""
    if not verdicts:  # a format without mapped columns (Biểu 06, portal scores)
        return []
    labels = {name: spec.label for name, spec in FIELDS[kind].items()}
    return [{quality_text.COLUMN_HEAD: v.label,
             quality_text.FIELD_HEAD: labels.get(v.field, quality_text.IGNORED_FIELD) if v.field else quality_text.IGNORED_FIELD,
             quality_text.CONFIDENCE_HEAD: quality_text.CONFIDENCE[v.confidence],
             quality_text.NOTE_HEAD: _note(kind, v)} for v in verdicts]


def absent_sentences(kind: str, absent: list[str]) -> list[str]:
    """'tệp không có cột Kết quả điện tử: tỷ lệ KQĐT … chưa có dữ liệu', KPI-bearing fields first."""
    order = sorted(absent, key=lambda n: (KPI_FIELDS.index(n) if n in KPI_FIELDS else len(KPI_FIELDS), n))
    return [quality_text.ABSENT_SENTENCE.format(label=FIELDS[kind][name].label,
                                     consequence=quality_text.ABSENT_CONSEQUENCE.get((kind, name), quality_text.ABSENT_DEFAULT))
            for name in order if name in FIELDS[kind]]


def summary_lines(kind: str, verdicts: list, absent: list[str]) -> list[str]:
    """The CLI's lines: each column and what it became, then what the file lacks."""
    lines = [quality_text.CLI_COLUMNS] if verdicts else []
    for row in column_rows(kind, verdicts):
        note = f" — {row[quality_text.NOTE_HEAD]}" if row[quality_text.NOTE_HEAD] else ""
        if row[quality_text.FIELD_HEAD] == quality_text.IGNORED_FIELD:
            lines.append(quality_text.CLI_IGNORED_LINE.format(column=row[quality_text.COLUMN_HEAD], note=note))
        else:
            lines.append(quality_text.CLI_COLUMN_LINE.format(column=row[quality_text.COLUMN_HEAD], field=row[quality_text.FIELD_HEAD],
                                                  confidence=row[quality_text.CONFIDENCE_HEAD], note=note))
    lines += [quality_text.CLI_ABSENT_LINE.format(sentence=s) for s in absent_sentences(kind, absent)]
    return lines

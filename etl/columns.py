"""Every column of a file accounted for: what each became (and how sure), what the file lacks.

Shared by the CLI load summary (etl/cli.py) and the upload preview (pages/upload.py), from
the ``etl.headers.Verdict`` list a load or an inspection carries. Nothing here writes.
"""
from __future__ import annotations

from etl.headers import FIELDS
from kpi import text_quality as T

# Optional fields whose absence changes a KPI (stated first, in this order).
KPI_FIELDS = ("digitized", "e_result", "channel", "rating", "apology", "due_at")


def _note(kind: str, verdict) -> str:
    kind_fields = FIELDS[kind]
    if verdict.note == "manual":
        return T.NOTE_MANUAL
    if verdict.note.startswith("tie:"):
        return T.NOTE_TIE.format(other=verdict.note[4:])
    if verdict.note.startswith("near:") and verdict.note[5:] in kind_fields:
        return T.NOTE_NEAR.format(field=kind_fields[verdict.note[5:]].label)
    return ""


def column_rows(kind: str, verdicts: list) -> list[dict]:
    """One row per source column: header, field label (or 'not used'), confidence word, note."""
    labels = {name: spec.label for name, spec in FIELDS[kind].items()}
    return [{T.COLUMN_HEAD: v.label,
             T.FIELD_HEAD: labels.get(v.field, T.IGNORED_FIELD) if v.field else T.IGNORED_FIELD,
             T.CONFIDENCE_HEAD: T.CONFIDENCE[v.confidence],
             T.NOTE_HEAD: _note(kind, v)} for v in verdicts]


def absent_sentences(kind: str, absent: list[str]) -> list[str]:
    """'tệp không có cột Kết quả điện tử: tỷ lệ KQĐT … chưa có dữ liệu', KPI-bearing fields first."""
    order = sorted(absent, key=lambda n: (KPI_FIELDS.index(n) if n in KPI_FIELDS else len(KPI_FIELDS), n))
    return [T.ABSENT_SENTENCE.format(label=FIELDS[kind][name].label,
                                     consequence=T.ABSENT_CONSEQUENCE.get((kind, name), T.ABSENT_DEFAULT))
            for name in order if name in FIELDS[kind]]


def summary_lines(kind: str, verdicts: list, absent: list[str]) -> list[str]:
    """The CLI's lines: each column and what it became, then what the file lacks."""
    lines = [T.CLI_COLUMNS] if verdicts else []
    for row in column_rows(kind, verdicts):
        note = f" — {row[T.NOTE_HEAD]}" if row[T.NOTE_HEAD] else ""
        if row[T.FIELD_HEAD] == T.IGNORED_FIELD:
            lines.append(T.CLI_IGNORED_LINE.format(column=row[T.COLUMN_HEAD], note=note))
        else:
            lines.append(T.CLI_COLUMN_LINE.format(column=row[T.COLUMN_HEAD], field=row[T.FIELD_HEAD],
                                                  confidence=row[T.CONFIDENCE_HEAD], note=note))
    lines += [T.CLI_ABSENT_LINE.format(sentence=s) for s in absent_sentences(kind, absent)]
    return lines

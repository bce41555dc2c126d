"""The meeting slide (and so the PDF pack page) of the plan's non-data targets: each figure entered by
hand against its target, with its "nhập tay" provenance (kpi.tracking.manual). No slide when the year
has no such target and the period no such figure."""
from __future__ import annotations

from kpi.measures import targets as targets_mod
from kpi.measures.filters import Scope
from kpi.measures.periods import Period
from kpi.reports.slides import Slide
from kpi.text import tracking as tracking_text, verdict as verdict_text, vi
from kpi.tracking import manual
from kpi.warehouse.db import Warehouse

JUDGED = (targets_mod.MET, targets_mod.NOT_MET)


def table_rows(figures: list[manual.Figure]) -> list[list[str]]:
    """One row per figure: indicator, result, target, verdict in words (with its mark), provenance."""
    rows = []
    for fig in figures:
        mark = verdict_text.STATUS_MARKS.get(fig.status)
        words = "—" if fig.status == manual.NO_TARGET else verdict_text.STATUS_LABELS.get(fig.status, "")
        rows.append([fig.label, fig.value_text(), fig.target.phrase() if fig.target else tracking_text.MANUAL_NO_TARGET,
                     f"{mark} {words}" if mark else words, fig.provenance() or tracking_text.PROVENANCE_WORD])
    return rows


def narrative_text(figures: list[manual.Figure]) -> str:
    judged = [f for f in figures if f.status in JUDGED]
    missed = [f.label for f in judged if f.status == targets_mod.NOT_MET]
    text = tracking_text.MANUAL_SLIDE_NARRATIVE.format(met=vi.num(len(judged) - len(missed)), judged=vi.num(len(judged)))
    if missed:
        text += tracking_text.MANUAL_SLIDE_MISSED.format(names="; ".join(missed))
    missing = sum(1 for f in figures if f.numerator is None)
    if missing:
        text += tracking_text.MANUAL_SLIDE_MISSING.format(n=vi.num(missing))
    return text


def manual_slide(wh: Warehouse, period: Period, scope: Scope | None, scope_label: str) -> Slide | None:
    figures = manual.figures(wh, period, scope)
    if not figures:
        return None
    judged = [f for f in figures if f.status in JUDGED]
    met = sum(1 for f in judged if f.status == targets_mod.MET)
    status = (targets_mod.NO_DATA if not judged else targets_mod.MET if met == len(judged) else targets_mod.NOT_MET)
    return Slide(key="manual", kind="manual", title=tracking_text.MANUAL_SECTION_TITLE,
                 headline=f"{met}/{len(judged)}", headline_label=tracking_text.MANUAL_SLIDE_HEADLINE,
                 subtitle=" · ".join([period.label, scope_label, tracking_text.PROVENANCE_WORD]),
                 narrative=narrative_text(figures), status=status,
                 table={"columns": list(tracking_text.MANUAL_COLUMNS), "rows": table_rows(figures),
                        "widths": [0.28, 0.17, 0.11, 0.13, 0.31]},
                 data={"figures": [{"key": f.key, "numerator": f.numerator, "denominator": f.denominator,
                                    "status": f.status} for f in figures]})

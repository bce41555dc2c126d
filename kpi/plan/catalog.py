"""Which plan sentence names which target: keyword rules over the folded sentence (``kpi.text.normalize.fold``).

A rule is (kind, key, groups): every group must occur, by any of its words. ``data`` rules name a KPI
of ``kpi.measures.metrics.KPIS`` (the keys of ``kpi summary``); ``manual`` rules name a target without
dossier data behind it, entered by hand per period (labels in ``kpi.text.plan.MANUAL_LABELS``), with
the level the plan means (DOMAIN §5). The first rule that matches wins, so the narrow ones come first:
"giảm 20% thông tin phải khai báo … đã được số hóa" is about declared information, not digitization.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from kpi.text.normalize import fold


@dataclass(frozen=True)
class Rule:
    kind: str            # "data" | "manual"
    key: str
    groups: tuple[tuple[str, ...], ...]
    level: str = "all"   # manual targets: the level the plan means

    def matches(self, folded: str) -> bool:
        return all(any(word in folded for word in group) for group in self.groups)


_ONE_STOP = ("bo phan mot cua", "bpmc")
RULES: tuple[Rule, ...] = (
    Rule("manual", "declared_info_reduced", (("thong tin phai khai bao", "thong tin khai bao"),), "province"),
    Rule("manual", "tthc_simplification_recommended", (("don gian hoa",),), "province"),
    Rule("manual", "internal_tthc_reviewed", (("tthc noi bo", "thu tuc hanh chinh noi bo"),), "province"),
    Rule("manual", "e_process_configured", (("quy trinh dien tu",),), "all"),
    Rule("manual", "tthc_posted_at_desk", (("niem yet",),), "all"),
    Rule("manual", "one_stop_regulations", (_ONE_STOP, ("quy che",)), "all"),
    Rule("manual", "one_stop_evaluated", (_ONE_STOP, ("giam sat", "danh gia")), "all"),
    Rule("manual", "tthc_on_one_stop_software", (("phan mem mot cua",),), "all"),
    Rule("manual", "tthc_announced_on_time", (("ban hanh kip thoi", "cong bo kip thoi"),), "province"),
    Rule("data", "e_result_rate", (("ban dien tu", "ket qua dien tu"),)),
    Rule("data", "pakn_satisfaction_rate", (("pakn", "phan anh"), ("hai long",))),
    Rule("data", "pakn_on_time_rate", (("pakn", "phan anh"), ("dung han", "kip thoi", "xu ly"))),
    Rule("data", "satisfaction_rate", (("hai long",),)),
    Rule("data", "digitization_rate", (("so hoa",),)),
    Rule("data", "online_rate", (("truc tuyen",), ("ho so",))),
    Rule("manual", "tthc_published_on_time", (("cong khai", "cong bo"), ("tthc", "thu tuc hanh chinh")), "province"),
    Rule("data", "on_time_rate", (("dung han", "truoc han"), ("ho so", "giai quyet"))),
)

# Level words, looked for in the words right after a percentage (then before it, when the sentence
# has one percentage): "70% … tại Trung tâm Phục vụ hành chính công tỉnh, 40% … cấp huyện, 35% ở cấp xã".
_LEVEL_WORDS = (
    ("all", re.compile(r"\bcác cấp\b|\btất cả\b|\bba cấp\b|\b3 cấp\b")),
    ("commune", re.compile(r"\bxã\b")),
    ("district", re.compile(r"\bhuyện\b")),
    ("province", re.compile(r"\btỉnh\b|\bcấp sở\b|\bsở\b|trung tâm phục vụ")),
)


def classify(sentence: str) -> Rule | None:
    """The first rule the sentence matches, or None."""
    folded = fold(sentence)
    return next((rule for rule in RULES if rule.matches(folded)), None)


def level_in(words: str) -> str | None:
    """The level a stretch of a sentence names first (by position), or None."""
    text = words.lower()
    found = [(m.start(), level) for level, pattern in _LEVEL_WORDS for m in [pattern.search(text)] if m]
    return min(found)[1] if found else None

"""Plan import against the seeds, in the three formats (prints figures; not a test).

    .venv/bin/python bench/plan.py

Per seed and format (text as given, .docx and .pdf built from it by tests/plan_fixtures.py):
targets found / present (data targets of DOMAIN §5 and the non-data ones, counted by hand from the
seeds: a found target counts when its indicator, level and threshold are right), tasks found /
present (a task counts when its number is right and it has a lead agency), deadlines parsed / total
(a date range, or a standing / recurring deadline; "Theo Kế hoạch số …" and the like are not parsed).
Targets: every present target and task found, on every format; every deadline parsed that has a form.
"""
from __future__ import annotations

import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from kpi.plan.parser import propose  # noqa: E402
from kpi.plan.readers import read_plan  # noqa: E402
from tests.plan_fixtures import seed_bytes, seed_docx, seed_pdf  # noqa: E402

# Hand-counted from the seeds (DOMAIN §5 for 001).
PRESENT_DATA = {
    "001": {("on_time_rate", "all", 0.97), ("digitization_rate", "province", 0.70),
            ("digitization_rate", "district", 0.40), ("digitization_rate", "commune", 0.35),
            ("satisfaction_rate", "all", 0.94), ("e_result_rate", "province", 0.80),
            ("e_result_rate", "district", 0.30), ("e_result_rate", "commune", 0.20),
            ("pakn_on_time_rate", "all", 0.97), ("pakn_satisfaction_rate", "all", 0.93)},
    "003": set(),
    "004": set(),
}
PRESENT_MANUAL = {
    "001": {("tthc_published_on_time", 1.0), ("e_process_configured", 1.0), ("tthc_simplification_recommended", 0.10),
            ("declared_info_reduced", 0.20), ("internal_tthc_reviewed", 1.0)},
    "003": {("tthc_posted_at_desk", 1.0), ("tthc_on_one_stop_software", 1.0)},
    "004": set(),
}
PRESENT_TASKS = {  # numbered tasks (section as the parser writes it) + rows without a number
    "001": ["1.1", "1.2", "1.3", "2.1", "2.2", "2.3", "2.4", "2.5", "3.1", "3.2", "3.3", "3.4", "4.1", "4.1", "4.1",
            "5.1", "5.1", "5.1"],
    "003": (["A.1", "A.2", "A.3"] + [f"B.{i}" for i in range(1, 16)] + ["C.1", "D.1", "D.2", "D.3", "D.3.1",
            "D.3.2", "D.3.3", "D.3.4", "D.4", "D.5"] + [f"E.{i}" for i in range(1, 5)]
            + ["F.1", "F.2", "G.1", "G.2"] + [f"H.{i}" for i in range(1, 8)]),
    "004": ["1", "2", "3.a", "3.b", "3.c", "4", "5", "6", "7", "8.a", "8.b", "8.c", "8.d", "9"],
}
FORMATS = {"txt": seed_bytes, "docx": seed_docx, "pdf": seed_pdf}


def measure(seed: str, kind: str) -> dict:
    data = FORMATS[kind](seed)
    started = time.perf_counter()
    proposal = propose(read_plan(data, f"seed_{seed}.{kind}"))
    seconds = time.perf_counter() - started
    data_found = {(t.indicator, t.level, round(t.threshold, 4)) for t in proposal.targets}
    manual_found = {(m.key, round(m.threshold, 4)) for m in proposal.manual_targets}
    present = {(i, lvl, round(v, 4)) for i, lvl, v in PRESENT_DATA[seed]}
    present_manual = {(k, round(v, 4)) for k, v in PRESENT_MANUAL[seed]}
    right_tasks = sum(1 for t, want in zip(proposal.tasks, PRESENT_TASKS[seed]) if t.section == want and t.lead)
    parsed = sum(1 for t in proposal.tasks if t.deadline_kind not in ("unparsed", "reference"))
    return {
        "targets": f"{len(present & data_found)}/{len(present)}",
        "manual": f"{len(present_manual & manual_found)}/{len(present_manual)}",
        "extra": len(data_found - present) + len(manual_found - present_manual),
        "tasks": f"{right_tasks}/{len(PRESENT_TASKS[seed])} (found {len(proposal.tasks)})",
        "deadlines": f"{parsed}/{len(proposal.tasks)}",
        "seconds": f"{seconds:.2f}",
    }


def main() -> int:
    print(f"{'seed':<5}{'format':<7}{'data targets':>14}{'non-data':>10}{'extra':>7}{'tasks':>20}"
          f"{'deadlines':>11}{'read+parse s':>14}")
    for seed in PRESENT_TASKS:
        for kind in FORMATS:
            r = measure(seed, kind)
            print(f"{seed:<5}{kind:<7}{r['targets']:>14}{r['manual']:>10}{r['extra']:>7}{r['tasks']:>20}"
                  f"{r['deadlines']:>11}{r['seconds']:>14}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

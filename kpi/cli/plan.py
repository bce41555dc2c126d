"""`python -m kpi plan import FILE [--year Y] [--dry-run] [--json]`: propose a plan document's targets and tasks.

Without ``--dry-run`` the proposal is stored for an admin to review and confirm on the *Nhập kế hoạch*
page (``kpi.plan.store``). Exit 0 when read, 2 when the file is refused or no year is found.
"""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from kpi.plan import store
from kpi.plan.parser import PlanParseError
from kpi.plan.readers import PlanFileRefused
from kpi.text import plan as plan_text
from kpi.text import vi
from kpi.warehouse import audit
from kpi.warehouse.db import Warehouse, WarehouseError

NAMES = ("plan",)

def register(subparsers) -> None:
    parser = subparsers.add_parser("plan", help=plan_text.CLI_HELP, description=plan_text.CLI_HELP)
    actions = parser.add_subparsers(dest="action", required=True, metavar="VIỆC")
    importer = actions.add_parser("import", help=plan_text.CLI_HELP)
    importer.add_argument("file", help="tệp kế hoạch: .docx, .pdf hoặc .txt")
    importer.add_argument("--year", type=int, default=None, help="năm kế hoạch (mặc định: năm ghi trong văn bản)")
    importer.add_argument("--dry-run", action="store_true", help="chỉ đọc và in đề xuất, không lưu")
    importer.add_argument("--json", action="store_true", help="in đề xuất dạng JSON")
    importer.add_argument("--db", default=None)
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    path = Path(args.file)
    try:
        data = path.read_bytes()
        wh = None if args.dry_run else Warehouse(args.db)
        proposal, doc_id = store.import_plan(wh, data, path.name, year=args.year, user=audit.cli_actor(),
                                             dry_run=args.dry_run)
    except (OSError, PlanFileRefused, PlanParseError, WarehouseError, ValueError) as error:
        print(plan_text.CLI_ERROR.format(error=error), file=sys.stderr)
        return 2
    if args.json:
        print(json.dumps(proposal.as_json(), ensure_ascii=False, indent=2))
    else:
        print(render(proposal))
    message = plan_text.CLI_DRY_RUN if doc_id is None else plan_text.CLI_STORED.format(
        doc_id=doc_id, file=path.name, year=proposal.year, targets=len(proposal.targets),
        manual=len(proposal.manual_targets), tasks=len(proposal.tasks))
    print(message, file=sys.stderr if args.json else sys.stdout)
    return 0


def render(proposal) -> str:
    """A readable summary: the targets with their sections, then the tasks with their deadlines."""
    parsed = sum(1 for t in proposal.tasks if t.deadline_kind not in ("unparsed", "reference"))
    lines = [plan_text.CLI_SUMMARY.format(year=proposal.year, targets=len(proposal.targets),
                                          manual=len(proposal.manual_targets), tasks=len(proposal.tasks),
                                          parsed=parsed), ""]
    for t in proposal.targets:
        lines.append(plan_text.CLI_TARGET_LINE.format(indicator=t.indicator, level=t.level,
                                                      threshold=vi.pct(t.threshold, 0), section=t.section))
    for m in proposal.manual_targets:
        lines.append(plan_text.CLI_TARGET_LINE.format(indicator=m.key, level=m.level,
                                                      threshold=vi.pct(m.threshold, 0), section=m.section))
    lines.append("")
    for t in proposal.tasks:
        lines.append(plan_text.CLI_TASK_LINE.format(number=t.number or "", deadline=t.deadline_text or "",
                                                    lead=t.lead or ""))
    return "\n".join(lines)

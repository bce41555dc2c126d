"""`python -m kpi alerts run [--dry-run] [--db PATH] [--json]`: send the new alerts (for cron).

Exit 0 when every digest was delivered (or nothing was due, or quiet hours held them), 1 when a
delivery failed (the next run retries it), 2 when the warehouse cannot be used.
"""
from __future__ import annotations

import json
import sys

from kpi.alerts import run as alerts_run
from kpi.text import alerts as alerts_text
from kpi.warehouse.db import Warehouse, WarehouseError


def register(subparsers) -> None:
    parser = subparsers.add_parser("alerts", help="cảnh báo: đơn vị dưới chỉ tiêu, nhiệm vụ quá hạn, lâu chưa nạp")
    actions = parser.add_subparsers(dest="alerts_action", required=True)
    run_parser = actions.add_parser("run", help="gửi các cảnh báo mới theo phạm vi từng người nhận")
    run_parser.add_argument("--dry-run", action="store_true", help="chỉ liệt kê, không gửi, không ghi nhận")
    run_parser.add_argument("--db", default=None)
    run_parser.add_argument("--json", action="store_true")
    run_parser.set_defaults(func=run)


def run(args) -> int:
    try:
        result = alerts_run.run(Warehouse(args.db), dry_run=args.dry_run)
    except (WarehouseError, ValueError) as error:
        print(f"Lỗi: {error}", file=sys.stderr)
        return 2
    if args.json:
        print(json.dumps(result.as_dict(), ensure_ascii=False, indent=2))
    else:
        print(report(result))
    return 1 if result.failed else 0


def report(result: alerts_run.RunResult) -> str:
    """What the run did, in Vietnamese, one line each."""
    lines = [alerts_text.CLI_SKIPPED.format(rule=rule, reason=reason) for rule, reason in result.findings.skipped.items()]
    if result.quiet:
        lines.append(alerts_text.CLI_QUIET.format(hours=result_hours()))
        return "\n".join(lines)
    if result.dry_run:
        lines.append(alerts_text.CLI_DRY_RUN)
    lines += [alerts_text.CLI_DIGEST.format(recipient=d.recipient, channel=d.channel, n=len(d.alerts))
              for d in result.digests]
    lines += [alerts_text.CLI_FAILED.format(recipient=d.recipient, channel=d.channel, error=e) for d, e in result.failed]
    lines.append(alerts_text.CLI_TOTAL.format(alerts=len(result.findings.alerts), sent=len(result.sent),
                                              failed=len(result.failed)))
    return "\n".join(lines)


def result_hours() -> str:
    from kpi import config

    return str(config.get("alerts_quiet_hours"))

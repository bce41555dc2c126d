"""`python -m kpi …`: summary, reports and operator commands over the core functions."""
from __future__ import annotations

import sys


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if not argv or argv[0] in {"-h", "--help"}:
        print("Dùng: python -m kpi {summary|report|pack|forecast|users} …")
        return 0 if argv else 2
    command, rest = argv[0], argv[1:]
    if command == "summary":
        from kpi.cli.summary import main as run
    elif command == "forecast":
        from kpi.cli.forecast import main as run
    elif command == "users":
        from kpi.cli.users import main as run
    elif command == "alerts":
        from kpi.cli.alerts import main as run
    elif command in {"report", "pack"}:
        from kpi.cli.report import main as run
        rest = [command] + rest
    else:
        print(f"Lệnh không có: {command}. Dùng summary, report, pack, forecast hoặc users.", file=sys.stderr)
        return 2
    return run(rest)


if __name__ == "__main__":
    sys.exit(main())

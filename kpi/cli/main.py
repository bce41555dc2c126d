"""The `python -m kpi` parser: one argparse sub-command per module listed in ``COMMANDS``.

Each command module exposes ``register(subparsers)`` (adds its sub-parser, sets ``func=run``)
and ``run(args) -> int``; a module may also expose ``refused(argv, message) -> str`` to word
and record a refused call itself (``users`` audits it without echoing what was typed).
Exit status: what ``run`` returns; 2 with a Vietnamese line on a usage error.
"""
from __future__ import annotations

import argparse
import sys

from kpi.cli import alerts, forecast, index, lake, plan, report, summary, users

COMMANDS = (summary, report, forecast, index, users, plan, alerts, lake)


class UsageError(Exception):
    """argparse refused the arguments; ``message`` is argparse's own (English) reason."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


class Parser(argparse.ArgumentParser):
    """argparse that raises instead of printing its English usage error and exiting."""

    def error(self, message: str):  # noqa: D401 - argparse hook
        raise UsageError(message)


def build_parser() -> Parser:
    parser = Parser(prog="python -m kpi", description="Chỉ số KPI, báo cáo và quản trị từ dòng lệnh.")
    sub = parser.add_subparsers(dest="command", required=True, metavar="LỆNH", parser_class=Parser)
    for module in COMMANDS:
        module.register(sub)
    return parser


def _command_module(argv: list[str]):
    name = argv[0] if argv else None
    return next((m for m in COMMANDS if name in getattr(m, "NAMES", ())), None)


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    try:
        args = build_parser().parse_args(argv)
    except UsageError as error:
        module = _command_module(argv)
        hook = getattr(module, "refused", None)
        line = hook(argv, error.message) if hook else f"Lỗi: tham số không hợp lệ ({error.message})."
        print(line, file=sys.stderr)
        return 2
    except SystemExit as exit_:  # --help
        return int(exit_.code or 0)
    return args.func(args)

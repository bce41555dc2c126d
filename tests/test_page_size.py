"""Pages stay thin and functions short (issue 13): no page over 150 lines, no function over 60 lines
in pages/, ui/ and dashboard.py — what a page needs beyond that goes into a ui/ module."""
from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
MAX_PAGE_LINES = 150
MAX_FUNCTION_LINES = 60


def test_no_page_over_150_lines():
    sizes = {path.name: len(path.read_text(encoding="utf-8").splitlines()) for path in (ROOT / "pages").glob("*.py")}
    assert sizes and {name: n for name, n in sizes.items() if n > MAX_PAGE_LINES} == {}


def test_no_function_over_60_lines_in_pages_ui_and_the_entry_script():
    files = [*(ROOT / "pages").glob("*.py"), *(ROOT / "ui").glob("*.py"), ROOT / "dashboard.py"]
    long = []
    for path in files:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                length = node.end_lineno - node.lineno + 1
                if length > MAX_FUNCTION_LINES:
                    long.append(f"{path.relative_to(ROOT)}:{node.lineno} {node.name} ({length} lines)")
    assert long == []

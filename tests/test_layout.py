"""The core's rooms import only the rooms above them (kpi/__init__.py), and nothing under kpi/ or etl/ imports streamlit.

A module-level import of a lower room is what makes a cycle or a layering leak; an import inside
a function is the documented escape hatch and is not checked here.
"""
from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
# The order of kpi/__init__.py: a room may import itself and any room before it.
ROOMS = ("config", "text", "warehouse", "measures", "plan", "access", "tracking", "alerts", "reports", "lake", "cli")


def _room(module: str) -> str | None:
    parts = module.split(".")
    return parts[1] if parts[0] == "kpi" and len(parts) > 1 else None


def _top_level_imports(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names = []
    for node in tree.body:
        if isinstance(node, ast.Import):
            names += [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names += [node.module] if node.module != "kpi" else [f"kpi.{a.name}" for a in node.names]
    return names


def _core_files() -> list[Path]:
    return sorted(p for p in (ROOT / "kpi").rglob("*.py") if p.parent != ROOT / "kpi")


def test_every_room_is_in_the_documented_order():
    rooms = {p.relative_to(ROOT / "kpi").parts[0] for p in _core_files()}
    assert rooms <= set(ROOMS), f"add {sorted(rooms - set(ROOMS))} to ROOMS here and to kpi/__init__.py"
    for room in rooms:
        doc = ast.get_docstring(ast.parse((ROOT / "kpi" / room / "__init__.py").read_text(encoding="utf-8")))
        assert doc and "Must not" in doc, f"kpi/{room}/__init__.py must say what belongs and what must not"


@pytest.mark.parametrize("path", _core_files(), ids=lambda p: str(p.relative_to(ROOT)))
def test_a_room_imports_only_the_rooms_above_it(path):
    own = ROOMS.index(path.relative_to(ROOT / "kpi").parts[0])
    for module in _top_level_imports(path):
        room = _room(module)
        if room in ROOMS:
            assert ROOMS.index(room) <= own, f"{path.relative_to(ROOT)} imports {module}: a room below it"


@pytest.mark.parametrize("package", ["kpi", "etl"])
def test_no_streamlit_in_the_core_or_the_etl(package):
    for path in (ROOT / package).rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, (ast.Import, ast.ImportFrom)):
                names = [a.name for a in node.names] if isinstance(node, ast.Import) else [node.module or ""]
                assert not any(n.split(".")[0] == "streamlit" for n in names), f"{path} imports streamlit"


def test_no_merge_conflict_markers_left_in_tracked_files():
    """Eight people merge into main every hour; a marker once landed in the README unnoticed."""
    import subprocess

    files = subprocess.run(["git", "ls-files"], cwd=ROOT, capture_output=True, text=True, check=True).stdout.split()
    marked = []
    for name in files:
        path = ROOT / name
        if path.suffix not in {".py", ".md", ".toml", ".txt", ".csv", ".cfg", ".ini", ".sh", ""} or not path.is_file():
            continue
        lines = path.read_text(encoding="utf-8", errors="replace").splitlines()
        marked += [f"{name}:{i}" for i, line in enumerate(lines, 1)
                   if line.startswith(("<<<<<<< ", ">>>>>>> ")) or line == "======="]
    assert not marked, f"conflict markers: {marked[:10]}"

"""Parse a spreadsheet in a child process with a memory and a time limit.

The parser (calamine in Rust, pandas' C reader) runs where a hostile or broken
file can only end a child: ``python -m etl.isolate WORKDIR`` (the request in WORKDIR/request.json) sets
``RLIMIT_AS`` to ``read_memory_mb`` before importing anything heavy, parses with
``etl.read.parse_sheets``, checks the result (``etl.limits.check_parsed``) and
writes each sheet as an Arrow IPC file plus ``result.json`` into OUT. The
parent waits at most ``read_timeout_s``; a child that is killed, aborts (Rust's
"memory allocation failed"), raises MemoryError or times out becomes a
``FileRefused`` whose Vietnamese reason names the file and the limit. The
server, the CLI and other users' sessions never share the parser's fate.

Used by both the upload page and ``python -m etl load``: one path, one set of limits.
"""
from __future__ import annotations

import hashlib
import json
import logging
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from kpi import config
from kpi.text_vi import num

ROOT = Path(__file__).resolve().parent.parent
MB = 1024 * 1024
RESULT = "result.json"
REQUEST = "request.json"  # the file name travels here, not in argv (it may hold any character)
STDERR_TAIL = 4096
# Without these the child's virtual size is ~1.5 GB before it reads a byte: pyarrow's mimalloc reserves
# a 1 GiB arena and glibc one 64 MB arena per thread. RLIMIT_AS counts reservations, so turn them off.
CHILD_ENV = {"ARROW_DEFAULT_MEMORY_POOL": "system", "MALLOC_ARENA_MAX": "2", "RAYON_NUM_THREADS": "2",
             "RUST_BACKTRACE": "0", "OPENBLAS_NUM_THREADS": "1",
             "PYTHONDONTWRITEBYTECODE": "1"}

# A file refused by its reader is not read again for a while: the upload page asks twice (records,
# then Biểu 06), and a hostile file must not cost two memory-limit or time-limit runs.
REMEMBER_REFUSAL_S = 600
_RECENT_REFUSALS: dict[tuple, tuple[float, str]] = {}
LIMIT_SETTINGS = ("max_rows", "max_columns", "max_cells", "max_cell_chars", "read_memory_mb", "read_timeout_s")

log = logging.getLogger(__name__)


# -- parent side ----------------------------------------------------------------------------

def parse(data: bytes, file_name: str, fmt: str, path: str | os.PathLike | None = None):
    """``etl.read.parse_sheets`` in a child; returns its ``RawSheet`` list or raises ``FileRefused``.

    ``path`` (the file on disk, when there is one) spares writing ``data`` to a temporary file.
    """
    from etl.read import FileRefused

    key = (hashlib.sha256(data).hexdigest(), file_name, fmt, *(config.get(name) for name in LIMIT_SETTINGS))
    remembered = _RECENT_REFUSALS.get(key)
    if remembered and time.monotonic() - remembered[0] < REMEMBER_REFUSAL_S:
        raise FileRefused(file_name, remembered[1])
    try:
        return _parse_in_child(data, file_name, fmt, path)
    except FileRefused as refused:
        if len(_RECENT_REFUSALS) >= 16:
            _RECENT_REFUSALS.pop(next(iter(_RECENT_REFUSALS)))
        _RECENT_REFUSALS[key] = (time.monotonic(), refused.reason)
        raise


def _parse_in_child(data: bytes, file_name: str, fmt: str, path):
    from etl.read import FileRefused

    work = Path(tempfile.mkdtemp(prefix="tthc-read-"))
    try:
        source = Path(path) if path is not None else work / "input"
        if path is None:
            source.write_bytes(data)
        returncode, seconds, stderr = _run_child(source, work, file_name, fmt)
        outcome = _outcome(work)
        if outcome is None:
            raise FileRefused(file_name, _death_reason(file_name, returncode, seconds, stderr))
        if outcome.get("refused"):
            raise FileRefused(file_name, outcome["refused"])
        if outcome.get("memory"):
            raise FileRefused(file_name, memory_reason(file_name))
        if outcome.get("error"):
            log.warning("reader failed on %s: %s", file_name, outcome["error"])
            raise FileRefused(file_name, unreadable_reason(file_name))
        return _load_sheets(work, outcome["sheets"])
    finally:
        shutil.rmtree(work, ignore_errors=True)


def _run_child(source: Path, work: Path, file_name: str, fmt: str) -> tuple[int | None, float, str]:
    timeout = float(config.get("read_timeout_s"))
    env = {**os.environ, **CHILD_ENV, "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")]))}
    started = time.monotonic()
    with open(work / "stderr.txt", "w+b") as err:
        (work / REQUEST).write_text(json.dumps({"source": str(source), "name": file_name, "format": fmt}), encoding="utf-8")
        proc = subprocess.Popen([sys.executable, "-m", "etl.isolate", str(work)],
                                cwd=ROOT, env=env, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=err)
        try:
            returncode = proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
            returncode = None
        except BaseException:  # the caller is interrupted (Ctrl-C, a rerun): never leave the child behind
            proc.kill()
            proc.wait()
            raise
        err.seek(max(0, err.seek(0, os.SEEK_END) - STDERR_TAIL))
        stderr = err.read().decode("utf-8", "replace")
    return returncode, time.monotonic() - started, stderr


def _outcome(work: Path) -> dict | None:
    try:
        return json.loads((work / RESULT).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def _load_sheets(work: Path, sheets: list[dict]):
    import pyarrow as pa

    from etl.read import RawSheet

    out = []
    for index, sheet in enumerate(sheets):
        with pa.memory_map(str(work / f"sheet{index}.arrow")) as source:
            table = pa.ipc.open_file(source).read_all()
        frame = table.to_pandas()
        frame.columns = range(frame.shape[1])
        out.append(RawSheet(sheet["name"], frame))
    return out


def memory_reason(file_name: str) -> str:
    return (f"Đọc tệp «{file_name}» cần nhiều bộ nhớ hơn giới hạn {num(int(config.get('read_memory_mb')))} MB "
            "(cài đặt read_memory_mb) nên đã dừng. Tệp có thể có ô nằm rất xa bảng dữ liệu hoặc quá nhiều ô: "
            "hãy xóa các dòng, cột thừa hoặc chia nhỏ tệp rồi nạp lại.")


def unreadable_reason(file_name: str) -> str:
    return (f"Không đọc được tệp «{file_name}» (tệp hỏng hoặc không đúng định dạng). "
            "Hãy mở bằng Excel, lưu lại dạng .xlsx rồi nạp lại.")


def _death_reason(file_name: str, returncode: int | None, seconds: float, stderr: str) -> str:
    if returncode is None:
        log.info("reader timed out on %s after %.1f s", file_name, seconds)
        return (f"Đọc tệp «{file_name}» quá {_seconds()} giây "
                "(cài đặt read_timeout_s) nên đã dừng. Hãy chia nhỏ tệp hoặc xuất lại dữ liệu từ phần mềm rồi nạp lại.")
    last_line = (stderr.strip().splitlines() or [""])[-1][:300]
    if any(sign in stderr.lower() for sign in ("memory allocation", "memoryerror", "bad_alloc", "cannot allocate")):
        log.info("reader ran out of memory on %s (exit %s): %s", file_name, returncode, last_line)
        return memory_reason(file_name)
    log.warning("reader died on %s (exit %s): %s", file_name, returncode, last_line)
    return (f"Trình đọc bảng tính dừng bất thường khi đọc tệp «{file_name}» (mã {returncode}; giới hạn bộ nhớ "
            f"{num(int(config.get('read_memory_mb')))} MB, thời gian {_seconds()} giây). "
            "Tệp có thể bị hỏng: hãy mở bằng Excel, lưu lại dạng .xlsx rồi nạp lại.")


def _seconds() -> str:
    limit = float(config.get("read_timeout_s"))
    return num(limit) if limit.is_integer() else num(limit, 2)


# -- child side ------------------------------------------------------------------------------

def _limit_memory() -> None:
    limit = int(config.get("read_memory_mb")) * MB
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))


def _write(work: Path, outcome: dict) -> None:
    partial = work / (RESULT + ".part")
    partial.write_text(json.dumps(outcome, ensure_ascii=False), encoding="utf-8")
    partial.replace(work / RESULT)


def child_main(argv: list[str]) -> int:
    work_dir = Path(argv[0])
    _limit_memory()
    try:
        request = json.loads((work_dir / REQUEST).read_text(encoding="utf-8"))
        outcome = _parse_to_arrow(Path(request["source"]), work_dir, request["name"], request["format"])
    except MemoryError:
        outcome = {"memory": True}
    except BaseException as error:  # noqa: BLE001 — pyo3's PanicException derives from BaseException
        outcome = _classify(error)
    _write(work_dir, outcome)
    return 0


def _classify(error: BaseException) -> dict:
    from etl.limits import LimitExceeded
    from etl.read import FileRefused

    if isinstance(error, FileRefused):
        return {"refused": error.reason}
    if isinstance(error, LimitExceeded):
        return {"refused": error.reason}
    text = f"{type(error).__name__}: {error}"
    if "memory" in text.lower() and "alloc" in text.lower():
        return {"memory": True}
    return {"error": text[:2000]}


def _parse_to_arrow(source: Path, work: Path, file_name: str, fmt: str) -> dict:
    import pyarrow as pa

    from etl import limits
    from etl.read import parse_sheets

    sheets = parse_sheets(source.read_bytes(), file_name, fmt)
    limits.check_parsed(sheets, file_name)
    for index, sheet in enumerate(sheets):
        table = pa.Table.from_pandas(sheet.cells.rename(columns=str), preserve_index=False)
        with pa.OSFile(str(work / f"sheet{index}.arrow"), "wb") as sink, pa.ipc.new_file(sink, table.schema) as writer:
            writer.write_table(table)
    return {"sheets": [{"name": sheet.name} for sheet in sheets]}


if __name__ == "__main__":
    sys.exit(child_main(sys.argv[1:]))

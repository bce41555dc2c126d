"""Parse a spreadsheet in a child process with a memory and a time limit.

The parser (calamine in Rust, pandas' C reader) runs where a hostile or broken
file can only end a child. A reader server (``python -m etl.isolate --server``,
started once per process, modules preloaded) forks one child per file; the child
sets ``RLIMIT_AS`` to ``read_memory_mb``, parses with ``etl.read.parse_sheets``,
checks the result (``etl.limits.check_parsed``) and writes each sheet as an
Arrow IPC file plus ``result.json`` into a private work directory (when the
server cannot start, ``python -m etl.isolate WORKDIR`` does the same per file). The
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
import select
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

from kpi import config
from kpi.text.vi import num

ROOT = Path(__file__).resolve().parent.parent
MB = 1024 * 1024
RESULT = "result.json"
STDERR = "stderr.txt"
SERVER_START_S = 60
CPU_GRACE_S = 5
MIN_HEADROOM = 64 * MB  # below this much room above what the child already maps, nothing can be read
REQUEST = "request.json"  # the file name travels here, not in argv (it may hold any character)
STDERR_TAIL = 4096
# Without these the child's virtual size is ~1.5 GB before it reads a byte: pyarrow's mimalloc reserves
# a 1 GiB arena and glibc one 64 MB arena per thread. RLIMIT_AS counts reservations, so turn them off.
CHILD_ENV = {"ARROW_DEFAULT_MEMORY_POOL": "system", "MALLOC_ARENA_MAX": "2", "RAYON_NUM_THREADS": "2",
             "RUST_BACKTRACE": "0", "OPENBLAS_NUM_THREADS": "1",
             # pyarrow's bundled jemalloc starts a background thread on import; the server forks, so keep it single-threaded
             "JE_ARROW_MALLOC_CONF": "background_thread:false",
             "PYTHONDONTWRITEBYTECODE": "1"}

# A file refused by its reader is not read again for a while: the upload page asks twice (records,
# then Biểu 06), and a hostile file must not cost two memory-limit or time-limit runs.
REMEMBER_REFUSAL_S = 600
_RECENT_REFUSALS: dict[tuple, tuple[float, str]] = {}
# CPU seconds the reading child spent on the last file (its result says; bench/etl.py adds it to the
# load's own CPU time: the child is reaped by the kernel, so no getrusage of the parent counts it).
last_child_cpu_s = 0.0
LIMIT_SETTINGS = ("max_rows", "max_columns", "max_cells", "max_cell_chars", "read_memory_mb", "read_timeout_s")

log = logging.getLogger(__name__)


# -- parent side ----------------------------------------------------------------------------

def parse(data: bytes, file_name: str, fmt: str, path: str | os.PathLike | None = None, sha256: str | None = None):
    """``etl.read.parse_sheets`` in a child; returns its ``RawSheet`` list or raises ``FileRefused``.

    ``path`` (the file on disk, when there is one) spares writing ``data`` to a temporary file;
    ``sha256`` (the data's hex digest, when the caller has it) spares hashing it again.
    """
    from etl.read import FileRefused

    digest = sha256 or hashlib.sha256(data).hexdigest()
    key = (digest, file_name, fmt, *(config.get(name) for name in LIMIT_SETTINGS))
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
        request = {"source": str(source), "name": file_name, "format": fmt,
                   "settings": {k: v for k, v in os.environ.items() if k.startswith("TTHC_")}}
        (work / REQUEST).write_text(json.dumps(request), encoding="utf-8")
        status, code, seconds = _run_child(work)
        outcome = _outcome(work)
        global last_child_cpu_s
        last_child_cpu_s = float((outcome or {}).get("cpu_s", 0.0))
        if outcome is None:
            raise FileRefused(file_name, _death_reason(file_name, status, code, seconds, _stderr_tail(work)))
        if outcome.get("refused"):
            raise FileRefused(file_name, outcome["refused"])
        if outcome.get("memory"):
            raise FileRefused(file_name, memory_reason(file_name))
        if outcome.get("error"):
            log.info("reader failed on %s: %s", file_name, outcome["error"])
            raise FileRefused(file_name, unreadable_reason(file_name))
        return _load_sheets(work, outcome["sheets"])
    finally:
        shutil.rmtree(work, ignore_errors=True)


def _run_child(work: Path) -> tuple[str, int | None, float]:
    """Parse the request in ``work`` in a child: 'done', 'timeout' or 'died' (with its exit code when known)."""
    started = time.monotonic()
    try:
        status, code = _SERVER.run(work, float(config.get("read_timeout_s")))
    except ServerUnavailable:
        status, code = _run_spawned(work, float(config.get("read_timeout_s")))
    return status, code, time.monotonic() - started


def _child_env() -> dict[str, str]:
    path = os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")]))
    return {**os.environ, **CHILD_ENV, "PYTHONPATH": path}


def _run_spawned(work: Path, timeout: float) -> tuple[str, int | None]:
    """The fallback when the reader server cannot run: a fresh interpreter for this one file."""
    with open(work / STDERR, "wb") as err:
        proc = subprocess.Popen([sys.executable, "-m", "etl.isolate", str(work)], cwd=ROOT, env=_child_env(),
                                stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=err)
        try:
            code = proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
            return "timeout", None
        except BaseException:  # the caller is interrupted (Ctrl-C, a rerun): never leave the child behind
            proc.kill()
            proc.wait()
            raise
    return ("done" if code == 0 else "died"), code


def _stderr_tail(work: Path) -> str:
    try:
        with open(work / STDERR, "rb") as err:
            err.seek(max(0, err.seek(0, os.SEEK_END) - STDERR_TAIL))
            return err.read().decode("utf-8", "replace")
    except OSError:
        return ""


# -- the reader server: one preloaded interpreter that forks a child per file ------------------
#
# Starting Python and importing pandas, pyarrow and fastexcel costs about a second per file. The server
# pays it once per process (dashboard, CLI, test run): it imports them, listens on a Unix socket in a
# private directory, and forks a child per connection. The child sends its pid, sets RLIMIT_AS,
# parses, writes its result and says 'done'; if it dies the connection just closes. The parent kills
# the child by pid when the time limit passes. The server exits when its parent does (stdin closes).

class ServerUnavailable(Exception):
    pass


class _ReaderServer:
    def __init__(self):
        self._lock = threading.Lock()
        self._proc: subprocess.Popen | None = None
        self._socket: str | None = None

    def _ensure(self) -> str:
        with self._lock:
            if self._proc is not None and self._proc.poll() is None:
                return self._socket
            self._start()
            return self._socket

    def _start(self) -> None:
        directory = tempfile.mkdtemp(prefix="tthc-reader-")
        socket_path = os.path.join(directory, "s")
        proc = subprocess.Popen([sys.executable, "-m", "etl.isolate", "--server", socket_path], cwd=ROOT,
                                env=_child_env(), stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                stderr=subprocess.DEVNULL)
        ready, _, _ = select.select([proc.stdout], [], [], SERVER_START_S)
        if not ready or proc.stdout.readline().strip() != b"ready":
            proc.kill()
            proc.wait()
            shutil.rmtree(directory, ignore_errors=True)
            raise ServerUnavailable("the reader server did not start")
        self._proc, self._socket = proc, socket_path

    def run(self, work: Path, timeout: float) -> tuple[str, int | None]:
        try:
            connection = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            connection.connect(self._ensure())
        except OSError as error:
            raise ServerUnavailable(str(error)) from error
        with connection:
            connection.settimeout(timeout)
            reply = connection.makefile("rb")
            connection.sendall(str(work).encode("utf-8") + b"\n")
            try:
                pid_line = reply.readline()
            except OSError as error:
                raise ServerUnavailable(str(error)) from error
            if not pid_line.strip().isdigit():
                raise ServerUnavailable("the reader server did not fork")
            pid = int(pid_line)
            try:
                done = reply.readline().strip() == b"done"
            except TimeoutError:
                _kill(pid)
                return "timeout", None
            except BaseException:
                _kill(pid)
                raise
        return ("done", 0) if done else ("died", None)


def _kill(pid: int) -> None:
    try:
        os.kill(pid, signal.SIGKILL)
    except ProcessLookupError:
        pass


_SERVER = _ReaderServer()


def server_main(socket_path: str) -> int:
    """The reader server's loop (``python -m etl.isolate --server SOCKET``)."""
    import fastexcel  # noqa: F401 — preloaded so that every forked child starts with them
    import pyarrow  # noqa: F401
    import pyarrow.compute  # noqa: F401

    import etl.limits  # noqa: F401
    import etl.read  # noqa: F401

    num(0)  # loads babel's Vietnamese number data once here, not in every child (check_parsed's messages)
    signal.signal(signal.SIGCHLD, signal.SIG_IGN)  # children are reaped by the kernel
    listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    try:  # from before "ready": a SIGTERM right after it must still find the tidying up in place
        signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
        listener.bind(socket_path)
        listener.listen(64)
        sys.stdout.write("ready\n")
        sys.stdout.flush()
        _accept(listener)
    finally:  # only the server gets here: a forked child ends in os._exit
        listener.close()
        shutil.rmtree(os.path.dirname(socket_path), ignore_errors=True)  # one private directory per start
    return 0


def _accept(listener: socket.socket) -> None:
    """Fork a child per connection until the parent is gone (stdin closes)."""
    while True:
        readable, _, _ = select.select([listener, sys.stdin], [], [])
        if sys.stdin in readable and not os.read(sys.stdin.fileno(), 1024):
            return
        if listener in readable:
            connection, _ = listener.accept()
            if os.fork() == 0:
                listener.close()
                _serve(connection)  # never returns
            connection.close()


def _serve(connection: socket.socket) -> None:
    """In a forked child: one file, then exit."""
    try:
        signal.signal(signal.SIGCHLD, signal.SIG_DFL)
        signal.signal(signal.SIGTERM, signal.SIG_DFL)
        work = connection.makefile("rb").readline().decode("utf-8").strip()
        connection.sendall(f"{os.getpid()}\n".encode())
        err = os.open(os.path.join(work, STDERR), os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        os.dup2(err, 2)
        child_main([work])
        connection.sendall(b"done\n")
    finally:
        os._exit(0)


def _outcome(work: Path) -> dict | None:
    try:
        return json.loads((work / RESULT).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def _load_sheets(work: Path, sheets: list[dict]):
    import pandas as pd
    import pyarrow as pa

    from etl.read import RawSheet

    out = []
    for index, sheet in enumerate(sheets):
        with pa.memory_map(str(work / f"sheet{index}.arrow")) as source:
            table = pa.ipc.open_file(source).read_all()
        frame = table.to_pandas() if table.num_columns else pd.DataFrame(index=range(sheet["rows"]))
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


def _death_reason(file_name: str, status: str, code: int | None, seconds: float, stderr: str) -> str:
    if status == "timeout":
        log.info("reader timed out on %s after %.1f s", file_name, seconds)
        return (f"Đọc tệp «{file_name}» quá {_seconds()} giây "
                "(cài đặt read_timeout_s) nên đã dừng. Hãy chia nhỏ tệp hoặc xuất lại dữ liệu từ phần mềm rồi nạp lại.")
    last_line = (stderr.strip().splitlines() or [""])[-1][:300]
    if any(sign in stderr.lower() for sign in ("memory allocation", "memoryerror", "bad_alloc", "cannot allocate")):
        log.info("reader ran out of memory on %s (exit %s): %s", file_name, code, last_line)
        return memory_reason(file_name)
    log.info("reader died on %s (exit %s): %s", file_name, code, last_line)
    return (f"Trình đọc bảng tính dừng bất thường khi đọc tệp «{file_name}» (giới hạn bộ nhớ "
            f"{num(int(config.get('read_memory_mb')))} MB, thời gian {_seconds()} giây). "
            "Tệp có thể bị hỏng: hãy mở bằng Excel, lưu lại dạng .xlsx rồi nạp lại.")


def _seconds() -> str:
    limit = float(config.get("read_timeout_s"))
    return num(limit) if limit.is_integer() else num(limit, 2)


# -- child side ------------------------------------------------------------------------------

def _limit_memory() -> None:
    """RLIMIT_AS for the rest of this process; MemoryError when the limit is below what it already uses."""
    limit = int(config.get("read_memory_mb")) * MB
    with open("/proc/self/statm") as statm:
        in_use = int(statm.read().split()[0]) * resource.getpagesize()
    if in_use + MIN_HEADROOM > limit:
        raise MemoryError(f"{in_use // MB} MB in use before reading, limit {limit // MB} MB")
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    # The parent kills a child that outlives read_timeout_s; should the parent itself be killed first
    # (kill -9 of a load), the kernel still ends a runaway parse once it has used that much CPU.
    seconds = int(float(config.get("read_timeout_s"))) + CPU_GRACE_S
    resource.setrlimit(resource.RLIMIT_CPU, (seconds, seconds + CPU_GRACE_S))


def _write(work: Path, outcome: dict) -> None:
    partial = work / (RESULT + ".part")
    partial.write_text(json.dumps(outcome, ensure_ascii=False), encoding="utf-8")
    partial.replace(work / RESULT)


def _apply_settings(settings: dict[str, str]) -> None:
    """The caller's TTHC_* settings (a forked child inherits the server's, which may be older)."""
    for key in [k for k in os.environ if k.startswith("TTHC_")]:
        del os.environ[key]
    os.environ.update(settings)


def child_main(argv: list[str]) -> int:
    work_dir = Path(argv[0])
    try:
        _apply_settings(json.loads((work_dir / REQUEST).read_text(encoding="utf-8")).get("settings", {}))
    except (OSError, ValueError):
        pass
    try:
        _limit_memory()
        request = json.loads((work_dir / REQUEST).read_text(encoding="utf-8"))
        outcome = _parse_to_arrow(Path(request["source"]), work_dir, request["name"], request["format"])
    except MemoryError:
        outcome = {"memory": True}
    except BaseException as error:  # noqa: BLE001 — pyo3's PanicException derives from BaseException
        outcome = _classify(error)
    usage = resource.getrusage(resource.RUSAGE_SELF)
    _write(work_dir, {**outcome, "cpu_s": usage.ru_utime + usage.ru_stime})
    return 0


def _classify(error: BaseException) -> dict:
    from etl.limits import LimitExceeded
    from etl.read import FileRefused

    if isinstance(error, FileRefused):
        return {"refused": error.reason}
    if isinstance(error, LimitExceeded):
        return {"refused": error.reason}
    text = f"{type(error).__name__}: {error}"
    if ("memory" in text.lower() and "alloc" in text.lower()) or "can't start new thread" in text:
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
    return {"sheets": [{"name": sheet.name, "rows": len(sheet.cells)} for sheet in sheets]}


if __name__ == "__main__":
    sys.exit(server_main(sys.argv[2]) if sys.argv[1:2] == ["--server"] else child_main(sys.argv[1:]))

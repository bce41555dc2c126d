"""The only door to DuckDB.

DuckDB lets one process hold a database file at a time. So nothing here keeps a
connection open between operations: every read and every write opens the file,
does its work and closes it. That lets the dashboard, a CLI load and a cron report
take turns on the same file. When another process holds the file, opening is
retried a bounded number of times, then a ``WarehouseBusy`` error with a clear
message is raised.

A long-running process (the dashboard) calls ``keep_open``: then the file's database
instance stays up between operations until it has been idle for a few seconds, so an
operation attaches to it (microseconds, warm buffer cache) instead of starting it
(about 10 ms even for an empty file). A process that finds the file locked leaves a
``.waiting`` mark beside it, and a holder that sees the mark lets go at once.

Writes are serialized inside the process by one lock, run in one transaction and
bump the data version that caches key on, so a reader never sees half a load and
a cache never serves numbers from before it.
"""
from __future__ import annotations

import atexit
import threading
import time
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

import duckdb

from kpi import config
from kpi.warehouse import schema

_WRITE_LOCK = threading.RLock()
# DuckDB keeps one database instance per file in a process: a connect racing the close of the last
# connection of another thread fails with "Unique file handle conflict". Opening and closing are
# quick, so they take turns under this lock (the work in between does not).
_OPEN_LOCK = threading.Lock()
_INITIALIZED: set[str] = set()
_INIT_LOCK = threading.Lock()


class WarehouseError(RuntimeError):
    """The warehouse cannot be used right now; the message (Vietnamese) says why and what to do."""


class WarehouseBusy(WarehouseError):
    """Another process holds the warehouse file longer than we are willing to wait."""


class WarehouseStorageError(WarehouseError):
    """The disk under the warehouse is full or read-only: nothing of the write was kept."""


# What the operating system or DuckDB says when the disk is full or mounted read-only.
_DISK_FULL = ("no space left on device", "disk is full", "disk full", "not enough space", "errno 28")
_READ_ONLY = ("read-only file system", "read only file system", "errno 30")


def storage_problem(error: BaseException) -> str | None:
    """A Vietnamese message when ``error`` means a full or read-only disk, else None."""
    errno = getattr(error, "errno", None)
    text = str(error).lower()
    if errno == 28 or any(mark in text for mark in _DISK_FULL):
        return ("Ổ đĩa chứa cơ sở dữ liệu đã đầy nên không ghi được; dữ liệu không thay đổi gì. "
                "Hãy báo quản trị viên giải phóng dung lượng ổ đĩa rồi thử lại.")
    if errno == 30 or any(mark in text for mark in _READ_ONLY):
        return ("Ổ đĩa chứa cơ sở dữ liệu đang ở chế độ chỉ đọc nên không ghi được; dữ liệu không thay đổi gì. "
                "Hãy báo quản trị viên kiểm tra ổ đĩa rồi thử lại.")
    return None


def _close(con: duckdb.DuckDBPyConnection) -> None:
    with _OPEN_LOCK:
        con.close()


class _Holder:
    """One idle connection per warehouse file that keeps its database instance up (see ``keep_open``).

    DuckDB shares one instance per file among a process's connections and shuts it down with the
    last one; this connection is never used for work, it only keeps the instance alive. All of
    its state changes under ``_OPEN_LOCK``.
    """

    def __init__(self) -> None:
        self.idle_s = 0.0
        self.held: dict[Path, duckdb.DuckDBPyConnection] = {}
        self.last_used: dict[Path, float] = {}
        self.reaper: threading.Thread | None = None

    def attach(self, path: Path) -> None:
        """After an open of ``path`` (under ``_OPEN_LOCK``): hold its instance unless someone waits."""
        self.last_used[path] = time.monotonic()
        if self.idle_s <= 0 or path in self.held or _someone_waits(path):
            return
        self.held[path] = duckdb.connect(str(path))  # the instance is up: this only attaches
        if self.reaper is None or not self.reaper.is_alive():
            self.reaper = threading.Thread(target=self._reap, name="warehouse-holder", daemon=True)
            self.reaper.start()

    def _reap(self) -> None:
        """Let go of each file idle for ``idle_s`` or wanted by another process; ends when none is held."""
        while True:
            time.sleep(min(0.25, max(self.idle_s, 0.01) / 4))
            with _OPEN_LOCK:
                now = time.monotonic()
                for path in list(self.held):
                    idle = now - self.last_used.get(path, 0.0) >= self.idle_s
                    if idle or self.idle_s <= 0 or _someone_waits(path):
                        self.held.pop(path).close()
                if not self.held:
                    self.reaper = None
                    return

    def release_all(self) -> None:
        with _OPEN_LOCK:
            while self.held:
                self.held.popitem()[1].close()


_HOLDER = _Holder()
atexit.register(_HOLDER.release_all)  # close cleanly (DuckDB checkpoints the last connection's close)


def keep_open(idle_s: float) -> None:
    """Keep each warehouse file this process uses open until ``idle_s`` seconds without an operation.

    For long-running processes (the dashboard). 0 restores one open per operation (the default,
    right for short command-line runs and for tests that start other processes on the same file).
    While a file is held, another process cannot open it; it waits (``lock_retries`` ×
    ``lock_wait_s``) and its ``.waiting`` mark makes the holder let go at the next check.
    """
    _HOLDER.idle_s = max(0.0, float(idle_s))


def _waiting_mark(path: Path) -> Path:
    return path.with_name(path.name + ".waiting")


def _someone_waits(path: Path) -> bool:
    """Whether another process has marked the file as wanted within its whole retry budget."""
    budget = int(config.get("lock_retries")) * float(config.get("lock_wait_s")) + 1.0
    try:
        return time.time() - _waiting_mark(path).stat().st_mtime < budget
    except OSError:
        return False


def _mark_waiting(path: Path, waiting: bool) -> None:
    try:
        if waiting:
            _waiting_mark(path).touch()
        else:
            _waiting_mark(path).unlink(missing_ok=True)
    except OSError:
        pass  # a read-only directory: the holder then lets go only when idle


def _rollback_quietly(con: duckdb.DuckDBPyConnection) -> None:
    """Roll back if a transaction is still open. After an I/O error DuckDB has already aborted it,
    and its 'cannot rollback - no transaction is active' must not hide the real cause."""
    try:
        con.execute("ROLLBACK")
    except duckdb.Error:
        pass


def _checkpoint(con: duckdb.DuckDBPyConnection) -> None:
    """Write the committed transaction from the WAL into the file itself.

    Closing the last connection used to do this after every write; with the instance held open
    (``keep_open``) the file alone would lack the write until the holder lets go, and a backup
    copying the file would miss it. The commit is already durable in the WAL, so a checkpoint
    that fails (another process's problem, a full disk) is left to the next close or write."""
    try:
        con.execute("CHECKPOINT")
    except duckdb.Error:
        pass


def _is_lock_error(error: Exception) -> bool:
    text = str(error)
    return "lock" in text.lower() and ("Could not set lock" in text or "Conflicting lock" in text)


class Warehouse:
    """A DuckDB warehouse file: hands out short-lived connections."""

    def __init__(self, path: str | Path | None = None):
        self.path = config.db_path(path)

    def __repr__(self) -> str:
        return f"Warehouse({str(self.path)!r})"

    # -- opening ---------------------------------------------------------
    def _connect(self) -> duckdb.DuckDBPyConnection:
        try:
            return self._open()
        except (OSError, duckdb.Error) as error:
            problem = storage_problem(error)
            if problem:
                raise WarehouseStorageError(problem) from error
            raise

    def _open(self) -> duckdb.DuckDBPyConnection:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        retries = int(config.get("lock_retries"))
        wait = float(config.get("lock_wait_s"))
        for attempt in range(retries + 1):
            try:
                with _OPEN_LOCK:
                    con = duckdb.connect(str(self.path))
                    _HOLDER.attach(self.path)
                if attempt:
                    _mark_waiting(self.path, False)
                break
            except duckdb.IOException as error:
                if _is_lock_error(error):
                    _mark_waiting(self.path, attempt < retries)
                if not _is_lock_error(error) or attempt == retries:
                    if _is_lock_error(error):
                        raise WarehouseBusy(
                            f"Cơ sở dữ liệu {self.path} đang được một tiến trình khác ghi; "
                            f"đã chờ {retries * wait:.0f} giây. Hãy thử lại sau khi lượt nạp kết thúc."
                        ) from error
                    raise
                time.sleep(wait)
        # The KPI queries join their rows to a table of the period's parts (at most a few dozen rows)
        # on date ranges: a nested loop over so few rows beats DuckDB's range-join setup
        # (PAKN counts by month × unit: 16 → 10 ms CPU on 10 million dossiers).
        con.execute("SET nested_loop_join_threshold = 64")
        self._ensure_schema(con)
        return con

    def _ensure_schema(self, con: duckdb.DuckDBPyConnection) -> None:
        key = str(self.path.resolve())
        if key in _INITIALIZED:
            return
        with _INIT_LOCK, _WRITE_LOCK:
            if key not in _INITIALIZED:
                schema.migrate(con)
                _INITIALIZED.add(key)

    @contextmanager
    def read(self) -> Iterator[duckdb.DuckDBPyConnection]:
        """A connection for queries; closed when the block ends."""
        con = self._connect()
        try:
            yield con
        finally:
            _close(con)

    @contextmanager
    def write(self, bump_version: bool = True) -> Iterator[duckdb.DuckDBPyConnection]:
        """A connection inside one transaction: all of the block commits, or none of it.

        The data version is bumped in the same transaction, so caches keyed on it
        refresh exactly when the new data becomes visible. Writes that change no
        reported figure (accounts, the audit log) pass ``bump_version=False`` so a
        login does not empty every cache.
        """
        with _WRITE_LOCK:
            con = self._connect()
            try:
                con.execute("BEGIN TRANSACTION")
                try:
                    yield con
                    if bump_version:
                        schema.refresh_derived(con)
                        con.execute(
                            "UPDATE meta SET value = CAST(CAST(value AS BIGINT) + 1 AS VARCHAR) WHERE key = 'data_version'"
                        )
                    con.execute("COMMIT")
                except BaseException as error:
                    _rollback_quietly(con)
                    problem = storage_problem(error)
                    if problem:
                        raise WarehouseStorageError(problem) from error
                    raise
                _checkpoint(con)
            finally:
                _close(con)

    # -- conveniences ----------------------------------------------------
    def query(self, sql: str, params: list | dict | None = None) -> list[tuple]:
        with self.read() as con:
            return con.execute(sql, params or []).fetchall()

    def query_df(self, sql: str, params: list | dict | None = None):
        with self.read() as con:
            return con.execute(sql, params or []).df()

    def data_version(self) -> int:
        """A number that changes whenever a write commits; cache keys include it."""
        rows = self.query("SELECT value FROM meta WHERE key = 'data_version'")
        return int(rows[0][0]) if rows else 0

    def freshness(self) -> dict:
        """When the newest data is from and when it was loaded (for 'Dữ liệu đến ngày …')."""
        with self.read() as con:
            loaded_at = con.execute("SELECT max(finished_at) FROM load_batches WHERE status = 'loaded'").fetchone()[0]
            # The data date KPIs judge open dossiers at (kpi.warehouse.schema.DATA_DATE_SQL), kept on write.
            return {"data_until": schema.data_date(con), "loaded_at": loaded_at}


@contextmanager
def scratch() -> Iterator[duckdb.DuckDBPyConnection]:
    """An in-memory DuckDB connection for work over files (the Parquet lake), never the warehouse file."""
    con = duckdb.connect(":memory:")
    try:
        yield con
    finally:
        con.close()


def open_warehouse(path: str | Path | None = None) -> Warehouse:
    return Warehouse(path)

"""The only door to DuckDB.

DuckDB lets one process hold a database file at a time. So nothing here keeps a
connection open between operations: every read and every write opens the file,
does its work and closes it. That lets the dashboard, a CLI load and a cron report
take turns on the same file. When another process holds the file, opening is
retried a bounded number of times, then a ``WarehouseBusy`` error with a clear
message is raised.

Writes are serialized inside the process by one lock, run in one transaction and
bump the data version that caches key on, so a reader never sees half a load and
a cache never serves numbers from before it.
"""
from __future__ import annotations

import threading
import time
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

import duckdb

from kpi import config, schema

_WRITE_LOCK = threading.RLock()
_INITIALIZED: set[str] = set()
_INIT_LOCK = threading.Lock()


class WarehouseBusy(RuntimeError):
    """Another process holds the warehouse file longer than we are willing to wait."""


class WarehouseUnwritable(RuntimeError):
    """The warehouse file cannot be written (disk full, read-only file system); the write changed nothing.

    Its message is a Vietnamese sentence for the user; the storage error is its ``__cause__``.
    """


# Storage errors as the operating system words them (DuckDB passes strerror through).
_STORAGE_ERRORS = {
    "no space left on device": "ổ đĩa đã đầy",
    "disk quota exceeded": "đã hết hạn mức dung lượng ổ đĩa",
    "read-only file system": "ổ đĩa chỉ cho phép đọc (read-only)",
    "permission denied": "không có quyền ghi tệp",
}


def _unwritable(error: BaseException, path: Path) -> WarehouseUnwritable | None:
    text = str(error).lower()
    cause = next((words for sign, words in _STORAGE_ERRORS.items() if sign in text), None)
    if cause is None:
        return None
    return WarehouseUnwritable(f"Không ghi được vào cơ sở dữ liệu {path}: {cause}. Dữ liệu không thay đổi. "
                               "Hãy báo quản trị hệ thống giải phóng dung lượng hoặc cấp quyền ghi rồi thử lại.")


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
        self.path.parent.mkdir(parents=True, exist_ok=True)
        retries = int(config.get("lock_retries"))
        wait = float(config.get("lock_wait_s"))
        for attempt in range(retries + 1):
            try:
                con = duckdb.connect(str(self.path))
                break
            except duckdb.IOException as error:
                if not _is_lock_error(error) or attempt == retries:
                    if _is_lock_error(error):
                        raise WarehouseBusy(
                            f"Cơ sở dữ liệu {self.path} đang được một tiến trình khác ghi; "
                            f"đã chờ {retries * wait:.0f} giây. Hãy thử lại sau khi lượt nạp kết thúc."
                        ) from error
                    unwritable = _unwritable(error, self.path)
                    if unwritable is not None:
                        raise unwritable from error
                    raise
                time.sleep(wait)
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
            con.close()

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
                    _rollback(con)
                    unwritable = _unwritable(error, self.path)
                    if unwritable is not None:
                        raise unwritable from error
                    raise
            finally:
                con.close()

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
            # The data date KPIs judge open dossiers at (kpi.schema.DATA_DATE_SQL), kept on write.
            return {"data_until": schema.data_date(con), "loaded_at": loaded_at}


def _rollback(con: duckdb.DuckDBPyConnection) -> None:
    """Roll back if a transaction is still open: a failed COMMIT (disk full) has already ended it, and
    "cannot rollback - no transaction is active" must not hide the real error."""
    try:
        con.execute("ROLLBACK")
    except duckdb.Error:
        pass


def open_warehouse(path: str | Path | None = None) -> Warehouse:
    return Warehouse(path)

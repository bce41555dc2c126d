"""CPU time of process groups during a benchmark, read from /proc (Linux), for bench/concurrency.py.

The dashboard server, the browser and the bench share the machine (with whatever else runs on
it), so wall times alone cannot say who spent the cores. ``CpuWatch`` samples ``/proc/<pid>/stat``
of every process twice a second, sorts each into a group by its ancestry (the server and its
reader processes, Chromium, the Playwright driver, this bench) and keeps the last CPU time seen
per process, so a process that ends between two marks still counts up to its last sample. The
machine's own busy time (``/proc/stat``) gives the share left to everything else.
"""
from __future__ import annotations

import os
import threading
import time
from pathlib import Path

TICK = os.sysconf("SC_CLK_TCK")


def _stat(pid: str) -> tuple[int, str, float] | None:
    """(parent pid, command name, user+system seconds) of a process, or None when it is gone."""
    try:
        text = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    name = text[text.index("(") + 1:text.rindex(")")]
    fields = text[text.rindex(")") + 2:].split()
    return int(fields[1]), name, (int(fields[11]) + int(fields[12])) / TICK


def machine_busy() -> tuple[float, float]:
    """(busy, total) CPU seconds of the whole machine since boot, all cores."""
    values = [int(v) for v in Path("/proc/stat").read_text().splitlines()[0].split()[1:]]
    idle = values[3] + values[4]
    return (sum(values) - idle) / TICK, sum(values) / TICK


class CpuWatch:
    """Per-group CPU seconds between ``mark()`` calls. ``roots`` maps a group to the pid whose
    process tree it is; a process under the bench that no root claims goes to "chromium" or
    "driver" (Playwright's node) by its name, else to "bench"."""

    def __init__(self, roots: dict[str, int], interval: float = 0.5):
        self.roots = roots
        self.interval = interval
        self.seen: dict[int, tuple[str, float]] = {}  # pid -> (group, last CPU seconds)
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, daemon=True)

    def __enter__(self) -> "CpuWatch":
        self.sample()
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._thread.join(5)
        self.sample()

    def _loop(self) -> None:
        while not self._stop.wait(self.interval):
            self.sample()

    def sample(self) -> None:
        table = {}
        for pid in os.listdir("/proc"):
            if pid.isdigit():
                row = _stat(pid)
                if row:
                    table[int(pid)] = row
        with self._lock:
            for pid, (_, name, seconds) in table.items():
                group = self._group(pid, table)
                if group:
                    self.seen[pid] = (group, seconds)

    def _group(self, pid: int, table: dict) -> str | None:
        by_pid = {root: group for group, root in self.roots.items()}
        me, chain = os.getpid(), pid
        for _ in range(64):  # bounded walk up the tree
            if chain in by_pid:
                return by_pid[chain]
            if chain == me:
                name = table[pid][1]
                return "chromium" if "chrom" in name else "driver" if name == "node" else "bench"
            row = table.get(chain)
            if row is None or row[0] in (0, chain):
                return None
            chain = row[0]
        return None

    def mark(self) -> dict:
        """CPU seconds per group so far, and the machine's busy/total seconds."""
        self.sample()
        with self._lock:
            totals: dict[str, float] = {}
            for group, seconds in self.seen.values():
                totals[group] = totals.get(group, 0.0) + seconds
            per_pid = dict(self.seen)
        busy, total = machine_busy()
        return {"groups": totals, "pids": per_pid, "busy": busy, "total": total, "wall": time.monotonic()}


def spent(before: dict, after: dict) -> dict[str, float]:
    """CPU seconds per group between two marks (processes born in between count from zero)."""
    out: dict[str, float] = {}
    for pid, (group, seconds) in after["pids"].items():
        start = before["pids"].get(pid, (group, 0.0))[1]
        out[group] = out.get(group, 0.0) + max(0.0, seconds - start)
    out["machine"] = after["busy"] - before["busy"]
    out["others"] = out["machine"] - sum(v for k, v in out.items() if k != "machine")
    return out

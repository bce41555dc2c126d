"""A per-client brake on failed logins, in addition to the per-account lockout (issue 12 item 4).

The lockout protects one account; this protects the server and every account from one client
trying many names: after ``login_throttle_after`` failures from one browser session or one IP
address, each further attempt from it must wait 1, 2, 4 … seconds (at most
``login_throttle_max_s``) after the last failure. A waiting client is refused before any
password is hashed, so it costs the server nothing. The table lives in the process (the
Streamlit server), is bounded, and forgets a client after ``lockout_minutes`` of quiet.

Nothing here imports streamlit.
"""
from __future__ import annotations

import threading
import time
from typing import Iterable

from kpi import config

MAX_CLIENTS = 10_000  # bounded memory whatever a flood of addresses does


class Throttle:
    """Failures per client key ('ip:…', 'session:…'): count and time of the last one."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._failures: dict[str, tuple[int, float]] = {}

    def wait_seconds(self, keys: Iterable[str], now: float | None = None) -> float:
        """How long the client must still wait before its next attempt (0: it may try now)."""
        now = time.monotonic() if now is None else now
        after = int(config.get("login_throttle_after"))
        longest = float(config.get("login_throttle_max_s"))
        wait = 0.0
        with self._lock:
            for key in keys:
                count, last = self._failures.get(key, (0, now))
                if count >= after:
                    delay = min(longest, 2.0 ** (count - after))
                    wait = max(wait, last + delay - now)
        return max(0.0, wait)

    def failed(self, keys: Iterable[str], now: float | None = None) -> None:
        now = time.monotonic() if now is None else now
        forget_after = 60.0 * float(config.get("lockout_minutes"))
        with self._lock:
            for key in keys:
                count, last = self._failures.get(key, (0, now))
                self._failures[key] = (1 if now - last > forget_after else count + 1, now)
            if len(self._failures) > MAX_CLIENTS:
                self._forget_oldest()

    def succeeded(self, keys: Iterable[str]) -> None:
        with self._lock:
            for key in keys:
                self._failures.pop(key, None)

    def _forget_oldest(self) -> None:
        by_age = sorted(self._failures.items(), key=lambda item: item[1][1])
        for key, _ in by_age[: len(by_age) - MAX_CLIENTS // 2]:
            del self._failures[key]


LOGINS = Throttle()

"""Many viewers during a load: 20 browser sessions walk the pages while a 200 000-row upload commits.

    .venv/bin/python bench/concurrency.py --db /tmp/w10m.duckdb [--sessions 20] [--rows 200000] [--minutes 6]

A copy of ``--db`` (the upload writes into it) is served by the real dashboard (`streamlit run`,
127.0.0.1 only). Playwright opens one Chromium (/usr/bin/chromium) with ``--sessions`` contexts:
each logs in as a leader through the real form and opens the pages from the menu in turn,
timing click → run finished. Once every session has logged in, an analyst session uploads the
generated .xlsx through *Nạp dữ liệu* and confirms; the viewers keep walking until the load has
committed and each has finished one more round. Printed: p50 / p95 / max page time, page views
during the commit, errors (an exception box, an error message, a timeout) and lock messages
(the warehouse-busy text), and the upload's own time. Bounded: ``--minutes`` of wall time at
most, a fixed number of rounds per session, and every wait has a timeout.

Targets (issue 16): 0 errors, 0 lock messages, p95 ≤ 2 s.
"""
from __future__ import annotations

import argparse
import asyncio
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from kpi.access import accounts  # noqa: E402
from kpi.text import vi  # noqa: E402
from kpi.warehouse.db import Warehouse  # noqa: E402
from tests.browser_support import ARGS, CHROMIUM, NAV, NAV_LINKS, streamlit_server  # noqa: E402
from tests.fixtures_etl import Traits, make_rows, write_messy  # noqa: E402

PASSWORD = "Mat-khau-rat-dai-2024!"
PAGES = ("overview", "on_time", "digitization", "online", "satisfaction", "pakn", "unit", "drilldown")
LOCK_WORDS = ("đang được một tiến trình khác ghi", "lock")  # kpi.warehouse.db.WarehouseBusy's message
SETTLED = ("() => !document.querySelector('[data-testid=\"stStatusWidget\"]')"
           " || !/Running|Stop/.test(document.querySelector('[data-testid=\"stStatusWidget\"]').innerText)")


def first_line(error: BaseException) -> str:
    return f"{type(error).__name__}: {(str(error).splitlines() or [''])[0]}"


def note(run: "Run", text: str) -> None:
    print(f"[{time.monotonic() - run.started:6.1f} s] {text}", flush=True)


class Run:
    """What the sessions saw: page times, errors, lock messages, and when the load committed."""

    def __init__(self, deadline: float):
        self.deadline = deadline
        self.times: list[tuple[float, float, str]] = []  # (start, seconds, page)
        self.errors: list[str] = []
        self.locks = 0
        self.load_started = self.load_done = None
        self.started = time.monotonic()

    def left(self) -> float:
        return self.deadline - time.monotonic()


async def settle(tab, timeout_ms: int) -> None:
    await tab.wait_for_timeout(300)
    await tab.wait_for_function(SETTLED, timeout=timeout_ms)
    await tab.wait_for_selector("[data-testid='stMainBlockContainer'] h1", timeout=timeout_ms)


async def problems(tab) -> tuple[list[str], int]:
    """Exception boxes and error messages on the page, and how many speak of the warehouse lock."""
    texts = await tab.locator("[data-testid='stException'], [data-testid='stAlertContentError']").all_inner_texts()
    locks = sum(1 for t in texts if any(w in t.lower() for w in LOCK_WORDS))
    return texts, locks


async def login(tab, url: str, name: str, title: str) -> None:
    await tab.goto(url, timeout=120_000)
    await tab.get_by_label("Tên đăng nhập").fill(name)
    await tab.get_by_label("Mật khẩu").fill(PASSWORD)
    await tab.get_by_role("button", name="Đăng nhập").click()
    await tab.get_by_text(title, exact=True).first.wait_for(timeout=120_000)
    await settle(tab, 120_000)


async def viewer(browser, url: str, number: int, run: Run, logged_in: asyncio.Event, ready: list, rounds: int,
                 total: int) -> None:
    context = await browser.new_context(viewport={"width": 1920, "height": 1080}, locale="vi-VN")
    tab = await context.new_page()
    try:
        try:
            await login(tab, url, f"lanh-dao-{number}", vi.PAGE_TITLES["overview"])
        finally:  # the others do not wait for a session whose login failed
            ready.append(number)
            if len(ready) == total:
                note(run, f"{total} sessions logged in")
                logged_in.set()
        await asyncio.wait_for(logged_in.wait(), timeout=max(1, run.left()))
        done_after_load = 0
        for step in range(rounds * len(PAGES)):
            if run.left() < 5 or done_after_load >= len(PAGES):
                break
            name = PAGES[(step + number) % len(PAGES)]  # sessions start on different pages
            started = time.monotonic()
            try:
                await tab.locator(NAV_LINKS).filter(has_text=vi.PAGE_TITLES[name]).first.click(timeout=30_000)
                await tab.locator("[data-testid='stMainBlockContainer'] h1").filter(
                    has_text=vi.PAGE_TITLES[name]).first.wait_for(timeout=30_000)
                await settle(tab, 30_000)
            except Exception as error:  # a timeout is an error of the run, not of the bench
                run.errors.append(f"session {number} {name}: {first_line(error)}")
                continue
            run.times.append((started, time.monotonic() - started, name))
            texts, locks = await problems(tab)
            run.locks += locks
            run.errors += [f"session {number} {name}: {t.splitlines()[0] if t else '?'}" for t in texts]
            if run.load_done is not None and started > run.load_done:
                done_after_load += 1
    except Exception as error:
        run.errors.append(f"session {number}: {first_line(error)}")
    finally:
        await context.close()


async def uploader(browser, url: str, path: Path, run: Run, logged_in: asyncio.Event) -> None:
    context = await browser.new_context(viewport={"width": 1920, "height": 1080}, locale="vi-VN")
    tab = await context.new_page()
    try:
        await login(tab, url, "chuyen-vien", vi.PAGE_TITLES["overview"])
        await asyncio.wait_for(logged_in.wait(), timeout=max(1, run.left()))
        await tab.locator(NAV).get_by_text("Nạp dữ liệu", exact=True).first.click()
        await settle(tab, 60_000)
        await tab.locator("[data-testid='stFileUploader'] input[type='file']").set_input_files(str(path))
        confirm = tab.get_by_role("button", name="Xác nhận nạp")
        await confirm.wait_for(timeout=int(max(1, run.left()) * 1000))
        await settle(tab, 300_000)
        note(run, "upload checked, confirming")
        run.load_started = time.monotonic()
        await confirm.click()
        await tab.get_by_text("Đã nạp xong lượt").first.wait_for(timeout=int(max(1, run.left()) * 1000))
        run.load_done = time.monotonic()
        note(run, f"upload committed in {run.load_done - run.load_started:.1f} s")
    except Exception as error:
        run.errors.append(f"upload: {first_line(error)}")
        run.load_done = time.monotonic()
    finally:
        await context.close()


async def drive(url: str, path: Path, sessions: int, rounds: int, run: Run) -> None:
    from playwright.async_api import async_playwright

    async with async_playwright() as p:
        browser = await p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        try:
            logged_in, ready = asyncio.Event(), []
            tasks = [viewer(browser, url, i, run, logged_in, ready, rounds, sessions) for i in range(sessions)]
            tasks.append(uploader(browser, url, path, run, logged_in))
            try:
                await asyncio.wait_for(asyncio.gather(*tasks), timeout=max(1, run.left()) + 30)
            except TimeoutError:
                run.errors.append("bench: the time bound (--minutes) ended the run")
        finally:
            await browser.close()


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", required=True, help="warehouse to copy and serve")
    parser.add_argument("--sessions", type=int, default=20)
    parser.add_argument("--rows", type=int, default=200_000)
    parser.add_argument("--rounds", type=int, default=3, help="walks through every page per session, at most")
    parser.add_argument("--minutes", type=float, default=6.0, help="wall-time bound of the browser part")
    parser.add_argument("--keep", default=None, help="reuse/keep the generated .xlsx at this path")
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="bench_concurrency_"))
    try:
        db = work / "served.duckdb"
        shutil.copy(args.db, db)
        wh = Warehouse(db)
        accounts.create_user(wh, "chuyen-vien", PASSWORD, "analyst")
        for i in range(args.sessions):
            accounts.create_user(wh, f"lanh-dao-{i}", PASSWORD, "leader")
        n = wh.query("SELECT count(*) FROM dossiers")[0][0]
        path = Path(args.keep) if args.keep else work / "mot_cua_200k.xlsx"
        if not path.exists():
            write_messy(path, make_rows(args.rows, seed=5, start=__import__("datetime").datetime(2025, 12, 1, 8)),
                        Traits(title_rows=3, date_style="excel"))
        print(f"{n:,} dossiers; {args.sessions} sessions; upload of {args.rows:,} rows ({path.name})")
        run = Run(time.monotonic() + args.minutes * 60)
        with streamlit_server(db, work) as url:
            asyncio.run(drive(url, path, args.sessions, args.rounds, run))
        report(run)
        return 0 if not run.errors and not run.locks else 1
    finally:
        shutil.rmtree(work, ignore_errors=True)


def report(run: Run) -> None:
    seconds = [s for _, s, _ in run.times]
    if not seconds:
        print("no page view finished")
    else:
        p95 = percentile(seconds, 0.95)
        print(f"page views {len(seconds)}: p50 {statistics.median(seconds):.2f} s, p95 {p95:.2f} s "
              f"(target ≤ 2 s), max {max(seconds):.2f} s")
        if run.load_started and run.load_done:
            during = [s for start, s, _ in run.times if run.load_started <= start <= run.load_done]
            print(f"upload confirm → committed {run.load_done - run.load_started:.1f} s; page views started meanwhile "
                  f"{len(during)}" + (f", p95 {percentile(during, 0.95):.2f} s, max {max(during):.2f} s" if during else ""))
        by_page = {}
        for _, s, name in run.times:
            by_page.setdefault(name, []).append(s)
        for name, values in by_page.items():
            print(f"  {name:<14} n {len(values):>3}  p50 {statistics.median(values):5.2f} s  max {max(values):5.2f} s")
    print(f"errors {len(run.errors)} (target 0), lock messages {run.locks} (target 0)")
    for line in run.errors[:20]:
        print("  " + line)


if __name__ == "__main__":
    sys.exit(main())

"""Many viewers during a load: 20 browser sessions walk the pages while a 200 000-row upload commits.

    .venv/bin/python bench/concurrency.py --db /tmp/w10m.duckdb [--sessions 20] [--rows 200000] [--minutes 8]
                                          [--think 0] [--logins-at-once 4] [--browser-nice 0] [--logs DIR]

A copy of ``--db`` (the upload writes into it) is served by the real dashboard (`streamlit run`,
127.0.0.1 only). Playwright opens one headless Chromium (/usr/bin/chromium) with ``--sessions``
contexts (1920×1080, no screenshots): each logs in as a leader through the real form
(``--logins-at-once`` at a time: people arrive over a minute, not in one second) and opens
the pages from the menu in turn, timing click → done: the page's title is drawn and Streamlit
says the run has finished (``stApp``'s script state back to ``notRunning``), no fixed sleeps.
``--think`` seconds on average (±50 %, drawn per session) pass between a page's end and the next
click, the time a viewer reads the page (0: every session clicks again at once, the worst case).
Once every session has logged in, an analyst session uploads the generated .xlsx through
*Nạp dữ liệu* and confirms; the viewers keep walking until the load has committed and each has
finished one more round. Printed: p50 / p95 / max page time, page views
during the commit, errors (an exception box, an error message, a timeout) and lock messages
(the warehouse-busy text), the upload's own time; the server's own run durations (a timing hook,
bench/rerun_timer, logs every script run: wall and CPU of its thread); CPU seconds spent by the
server, Chromium and the rest of the machine while the sessions walked; the load average.
Bounded: ``--minutes`` of wall time at most, a fixed number of rounds per session, and every
wait has a timeout.

The browser is the client, not the system under test: on the real system each viewer's browser
runs on its own computer. Here it shares the cores with the server, so Chromium is started
without CAP_SYS_NICE (as root it would otherwise raise its browser and GPU processes to nice -8,
above the server) at ``--browser-nice`` (default 0, the server's own priority; a higher value lets
the server go first, but on a machine shared with other work it starves the browsers' logins).
The time a browser waits for a core still counts in the page time; the CPU lines say who spent it.

Targets (issue 16): 0 errors, 0 lock messages, p95 ≤ 2 s.
"""
from __future__ import annotations

import argparse
import asyncio
import os
import random
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
from bench.cpu_watch import CpuWatch, spent  # noqa: E402
from tests.browser_support import ARGS, CHROMIUM, NAV, NAV_LINKS, VIEWPORT, streamlit_server  # noqa: E402
from tests.fixtures_etl import Traits, make_rows, write_messy  # noqa: E402

PASSWORD = "Mat-khau-rat-dai-2024!"
PAGES = ("overview", "on_time", "digitization", "online", "satisfaction", "pakn", "unit", "drilldown")
LOCK_WORDS = ("đang được một tiến trình khác ghi", "lock")  # kpi.warehouse.db.WarehouseBusy's message
SETTLED = ("() => !document.querySelector('[data-testid=\"stStatusWidget\"]')"
           " || !/Running|Stop/.test(document.querySelector('[data-testid=\"stStatusWidget\"]').innerText)")
# A page is done when its title is drawn and Streamlit's run has finished (the app root's script state back
# to 'notRunning'). The walk never clicks the page already on screen, so the title is the new run's own.
STATE = ("(title) => { const app = document.querySelector('[data-testid=\"stApp\"]');"
         " return {state: app ? app.getAttribute('data-test-script-state') : null,"
         " title: [...document.querySelectorAll('[data-testid=\"stMainBlockContainer\"] h1')]"
         ".some(h => h.innerText.includes(title))}; }")
DONE = f"(title) => {{ const s = ({STATE})(title); return s.state === 'notRunning' && s.title; }}"
POLL_MS = 50
TIMER = ROOT / "bench" / "rerun_timer"


def first_line(error: BaseException) -> str:
    """The error's first line and, for a Playwright timeout, the last step of its call log (what it waited for)."""
    lines = [line.strip() for line in str(error).splitlines() if line.strip()]
    text = f"{type(error).__name__}: {lines[0] if lines else ''}"
    return text + (f" [{lines[-1]}]" if len(lines) > 2 and lines[1].startswith("Call log") else "")


def note(run: "Run", text: str) -> None:
    print(f"[{time.monotonic() - run.started:6.1f} s] {text}", flush=True)


class Run:
    """What the sessions saw: page times, errors, lock messages, and when the load committed."""

    def __init__(self, deadline: float, logins_at_once: int = 4):
        self.deadline = deadline
        self.login_gate, self.login_gate_size = asyncio.Semaphore(logins_at_once), logins_at_once
        self.logins: list[float] = []  # seconds from opening the address to the first page drawn
        self.times: list[tuple[float, float, str]] = []  # (start, seconds, page)
        self.errors: list[str] = []
        self.locks = 0
        self.load_started = self.load_done = None
        self.started = time.monotonic()
        self.walk_started = None  # time.time() when every session had logged in
        self.watch: CpuWatch | None = None
        self.marks: dict[str, dict] = {}  # CPU per process group at: walk, load, committed, end
        self.loads: dict[str, tuple[float, float, float]] = {}  # load average at the same moments

    def mark(self, name: str) -> None:
        if self.watch is not None:
            self.marks[name] = self.watch.mark()
        self.loads[name] = os.getloadavg()

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


async def login(tab, url: str, name: str, title: str, run: "Run") -> None:
    """Open the dashboard and sign in through the real form, a few sessions at a time (``run.login_gate``):
    viewers arrive over a minute, not in the same second; the walk that is timed starts once all are in."""
    async with run.login_gate:
        started = time.monotonic()
        await tab.goto(url, timeout=120_000)
        await tab.get_by_label("Tên đăng nhập").fill(name)
        await tab.get_by_label("Mật khẩu").fill(PASSWORD)
        await tab.get_by_role("button", name="Đăng nhập").click()
        await tab.get_by_text(title, exact=True).first.wait_for(timeout=120_000)
        await settle(tab, 120_000)
        run.logins.append(time.monotonic() - started)


def page_to_open(session: int, step: int) -> str:
    """The page a session opens at a step: sessions start on different pages, never on the overview they
    see after logging in, and then follow the menu, so no click asks for the page already on screen."""
    return PAGES[(step + 1 + session % (len(PAGES) - 1)) % len(PAGES)]


async def open_page(tab, title: str) -> None:
    """Click the menu entry of ``title`` and wait until that page is done (see ``DONE``); a timeout says
    what the page showed then."""
    await tab.locator(NAV_LINKS).filter(has_text=title).first.click(timeout=30_000)
    try:
        await tab.wait_for_function(DONE, arg=title, timeout=30_000, polling=POLL_MS)
    except Exception as error:
        seen = await tab.evaluate(STATE, title)
        raise TimeoutError(f"{first_line(error)} (script state {seen['state']}, "
                           f"title {'drawn' if seen['title'] else 'not drawn'})") from error


async def viewer(browser, url: str, number: int, run: Run, logged_in: asyncio.Event, ready: list, rounds: int,
                 total: int, think: float) -> None:
    context = await browser.new_context(viewport=VIEWPORT, locale="vi-VN")
    tab = await context.new_page()
    try:
        try:
            await login(tab, url, f"lanh-dao-{number}", vi.PAGE_TITLES["overview"], run)
        finally:  # the others do not wait for a session whose login failed
            ready.append(number)
            if len(ready) == total:
                note(run, f"{total} sessions logged in")
                run.walk_started = time.time()
                run.mark("walk")
                logged_in.set()
        await asyncio.wait_for(logged_in.wait(), timeout=max(1, run.left()))
        done_after_load, reader = 0, random.Random(number)  # reading times vary, so sessions do not click in step
        for step in range(rounds * len(PAGES)):
            if run.left() < 5 or done_after_load >= len(PAGES):
                break
            name = page_to_open(number, step)
            if step and think:
                await asyncio.sleep(min(think * reader.uniform(0.5, 1.5), max(0.0, run.left() - 5)))
            started = time.monotonic()
            try:
                await open_page(tab, vi.PAGE_TITLES[name])
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
    context = await browser.new_context(viewport=VIEWPORT, locale="vi-VN")
    tab = await context.new_page()
    try:
        await login(tab, url, "chuyen-vien", vi.PAGE_TITLES["overview"], run)
        await asyncio.wait_for(logged_in.wait(), timeout=max(1, run.left()))
        await tab.locator(NAV).get_by_text("Nạp dữ liệu", exact=True).first.click()
        await settle(tab, 60_000)
        await tab.locator("[data-testid='stFileUploader'] input[type='file']").set_input_files(str(path))
        confirm = tab.get_by_role("button", name="Xác nhận nạp")
        await confirm.wait_for(timeout=int(max(1, run.left()) * 1000))
        await settle(tab, 300_000)
        note(run, "upload checked, confirming")
        run.load_started = time.monotonic()
        run.mark("load")
        await confirm.click()
        await tab.get_by_text("Đã nạp xong lượt").first.wait_for(timeout=int(max(1, run.left()) * 1000))
        run.load_done = time.monotonic()
        run.mark("committed")
        note(run, f"upload committed in {run.load_done - run.load_started:.1f} s")
    except Exception as error:
        run.errors.append(f"upload: {first_line(error)}")
        run.load_done = time.monotonic()
    finally:
        await context.close()


def browser_launcher(work: Path, nice: int) -> Path:
    """A script that starts Chromium without CAP_SYS_NICE (so it cannot raise its own priority) at ``nice``."""
    script = work / "chromium"
    script.write_text(f'#!/bin/sh\nexec setpriv --bounding-set -sys_nice --inh-caps -sys_nice '
                      f'nice -n {nice} {CHROMIUM} "$@"\n')
    script.chmod(0o755)
    return script


async def drive(url: str, path: Path, args, run: Run, launcher: Path) -> None:
    from playwright.async_api import async_playwright

    async with async_playwright() as p:
        browser = await p.chromium.launch(executable_path=str(launcher), args=ARGS)
        try:
            logged_in, ready = asyncio.Event(), []
            tasks = [viewer(browser, url, i, run, logged_in, ready, args.rounds, args.sessions, args.think)
                     for i in range(args.sessions)]
            tasks.append(uploader(browser, url, path, run, logged_in))
            try:
                await asyncio.wait_for(asyncio.gather(*tasks), timeout=max(1, run.left()) + 30)
            except TimeoutError:
                run.errors.append("bench: the time bound (--minutes) ended the run")
        finally:
            await browser.close()


def server_pid(url: str) -> int:
    """The pid of the `streamlit run` serving ``url`` (found by its port on the command line)."""
    port = url.rsplit(":", 1)[1].encode()
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                argv = (entry / "cmdline").read_bytes().split(b"\0")
            except OSError:
                continue
            if b"streamlit" in b" ".join(argv) and b"--server.port" in argv and port in argv:
                return int(entry.name)
    raise RuntimeError(f"no streamlit process serves {url}")


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", required=True, help="warehouse to copy and serve")
    parser.add_argument("--sessions", type=int, default=20)
    parser.add_argument("--rows", type=int, default=200_000)
    parser.add_argument("--rounds", type=int, default=3, help="walks through every page per session, at most")
    parser.add_argument("--minutes", type=float, default=8.0, help="wall-time bound of the browser part")
    parser.add_argument("--keep", default=None, help="reuse/keep the generated .xlsx at this path")
    parser.add_argument("--think", type=float, default=0.0, help="mean seconds a viewer reads a page before the next click (±50 %%)")
    parser.add_argument("--browser-nice", type=int, default=0, help="nice value of Chromium (the client)")
    parser.add_argument("--logins-at-once", type=int, default=4, help="sessions signing in at the same time")
    parser.add_argument("--logs", default=None, help="copy the server's log and run timings into this folder")
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
        print(f"{n:,} dossiers; {args.sessions} sessions, think {args.think:g} s, Chromium at nice "
              f"{args.browser_nice}; upload of {args.rows:,} rows ({path.name}); load average before "
              + " ".join(f"{v:.2f}" for v in os.getloadavg()), flush=True)
        run = Run(time.monotonic() + args.minutes * 60, args.logins_at_once)
        reruns = work / "reruns.tsv"
        timing = {"PYTHONPATH": f"{TIMER}{os.pathsep}{ROOT}", "TTHC_RERUN_LOG": str(reruns)}
        with streamlit_server(db, work, env=timing) as url:
            with CpuWatch({"server": server_pid(url)}) as watch:
                run.watch = watch
                asyncio.run(drive(url, path, args, run, browser_launcher(work, args.browser_nice)))
                run.mark("end")
        report(run)
        report_server(run, reruns)
        report_cpu(run)
        if args.logs:
            Path(args.logs).mkdir(parents=True, exist_ok=True)
            for kept in (work / "streamlit.log", reruns):
                if kept.exists():
                    shutil.copy(kept, Path(args.logs) / kept.name)
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
    if run.logins:
        print(f"logins {len(run.logins)} ({run.login_gate_size} at a time, not timed as page views): "
              f"p50 {statistics.median(run.logins):.1f} s, max {max(run.logins):.1f} s")
    print(f"errors {len(run.errors)} (target 0), lock messages {run.locks} (target 0)")
    for line in run.errors[:20]:
        print("  " + line)



def read_reruns(path: Path) -> list[tuple[float, str, float, float, str]]:
    """(end time, page, wall s, thread CPU s, outcome) of every server run the timing hook logged."""
    rows = []
    if path.exists():
        for line in path.read_text(encoding="utf-8").splitlines():
            end, _session, page, wall, cpu, outcome = line.split("\t")
            rows.append((float(end), page, float(wall), float(cpu), outcome))
    return rows


def report_server(run: Run, path: Path) -> None:
    """The server's own view: how long each script run took while the sessions walked."""
    rows = [r for r in read_reruns(path) if run.walk_started and r[0] >= run.walk_started]
    if not rows:
        print("server runs: none logged (timing hook missing?)")
        return
    walls, cpus = [r[2] for r in rows], [r[3] for r in rows]
    print(f"server script runs while walking {len(rows)}: wall p50 {statistics.median(walls):.2f} s, "
          f"p95 {percentile(walls, 0.95):.2f} s, max {max(walls):.2f} s; CPU of the run's thread "
          f"p50 {statistics.median(cpus):.3f} s, p95 {percentile(cpus, 0.95):.3f} s, total {sum(cpus):.1f} s; "
          f"outcomes " + ", ".join(f"{o} {sum(1 for r in rows if r[4] == o)}" for o in sorted({r[4] for r in rows})))
    by_page: dict[str, list] = {}
    for _, page, wall, cpu, _ in rows:
        by_page.setdefault(page, []).append((wall, cpu))
    for page, values in sorted(by_page.items()):
        print(f"  {page:<14} n {len(values):>3}  wall p50 {statistics.median(v[0] for v in values):5.2f} s  "
              f"CPU p50 {statistics.median(v[1] for v in values):5.3f} s")


def report_cpu(run: Run) -> None:
    """CPU seconds per process group in each phase, with the wall time and the load average."""
    phases = [("walk", "load", "sessions walking before the commit"), ("load", "committed", "during the commit"),
              ("committed", "end", "after the commit")]
    for start, stop, label in phases:
        if start not in run.marks or stop not in run.marks:
            continue
        cpu = spent(run.marks[start], run.marks[stop])
        wall = run.marks[stop]["wall"] - run.marks[start]["wall"]
        groups = ", ".join(f"{k} {cpu.get(k, 0.0):.1f}" for k in ("server", "chromium", "driver", "bench", "others"))
        print(f"CPU s {label} ({wall:.1f} s wall × {os.cpu_count()} cores = {os.cpu_count() * wall:.0f} core-s): {groups}; "
              f"load average at its end {run.loads[stop][0]:.2f}")


if __name__ == "__main__":
    sys.exit(main())

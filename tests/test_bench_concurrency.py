"""The measuring parts of bench/concurrency.py: CPU per process group (bench/cpu_watch.py) and the
server-side run timer (bench/rerun_timer/sitecustomize.py)."""
from __future__ import annotations

import importlib.util
import subprocess
import sys
import time
from pathlib import Path

from bench import cpu_watch
from bench.concurrency import PAGES, first_line, page_to_open, percentile, read_reruns

ROOT = Path(__file__).resolve().parent.parent


def test_spent_counts_each_process_from_its_first_sample_and_leaves_the_rest_to_others():
    before = {"pids": {10: ("server", 5.0), 20: ("chromium", 1.0)}, "busy": 100.0}
    after = {"pids": {10: ("server", 6.5), 20: ("chromium", 4.0), 30: ("chromium", 0.5)}, "busy": 110.0}
    got = cpu_watch.spent(before, after)
    # server 6.5 − 5.0; chromium (4.0 − 1.0) + 0.5 born in between; the machine was busy 10 s
    assert got == {"server": 1.5, "chromium": 3.5, "machine": 10.0, "others": 5.0}


def test_cpu_watch_charges_a_process_tree_to_its_group():
    burner = subprocess.Popen([sys.executable, "-c", "import time\nt = time.process_time()\n"
                               "while time.process_time() - t < 0.3: pass\ntime.sleep(30)"])
    try:
        with cpu_watch.CpuWatch({"server": burner.pid}, interval=0.05) as watch:
            start = watch.mark()
            for _ in range(600):  # the child burns 0.3 s of CPU, then sleeps; wait for that (≤ 60 s)
                time.sleep(0.1)
                if cpu_watch.spent(start, watch.mark()).get("server", 0.0) >= 0.25:
                    break
            got = cpu_watch.spent(start, watch.mark())
    finally:
        burner.kill()
        burner.wait()
    assert 0.25 <= got["server"] < 1.0  # the 0.3 s loop (and part of its interpreter's start-up)
    assert got.get("chromium", 0.0) == 0.0


def test_percentile_is_the_nearest_rank():
    assert percentile([5.0, 1.0, 3.0, 2.0, 4.0], 0.5) == 3.0
    assert percentile([float(v) for v in range(1, 21)], 0.95) == 19.0  # rank round(0.95 × 19) = 18 → 19 s


def test_rerun_timer_logs_every_script_run_with_its_outcome(tmp_path, monkeypatch):
    from streamlit.runtime.scriptrunner import script_runner
    from streamlit.testing.v1 import AppTest

    monkeypatch.setattr(script_runner, "exec_func_with_error_handling",
                        script_runner.exec_func_with_error_handling)  # put back after the test
    spec = importlib.util.spec_from_file_location("rerun_timer", ROOT / "bench" / "rerun_timer" / "sitecustomize.py")
    timer = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(timer)  # TTHC_RERUN_LOG is unset here: importing patches nothing
    log = tmp_path / "reruns.tsv"
    timer.install(str(log))

    def page():
        import time as t

        import streamlit as st

        t.sleep(0.2)
        st.title("x")
        if st.session_state.get("stop"):
            st.stop()

    app = AppTest.from_function(page).run()
    app.session_state["stop"] = True
    app.run()
    rows = read_reruns(log)
    assert [r[4] for r in rows] == ["ok", "stopped"]
    assert all(r[2] >= 0.2 for r in rows)  # wall time of the run includes its sleep
    assert all(0 <= r[3] < r[2] for r in rows)  # CPU of the thread: the sleep is not in it


def test_no_session_clicks_the_page_already_on_screen():
    assert PAGES[0] == "overview"  # where a login lands
    for session in range(20):
        walk = ["overview"] + [page_to_open(session, step) for step in range(3 * len(PAGES))]
        assert all(a != b for a, b in zip(walk, walk[1:])), session
        assert sorted(walk[1:len(PAGES) + 1]) == sorted(PAGES)  # one round opens every page once
    assert [page_to_open(s, 0) for s in (0, 1, 6, 7)] == ["on_time", "digitization", "drilldown", "on_time"]


def test_an_error_line_keeps_what_a_playwright_timeout_waited_for():
    timeout = TimeoutError("Locator.click: Timeout 30000ms exceeded.\nCall log:\n  - waiting for locator\n"
                           "  - element is not stable\n")
    assert first_line(timeout) == "TimeoutError: Locator.click: Timeout 30000ms exceeded. [- element is not stable]"
    assert first_line(ValueError("one\ntwo")) == "ValueError: one"

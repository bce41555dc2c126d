"""Server-side timing for bench/concurrency.py: one line per Streamlit script run.

Put this folder first on the server's PYTHONPATH and name a log file in ``TTHC_RERUN_LOG``;
every script run then appends ``end_time session page wall_s thread_cpu_s outcome`` (tab-separated;
outcome ``ok``, ``stopped`` (st.stop, e.g. the login form), ``rerun``, ``exception``).
Wall time is the run itself (not the wait for a free core before it starts); thread CPU is what
the run's own thread spent (DuckDB's worker threads are not in it). Bench-only: the dashboard
never imports this, and without ``TTHC_RERUN_LOG`` nothing is patched.
"""
import os
import threading
import time

_LOG = os.environ.pop("TTHC_RERUN_LOG", None)  # popped: the reader processes it starts stay unpatched


def install(log_path: str) -> None:
    """Wrap Streamlit's script execution so that each run appends its line to ``log_path``."""
    from streamlit.runtime.scriptrunner import script_runner

    original = script_runner.exec_func_with_error_handling
    lock = threading.Lock()

    def timed(func, ctx):
        wall, cpu = time.perf_counter(), time.thread_time()
        try:
            result = original(func, ctx)
        except BaseException:
            result = None
            raise
        finally:
            wall, cpu = time.perf_counter() - wall, time.thread_time() - cpu
            try:
                page = ctx.pages_manager.get_pages().get(ctx.page_script_hash, {}).get("url_pathname", "?")
            except Exception:  # noqa: BLE001 - timing must never break a run
                page = "?"
            # (result, ran without errors, rerun requested, stopped early, uncaught exception)
            outcome = ("error" if result is None else "exception" if result[4] else "rerun" if result[2]
                       else "stopped" if result[3] else "ok")
            page = page or "overview"  # the dashboard's default page has an empty url path
            with lock, open(log_path, "a", encoding="utf-8") as log:
                log.write(f"{time.time():.3f}\t{ctx.session_id}\t{page}\t{wall:.4f}\t{cpu:.4f}\t{outcome}\n")
        return result

    script_runner.exec_func_with_error_handling = timed


if _LOG:
    install(_LOG)

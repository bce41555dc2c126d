"""Every setting of the product, declared once.

Each setting is (name, default, help). The value comes from the environment
variable ``TTHC_<NAME>`` when set, else the default. The README's settings table
is checked against this tuple by ``tests/test_config.py``.
"""
from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DATA_DIR = ROOT / "data"


@dataclass(frozen=True)
class Setting:
    name: str
    default: object
    help: str

    @property
    def env(self) -> str:
        return f"TTHC_{self.name.upper()}"


SETTINGS: tuple[Setting, ...] = (
    Setting("db", str(DATA_DIR / "warehouse.duckdb"), "Path of the DuckDB warehouse file (also `--db` on every command)."),
    Setting("max_upload_mb", 200, "Largest spreadsheet accepted, in MB, before it is read."),
    Setting("max_unzipped_mb", 1500, "Largest total uncompressed size of an .xlsx archive (decompression-bomb guard)."),
    Setting("max_rows", 2_000_000, "Largest number of data rows accepted in one file."),
    Setting("max_columns", 1000, "Largest number of columns in a sheet (declared range, cells seen, CSV fields)."),
    Setting("max_cells", 15_000_000, "Largest sheet area (rows × columns of the used range) read from one file."),
    Setting("max_cell_chars", 32767, "Longest cell accepted, in characters (Excel's own limit)."),
    Setting("max_line_kb", 256, "Longest line of a CSV/text file, in KB."),
    Setting("read_memory_mb", 1536, "Address-space limit of the child process that reads a spreadsheet, in MB."),
    Setting("read_timeout_s", 60.0, "Seconds the child process that reads a spreadsheet may run."),
    Setting("plan_max_mb", 20, "Largest plan document (.docx, .pdf, text) accepted for plan import, in MB."),
    Setting("plan_max_pages", 300, "Most pages of a PDF plan document read by plan import."),
    Setting("plan_max_chars", 3_000_000, "Most characters of text a plan document may hold (after reading) for plan import."),
    Setting("plan_on_time_covers_766", True, "Whether a plan's on-time target is also proposed for the QĐ 766 progress rate (assumed, as in data/targets.csv)."),
    Setting("cutoff_day", 15, "Reporting cut-off day: a cut-off month runs from this day of the previous month to the day before it."),
    Setting("no_due_in_progress_overdue", False, "Whether an in-progress dossier without a due date can count as overdue (DOMAIN §4, assumed: no)."),
    Setting("withdrawn_left_out", True, "Whether withdrawn or cancelled dossiers (status 'rút', 'hủy') are left out of every count and rate (DOMAIN §4, assumed: yes)."),
    Setting("pakn_working_days", 15, "Working days allowed to handle a PAKN when the export has no due date."),
    Setting("counts_compact_rows", 100_000, "Change rows that loads and undos may append to the pre-aggregated counts (dossier_counts) before the next one re-aggregates the months they touched, in its own transaction (0: after every load)."),
    Setting("lock_retries", 20, "How many times to retry opening the warehouse while another process holds its lock."),
    Setting("lock_wait_s", 0.25, "Seconds between those retries."),
    Setting("warehouse_hold_s", 3.0, "Seconds the dashboard keeps the warehouse file open after its last read or write (0: open and close it for every operation); a command-line load waiting for the file makes it let go at once."),
    Setting("scoped_sees_province", False, "Whether users scoped to a level or units may see province-wide aggregates."),
    Setting("session_minutes", 480, "Minutes of inactivity after which a login session expires."),
    Setting("meeting_link_hours", 12, "Hours a read-only meeting link (for the meeting-room PC) stays valid unless revoked."),
    Setting("lockout_attempts", 5, "Failed logins in a row that lock an account."),
    Setting("lockout_minutes", 15, "Minutes an account stays locked after too many failed logins."),
    Setting("min_password_length", 10, "Shortest password accepted."),
    Setting("max_password_length", 256, "Longest password accepted; a longer one typed at login is refused unread."),
    Setting("max_username_length", 64, "Longest login name accepted (at most 64)."),
    Setting("login_throttle_after", 3, "Failed logins from one browser session or IP address before each further attempt waits."),
    Setting("login_throttle_max_s", 30, "Longest wait, in seconds, imposed on a browser session or IP address after failed logins."),
    Setting("verdict_min_dossiers", 20, "Fewest dossiers (a KPI's denominator) for a level to be judged met / not met; below it the level is shown as \"ít hồ sơ, không kết luận\"."),
    Setting("index_grade_bands", "90,80,70,50", "QĐ 766 index grade bands, in % of the points covered, highest first: Xuất sắc, Tốt, Khá, Trung bình, below the last Yếu (not official; peers use 90/80/70/50)."),
    Setting("lake", "", "Directory of the national lake (Parquet exported by every province); empty: no national page."),
    Setting("lake_engine", "duckdb", "Engine the national page computes with: duckdb (one machine) or spark."),
    Setting("spark_master", "local[*]", "Spark master for `--engine spark` (local[*], spark://host:7077, yarn); empty under spark-submit, which sets it; SPARK_REMOTE names a Spark Connect endpoint instead."),
    Setting("sample_scale", 1.0, "Scale of the generated sample (1.0 is about 3 million dossiers)."),
    Setting("alerts_smtp_host", "", "SMTP server that sends the alert digests by e-mail; empty sends no e-mail."),
    Setting("alerts_smtp_port", 25, "Port of that SMTP server."),
    Setting("alerts_smtp_user", "", "SMTP login name, when the server asks for one."),
    Setting("alerts_smtp_password", "", "SMTP password (from the environment only; never logged)."),
    Setting("alerts_smtp_starttls", False, "Whether to switch the SMTP connection to TLS (STARTTLS) before sending."),
    Setting("alerts_from", "kpi-tthc@localhost", "Sender address of the alert e-mails."),
    Setting("alerts_webhook_url", "", "URL that receives each alert digest as JSON (chat tools); empty sends none."),
    Setting("alerts_quiet_hours", "", "Hours when no alert is sent, e.g. 21:00-07:00 (local time); alerts wait for the next run."),
    Setting("dashboard_url", "", "Address of the dashboard as its users open it (e.g. https://kpi.tinh.gov.vn/): each alert in a digest links to the page or the dossiers behind it; empty: no links."),
    Setting("alerts_no_upload_days", 35, "Days without new data from a unit before it is alerted."),
    Setting("alerts_timeout_s", 10.0, "Seconds an SMTP or webhook delivery may take."),
    Setting("evidence_max_mb", 20, "Largest evidence file attached to a plan task update, in MB."),
)

_BY_NAME = {s.name: s for s in SETTINGS}


def get(name: str):
    """The value of one setting, typed like its default."""
    setting = _BY_NAME[name]
    raw = os.environ.get(setting.env)
    if raw is None or raw == "":
        return setting.default
    default = setting.default
    if isinstance(default, bool):
        return raw.strip().lower() in {"1", "true", "yes", "on"}
    if isinstance(default, int):
        return int(raw)
    if isinstance(default, float):
        return float(raw)
    return raw


def db_path(explicit: str | os.PathLike | None = None) -> Path:
    """The warehouse path: an explicit `--db` wins over TTHC_DB, which wins over the default."""
    return Path(explicit) if explicit else Path(get("db"))

"""Tables of the warehouse, created and migrated by code.

``MIGRATIONS`` is an ordered list; ``migrate`` applies those newer than the
version recorded in ``meta``. Never edit a released migration: append one.

Big tables (dossiers, feedback) carry no PRIMARY KEY constraint on purpose: the
ETL enforces one record per code with delete-insert inside one transaction (dlt's
"merge"), and DuckDB bulk inserts are much faster without an ART index.
Levels are 'province', 'district', 'commune'. Ratings are 4 = Rất hài lòng,
3 = Hài lòng, 2 = Bình thường, 1 = Không hài lòng, NULL = not rated or unknown.
Channels are 'online', 'direct', 'postal', 'other' (a text that names none of the three:
counted in received, never online).

Unknown is not "no" (DOMAIN §4): in ``dossiers``, ``digitized``, ``e_result``, ``channel``
and ``rating`` are NULL when the source did not say (the file has no such column, or a
blank cell in a column that writes both yes and no); FALSE / a value only when it did.
``due_at`` NULL = no due date (blank, or a text such as "Không quy định").
"""
from __future__ import annotations

import datetime as dt
import json

import duckdb

DOSSIER_COLUMNS = (
    "code VARCHAR NOT NULL",
    "unit_id VARCHAR NOT NULL",
    "level VARCHAR NOT NULL",
    "field VARCHAR",
    "procedure VARCHAR",
    "channel VARCHAR",
    "received_at TIMESTAMP NOT NULL",
    "due_at TIMESTAMP",
    "finished_at TIMESTAMP",
    "received_date DATE NOT NULL",
    "due_date DATE",
    "finished_date DATE",
    "digitized BOOLEAN",
    "e_result BOOLEAN",
    "rating TINYINT",
    "apology BOOLEAN",
    "status VARCHAR",
    "applicant VARCHAR",
    "batch_id BIGINT",
)

FEEDBACK_COLUMNS = (
    "code VARCHAR NOT NULL",
    "unit_id VARCHAR NOT NULL",
    "level VARCHAR NOT NULL",
    "field VARCHAR",
    "title VARCHAR",
    "received_at TIMESTAMP NOT NULL",
    "due_at TIMESTAMP",
    "handled_at TIMESTAMP",
    "received_date DATE NOT NULL",
    "due_date DATE NOT NULL",
    "handled_date DATE",
    "due_assumed BOOLEAN",
    "rating TINYINT",
    "batch_id BIGINT",
)

SURVEY_COLUMNS = (
    "code VARCHAR NOT NULL",
    "dossier_code VARCHAR",
    "unit_id VARCHAR NOT NULL",
    "level VARCHAR NOT NULL",
    "rated_date DATE NOT NULL",
    "rating TINYINT NOT NULL",
    "batch_id BIGINT",
)


def _cols(columns: tuple[str, ...]) -> str:
    return ",\n  ".join(columns)


# The data date (DOMAIN §4): the latest calendar date any record states as received, finished,
# handled or rated. Due dates do not count: a due date says nothing about what has happened.
DATA_DATE_SQL = """
    SELECT greatest(
        (SELECT greatest(max(received_date), max(finished_date)) FROM dossiers),
        (SELECT greatest(max(received_date), max(handled_date)) FROM feedback),
        (SELECT max(rated_date) FROM surveys))
"""

# Status texts that say a dossier was withdrawn or cancelled ("Công dân rút hồ sơ", "Đã hủy"): DOMAIN §4
# (assumed, setting withdrawn_left_out) leaves those dossiers out of every count and rate. Matched on the
# few distinct texts at write time; a regex per row on every page view costs seconds on millions of rows.
WITHDRAWN_MATCH = r"regexp_matches(strip_accents(lower({})), '\b(rut|huy)\b')"


def withdrawn_list_sql(source_sql: str) -> str:
    """SQL of the sorted list of the distinct status texts of ``source_sql`` that say withdrawn.

    The regex runs over the list of distinct texts: written as a WHERE over ``SELECT DISTINCT``,
    DuckDB pushes the filter below the DISTINCT and runs the regex on every row (0.73 s CPU on
    10 million dossiers at every write, 0.02 s this way).
    """
    return (f"SELECT list_sort(list_filter(list(DISTINCT status), lambda s: {WITHDRAWN_MATCH.format('s')})) "
            f"FROM ({source_sql}) WHERE status IS NOT NULL")


WITHDRAWN_STATUS_SQL = (f"SELECT coalesce(CAST(to_json(({withdrawn_list_sql('SELECT status FROM dossiers')})) "
                        "AS VARCHAR), '[]')")

MIGRATIONS: list[str] = [
    # 1: the whole first schema
    f"""
    CREATE TABLE IF NOT EXISTS units (
      unit_id VARCHAR PRIMARY KEY,
      name VARCHAR NOT NULL,
      name_key VARCHAR NOT NULL,
      level VARCHAR NOT NULL,
      parent_id VARCHAR,
      valid_from DATE,
      valid_to DATE,
      successor_id VARCHAR,
      created_at TIMESTAMP DEFAULT current_timestamp
    );
    CREATE TABLE IF NOT EXISTS unit_aliases (
      alias_key VARCHAR PRIMARY KEY,
      unit_id VARCHAR NOT NULL,
      created_by VARCHAR,
      created_at TIMESTAMP DEFAULT current_timestamp
    );
    CREATE TABLE IF NOT EXISTS dossiers (
      {_cols(DOSSIER_COLUMNS)}
    );
    CREATE TABLE IF NOT EXISTS dossiers_replaced (
      replaced_by BIGINT NOT NULL,
      {_cols(DOSSIER_COLUMNS)}
    );
    CREATE TABLE IF NOT EXISTS feedback (
      {_cols(FEEDBACK_COLUMNS)}
    );
    CREATE TABLE IF NOT EXISTS feedback_replaced (
      replaced_by BIGINT NOT NULL,
      {_cols(FEEDBACK_COLUMNS)}
    );
    CREATE TABLE IF NOT EXISTS surveys (
      {_cols(SURVEY_COLUMNS)}
    );
    CREATE TABLE IF NOT EXISTS surveys_replaced (
      replaced_by BIGINT NOT NULL,
      {_cols(SURVEY_COLUMNS)}
    );
    CREATE TABLE IF NOT EXISTS form06_rows (
      unit_id VARCHAR NOT NULL,
      level VARCHAR NOT NULL,
      field VARCHAR NOT NULL,
      period_from DATE NOT NULL,
      period_to DATE NOT NULL,
      received_total BIGINT, received_online BIGINT, received_direct BIGINT, carried_over BIGINT,
      resolved_total BIGINT, resolved_early BIGINT, resolved_on_time BIGINT, resolved_overdue BIGINT,
      in_progress_total BIGINT, in_progress_within BIGINT, in_progress_overdue BIGINT,
      batch_id BIGINT
    );
    CREATE SEQUENCE IF NOT EXISTS target_seq START 1;
    CREATE TABLE IF NOT EXISTS targets (
      target_id BIGINT PRIMARY KEY DEFAULT nextval('target_seq'),
      year INTEGER NOT NULL,
      indicator VARCHAR NOT NULL,
      level VARCHAR,
      unit_id VARCHAR,
      threshold DOUBLE NOT NULL,
      direction VARCHAR NOT NULL DEFAULT '>=',
      source VARCHAR,
      version INTEGER NOT NULL DEFAULT 1,
      created_by VARCHAR,
      created_at TIMESTAMP DEFAULT current_timestamp,
      superseded_at TIMESTAMP
    );
    CREATE SEQUENCE IF NOT EXISTS batch_seq START 1;
    CREATE TABLE IF NOT EXISTS load_batches (
      batch_id BIGINT PRIMARY KEY,
      file_name VARCHAR NOT NULL,
      sha256 VARCHAR,
      kind VARCHAR,
      sheet VARCHAR,
      header_row INTEGER,
      rows_read BIGINT DEFAULT 0,
      rows_loaded BIGINT DEFAULT 0,
      rows_rejected BIGINT DEFAULT 0,
      rows_new BIGINT DEFAULT 0,
      rows_updated BIGINT DEFAULT 0,
      rows_unchanged BIGINT DEFAULT 0,
      duplicates BIGINT DEFAULT 0,
      started_at TIMESTAMP,
      finished_at TIMESTAMP,
      status VARCHAR NOT NULL,
      user_name VARCHAR,
      message VARCHAR,
      undone_at TIMESTAMP,
      undone_by VARCHAR
    );
    CREATE TABLE IF NOT EXISTS rejected_rows (
      batch_id BIGINT NOT NULL,
      sheet VARCHAR,
      row_number INTEGER,
      column_name VARCHAR,
      raw_value VARCHAR,
      reason VARCHAR NOT NULL,
      row_json VARCHAR
    );
    CREATE TABLE IF NOT EXISTS source_profiles (
      name VARCHAR PRIMARY KEY,
      kind VARCHAR NOT NULL,
      header_signature VARCHAR NOT NULL,
      mapping_json VARCHAR NOT NULL,
      created_by VARCHAR,
      created_at TIMESTAMP DEFAULT current_timestamp
    );
    CREATE TABLE IF NOT EXISTS users (
      name VARCHAR PRIMARY KEY,
      password_hash VARCHAR,
      role VARCHAR NOT NULL,
      scope_json VARCHAR NOT NULL DEFAULT '{{"kind": "province"}}',
      email VARCHAR,
      failed_attempts INTEGER NOT NULL DEFAULT 0,
      locked_until TIMESTAMP,
      active BOOLEAN NOT NULL DEFAULT TRUE,
      created_at TIMESTAMP DEFAULT current_timestamp,
      updated_at TIMESTAMP
    );
    CREATE SEQUENCE IF NOT EXISTS audit_seq START 1;
    CREATE TABLE IF NOT EXISTS audit_log (
      audit_id BIGINT PRIMARY KEY DEFAULT nextval('audit_seq'),
      logged_at TIMESTAMP NOT NULL DEFAULT current_timestamp,
      user_name VARCHAR,
      action VARCHAR NOT NULL,
      target VARCHAR,
      detail VARCHAR,
      success BOOLEAN NOT NULL DEFAULT TRUE
    );
    CREATE TABLE IF NOT EXISTS portal_scores (
      period_from DATE NOT NULL,
      period_to DATE NOT NULL,
      unit_id VARCHAR,
      grp VARCHAR NOT NULL,
      score DOUBLE,
      max_score DOUBLE,
      batch_id BIGINT
    );
    """,
    # 2: units a load batch created, so undoing the batch removes them too (etl/load.py)
    """
    CREATE TABLE IF NOT EXISTS batch_units (
      batch_id BIGINT NOT NULL,
      unit_id VARCHAR NOT NULL
    );
    """,
    # 3: survey rows about a dossier already rated in the dossier records (kept by refresh_derived)
    """
    ALTER TABLE surveys ADD COLUMN IF NOT EXISTS dossier_rated BOOLEAN DEFAULT FALSE;
    """,
    # 4: a source profile's value readings (channel texts mapped by hand, rating scale), etl.values.ValueOptions
    """
    ALTER TABLE source_profiles ADD COLUMN IF NOT EXISTS values_json VARCHAR;
    """,
    # 5: the data date of warehouses written before it was kept (refresh_derived keeps it since)
    f"INSERT OR REPLACE INTO meta SELECT 'data_date', CAST(({DATA_DATE_SQL}) AS VARCHAR);",
    # 6: per batch, the optional fields the file had no column for (comma-separated canonical names; their
    # values are unknown, not 'no') and the column mapping used ({field: header} JSON), for the data-quality page
    """
    ALTER TABLE load_batches ADD COLUMN IF NOT EXISTS missing_columns VARCHAR;
    ALTER TABLE load_batches ADD COLUMN IF NOT EXISTS column_map VARCHAR;
    """,
    # 7: login tokens that survive a reload and read-only meeting links (kpi/access/sessions.py); only token hashes
    """
    CREATE SEQUENCE IF NOT EXISTS session_seq START 1;
    CREATE TABLE IF NOT EXISTS sessions (
      session_id BIGINT PRIMARY KEY DEFAULT nextval('session_seq'),
      token_hash VARCHAR NOT NULL UNIQUE,
      kind VARCHAR NOT NULL,
      user_name VARCHAR,
      scope_json VARCHAR,
      label VARCHAR,
      created_at TIMESTAMP NOT NULL,
      last_seen_at TIMESTAMP NOT NULL,
      expires_at TIMESTAMP,
      revoked_at TIMESTAMP,
      revoked_by VARCHAR
    );
    """,
    # 8: the yearly plan (kpi/plan): imported documents, their proposed / confirmed targets with the quoted
    # sentence and section, targets without dossier data (entered by hand), and the task appendix. A target a
    # review confirms becomes a new version of ``targets`` that names its document (``plan_doc_id``).
    """
    CREATE SEQUENCE IF NOT EXISTS plan_doc_seq START 1;
    CREATE TABLE IF NOT EXISTS plan_documents (
      doc_id BIGINT PRIMARY KEY DEFAULT nextval('plan_doc_seq'),
      year INTEGER,
      file_name VARCHAR NOT NULL,
      sha256 VARCHAR NOT NULL,
      reference VARCHAR,
      title VARCHAR,
      status VARCHAR NOT NULL DEFAULT 'proposed',
      imported_by VARCHAR,
      imported_at TIMESTAMP NOT NULL DEFAULT current_timestamp,
      confirmed_by VARCHAR,
      confirmed_at TIMESTAMP
    );
    CREATE SEQUENCE IF NOT EXISTS plan_target_seq START 1;
    CREATE TABLE IF NOT EXISTS plan_targets (
      plan_target_id BIGINT PRIMARY KEY DEFAULT nextval('plan_target_seq'),
      doc_id BIGINT NOT NULL,
      year INTEGER NOT NULL,
      indicator VARCHAR NOT NULL,
      level VARCHAR,
      threshold DOUBLE NOT NULL,
      direction VARCHAR NOT NULL DEFAULT '>=',
      section VARCHAR,
      quote VARCHAR,
      status VARCHAR NOT NULL DEFAULT 'proposed',
      target_id BIGINT,
      reviewed_by VARCHAR,
      reviewed_at TIMESTAMP
    );
    CREATE SEQUENCE IF NOT EXISTS plan_manual_target_seq START 1;
    CREATE TABLE IF NOT EXISTS plan_manual_targets (
      manual_target_id BIGINT PRIMARY KEY DEFAULT nextval('plan_manual_target_seq'),
      doc_id BIGINT NOT NULL,
      year INTEGER NOT NULL,
      key VARCHAR NOT NULL,
      label VARCHAR NOT NULL,
      level VARCHAR,
      threshold DOUBLE,
      direction VARCHAR NOT NULL DEFAULT '>=',
      section VARCHAR,
      quote VARCHAR,
      status VARCHAR NOT NULL DEFAULT 'proposed',
      reviewed_by VARCHAR,
      reviewed_at TIMESTAMP
    );
    CREATE SEQUENCE IF NOT EXISTS plan_task_seq START 1;
    CREATE TABLE IF NOT EXISTS plan_tasks (
      task_id BIGINT PRIMARY KEY DEFAULT nextval('plan_task_seq'),
      doc_id BIGINT NOT NULL,
      year INTEGER,
      position INTEGER NOT NULL,
      number VARCHAR,
      objective VARCHAR,
      task VARCHAR,
      product VARCHAR,
      lead VARCHAR,
      lead_unit_id VARCHAR,
      partner VARCHAR,
      deadline_text VARCHAR,
      deadline_kind VARCHAR,
      deadline_from DATE,
      deadline_to DATE,
      status VARCHAR NOT NULL DEFAULT 'proposed'
    );
    ALTER TABLE targets ADD COLUMN IF NOT EXISTS plan_doc_id BIGINT;
    """,
    # 9: the QĐ 766 scores the national portal published (etl/portal766.py) and the figures an admin enters
    # for it (kpi/measures/published.py): one row per unit, group and sub-indicator (metric NULL = the group,
    # grp 'TOTAL' = the total); the province's own row has unit_type 'ADMINISTRATIVE_UNIT' and no unit_id, a
    # portal unit not found in the registry keeps unit_id NULL and its portal name. The portal's data-quality
    # flags are kept as they came.
    """
    ALTER TABLE portal_scores ADD COLUMN IF NOT EXISTS metric VARCHAR;
    ALTER TABLE portal_scores ADD COLUMN IF NOT EXISTS source VARCHAR DEFAULT 'portal';
    ALTER TABLE portal_scores ADD COLUMN IF NOT EXISTS unit_type VARCHAR;
    ALTER TABLE portal_scores ADD COLUMN IF NOT EXISTS unit_name VARCHAR;
    ALTER TABLE portal_scores ADD COLUMN IF NOT EXISTS unit_code VARCHAR;
    ALTER TABLE portal_scores ADD COLUMN IF NOT EXISTS numerator DOUBLE;
    ALTER TABLE portal_scores ADD COLUMN IF NOT EXISTS denominator DOUBLE;
    ALTER TABLE portal_scores ADD COLUMN IF NOT EXISTS ratio DOUBLE;
    ALTER TABLE portal_scores ADD COLUMN IF NOT EXISTS quality_status VARCHAR;
    ALTER TABLE portal_scores ADD COLUMN IF NOT EXISTS quality_message VARCHAR;
    ALTER TABLE portal_scores ADD COLUMN IF NOT EXISTS created_by VARCHAR;
    ALTER TABLE portal_scores ADD COLUMN IF NOT EXISTS created_at TIMESTAMP;
    """,
    # 10: following the plan (kpi/tracking, kpi/alerts): each progress update of a plan task (the latest is its
    # state), figures entered by hand for non-data targets (a new entry supersedes, never overwrites), and
    # the alerts already sent (one row per alert key, recipient and channel: never the same alert twice)
    """
    CREATE SEQUENCE IF NOT EXISTS task_update_seq START 1;
    CREATE TABLE IF NOT EXISTS plan_task_updates (
      update_id BIGINT PRIMARY KEY DEFAULT nextval('task_update_seq'),
      task_id BIGINT NOT NULL,
      status VARCHAR NOT NULL,
      evidence_no VARCHAR,
      evidence_link VARCHAR,
      evidence_file_name VARCHAR,
      evidence_file BLOB,
      note VARCHAR,
      updated_by VARCHAR NOT NULL,
      updated_at TIMESTAMP NOT NULL
    );
    CREATE SEQUENCE IF NOT EXISTS manual_value_seq START 1;
    CREATE TABLE IF NOT EXISTS manual_values (
      value_id BIGINT PRIMARY KEY DEFAULT nextval('manual_value_seq'),
      indicator VARCHAR NOT NULL,
      period_from DATE NOT NULL,
      period_to DATE NOT NULL,
      unit_id VARCHAR,
      level VARCHAR,
      numerator DOUBLE NOT NULL,
      denominator DOUBLE,
      evidence VARCHAR,
      entered_by VARCHAR NOT NULL,
      entered_at TIMESTAMP NOT NULL,
      superseded_at TIMESTAMP
    );
    CREATE TABLE IF NOT EXISTS sent_alerts (
      alert_key VARCHAR NOT NULL,
      recipient VARCHAR NOT NULL,
      channel VARCHAR NOT NULL,
      rule VARCHAR NOT NULL,
      sent_at TIMESTAMP NOT NULL,
      PRIMARY KEY (alert_key, recipient, channel)
    );
    """,
    # 11: dossier counts kept pre-aggregated (kpi/measures/precount.py): per unit, level, field, channel,
    # withdrawn flag and day ('day' rows) or month ('month' rows, day = its first day), what the dossiers
    # add that day. Columns after the keys, each a sum over dossiers:
    #   received*               received that day (online / direct / postal / digitized; *_known: flag stated)
    #   resolved*, rated*       finished that day: early (before due), due_day (on the due day), overdue
    #                           (after), no_due, e_result (+ _known), overdue_no_apology (apology = FALSE),
    #                           rated (any rating), rated_satisfied_or_better (>= 3), rated_4 … rated_1
    #   open*_change            change of a running total: open (+1 received, -1 finished), open_overdue (+1 the
    #                           day after the due date, -1 finished), open_no_due, and their no-apology variants;
    #                           the sum of the changes up to day t is the number open (and overdue) at t.
    # Loads and undos append signed change rows in their transaction; `python -m etl rebuild-counts` compacts.
    # meta 'counts_state' = 'built' when the table matches the dossiers, 'stale' otherwise (KPIs read rows).
    f"""
    CREATE TABLE IF NOT EXISTS dossier_counts (
      grain VARCHAR NOT NULL, day DATE NOT NULL,
      unit_id VARCHAR NOT NULL, level VARCHAR NOT NULL, field VARCHAR, channel VARCHAR, withdrawn BOOLEAN NOT NULL,
      received BIGINT, received_online BIGINT, received_direct BIGINT, received_postal BIGINT,
      received_digitized BIGINT, received_digitized_known BIGINT, received_channel_known BIGINT,
      open_change BIGINT, open_no_due_change BIGINT, open_no_due_no_apology_change BIGINT,
      resolved BIGINT, resolved_early BIGINT, resolved_due_day BIGINT, resolved_overdue BIGINT, resolved_no_due BIGINT,
      resolved_e_result BIGINT, resolved_e_result_known BIGINT, resolved_overdue_no_apology BIGINT,
      rated BIGINT, rated_satisfied_or_better BIGINT, rated_4 BIGINT, rated_3 BIGINT, rated_2 BIGINT, rated_1 BIGINT,
      open_overdue_change BIGINT, open_overdue_no_apology_change BIGINT
    );
    INSERT OR REPLACE INTO meta SELECT 'counts_state',
      CASE WHEN (SELECT count(*) FROM dossiers) = 0 THEN 'built' ELSE 'stale' END;
    """,
    # 12: dossier_counts grain 'unit_month': the month rows summed over field and channel (both NULL), read by
    # the queries that neither filter nor group by them (about twenty times fewer rows); summed here from the
    # month rows a warehouse already has, which is exact and takes a second on 50 million dossiers.
    """
    DELETE FROM dossier_counts WHERE grain = 'unit_month';
    INSERT INTO dossier_counts  -- by position: the keys, then every measure in the table's order
      SELECT 'unit_month', day, unit_id, level, NULL, NULL, withdrawn,
             sum(COLUMNS(* EXCLUDE (grain, day, unit_id, level, field, channel, withdrawn)))::BIGINT
      FROM dossier_counts WHERE grain = 'month' GROUP BY day, unit_id, level, withdrawn ORDER BY day;
    """,
    # 13: data-quality counts kept pre-aggregated (kpi/measures/quality_counts.py): per load batch, unit,
    # level, field and month of reception, how many dossiers (dossiers), how many with channel 'other'
    # (other_channel) and without due date (no_due). Loads and undos append signed change rows in their
    # transaction; `python -m etl rebuild-counts` compacts. meta 'quality_counts_state' as 'counts_state'.
    """
    CREATE TABLE IF NOT EXISTS quality_counts (
      batch_id BIGINT, unit_id VARCHAR NOT NULL, level VARCHAR NOT NULL, field VARCHAR, month DATE NOT NULL,
      dossiers BIGINT NOT NULL, other_channel BIGINT NOT NULL, no_due BIGINT NOT NULL
    );
    INSERT OR REPLACE INTO meta SELECT 'quality_counts_state',
      CASE WHEN (SELECT count(*) FROM dossiers) = 0 THEN 'built' ELSE 'stale' END;
    """,
    # 14: sentences of a plan document with a percentage that no rule reads (kpi.plan.parser), kept with the
    # document so a reviewer in any later session sees what the import could not turn into a target.
    """
    CREATE TABLE IF NOT EXISTS plan_unmatched (
      doc_id INTEGER NOT NULL,
      position INTEGER NOT NULL,
      section VARCHAR,
      sentence VARCHAR NOT NULL,
      PRIMARY KEY (doc_id, position)
    );
    """,
]



def refresh_derived(con: duckdb.DuckDBPyConnection) -> None:
    """Recompute derived columns inside a write transaction, before it commits.

    ``surveys.dossier_rated``: a survey row whose dossier is rated in the dossier
    records is that same rating again; the satisfaction KPI skips it. Kept here,
    at write time, because checking it at query time means scanning every
    dossier code on every page view. ``meta.data_date``: see ``DATA_DATE_SQL``.
    """
    # The data date every KPI query reads (kpi.measures.metrics judges open dossiers at it): two max()
    # scans per write instead of per page view.
    con.execute(f"INSERT OR REPLACE INTO meta SELECT 'data_date', CAST(({DATA_DATE_SQL}) AS VARCHAR)")
    con.execute(f"INSERT OR REPLACE INTO meta SELECT 'withdrawn_statuses', ({WITHDRAWN_STATUS_SQL})")
    _check_counts(con)
    linked = con.execute("SELECT count(*) FROM surveys WHERE dossier_code IS NOT NULL").fetchone()[0]
    if not linked:
        return
    con.execute(
        """
        UPDATE surveys SET dossier_rated = coalesce(dossier_code IN (
            SELECT code FROM dossiers
            WHERE rating IS NOT NULL
              AND code IN (SELECT dossier_code FROM surveys WHERE dossier_code IS NOT NULL)), FALSE)
        """
    )


# Each table of counts kept at write time: its meta state key and the SQL of the dossiers it has counted.
COUNTED_TABLES = {
    "counts_state": "SELECT coalesce(sum(received), 0) FROM dossier_counts WHERE grain = 'month'",
    "quality_counts_state": "SELECT coalesce(sum(dossiers), 0) FROM quality_counts",
}


def _check_counts(con: duckdb.DuckDBPyConnection) -> None:
    """A write that changed the dossiers without keeping ``dossier_counts`` / ``quality_counts`` (not
    through the ETL) makes the table stale: reads then use dossier rows until ``python -m etl
    rebuild-counts``. Cheap: one row count against each built table's sum of dossiers."""
    built = [key for key in COUNTED_TABLES if counts_state(con, key) == "built"]
    if not built:
        return
    rows, *counted = con.execute(
        f"SELECT (SELECT count(*) FROM dossiers), {', '.join(f'({COUNTED_TABLES[k]})' for k in built)}").fetchone()
    for key, total in zip(built, counted):
        if rows != total:
            set_counts_state(con, "stale", key)


def counts_state(con: duckdb.DuckDBPyConnection, key: str = "counts_state") -> str | None:
    """'built' when ``dossier_counts`` (key 'quality_counts_state': ``quality_counts``) matches the
    dossiers, 'stale' when it must be rebuilt."""
    row = con.execute("SELECT value FROM meta WHERE key = ?", [key]).fetchone()
    return row[0] if row else None


def set_counts_state(con: duckdb.DuckDBPyConnection, state: str, key: str = "counts_state") -> None:
    con.execute("INSERT OR REPLACE INTO meta VALUES (?, ?)", [key, state])


def data_date(con: duckdb.DuckDBPyConnection) -> dt.date | None:
    """The data date kept by ``refresh_derived``; None on a warehouse without records."""
    row = con.execute("SELECT value FROM meta WHERE key = 'data_date'").fetchone()
    return dt.date.fromisoformat(row[0]) if row and row[0] else None


def withdrawn_statuses(con: duckdb.DuckDBPyConnection) -> list[str]:
    """The status texts of withdrawn / cancelled dossiers, kept by ``refresh_derived``."""
    row = con.execute("SELECT value FROM meta WHERE key = 'withdrawn_statuses'").fetchone()
    if row is None:  # a warehouse last written before this was kept
        row = con.execute(WITHDRAWN_STATUS_SQL).fetchone()
    return json.loads(row[0]) if row and row[0] else []


def current_version(con: duckdb.DuckDBPyConnection) -> int:
    con.execute("CREATE TABLE IF NOT EXISTS meta (key VARCHAR PRIMARY KEY, value VARCHAR)")
    row = con.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()
    return int(row[0]) if row else 0


def migrate(con: duckdb.DuckDBPyConnection) -> int:
    """Bring the schema to the newest version; returns it. Safe to call on every open."""
    version = current_version(con)
    if version >= len(MIGRATIONS):
        return version
    con.execute("BEGIN TRANSACTION")
    try:
        for number, sql in enumerate(MIGRATIONS[version:], start=version + 1):
            con.execute(sql)
            con.execute("INSERT OR REPLACE INTO meta VALUES ('schema_version', ?)", [str(number)])
        con.execute("INSERT OR IGNORE INTO meta VALUES ('data_version', '0')")
        con.execute("COMMIT")
    except BaseException:
        con.execute("ROLLBACK")
        raise
    return len(MIGRATIONS)

"""Acceptance of 'Who may see and change what': roles × pages, scope on every data path, uploads.

A commune/district clerk must not see another unit's dossiers nor change targets; a leader
sees everything and changes nothing; nobody gets in without an account.

The apps run through AppTest with a logged-in session (``ui.auth`` contract: a ``User`` in
``st.session_state["user"]`` and a fresh ``last_seen``) on the session's sample warehouse.
The analyst is scoped to one district (``resolve_scope`` expands it to its communes).
Lockout, expiry, first-run admin and 'no plaintext password in the file' are covered in
tests/test_auth.py and tests/test_app_auth.py; ``test_auth_suites_cover_the_issue`` checks they are there.
"""
from __future__ import annotations

import ast
import datetime as dt
import io
import json
from pathlib import Path

import pytest
import streamlit as st
from openpyxl import load_workbook
from streamlit.testing.v1 import AppTest

from etl import load as etl_load
from kpi.access import accounts, permissions
from kpi.measures import metrics, periods
from kpi.reports import form06
from kpi.text import vi
from kpi.access.permissions import User
from kpi.warehouse.db import Warehouse
from kpi.measures.filters import PROVINCE_SCOPE, Filters, Scope
from ui import text_auth as TA
from ui import text_data as TD

ROOT = Path(__file__).resolve().parent.parent
DISTRICT = "ubnd-huyện-tân-phú"
MONTH = "2024-10"
PERIOD = periods.month(2024, 10)
TIMEOUT = 60

KPI_PAGES = ("overview", "on_time", "digitization", "online", "satisfaction", "pakn", "index766", "unit", "drilldown",
             "quality", "targets", "units")  # read-only for a leader, scoped: every role with "view" sees them
DATA_PAGES = ("upload", "history")
ADMIN_PAGES = ("admin_users", "admin_audit", "plan_import")
EXPECTED_NAV = {  # the menu follows each page's permission (ui.nav.PAGES, issue 13)
    "leader": set(KPI_PAGES) | {"meeting", "plan_tasks"},
    "analyst": set(KPI_PAGES) | set(DATA_PAGES) | {"meeting", "plan_tasks", "manual_kpis"},
    "admin": set(KPI_PAGES) | set(DATA_PAGES) | set(ADMIN_PAGES) | {"meeting", "plan_tasks", "manual_kpis"},
}

LEADER = User("lanh-dao", "leader")
ADMIN = User("quan-tri", "admin")


# -- the world -------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def world(sample_db):
    """The analyst's scope, the units in and out of it, and an out-of-scope unit with data in the month."""
    wh = Warehouse(sample_db)
    scope = permissions.resolve_scope(wh, {"kind": "units", "unit_ids": [DISTRICT]})
    names = dict(wh.query("SELECT unit_id, name FROM units"))
    inside = set(scope.unit_ids)
    in_names = {names[u] for u in inside}
    by_unit = metrics.kpi_table(wh, PERIOD, None, PROVINCE_SCOPE, ("unit",))
    outside = by_unit[~by_unit["unit_id"].isin(inside) & ~by_unit["unit_id"].map(names).isin(in_names)]
    out_unit = outside.sort_values("received", ascending=False)["unit_id"].iloc[0]
    out_names = {n for u, n in names.items() if u not in inside and n not in in_names}
    assert DISTRICT in inside and len(inside) > 5, "a district scope holds the district and its communes"
    return {
        "wh": wh, "scope": scope, "analyst": User("phan-tich", "analyst", scope), "names": names,
        "inside": inside, "in_names": in_names, "out_unit": out_unit, "out_name": names[out_unit],
        "out_names": out_names,
    }


@pytest.fixture()
def nav_log(monkeypatch):
    """Records the page files each run of dashboard.py hands to st.navigation."""
    log: list[list[str]] = []
    original = st.navigation

    def record(pages, *args, **kwargs):
        flat = [p for group in pages.values() for p in group] if isinstance(pages, dict) else list(pages)
        log.append([Path(str(p._page)).stem for p in flat])  # the page file (the default page's url_path is "")
        return original(pages, *args, **kwargs)

    monkeypatch.setattr(st, "navigation", record)
    return log


def dashboard(monkeypatch, db: Path, user: User, page: str | None = None, runs: int = 2, **state) -> AppTest:
    """dashboard.py with ``user`` logged in. Note: AppTest runs dashboard.py itself only on the first
    run; later runs (and switch_page) execute the page file alone (it builds its own frame), because
    AppTest resolves the page hash through the pages/ directory. Both paths must enforce."""
    monkeypatch.setenv("TTHC_DB", str(db))
    at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=TIMEOUT)
    at.session_state["user"] = user
    at.session_state["last_seen"] = dt.datetime.now()
    at.session_state["flt_month"] = MONTH
    for key, value in state.items():
        at.session_state[key] = value
    for _ in range(runs):  # the first run has no page hash yet: run twice before interacting
        at.run()
    if page and page != "overview":
        at.switch_page(f"pages/{page}.py").run()
    return at


def page_alone(monkeypatch, db: Path, name: str, user: User | None, **state) -> AppTest:
    monkeypatch.setenv("TTHC_DB", str(db))
    at = AppTest.from_file(str(ROOT / "pages" / f"{name}.py"), default_timeout=TIMEOUT)
    if user is not None:
        at.session_state["user"] = user
        at.session_state["last_seen"] = dt.datetime.now()
    at.session_state["flt_month"] = MONTH
    for key, value in state.items():
        at.session_state[key] = value
    return at.run()


def no_exception(at: AppTest) -> None:
    assert not at.exception, [e.message for e in at.exception]


def all_text(at: AppTest) -> str:
    """Every text the run drew: markdown, captions, titles, metrics, infos, tables, widget labels and options."""
    parts: list[str] = []
    for kind in ("title", "header", "subheader", "markdown", "caption", "info", "success", "warning", "error"):
        parts += [str(e.value) for e in getattr(at, kind)]
    parts += [f"{m.label} {m.value}" for m in at.metric]
    for frame in at.dataframe:
        parts.append(frame.value.to_csv())
    for box in at.selectbox:
        parts += [box.label, *map(str, box.options)]
    return "\n".join(parts)


def refused(at: AppTest) -> None:
    """An error message and nothing else: no data, no control that changes something."""
    no_exception(at)
    assert [e.value for e in at.error] == [TA.NOT_ALLOWED]
    assert not at.dataframe and not at.metric and not at.table
    assert not at.text_input and not at.number_input and not at.selectbox and not at.multiselect
    assert not at.button and not at.toggle and not at.checkbox
    assert not at.get("file_uploader") and not at.get("download_button") and not at.get("form")


def metric_values(at: AppTest) -> dict[str, str]:
    return {m.label: m.value for m in at.metric}


# == 1. roles × pages ============================================================================
@pytest.mark.parametrize("role", ["leader", "analyst", "admin"])
def test_navigation_offers_the_pages_of_the_role(monkeypatch, sample_db, world, nav_log, role):
    user = {"leader": LEADER, "analyst": world["analyst"], "admin": ADMIN}[role]
    at = dashboard(monkeypatch, sample_db, user, runs=1)  # one run: the one that goes through dashboard.py
    no_exception(at)
    assert len(nav_log) == 1
    offered = set(nav_log[-1])
    existing = {name for name in EXPECTED_NAV["admin"] if (ROOT / "pages" / f"{name}.py").exists()}
    assert offered == EXPECTED_NAV[role] & existing
    assert at.sidebar.button(key="auth_logout")  # who is logged in, and a way out
    # A page outside the role cannot be switched to: dashboard.py falls back to the overview.
    for name in existing - offered:
        try:
            at.switch_page(f"pages/{name}.py").run()
        except ValueError:
            continue
        no_exception(at)
        titles = [t.value for t in at.title]
        assert vi.PAGE_TITLES[name] not in titles and TA.USERS_TITLE not in titles, (name, titles)


@pytest.mark.parametrize("name", ADMIN_PAGES)
@pytest.mark.parametrize("role", ["leader", "analyst"])
def test_admin_pages_refused_when_opened_directly(monkeypatch, sample_db, world, name, role):
    user = LEADER if role == "leader" else world["analyst"]
    refused(page_alone(monkeypatch, sample_db, name, user))


def test_every_page_requires_an_account(monkeypatch, sample_copy):
    """Nobody gets in without an account: every page, opened alone without a session, shows the login form."""
    accounts.create_user(Warehouse(sample_copy), "quan-tri", "Mat-khau-rat-dai-2024", "admin")
    for name in ("dashboard", *KPI_PAGES, *DATA_PAGES, *ADMIN_PAGES, "meeting"):
        path = ROOT / ("dashboard.py" if name == "dashboard" else f"pages/{name}.py")
        if not path.exists():
            continue
        monkeypatch.setenv("TTHC_DB", str(sample_copy))
        at = AppTest.from_file(str(path), default_timeout=TIMEOUT).run()
        no_exception(at)
        assert [t.value for t in at.title] == [TA.LOGIN_TITLE], name
        assert not at.metric and not at.dataframe and not at.get("plotly_chart"), name
        assert not at.get("file_uploader") and not at.get("download_button"), name
        assert "user" not in at.session_state, name


# == 2. out-of-scope data through every path ======================================================
def test_unit_filter_lists_only_units_in_scope(monkeypatch, sample_db, world):
    at = dashboard(monkeypatch, sample_db, world["analyst"])
    no_exception(at)
    options = at.selectbox(key="flt_unit").options
    assert options[0] == vi.ALL_UNITS
    assert set(options[1:]) <= world["in_names"]
    assert not set(options) & world["out_names"]
    assert world["names"][DISTRICT] in options
    # The level filter does not offer "the whole province" to a scoped user.
    level_labels = at.selectbox(key="flt_level").options
    assert vi.ALL_PROVINCE not in level_labels and vi.ALL_IN_SCOPE in level_labels


@pytest.mark.parametrize("keys", [("flt_unit",), ("_keep_flt_unit",), ("flt_unit", "_keep_flt_unit")])
def test_injected_out_of_scope_unit_in_filter_state_shows_nothing_of_it(monkeypatch, sample_db, world, keys):
    out = world["out_unit"]
    at = dashboard(monkeypatch, sample_db, world["analyst"], **{k: out for k in keys})
    no_exception(at)
    assert at.selectbox(key="flt_unit").value == "*", "the out-of-scope value is dropped"
    scoped = metrics.kpi_table(world["wh"], PERIOD, None, world["scope"]).iloc[0]
    outsider = metrics.kpi_table(world["wh"], PERIOD, Filters(unit_ids=(out,))).iloc[0]
    tiles = metric_values(at)
    assert tiles[vi.KPI_LABELS["on_time_rate"]] == vi.pct(scoped["on_time_rate"])
    assert tiles[vi.KPI_LABELS["digitization_rate"]] == vi.pct(scoped["digitization_rate"])
    assert outsider["received"] > 0
    text = all_text(at)
    assert world["out_name"] not in text
    # The same on the other pages that read the shared filters.
    for name in ("on_time", "unit", "drilldown"):
        at.switch_page(f"pages/{name}.py").run()
        no_exception(at)
        assert world["out_name"] not in all_text(at), name
        assert at.selectbox(key="flt_unit").value == "*"


def test_level_scoped_user_cannot_pick_another_level(monkeypatch, sample_db):
    wh = Warehouse(sample_db)
    clerk = User("xa", "analyst", Scope(kind="level", level="commune"))
    at = dashboard(monkeypatch, sample_db, clerk, flt_level="district", _keep_flt_level="province")
    no_exception(at)
    assert at.selectbox(key="flt_level").value == "commune"
    assert at.selectbox(key="flt_level").options == [vi.LEVEL_LABELS["commune"]]
    commune = metrics.kpi_table(wh, PERIOD, Filters(level="commune")).iloc[0]
    assert metric_values(at)[vi.KPI_LABELS["on_time_rate"]] == vi.pct(commune["on_time_rate"])


@pytest.mark.parametrize("via", ["session", "url"])
def test_drilldown_with_an_out_of_scope_unit_shows_nothing_of_it(monkeypatch, sample_copy, world, downloads, via):
    out = world["out_unit"]
    link = {"set": "received", "unit": out, "month": MONTH}
    monkeypatch.setenv("TTHC_DB", str(sample_copy))  # serving the Excel writes an audit row
    at = AppTest.from_file(str(ROOT / "pages" / "drilldown.py"), default_timeout=TIMEOUT)
    at.session_state["user"] = world["analyst"]
    at.session_state["last_seen"] = dt.datetime.now()
    at.session_state["flt_month"] = MONTH
    if via == "session":
        at.session_state["drill"] = link
    else:
        at.query_params.update(link)
    at.run()
    no_exception(at)
    table = at.dataframe[0].value
    units = set(table[vi.DOSSIER_COLUMNS["unit"]])
    assert units and units <= world["in_names"]
    assert world["out_name"] not in all_text(at)
    out_codes = set(metrics.dossier_list(world["wh"], PERIOD, "received", Filters(unit_ids=(out,)))["code"])
    assert out_codes and not out_codes & set(table[vi.DOSSIER_COLUMNS["code"]])
    # The Excel the button serves holds the same in-scope dossiers, none of the outsider's.
    (name, data), = downloads
    sheet = load_workbook(io.BytesIO(data), read_only=True).active
    rows = list(sheet.iter_rows(values_only=True))
    header = rows.index(next(r for r in rows if r and r[0] == vi.DOSSIER_COLUMNS["code"]))
    body = [r for r in rows[header + 1:] if r and r[0]]
    expected = metrics.dossier_list(world["wh"], PERIOD, "received", None, world["scope"])
    assert {r[0] for r in body} == set(expected["code"])
    assert {r[1] for r in body} <= world["in_names"]
    assert not {r[0] for r in body} & out_codes


def test_drilldown_excel_of_the_shared_filters_is_in_scope(monkeypatch, sample_copy, world, downloads):
    at = dashboard(monkeypatch, sample_copy, world["analyst"], page="drilldown", dd_set="resolved",
                   _dd_last_param="resolved_overdue")
    no_exception(at)
    (_, data), = downloads[-1:]
    sheet = load_workbook(io.BytesIO(data), read_only=True).active
    rows = [r for r in sheet.iter_rows(values_only=True) if r and r[0]]
    header = next(i for i, r in enumerate(rows) if r[0] == vi.DOSSIER_COLUMNS["code"])
    body = rows[header + 1:]
    assert body and {r[1] for r in body} <= world["in_names"]
    province = metrics.dossier_list(world["wh"], PERIOD, at.selectbox(key="dd_set").value)
    assert len(body) < len(province)


def test_form06_for_a_scoped_user_holds_only_its_units(world, tmp_path):
    wh, scope = world["wh"], world["scope"]
    scoped = form06.form06_rows(wh, PERIOD, scope)
    by_filter = form06.form06_rows(wh, PERIOD, None, filters=Filters(unit_ids=scope.unit_ids))
    province = form06.form06_rows(wh, PERIOD)
    values = [f"c{i}" for i in range(3, 14)]

    def numbers(rows):  # (kind, level, field) → the form's numbers, rows with any number only
        return {(r["kind"], r["level"], r["field"]): [r[v] for v in values] for r in rows if any(r[v] for v in values)}

    total = next(r for r in scoped if r["kind"] == "total")
    assert total["c3"] > 0 and numbers(scoped) == numbers(by_filter)
    assert total["c3"] < next(r for r in province if r["kind"] == "total")["c3"]
    assert [total[v] for v in values] == [next(r for r in by_filter if r["kind"] == "total")[v] for v in values]
    out = tmp_path / "bieu06.xlsx"
    rows = form06.write_form06(wh, PERIOD, scope, None, out)
    assert [r["c3"] for r in rows] == [r["c3"] for r in scoped]
    cells = [c for row in load_workbook(out).active.iter_rows(values_only=True) for c in row if c is not None]
    numbers = sorted(c for c in cells if isinstance(c, (int, float)) and not isinstance(c, bool))
    assert numbers == sorted(r[v] for r in scoped for v in values)
    texts = " ".join(str(c) for c in cells if isinstance(c, str))
    assert "Toàn tỉnh" not in texts


def test_summary_with_scope_equals_summary_of_its_units(world):
    wh, scope = world["wh"], world["scope"]
    for period in (PERIOD, periods.year(2024), periods.year(2025)):
        scoped = metrics.summary(wh, period, None, scope)
        by_units = metrics.summary(wh, period, Filters(unit_ids=scope.unit_ids), PROVINCE_SCOPE)
        assert scoped == by_units, period.label
        assert scoped != metrics.summary(wh, period), period.label
    # A filter on a unit outside the scope is an empty result, not the unit's numbers.
    outsider = metrics.kpi_table(wh, PERIOD, Filters(unit_ids=(world["out_unit"],)), scope).iloc[0]
    assert outsider["received"] == 0 and outsider["resolved"] == 0
    assert metrics.dossier_list(wh, PERIOD, "received", Filters(unit_ids=(world["out_unit"],)), scope).empty
    assert set(metrics.units_frame(wh, scope)["unit_id"]) == world["inside"]


@pytest.mark.parametrize("allowed", [False, True])
def test_province_totals_hidden_from_scoped_users_unless_allowed(monkeypatch, sample_db, world, allowed):
    monkeypatch.setenv("TTHC_SCOPED_SEES_PROVINCE", "1" if allowed else "0")
    assert permissions.sees_province_totals(LEADER)
    assert permissions.sees_province_totals(world["analyst"]) is allowed
    assert permissions.sees_province_totals(User("x", "leader", Scope(kind="level", level="commune"))) is allowed
    wh = world["wh"]
    if allowed:
        # Shown as aggregates for comparison, under their own heading; still no outside unit's rows.
        province = metrics.kpi_table(wh, PERIOD).iloc[0]
        at = dashboard(monkeypatch, sample_db, world["analyst"])
        no_exception(at)
        assert vi.PROVINCE_COMPARE_TITLE in all_text(at)
        shown = [m.value for m in at.metric]
        assert vi.pct(province["on_time_rate"]) in shown
        return
    province = metrics.kpi_table(wh, PERIOD).iloc[0]
    scoped = metrics.kpi_table(wh, PERIOD, None, world["scope"]).iloc[0]
    at = dashboard(monkeypatch, sample_db, world["analyst"])
    no_exception(at)
    tiles = metric_values(at)
    differing = [k for k in metrics.PLAN_KPIS if vi.pct(province[k]) != vi.pct(scoped[k])]
    assert differing, "the sample must tell the two apart"
    for kpi in differing:
        assert tiles[vi.KPI_LABELS[kpi]] == vi.pct(scoped[kpi]) != vi.pct(province[kpi])
    text = all_text(at)
    assert vi.ALL_PROVINCE not in text and vi.ALL_IN_SCOPE in text
    province_count = vi.counts_phrase("on_time_rate", int(province["on_time_rate__num"]), int(province["on_time_rate__den"]))
    assert province_count not in text


# == 3. uploads ======================================================================================
def test_upload_rows_of_units_outside_the_scope_are_rejected_never_loaded(sample_copy, world, tmp_path):
    from tests.upload_helpers import HEADERS, dossier_row, write_table

    wh = Warehouse(sample_copy)
    scope = permissions.resolve_scope(wh, {"kind": "units", "unit_ids": [DISTRICT]})
    commune = next(u for u in sorted(scope.unit_ids) if u != DISTRICT and world["names"][u].startswith("UBND xã"))
    mine, theirs = world["names"][commune], world["out_name"]
    path = write_table(tmp_path / "thang3.xlsx", HEADERS, [
        dossier_row("PT-TRONG-1", unit=mine), dossier_row("PT-NGOAI-1", unit=theirs),
        dossier_row("PT-TRONG-2", unit=world["names"][DISTRICT]), dossier_row("PT-NGOAI-2", unit=theirs)])
    prepared = etl_load.prepare(path, wh=wh, scope=scope)
    assert sorted(prepared.data["code"]) == ["PT-TRONG-1", "PT-TRONG-2"]
    # Another unit's rows are skipped and counted apart (issue 17), not reported as errors.
    assert prepared.rejects.empty and prepared.out_of_scope == 2
    result = etl_load.load_file(wh, path, user="phan-tich", scope=scope)
    assert result.status == "loaded" and result.counts["rows_rejected"] == 0 and result.counts["out_of_scope"] == 2
    loaded = dict(wh.query("SELECT code, unit_id FROM dossiers WHERE code LIKE 'PT-%'"))
    assert loaded == {"PT-TRONG-1": commune, "PT-TRONG-2": DISTRICT}
    assert not wh.query("SELECT reason FROM rejected_rows WHERE batch_id = ?", [result.batch_id])
    # A province-wide analyst loads the same file whole.
    assert etl_load.prepare(path, wh=wh, scope=PROVINCE_SCOPE).rejects.empty


def test_upload_cannot_overwrite_a_dossier_of_a_unit_outside_the_scope(sample_copy, world, tmp_path):
    """Loads merge by dossier code: a row naming an in-scope unit must not replace (move, rewrite) a
    dossier the warehouse holds for a unit outside the scope."""
    from tests.upload_helpers import HEADERS, dossier_row, write_table

    wh = Warehouse(sample_copy)
    scope = permissions.resolve_scope(wh, {"kind": "units", "unit_ids": [DISTRICT]})
    (code, unit, finished), = wh.query("SELECT code, unit_id, finished_at FROM dossiers WHERE unit_id = ? "
                                       "ORDER BY code LIMIT 1", [world["out_unit"]])
    (own_code,), = wh.query("SELECT code FROM dossiers WHERE unit_id = ? ORDER BY code LIMIT 1", [DISTRICT])
    path = write_table(tmp_path / "chiem.xlsx", HEADERS, [
        dossier_row(code, unit=world["names"][DISTRICT], finished="01/01/2030 08:00", due="01/01/2029"),
        dossier_row(own_code, unit=world["names"][DISTRICT])])
    prepared = etl_load.prepare(path, wh=wh, scope=scope)
    assert list(prepared.data["code"]) == [own_code]
    reasons = prepared.rejects[prepared.rejects["raw_value"] == code]["reason"].tolist()
    assert reasons and all("ngoài phạm vi" in r for r in reasons)
    result = etl_load.load_file(wh, path, user="phan-tich", scope=scope)
    assert result.counts["rows_rejected"] == 1
    assert wh.query("SELECT unit_id, finished_at FROM dossiers WHERE code = ?", [code]) == [(unit, finished)]
    # An admin (province scope) may still correct it.
    assert list(etl_load.prepare(path, wh=wh, scope=PROVINCE_SCOPE).data["code"]) == [code, own_code]


# == 4. the login suites cover the issue ============================================================
def test_auth_suites_cover_the_issue():
    """Lockout, expiry, first-run admin and no plaintext password: present in the auth suites, not duplicated here."""
    wanted = {
        "test_auth.py": ["test_lockout_after_n_failures_then_expiry_and_unlock", "test_session_expiry",
                         "test_password_is_hashed_with_argon2_and_never_stored_in_plaintext",
                         "test_first_admin_only_while_empty", "test_permission_matrix",
                         "test_district_scope_expands_to_its_communes", "test_upload_is_limited_to_units_in_scope"],
        "test_app_auth.py": ["test_first_run_creates_the_admin", "test_locked_account_is_refused_like_a_wrong_password",
                             "test_expired_session_returns_to_login", "test_deactivated_account_is_logged_out_at_next_run",
                             "test_admin_pages_refuse_non_admins", "test_admin_pages_require_login"],
    }
    for file, names in wanted.items():
        tree = ast.parse((ROOT / "tests" / file).read_text(encoding="utf-8"))
        defined = {n.name for n in tree.body if isinstance(n, ast.FunctionDef)}
        assert set(names) <= defined, (file, set(names) - defined)
    # And the permission table says what the issue says.
    assert permissions.PERMISSIONS["leader"] == {"view", "export"}
    assert permissions.PERMISSIONS["analyst"] == {"view", "export", "upload", "see_rejects", "undo_own", "update_tasks",
                                     "enter_manual"}
    assert permissions.PERMISSIONS["admin"] == set(permissions.ACTIONS)
    for role in ("leader", "analyst"):
        for action in ("edit_targets", "edit_units", "manage_users", "read_audit", "undo_any"):
            assert not permissions.can(User("x", role), action), (role, action)
    assert not permissions.can(None, "view")


# == 1b. pages of the analyst workflow (finished last by other engineers) ===========================
def test_upload_page_refused_to_a_leader(monkeypatch, sample_db):
    refused(page_alone(monkeypatch, sample_db, "upload", LEADER))


def test_history_page_refused_to_a_leader(monkeypatch, sample_db):
    refused(page_alone(monkeypatch, sample_db, "history", LEADER))


@pytest.mark.parametrize("role", ["leader", "analyst"])
def test_targets_page_is_read_only_below_admin(monkeypatch, sample_copy, world, role):
    user = LEADER if role == "leader" else world["analyst"]
    at = page_alone(monkeypatch, sample_copy, "targets", user)
    no_exception(at)
    assert TD.TARGETS_TITLE in [t.value for t in at.title]
    assert TD.TARGETS_READ_ONLY in [c.value for c in at.caption]
    assert not at.get("form") and not at.number_input and not at.text_input
    assert TD.TARGETS_SAVE not in [b.label for b in at.button]
    admin = page_alone(monkeypatch, sample_copy, "targets", ADMIN)
    no_exception(admin)
    assert admin.number_input(key="t_threshold")


def test_units_page_changes_nothing_for_a_leader_and_lists_only_the_scope(monkeypatch, sample_db, world):
    leader = page_alone(monkeypatch, sample_db, "units", LEADER)
    no_exception(leader)
    assert TD.NOT_ALLOWED_EDIT in [i.value for i in leader.info]
    assert not leader.get("form") and not leader.button and not leader.multiselect
    analyst = page_alone(monkeypatch, sample_db, "units", world["analyst"])
    no_exception(analyst)
    listed = set(analyst.dataframe[0].value[TD.UNITS_COLUMNS["unit_id"]])
    assert listed == world["inside"]
    assert not analyst.multiselect  # no merges/renames: those are the admin's
    picks = [b for b in analyst.selectbox if b.key == "alias_manual_pick"]
    assert picks and set(picks[0].options) and not any(n in o for o in picks[0].options for n in world["out_names"]
                                                        if f"{n} (" in o)


def test_history_undo_offers_an_analyst_only_own_batches(monkeypatch, sample_copy, world, tmp_path):
    from tests.upload_helpers import HEADERS, dossier_row, write_table

    wh = Warehouse(sample_copy)
    scope = permissions.resolve_scope(wh, {"kind": "units", "unit_ids": [DISTRICT]})
    analyst = User("phan-tich", "analyst", scope)
    mine = write_table(tmp_path / "cua-toi.xlsx", HEADERS, [dossier_row("LS-1", unit=world["names"][DISTRICT]),
                                                            dossier_row("LS-X", unit=world["names"][DISTRICT],
                                                                        received="31/02/2024")])
    theirs = write_table(tmp_path / "cua-nguoi-khac.xlsx", HEADERS, [dossier_row("LS-2", unit=world["out_name"]),
                                                                     dossier_row("LS-Y", unit="")])
    own = etl_load.load_file(wh, mine, user="phan-tich", scope=scope)
    other = etl_load.load_file(wh, theirs, user="nguoi-khac")
    assert own.batch_id and other.batch_id
    at = page_alone(monkeypatch, sample_copy, "history", analyst)
    no_exception(at)
    undo = at.selectbox(key="history_undo_pick")
    assert [str(own.batch_id) in o for o in undo.options] == [True]
    rejects = at.selectbox(key="history_rejects_pick")
    assert len(rejects.options) == 1 and str(own.batch_id) in rejects.options[0]
    admin = page_alone(monkeypatch, sample_copy, "history", ADMIN)
    no_exception(admin)
    assert len(admin.selectbox(key="history_undo_pick").options) >= 2
    # Undo of somebody else's batch is refused below the page too.
    from etl import upload as etl_upload
    from etl.load import UndoError

    with pytest.raises(UndoError):
        etl_upload.undo(wh, other.batch_id, user=analyst)
    assert wh.query("SELECT count(*) FROM dossiers WHERE code = 'LS-2'")[0][0] == 1


def test_meeting_page_of_a_scoped_user_names_no_other_unit(monkeypatch, sample_db, world):
    at = page_alone(monkeypatch, sample_db, "meeting", world["analyst"])
    no_exception(at)
    text = all_text(at)
    assert text.strip()
    charts: list[str] = []
    for _ in range(12):  # every slide of the deck (hotspots name units)
        at.button(key="meeting_next").click().run()
        no_exception(at)
        text += all_text(at)
        charts += [json.dumps(json.loads(c.proto.spec), ensure_ascii=False) for c in at.get("plotly_chart")]
    assert not [n for n in world["out_names"] if json.dumps(n, ensure_ascii=False) in "".join(charts)]
    shown_out = [n for n in world["out_names"] if f">{n}<" in text]
    assert not shown_out, shown_out[:5]

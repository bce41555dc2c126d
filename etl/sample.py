"""A deterministic sample province, generated inside DuckDB.

``build_sample`` writes a Đồng Nai-like province for 2023-01-01 … 2025-12-31:
units with the 2025 reform (departments merged on 01/03/2025, districts abolished
and communes merged on 01/07/2025), about 3 million dossiers at scale 1.0, PAKN,
walk-in and per-dossier surveys, and one ``load_batches`` row all rows carry.

Everything row-level is SQL: ``range()`` expands unit-days into dossiers and every
random choice is ``hash(row id, seed, salt)``, so the same seed gives the same
rows on any machine with the same DuckDB, and a 3-million-row build takes seconds.
Python only prepares the small reference tables (units, procedures, calendar).

Realism that the KPI rules need (kpi/measures/metrics.py): working-day deadlines with
Vietnamese holidays, procedures without a due date, dossiers finished early, on the
due date and late (some the day after at 23:59), in-progress dossiers at the end,
a few units missing the on-time and satisfaction targets, apology letters for most
but not all overdue dossiers, digitization and e-result rates rising over time
around the plan targets, surveys linked to rated and unrated dossiers.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import sys
import time

from etl import sample_data as D
from etl.holidays import read_calendar
from kpi import config
from kpi.warehouse.db import Warehouse
from kpi.measures import precount, quality_counts, targets
from kpi.measures.levels import COMMUNE, DISTRICT, PROVINCE, TWO_LEVEL_FROM, infer_level, unit_id_for
from kpi.text import vi
from kpi.text.normalize import fold

FIRST_DAY = dt.date(2023, 1, 1)
LAST_DAY = dt.date(2025, 12, 31)
CUTOFF = "TIMESTAMP '2025-12-31 23:59:59'"  # the export's "as of": later finishes are in progress

DOSSIERS_PER_SCALE = 3_000_000
FEEDBACK_PER_SCALE = 30_000
SURVEYS_PER_SCALE = 18_000  # walk-in; surveys linked to dossiers come on top (~2,000 at scale 1)
DEFAULT_SEED = 20250701

# Tables a --force rebuild empties (everything that carries a batch id, and the units).
WIPE_TABLES = (
    "dossiers", "dossiers_replaced", "feedback", "feedback_replaced", "surveys", "surveys_replaced",
    "form06_rows", "portal_scores", "rejected_rows", "load_batches", "units",
)
OPTIONAL_WIPE_TABLES = ("batch_units",)  # added by later migrations

# Per level: (base, yearly slope) of the online share, digitization and e-result rates.
ONLINE = {PROVINCE: (0.38, 0.14), DISTRICT: (0.22, 0.11), COMMUNE: (0.14, 0.11)}
DIGITIZED = {PROVINCE: (0.46, 0.11), DISTRICT: (0.24, 0.09), COMMUNE: (0.19, 0.09)}
E_RESULT = {PROVINCE: (0.58, 0.11), DISTRICT: (0.16, 0.09), COMMUNE: (0.09, 0.07)}


# -- reference tables (Python, a few hundred rows) ----------------------------

def _unit_random(name: str, seed: int, salt: str) -> float:
    """A stable uniform number in [0, 1) for one unit."""
    digest = hashlib.sha256(f"{seed}|{salt}|{name}".encode()).digest()
    return int.from_bytes(digest[:8], "big") / 2**64


def _unit(name, level, weight, group, *, parent=None, valid_from=None, valid_to=None, successor=None,
          group2=None, weight2=None, from2=None) -> dict:
    return dict(name=name, level=level, weight=weight, group=group, parent=parent, valid_from=valid_from,
                valid_to=valid_to, successor=successor, group2=group2, weight2=weight2, from2=from2)


def _units(seed: int) -> list[dict]:
    """Every unit with its validity, successor, volume weight, procedure group and quality."""
    units = _department_units() + _local_units(seed)
    for number, unit in enumerate(units, start=1):
        _add_quality(unit, number, seed)
    _check_units(units)
    return units


def _department_units() -> list[dict]:
    """Provincial agencies and the 01/03/2025 restructuring (merged departments and their successors)."""
    units = []
    merged_into: dict[str, list[str]] = {}
    for old, new in D.DEPARTMENT_SUCCESSORS.items():
        merged_into.setdefault(new, []).append(old)
    weights = dict(D.DEPARTMENTS)
    end_old = D.DEPARTMENT_MERGE - dt.timedelta(days=1)
    for name, weight in D.DEPARTMENTS:
        if name in D.DEPARTMENT_SUCCESSORS:
            units.append(_unit(name, PROVINCE, weight, name, valid_to=end_old, successor=D.DEPARTMENT_SUCCESSORS[name]))
        elif name in merged_into:
            absorbed = merged_into[name]
            units.append(_unit(name, PROVINCE, weight, name, group2="+".join([name] + absorbed),
                               weight2=weight + sum(weights[a] for a in absorbed), from2=D.DEPARTMENT_MERGE))
        else:
            units.append(_unit(name, PROVINCE, weight, name))
    for new, olds in merged_into.items():
        if new not in weights:
            units.append(_unit(new, PROVINCE, sum(weights[o] for o in olds), "+".join(olds),
                               valid_from=D.DEPARTMENT_MERGE))
    return units


def _local_units(seed: int) -> list[dict]:
    """Districts (22% of the volume) and communes (50%) until 30/06/2025, then the new communes."""
    units = []
    end_three = TWO_LEVEL_FROM - dt.timedelta(days=1)
    size_total = sum(size for _, size in D.DISTRICTS)
    for district, size in D.DISTRICTS:
        units.append(_unit(district, DISTRICT, 22.0 * size / size_total, "district", valid_to=end_three))
    new_weight: dict[str, float] = {}
    for district, size in D.DISTRICTS:
        olds, news = D.COMMUNES[district], D.NEW_COMMUNES[district]
        jitter = [(1.3 if o.startswith("phường") else 1.0) * (0.6 + 0.8 * _unit_random(o, seed, "w")) for o in olds]
        share = 50.0 * size / size_total / sum(jitter)
        district_share = 22.0 * size / size_total
        for i, (old, j) in enumerate(zip(olds, jitter)):
            successor = "UBND " + news[i * len(news) // len(olds)]
            weight = share * j
            units.append(_unit("UBND " + old, COMMUNE, weight, "commune", parent=district, valid_to=end_three,
                               successor=successor))
            # A new commune takes its predecessors' volume and their share of the district's.
            new_weight[successor] = new_weight.get(successor, 0.0) + weight * (1 + district_share / (50.0 * size / size_total))
    for district, _ in D.DISTRICTS:
        for new in D.NEW_COMMUNES[district]:
            units.append(_unit("UBND " + new, COMMUNE, new_weight["UBND " + new], "commune_new",
                               valid_from=TWO_LEVEL_FROM))
    mean_new = sum(new_weight.values()) / len(new_weight)
    for new in D.JOINING_COMMUNES:
        units.append(_unit("UBND " + new, COMMUNE, 0.8 * mean_new * (0.6 + 0.8 * _unit_random(new, seed, "w")),
                           "commune_new", valid_from=TWO_LEVEL_FROM))
    return units


def _add_quality(unit: dict, number: int, seed: int) -> None:
    """Most units meet the targets; named ones (and about one commune in 25, hash-chosen) clearly do not."""
    name = unit["name"]

    def r(salt: str) -> float:
        return _unit_random(name, seed, salt)

    unit["uno"] = number
    unit["unit_id"] = unit_id_for(name)
    late = unit["level"] == COMMUNE and r("late") < 0.04
    unsatisfying = unit["level"] == COMMUNE and r("unsat") < 0.04
    unit["p_over"] = D.LATE_UNITS.get(name, 0.06 + 0.04 * r("over") if late else 0.002 + 0.014 * r("over"))
    unit["p_bad"] = D.UNSATISFYING_UNITS.get(name, 0.08 + 0.03 * r("bad") if unsatisfying else 0.01 + 0.03 * r("bad"))
    unit["dig_off"] = (r("dig") - 0.5) * 0.24
    unit["e_off"] = (r("e") - 0.5) * 0.24 - (0.2 if r("elow") < 0.08 else 0.0)
    unit["onl_off"] = (r("onl") - 0.5) * 0.2
    unit["p_apology"] = 0.6 if r("apol") < 0.15 else 0.93
    unit["fb_over"] = 0.06 if r("fblate") < 0.05 else 0.005 + 0.03 * r("fbover")
    unit["fb_bad"] = 0.02 + 0.06 * r("fbbad")


def _check_units(units: list[dict]) -> None:
    """The reference lists are consistent: ids unique, names imply levels, links resolve."""
    ids = [u["unit_id"] for u in units]
    known = {u["name"] for u in units}
    problems = [f"trùng mã đơn vị {i}" for i in sorted({i for i in ids if ids.count(i) > 1})]
    problems += [f"tên không khớp cấp: {u['name']}" for u in units if infer_level(u["name"]) != u["level"]]
    problems += [f"không có đơn vị kế thừa {u['successor']}" for u in units if u["successor"] and u["successor"] not in known]
    problems += [f"không có đơn vị {n}" for n in (D.LATE_UNITS.keys() | D.UNSATISFYING_UNITS.keys()) - known]
    if problems:
        raise ValueError("Danh mục đơn vị mẫu sai: " + "; ".join(problems))


def _procedures(units: list[dict]) -> list[dict]:
    """Procedure rows per procedure group; merged groups are unions of their parts."""
    groups: dict[str, list[tuple]] = {}
    for unit in units:
        for group in (unit["group"], unit["group2"]):
            if group and group not in groups:
                if group == "commune_new":
                    # A commune after the reform also does most former district procedures.
                    groups[group] = _blend(D.PROCEDURES["commune"], D.PROCEDURES["district"], 50.0, 22.0)
                else:
                    parts = group.split("+")
                    groups[group] = [p for part in parts for p in _scaled(D.PROCEDURES[part], _department_weight(part))]
    rows = []
    for gid, (group, procs) in enumerate(sorted(groups.items()), start=1):
        for pno, (field, procedure, days, weight, online_f) in enumerate(procs, start=1):
            rows.append(dict(group=group, gid=gid, pno=pno, field=field, procedure=procedure, days=days,
                             weight=weight, online_f=online_f))
    return rows


def _department_weight(part: str) -> float:
    """A department's relative volume, so a merged unit's mix keeps its parts' proportions."""
    return dict(D.DEPARTMENTS).get(part, 1.0)


def _scaled(procs, total: float) -> list[tuple]:
    whole = sum(p[3] for p in procs)
    return [(f, p, d, w / whole * total, o) for f, p, d, w, o in procs]


def _blend(first, second, w_first: float, w_second: float) -> list[tuple]:
    return _scaled(first, w_first) + _scaled(second, w_second)


def _load(con, table: str, columns: dict[str, tuple[str, list]]) -> None:
    """A temp table from Python lists in one statement (zipped unnest)."""
    selects, params = [], []
    for name, (sql_type, values) in columns.items():
        selects.append(f"unnest(?::{sql_type}[]) AS {name}")
        params.append(values)
    con.execute(f"CREATE OR REPLACE TEMP TABLE {table} AS SELECT {', '.join(selects)}", params)


def _sql_list(values) -> str:
    return "[" + ", ".join("'" + v.replace("'", "''") + "'" for v in values) + "]"


def _u(salt: str, seed: int, key: str = "id") -> str:
    """A deterministic uniform number in [0, 1) per row."""
    return f"((hash({key}, {seed}, '{salt}') % 1000000) / 1000000.0)"


def _clamp(expr: str, low: float = 0.01, high: float = 0.99) -> str:
    return f"least({high}, greatest({low}, {expr}))"


def _by_level(table: dict, column: str = "level") -> tuple[str, str]:
    base = "CASE " + " ".join(f"WHEN {column} = '{lv}' THEN {b}" for lv, (b, _) in table.items()) + " END"
    slope = "CASE " + " ".join(f"WHEN {column} = '{lv}' THEN {s}" for lv, (_, s) in table.items()) + " END"
    return base, slope


# -- the build ------------------------------------------------------------------

def _prepare(con, seed: int, scale: float) -> None:
    units = _units(seed)
    procs = _procedures(units)
    gid = {p["group"]: p["gid"] for p in procs}
    _load(con, "s_units", {
        "uno": ("INTEGER", [u["uno"] for u in units]),
        "unit_id": ("VARCHAR", [u["unit_id"] for u in units]),
        "name": ("VARCHAR", [u["name"] for u in units]),
        "name_key": ("VARCHAR", [fold(u["name"]) for u in units]),
        "level": ("VARCHAR", [u["level"] for u in units]),
        "parent_id": ("VARCHAR", [unit_id_for(u["parent"]) if u["parent"] else None for u in units]),
        "valid_from": ("DATE", [u["valid_from"] for u in units]),
        "valid_to": ("DATE", [u["valid_to"] for u in units]),
        "successor_id": ("VARCHAR", [unit_id_for(u["successor"]) if u["successor"] else None for u in units]),
        "w": ("DOUBLE", [u["weight"] for u in units]),
        "w2": ("DOUBLE", [u["weight2"] for u in units]),
        "from2": ("DATE", [u["from2"] for u in units]),
        "g": ("INTEGER", [gid[u["group"]] for u in units]),
        "g2": ("INTEGER", [gid[u["group2"]] if u["group2"] else None for u in units]),
        "p_over": ("DOUBLE", [u["p_over"] for u in units]),
        "p_bad": ("DOUBLE", [u["p_bad"] for u in units]),
        "dig_off": ("DOUBLE", [u["dig_off"] for u in units]),
        "e_off": ("DOUBLE", [u["e_off"] for u in units]),
        "onl_off": ("DOUBLE", [u["onl_off"] for u in units]),
        "p_apology": ("DOUBLE", [u["p_apology"] for u in units]),
        "fb_over": ("DOUBLE", [u["fb_over"] for u in units]),
        "fb_bad": ("DOUBLE", [u["fb_bad"] for u in units]),
    })
    _load(con, "s_procs", {
        "gid": ("INTEGER", [p["gid"] for p in procs]),
        "pno": ("INTEGER", [p["pno"] for p in procs]),
        "field": ("VARCHAR", [p["field"] for p in procs]),
        "procedure": ("VARCHAR", [p["procedure"] for p in procs]),
        "days": ("INTEGER", [p["days"] for p in procs]),
        "weight": ("DOUBLE", [p["weight"] for p in procs]),
        "online_f": ("DOUBLE", [p["online_f"] for p in procs]),
    })
    # 10,000 slots per group: a procedure is an equi-join on hash % 10000.
    con.execute("""
        CREATE OR REPLACE TEMP TABLE s_slots AS
        WITH c AS (
          SELECT *, sum(weight) OVER (PARTITION BY gid ORDER BY pno) AS cum, sum(weight) OVER (PARTITION BY gid) AS tot
          FROM s_procs),
        e AS (  -- each procedure's slot range ends where the next one's starts
          SELECT *, coalesce(lag(cum) OVER (PARTITION BY gid ORDER BY pno), 0) AS lo FROM c)
        SELECT e.gid, s.slot::INTEGER AS slot, e.field, e.procedure, e.days, e.online_f
        FROM e JOIN range(10000) s(slot)
          ON s.slot >= round(e.lo / e.tot * 10000) AND s.slot < round(e.cum / e.tot * 10000)
    """)
    # Calendar: working days (Mon–Fri minus public holidays), their running index and a volume factor.
    days_off, saturdays_worked = _calendar()
    tets = ", ".join(f"(DATE '{d}')" for d in D.TET)
    con.execute(f"""
        CREATE OR REPLACE TEMP TABLE s_cal AS
        WITH d AS (
          SELECT unnest(generate_series(DATE '2022-12-01', DATE '2027-06-30', INTERVAL 1 DAY))::DATE AS day),
        w AS (
          SELECT day, (isodow(day) <= 5 AND NOT list_contains(?::DATE[], day)) OR list_contains(?::DATE[], day) AS is_work
          FROM d),
        t AS (SELECT * FROM (VALUES {tets}) v(tet)),
        tf AS (
          SELECT w.day, coalesce(max(CASE WHEN w.day - t.tet BETWEEN -12 AND -1 THEN 1.25
                                       WHEN w.day - t.tet BETWEEN 5 AND 14 THEN 0.7 END), 1.0) AS tet_f
          FROM w LEFT JOIN t ON w.day BETWEEN t.tet - 12 AND t.tet + 14 GROUP BY w.day)
        SELECT w.day, (w.day - DATE '{FIRST_DAY}')::INTEGER AS dayno, w.is_work,
               sum(w.is_work::INTEGER) OVER (ORDER BY w.day) AS wd_cum,
               CASE WHEN w.is_work THEN 0 ELSE 1 END + sum(w.is_work::INTEGER) OVER (ORDER BY w.day) AS nw_idx,
               (CASE WHEN NOT w.is_work THEN 0.06 ELSE [1.15, 1.05, 1.0, 1.0, 0.9, 0.7, 0.7][isodow(w.day)] END)
                 * [1.05, 0.85, 1.0, 1.0, 0.95, 1.0, 1.0, 1.0, 0.95, 1.05, 1.1, 1.2][month(w.day)]
                 * tf.tet_f * (1 + 0.06 * (w.day - DATE '{FIRST_DAY}') / 365.25) AS f
        FROM w JOIN tf USING (day)
    """, [days_off, saturdays_worked])
    con.execute("CREATE OR REPLACE TEMP TABLE s_wd AS SELECT wd_cum AS idx, day FROM s_cal WHERE is_work")
    # Unit-days on which a unit exists, with its expected volume; counts are normalized to the scale.
    con.execute(f"""
        CREATE OR REPLACE TEMP TABLE s_ud AS
        SELECT u.uno, c.day, c.dayno, c.is_work, c.nw_idx,
               CASE WHEN u.from2 IS NOT NULL AND c.day >= u.from2 THEN u.g2 ELSE u.g END AS gid,
               CASE WHEN u.from2 IS NOT NULL AND c.day >= u.from2 THEN u.w2 ELSE u.w END * c.f AS lam
        FROM s_units u JOIN s_cal c
          ON c.day BETWEEN greatest(coalesce(u.valid_from, DATE '{FIRST_DAY}'), DATE '{FIRST_DAY}')
                       AND least(coalesce(u.valid_to, DATE '{LAST_DAY}'), DATE '{LAST_DAY}')
    """)
    total = con.execute("SELECT sum(lam) FROM s_ud").fetchone()[0]
    k_d = DOSSIERS_PER_SCALE * scale / total
    k_f = FEEDBACK_PER_SCALE * scale / total
    k_s = SURVEYS_PER_SCALE * scale / total
    key = "uno * 10000 + dayno"
    con.execute(f"""
        CREATE OR REPLACE TEMP TABLE s_n AS
        SELECT *,
          floor(lam * {k_d} * (0.8 + 0.4 * {_u('n1', seed, key)}) + {_u('n2', seed, key)})::INTEGER AS n_d,
          floor(lam * {k_f} + {_u('f1', seed, key)})::INTEGER AS n_f,
          CASE WHEN is_work THEN floor(lam * {k_s} + {_u('s1', seed, key)})::INTEGER ELSE 0 END AS n_s
        FROM s_ud
    """)


def _calendar() -> tuple[list[dt.date], list[dt.date]]:
    """(days off, Saturdays worked) of the shared holiday file (etl/holidays.py).

    The sample's deadlines then match the working days the ETL uses for PAKN due dates.
    """
    off, worked = read_calendar()
    return [d.item() for d in off], [d.item() for d in worked]


def _rating(u_bad: str, u_split: str, p_bad: str) -> str:
    """1–4 with a share p_bad of 1–2 (a third of them 1) and 28% of the rest 3."""
    return (f"CASE WHEN {u_bad} < ({p_bad}) * 0.3 THEN 1 WHEN {u_bad} < ({p_bad}) THEN 2 "
            f"WHEN {u_split} < 0.28 THEN 3 ELSE 4 END")


def _insert_dossiers(con, seed: int, batch_id: int) -> None:
    u = lambda salt: _u(salt, seed)  # noqa: E731
    on_b, on_s = _by_level(ONLINE)
    dg_b, dg_s = _by_level(DIGITIZED)
    er_b, er_s = _by_level(E_RESULT)
    surnames, mid_m, mid_f = _sql_list(D.SURNAMES), _sql_list(D.MIDDLE_MALE), _sql_list(D.MIDDLE_FEMALE)
    giv_m, giv_f = _sql_list(D.GIVEN_MALE), _sql_list(D.GIVEN_FEMALE)
    con.execute(f"""
        INSERT INTO dossiers
        WITH b AS (
          SELECT uno, day, dayno, is_work, nw_idx, gid, k, uno::BIGINT * 100000000 + dayno * 100000 + k AS id
          FROM (SELECT uno, day, dayno, is_work, nw_idx, gid, unnest(range(n_d)) AS k FROM s_n WHERE n_d > 0)),
        r AS (
          SELECT b.*, u.unit_id, u.level, u.p_over, u.p_bad, u.dig_off, u.e_off, u.onl_off, u.p_apology,
                 s.field, s.procedure, s.days, s.online_f, dayno / 365.25 AS t,
                 {u('ch')} AS u_ch, {u('tm')} AS u_tm, {u('oc')} AS u_oc, {u('fi')} AS u_fi, {u('hr')} AS u_hr,
                 {u('l1')} AS u_l1, {u('dg')} AS u_dg, {u('er')} AS u_er, {u('rt')} AS u_rt, {u('rb')} AS u_rb,
                 {u('rs')} AS u_rs, {u('ap')} AS u_ap, (hash(id, {seed}, 'nm') // 2)::BIGINT AS h_nm
          FROM b JOIN s_units u USING (uno)
                 JOIN s_slots s ON s.gid = b.gid AND s.slot = hash(b.id, {seed}, 'pr') % 10000),
        c AS (
          SELECT *,
            CASE WHEN NOT is_work THEN 'online'
                 WHEN u_ch < {_clamp(f'({on_b} + {on_s} * t + onl_off) * online_f', 0.01, 0.97)} THEN 'online'
                 WHEN u_ch < {_clamp(f'({on_b} + {on_s} * t + onl_off) * online_f', 0.01, 0.97)} + 0.025 THEN 'postal'
                 ELSE 'direct' END AS channel
          FROM r),
        rc AS (
          SELECT *,
            day::TIMESTAMP + to_seconds(CASE WHEN channel = 'online' THEN 21600 + floor(u_tm * 61200)
                                             ELSE 27000 + floor(u_tm * 34200) END::BIGINT) AS received_at
          FROM c),
        o AS (
          SELECT *,
            nw_idx + CASE WHEN is_work AND hour(received_at) >= 17 THEN 1 ELSE 0 END AS start_idx,
            p_over * [1.3, 1.0, 0.85][year(day) - 2022] * CASE WHEN field = 'Đất đai' THEN 1.6 ELSE 1.0 END
                   * CASE WHEN days = 0 THEN 0.3 ELSE 1.0 END AS p_late
          FROM rc),
        oc AS (
          SELECT *,
            CASE WHEN days IS NULL THEN 'nodue' WHEN u_oc < p_late THEN 'late'
                 WHEN u_oc < p_late + 0.08 THEN 'ondue' ELSE 'early' END AS outcome,
            start_idx + days AS due_idx
          FROM o),
        f AS (
          SELECT *,
            CASE outcome WHEN 'nodue' THEN start_idx + floor(u_fi * 8)
                         WHEN 'late' THEN due_idx + 1 + floor(u_fi * u_fi * u_fi * CASE WHEN field = 'Đất đai' THEN 80 ELSE 30 END)
                         WHEN 'ondue' THEN due_idx
                         ELSE start_idx + floor(pow(u_fi, 1.3) * days) END::BIGINT AS fin_idx
          FROM oc),
        g AS (
          SELECT f.*, dd.day AS due_day,
            CASE WHEN outcome = 'late' AND u_l1 < 0.15 THEN dd.day + INTERVAL 1 DAY + INTERVAL '23:59:00'
                 ELSE greatest(received_at + INTERVAL 10 MINUTE,
                               fd.day::TIMESTAMP + to_seconds((27000 + floor(u_hr * 34200))::BIGINT)) END AS fin_at
          FROM f LEFT JOIN s_wd dd ON dd.idx = f.due_idx JOIN s_wd fd ON fd.idx = f.fin_idx),
        h AS (
          SELECT *,
            CASE WHEN fin_at <= {CUTOFF} THEN fin_at END AS finished_at,
            due_day + INTERVAL 17 HOUR AS due_at
          FROM g)
        SELECT
          printf('H26.%02d-%s-%06d', uno, strftime(day, '%y%m%d'), k + 1) AS code,
          unit_id, level, field, procedure, channel, received_at, due_at, finished_at,
          day AS received_date, due_day AS due_date, finished_at::DATE AS finished_date,
          u_dg < {_clamp(f'{dg_b} + {dg_s} * t + dig_off')} AS digitized,
          CASE WHEN finished_at IS NOT NULL THEN
               u_er < {_clamp(f"{er_b} + {er_s} * t + e_off + CASE WHEN channel = 'online' THEN 0.05 ELSE 0 END")} END AS e_result,
          CASE WHEN finished_at IS NOT NULL AND u_rt < 0.6 THEN
               {_rating('u_rb', 'u_rs', "p_bad + CASE WHEN outcome = 'late' THEN 0.15 ELSE 0 END")} END::TINYINT AS rating,
          CASE WHEN finished_at::DATE > due_day OR (finished_at IS NULL AND due_day < DATE '{LAST_DAY}')
               THEN u_ap < p_apology END AS apology,
          CASE WHEN finished_at IS NOT NULL THEN 'Đã trả kết quả'
               WHEN field = 'Đất đai' AND u_rs < 0.25 THEN 'Chờ thực hiện nghĩa vụ tài chính'
               WHEN u_rs < 0.4 THEN 'Chờ bổ sung hồ sơ'
               ELSE 'Đang giải quyết' END AS status,
          {surnames}[1 + (h_nm % {len(D.SURNAMES)})] || ' ' ||
          CASE WHEN (h_nm // 1000) % 2 = 0
               THEN {mid_m}[1 + (h_nm // 10000) % {len(D.MIDDLE_MALE)}] || ' ' || {giv_m}[1 + (h_nm // 1000000) % {len(D.GIVEN_MALE)}]
               ELSE {mid_f}[1 + (h_nm // 10000) % {len(D.MIDDLE_FEMALE)}] || ' ' || {giv_f}[1 + (h_nm // 1000000) % {len(D.GIVEN_FEMALE)}]
          END AS applicant,
          {batch_id}::BIGINT AS batch_id
        FROM h
        ORDER BY received_at, code
    """)


def _insert_feedback(con, seed: int, batch_id: int, working_days: int) -> None:
    u = lambda salt: _u(salt, seed)  # noqa: E731
    fields = _sql_list([f for f, _ in D.FEEDBACK_TOPICS])
    titles = _sql_list([t for _, t in D.FEEDBACK_TOPICS])
    n_topics = len(D.FEEDBACK_TOPICS)
    con.execute(f"""
        INSERT INTO feedback
        WITH b AS (
          SELECT uno, day, dayno, is_work, nw_idx, k, uno::BIGINT * 100000000 + dayno * 100000 + k AS id
          FROM (SELECT uno, day, dayno, is_work, nw_idx, unnest(range(n_f)) AS k FROM s_n WHERE n_f > 0)),
        r AS (
          SELECT b.*, u.unit_id, u.level, u.fb_over, u.fb_bad,
                 day::TIMESTAMP + to_seconds((21600 + floor({u('tm')} * 57600))::BIGINT) AS received_at,
                 {u('oc')} AS u_oc, {u('fi')} AS u_fi, {u('hr')} AS u_hr, {u('rt')} AS u_rt, {u('rb')} AS u_rb,
                 {u('rs')} AS u_rs, (1 + hash(id, {seed}, 'tp') % {n_topics})::INTEGER AS topic
          FROM b JOIN s_units u USING (uno)),
        o AS (
          SELECT *, nw_idx + CASE WHEN is_work AND hour(received_at) >= 17 THEN 1 ELSE 0 END + {working_days} AS due_idx,
                 nw_idx + CASE WHEN is_work AND hour(received_at) >= 17 THEN 1 ELSE 0 END AS start_idx
          FROM r),
        f AS (
          SELECT *, u_oc < fb_over AS late,
            CASE WHEN u_oc < fb_over THEN due_idx + 1 + floor(u_fi * u_fi * 20)
                 WHEN u_oc < fb_over + 0.05 THEN due_idx
                 ELSE start_idx + 1 + floor(pow(u_fi, 0.8) * ({working_days} - 1)) END::BIGINT AS hdl_idx
          FROM o),
        g AS (
          SELECT f.*, dd.day AS due_day,
                 greatest(received_at + INTERVAL 1 HOUR, hd.day::TIMESTAMP + to_seconds((27000 + floor(u_hr * 34200))::BIGINT)) AS hdl_at
          FROM f JOIN s_wd dd ON dd.idx = f.due_idx JOIN s_wd hd ON hd.idx = f.hdl_idx),
        h AS (SELECT *, CASE WHEN hdl_at <= {CUTOFF} THEN hdl_at END AS handled_at FROM g)
        SELECT printf('PAKN.%02d-%s-%04d', uno, strftime(day, '%y%m%d'), k + 1) AS code,
               unit_id, level, {fields}[topic] AS field, {titles}[topic] AS title,
               received_at, due_day + INTERVAL 17 HOUR AS due_at, handled_at,
               day AS received_date, due_day AS due_date, handled_at::DATE AS handled_date,
               FALSE AS due_assumed,
               CASE WHEN handled_at IS NOT NULL AND u_rt < 0.55 THEN
                    {_rating('u_rb', 'u_rs', 'fb_bad + CASE WHEN late THEN 0.2 ELSE 0 END')} END::TINYINT AS rating,
               {batch_id}::BIGINT AS batch_id
        FROM h
        ORDER BY received_at, code
    """)


def _insert_surveys(con, seed: int, batch_id: int) -> None:
    con.execute(f"""
        INSERT INTO surveys (code, dossier_code, unit_id, level, rated_date, rating, batch_id)
        WITH walk_in AS (
          SELECT printf('KS.%02d-%s-%04d', n.uno, strftime(n.day, '%y%m%d'), k + 1) AS code,
                 NULL::VARCHAR AS dossier_code, u.unit_id, u.level, n.day AS rated_date,
                 {_rating(_u('rb', seed), _u('rs', seed), 'u.p_bad')}::TINYINT AS rating
          FROM (SELECT *, uno::BIGINT * 100000000 + dayno * 100000 + k AS id
                FROM (SELECT uno, day, dayno, unnest(range(n_s)) AS k FROM s_n WHERE n_s > 0)) n
               JOIN s_units u USING (uno)),
        -- Surveys about single dossiers: about 0.07% of finished ones, rated or not in the dossier record
        -- (the KPI counts a survey only when its dossier carries no rating).
        linked AS (
          SELECT 'KS-' || d.code AS code, d.code AS dossier_code, d.unit_id, d.level, d.finished_date AS rated_date,
                 coalesce(d.rating, {_rating(_u('rb', seed, 'd.code'), _u('rs', seed, 'd.code'), 'u.p_bad')})::TINYINT AS rating
          FROM dossiers d JOIN s_units u USING (unit_id)
          WHERE d.batch_id = {batch_id} AND d.finished_date IS NOT NULL AND hash(d.code, {seed}, 'sv') % 100000 < 70)
        SELECT code, dossier_code, unit_id, level, rated_date, rating, {batch_id}::BIGINT AS batch_id
        FROM (SELECT * FROM walk_in UNION ALL SELECT * FROM linked)
        ORDER BY rated_date, code
    """)


def build_sample(wh: Warehouse, scale: float = 1.0, seed: int = DEFAULT_SEED, *, replace: bool = False) -> dict:
    """Generates the sample province into ``wh`` in one transaction; returns row counts and seconds.

    ``scale`` multiplies the dossier, PAKN and survey volumes (1.0 ≈ 3 million dossiers).
    With ``replace`` every loaded row, batch and unit is deleted first (same transaction);
    without it the warehouse must hold no dossiers.
    """
    if not scale > 0:
        raise ValueError("scale phải lớn hơn 0")
    started = time.perf_counter()
    started_at = dt.datetime.now().replace(microsecond=0)
    working_days = int(config.get("pakn_working_days"))
    with wh.write() as con:
        tables = {r[0] for r in con.execute("SELECT table_name FROM information_schema.tables").fetchall()}
        if replace:
            for table in WIPE_TABLES + OPTIONAL_WIPE_TABLES:
                if table in tables:
                    con.execute(f"DELETE FROM {table}")
        elif con.execute("SELECT count(*) FROM dossiers").fetchone()[0]:
            raise RuntimeError(f"{wh.path} đã có hồ sơ; dùng replace=True để tạo lại dữ liệu mẫu")
        batch_id = con.execute("SELECT nextval('batch_seq')").fetchone()[0]
        _prepare(con, seed, scale)
        con.execute("""
            INSERT OR REPLACE INTO units (unit_id, name, name_key, level, parent_id, valid_from, valid_to, successor_id)
            SELECT unit_id, name, name_key, level, parent_id, valid_from, valid_to, successor_id FROM s_units ORDER BY uno
        """)
        if "batch_units" in tables:  # migration 2: undoing the sample batch removes its units too
            con.execute(f"INSERT INTO batch_units (batch_id, unit_id) SELECT {batch_id}, unit_id FROM s_units ORDER BY uno")
        _insert_dossiers(con, seed, batch_id)
        _insert_feedback(con, seed, batch_id, working_days)
        _insert_surveys(con, seed, batch_id)
        counts = dict(zip(
            ("units", "dossiers", "feedback", "surveys"),
            con.execute(f"""
                SELECT (SELECT count(*) FROM s_units), (SELECT count(*) FROM dossiers WHERE batch_id = {batch_id}),
                       (SELECT count(*) FROM feedback WHERE batch_id = {batch_id}),
                       (SELECT count(*) FROM surveys WHERE batch_id = {batch_id})
            """).fetchone(),
        ))
        rows = counts["dossiers"] + counts["feedback"] + counts["surveys"]
        con.execute(
            """INSERT INTO load_batches (batch_id, file_name, kind, rows_read, rows_loaded, rows_new,
                                         started_at, finished_at, status, user_name, message)
               VALUES (?, 'sample', 'sample', ?, ?, ?, ?, ?, 'loaded', 'sample', ?)""",
            [batch_id, rows, rows, rows, started_at, dt.datetime.now().replace(microsecond=0),
             f"Dữ liệu mẫu: tỷ lệ {scale:g}, hạt giống {seed}"],
        )
        precount.rebuild(con)  # the pre-aggregated dossier counts, in the same transaction
        quality_counts.rebuild(con)  # and the data-quality counts
        counts["targets_seeded"] = targets.seed_targets(con)
        for table in ("s_n", "s_ud", "s_wd", "s_cal", "s_slots", "s_procs", "s_units"):
            con.execute(f"DROP TABLE IF EXISTS {table}")
    counts["batch_id"] = batch_id
    counts["seconds"] = round(time.perf_counter() - started, 2)
    return counts


def is_empty(wh: Warehouse) -> bool:
    """True when the warehouse holds no dossiers."""
    return wh.query("SELECT count(*) FROM dossiers")[0][0] == 0


def ensure_sample(wh: Warehouse) -> bool:
    """Builds the sample (at the configured ``sample_scale``) only into a warehouse without dossiers."""
    if not is_empty(wh):
        return False
    build_sample(wh, scale=float(config.get("sample_scale")))
    return True


def cmd_sample(args) -> int:
    """`python -m etl sample [--db PATH] [--scale X] [--force]`."""
    wh = Warehouse(getattr(args, "db", None))
    scale = args.scale if getattr(args, "scale", None) is not None else float(config.get("sample_scale"))
    if getattr(args, "if_empty", False):
        built = is_empty(wh) and bool(build_sample(wh, scale=scale))
        print("Đã tạo dữ liệu mẫu." if built else "Kho đã có dữ liệu: giữ nguyên.")
        return 0
    if not scale > 0:
        print("Tỷ lệ (--scale) phải lớn hơn 0.", file=sys.stderr)
        return 2
    existing = wh.query("SELECT count(*) FROM dossiers")[0][0]
    if existing and not getattr(args, "force", False):
        print(f"Cơ sở dữ liệu {wh.path} đã có {vi.num(existing)} hồ sơ nên không tạo dữ liệu mẫu. "
              "Dùng --force để xóa toàn bộ dữ liệu đã nạp (hồ sơ, PAKN, khảo sát, đơn vị, lượt nạp) và tạo lại.",
              file=sys.stderr)
        return 2
    counts = build_sample(wh, scale=scale, replace=bool(getattr(args, "force", False)))
    print(f"Đã tạo dữ liệu mẫu vào {wh.path} (tỷ lệ {scale:g}, lượt nạp #{counts['batch_id']}):")
    print(f"  đơn vị: {vi.num(counts['units'])}")
    print(f"  hồ sơ: {vi.num(counts['dossiers'])}")
    print(f"  PAKN: {vi.num(counts['feedback'])}")
    print(f"  khảo sát: {vi.num(counts['surveys'])}")
    if counts["targets_seeded"]:
        print("  chỉ tiêu kế hoạch: đã nạp")
    print(f"  thời gian: {counts['seconds']:.1f} giây".replace(".", ",", 1))
    return 0

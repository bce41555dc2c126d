"""The units registry: units, their aliases, and renames/merges as successor links (DOMAIN §3).

- A unit has an id, a name, a level and a validity range. The 2025 reform is
  recorded as *successor links*: an old unit gets ``valid_to`` (30/06/2025 for the
  reform of 01/07/2025) and ``successor_id`` = the unit that continues it. A rename
  is a new unit succeeding the old one; a merge is several units with the same
  successor. History stays under the old ids and rolls up to the current unit
  through ``rollup_map`` / ``current_unit``.
- An alias maps another spelling of a name (as exports print it) to a unit. Keys
  are ``kpi.text.normalize.fold`` keys, so case, diacritics and spacing do not matter.
- ``suggest`` ranks registry units for an unrecognized name with rapidfuzz on the
  folded keys, ignoring the usual prefixes (UBND, Ủy ban nhân dân…).

Every change is one ``wh.write()`` transaction with its audit row. Nothing here
imports streamlit.
"""
from __future__ import annotations

import datetime as dt
import re

import pandas as pd
from rapidfuzz import fuzz, process

from kpi.warehouse import audit
from kpi.warehouse.db import Warehouse
from kpi.measures.filters import Scope, where_clause
from kpi.measures.levels import LEVELS, TWO_LEVEL_FROM, infer_level, level_from_name, unit_id_for
from kpi.text.normalize import fold, nfc

REFORM_LAST_DAY = TWO_LEVEL_FROM - dt.timedelta(days=1)  # 30/06/2025
_PREFIX = re.compile(r"^(ubnd|uy ban nhan dan|bo phan mot cua|bpmc)\s+")


class UnitError(ValueError):
    """A refused registry change, with a Vietnamese message fit to show."""


# The reject reason of a row whose unit name the registry does not know (etl.validate writes it for
# uploaders scoped to units; ``unmatched_names`` finds those names again by its fixed middle part).
UNKNOWN_UNIT_MARK = "» chưa có trong danh mục đơn vị"
UNKNOWN_UNIT_REASON = ("Đơn vị «{value}" + UNKNOWN_UNIT_MARK + " nên không xác định được có thuộc phạm vi của bạn "
                       "không: nếu là đơn vị của bạn ghi khác đi, hãy gán tên này cho đơn vị ở trang Danh mục đơn vị "
                       "(thẻ «Ánh xạ tên đơn vị») rồi nạp lại; nếu là đơn vị khác, bỏ dòng này.")


def _in_scope(scope: Scope | None, unit: dict | None) -> bool:
    """Whether a registry unit lies in ``scope`` (None: no restriction, e.g. an admin or the CLI)."""
    if scope is None or scope.is_province:
        return True
    return unit is not None and scope.allows_unit(unit["unit_id"], unit["level"])


def match_key(name: str) -> str:
    """The key fuzzy matching compares: folded, without the UBND-style prefix."""
    key = fold(name)
    key = _PREFIX.sub("", key)
    return _PREFIX.sub("", key)


# -- reading --------------------------------------------------------------
def list_units(wh: Warehouse, scope: Scope | None = None) -> pd.DataFrame:
    """Units within a scope, with their current unit (end of the successor chain) and alias count."""
    where, params = where_clause(None, scope, "u")
    frame = wh.query_df(
        f"""SELECT u.unit_id, u.name, u.level, u.parent_id, u.valid_from, u.valid_to, u.successor_id,
                   (SELECT count(*) FROM unit_aliases a WHERE a.unit_id = u.unit_id) AS aliases
            FROM units u WHERE {where} ORDER BY u.level, u.name""",
        params,
    )
    mapping = rollup_map(wh)
    names = dict(wh.query("SELECT unit_id, name FROM units"))
    frame["current_id"] = [mapping.get(u, u) for u in frame["unit_id"]]
    frame["current_name"] = [names.get(c, c) for c in frame["current_id"]]
    return frame


def get_unit(wh_or_con, unit_id: str) -> dict | None:
    sql = "SELECT unit_id, name, level, parent_id, valid_from, valid_to, successor_id FROM units WHERE unit_id = ?"
    rows = wh_or_con.query(sql, [unit_id]) if isinstance(wh_or_con, Warehouse) else \
        wh_or_con.execute(sql, [unit_id]).fetchall()
    if not rows:
        return None
    keys = ("unit_id", "name", "level", "parent_id", "valid_from", "valid_to", "successor_id")
    return dict(zip(keys, rows[0]))


def aliases_frame(wh: Warehouse, scope: Scope | None = None) -> pd.DataFrame:
    """Every alias with its unit's name; only aliases of units in ``scope`` when one is given."""
    where, params = where_clause(None, scope, "u")
    return wh.query_df(
        f"""SELECT a.alias_key, a.unit_id, u.name, a.created_by, a.created_at
           FROM unit_aliases a JOIN units u USING (unit_id) WHERE {where} ORDER BY u.name, a.alias_key""",
        params,
    )


def resolve(wh: Warehouse, name: str) -> str | None:
    """The unit id a name denotes: the exact name, else an alias, else the folded name; None when unknown."""
    key = fold(name)
    if not key:
        return None
    # As the ETL resolves (etl.validate.UnitBook): the exact id first (diacritics tell communes apart),
    # then an alias, then the folded name.
    rows = wh.query(
        """SELECT unit_id FROM (
             SELECT unit_id, 1 AS rank FROM units WHERE unit_id = ?
             UNION ALL SELECT unit_id, 2 FROM unit_aliases WHERE alias_key = ?
             UNION ALL SELECT unit_id, 3 FROM units WHERE name_key = ?) ORDER BY rank, unit_id LIMIT 1""",
        [unit_id_for(name), key, key],
    )
    return rows[0][0] if rows else None


def suggest(wh: Warehouse, name: str, k: int = 5, *, min_score: float = 60.0,
            units: pd.DataFrame | None = None) -> list[dict]:
    """Up to ``k`` registry units for an unrecognized ``name``, best first.

    Each: unit_id, name, level, score (0–100), current (still valid). Scores are
    rapidfuzz WRatio on diacritics-insensitive keys; a unit still valid wins a tie,
    so a suggestion after 01/07/2025 points at the new unit, not the abolished one.
    """
    if units is None:
        units = wh.query_df("SELECT unit_id, name, level, valid_to, successor_id FROM units")
    if units.empty or not fold(name):
        return []
    keys = [match_key(n) for n in units["name"]]
    query = match_key(name)
    scored = process.extract(query, keys, scorer=fuzz.WRatio, limit=max(k * 3, k), score_cutoff=min_score)
    out = []
    for _key, score, index in scored:
        row = units.iloc[index]
        current = pd.isna(row["successor_id"]) or row["successor_id"] is None
        out.append({"unit_id": row["unit_id"], "name": row["name"], "level": row["level"],
                    "score": round(float(score), 1), "current": bool(current)})
    out.sort(key=lambda s: (-s["score"], not s["current"], s["name"]))
    return out[:k]


def current_unit(wh_or_map, unit_id: str) -> str:
    """The unit that continues ``unit_id`` today: follow successor links to the end (cycle-safe)."""
    mapping = wh_or_map if isinstance(wh_or_map, dict) else rollup_map(wh_or_map)
    return mapping.get(unit_id, unit_id)


def _successors(rows) -> dict[str, str]:
    return {u: s for u, s in rows if s and s != u}


def _chain_end(successor: dict[str, str], unit_id: str) -> str:
    seen = {unit_id}
    current = unit_id
    while current in successor:
        nxt = successor[current]
        if nxt in seen:  # a cycle cannot be written through set_successor; stop rather than loop
            break
        seen.add(nxt)
        current = nxt
    return current


def rollup_map(wh_or_con) -> dict[str, str]:
    """{unit_id: current unit_id} for every unit with a successor (units without one map to themselves)."""
    sql = "SELECT unit_id, successor_id FROM units WHERE successor_id IS NOT NULL"
    rows = wh_or_con.query(sql) if isinstance(wh_or_con, Warehouse) else wh_or_con.execute(sql).fetchall()
    successor = _successors(rows)
    return {u: _chain_end(successor, u) for u in successor}


def lineage(successor_pairs, unit_id: str) -> tuple[str, ...]:
    """``unit_id`` and every unit that merged or was renamed into it, directly or through others.

    ``successor_pairs`` are (unit_id, successor_id) rows, e.g. from the units frame.
    A new commune of 07/2025 gets the old communes it absorbed, so its history before
    the reform can be shown under today's name.
    """
    successor = _successors(successor_pairs)
    found = [unit_id]
    for start in successor:
        current, seen = start, {start}
        while current in successor and successor[current] not in seen:
            current = successor[current]
            seen.add(current)
            if current == unit_id:
                found.append(start)
                break
    return tuple(found)


def rollup_on(wh_or_con, day: dt.date) -> dict[str, str]:
    """{unit_id: the unit that continues it on ``day``} for every unit no longer valid on ``day``.

    Follows successor links while the unit reached ended before ``day`` (cycle-safe), so a
    commune merged on 01/07/2025 maps to its new commune for any day from then on, and to
    itself (left out) before. What rankings and trends group by (kpi.measures.metrics).
    """
    sql = "SELECT unit_id, successor_id, valid_to FROM units WHERE successor_id IS NOT NULL AND valid_to < ?"
    rows = wh_or_con.query(sql, [day]) if isinstance(wh_or_con, Warehouse) else wh_or_con.execute(sql, [day]).fetchall()
    ended = {u: s for u, s, _ in rows if s and s != u}
    out = {}
    for unit_id in ended:
        current, seen = unit_id, {unit_id}
        while current in ended and ended[current] not in seen:
            current = ended[current]
            seen.add(current)
        out[unit_id] = current
    return out


def rollup_frame(wh_or_con) -> pd.DataFrame:
    """The rollup as a two-column frame (unit_id, current_id), every unit included.

    Metrics can join it (``JOIN rollup r USING (unit_id)`` then group by ``r.current_id``)
    to show pre-reform history under the units that exist today.
    """
    sql = "SELECT unit_id FROM units"
    ids = [r[0] for r in (wh_or_con.query(sql) if isinstance(wh_or_con, Warehouse) else wh_or_con.execute(sql).fetchall())]
    mapping = rollup_map(wh_or_con)
    return pd.DataFrame({"unit_id": ids, "current_id": [mapping.get(u, u) for u in ids]})


# -- changing ---------------------------------------------------------------
def add_unit(wh: Warehouse, name: str, level: str | None = None, *, parent_id: str | None = None,
             valid_from: dt.date | None = None, unit_id: str | None = None, user: str | None = None) -> str:
    """Register a unit; its level is inferred from the name when not given. Returns its id."""
    name = nfc(name or "")
    if not fold(name):
        raise UnitError("Tên đơn vị không được để trống.")
    level = level or infer_level(name)
    if level not in LEVELS:
        raise UnitError(f"Cấp không hợp lệ: {level!r}.")
    unit_id = unit_id or unit_id_for(name)
    with wh.write() as con:
        if con.execute("SELECT count(*) FROM units WHERE unit_id = ?", [unit_id]).fetchall()[0][0]:
            raise UnitError(f"Đơn vị “{name}” đã có trong danh mục.")
        if parent_id and get_unit(con, parent_id) is None:
            raise UnitError(f"Không có đơn vị cấp trên “{parent_id}”.")
        con.execute(
            "INSERT INTO units (unit_id, name, name_key, level, parent_id, valid_from) VALUES (?, ?, ?, ?, ?, ?)",
            [unit_id, name, fold(name), level, parent_id, valid_from],
        )
        audit.record(con, user, "unit.add", unit_id, {"name": name, "level": level, "parent_id": parent_id})
    return unit_id


def add_alias(wh: Warehouse, alias: str, unit_id: str, *, user: str | None = None,
              scope: Scope | None = None) -> str:
    """Map another spelling of a unit's name to ``unit_id``; returns the alias key.

    Re-mapping an alias to another unit replaces it (the audit log keeps both).
    An alias equal to a registry name of another unit is refused: it would be ambiguous.
    With ``scope`` (an analyst; admins pass None) the target unit must be in the scope, an
    existing alias may only be moved away from a unit in the scope, and a name that states
    another level ('UBND huyện …' for a commune) is refused: otherwise an analyst could point
    another unit's name at their own and the next load would put that unit's dossiers there.
    """
    key = fold(alias)
    if not key:
        raise UnitError("Tên cần ánh xạ không được để trống.")
    with wh.write() as con:
        unit = get_unit(con, unit_id)
        if unit is None:
            raise UnitError(f"Không có đơn vị “{unit_id}” trong danh mục.")
        other = (con.execute("SELECT unit_id, name FROM units WHERE name_key = ? AND unit_id <> ?", [key, unit_id]).fetchall()[:1] or [None])[0]
        if other:
            raise UnitError(f"“{alias}” là tên của đơn vị khác trong danh mục ({other[1]}).")
        _check_alias_scope(con, scope, key, alias, unit)
        con.execute("DELETE FROM unit_aliases WHERE alias_key = ?", [key])
        con.execute("INSERT INTO unit_aliases (alias_key, unit_id, created_by) VALUES (?, ?, ?)", [key, unit_id, user])
        audit.record(con, user, "unit.alias", unit_id, {"alias": nfc(alias), "key": key})
    return key


def _check_alias_scope(con, scope: Scope | None, key: str, alias: str, unit: dict) -> None:
    if scope is None or scope.is_province:
        return
    if not _in_scope(scope, unit):
        raise UnitError(f"Đơn vị “{unit['name']}” nằm ngoài phạm vi được phân quyền của bạn: chỉ gán tên cho "
                        "đơn vị trong phạm vi; nhờ quản trị viên với đơn vị khác.")
    current = (con.execute("SELECT unit_id FROM unit_aliases WHERE alias_key = ?", [key]).fetchall()[:1] or [None])[0]
    if current is not None and not _in_scope(scope, get_unit(con, current[0])):
        raise UnitError(f"Tên “{alias}” đang được gán cho một đơn vị ngoài phạm vi của bạn: "
                        "chỉ quản trị viên được đổi.")
    stated = level_from_name(alias)
    if stated is not None and stated != unit["level"]:
        from kpi.text.vi import LEVEL_LABELS

        raise UnitError(f"Tên “{alias}” chỉ một đơn vị {LEVEL_LABELS[stated].lower()}, còn “{unit['name']}” là "
                        f"đơn vị {LEVEL_LABELS.get(unit['level'], unit['level']).lower()}: không gán được; "
                        "nhờ quản trị viên nếu đúng là một đơn vị.")


def remove_alias(wh: Warehouse, alias_key: str, *, user: str | None = None, scope: Scope | None = None) -> None:
    with wh.write() as con:
        current = (con.execute("SELECT unit_id FROM unit_aliases WHERE alias_key = ?", [alias_key]).fetchall()[:1] or [None])[0]
        if current is not None and not _in_scope(scope, get_unit(con, current[0])):
            raise UnitError("Tên gọi khác này thuộc một đơn vị ngoài phạm vi của bạn: chỉ quản trị viên được xoá.")
        con.execute("DELETE FROM unit_aliases WHERE alias_key = ?", [alias_key])
        audit.record(con, user, "unit.alias_remove", alias_key)


def set_successor(wh: Warehouse, unit_id: str, successor_id: str | None, *, valid_to: dt.date | None = REFORM_LAST_DAY,
                  user: str | None = None) -> None:
    """Record that ``successor_id`` continues ``unit_id`` after ``valid_to`` (None clears the link).

    Refused: unknown units, a unit succeeding itself, and links that would close a cycle.
    """
    with wh.write() as con:
        unit = get_unit(con, unit_id)
        if unit is None:
            raise UnitError(f"Không có đơn vị “{unit_id}” trong danh mục.")
        if successor_id is None:
            con.execute("UPDATE units SET successor_id = NULL, valid_to = ? WHERE unit_id = ?", [valid_to, unit_id])
            audit.record(con, user, "unit.successor", unit_id, {"successor_id": None, "valid_to": valid_to})
            return
        if successor_id == unit_id:
            raise UnitError("Một đơn vị không thể kế thừa chính nó.")
        if get_unit(con, successor_id) is None:
            raise UnitError(f"Không có đơn vị kế thừa “{successor_id}” trong danh mục.")
        successor = _successors(con.execute("SELECT unit_id, successor_id FROM units WHERE successor_id IS NOT NULL").fetchall())
        successor[unit_id] = successor_id
        if _chain_end(successor, successor_id) == unit_id or _in_cycle(successor, unit_id):
            raise UnitError("Liên kết này tạo thành vòng lặp kế thừa giữa các đơn vị.")
        con.execute("UPDATE units SET successor_id = ?, valid_to = ? WHERE unit_id = ?", [successor_id, valid_to, unit_id])
        if valid_to is not None:
            con.execute("UPDATE units SET valid_from = ? WHERE unit_id = ? AND valid_from IS NULL",
                        [valid_to + dt.timedelta(days=1), successor_id])
        audit.record(con, user, "unit.successor", unit_id, {"successor_id": successor_id, "valid_to": valid_to})


def _in_cycle(successor: dict[str, str], start: str) -> bool:
    seen, current = set(), start
    while current in successor:
        if current in seen:
            return True
        seen.add(current)
        current = successor[current]
    return False


def rename_unit(wh: Warehouse, unit_id: str, new_name: str, *, on: dt.date = TWO_LEVEL_FROM,
                level: str | None = None, user: str | None = None) -> str:
    """A rename from ``on``: a new unit with the new name succeeds the old one. Returns the new id."""
    old = get_unit(wh, unit_id)
    if old is None:
        raise UnitError(f"Không có đơn vị “{unit_id}” trong danh mục.")
    existing = resolve(wh, new_name)
    new_id = existing or add_unit(wh, new_name, level or infer_level(new_name), valid_from=on, user=user)
    set_successor(wh, unit_id, new_id, valid_to=on - dt.timedelta(days=1), user=user)
    return new_id


def merge_units(wh: Warehouse, unit_ids: list[str], into: str, *, on: dt.date = TWO_LEVEL_FROM,
                level: str | None = None, user: str | None = None) -> str:
    """Merge several units from ``on`` into ``into`` (a registry id or a new unit's name). Returns its id."""
    if not unit_ids:
        raise UnitError("Chọn ít nhất một đơn vị để sáp nhập.")
    target = into if get_unit(wh, into) else (resolve(wh, into) or add_unit(wh, into, level, valid_from=on, user=user))
    for unit_id in unit_ids:
        if unit_id != target:
            set_successor(wh, unit_id, target, valid_to=on - dt.timedelta(days=1), user=user)
    return target


UNKNOWN_UNIT_COLUMNS = ("unit_name", "unit")


def unmatched_names(wh: Warehouse, limit: int = 200, *, user: str | None = None,
                    scope: Scope | None = None) -> list[str]:
    """Unit names that uploads could not place, newest batches first, still unknown to the registry.

    Read from ``rejected_rows`` of batches not undone: rows rejected on the unit column
    (the ETL names it ``unit_name``, or gives the unknown-unit reason) whose value neither a
    registry name nor an alias matches. With a ``scope`` below the province only the batches
    ``user`` uploaded count, and a name stating a level the scope does not hold is left out:
    another district's names are not an analyst's to map.
    """
    scoped = scope is not None and not scope.is_province
    rows = wh.query(
        f"""SELECT r.raw_value, max(r.batch_id) AS last_batch
            FROM rejected_rows r JOIN load_batches b USING (batch_id)
            WHERE b.undone_at IS NULL AND r.raw_value IS NOT NULL AND trim(r.raw_value) <> ''
              AND (r.column_name IN (SELECT unnest(?::VARCHAR[])) OR contains(r.reason, ?))
              AND (NOT ? OR b.user_name IS NOT DISTINCT FROM ?)
            GROUP BY 1 ORDER BY last_batch DESC, 1 LIMIT {int(limit) * 5}""",
        [list(UNKNOWN_UNIT_COLUMNS), UNKNOWN_UNIT_MARK, scoped, user],
    )
    known = {r[0] for r in wh.query("SELECT name_key FROM units UNION SELECT alias_key FROM unit_aliases")}
    out, seen = [], set()
    for value, _ in rows:
        key = fold(value)
        stated = level_from_name(value)
        if scoped and scope.kind == "level" and stated is not None and stated != scope.level:
            continue
        if key and key not in known and key not in seen:
            seen.add(key)
            out.append(nfc(value))
    return out[:limit]

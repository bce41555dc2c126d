"""Who may do what and see which rows: roles, the permission table, scopes, the ``User``.

Roles
-----
``leader``  views everything within its scope and exports it.
``analyst`` also uploads for units in its scope, sees rejected rows, undoes its own batches.
``admin``   everything: accounts, targets, the units registry, undo of any batch, the audit log.

``PERMISSIONS`` is the one table of who may do what; ``can(user, action)`` reads it (the menu
too: ``ui.nav.PAGES`` names the action each page needs). What rows a user may *see* is its
``Scope`` (kpi.measures.filters), applied by ``where_clause``; a stored scope is read here.

Accounts and passwords: ``kpi.access.accounts``; login sessions: ``kpi.access.sessions``.
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Iterable

from kpi import config
from kpi.measures.filters import PROVINCE_SCOPE, Scope
from kpi.measures.levels import LEVELS
from kpi.warehouse.db import Warehouse

ROLES = ("leader", "analyst", "admin")

ACTIONS = (
    "view",          # open the dashboards (within scope)
    "export",        # download tables, reports, packs
    "upload",        # load spreadsheets (for units in scope)
    "see_rejects",   # see rejected rows of a load
    "undo_own",      # undo a batch one uploaded
    "undo_any",      # undo anybody's batch
    "edit_targets",  # plan targets
    "edit_units",    # units registry, aliases, merges
    "manage_users",  # accounts, roles, scopes
    "read_audit",    # the audit log
    "update_tasks",  # progress of the plan's tasks (of units in scope)
    "enter_manual",  # figures of the plan's non-data targets (kpi.tracking.manual)
)

PERMISSIONS: dict[str, frozenset[str]] = {
    "leader": frozenset({"view", "export"}),
    "analyst": frozenset({"view", "export", "upload", "see_rejects", "undo_own", "update_tasks", "enter_manual"}),
    "admin": frozenset(ACTIONS),
}

# One message for every refused login (unknown name, wrong password, inactive or locked account):
# it must not tell an attacker which names exist or are locked (issue 12 item 4).

class AuthError(Exception):
    """A refusal with a message in Vietnamese, fit to show to the user."""


@dataclass(frozen=True)
class User:
    """A logged-in account: what the app knows about who is using it."""

    name: str
    role: str
    scope: Scope = PROVINCE_SCOPE
    email: str | None = None


# -- permissions ---------------------------------------------------------
def can(user: User | None, action: str) -> bool:
    """Whether ``user`` may perform ``action`` (one of ``ACTIONS``)."""
    if action not in ACTIONS:
        raise ValueError(f"unknown action {action!r}; known: {', '.join(ACTIONS)}")
    if user is None:
        return False
    return action in PERMISSIONS.get(user.role, frozenset())


def can_for_unit(user: User | None, action: str, unit_id: str, unit_level: str | None = None) -> bool:
    """``can`` narrowed to one unit: e.g. an analyst uploads only for units in its scope."""
    return can(user, action) and user.scope.allows_unit(unit_id, unit_level)


def sees_province_totals(user: User) -> bool:
    """Whether province-wide aggregates may be shown (setting ``scoped_sees_province``)."""
    return user.scope.is_province or bool(config.get("scoped_sees_province"))


# -- scope ---------------------------------------------------------------
def parse_scope(scope_json: str | dict | None) -> dict:
    """The stored scope as a canonical dict; ``AuthError`` when malformed.

    Accepts JSON ({"kind": "province"} | {"kind": "level", "level": "district"} |
    {"kind": "units", "unit_ids": [...]}) or the shorthand ``province``,
    ``level:district``, ``units:id1,id2``.
    """
    if scope_json is None or scope_json == "":
        return {"kind": "province"}
    if isinstance(scope_json, str):
        text = scope_json.strip()
        if text.startswith("{"):
            try:
                data = json.loads(text)
            except json.JSONDecodeError as error:
                raise AuthError(f"Phạm vi không phải JSON hợp lệ: {error.msg}.") from error
        else:
            kind, _, rest = text.partition(":")
            kind = kind.strip().lower()
            if kind == "province":
                data = {"kind": "province"}
            elif kind == "level":
                data = {"kind": "level", "level": rest.strip()}
            elif kind == "units":
                data = {"kind": "units", "unit_ids": [u.strip() for u in rest.split(",") if u.strip()]}
            else:
                raise AuthError(
                    f"Phạm vi không hiểu được: {text!r}. Dùng province, level:district hoặc units:ma1,ma2."
                )
    elif isinstance(scope_json, dict):
        data = scope_json
    else:
        raise AuthError("Phạm vi phải là JSON hoặc dạng viết tắt.")
    kind = data.get("kind")
    if kind == "province":
        return {"kind": "province"}
    if kind == "level":
        level = data.get("level")
        if level not in LEVELS:
            raise AuthError(f"Cấp không hợp lệ: {level!r}. Dùng một trong {', '.join(LEVELS)}.")
        return {"kind": "level", "level": level}
    if kind == "units":
        ids = data.get("unit_ids")
        if not isinstance(ids, list) or not ids or not all(isinstance(u, str) and u.strip() for u in ids):
            raise AuthError("Phạm vi theo đơn vị cần ít nhất một mã đơn vị.")
        return {"kind": "units", "unit_ids": sorted({u.strip() for u in ids})}
    raise AuthError(f"Loại phạm vi không hợp lệ: {kind!r}. Dùng province, level hoặc units.")


def scope_to_json(scope: str | dict | None) -> str:
    """Canonical JSON text of a scope (validated)."""
    return json.dumps(parse_scope(scope), ensure_ascii=False, sort_keys=True)


def _load_units(wh: Warehouse) -> list[tuple[str, str, str | None, str | None]]:
    return wh.query("SELECT unit_id, level, parent_id, successor_id FROM units")


def expand_units(units: Iterable[tuple[str, str, str | None, str | None]], unit_ids: Iterable[str]) -> tuple[str, ...]:
    """The unit ids a 'units' scope covers.

    Starting from ``unit_ids``, repeatedly add
    - children (``parent_id``): a district brings its communes;
    - predecessors (units whose ``successor_id`` is in the set): a merged unit
      brings the history of the units it absorbed;
    - a successor only when *all* its predecessors are in the set: communes of
      one district merged together stay visible to that district's analyst, but
      a unit merged with one outside the scope does not widen the scope (least
      privilege; an admin adds the new unit explicitly).
    Unknown ids are kept, so a scope set before the registry is filled still works.
    """
    units = list(units)
    children: dict[str, set[str]] = {}
    predecessors: dict[str, set[str]] = {}
    for unit_id, _level, parent_id, successor_id in units:
        if parent_id:
            children.setdefault(parent_id, set()).add(unit_id)
        if successor_id and successor_id != unit_id:
            predecessors.setdefault(successor_id, set()).add(unit_id)
    successor_of = {u[0]: u[3] for u in units if u[3] and u[3] != u[0]}
    covered = set(unit_ids)
    changed = True
    while changed:
        changed = False
        for unit_id in list(covered):
            extra = children.get(unit_id, set()) | predecessors.get(unit_id, set())
            successor = successor_of.get(unit_id)
            if successor and successor not in covered and predecessors.get(successor, set()) <= covered:
                extra = extra | {successor}
            new = extra - covered
            if new:
                covered |= new
                changed = True
    return tuple(sorted(covered))


def resolve_scope(wh: Warehouse, scope_json: str | dict | None) -> Scope:
    """The stored scope as a ``Scope`` ready for ``where_clause`` (units expanded)."""
    data = parse_scope(scope_json)
    if data["kind"] == "province":
        return PROVINCE_SCOPE
    if data["kind"] == "level":
        return Scope(kind="level", level=data["level"])
    return Scope(kind="units", unit_ids=expand_units(_load_units(wh), data["unit_ids"]))

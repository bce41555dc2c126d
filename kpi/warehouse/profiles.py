"""Source profiles: a manual column mapping, saved under a name and reused automatically.

When the ETL cannot recognize a required column of an export, the analyst picks the
column by hand once ("Mã hồ sơ ← Số biên nhận điện tử") and saves it as a named
profile, e.g. "Một cửa điện tử – báo cáo chi tiết". The next file whose header has
the same *signature* gets the saved mapping without asking.

The signature is a SHA-256 over the header cells folded with ``kpi.text.normalize.fold``
(case, diacritics, spacing and line breaks do not matter), blanks dropped, sorted
(column order does not matter: the mapping names headers, not positions).
A mapping is ``{canonical field: source header text}``, what ``etl.load.prepare(mapping=…)`` takes.
A profile may also hold the source's value readings (``values``: channel texts mapped by hand,
the rating scale; ``etl.values.ValueOptions.to_dict``), what ``prepare(values=…)`` takes.
"""
from __future__ import annotations

import hashlib
import json
from typing import Iterable

import pandas as pd

from kpi.warehouse import audit
from kpi.warehouse.db import Warehouse
from kpi.text.normalize import fold, nfc


class ProfileError(ValueError):
    """A refused profile, with a Vietnamese message."""


def header_signature(headers: Iterable) -> str:
    """The signature of a header row: sha256 of its sorted, folded, non-blank cells."""
    keys = sorted({fold(str(h)) for h in headers if h is not None and fold(str(h))})
    return hashlib.sha256("\x1f".join(keys).encode("utf-8")).hexdigest()


def save_profile(wh: Warehouse, name: str, kind: str, signature: str, mapping: dict[str, str], *,
                 user: str | None = None, values: dict | None = None) -> None:
    """Create or replace the profile ``name`` (one per name; the newest for a signature wins on lookup)."""
    name = nfc(name or "")
    if not name:
        raise ProfileError("Hãy đặt tên cho cấu hình nguồn dữ liệu (ví dụ “Một cửa điện tử – báo cáo chi tiết”).")
    if not mapping:
        raise ProfileError("Cấu hình không có cột nào được ánh xạ.")
    text = json.dumps({k: nfc(str(v)) for k, v in mapping.items()}, ensure_ascii=False, sort_keys=True)
    values_text = json.dumps(values, ensure_ascii=False, sort_keys=True) if values else None
    with wh.write(bump_version=False) as con:
        con.execute("DELETE FROM source_profiles WHERE name = ?", [name])
        con.execute(
            "INSERT INTO source_profiles (name, kind, header_signature, mapping_json, values_json, created_by, created_at)"
            " VALUES (?, ?, ?, ?, ?, ?, current_timestamp)",
            [name, kind, signature, text, values_text, user],
        )
        audit.record(con, user, "profile.save", name, {"kind": kind, "signature": signature[:12], "mapping": mapping,
                                                       **({"values": values} if values else {})})


_COLUMNS = "name, kind, header_signature, mapping_json, created_by, created_at, values_json"


def _as_dict(row) -> dict:
    name, kind, signature, mapping_json, created_by, created_at, values_json = row
    return {"name": name, "kind": kind, "header_signature": signature, "mapping": json.loads(mapping_json),
            "created_by": created_by, "created_at": created_at, "values": json.loads(values_json or "{}")}


def find_profile(wh: Warehouse, signature: str, kind: str | None = None) -> dict | None:
    """The newest profile saved for a header signature (optionally of one kind), or None."""
    rows = wh.query(
        f"""SELECT {_COLUMNS} FROM source_profiles
           WHERE header_signature = ? AND (? IS NULL OR kind = ?) ORDER BY created_at DESC, name LIMIT 1""",
        [signature, kind, kind],
    )
    return _as_dict(rows[0]) if rows else None


def get_profile(wh: Warehouse, name: str) -> dict | None:
    rows = wh.query(f"SELECT {_COLUMNS} FROM source_profiles WHERE name = ?", [nfc(name)])
    return _as_dict(rows[0]) if rows else None


def list_profiles(wh: Warehouse) -> pd.DataFrame:
    """Every profile: name, kind, signature (short), mapping, who, when — newest first."""
    frame = wh.query_df("SELECT name, kind, header_signature, mapping_json, created_by, created_at FROM source_profiles"
                        " ORDER BY created_at DESC, name")
    frame["mapping"] = [json.loads(m) for m in frame["mapping_json"]]
    return frame.drop(columns=["mapping_json"])


def delete_profile(wh: Warehouse, name: str, *, user: str | None = None) -> None:
    with wh.write(bump_version=False) as con:
        con.execute("DELETE FROM source_profiles WHERE name = ?", [nfc(name)])
        audit.record(con, user, "profile.delete", name)

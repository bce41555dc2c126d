"""Text normalization shared by header matching, unit matching and sorting."""
from __future__ import annotations

import re
import unicodedata

_SPACES = re.compile(r"\s+")


def nfc(value: str) -> str:
    """NFC form with runs of whitespace (line breaks, double spaces) collapsed."""
    return _SPACES.sub(" ", unicodedata.normalize("NFC", value)).strip()


def fold(value: str) -> str:
    """A matching key: lower case, no diacritics (đ → d), single spaces, no punctuation.

    'Ngày  tiếp\\nNHẬN' and 'ngay tiep nhan' give the same key.
    """
    text = unicodedata.normalize("NFD", str(value)).replace("đ", "d").replace("Đ", "D")
    text = "".join(ch for ch in text if unicodedata.category(ch) != "Mn")
    text = re.sub(r"[^0-9a-zA-Z]+", " ", text.lower())
    return text.strip()


def sort_key_vi(value: str) -> tuple:
    """Vietnamese collation key: base letters first (đ after d), then tones.

    Good enough for unit and field names; ICU is not a dependency we want for this.
    """
    base = fold(value).replace(" ", "\x00")
    # đ sorts after d in Vietnamese: mark it so 'Đồng' follows 'Dầu'.
    marked = unicodedata.normalize("NFD", str(value).lower())
    marked = "".join(ch for ch in marked if unicodedata.category(ch) != "Mn")
    letters = "".join("d\x7f" if ch == "đ" else ch for ch in marked)
    return (letters, base, nfc(str(value)))

"""Vietnamese text in the legacy font encodings TCVN3 (ABC, .VnTime) and VNI (VNI-Times): detect, convert.

Offices still keep spreadsheets typed with the pre-Unicode fonts. Excel stores such a cell as the
Windows-1252 characters whose bytes the font draws as Vietnamese ("UBND x· Phó H÷u" is "UBND xã Phú
Hữu" in TCVN3, "UBND xaõ Phuù Höõu" in VNI); a CSV saved from it holds the same bytes. Loaded as is,
every unit name would be a new garbage unit. So a sheet (or a text file) whose text has no
Unicode Vietnamese letter but carries these characters is converted when one of the two tables
turns it into clean Vietnamese, and refused by name otherwise; it is never loaded as garbage.

- TCVN3 (TCVN 5712:1993, VN3): one byte per letter, lower case in 0xA1–0xFF; upper-case letters are
  drawn by the ".VnTimeH" fonts from the same codes, so a word typed in capitals converts to
  lower-case accented letters among capitals ("HUYÖN" → "HUYệN"): a word of two or more capitals
  is upper-cased whole ("Së" stays "Sở": one capital is a title-case word).
  The table is glibc's TCVN5712-1 over 0xA1–0xFF (VN3 uses a subset of it).
- VNI: a base letter followed by a mark letter (a + ø = à, a + â + ù… see ``_vni_of``); đ, ơ, ư and
  the i / ỵ forms are single letters. The table is generated from the Unicode decomposition.
"""
from __future__ import annotations

import re
import unicodedata

import pandas as pd

# glibc TCVN5712-1, bytes 0xA1..0xFF, as Unicode (NFC); bytes 0xB0–0xB4 are combining tone marks.
_TCVN3_HIGH = ("ĂÂÊÔƠƯĐăâêôơưđẰ\u0300\u0309\u0303\u0301\u0323àảãáạẲằẳẵắẴẮẦẨẪẤỀặầẩẫấậèỂẻẽéẹềểễếệìỉỄẾỒĩíịòỔỏõóọồổỗốộờởỡớợùỖủũúụừửữứựỳỷỹýỵỐ")
TCVN3 = {chr(0xA1 + i): ch for i, ch in enumerate(_TCVN3_HIGH)}
_TCVN3_TABLE = str.maketrans(TCVN3)

_TONES = {"\u0300": 0, "\u0301": 1, "\u0309": 2, "\u0303": 3, "\u0323": 4}  # grave, acute, hook, tilde, dot
_PLAIN_MARKS = "øùûõï"            # a tone on a plain vowel (and on ơ, ư)
_CIRCUMFLEX_MARKS = "àáåãä"        # circumflex + tone; "â" alone
_BREVE_MARKS = "èéúüë"             # breve + tone; "ê" alone
_I_FORMS = "ìíæóò"                 # i with a tone is one letter
VIETNAMESE_LETTERS = set("ĂăĐđĨĩŨũƠơƯư") | {chr(c) for c in range(0x1EA0, 0x1EFA)}
# Latin-1 letters that Vietnamese uses as they are (precomposed), so they are no sign of a legacy font
_LATIN1_VIETNAMESE = set("ÀÁÂÃÈÉÊÌÍÒÓÔÕÙÚÝàáâãèéêìíòóôõùúý")
_LEGACY_SIGNS = {chr(c) for c in range(0xA1, 0x100)} - _LATIN1_VIETNAMESE - {"°", "«", "»"}


def _vni_of(letter: str) -> str:
    """The VNI spelling of one Vietnamese letter (lower case; upper case is the same, upper-cased)."""
    base, *marks = unicodedata.normalize("NFD", letter)
    tone = next((_TONES[m] for m in marks if m in _TONES), None)
    if base == "đ":
        return "ñ"
    if base == "i" and tone is not None:
        return _I_FORMS[tone]
    if base == "y" and tone == 4:
        return "î"
    if "\u031b" in marks:  # horn: ơ, ư
        return {"o": "ô", "u": "ö"}[base] + ("" if tone is None else _PLAIN_MARKS[tone])
    if "\u0302" in marks:
        return base + ("â" if tone is None else _CIRCUMFLEX_MARKS[tone])
    if "\u0306" in marks:
        return base + ("ê" if tone is None else _BREVE_MARKS[tone])
    return base + ("" if tone is None else _PLAIN_MARKS[tone])


def _vni_table() -> dict[str, str]:
    lower = sorted({unicodedata.normalize("NFC", ch).lower() for ch in VIETNAMESE_LETTERS | _LATIN1_VIETNAMESE})
    table = {}
    for letter in lower:
        table[_vni_of(letter)] = letter
        table[_vni_of(letter).upper()] = letter.upper()
    return {k: v for k, v in table.items() if k != v}


VNI = _vni_table()
_VNI_RE = re.compile("|".join(re.escape(k) for k in sorted(VNI, key=len, reverse=True)))


def tcvn3_to_unicode(text: str) -> str:
    converted = unicodedata.normalize("NFC", text.translate(_TCVN3_TABLE))
    return re.sub(r"\S+", _upper_if_capitals, converted) if converted != text else converted


def _upper_if_capitals(match: re.Match) -> str:
    """A word typed in capitals with a .VnTimeH font ('X·', 'HuyÖN') is all capitals."""
    word = match.group(0)
    ascii_letters = [c for c in word if c.isascii() and c.isalpha()]
    if len(ascii_letters) >= 2 and all(c.isupper() for c in ascii_letters):
        return word.upper()
    return word


def vni_to_unicode(text: str) -> str:
    return unicodedata.normalize("NFC", _VNI_RE.sub(lambda m: VNI[m.group(0)], text))


CONVERTERS = {"TCVN3": tcvn3_to_unicode, "VNI": vni_to_unicode}


_TCVN3_SYMBOLS = {chr(c) for c in range(0xA1, 0xC0)} - {"«", "»", "°"}  # ă â ê ô ơ ư đ à á ả ã ạ …: VNI never uses them
_VNI_PAIR = re.compile("[aeiouyAEIOUYôöÔÖ][øùûõïâáàåãäêéèúüëØÙÛÕÏÂÁÀÅÃÄÊÉÈÚÜË]")


def _char_class(chars) -> re.Pattern:
    return re.compile("[" + "".join(re.escape(c) for c in sorted(chars)) + "]")


_VIETNAMESE_RE = _char_class(VIETNAMESE_LETTERS)
_SIGNS_RE = _char_class(_LEGACY_SIGNS)
_TCVN3_SYMBOLS_RE = _char_class(_TCVN3_SYMBOLS)
_LETTERS_RE = re.compile(r"[^\W\d_]")


def _counts(text: str) -> tuple[int, int]:
    """(Unicode Vietnamese letters, legacy-font signs) in a text."""
    return len(_VIETNAMESE_RE.findall(text)), len(_SIGNS_RE.findall(text))


def reads_as_vietnamese(sample: str) -> bool:
    """Unicode Vietnamese letters and (almost) no legacy-font signs: the decoding was right."""
    vietnamese, signs = _counts(sample)
    return vietnamese > 10 * signs


def legacy_encoding(sample: str) -> tuple[str | None, bool]:
    """(encoding, convertible) of a text sample: (None, True) for Unicode or plain text; ('TCVN3' | 'VNI',
    True) when the text is in that font encoding and its table resolves it; (name, False) when it looks
    legacy but the table leaves signs unresolved (the file is refused by name, never loaded as garbage)."""
    vietnamese, signs = _counts(sample)
    # a few foreign letters (ü, ß, ñ in a name) in plain or Unicode text are no legacy font: in TCVN3 / VNI
    # text nearly every word carries one
    if signs < 3 or vietnamese * 10 >= signs or signs * 30 < len(_LETTERS_RE.findall(sample)):
        return None, True
    tcvn3, vni = len(_TCVN3_SYMBOLS_RE.findall(sample)), len(_VNI_PAIR.findall(sample))
    if max(tcvn3, vni) < 3:  # neither font's hallmarks (TCVN3's ă â ê ơ ư đ à… codes, VNI's letter + mark pairs)
        return None, True
    name = "TCVN3" if tcvn3 >= vni else "VNI"
    _, left = _counts(CONVERTERS[name](sample))
    return name, left * 20 <= signs


def convert_frame(cells: pd.DataFrame, name: str) -> pd.DataFrame:
    """Every text cell of a sheet converted from the legacy encoding ``name`` (once per distinct value)."""
    convert = CONVERTERS[name]
    out = {}
    for column in cells.columns:
        values = cells[column]
        codes, uniques = pd.factorize(values)
        converted = pd.array([convert(str(u)) for u in uniques] + [None], dtype="str")
        out[column] = pd.Series(converted[codes], index=values.index, dtype="str")
    return pd.DataFrame(out, index=cells.index)


def sample_text(cells: pd.DataFrame, rows: int = 200) -> str:
    """The text of a sheet's first rows (enough to tell an encoding, cheap on a 200 000-row sheet)."""
    head = cells.iloc[:rows]
    return " ".join(str(v) for v in head.to_numpy().ravel() if isinstance(v, str))

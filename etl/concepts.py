"""What a header *means*: normalise its wording, then score it against each field's concepts.

A synonym list only knows the spellings someone wrote down; exports from other
provinces' one-stop systems say the same thing with other time-words, the
abbreviations offices use every day and qualifiers in brackets. So a header is

1. normalised (``normalize``): NFC, camelCase split (OpenCPS ``dueDate``), text
   after a colon and in brackets dropped ("(dd/mm/yyyy)", "(nếu có)", "(Có/Không)"),
   case/diacritics/punctuation folded, qualifiers after the noun dropped
   ("theo quy định", "thực tế"), office abbreviations expanded, some by context
   ("ĐT" is điện tử after "KQ", điện thoại after "Số"; "TT" alone is a row number);
2. scored (``score``) against each field's ``Concept``: cues (all groups of a cue
   must occur, any phrase of a group will do), forbidden phrases (a near-miss that
   means something else: "quá hạn" is an outcome, not the due date), and the share
   of the header's words the field's vocabulary explains (so "Mã hồ sơ" is surer
   than "Mã hồ sơ trên hệ thống cũ").

Where concept words come from (cited beside them below): the project's own
sample exports; OpenCPS (github.com/VietOpenCPS/opencps-v2, e.g.
``modules/backend-statistic-rest/.../DossierConstants.java``: dossierNo,
dossierStatus, online, viaPostal; dossier model: receiveDate, dueDate,
finishDate, releaseDate, govAgencyName, serviceName, applicantName); the
national portal's Decision 766 indicator names (MDSH "kết quả giải quyết điện
tử", "số hóa hồ sơ"; MDHL "mức độ hài lòng"); the receipt form "Giấy tiếp nhận hồ
sơ và hẹn trả kết quả" and the "Phiếu xin lỗi và hẹn lại ngày trả kết quả"
(Decree 61/2018, Circular 01/2018/TT-VPCP); Circular 01/2020/TT-VPCP Biểu 06
columns; one-stop UIs seen in public code ("Ngày hẹn trả", "Lý do trễ hẹn",
"Thủ tục không có ngày hẹn trả").
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from kpi.text.normalize import fold, nfc

SURE = 0.85    # at or above: "chắc chắn"
MAYBE = 0.55   # at or above: "có thể" (mapped, said so); below: not mapped
NEAR = 0.35    # a column below MAYBE but at least this is reported as a near miss

_BRACKETED = re.compile(r"[\(\[\{][^\)\]\}]*[\)\]\}]?")
# A unit of time in brackets makes the column a count ("Thời hạn giải quyết (ngày)" is how many days, not a date):
# it is kept as "số ngày", which no date field accepts.
_DURATION_UNITS = {"ngay", "so ngay", "ngay lam viec", "gio", "so gio", "thang", "ngay lv"}
_QUALIFIERS = (  # folded phrases dropped wherever they stand: formats, "if any", "as required"
    "dd mm yyyy", "dd mm yy", "mm dd yyyy", "yyyy mm dd", "hh mm ss", "hh mm", "ngay thang nam",
    "neu co", "bat buoc", "thuc te", "dinh dang", "x neu co", "co khong",
)
# "theo quy định" is a qualifier after a deadline ("Ngày hẹn trả theo quy định") but makes a finish word a
# deadline ("Ngày kết thúc theo quy định", the national portal's NgayKetThucTheoQuyDinh): it is kept as
# "quy dinh", which deadline concepts accept and finish concepts forbid.
_PRESCRIBED = ("theo quy dinh", "quy dinh")

# Abbreviations Vietnamese offices write every day (folded token → expansion). Context-dependent
# ones (dt, tt, ht) are resolved in ``_expand``.
ABBREVIATIONS = {
    "hs": "ho so", "mhs": "ma ho so", "tthc": "thu tuc hanh chinh", "hc": "hanh chinh",
    "kq": "ket qua", "kqdt": "ket qua dien tu", "kqgq": "ket qua giai quyet",
    "tn": "tiep nhan", "gq": "giai quyet", "cq": "co quan", "dv": "don vi",
    "dvc": "dich vu cong", "dvctt": "dich vu cong truc tuyen", "sl": "so luong",
    "pakn": "phan anh kien nghi", "pa": "phan anh", "kn": "kien nghi",
    "nd": "nghi dinh", "cv": "cong van", "qd": "quyet dinh", "stt": "so thu tu", "sdt": "so dien thoai",
    "tg": "thoi gian", "lv": "linh vuc", "mdhl": "muc do hai long", "dg": "danh gia",
    "bcci": "buu chinh cong ich", "ubnd": "uy ban nhan dan", "ttpvhcc": "trung tam phuc vu hanh chinh cong",
    "cccd": "can cuoc cong dan", "cmnd": "chung minh nhan dan", "ng": "ngay", "sh": "so hoa", "id": "ma",
    "no": "so",  # OpenCPS dossierNo
    # English words of vendors' headers, read as the Vietnamese concept word ("Electronic result", "Reply date")
    "result": "ket qua", "electronic": "dien tu", "reply": "tra loi", "replied": "tra loi", "number": "so",
    "receipt": "bien nhan",
}
_DT_PHONE_BEFORE = {"so", "lien", "he"}                  # "Số ĐT", "ĐT liên hệ" → điện thoại
_TT_ONLINE_BEFORE = {"nop", "kenh", "thuc", "cong", "tuyen"}  # "Nộp TT", "hình thức TT", "DVC TT" → trực tuyến
_TT_STATE_AFTER = {"hs", "ho", "xu", "xl", "giai", "gq"}  # "TT hồ sơ", "TT xử lý" → trạng thái
_HT_FORM_AFTER = {"nop", "tiep", "tn", "nhan"}           # "HT nộp" → hình thức; "Ngày HT" → hoàn thành
_XL_APOLOGY_BEFORE = {"phieu", "thu", "ban"}              # "Phiếu XL", "Thư XL", "Văn bản XL" → xin lỗi


def _expand(tokens: list[str]) -> list[str]:
    out: list[str] = []
    for i, token in enumerate(tokens):
        before = out[-1] if out else ""
        after = tokens[i + 1] if i + 1 < len(tokens) else ""
        if token == "dt":
            word = "dien thoai" if before in _DT_PHONE_BEFORE or after in {"lien"} else "dien tu"
        elif token == "tt":
            if after == "hc":
                word = "thu tuc"
            elif before in _TT_ONLINE_BEFORE:
                word = "truc tuyen"
            elif after in _TT_STATE_AFTER:
                word = "trang thai"
            else:
                word = "thu tu" if len(tokens) == 1 else "tt"
        elif token == "ht":
            word = "hinh thuc" if after in _HT_FORM_AFTER else ("hoan thanh" if before == "ngay" else "ht")
        elif token == "xl":
            word = "xin loi" if before in _XL_APOLOGY_BEFORE else "xu ly"
        else:
            word = ABBREVIATIONS.get(token, token)
        out.extend(word.split())
    return out


def _split_camel(text: str) -> str:
    """'dueDate' → 'due Date' (OpenCPS field names); 'ĐT' and 'KQĐT' stay whole."""
    out = []
    for i, ch in enumerate(text):
        if i and ch.isupper() and text[i - 1].islower():
            out.append(" ")
        out.append(ch)
    return "".join(out)


_RUN_MIN = 6  # a run-together token is at least two syllables ("CAPDONVI", "TENTTHC")


def _segment(token: str, known: frozenset[str]) -> list[str] | None:
    """``token`` as the fewest known words ('tendonvi' → ['ten', 'don', 'vi']), or None when it is not one."""
    best: list[list[str] | None] = [[]] + [None] * len(token)
    for end in range(1, len(token) + 1):
        for start in range(max(0, end - 12), end):
            head, word = best[start], token[start:end]
            if head is not None and word in known and (best[end] is None or len(head) + 1 < len(best[end])):
                best[end] = head + [word]
    return best[-1]


def _unrun(tokens: list[str]) -> list[str]:
    """API field names in capitals lose their word breaks (the portal's TENDONVI, CAPDONVI): split a long
    unknown token when known words make it up entirely."""
    known = _known_words()
    out: list[str] = []
    for token in tokens:
        parts = _segment(token, known) if len(token) >= _RUN_MIN and token.isalpha() and token not in known else None
        out.extend(parts or [token])
    return out


@lru_cache(maxsize=8192)
def normalize(header: str) -> str:
    """A header's meaning-bearing words: folded, qualifiers dropped, abbreviations expanded."""
    text = nfc(str(header)).replace("*", " ")
    head, colon, _rest = text.partition(":")
    if colon and fold(head):
        text = head
    bare = _BRACKETED.sub(" ", text)
    duration = any(fold(part.strip("()[]{}")) in _DURATION_UNITS for part in _BRACKETED.findall(text))
    if fold(bare):
        text = bare + (" số ngày" if duration else "")
    text = _split_camel(text)
    key = f" {fold(text)} "
    for phrase in _QUALIFIERS:
        key = key.replace(f" {phrase} ", " ")
    key = key.replace(" theo quy dinh ", " quy dinh ")
    return " ".join(_expand(_unrun(key.split())))


@dataclass(frozen=True)
class Concept:
    """What a field's header says. ``cues``: (weight, groups); a cue holds when every group has one
    of its phrases in the header. ``forbid``: phrases that make it mean something else.
    ``vocab``: further words that belong to the field (they count as explained, nothing more)."""

    cues: tuple[tuple[float, tuple[tuple[str, ...], ...]], ...]
    forbid: tuple[str, ...] = ()
    vocab: tuple[str, ...] = ()
    forbid_undated: tuple[str, ...] = ()  # forbidden unless a date word is there ("Kết quả xử lý": the result)

    def phrases(self) -> tuple[str, ...]:
        words = {p for _, groups in self.cues for group in groups for p in group}
        return tuple(sorted(words | set(self.vocab) | set(FILLER), key=len, reverse=True))


# Words any header may carry without changing its meaning.
FILLER = ("ho so", "thu tuc hanh chinh", "cua", "va", "cac", "duoc", "da", "cong dan", "nguoi dan", "tren", "he thong",
          "quy dinh",
          "ten", "name")

DATE = ("ngay", "thoi gian", "thoi diem", "date", "time", "ngay gio", "gio", "luc")
RECEIVE = ("tiep nhan", "receive", "received")                          # the official reception
SUBMIT = ("nhan", "nop", "submit", "submitted", "submission")            # a looser word: 'Ngày nộp' loses to it
# Deadline words: "hẹn trả" (Giấy tiếp nhận hồ sơ và hẹn trả kết quả), "hạn xử lý/giải quyết",
# "thời hạn giải quyết" (TTHC publications), "dự kiến trả", OpenCPS dueDate.
DEADLINE = ("hen tra", "han xu ly", "han giai quyet", "ngay hen", "han tra", "du kien tra", "du kien co ket qua",
            "due", "deadline", "han chot", "het han")
DEADLINE_LOOSE = ("hen", "han", "thoi han")  # 'Hạn', 'Thời hạn …': a deadline, less specific than 'hẹn trả'
_LIMIT = ("han muc", "han ngach", "gioi han")  # "Hạn mức" is a limit (an amount), not a deadline
# A finish date "theo quy định" is when it must finish: the national portal's NgayKetThucTheoQuyDinh.
_PRESCRIBED_FINISH = (("ngay", "thoi gian", "thoi diem", "date"),
                      ("ket thuc", "hoan thanh", "tra ket qua", "co ket qua", "xu ly xong", "giai quyet xong",
                       "tra loi"),
                      ("quy dinh",))
# Finished words: "có kết quả", "hoàn thành", "trả kết quả", "kết thúc", "xử lý xong"; OpenCPS finishDate/releaseDate.
FINISH = ("tra", "tra ket qua", "co ket qua", "hoan thanh", "ket thuc", "xu ly xong", "giai quyet xong", "ket qua",
          "finish", "finished", "release", "released", "complete", "completed")
# An outcome or a count is not a date of the dossier ("Quá hạn", "Số ngày trễ hạn", "Lý do trễ hẹn").
_OUTCOME = ("qua han", "truoc han", "dung han", "trong han", "tre han", "tre hen", "ly do", "so ngay", "so luong",
            "ty le", "tong")
_PERSON = ("nguoi", "can bo", "cong chuc")
_CONTACT = ("dien thoai", "dia chi", "email", "can cuoc", "chung minh", "dinh danh", "ngay sinh", "gioi tinh")

UNIT = Concept(
    cues=((1.0, (("co quan", "don vi", "noi tiep nhan", "noi nop", "noi giai quyet", "agency", "gov agency",
                  "uy ban nhan dan", "bo phan tiep nhan", "trung tam phuc vu hanh chinh cong", "phong ban",
                  "bo phan mot cua", "mot cua"),)),),
    forbid=("cap", "ma", "don vi tinh", "dia chi", "phoi hop", "dien thoai", "email", "so luong", "ty le") + _PERSON,
    vocab=("tiep nhan", "giai quyet", "xu ly", "thuc hien", "chu tri", "duoc phan anh", "duoc danh gia", "gov"),
)
LEVEL = Concept(
    cues=((1.0, (("cap", "level"),)),),
    forbid=("cap nhat", "ngay cap", "noi cap", "cap phep", "ket qua", "cap lai", "cap ban", "muc do", "cap do",
            "giay", "ma"),
    vocab=("don vi", "hanh chinh", "co quan", "thuc hien", "quan ly", "giai quyet", "tiep nhan", "chinh quyen",
           "tinh", "huyen", "xa"),
)
FIELD = Concept(
    cues=((1.0, (("linh vuc", "field", "sector", "nganh"),)),),
    forbid=("ma", "so luong", "ty le"),
    vocab=("thu tuc", "giai quyet"),
)
RATING = Concept(  # Decision 766 MDHL "mức độ hài lòng"; "đánh giá" of the portal's rating form
    cues=((1.0, (("hai long", "danh gia", "rating", "satisfaction", "y kien danh gia"),)),
          (1.0, (("ket qua", "diem", "muc do"), ("khao sat",)))),
    forbid=DATE + ("nguoi danh gia", "can bo", "cong chuc", "ma", "so phieu", "noi dung", "ty le", "so luong", "kenh",
                   "hinh thuc"),
    vocab=("muc do", "ket qua", "y kien", "su", "chi so"),
)
RECEIVED = Concept(
    cues=((1.0, (DATE, RECEIVE)), (0.95, (DATE, SUBMIT)), (0.9, (("tiep nhan",),))),
    forbid=_PERSON + ("co quan", "don vi", "noi", "bo phan", "hinh thuc", "kenh", "phuong thuc", "cach thuc", "cap",
                      "ket qua", "bo sung", "trang thai", "linh vuc", "so tiep nhan", "ma", "hen", "han", "du kien",
                      "due", "deadline", "so phieu", "ma phieu", "so bien nhan", "ma bien nhan", "so hieu"),
    vocab=DATE,
)


def _due(*extra_forbid: str) -> Concept:
    return Concept(
        cues=((1.0, (DEADLINE,)), (0.95, (DEADLINE_LOOSE,)), (0.95, _PRESCRIBED_FINISH)),
        forbid=_OUTCOME + _LIMIT + ("bo sung", "tiep nhan", "xin loi", "hen lai") + extra_forbid,
        vocab=DATE + ("tra", "ket qua", "xu ly", "giai quyet", "tra loi", "hoan thanh", "phan hoi"),
    )


FINISHED = Concept(
    cues=((1.0, (DATE, FINISH)), (1.0, (("co ket qua", "hoan thanh", "xu ly xong", "giai quyet xong", "tra ket qua"),))),
    forbid=("hen", "han", "du kien", "dien tu", "hinh thuc", "noi", "danh gia", "tiep nhan", "thoi han", "noi dung",
            "xin loi", "quy dinh", "ky") + _OUTCOME + _PERSON,  # "Ngày ký kết quả": signed, not returned
    vocab=DATE + ("xu ly", "giai quyet"),
)


def _code(*cues: tuple[float, tuple[tuple[str, ...], ...]], forbid: tuple[str, ...] = ()) -> Concept:
    return Concept(
        cues=cues,
        forbid=("ma thu tuc", "ma linh vuc", "ma don vi", "ma co quan", "dinh danh", "giao dich", "buu", "so luong", "ty le",
                "thue", "vach", "le phi", "so lan", "tong", "van ban", "ma trang thai", "ma tinh trang")
        + DATE + _PERSON + _CONTACT + forbid,
        vocab=("ma", "so", "ho so", "bien nhan", "cong", "dich vu cong", "mot cua", "tiep nhan"),
    )


# The receipt ("giấy biên nhận", "phiếu tiếp nhận") carries the dossier's number; "số hiệu" is one too.
_DOSSIER_CODE = ("ma ho so", "so ho so", "ma so ho so", "so bien nhan", "so ho so", "dossier so", "dossier code",
                 "bien nhan", "phieu tiep nhan", "so hieu")

DOSSIER_CONCEPTS: dict[str, Concept] = {
    "code": _code((1.0, (_DOSSIER_CODE,)), (0.7, (("ma",),))),
    "unit_name": UNIT,
    "level": LEVEL,
    "field": FIELD,
    "procedure": Concept(  # "Tên thủ tục", "TTHC"; national portal "dịch vụ công"; OpenCPS serviceName
        cues=((1.0, (("thu tuc", "thu tuc hanh chinh", "dich vu cong", "service", "procedure"),)),),
        forbid=("ma", "linh vuc", "muc do", "so luong", "ty le", "trang thai", "thoi han", "han", "hen"),
        vocab=("thu tuc", "dich vu cong", "giai quyet"),
    ),
    "channel": Concept(  # "Hình thức nộp: Trực tiếp / Trực tuyến / BCCI"; OpenCPS online, viaPostal
        cues=((1.0, (("hinh thuc nop", "kenh", "hinh thuc tiep nhan", "phuong thuc nop", "phuong thuc tiep nhan",
                      "cach thuc nop", "cach thuc tiep nhan", "nguon", "channel", "hinh thuc", "via postal"),)),
              (0.75, (("truc tuyen", "online"),))),
        forbid=("tra ket qua", "tra", "thanh toan", "nhan ket qua", "muc do", "le phi", "phi", "tra loi", "xu ly",
                "ty le", "so luong", "nguon von"),
        vocab=("nop", "tiep nhan", "hinh thuc", "phuong thuc", "cach thuc", "thuc hien"),
    ),
    "received_at": RECEIVED,
    "due_at": _due(),
    "finished_at": FINISHED,
    "digitized": Concept(  # Decision 766 MDSH "số hóa hồ sơ"
        cues=((1.0, (("so hoa", "digitized", "digitize", "digitization"),)),),
        forbid=("ty le", "so luong", "ket qua", "tai su dung", "khai thac") + DATE + _PERSON,
        vocab=("trang thai", "khi tiep nhan", "co"),
    ),
    "e_result": Concept(  # Decision 766 MDSH "kết quả giải quyết điện tử"; "KQĐT"
        # "E-result": "result" is read as kết quả
        cues=((1.0, (("ket qua",), ("dien tu", "electronic"))), (1.0, (("e result", "eresult", "e ket qua"),))),
        forbid=DATE + ("so luong", "ty le", "thu dien tu", "email", "dia chi"),
        vocab=("tra", "cap", "co", "giai quyet", "ban"),
    ),
    "rating": RATING,
    "apology": Concept(  # "Phiếu xin lỗi và hẹn lại ngày trả kết quả" (Circular 01/2018/TT-VPCP)
        cues=((1.0, (("xin loi", "apology"),)),),
        forbid=("so luong", "ty le", "ly do"),
        vocab=("phieu", "thu", "van ban", "hen lai", "ngay tra ket qua", "ngay tra", "co", "gui"),
    ),
    "status": Concept(  # OpenCPS dossierStatus
        cues=((1.0, (("trang thai", "tinh trang", "tinh hinh", "status"),)),),
        forbid=("thanh toan", "dong bo", "so hoa", "ky so", "danh gia", "lien thong", "ma"),
        vocab=("xu ly", "giai quyet", "dossier", "hien tai"),
    ),
    "applicant": Concept(  # "Chủ hồ sơ", "Tổ chức, cá nhân" (đối tượng thực hiện); OpenCPS applicantName
        cues=((1.0, (("chu ho so", "nguoi nop", "nguoi dung ten", "to chuc ca nhan", "applicant", "ho ten",
                      "ho va ten", "ca nhan", "to chuc", "nguoi de nghi", "nguoi yeu cau"),)),
              (1.0, (("ten",), ("cong dan", "doanh nghiep", "nguoi dan")))),
        forbid=_CONTACT + ("nguoi ky", "nguoi xu ly", "can bo", "nguoi tiep nhan", "nguoi nhan", "giay to",
                           "nguoi danh gia", "ma so thue", "so luong", "ty le", "bo sung"),
        vocab=("chu", "ho", "nguoi nop ho so", "doanh nghiep"),
    ),
}

FEEDBACK_CONCEPTS: dict[str, Concept] = {
    "code": _code((1.0, (("ma", "so"), ("phan anh", "kien nghi"))), (0.9, (("ma so",),)), (0.8, (("ma",),)),
                  forbid=("noi dung",)),
    "unit_name": UNIT,
    "level": LEVEL,
    "field": FIELD,
    "title": Concept(
        cues=((1.0, (("tieu de", "noi dung", "trich yeu", "ten phan anh", "title", "subject", "van de", "chu de"),)),),
        forbid=("tra loi", "xu ly", "danh gia", "ket qua", "phan hoi") + DATE,
        vocab=("phan anh", "kien nghi"),
    ),
    "received_at": Concept(
        cues=((1.0, (DATE, RECEIVE + SUBMIT + ("gui", "phan anh"))), (0.9, (("tiep nhan",),)),
              (0.9, (DATE, ("tao", "created")))),  # a feedback item is created when it is sent
        forbid=RECEIVED.forbid + ("tra loi", "xu ly"),
        vocab=DATE + ("phan anh", "kien nghi"),
    ),
    "due_at": _due(),
    "handled_at": Concept(
        cues=((1.0, (DATE, ("xu ly", "tra loi", "hoan thanh", "giai quyet", "co ket qua", "tra ket qua", "ket thuc",
                            "ket qua", "xong", "phan hoi"))),
              (0.9, (("xu ly",),))),
        forbid=("han", "hen", "het han", "du kien", "tiep nhan", "thoi han", "noi dung", "don vi",
                "co quan", "hinh thuc", "quy dinh") + _OUTCOME + _PERSON,
        vocab=DATE + ("phan anh", "kien nghi", "tra", "xong"),
        forbid_undated=("ket qua",),  # "Kết quả xử lý" is the result's text
    ),
    "rating": RATING,
}

SURVEY_CONCEPTS: dict[str, Concept] = {
    "code": _code((1.0, (("ma", "so"), ("phieu", "danh gia", "khao sat"))), forbid=("ho so",)),
    "dossier_code": _code((1.0, (_DOSSIER_CODE,)), forbid=("phieu",)),
    "unit_name": UNIT,
    "level": LEVEL,
    "rated_at": Concept(
        cues=((1.0, (DATE, ("danh gia", "khao sat", "rating", "lay y kien", "y kien"))),),
        forbid=_PERSON + ("ma", "so phieu"),
        vocab=DATE + ("thuc hien",),
    ),
    "rating": RATING,
}

CONCEPTS = {"dossiers": DOSSIER_CONCEPTS, "feedback": FEEDBACK_CONCEPTS, "survey": SURVEY_CONCEPTS}


@lru_cache(maxsize=1)
def _known_words() -> frozenset[str]:
    """Every word the concepts, fillers and abbreviations use: what a run-together token may be made of."""
    phrases = [p for concepts in CONCEPTS.values() for c in concepts.values()
               for p in c.phrases() + c.forbid + c.forbid_undated]
    phrases += list(ABBREVIATIONS) + list(ABBREVIATIONS.values())
    return frozenset(word for phrase in phrases for word in phrase.split())


def _has(key: str, phrase: str) -> bool:
    return f" {phrase} " in key


def _coverage(tokens: list[str], phrases: tuple[str, ...]) -> float:
    """The share of ``tokens`` some phrase of the field's vocabulary (or a filler) covers."""
    covered = [False] * len(tokens)
    for phrase in phrases:
        words = phrase.split()
        n = len(words)
        for i in range(len(tokens) - n + 1):
            if tokens[i:i + n] == words:
                covered[i:i + n] = [True] * n
    return sum(covered) / len(tokens)


_PHRASES: dict[int, tuple[str, ...]] = {}


def concept_score(normal: str, concept: Concept) -> float:
    """0 … 1: how surely a normalised header names this concept."""
    if not normal:
        return 0.0
    key = f" {normal} "
    weight = max((w for w, groups in concept.cues if all(any(_has(key, p) for p in g) for g in groups)), default=0.0)
    if not weight or any(_has(key, phrase) for phrase in concept.forbid):  # cues first: most cells match none
        return 0.0
    if concept.forbid_undated and not any(_has(key, word) for word in DATE) and any(
            _has(key, phrase) for phrase in concept.forbid_undated):
        return 0.0
    phrases = _PHRASES.get(id(concept))
    if phrases is None:
        phrases = _PHRASES[id(concept)] = concept.phrases()
    return weight * (0.5 + 0.5 * _coverage(normal.split(), phrases))


@lru_cache(maxsize=16384)
def scores(header: str, kind: str) -> tuple[tuple[str, float], ...]:
    """(field, score) for every field of ``kind`` the header may name, best first."""
    normal = normalize(header)
    if not any(token.isalpha() for token in normal.split()):  # a date, a number or a code: a data cell
        return ()
    found = [(name, concept_score(normal, concept)) for name, concept in CONCEPTS[kind].items()]
    return tuple(sorted(((n, round(s, 6)) for n, s in found if s > 0), key=lambda pair: -pair[1]))


def confidence(score: float) -> str:
    """'sure' | 'maybe' | 'none' for a score."""
    return "sure" if score >= SURE else "maybe" if score >= MAYBE else "none"

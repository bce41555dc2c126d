"""A plan document's blocks (``kpi.plan.readers``) turned into a proposal: targets, manual targets, tasks.

Targets come from sentences with a percentage, in body paragraphs and in the task table's cells,
each classified by ``kpi.plan.catalog`` and quoted with its section ("I.1.f" for the body,
the task number "4.1" for the appendix). The first sentence for an (indicator, level) wins.

Tasks come from two shapes plans use:

- an appendix table whose header names the columns (Số, Mục tiêu, Nhiệm vụ, Kết quả/Sản phẩm,
  Cơ quan chủ trì, Cơ quan phối hợp, Thời gian); the header may be repeated on each page and split
  over two rows. Cells of exported tables shift (an empty cell lost), so each row's cells are
  aligned to the header's columns by what they hold: the deadline cell reads as a deadline, the lead
  and partner cells name agencies (``_align``). A row whose number is blank either continues the row
  above across a page break (its text starts in lower case: cells are appended) or is a further task
  of the objective above. A row with one text ("1. Hoàn thiện …", "B. Công tác …") is a group heading.
- prose items ("1. …", "a) …" then "- Nội dung thực hiện: …", "- Đơn vị chủ trì: …",
  "- Đơn vị phối hợp: …", "- Thời gian thực hiện: …").
"""
from __future__ import annotations

import re
from dataclasses import asdict, dataclass, field

from kpi import config
from kpi.plan import catalog
from kpi.plan.deadlines import looks_like_deadline, parse_deadline
from kpi.plan.readers import Block
from kpi.text import plan as plan_text
from kpi.text.normalize import fold

LEVELS = ("province", "district", "commune", "all")


@dataclass
class ProposedTarget:
    indicator: str
    level: str
    threshold: float
    year: int
    section: str
    quote: str
    direction: str = ">="


@dataclass
class ProposedManualTarget:
    key: str
    label: str
    level: str
    threshold: float
    year: int
    section: str
    quote: str
    direction: str = ">="


@dataclass
class ProposedTask:
    number: str | None
    objective: str | None
    task: str | None
    product: str | None
    lead: str | None
    partner: str | None
    deadline_text: str | None
    deadline_from: str | None
    deadline_to: str | None
    deadline_kind: str = "unparsed"
    section: str | None = None


@dataclass
class Proposal:
    year: int
    reference: str | None
    targets: list[ProposedTarget] = field(default_factory=list)
    manual_targets: list[ProposedManualTarget] = field(default_factory=list)
    tasks: list[ProposedTask] = field(default_factory=list)
    unmatched: list[tuple[str, str]] = field(default_factory=list)  # (section, sentence) with a % no rule reads

    def as_json(self) -> dict:
        """The shape ``python -m kpi plan import --json`` prints (PROTOCOL / issue 15)."""
        task_keys = ("number", "objective", "task", "product", "lead", "partner", "deadline_text",
                     "deadline_from", "deadline_to")
        return {
            "targets": [{k: asdict(t)[k] for k in ("indicator", "level", "threshold", "year", "section", "quote")}
                        for t in self.targets],
            "manual_targets": [{k: asdict(t)[k] for k in ("key", "label", "level", "threshold", "year", "section",
                                                           "quote")} for t in self.manual_targets],
            "tasks": [{k: asdict(t)[k] for k in task_keys} for t in self.tasks],
        }


class PlanParseError(ValueError):
    """The document cannot be read as a plan; the message (Vietnamese) says why."""


# -- document facts ---------------------------------------------------------------
_YEAR = re.compile(r"\bnăm\s+(20\d\d)\b", re.I)
_NUMBER = re.compile(r"Số\s*:\s*(\d+)\s*/\s*([A-ZĐ][A-ZĐ0-9\-]*)")
_SIGNED = re.compile(r"ngày\s+(\d{1,2})\s+tháng\s+(\d{1,2})\s+năm\s+(\d{4})", re.I)


def plan_year(blocks: list[Block]) -> int | None:
    """The plan's year: the first "năm 20xx" from the "KẾ HOẠCH" title on, else in the first lines."""
    texts = [b.text for b in blocks if not b.is_row]
    start = next((i for i, t in enumerate(texts[:40]) if fold(t).startswith("ke hoach")), None)
    for text in texts[start:start + 4] if start is not None else texts[:10]:
        found = _YEAR.search(text)
        if found:
            return int(found.group(1))
    return None


def plan_reference(blocks: list[Block]) -> str | None:
    """ "KH 170/KH-VP ngày 18/01/2024" from the document number and signing date, when it states them."""
    head = " ".join(b.text for b in blocks[:6] if not b.is_row)
    number = _NUMBER.search(head)
    if not number:
        return None
    signed = _SIGNED.search(head)
    date = f" ngày {int(signed.group(1)):02d}/{int(signed.group(2)):02d}/{signed.group(3)}" if signed else ""
    return f"KH {number.group(1)}/{number.group(2)}{date}"


# -- targets ------------------------------------------------------------------------
_PERCENT = re.compile(r"(\d{1,3}(?:[.,]\d{1,2})?)\s*%")
_CLAUSE_SPLIT = re.compile(r"\n|;|(?<=[.!?])\s+(?=[A-ZĐ0-9])|\s[-–+]\s(?=[A-ZĐ0-9])")


_ITEM_MARK = re.compile(r"^(?:[a-zđ]\)|[-–+•])\s*")


def clauses(text: str) -> list[str]:
    """The sentences of a text: split at line breaks, ";", sentence ends and " - " list marks."""
    parts = (_ITEM_MARK.sub("", p.strip(" -–+•\t")).rstrip(" .") for p in _CLAUSE_SPLIT.split(text or ""))
    return [p for p in parts if p]


def _fraction(number: str) -> float:
    return round(float(number.replace(",", ".")) / 100, 6)


class _Targets:
    """Collects targets from sentences, the first per (indicator, level) or manual key winning."""

    def __init__(self, year: int):
        self.year = year
        self.data: dict[tuple[str, str], ProposedTarget] = {}
        self.manual: dict[str, ProposedManualTarget] = {}
        self.unmatched: list[tuple[str, str]] = []

    def scan(self, text: str | None, section: str) -> None:
        for sentence in clauses(text or ""):
            percents = list(_PERCENT.finditer(sentence))
            if not percents:
                continue
            rule = catalog.classify(sentence)
            if rule is None:
                self.unmatched.append((section, sentence))
            elif rule.kind == "manual":
                self.manual.setdefault(rule.key, ProposedManualTarget(
                    rule.key, plan_text.MANUAL_LABELS[rule.key], rule.level, _fraction(percents[0].group(1)),
                    self.year, section, sentence))
            else:
                self._data(rule.key, sentence, percents, section)

    def _data(self, indicator: str, sentence: str, percents: list, section: str) -> None:
        for i, match in enumerate(percents):
            after_end = percents[i + 1].start() if i + 1 < len(percents) else len(sentence)
            level = catalog.level_in(sentence[match.end():after_end])
            if level is None and len(percents) == 1:
                level = catalog.level_in(sentence[:match.start()])
            self._add(indicator, level or "all", _fraction(match.group(1)), section, sentence)
            if indicator == "on_time_rate" and config.get("plan_on_time_covers_766"):
                self._add("progress_rate_766", level or "all", _fraction(match.group(1)), section, sentence)

    def _add(self, indicator, level, threshold, section, sentence) -> None:
        self.data.setdefault((indicator, level), ProposedTarget(indicator, level, threshold, self.year, section,
                                                                sentence))


# -- body sections -------------------------------------------------------------------
_ROMAN_HEAD = re.compile(r"^([IVX]{1,4})\.\s+(.*)")
_ARABIC_HEAD = re.compile(r"^(\d{1,2})\.\s+(.*)")
_LETTER_HEAD = re.compile(r"^([a-zđ])\)\s*(.*)")
_GROUP_HEAD = re.compile(r"^([A-H]|\d{1,2})(?:\.|\s)\s*(\S.*)")


class _Sections:
    """The body's current section number, "I.1.f", from the headings seen so far."""

    def __init__(self):
        self.parts: list[str | None] = [None, None, None]

    def see(self, text: str) -> None:
        for depth, pattern in enumerate((_ROMAN_HEAD, _ARABIC_HEAD, _LETTER_HEAD)):
            found = pattern.match(text)
            if found:
                self.parts[depth] = found.group(1)
                for deeper in range(depth + 1, 3):
                    self.parts[deeper] = None
                return

    @property
    def number(self) -> str:
        return ".".join(p for p in self.parts if p)


# -- appendix tables -----------------------------------------------------------------
_ROLE_WORDS = (
    ("number", ("so tt", "stt", "so")),
    ("objective", ("muc tieu",)),
    ("lead", ("chu tri", "tham muu")),
    ("partner", ("phoi hop",)),
    ("deadline", ("thoi gian", "thoi han", "tien do")),
    ("product", ("ket qua", "san pham")),
    ("task", ("nhiem vu", "noi dung")),
)
_AGENCY = re.compile(
    r"^(?:cac\s+(?:so|phong|co quan|don vi|ban|nganh|dia phuong)\b|phong\s|trung tam\s|tt\s|"
    r"so\s(?!hoa|lieu|luong|ho so)|van phong\b|ubnd\b|uy ban\b|cong thong tin\b|cong dich vu\b|"
    r"ban\s(?!hanh|dien tu|sao|chung|giay)|dai\s(?:phat|truyen|ptth)|bao\s(?!cao|dam|ve)|vnpt\b|bo phan\s|"
    r"chi cuc\s|cuc\s|buu dien\b|cong an\b|bhxh\b|thanh tra\b|kho bac\b|ngan hang\b)")
# What a product cell usually starts with: a document or result, not a task verb.
_PRODUCT = re.compile(r"^(?:van ban|ke hoach|quyet dinh|bao cao|to trinh|huong dan|danh muc|tai lieu|phuong an|"
                      r"nghi quyet|bo mau|ket qua|cac tien ich|he thong)\b")


def _role(cell: str) -> str | None:
    """The column a header cell names, or None. Header cells are short: a long cell is data."""
    key = fold(cell)
    if len(key) > 40:
        return None
    for role, words in _ROLE_WORDS:
        if any(re.search(rf"(?:^|\s){w}(?:\s|$)", key) for w in words):
            return role
    return None


def _header_roles(cells: tuple[str, ...]) -> list[str | None] | None:
    roles = [_role(c) if c else None for c in cells]
    named = {r for r in roles if r}
    return roles if len(named) >= 4 and "deadline" in named else None


def is_agency(cell: str) -> bool:
    return bool(_AGENCY.match(fold(cell)))


def _score(role: str, column: int, cell: str, index: int) -> float:
    deadline = looks_like_deadline(cell)
    if role == "deadline":
        score = 3.0 if deadline else -3.0
    elif role in ("lead", "partner"):
        score = 2.0 if is_agency(cell) else -1.0
    else:
        score = -2.0 if deadline else (-1.0 if is_agency(cell) else 0.0)
        if role == "product" and _PRODUCT.match(fold(cell)):
            score += 0.5
    return score + (0.3 if column == index else 0.0)


_DROP = -1.5


def _align(cells: list[tuple[int, str]], roles: list[tuple[int, str]]) -> dict[str, str]:
    """The best order-keeping assignment of a row's non-empty cells (index, text) to the header's roles
    (column, role): a small dynamic programme over (cells used, roles used); a cell may be dropped."""
    n, m = len(cells), len(roles)
    best = [[float("-inf")] * (m + 1) for _ in range(n + 1)]
    step: dict[tuple[int, int], tuple[int, int, bool]] = {}
    best[0][0] = 0.0
    for i in range(n + 1):
        for j in range(m + 1):
            here = best[i][j]
            if here == float("-inf"):
                continue
            moves = []
            if j < m:
                moves.append((i, j + 1, here, False))                       # role left empty
            if i < n:
                moves.append((i + 1, j, here + _DROP, False))               # cell dropped
            if i < n and j < m:
                score = _score(roles[j][1], roles[j][0], cells[i][1], cells[i][0])
                moves.append((i + 1, j + 1, here + score, True))            # cell fills role
            for ni, nj, value, used in moves:
                if value > best[ni][nj]:
                    best[ni][nj] = value
                    step[(ni, nj)] = (i, j, used)
    assigned: dict[str, str] = {}
    i, j = n, m
    while (i, j) != (0, 0):
        pi, pj, used = step[(i, j)]
        if used:
            assigned[roles[pj][1]] = cells[pi][1]
        i, j = pi, pj
    return assigned


@dataclass
class _Row:
    cells: list[str]
    roles: list[str | None]
    group_label: str | None
    group_title: str | None


class _Tasks:
    """Task rows of appendix tables, then mapped to tasks once page-split rows are joined."""

    def __init__(self):
        self.roles: list[str | None] | None = None
        self.header_pending = False
        self.rows: list[_Row] = []
        self.group: tuple[str | None, str | None] = (None, None)

    def header(self, cells: tuple[str, ...]) -> bool:
        """Whether the row is a header (or the second row of one); keeps the columns' roles."""
        roles = _header_roles(cells)
        if roles:
            self.roles, self.header_pending = roles, True
            return True
        sub = [_role(c) if c else None for c in cells]
        if self.header_pending and self.roles and any(sub) and all(r for r, c in zip(sub, cells) if c):
            # "Mục tiêu | Nhiệm vụ" under a "Nội dung thực hiện" cell spanning two columns
            sub += [None] * (len(self.roles) - len(sub))
            self.roles = [s or r for s, r in zip(sub, self.roles)]
            return True
        self.header_pending = False
        return False

    def see_group(self, text: str) -> bool:
        found = _GROUP_HEAD.match(text)
        if not found or looks_like_deadline(text):
            return False
        self.group = (found.group(1), found.group(2).strip())
        return True

    def row(self, cells: tuple[str, ...]) -> None:
        if self.header(cells) or self.roles is None:
            return
        filled = [c for c in cells if c]
        if not filled:
            return
        number = cells[0] if self.roles and self.roles[0] == "number" else ""
        if len(filled) == 1 and not looks_like_deadline(filled[0]) and self.see_group(filled[0]):
            return
        if len(filled) == 2 and re.fullmatch(r"[A-H]\.?|\d{1,2}\.", number or "") and self.see_group(" ".join(filled)):
            return
        if not number and self.rows and filled[0][0].islower():
            self._append_to_last(cells)
            return
        self.rows.append(_Row(list(cells), list(self.roles), *self.group))

    def _append_to_last(self, cells: tuple[str, ...]) -> None:
        """A row cut by a page break: each cell continues the same cell of the row above."""
        last = self.rows[-1].cells
        last.extend([""] * (len(cells) - len(last)))
        for i, cell in enumerate(cells):
            if cell:
                last[i] = f"{last[i]} {cell}".strip()

    def tasks(self, year: int, targets: _Targets) -> list[ProposedTask]:
        found: list[ProposedTask] = []
        for row in self.rows:
            task = self._task(row, row.roles, found[-1] if found else None, year)
            targets.scan(task.objective if "objective" in row.roles else None, task.section or "")
            targets.scan(task.task, task.section or "")
            targets.scan(task.product, task.section or "")
            found.append(task)
        return found

    def _task(self, row: _Row, roles: list[str | None], previous: ProposedTask | None, year: int) -> ProposedTask:
        number = row.cells[0].strip(" .") if roles and roles[0] == "number" else ""
        content = [(i, c) for i, c in enumerate(row.cells) if c and i > 0]
        wanted = [(i, r) for i, r in enumerate(roles) if r and r != "number"]
        continues = not number and previous is not None
        if continues and "objective" in roles and content and "%" not in content[0][1]:
            wanted = [(i, r) for i, r in wanted if r != "objective"]
        got = _align(content, wanted)
        if "objective" not in roles:
            got["objective"] = row.group_title
        elif continues and "objective" not in got:
            got["objective"] = previous.objective
        if continues and "task" not in got:
            got["task"] = previous.task
        deadline = parse_deadline(got.get("deadline"), year)
        section = number or (previous.section if previous else None)
        if number and row.group_label and row.group_label.isalpha():
            section = f"{row.group_label}.{number}"
        return ProposedTask(number or None, got.get("objective"), got.get("task"), got.get("product"),
                            got.get("lead"), got.get("partner"), deadline.text or None,
                            deadline.start.isoformat() if deadline.start else None,
                            deadline.end.isoformat() if deadline.end else None, deadline.kind, section)


# -- prose tasks ("- Nội dung thực hiện: …") ---------------------------------------------
_LABELS = (
    ("task", re.compile(r"^[-–+]?\s*(?:[a-zđ]\)\s*)?nội dung thực hiện\s*:?\s*(.*)", re.I)),
    ("lead", re.compile(r"^[-–+]?\s*(?:đơn vị|cơ quan)\s+(?:chủ trì|tham mưu)\s*:?\s*(.*)", re.I)),
    ("partner", re.compile(r"^[-–+]?\s*(?:đơn vị|cơ quan)\s+phối hợp\s*:?\s*(.*)", re.I)),
    ("product", re.compile(r"^[-–+]?\s*(?:kết quả|sản phẩm)[^:]{0,20}:\s*(.*)", re.I)),
    ("deadline", re.compile(r"^[-–+]?\s*(?:thời gian|thời hạn)(?: thực hiện| hoàn thành)?\s*:?\s*(.*)", re.I)),
)


class _ProseTasks:
    def __init__(self):
        self.heading: tuple[str, str] | None = None
        self.sub: tuple[str, str] | None = None
        self.open: dict | None = None
        self.last_label: str | None = None
        self.found: list[dict] = []

    def see(self, text: str) -> None:
        label = next(((name, m.group(1).strip()) for name, p in _LABELS for m in [p.match(text)] if m), None)
        if label is None:
            self._heading_or_text(text)
            return
        name, value = label
        if name == "task":
            letter = _LETTER_HEAD.match(text)
            if letter:
                self.sub = (letter.group(1), "")
            self.open = {"task": value, **self._where()}
        elif self.open is None:
            return
        else:
            self.open[name] = value.rstrip(" .;") or None
        self.last_label = name
        if name == "deadline":
            self.found.append(self.open)
            self.open = None

    def _heading_or_text(self, text: str) -> None:
        arabic, letter = _ARABIC_HEAD.match(text), _LETTER_HEAD.match(text)
        if arabic and not _ROMAN_HEAD.match(text):
            self.heading, self.sub, self.open = (arabic.group(1), arabic.group(2).rstrip(" :")), None, None
        elif letter:
            self.sub, self.open = (letter.group(1), letter.group(2).rstrip(" :")), None
        elif _ROMAN_HEAD.match(text):
            self.heading = self.sub = self.open = None
        elif self.open is not None and self.last_label == "task":
            self.open["task"] = f"{self.open['task']}\n{text.lstrip('-–+ ')}".strip()

    def _where(self) -> dict:
        number = self.heading[0] if self.heading else None
        objective = self.heading[1] if self.heading else None
        if self.sub:
            number = f"{number}.{self.sub[0]}" if number else self.sub[0]
            if self.sub[1]:
                objective = f"{objective} – {self.sub[1]}" if objective else self.sub[1]
        return {"number": number, "objective": objective}

    def tasks(self, year: int) -> list[ProposedTask]:
        out = []
        for item in self.found:
            deadline = parse_deadline(item.get("deadline"), year)
            out.append(ProposedTask(item.get("number"), item.get("objective"), item.get("task") or None,
                                    item.get("product"), item.get("lead"), item.get("partner"), deadline.text or None,
                                    deadline.start.isoformat() if deadline.start else None,
                                    deadline.end.isoformat() if deadline.end else None, deadline.kind,
                                    item.get("number")))
        return out


# -- the whole document ----------------------------------------------------------------
def propose(blocks: list[Block], year: int | None = None) -> Proposal:
    """Targets, manual targets and tasks a plan document states (module doc)."""
    year = year or plan_year(blocks)
    if year is None:
        raise PlanParseError(plan_text.NO_YEAR)
    targets, sections, table, prose = _Targets(year), _Sections(), _Tasks(), _ProseTasks()
    for block in blocks:
        if block.is_row:
            table.row(block.cells)
            continue
        text = block.cells[0]
        if table.roles and _ROMAN_HEAD.match(text) and _is_caps_heading(text):
            table.roles = None  # "III. TỔ CHỨC THỰC HIỆN": the table part is over
        if table.roles and table.see_group(text):
            continue
        sections.see(text)
        prose.see(text)
        targets.scan(text, sections.number)
    tasks = table.tasks(year, targets) + prose.tasks(year)
    return Proposal(year, plan_reference(blocks), list(targets.data.values()), list(targets.manual.values()),
                    tasks, targets.unmatched)


def _is_caps_heading(text: str) -> bool:
    letters = [ch for ch in _ROMAN_HEAD.match(text).group(2) if ch.isalpha()]
    return bool(letters) and all(ch.isupper() for ch in letters)

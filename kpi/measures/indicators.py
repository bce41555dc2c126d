"""What every indicator says about itself, so a list of indicators is read, never retyped.

An indicator is anything the dashboard measures and judges: a KPI rate of
``kpi.measures.metrics.KPIS`` (on time, digitization …) or a sub-indicator of the
766 index (TDGQ, MDHL …). Each one is declared once, as one frozen object
carrying everything the surfaces need:

- ``key``        the identifier used in tables, targets, URLs and JSON;
- ``family``     what kind of record it counts (``dossier``, ``satisfaction``,
                 ``feedback`` for KPIs; a 766 group code for sub-indicators);
- ``direction``  ``">="`` when higher is better, ``"<="`` when lower is;
- ``maximum``    the best possible value: 1.0 for a rate, the points of a sub-indicator;
- ``target_kind`` what a plan target is compared with: ``"rate"`` (a share, 0–100%)
                 or ``"points"`` (0 – ``maximum`` points);
- ``color``      its chart colour (Okabe-Ito, colour-blind safe; never a status colour);
- its words, by key, in ``kpi.text.vi.KPI_WORDS`` (a ``KpiWords``: long label, short
  label, the name in running text, what numerator and denominator count, help):
  ``label``, ``short_label`` and ``report_name`` read them.

A 766 sub-indicator (``kpi.measures.index766.SubIndicator``) is an ``Indicator`` too: its
family is its group (TDGQ, MDHL …), its maximum its points, its target kind ``"points"``,
its colour its group's; it adds formula kind, threshold and input KPI, and its words come
from ``kpi.text.index766``. Words live in the text room, the rest here: text modules hold
words, no lists.

Lists of indicators (the plan KPIs on the overview, the rates of ``kpi summary``, the
rates of a slide) are ``Selection``s: live views over the definitions, read at each
use, so an indicator registered later (a test's fake KPI) appears everywhere at once.
"""
from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from kpi.text import vi

DIRECTIONS = (">=", "<=")
TARGET_KINDS = ("rate", "points")


class Indicator:
    """The shape every indicator shares. A subclass is a frozen dataclass that defines the
    attributes below (as fields, or as properties like a sub-indicator's ``family``, its
    group); this class derives the words from them. ``words`` looks the key up in
    ``vi.KPI_WORDS``; a subclass whose words live elsewhere overrides it."""

    key: str
    family: str
    direction: str = ">="
    maximum: float = 1.0
    target_kind: str = "rate"
    color: str = vi.OKABE_ITO[0]

    @property
    def words(self) -> vi.KpiWords:
        return vi.KPI_WORDS[self.key]

    @property
    def label(self) -> str:
        """Long label: tiles, the matrix, tables ('Giải quyết đúng hạn (TT 01)')."""
        return self.words.label

    @property
    def short_label(self) -> str:
        """Short label: narrow table headers ('Đúng hạn (TT 01)')."""
        return self.words.short

    @property
    def report_name(self) -> str:
        """Its name in running text: 'Tỷ lệ giải quyết đúng hạn'."""
        return self.words.report_name

    @property
    def higher_is_better(self) -> bool:
        return self.direction == ">="


class Selection(Sequence):
    """The keys of the indicators of ``registry`` that ``keep``, in ``order``: read at each use.

    Behaves as a tuple of keys (index, slice, iterate, ``in``, compare with a tuple)."""

    def __init__(self, registry: Mapping[str, Indicator], keep: Callable[[Indicator], bool] = lambda i: True,
                 order: Callable[[Indicator], object] | None = None):
        self._registry, self._keep, self._order = registry, keep, order

    def keys(self) -> tuple[str, ...]:
        chosen = [i for i in self._registry.values() if self._keep(i)]
        if self._order is not None:
            chosen.sort(key=self._order)  # stable: ties keep the definitions' order
        return tuple(i.key for i in chosen)

    def __getitem__(self, index):
        return self.keys()[index]

    def __len__(self) -> int:
        return len(self.keys())

    def __iter__(self):
        return iter(self.keys())

    def __contains__(self, key) -> bool:
        return key in self.keys()

    def __add__(self, other) -> tuple[str, ...]:
        return self.keys() + tuple(other)

    def __radd__(self, other) -> tuple[str, ...]:
        return tuple(other) + self.keys()

    def __eq__(self, other) -> bool:
        return self.keys() == tuple(other) if isinstance(other, (Sequence, Selection)) else NotImplemented

    def __hash__(self) -> int:
        return hash(self.keys())

    def __repr__(self) -> str:
        return f"Selection{self.keys()!r}"

    def __reduce__(self):  # pickled (e.g. a cache key) as the tuple it is now
        return tuple, (self.keys(),)

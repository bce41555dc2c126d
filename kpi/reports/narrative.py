"""Two-to-four Vietnamese sentences per meeting slide, written from the slide's numbers.

Every function here is pure: it takes the same plain dict the slide's chart is
drawn from (``kpi.reports.slides``), so the text can never say something the chart does
not show. Differences are computed from the *displayed* (rounded) percentages, so
"96,8%" against "97%" is "0,2 điểm" and never "0,16 điểm" or a "0,0 điểm" gap
that reads as met; the met / not met verdict itself uses the exact value
(``targets.assess``), and a gap too small to show says so.

Rate dicts: {"key", "value", "previous", "threshold", "direction", "num", "den"};
value/previous/threshold None mean no data / no comparison / no target.
"""
from __future__ import annotations

from decimal import ROUND_HALF_EVEN, Decimal

from kpi.measures import verdict
from kpi.text import report as report_text, verdict as verdict_text, vi
from kpi.measures.status import MET, NO_DATA, NO_TARGET, NOT_MET, assess
from kpi.measures.targets import gap_count

MAX_NAMES = 5


# -- small helpers ----------------------------------------------------------------

def _missing(value) -> bool:
    return value is None or (isinstance(value, float) and value != value)


def shown_percent(value: float, digits: int = 1) -> Decimal:
    """The percentage exactly as ``vi.pct`` prints it: 0.96849 → Decimal('96.8')."""
    return (Decimal(str(value)) * 100).quantize(Decimal(1).scaleb(-digits), rounding=ROUND_HALF_EVEN)


def _points(delta_percent: Decimal) -> str:
    return vi.points(float(delta_percent) / 100)


def target_text(threshold: float) -> str:
    """0.97 → '97%', 0.975 → '97,5%'."""
    whole = (Decimal(str(threshold)) * 100) == (Decimal(str(threshold)) * 100).to_integral_value()
    return vi.pct(threshold, 0 if whole else 1)


def _lower_first(text: str) -> str:
    return text[:1].lower() + text[1:] if text else text


def period_text(label: str, kind: str = "month") -> str:
    """'Tháng 10/2024' → 'tháng 10/2024'; a custom range → 'kỳ 01/10/2024 – 31/10/2024'."""
    if kind == "custom":
        return f"kỳ {label}"
    return _lower_first(label)


def previous_text(kind: str) -> str:
    return report_text.PREVIOUS_BY_KIND.get(kind, report_text.PREVIOUS_BY_KIND["custom"])


def names_text(names: list[str], limit: int = MAX_NAMES) -> str:
    """'A, B và C'; more than ``limit`` → 'A, B, C, D, E và 3 đơn vị khác'."""
    names = [str(n) for n in names]
    if len(names) > limit:
        return ", ".join(names[:limit]) + f" và {vi.num(len(names) - limit)} đơn vị khác"
    if len(names) <= 1:
        return "".join(names)
    return ", ".join(names[:-1]) + " và " + names[-1]


def _sentence(text: str) -> str:
    text = text.strip()
    text = text[:1].upper() + text[1:]
    return text if text.endswith((".", "!", "?")) else text + "."


def join(sentences: list[str]) -> str:
    return " ".join(_sentence(s) for s in sentences if s)


def status(rate: dict) -> str:
    """The rate's status: the verdict's (``kpi.measures.verdict``) when the slide carries it, else judged here."""
    if rate.get("status"):
        return rate["status"]
    if _missing(rate.get("value")):
        return NO_DATA
    if _missing(rate.get("threshold")):
        return NO_TARGET
    return assess(rate["value"], rate["threshold"], rate.get("direction") or ">=")


# -- the building blocks -------------------------------------------------------------

def target_clause(rate: dict) -> str:
    """', thấp hơn chỉ tiêu 97% là 0,2 điểm' / ', vượt chỉ tiêu 97% là 1,1 điểm' / ', đạt chỉ tiêu 97%'.

    The verdict's status decides: a level with too few dossiers says so, an abolished level
    is not judged, and a selection judged per level says which level misses."""
    value, threshold = rate.get("value"), rate.get("threshold")
    if _missing(value):
        return ""
    judged = status(rate)
    if judged == verdict.FEW:
        return f", {verdict_text.FEW_NOTE}"
    if judged == verdict.ABOLISHED:
        return ""
    levels = rate.get("levels_missed")
    if _missing(threshold):
        return f", chưa đạt ở {levels}" if judged == NOT_MET and levels else ""
    direction = rate.get("direction") or ">="
    exact = assess(value, threshold, direction)
    target = target_text(threshold)
    if judged == NOT_MET and exact == MET and levels:
        return ", " + verdict_text.MET_OVERALL_MISSED_AT.format(target=target, levels=levels)
    if judged == MET and exact == NOT_MET:
        return ", " + verdict_text.MET_AT_LEVELS.format(target=target)
    gap = shown_percent(value, _digits(rate)) - (Decimal(str(threshold)) * 100)
    if exact == MET:
        if gap == 0 or (gap > 0) != (direction == ">="):
            return f", đạt chỉ tiêu {target}"
        better = "vượt" if direction == ">=" else "thấp hơn"
        return f", {better} chỉ tiêu {target} là {_points(abs(gap))}"
    # not met
    if abs(gap) < Decimal("0.05"):
        return f", chưa đạt chỉ tiêu {target} (còn thiếu dưới 0,1 điểm)"
    worse = "thấp hơn" if direction == ">=" else "cao hơn"
    return f", {worse} chỉ tiêu {target} là {_points(abs(gap))}"


def _digits(rate: dict) -> int:
    """Decimals the rate is printed with (more near its target: kpi.measures.verdict.display_digits)."""
    return verdict.display_digits(rate.get("value"), rate.get("threshold"), rate.get("direction") or ">=")


def _rate_text(rate: dict) -> str:
    return vi.pct(rate.get("value"), _digits(rate))


def trend_clause(rate: dict, kind: str = "month") -> str:
    """'tăng 0,5 điểm so với tháng trước' / 'giảm …' / 'không đổi …' / '' without a previous value."""
    value, previous = rate.get("value"), rate.get("previous")
    if _missing(value):
        return ""
    if _missing(previous):
        return f"{previous_text(kind)} chưa có dữ liệu để so sánh"
    delta = shown_percent(value) - shown_percent(previous)
    if delta == 0:
        return f"không đổi so với {previous_text(kind)}"
    word = "tăng" if delta > 0 else "giảm"
    return f"{word} {_points(abs(delta))} so với {previous_text(kind)}"


def rate_sentence(rate: dict, period: str, kind: str = "month", name: str | None = None) -> str:
    """'Tỷ lệ giải quyết đúng hạn tháng 10/2024 đạt 96,8%, thấp hơn chỉ tiêu 97% là 0,2 điểm; giảm 0,5 điểm so với tháng trước.'"""
    name = name or report_text.RATE_NAMES.get(rate["key"], vi.KPI_LABELS.get(rate["key"], rate["key"]))
    value = rate.get("value")
    if _missing(value):
        return _sentence(f"{name} {period}: {_lower_first(vi.NO_DATA)}")
    text = f"{name} {period} đạt {_rate_text(rate)}{target_clause(rate)}"
    trend = trend_clause(rate, kind)
    if trend:
        text += f"; {trend}"
    return _sentence(text)


def targets_sentence(rates: list[dict]) -> str:
    """The other targets in one sentence: all met, none met, or 'đạt 2/4; chưa đạt: …'."""
    judged = [r for r in rates if status(r) in (MET, NOT_MET)]
    if not judged:
        return ""
    missed = [r for r in judged if status(r) == NOT_MET]
    total = len(judged)
    names = ", ".join(_lower_first(vi.KPI_LABELS.get(r["key"], r["key"])) for r in missed)
    if not missed:
        return _sentence(f"Các chỉ tiêu khác có dữ liệu đều đạt ({total}/{total})")
    if len(missed) == total:
        return _sentence(f"Các chỉ tiêu khác có dữ liệu đều chưa đạt: {names}")
    return _sentence(f"Các chỉ tiêu khác đạt {total - len(missed)}/{total}; chưa đạt: {names}")


# -- one function per slide kind ---------------------------------------------------------

def _counts_sentence(data: dict, period: str) -> str:
    scope = _lower_first(data.get("scope_label") or report_text.SCOPE_PROVINCE)
    return _sentence(
        f"Trong {period}, {scope} tiếp nhận {vi.num(data.get('received', 0))} hồ sơ, "
        f"đã giải quyết {vi.num(data.get('resolved', 0))} hồ sơ"
    )


def _has_dossiers(data: dict) -> bool:
    return any(int(data.get(k) or 0) for k in ("received", "resolved", "in_progress", "carried_over"))


def summary_narrative(data: dict) -> str:
    """Province (or level) against targets: counts, the headline rate, the other targets, units below target.

    data: scope_label, period_label, period_kind, received, resolved, in_progress, headline (a rate dict),
    rates (list of rate dicts), below_units (list of names; optional — level slides).
    """
    period = period_text(data["period_label"], data.get("period_kind", "month"))
    kind = data.get("period_kind", "month")
    if not _has_dossiers(data):
        scope = _lower_first(data.get("scope_label") or report_text.SCOPE_PROVINCE)
        return _sentence(f"Trong {period}, {scope} {_lower_first(vi.NO_DATA)} về hồ sơ")
    sentences = [_counts_sentence(data, period), rate_sentence(data["headline"], period, kind)]
    others = [r for r in data.get("rates", []) if r["key"] != data["headline"]["key"]]
    sentences.append(targets_sentence(others))
    if data.get("apart_note"):
        sentences.append(data["apart_note"])
    if "below_units" in data and status(data["headline"]) not in (NO_DATA, verdict.ABOLISHED):
        below = data["below_units"]
        if below:
            sentences.append(f"{vi.num(len(below))} đơn vị dưới chỉ tiêu giải quyết đúng hạn: {names_text(below)}")
        elif data.get("headline", {}).get("threshold") is not None:
            sentences.append("Không có đơn vị nào dưới chỉ tiêu giải quyết đúng hạn")
    return join(sentences[:5])


def below_target_narrative(data: dict) -> str:
    """Units below the on-time target.

    data: period_label, period_kind, key, threshold, units_with_data (int),
    units (list of {name, value, num, den}, worst first — only those below target).
    """
    period = period_text(data["period_label"], data.get("period_kind", "month"))
    name = _lower_first(report_text.RATE_NAMES.get(data.get("key", "on_time_rate"), "tỷ lệ"))
    with_data = int(data.get("units_with_data") or 0)
    if with_data == 0:
        return _sentence(f"Trong {period}, {_lower_first(vi.NO_DATA)} về hồ sơ đã giải quyết của các đơn vị")
    threshold = data.get("threshold")
    if threshold is None:
        return _sentence(f"Trong {period}, chưa có chỉ tiêu để so sánh {name} của {vi.num(with_data)} đơn vị")
    target = target_text(threshold)
    units = data.get("units") or []
    if not units:
        return _sentence(f"Trong {period}, cả {vi.num(with_data)} đơn vị có hồ sơ đã giải quyết đều đạt chỉ tiêu "
                         f"{name} {target}")
    direction = data.get("direction") or ">="
    first = units[0]  # units come ranked by the dossiers they miss (kpi.measures.verdict.rank_units)
    gaps = [u["gap"] if u.get("gap") is not None else (gap_count(int(u["num"]), int(u["den"]), threshold, direction) or 0)
            for u in units]
    sentences = [
        f"Trong {period}, {vi.num(len(units))}/{vi.num(with_data)} đơn vị có {name} dưới chỉ tiêu {target}",
        f"Thiếu nhiều nhất là {first['name']}: cần thêm {vi.num(gaps[0])} hồ sơ đúng hạn "
        f"({verdict.rate_text_for(first['value'], threshold, direction)}, "
        f"{vi.num(first['num'])}/{vi.num(first['den'])} hồ sơ đúng hạn)",
    ]
    if sum(gaps):
        sentences.append(f"Các đơn vị này còn thiếu tổng cộng {vi.num(sum(gaps))} hồ sơ đúng hạn để đạt chỉ tiêu")
    if data.get("apart_units"):
        sentences.append(verdict_text.APART_UNITS.format(n=vi.num(len(data["apart_units"])),
                                               names=names_text(data["apart_units"])))
    return join(sentences)


def below_more_narrative(data: dict) -> str:
    """A following slide of units below target: which ranks it lists."""
    target = target_text(data["threshold"]) if data.get("threshold") is not None else ""
    return _sentence(f"Các đơn vị thứ {data['first']}–{data['last']} trong {vi.num(len(data.get('units') or []))} "
                     f"đơn vị dưới chỉ tiêu {target}, xếp theo số hồ sơ còn thiếu để đạt chỉ tiêu")


def pakn_narrative(data: dict) -> str:
    """PAKN: counts, on-time rate, satisfaction.

    data: period_label, period_kind, pakn_received, pakn_handled, pakn_backlog, pakn_backlog_overdue,
    on_time (rate dict), satisfaction (rate dict).
    """
    period = period_text(data["period_label"], data.get("period_kind", "month"))
    kind = data.get("period_kind", "month")
    received, handled = int(data.get("pakn_received") or 0), int(data.get("pakn_handled") or 0)
    backlog, backlog_overdue = int(data.get("pakn_backlog") or 0), int(data.get("pakn_backlog_overdue") or 0)
    if not (received or handled or backlog):
        return _sentence(f"Trong {period}, {_lower_first(vi.NO_DATA)} về phản ánh, kiến nghị")
    first = f"Trong {period}, tiếp nhận {vi.num(received)} PAKN, đã xử lý {vi.num(handled)} PAKN"
    if backlog:
        first += f"; còn {vi.num(backlog)} PAKN đang xử lý"
        first += f", trong đó {vi.num(backlog_overdue)} PAKN quá hạn" if backlog_overdue else ", đều trong hạn"
    sentences = [first, rate_sentence(data["on_time"], period, kind)]
    satisfaction = data.get("satisfaction")
    if satisfaction is not None:
        sentences.append(rate_sentence(satisfaction, period, kind))
    return join(sentences)


def hotspots_narrative(data: dict) -> str:
    """Overdue hot spots: how many overdue, where most.

    data: period_label, period_kind, has_data, resolved_overdue, in_progress_overdue,
    units / fields / procedures: lists of {name, total, ...} sorted by total desc.
    """
    period = period_text(data["period_label"], data.get("period_kind", "month"))
    if not data.get("has_data"):
        return _sentence(f"Trong {period}, {_lower_first(vi.NO_DATA)} về hồ sơ")
    resolved_overdue = int(data.get("resolved_overdue") or 0)
    in_progress_overdue = int(data.get("in_progress_overdue") or 0)
    total = resolved_overdue + in_progress_overdue
    if total == 0:
        return _sentence(f"Trong {period}, không có hồ sơ quá hạn")
    sentences = [
        f"Trong {period} có {vi.num(total)} hồ sơ quá hạn: {vi.num(resolved_overdue)} hồ sơ đã giải quyết "
        f"quá hạn và {vi.num(in_progress_overdue)} hồ sơ đang giải quyết quá hạn"
    ]
    units = [u for u in data.get("units", []) if u["total"]][:3]
    if units:
        sentences.append("Nhiều nhất ở " + ", ".join(f"{u['name']} ({vi.num(u['total'])})" for u in units))
    tops = []
    for key, word in (("fields", "lĩnh vực"), ("procedures", "thủ tục")):
        items = [x for x in data.get(key, []) if x["total"]]
        if items:
            tops.append(f"{word} {items[0]['name']} ({vi.num(items[0]['total'])} hồ sơ)")
    if tops:
        sentences.append("Tập trung nhất: " + "; ".join(tops))
    return join(sentences)


NARRATORS = {
    "summary": summary_narrative,
    "level": summary_narrative,
    "below": below_target_narrative,
    "below_more": below_more_narrative,
    "pakn": pakn_narrative,
    "hotspots": hotspots_narrative,
}


def for_slide(kind: str, data: dict) -> str:
    return NARRATORS[kind](data)
